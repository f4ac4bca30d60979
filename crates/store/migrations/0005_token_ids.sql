-- API tokens get an id per tenant (to list and revoke them), an optional
-- expiry and the time of their last use. Existing tokens are numbered in
-- the order of their hashes.
ALTER TABLE api_tokens ADD COLUMN id BIGINT;
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
UPDATE api_tokens SET id = (SELECT COUNT(*) FROM api_tokens t2 WHERE t2.tenant_id = api_tokens.tenant_id AND t2.token_hash <= api_tokens.token_hash);
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (tenant_id, id);
