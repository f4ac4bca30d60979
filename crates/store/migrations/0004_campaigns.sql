-- Outbound campaigns (a projection): settings, state and running counts.
CREATE TABLE campaigns (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    state TEXT NOT NULL,
    contacts BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    reached BIGINT NOT NULL,
    dials BIGINT NOT NULL,
    live_answers BIGINT NOT NULL,
    connected BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX campaigns_name ON campaigns (tenant_id, name);
-- Each contact of a campaign with how it stands (a projection).
CREATE TABLE campaign_contacts (
    tenant_id BIGINT NOT NULL,
    campaign_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT,
    customer_id BIGINT,
    phones TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    attempts BIGINT NOT NULL,
    last_outcome TEXT,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, id)
);
-- The dialer's inputs are read back by kind at start-up.
CREATE INDEX events_kind ON events (tenant_id, kind, seq);
