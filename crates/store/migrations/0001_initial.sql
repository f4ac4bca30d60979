-- Centralita's first schema. Portable SQL: the same text runs on SQLite and PostgreSQL.
-- Every table holding tenant data has tenant_id; ids are assigned by the application
-- (the tenant task is the single writer of its tenant's log).
CREATE TABLE tenants (
    id BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
-- tenant_id 0 holds provider-level administrators.
CREATE TABLE users (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agent_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, username)
);
CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
-- The append-only log: the source of truth.
CREATE TABLE events (
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    interaction_id BIGINT,
    agent_id BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
-- Projections (rebuilt from the log by `centralita rebuild`).
CREATE TABLE interactions (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    queue_id BIGINT,
    agent_id BIGINT,
    customer_id BIGINT,
    outcome TEXT,
    disposition TEXT,
    subject TEXT,
    attributes TEXT,
    chat_secret_hash TEXT,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    created_seq BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX interactions_customer ON interactions (tenant_id, customer_id);
CREATE INDEX interactions_state ON interactions (tenant_id, state);
CREATE TABLE idempotency_keys (
    tenant_id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    interaction_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, idem_key)
);
CREATE TABLE interaction_notes (
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    interaction_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE TABLE chat_messages (
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    interaction_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    sender TEXT NOT NULL,
    agent_id BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX chat_messages_interaction ON chat_messages (tenant_id, interaction_id, seq);
CREATE TABLE customers (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX customers_phone ON customers (tenant_id, phone);
CREATE INDEX customers_email ON customers (tenant_id, email);
CREATE TABLE agents (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    skills TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE TABLE routing_plans (
    tenant_id BIGINT NOT NULL PRIMARY KEY,
    document TEXT NOT NULL,
    updated_seq BIGINT NOT NULL
);
