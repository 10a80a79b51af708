-- The Career Pathways Exchange: partner organizations (from the public
-- interest form to approval), and the items of the library: resources and
-- events, each tagged with topics, waiting for moderation until published.
-- Full-text search: an FTS5 index kept in step with the items by triggers
-- (PostgreSQL: a generated tsvector column with a GIN index).
-- Times are Unix milliseconds; calendar dates are 'YYYY-MM-DD'.

CREATE TABLE exchange_partners (
    id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    -- What the organization would share, in its own words.
    about TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    -- The account given on approval (role partner).
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_at BIGINT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX exchange_partners_status ON exchange_partners (status, created_at);
CREATE INDEX exchange_partners_user ON exchange_partners (user_id);

CREATE TABLE exchange_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('resource', 'event')),
    title TEXT NOT NULL,
    -- Plain text, a few sentences.
    summary TEXT NOT NULL,
    -- A link, or an uploaded file (stored under file_key), or both.
    url TEXT NOT NULL DEFAULT '',
    file_key TEXT,
    file_name TEXT,
    file_type TEXT,
    file_size BIGINT,
    source_org TEXT NOT NULL,
    -- The date the resource was issued (events: the day they start).
    issued_on TEXT NOT NULL,
    -- Who it is for: keys separated by commas (the exchange module lists them).
    audience TEXT NOT NULL DEFAULT '',
    -- Events only: when, in which time zone, where (a place or a link),
    -- and their iCalendar identity (UID never changes, SEQUENCE goes up).
    starts_at BIGINT,
    ends_at BIGINT,
    time_zone TEXT,
    place TEXT NOT NULL DEFAULT '',
    uid TEXT UNIQUE,
    sequence BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected', 'withdrawn')),
    partner_id BIGINT REFERENCES exchange_partners (id) ON DELETE SET NULL,
    submitted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    moderated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    moderated_at BIGINT,
    moderation_note TEXT NOT NULL DEFAULT '',
    -- When it went public: digests take the items published since the last one.
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (kind = 'resource' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND time_zone IS NOT NULL AND ends_at > starts_at))
);
CREATE INDEX exchange_items_status ON exchange_items (status, published_at);
CREATE INDEX exchange_items_partner ON exchange_items (partner_id);
CREATE INDEX exchange_items_events ON exchange_items (kind, starts_at);

-- Topics are keys '<framework slug>/<element or component key>', e.g.
-- 'six-key-elements/partnerships', 'programs-of-study/...',
-- 'moving-pathways-forward/...' (src/exchange/topics.rs).
CREATE TABLE exchange_item_topics (
    item_id BIGINT NOT NULL REFERENCES exchange_items (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (item_id, topic)
);
CREATE INDEX exchange_item_topics_topic ON exchange_item_topics (topic, item_id);

CREATE VIRTUAL TABLE exchange_search USING fts5 (
    title, summary, source_org,
    content = 'exchange_items', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Only published items are in the index: the public search never has to
-- look past the others, and counting matches needs no join.
CREATE TRIGGER exchange_items_search_insert AFTER INSERT ON exchange_items
WHEN new.status = 'published' BEGIN
    INSERT INTO exchange_search (rowid, title, summary, source_org)
    VALUES (new.id, new.title, new.summary, new.source_org);
END;
CREATE TRIGGER exchange_items_search_delete AFTER DELETE ON exchange_items
WHEN old.status = 'published' BEGIN
    INSERT INTO exchange_search (exchange_search, rowid, title, summary, source_org)
    VALUES ('delete', old.id, old.title, old.summary, old.source_org);
END;
CREATE TRIGGER exchange_items_search_update AFTER UPDATE OF title, summary, source_org, status ON exchange_items BEGIN
    INSERT INTO exchange_search (exchange_search, rowid, title, summary, source_org)
    SELECT 'delete', old.id, old.title, old.summary, old.source_org WHERE old.status = 'published';
    INSERT INTO exchange_search (rowid, title, summary, source_org)
    SELECT new.id, new.title, new.summary, new.source_org WHERE new.status = 'published';
END;
