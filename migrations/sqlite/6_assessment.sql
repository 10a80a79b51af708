-- The readiness assessment: one instrument per program (its indicators
-- copied from the framework when it is built, so later changes to a
-- framework file never change an assessment already under way), members'
-- ratings, the lead's consensus, and snapshots that never change.

CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL UNIQUE REFERENCES programs (id) ON DELETE CASCADE,
    framework TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    not_sure_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE instrument_levels (
    instrument_id BIGINT NOT NULL REFERENCES instruments (id) ON DELETE CASCADE,
    value BIGINT NOT NULL,
    label TEXT NOT NULL,
    descriptor TEXT NOT NULL,
    PRIMARY KEY (instrument_id, value)
);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    instrument_id BIGINT NOT NULL REFERENCES instruments (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    element_key TEXT NOT NULL,
    element_number BIGINT NOT NULL,
    element_name TEXT NOT NULL,
    strategy_key TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Component keys, comma-separated, through the crosswalk.
    components TEXT NOT NULL DEFAULT '',
    UNIQUE (instrument_id, strategy_key)
);
CREATE INDEX indicators_instrument ON indicators (instrument_id, position);

-- One round of rating per state, from which one snapshot is frozen.
CREATE TABLE assessment_rounds (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    state_code TEXT NOT NULL REFERENCES jurisdictions (code),
    round BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    UNIQUE (program_id, state_code, round)
);

CREATE TABLE member_ratings (
    round_id BIGINT NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    level BIGINT,
    not_sure INTEGER NOT NULL DEFAULT 0,
    priority TEXT CHECK (priority IN ('low', 'medium', 'high')),
    evidence TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, user_id, indicator_id)
);

CREATE TABLE consensus_ratings (
    round_id BIGINT NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    level BIGINT,
    not_sure INTEGER NOT NULL DEFAULT 0,
    priority TEXT CHECK (priority IN ('low', 'medium', 'high')),
    note TEXT NOT NULL DEFAULT '',
    set_by BIGINT REFERENCES users (id),
    set_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, indicator_id)
);

-- Per element, where the team is now, where it wants to be, its TA needs
-- and next steps.
CREATE TABLE element_reflections (
    round_id BIGINT NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
    element_key TEXT NOT NULL,
    now_text TEXT NOT NULL DEFAULT '',
    goal_text TEXT NOT NULL DEFAULT '',
    ta_needs TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, element_key)
);

CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id),
    state_code TEXT NOT NULL REFERENCES jurisdictions (code),
    round_id BIGINT NOT NULL REFERENCES assessment_rounds (id),
    kind TEXT NOT NULL CHECK (kind IN ('baseline', 'mid_year', 'final')),
    taken_at BIGINT NOT NULL,
    taken_by BIGINT REFERENCES users (id),
    UNIQUE (program_id, state_code, kind)
);

CREATE TABLE snapshot_ratings (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    level BIGINT,
    not_sure INTEGER NOT NULL DEFAULT 0,
    priority TEXT,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, indicator_id)
);

CREATE TABLE snapshot_reflections (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    element_key TEXT NOT NULL,
    now_text TEXT NOT NULL,
    goal_text TEXT NOT NULL,
    ta_needs TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, element_key)
);

-- Whether a state lets the other states in its program see its results.
CREATE TABLE result_sharing (
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    state_code TEXT NOT NULL REFERENCES jurisdictions (code),
    shared INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, state_code)
);

-- What a subject-matter expert knows, by element key.
CREATE TABLE expertise (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    element_key TEXT NOT NULL,
    PRIMARY KEY (user_id, element_key)
);

-- Snapshots never change.
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
CREATE TRIGGER snapshot_ratings_no_update BEFORE UPDATE ON snapshot_ratings
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
CREATE TRIGGER snapshot_ratings_no_delete BEFORE DELETE ON snapshot_ratings
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
CREATE TRIGGER snapshot_reflections_no_update BEFORE UPDATE ON snapshot_reflections
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
CREATE TRIGGER snapshot_reflections_no_delete BEFORE DELETE ON snapshot_reflections
BEGIN SELECT RAISE(ABORT, 'snapshots never change'); END;
