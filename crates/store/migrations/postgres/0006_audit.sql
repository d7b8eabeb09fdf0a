-- 0006: the audit trail records every security-relevant action: events may have no
-- tenant (client registration, a sign-in for an unknown e-mail) and name the credential,
-- the client address and the outcome. Tokens and grants count their tool calls.

ALTER TABLE audit_events ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE audit_events ADD COLUMN credential TEXT;
ALTER TABLE audit_events ADD COLUMN client_address TEXT;
ALTER TABLE audit_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'success';
UPDATE audit_events SET credential = 'pat:' || token_id WHERE token_id IS NOT NULL;
CREATE INDEX audit_events_action ON audit_events (action, id);

ALTER TABLE api_tokens ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE oauth_grants ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0;
