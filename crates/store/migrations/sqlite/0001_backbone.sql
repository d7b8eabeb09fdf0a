-- The backbone schema: tenants, tokens, integrations and the risk register.
-- Every tenant-owned row carries tenant_id; times are Unix milliseconds (BIGINT);
-- lists (aliases, framework ids) are JSON text; flags are 0/1 BIGINT, so the same
-- queries run unchanged on SQLite and PostgreSQL.

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    autonomy_band TEXT NOT NULL DEFAULT 'balanced',
    created_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    display_prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

CREATE TABLE integrations (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    config TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE integration_runs (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    integration_id BIGINT NOT NULL REFERENCES integrations(id),
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    status TEXT NOT NULL,
    rows_written BIGINT NOT NULL DEFAULT 0,
    rows_skipped BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX integration_runs_latest ON integration_runs (tenant_id, integration_id, started_at);

CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    ref TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    loss_tolerance REAL NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD',
    UNIQUE (tenant_id, ref)
);

CREATE TABLE risks (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    inherent_likelihood BIGINT NOT NULL,
    inherent_impact BIGINT NOT NULL,
    current_likelihood BIGINT NOT NULL,
    current_impact BIGINT NOT NULL,
    residual_likelihood BIGINT NOT NULL,
    residual_impact BIGINT NOT NULL,
    event_frequency REAL NOT NULL,
    loss_low REAL NOT NULL,
    loss_high REAL NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD',
    UNIQUE (tenant_id, ref)
);

CREATE TABLE controls (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    ref TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    effectiveness REAL NOT NULL,
    nist_csf TEXT NOT NULL,
    attack_techniques TEXT NOT NULL,
    owner TEXT NOT NULL,
    UNIQUE (tenant_id, ref)
);

CREATE TABLE kris (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    warn REAL NOT NULL,
    critical REAL NOT NULL,
    frequency TEXT NOT NULL,
    owner TEXT NOT NULL,
    aliases TEXT NOT NULL,
    source_integration_id BIGINT REFERENCES integrations(id),
    outcome_id BIGINT REFERENCES outcomes(id),
    current_value REAL,
    current_observed_at BIGINT,
    UNIQUE (tenant_id, slug)
);

CREATE TABLE kri_observations (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kri_id BIGINT NOT NULL REFERENCES kris(id),
    observed_at BIGINT NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    artifact_id BIGINT,
    extraction_id BIGINT,
    confidence REAL
);
CREATE INDEX kri_observations_history ON kri_observations (tenant_id, kri_id, observed_at);

CREATE TABLE risk_outcomes (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    outcome_id BIGINT NOT NULL REFERENCES outcomes(id),
    PRIMARY KEY (risk_id, outcome_id)
);
CREATE INDEX risk_outcomes_tenant ON risk_outcomes (tenant_id);

CREATE TABLE risk_controls (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    control_id BIGINT NOT NULL REFERENCES controls(id),
    PRIMARY KEY (risk_id, control_id)
);
CREATE INDEX risk_controls_tenant ON risk_controls (tenant_id);

CREATE TABLE kri_risks (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kri_id BIGINT NOT NULL REFERENCES kris(id),
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    PRIMARY KEY (kri_id, risk_id)
);
CREATE INDEX kri_risks_tenant ON kri_risks (tenant_id);

CREATE TABLE kri_controls (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kri_id BIGINT NOT NULL REFERENCES kris(id),
    control_id BIGINT NOT NULL REFERENCES controls(id),
    PRIMARY KEY (kri_id, control_id)
);
CREATE INDEX kri_controls_tenant ON kri_controls (tenant_id);

CREATE TABLE vendors (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    criticality TEXT NOT NULL,
    tier BIGINT NOT NULL,
    data_elements TEXT NOT NULL,
    last_assessment_date TEXT,
    last_assessment_score REAL,
    last_assessment_conclusion TEXT,
    open_findings BIGINT NOT NULL,
    next_assessment_due TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    environment TEXT NOT NULL,
    owner TEXT NOT NULL,
    criticality TEXT NOT NULL,
    internet_facing BIGINT NOT NULL,
    data_classification TEXT NOT NULL,
    last_seen BIGINT NOT NULL,
    edr BIGINT NOT NULL,
    mfa BIGINT NOT NULL,
    backup BIGINT NOT NULL,
    patched BIGINT NOT NULL
);
CREATE INDEX assets_by_name ON assets (tenant_id, name, id);

CREATE TABLE simulations (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    risk_id BIGINT REFERENCES risks(id),
    outcome_id BIGINT REFERENCES outcomes(id),
    status TEXT NOT NULL,
    iterations BIGINT NOT NULL,
    seed BIGINT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    results TEXT,
    error TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX simulations_tenant ON simulations (tenant_id, created_at);
