-- E-mail: a tenant's mailboxes (edge configuration, not facts; passwords
-- sealed), how far each was read, and the messages' ids on interactions
-- (a projection: threads are kept by Message-ID, In-Reply-To, References).
CREATE TABLE mailboxes (
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    queue TEXT,
    imap_host TEXT NOT NULL,
    imap_port BIGINT NOT NULL,
    imap_security TEXT NOT NULL,
    imap_user TEXT NOT NULL,
    imap_password TEXT NOT NULL,
    smtp_host TEXT NOT NULL,
    smtp_port BIGINT NOT NULL,
    smtp_security TEXT NOT NULL,
    smtp_user TEXT NOT NULL,
    smtp_password TEXT NOT NULL,
    uid_validity BIGINT NOT NULL DEFAULT 0,
    last_uid BIGINT NOT NULL DEFAULT 0,
    checked_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE TABLE email_threads (
    tenant_id BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    interaction_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, message_id)
);
