-- Programs made from a template: timeline, commitments, application
-- deadline, required sectors, key questions and the review rubric.

ALTER TABLE programs ADD COLUMN template TEXT NOT NULL DEFAULT 'intensive';
ALTER TABLE programs ADD COLUMN start_year BIGINT NOT NULL DEFAULT 2016;
ALTER TABLE programs ADD COLUMN applications_due_at BIGINT;
ALTER TABLE programs ADD COLUMN summary TEXT NOT NULL DEFAULT '';

CREATE TABLE program_milestones (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month')),
    UNIQUE (program_id, key)
);

CREATE TABLE program_commitments (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('once', 'monthly', 'quarterly', 'times', 'ongoing')),
    times BIGINT,
    UNIQUE (program_id, key)
);

CREATE TABLE program_required_sectors (
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    sector TEXT NOT NULL,
    PRIMARY KEY (program_id, sector)
);

CREATE TABLE program_key_questions (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    question TEXT NOT NULL
);

CREATE TABLE program_rubric (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    criterion TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight >= 0)
);
