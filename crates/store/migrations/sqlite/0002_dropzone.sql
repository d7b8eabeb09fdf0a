-- The AI Drop Zone: artifacts (deduplicated per integration by SHA-256), the extractions
-- proposed from them, and the audit trail. Same shapes as 0001: BIGINT ms times, JSON text.

CREATE TABLE dropzone_artifacts (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    integration_id BIGINT NOT NULL REFERENCES integrations(id),
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    filename TEXT,
    mime_type TEXT,
    source TEXT,
    content TEXT NOT NULL,
    extractor TEXT NOT NULL,
    autonomy_band TEXT NOT NULL,
    skipped BIGINT NOT NULL,
    submitted_by TEXT NOT NULL,
    token_id BIGINT,
    received_at BIGINT NOT NULL,
    UNIQUE (tenant_id, integration_id, sha256)
);

CREATE TABLE dropzone_extractions (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    artifact_id BIGINT NOT NULL REFERENCES dropzone_artifacts(id),
    integration_id BIGINT NOT NULL REFERENCES integrations(id),
    kri_id BIGINT NOT NULL REFERENCES kris(id),
    value REAL NOT NULL,
    proposed_value REAL,
    observed_at BIGINT,
    confidence REAL NOT NULL,
    reasons TEXT NOT NULL,
    line_start BIGINT NOT NULL,
    line_end BIGINT NOT NULL,
    excerpt TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    note TEXT,
    materialized_at BIGINT,
    observation_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dropzone_extractions_artifact ON dropzone_extractions (tenant_id, artifact_id);
CREATE INDEX dropzone_extractions_queue ON dropzone_extractions (tenant_id, integration_id, state);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    token_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id);

ALTER TABLE integration_runs ADD COLUMN error TEXT;
ALTER TABLE integration_runs ADD COLUMN details TEXT;
