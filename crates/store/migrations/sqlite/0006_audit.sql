-- 0006: the audit trail records every security-relevant action: events may have no
-- tenant (client registration, a sign-in for an unknown e-mail) and name the credential,
-- the client address and the outcome. Tokens and grants count their tool calls.
-- SQLite cannot drop NOT NULL in place, so the table is rebuilt (nothing references it).

CREATE TABLE audit_events_v6 (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT REFERENCES tenants(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    token_id BIGINT,
    credential TEXT,
    client_address TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'success',
    details TEXT NOT NULL
);
INSERT INTO audit_events_v6 (id, tenant_id, at, actor, token_id, credential, action, subject, details)
SELECT id, tenant_id, at, actor, token_id,
       CASE WHEN token_id IS NULL THEN NULL ELSE 'pat:' || token_id END,
       action, subject, details
FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v6 RENAME TO audit_events;
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);

ALTER TABLE api_tokens ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE oauth_grants ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0;
