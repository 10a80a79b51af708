-- The discussion forum: each program's categories (program-wide, one per
-- element of its framework, one private to each state team), threads,
-- posts in Markdown (the source and its sanitised HTML, rendered once when
-- written), every earlier version of an edited post, flags, and watches.
-- Full-text search: an FTS5 index of each post with its thread's title,
-- kept by triggers (PostgreSQL: generated tsvectors with GIN indexes).
-- Times are Unix milliseconds; flags are 0/1.

CREATE TABLE forum_categories (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('general', 'topic', 'state')),
    -- 'general', the element's key, or the state's code.
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL,
    -- The state whose team alone (with its coach) reads it.
    private_to TEXT REFERENCES jurisdictions (code),
    created_at BIGINT NOT NULL,
    UNIQUE (program_id, kind, key)
);

CREATE TABLE forum_threads (
    id INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES forum_categories (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    post_count BIGINT NOT NULL DEFAULT 0,
    last_post_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX forum_threads_category ON forum_threads (category_id, last_post_at, id);

CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES forum_threads (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- What the author wrote (Markdown), and its sanitised HTML.
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    edited_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX forum_posts_thread ON forum_posts (thread_id, id);
CREATE INDEX forum_posts_author ON forum_posts (author_id);

-- Every earlier version of an edited post, as it read until replaced.
CREATE TABLE forum_post_versions (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    written_at BIGINT NOT NULL,
    replaced_at BIGINT NOT NULL
);
CREATE INDEX forum_post_versions_post ON forum_post_versions (post_id, id);

CREATE TABLE forum_flags (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    flagged_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at BIGINT,
    resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX forum_flags_open ON forum_flags (resolved_at, post_id);

-- target: 'thread' or 'category'.
CREATE TABLE forum_watches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target TEXT NOT NULL CHECK (target IN ('thread', 'category')),
    target_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, target, target_id)
);
CREATE INDEX forum_watches_target ON forum_watches (target, target_id);

CREATE VIRTUAL TABLE forum_search USING fts5 (
    title, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER forum_posts_search_insert AFTER INSERT ON forum_posts BEGIN
    INSERT INTO forum_search (rowid, title, body)
    VALUES (new.id, (SELECT title FROM forum_threads WHERE id = new.thread_id), new.body);
END;
CREATE TRIGGER forum_posts_search_delete AFTER DELETE ON forum_posts BEGIN
    DELETE FROM forum_search WHERE rowid = old.id;
END;
CREATE TRIGGER forum_posts_search_update AFTER UPDATE OF body ON forum_posts BEGIN
    DELETE FROM forum_search WHERE rowid = old.id;
    INSERT INTO forum_search (rowid, title, body)
    VALUES (new.id, (SELECT title FROM forum_threads WHERE id = new.thread_id), new.body);
END;
