-- Webhooks: where a tenant's facts are posted, and how far each got.
CREATE TABLE webhooks (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    url TEXT NOT NULL,
    kinds TEXT NOT NULL,
    secret TEXT NOT NULL,
    cursor_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
-- Each delivery attempt (the latest are kept).
CREATE TABLE webhook_deliveries (
    tenant_id BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    status BIGINT NOT NULL,
    error TEXT,
    PRIMARY KEY (tenant_id, webhook_id, n)
);
