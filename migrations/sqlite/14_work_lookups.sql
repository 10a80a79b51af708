-- A partner's own Exchange submissions: every partner's home page lists
-- theirs, which without this reads every item in the Exchange.
CREATE INDEX exchange_items_submitter ON exchange_items (submitted_by, status);

-- Who a forum post mentions (recorded when the mention email goes out), and
-- how far each person has read each thread: together they tell a person's
-- home page about mentions and replies since they last looked.
CREATE TABLE forum_mentions (
    post_id BIGINT NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX forum_mentions_user ON forum_mentions (user_id);

CREATE TABLE forum_reads (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES forum_threads (id) ON DELETE CASCADE,
    -- The newest post shown to the person, and when.
    last_post_id BIGINT NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);

-- Whether a person has ever signed in: the roster and the lead's home page
-- ask it of each invited member, which without this reads every line of
-- the audit log the person is the actor of.
CREATE INDEX audit_log_sign_ins ON audit_log (actor_user_id, action, outcome);
