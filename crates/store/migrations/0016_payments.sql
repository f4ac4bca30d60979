-- Payments from bank files that matched no case (or a case that could not
-- take them), kept for a person to assign; a statement imported again adds
-- none twice (the payment's id is stable).
CREATE TABLE unmatched_payments (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    import_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    booked TEXT NOT NULL,
    amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL,
    payer_name TEXT,
    payer_account TEXT,
    remittance TEXT NOT NULL,
    reason TEXT NOT NULL,
    case_id BIGINT,
    assigned_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX unmatched_payments_open ON unmatched_payments (tenant_id, case_id, created_at);
