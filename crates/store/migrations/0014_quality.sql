-- Quality review and training: evaluations (one row each, with the
-- evaluation as the fact said it, and its acknowledgement) and training
-- playlists. Projections of the `quality.*` facts.
CREATE TABLE evaluations (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    interaction_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    agent_id BIGINT,
    evaluator TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_name TEXT NOT NULL,
    score BIGINT NOT NULL,
    critical_failed BIGINT NOT NULL,
    at BIGINT NOT NULL,
    body TEXT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    reply TEXT,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX evaluations_agent ON evaluations (tenant_id, agent_id, at);
CREATE INDEX evaluations_interaction ON evaluations (tenant_id, interaction_id);
CREATE TABLE playlists (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    items TEXT NOT NULL,
    by_user TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
