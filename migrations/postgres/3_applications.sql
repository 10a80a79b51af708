-- Applications: one per state per program, with answers to the key
-- questions, the proposed team, and the letter of commitment's signer.

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    state_code TEXT NOT NULL REFERENCES jurisdictions (code),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    created_by BIGINT REFERENCES users (id),
    signer_name TEXT NOT NULL DEFAULT '',
    signer_title TEXT NOT NULL DEFAULT '',
    commit_travel INTEGER NOT NULL DEFAULT 0,
    commit_team INTEGER NOT NULL DEFAULT 0,
    commit_plan INTEGER NOT NULL DEFAULT 0,
    extension_until BIGINT,
    submitted_at BIGINT,
    withdrawn_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (program_id, state_code)
);

CREATE TABLE application_answers (
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES program_key_questions (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    PRIMARY KEY (application_id, question_id)
);

CREATE TABLE application_members (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('state', 'local')),
    created_at BIGINT NOT NULL
);
CREATE INDEX application_members_application ON application_members (application_id);
