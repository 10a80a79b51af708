-- Account hygiene (issue 16): personal access tokens that end on a date
-- and may be limited to reading; accounts an administrator turns off, or
-- that turn off after a long time unused (with a warning first).

ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
-- 'read': GET only; 'read_write': everything the person may do.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read_write';
-- Tokens made before tokens had an end date end a year after they were made.
UPDATE api_tokens SET expires_at = created_at + 31536000000;

-- Activity is the latest of: created_at, enabled_at (turned back on),
-- last_signed_in_at, and any token's last_used_at.
ALTER TABLE users ADD COLUMN last_signed_in_at BIGINT;
ALTER TABLE users ADD COLUMN enabled_at BIGINT;
-- Set with active = 0: when and why ('admin' or 'inactive').
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN disabled_reason TEXT;
-- The inactivity warning sent (cleared by signing in or being re-enabled).
ALTER TABLE users ADD COLUMN inactivity_warned_at BIGINT;
