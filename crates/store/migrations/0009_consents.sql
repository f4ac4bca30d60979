-- A customer's consent ledger (fact `customer_consent`), newest last.
CREATE TABLE customer_consents (
    tenant_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    granted BIGINT NOT NULL,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    evidence TEXT,
    by_user TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, seq)
) /*sqlite: WITHOUT ROWID*/;
