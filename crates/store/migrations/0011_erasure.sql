-- Erasure: when a record was erased (its personal data gone, its row kept
-- for the counts).
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
-- Keys of a tenant kept outside the log, each sealed with the server's
-- secret key (the erasure key that makes erased numbers' placeholders).
CREATE TABLE tenant_keys (
    tenant_id BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (tenant_id, purpose)
);
