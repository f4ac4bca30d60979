-- The agent desktop's data: answers to profiling questions (and flags such as
-- value tier, consent, do-not-call) on customers, and per-tenant settings
-- documents (reason codes, disposition codes, scripts). Both are projections.
CREATE TABLE customer_profile (
    tenant_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, field)
);
CREATE TABLE tenant_settings (
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
