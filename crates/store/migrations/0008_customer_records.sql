-- The customer record: the whole record as JSON beside the columns it is
-- found by; its phones, e-mail addresses and name words in tables of their
-- own (found through their primary keys); its changes for the timeline;
-- merges (with the kept record as it was, to undo them); imports and the
-- lines they rejected.
ALTER TABLE customers ADD COLUMN external_id TEXT;
ALTER TABLE customers ADD COLUMN record TEXT;
ALTER TABLE customers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN merged_into BIGINT;
ALTER TABLE customers ADD COLUMN updated_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN name_key TEXT;
ALTER TABLE customers ADD COLUMN place_key TEXT;
CREATE INDEX customers_external ON customers (tenant_id, external_id);
CREATE INDEX customers_alike ON customers (tenant_id, name_key, place_key);
CREATE TABLE customer_phones (
    tenant_id BIGINT NOT NULL,
    e164 TEXT NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, e164, customer_id)
);
CREATE INDEX customer_phones_customer ON customer_phones (tenant_id, customer_id);
CREATE TABLE customer_emails (
    tenant_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, email, customer_id)
);
CREATE INDEX customer_emails_customer ON customer_emails (tenant_id, customer_id);
CREATE TABLE customer_words (
    tenant_id BIGINT NOT NULL,
    word TEXT NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, word, customer_id)
);
CREATE INDEX customer_words_customer ON customer_words (tenant_id, customer_id);
CREATE TABLE customer_changes (
    tenant_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    cause TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, seq)
);
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
