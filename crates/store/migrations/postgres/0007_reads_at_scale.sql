-- Reads that scale on a big tenant.
-- A run's headline figure (mean annual loss) is a column, and each risk and outcome points
-- at its latest completed run with that figure beside it, so listing the register never
-- parses results JSON or looks for the latest run row by row. Runs are found by risk and
-- by outcome through indexes; asset coverage figures come from a covering index.

ALTER TABLE simulations ADD COLUMN mean_annual_loss DOUBLE PRECISION;
ALTER TABLE risks ADD COLUMN latest_simulation_id BIGINT;
ALTER TABLE risks ADD COLUMN latest_simulated_annual_loss DOUBLE PRECISION;
ALTER TABLE outcomes ADD COLUMN latest_simulation_id BIGINT;
ALTER TABLE outcomes ADD COLUMN latest_simulated_annual_loss DOUBLE PRECISION;

UPDATE simulations SET mean_annual_loss = CAST(CAST(results AS JSON) ->> 'meanAnnualLoss' AS DOUBLE PRECISION)
WHERE status = 'completed' AND results IS NOT NULL;

CREATE INDEX simulations_by_risk ON simulations (tenant_id, risk_id, id);
CREATE INDEX simulations_by_outcome ON simulations (tenant_id, outcome_id, id);
CREATE INDEX simulations_newest ON simulations (tenant_id, created_at, id);
DROP INDEX simulations_tenant;

UPDATE risks SET latest_simulation_id = (
    SELECT MAX(s.id) FROM simulations s
    WHERE s.tenant_id = risks.tenant_id AND s.risk_id = risks.id AND s.status = 'completed'
);
UPDATE risks SET latest_simulated_annual_loss = (
    SELECT s.mean_annual_loss FROM simulations s WHERE s.id = risks.latest_simulation_id
);
UPDATE outcomes SET latest_simulation_id = (
    SELECT MAX(s.id) FROM simulations s
    WHERE s.tenant_id = outcomes.tenant_id AND s.outcome_id = outcomes.id AND s.status = 'completed'
);
UPDATE outcomes SET latest_simulated_annual_loss = (
    SELECT s.mean_annual_loss FROM simulations s WHERE s.id = outcomes.latest_simulation_id
);

CREATE INDEX assets_coverage ON assets (tenant_id, kind, criticality, internet_facing, edr, mfa, backup, patched);
