//! SQL for searching the library: its version and change log (which keep
//! the in-memory index in step), the rows the index reads, the database's
//! own full-text search, upcoming events and counts per topic.

use sqlx::{Any, Executor, FromRow};

use super::PER_PAGE;
use crate::db::{Backend, Db};

/// The library's version number (see [`super::Cache`]).
pub async fn library_version<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT version FROM exchange_library_version WHERE id = 1")
        .fetch_one(e)
        .await
}

/// The library's version and how far back the change log was pruned.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Versions {
    pub version: i64,
    /// Changes up to this version are no longer in the log.
    pub pruned_through: i64,
}

pub async fn versions<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Versions> {
    sqlx::query_as("SELECT version, pruned_through FROM exchange_library_version WHERE id = 1")
        .fetch_one(e)
        .await
}

/// The items changed after version `since` up to `version`, at most `limit`.
pub async fn changed_items<'c, E: Executor<'c, Database = Any>>(
    e: E,
    since: i64,
    version: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT DISTINCT item_id FROM exchange_library_changes
                 WHERE version > $1 AND version <= $2 LIMIT $3",
    )
    .bind(since)
    .bind(version)
    .bind(limit)
    .fetch_all(e)
    .await
}

/// What the index keeps of an item, as read (any status: an item changed
/// may no longer be published).
#[derive(Debug, Clone, FromRow)]
pub struct IndexRow {
    pub id: i64,
    pub status: String,
    pub kind: String,
    pub published_at: Option<i64>,
    pub title: String,
    pub summary: String,
    pub source_org: String,
    pub issued_on: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
}

/// The conditions on items and on their topics: every published item
/// (`changed` None) or the items of these ids.
fn library_where(changed: Option<&[i64]>) -> (String, String) {
    // By id when taking in changes (a status condition would have the
    // planner walk every published item instead of looking up a few).
    match changed {
        None => (
            "i.status = 'published'".to_owned(),
            "t.item_id IN (SELECT id FROM exchange_items WHERE status = 'published')".to_owned(),
        ),
        Some([]) => ("1 = 0".to_owned(), "1 = 0".to_owned()),
        Some(ids) => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            (
                format!("i.id IN ({list})"),
                format!("t.item_id IN ({list})"),
            )
        }
    }
}

/// The items the index reads: every published one (`changed` None) or
/// those of these ids, whatever their status.
pub async fn index_items<'c, E: Executor<'c, Database = Any>>(
    e: E,
    changed: Option<&[i64]>,
) -> sqlx::Result<Vec<IndexRow>> {
    let (items_where, _) = library_where(changed);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT i.id, i.status, i.kind, i.published_at, i.title, i.summary, i.source_org,
             i.issued_on, i.starts_at, i.ends_at, i.time_zone
         FROM exchange_items i WHERE {items_where}"
    )))
    .fetch_all(e)
    .await
}

/// The topics of the same items as [`index_items`]: (item id, topic).
pub async fn index_topics<'c, E: Executor<'c, Database = Any>>(
    e: E,
    changed: Option<&[i64]>,
) -> sqlx::Result<Vec<(i64, String)>> {
    let (_, topics_where) = library_where(changed);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.item_id, t.topic FROM exchange_item_topics t WHERE {topics_where}"
    )))
    .fetch_all(e)
    .await
}

/// Drops the change-log entries up to version `cut`; returns how many.
pub async fn drop_changes<'c, E: Executor<'c, Database = Any>>(
    e: E,
    cut: i64,
) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM exchange_library_changes WHERE version <= $1")
            .bind(cut)
            .execute(e)
            .await?
            .rows_affected(),
    )
}

/// Records that the log no longer reaches back past version `cut`.
pub async fn set_pruned_through<'c, E: Executor<'c, Database = Any>>(
    e: E,
    cut: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_library_version SET pruned_through = $1 WHERE id = 1 AND pruned_through < $1",
    )
    .bind(cut)
    .execute(e)
    .await
    .map(|_| ())
}

/// An item as a search result shows it, with its text: the summary, or
/// (when the database searched for words) its best part with the words
/// found between `char(2)` and `char(3)`.
#[derive(Debug, Clone)]
pub struct HitRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub text: String,
    pub source_org: String,
    pub issued_on: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
}

/// By position: the text column has no name of its own.
type HitTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn hit_rows(rows: Vec<HitTuple>) -> Vec<HitRow> {
    rows.into_iter()
        .map(
            |(id, kind, title, text, source_org, issued_on, starts_at, ends_at, time_zone)| {
                HitRow {
                    id,
                    kind,
                    title,
                    text,
                    source_org,
                    issued_on,
                    starts_at,
                    ends_at,
                    time_zone,
                }
            },
        )
        .collect()
}

/// The statements of a database search: (a page of hits from `offset`,
/// their count). With `matching`, $1 holds the words as the backend's
/// full-text query and the hits are ranked; otherwise $1 is NULL and the
/// newest come first. $2: kind; $3: topic (each may be NULL).
fn search_statements(backend: Backend, matching: bool, offset: i64) -> (String, String) {
    let filters = "i.status = 'published'
        AND ($2 IS NULL OR i.kind = $2)
        AND ($3 IS NULL OR EXISTS (SELECT 1 FROM exchange_item_topics t WHERE t.item_id = i.id AND t.topic = $3))";
    if !matching {
        return (
            format!(
                "SELECT i.id, i.kind, i.title, i.summary, i.source_org, i.issued_on, i.starts_at, i.ends_at, i.time_zone
                 FROM exchange_items i
                 WHERE ($1 IS NULL OR $1 = '') AND {filters}
                 ORDER BY i.published_at DESC, i.id DESC
                 LIMIT {PER_PAGE} OFFSET {offset}"
            ),
            format!("SELECT COUNT(*) FROM exchange_items i WHERE ($1 IS NULL OR $1 = '') AND {filters}"),
        );
    }
    match backend {
        // The FTS5 index holds published items only (migration 8's
        // triggers): matching, ranking and counting read the index alone,
        // and the filters look up each match by its key.
        Backend::Sqlite => {
            let matched = "exchange_search MATCH $1
                    AND ($2 IS NULL OR EXISTS (SELECT 1 FROM exchange_items k WHERE k.id = exchange_search.rowid AND k.kind = $2))
                    AND ($3 IS NULL OR EXISTS (SELECT 1 FROM exchange_item_topics t WHERE t.item_id = exchange_search.rowid AND t.topic = $3))";
            (
                format!(
                    "SELECT i.id, i.kind, i.title,
                            (SELECT snippet(exchange_search, 1, char(2), char(3), '…', 32)
                             FROM exchange_search WHERE exchange_search MATCH $1 AND rowid = r.id),
                            i.source_org, i.issued_on, i.starts_at, i.ends_at, i.time_zone
                         FROM (SELECT rowid AS id, bm25(exchange_search, 10.0, 2.0, 1.0) AS rank
                               FROM exchange_search
                               WHERE {matched}
                               ORDER BY rank, rowid DESC
                               LIMIT {PER_PAGE} OFFSET {offset}) r
                         CROSS JOIN exchange_items i ON i.id = r.id
                         ORDER BY r.rank, i.id DESC"
                ),
                format!("SELECT COUNT(*) FROM exchange_search WHERE {matched}"),
            )
        }
        Backend::Postgres => (
            format!(
                "SELECT f.id, f.kind, f.title,
                        ts_headline('english', f.summary, plainto_tsquery('english', $1),
                            'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=40, MinWords=15'),
                        f.source_org, f.issued_on, f.starts_at, f.ends_at, f.time_zone
                     FROM (SELECT i.id, i.kind, i.title, i.summary, i.source_org, i.issued_on, i.starts_at,
                               i.ends_at, i.time_zone, ts_rank_cd(i.search, plainto_tsquery('english', $1)) AS rank
                           FROM exchange_items i
                           WHERE i.search @@ plainto_tsquery('english', $1) AND {filters}
                           ORDER BY rank DESC, i.id DESC
                           LIMIT {PER_PAGE} OFFSET {offset}) f
                     ORDER BY f.rank DESC, f.id DESC"
            ),
            format!(
                "SELECT COUNT(*) FROM exchange_items i
                     WHERE i.search @@ plainto_tsquery('english', $1) AND {filters}"
            ),
        ),
    }
}

/// Searches the database's own index: a page of hits from `offset` and
/// how many match in all. `words` is the backend's full-text query (None
/// browses newest first); `kind` and `topic` filter when given.
pub async fn search(
    db: &Db,
    words: Option<&str>,
    kind: Option<&str>,
    topic: Option<&str>,
    offset: i64,
) -> sqlx::Result<(Vec<HitRow>, i64)> {
    let (sql_hits, sql_count) = search_statements(db.backend, words.is_some(), offset);
    let rows: Vec<HitTuple> = sqlx::query_as(sqlx::AssertSqlSafe(sql_hits))
        .bind(words)
        .bind(kind)
        .bind(topic)
        .fetch_all(&db.pool)
        .await?;
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql_count))
        .bind(words)
        .bind(kind)
        .bind(topic)
        .fetch_one(&db.pool)
        .await?;
    Ok((hit_rows(rows), total))
}

/// Published events that have not ended by `now`, soonest first.
pub async fn upcoming_events<'c, E: Executor<'c, Database = Any>>(
    e: E,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<HitRow>> {
    let rows: Vec<HitTuple> = sqlx::query_as(
        "SELECT i.id, i.kind, i.title, i.summary, i.source_org, i.issued_on, i.starts_at, i.ends_at, i.time_zone
         FROM exchange_items i
         WHERE i.kind = 'event' AND i.status = 'published' AND i.ends_at > $1
         ORDER BY i.starts_at, i.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(e)
    .await?;
    Ok(hit_rows(rows))
}

/// Published items per topic key.
pub async fn topic_counts<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT t.topic, COUNT(*) FROM exchange_item_topics t
         JOIN exchange_items i ON i.id = t.item_id
         WHERE i.status = 'published'
         GROUP BY t.topic",
    )
    .fetch_all(e)
    .await
}

/// Up to `limit` published resources of a topic, newest first: (id,
/// title, source).
pub async fn newest_resources<'c, E: Executor<'c, Database = Any>>(
    e: E,
    topic: &str,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT i.id, i.title, i.source_org FROM exchange_item_topics t
             JOIN exchange_items i ON i.id = t.item_id
             WHERE t.topic = $1 AND i.status = 'published' AND i.kind = 'resource'
             ORDER BY i.published_at DESC, i.id DESC LIMIT $2",
    )
    .bind(topic)
    .bind(limit)
    .fetch_all(e)
    .await
}
