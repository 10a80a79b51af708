-- A second step at sign-in (issue 16): a code from an authenticator app
-- (TOTP, RFC 6238), or one of ten single-use recovery codes.

CREATE TABLE totp_factors (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- The shared secret, base32, as the app holds it.
    secret TEXT NOT NULL,
    -- NULL while being set up: not asked for at sign-in until a code
    -- from the app has been typed back once.
    confirmed_at BIGINT,
    -- The time step of the last code taken: a code is never taken twice.
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
