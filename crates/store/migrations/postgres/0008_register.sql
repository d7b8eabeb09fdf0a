-- Bring your own register: assets keyed by the customer's own inventory id, and manual
-- KRI observations that carry the analyst's note.

ALTER TABLE assets ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX assets_external_id ON assets (tenant_id, external_id);
ALTER TABLE kri_observations ADD COLUMN note TEXT;
