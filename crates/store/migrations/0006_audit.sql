-- The audit trail: append-only, per tenant, each entry chained to the one
-- before by a hash. Ids, never personal data (erasing a person leaves the
-- chain whole). Provider-level actions are in tenant 0's chain.
CREATE TABLE audit_log (
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
