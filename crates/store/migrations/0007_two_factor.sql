-- Two-factor sign-in: each user's TOTP key (sealed by the server, never in
-- the clear), a key being set up but not yet confirmed, and the last time
-- step a code was accepted for (a code is accepted once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
