-- Cases: which facts of the log concern each case (`case_fact`,
-- `case_action`, `case_letter_ordered`), so a case's history is read by
-- its id. The cases themselves live in the tenant core's case engine,
-- rebuilt from the log.
CREATE TABLE case_log (
    tenant_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, seq)
);
