-- Exchange subscribers (no account: an address, topics, daily or weekly,
-- confirmed by a link) and the email digests sent to them.
-- Links in emails carry an HMAC of the subscriber id and link_version, so
-- no link secret is stored; raising link_version voids old links.
-- Times are Unix milliseconds.

CREATE TABLE exchange_subscribers (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    -- Lower-cased address: one subscription per address, whatever the case.
    email_key TEXT NOT NULL UNIQUE,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'unsubscribed')),
    link_version BIGINT NOT NULL DEFAULT 1,
    confirmed_at BIGINT,
    -- The end of the window of the last digest (set to the confirmation
    -- time): the next digest takes items published after it.
    last_digest_cutoff BIGINT,
    -- When a confirmation or manage link was last emailed (throttling).
    last_mailed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX exchange_subscribers_due ON exchange_subscribers (frequency, status, id);

CREATE TABLE exchange_subscriber_topics (
    subscriber_id BIGINT NOT NULL REFERENCES exchange_subscribers (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, topic)
);

-- A message body shared by many outbox rows (a digest goes to everyone
-- with the same topics and window); %%NAME%% placeholders are filled per
-- recipient at delivery.
CREATE TABLE mail_bodies (
    id BIGSERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
ALTER TABLE outbox ADD COLUMN body_id BIGINT REFERENCES mail_bodies (id);
-- Set when a queued message is dropped on purpose (its subscriber left).
ALTER TABLE outbox ADD COLUMN cancelled_at BIGINT;

-- One run per frequency and period (claimed by this UNIQUE insert, so two
-- processes never build the same run). Building walks the subscribers in
-- id order; `cursor` is the last id done, advanced in the same transaction
-- as that chunk's outbox rows, so a crash resumes where it stopped.
CREATE TABLE exchange_digest_runs (
    id BIGSERIAL PRIMARY KEY,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    period TEXT NOT NULL,
    -- Items published up to this time are in this run.
    cutoff BIGINT NOT NULL,
    -- The archive's window starts here (the previous period's cutoff).
    archive_from BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'built')),
    cursor BIGINT NOT NULL DEFAULT 0,
    locked_by TEXT,
    locked_until BIGINT,
    subscribers BIGINT NOT NULL DEFAULT 0,
    emails BIGINT NOT NULL DEFAULT 0,
    bodies BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    UNIQUE (frequency, period)
);

-- Each distinct digest of a run, built once: its key is a hash of the
-- window's start and the topics; body_id NULL means nothing new to send.
CREATE TABLE exchange_digest_bodies (
    run_id BIGINT NOT NULL REFERENCES exchange_digest_runs (id) ON DELETE CASCADE,
    signature TEXT NOT NULL,
    body_id BIGINT REFERENCES mail_bodies (id),
    PRIMARY KEY (run_id, signature)
);

-- Who got a run's digest: the primary key is the guard against doubles.
-- outbox_id NULL: nothing new for them, but their window moved on.
CREATE TABLE exchange_digest_recipients (
    run_id BIGINT NOT NULL REFERENCES exchange_digest_runs (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES exchange_subscribers (id) ON DELETE CASCADE,
    outbox_id BIGINT REFERENCES outbox (id),
    PRIMARY KEY (run_id, subscriber_id)
);
CREATE INDEX exchange_digest_recipients_outbox ON exchange_digest_recipients (outbox_id);

-- The public archive: each run's items per topic.
CREATE TABLE exchange_digests (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES exchange_digest_runs (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, topic)
);
CREATE INDEX exchange_digests_topic ON exchange_digests (topic, created_at);

CREATE TABLE exchange_digest_items (
    digest_id BIGINT NOT NULL REFERENCES exchange_digests (id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
    PRIMARY KEY (digest_id, item_id)
);
