-- The program year: TA activities with their participants, attendance and
-- action items; private calendar feeds; reminders sent (so each goes once);
-- each state's action plan (goals, steps, milestones, progress updates with
-- evidence files); confirmed peer-mentoring groups.
-- Times are Unix milliseconds; calendar dates (due dates, targets) are
-- 'YYYY-MM-DD' on the program's clock.

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('kickoff', 'coaching_call', 'site_visit', 'webinar', 'planning_session', 'peer_session', 'sme_consultation')),
    title TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- Where: the site a state chose for a visit, a room, or a meeting link.
    place TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
    -- iCalendar identity: UID never changes, SEQUENCE goes up with each change.
    uid TEXT NOT NULL UNIQUE,
    sequence BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX activities_program ON activities (program_id, starts_at);

-- The states an activity is for; attended is NULL until recorded.
CREATE TABLE activity_states (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    attended INTEGER,
    PRIMARY KEY (activity_id, state_code),
    FOREIGN KEY (program_id, state_code) REFERENCES state_teams (program_id, state_code) ON DELETE CASCADE
);
CREATE INDEX activity_states_state ON activity_states (program_id, state_code);

-- The people invited: organizer (coach, admin), participant, expert (an SME
-- asked for a consultation); attended is NULL until recorded.
CREATE TABLE activity_people (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('organizer', 'participant', 'expert')),
    attended INTEGER,
    PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_people_user ON activity_people (user_id);

CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    state_code TEXT,
    text TEXT NOT NULL,
    owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    due_on TEXT NOT NULL,
    done_at BIGINT,
    -- Set when the item was turned into a step of the state's plan.
    plan_step_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX action_items_activity ON action_items (activity_id);
CREATE INDEX action_items_owner ON action_items (owner_id, done_at);

-- A person's private calendar feed; only the token's hash is kept.
-- Revoking deletes the row; a new link replaces it.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Reminders sent: one per person per activity per version of its time.
CREATE TABLE activity_reminders (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (activity_id, user_id, starts_at)
);

-- Weekly notes about overdue action items and plan steps: one per person
-- per ISO week ('2017-W05').
CREATE TABLE overdue_notices (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, week)
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (program_id, state_code),
    FOREIGN KEY (program_id, state_code) REFERENCES state_teams (program_id, state_code) ON DELETE CASCADE
);

-- A goal answers one of the assessment's priorities: an element and,
-- where the team chose one, an indicator (a strategy of that element).
CREATE TABLE plan_goals (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    element_key TEXT NOT NULL,
    strategy_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX plan_goals_plan ON plan_goals (plan_id, position);

CREATE TABLE plan_steps (
    id INTEGER PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done', 'blocked')),
    done_on TEXT,
    -- The activity where the step was agreed.
    activity_id BIGINT REFERENCES activities (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX plan_steps_goal ON plan_steps (goal_id, position);
CREATE INDEX plan_steps_owner ON plan_steps (owner_id, status);

-- Milestones are strategies of the goal's element (seed 003: the
-- strategies are "the milestones against which state and local progress
-- will be measured").
CREATE TABLE plan_milestones (
    id INTEGER PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
    strategy_key TEXT NOT NULL,
    text TEXT NOT NULL,
    target_on TEXT NOT NULL,
    reached_on TEXT,
    UNIQUE (goal_id, strategy_key)
);

CREATE TABLE plan_updates (
    id INTEGER PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
    step_id BIGINT REFERENCES plan_steps (id) ON DELETE SET NULL,
    written_on TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_updates_goal ON plan_updates (goal_id, written_on);

CREATE TABLE plan_evidence (
    id INTEGER PRIMARY KEY,
    update_id BIGINT NOT NULL REFERENCES plan_updates (id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_evidence_update ON plan_evidence (update_id);

-- Peer mentoring: confirmed groups (pairs, or one trio when the number of
-- states is odd). Proposals are computed, not stored.
CREATE TABLE peer_groups (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    confirmed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    confirmed_at BIGINT NOT NULL
);

CREATE TABLE peer_group_states (
    group_id BIGINT NOT NULL REFERENCES peer_groups (id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    PRIMARY KEY (group_id, state_code),
    UNIQUE (program_id, state_code),
    FOREIGN KEY (program_id, state_code) REFERENCES state_teams (program_id, state_code) ON DELETE CASCADE
);
