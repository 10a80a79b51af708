-- Foundation: accounts, sessions, tokens, throttling, jobs, outbox, audit log,
-- programs and the 56 U.S. jurisdictions.

CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE jurisdictions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'district', 'territory'))
);

CREATE TABLE programs (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('intensive', 'general')),
    time_zone TEXT NOT NULL,
    sponsor TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT
);

CREATE TABLE role_grants (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'coach', 'sme', 'federal', 'state_lead', 'state_member', 'partner')),
    program_id BIGINT REFERENCES programs (id) ON DELETE CASCADE,
    state_code TEXT REFERENCES jurisdictions (code),
    created_at BIGINT NOT NULL
);
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE signin_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures BIGINT NOT NULL
);

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 8,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id);

INSERT INTO jurisdictions (code, name, kind) VALUES
    ('AL', 'Alabama', 'state'),
    ('AK', 'Alaska', 'state'),
    ('AZ', 'Arizona', 'state'),
    ('AR', 'Arkansas', 'state'),
    ('CA', 'California', 'state'),
    ('CO', 'Colorado', 'state'),
    ('CT', 'Connecticut', 'state'),
    ('DE', 'Delaware', 'state'),
    ('FL', 'Florida', 'state'),
    ('GA', 'Georgia', 'state'),
    ('HI', 'Hawaii', 'state'),
    ('ID', 'Idaho', 'state'),
    ('IL', 'Illinois', 'state'),
    ('IN', 'Indiana', 'state'),
    ('IA', 'Iowa', 'state'),
    ('KS', 'Kansas', 'state'),
    ('KY', 'Kentucky', 'state'),
    ('LA', 'Louisiana', 'state'),
    ('ME', 'Maine', 'state'),
    ('MD', 'Maryland', 'state'),
    ('MA', 'Massachusetts', 'state'),
    ('MI', 'Michigan', 'state'),
    ('MN', 'Minnesota', 'state'),
    ('MS', 'Mississippi', 'state'),
    ('MO', 'Missouri', 'state'),
    ('MT', 'Montana', 'state'),
    ('NE', 'Nebraska', 'state'),
    ('NV', 'Nevada', 'state'),
    ('NH', 'New Hampshire', 'state'),
    ('NJ', 'New Jersey', 'state'),
    ('NM', 'New Mexico', 'state'),
    ('NY', 'New York', 'state'),
    ('NC', 'North Carolina', 'state'),
    ('ND', 'North Dakota', 'state'),
    ('OH', 'Ohio', 'state'),
    ('OK', 'Oklahoma', 'state'),
    ('OR', 'Oregon', 'state'),
    ('PA', 'Pennsylvania', 'state'),
    ('RI', 'Rhode Island', 'state'),
    ('SC', 'South Carolina', 'state'),
    ('SD', 'South Dakota', 'state'),
    ('TN', 'Tennessee', 'state'),
    ('TX', 'Texas', 'state'),
    ('UT', 'Utah', 'state'),
    ('VT', 'Vermont', 'state'),
    ('VA', 'Virginia', 'state'),
    ('WA', 'Washington', 'state'),
    ('WV', 'West Virginia', 'state'),
    ('WI', 'Wisconsin', 'state'),
    ('WY', 'Wyoming', 'state'),
    ('DC', 'District of Columbia', 'district'),
    ('AS', 'American Samoa', 'territory'),
    ('GU', 'Guam', 'territory'),
    ('MP', 'Northern Mariana Islands', 'territory'),
    ('PR', 'Puerto Rico', 'territory'),
    ('VI', 'U.S. Virgin Islands', 'territory');

-- The audit log is append-only.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
