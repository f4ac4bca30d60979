-- The customer record: the whole record as JSON; the keys it is found by
-- (phones, e-mail addresses, name words, the client's id) in one table;
-- its changes for the timeline;
-- merges (with the kept record as it was, to undo them); imports and the
-- lines they rejected.
ALTER TABLE customers ADD COLUMN external_id TEXT;
ALTER TABLE customers ADD COLUMN record TEXT;
ALTER TABLE customers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN merged_into BIGINT;
ALTER TABLE customers ADD COLUMN updated_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN name_key TEXT;
ALTER TABLE customers ADD COLUMN place_key TEXT;
-- Records are found through customer_keys alone: the first form's phone and
-- e-mail indexes go (an import writes fewer trees).
DROP INDEX customers_phone;
DROP INDEX customers_email;
-- Every key a record is found by, one tree: `p:` and a phone's E.164 digits
-- written backwards (so the same index finds a whole number and a number's
-- national part, a range of keys), `e:` an e-mail address in lower case,
-- `w:` a folded name word, `x:` the client's id, `a:` the name and place
-- likely duplicates share, and `d:` (customer 0) an `a:` key that more than
-- one record has. On SQLite the table is its primary key (WITHOUT ROWID);
-- keys compare byte by byte on both (ranges of keys are prefixes).
CREATE TABLE customer_keys (
    tenant_id BIGINT NOT NULL,
    k TEXT /*pg: COLLATE "C"*/ NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, k, customer_id)
) /*sqlite: WITHOUT ROWID*/;
CREATE TABLE customer_changes (
    tenant_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    cause TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, seq)
) /*sqlite: WITHOUT ROWID*/;
CREATE TABLE customer_merges (
    tenant_id BIGINT NOT NULL,
    merged BIGINT NOT NULL,
    kept BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    before_kept TEXT NOT NULL,
    PRIMARY KEY (tenant_id, merged)
);
CREATE TABLE imports (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    file_name TEXT NOT NULL,
    by_user TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_read BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    campaign_id BIGINT,
    contacts_added BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE import_rejects (
    tenant_id BIGINT NOT NULL,
    import_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    line BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (tenant_id, import_id, n)
);
-- Profiling: facts an interaction added to or corrected on the record, and
-- whether the disposition said the need was resolved in that contact.
ALTER TABLE interactions ADD COLUMN facts_learned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN resolved BIGINT;
