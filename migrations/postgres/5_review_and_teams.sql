-- Program settings after creation, the general track's priority
-- components, review (assignments with recusal, rubric scores), decisions,
-- and state teams made from selected applications.

ALTER TABLE programs ADD COLUMN framework TEXT NOT NULL DEFAULT 'six-key-elements';

-- Where a person comes from: a reviewer is never assigned their own state.
ALTER TABLE users ADD COLUMN home_state TEXT REFERENCES jurisdictions (code);

ALTER TABLE applications ADD COLUMN decision TEXT CHECK (decision IN ('selected', 'waitlisted', 'declined'));
ALTER TABLE applications ADD COLUMN decision_message TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN decided_at BIGINT;
ALTER TABLE applications ADD COLUMN decided_by BIGINT REFERENCES users (id);
ALTER TABLE applications ADD COLUMN rank BIGINT;

-- General track: the components of a career pathways system a state
-- chooses to work on (seed 002's seven components, by key).
CREATE TABLE application_priorities (
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    component TEXT NOT NULL,
    PRIMARY KEY (application_id, component)
);

CREATE TABLE review_assignments (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by BIGINT REFERENCES users (id),
    assigned_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX review_assignments_reviewer ON review_assignments (reviewer_id);

CREATE TABLE review_scores (
    assignment_id BIGINT NOT NULL REFERENCES review_assignments (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES program_rubric (id) ON DELETE CASCADE,
    score BIGINT CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assignment_id, criterion_id)
);

CREATE TABLE state_teams (
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    state_code TEXT NOT NULL REFERENCES jurisdictions (code),
    application_id BIGINT REFERENCES applications (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, state_code)
);

CREATE TABLE team_members (
    id BIGSERIAL PRIMARY KEY,
    program_id BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT,
    agency TEXT NOT NULL,
    sector TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('state', 'local')),
    role TEXT NOT NULL CHECK (role IN ('lead', 'member')),
    invited_at BIGINT,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (program_id, state_code) REFERENCES state_teams (program_id, state_code) ON DELETE CASCADE,
    UNIQUE (program_id, state_code, email)
);
CREATE INDEX team_members_user ON team_members (user_id);
