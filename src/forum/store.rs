//! SQL for the forum.

use serde::{Serialize, Serializer};
use sqlx::{Any, Executor, FromRow};

use crate::auth::{Grant, Role};
use crate::db::{Backend, Tx};

fn as_bool<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(*v != 0)
}

/// A category with its visible threads' count and latest activity.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub id: i64,
    pub program_id: i64,
    /// general, topic or state.
    pub kind: String,
    /// 'general', the element's key, or the state's code.
    pub key: String,
    pub name: String,
    pub description: String,
    /// The state whose team alone (with its coach) reads it.
    pub private_to: Option<String>,
    /// Threads not hidden.
    pub threads: i64,
    /// The latest post's time, Unix milliseconds.
    pub last_activity_at: Option<i64>,
}

const CATEGORY: &str = "c.id, c.program_id, c.kind, c.key, c.name, c.description, c.private_to,
    (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id AND t.hidden = 0) AS threads,
    (SELECT MAX(t.last_post_at) FROM forum_threads t WHERE t.category_id = c.id AND t.hidden = 0) AS last_activity_at";

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Thread {
    pub id: i64,
    pub program_id: i64,
    pub category_id: i64,
    pub title: String,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    #[serde(serialize_with = "as_bool")]
    #[schema(value_type = bool)]
    pub locked: i64,
    #[serde(serialize_with = "as_bool")]
    #[schema(value_type = bool)]
    pub hidden: i64,
    /// Only for moderators; empty for everyone else.
    pub hidden_reason: String,
    pub post_count: i64,
    /// Unix milliseconds.
    pub last_post_at: i64,
    pub created_at: i64,
}

const THREAD: &str = "t.id, t.program_id, t.category_id, t.title, t.author_id, u.name AS author_name, t.locked, t.hidden, t.hidden_reason, t.post_count, t.last_post_at, t.created_at";

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// What the author wrote, in Markdown (empty when hidden from you).
    pub body: String,
    /// The sanitised HTML (empty when hidden from you).
    pub html: String,
    #[serde(serialize_with = "as_bool")]
    #[schema(value_type = bool)]
    pub hidden: i64,
    pub hidden_reason: String,
    /// When last edited, Unix milliseconds.
    pub edited_at: Option<i64>,
    pub created_at: i64,
}

const POST: &str = "p.id, p.thread_id, p.author_id, u.name AS author_name, p.body, p.html, p.hidden, p.hidden_reason, p.edited_at, p.created_at";

/// An earlier version of a post.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub body: String,
    /// When it was written and when it was replaced, Unix milliseconds.
    pub written_at: i64,
    pub replaced_at: i64,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Flag {
    pub id: i64,
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub category_id: i64,
    pub flagged_by: Option<String>,
    pub reason: String,
    pub created_at: i64,
    /// The post's text, for the moderator.
    pub post_body: String,
    /// When a moderator resolved it (null while it waits).
    pub resolved_at: Option<i64>,
}

/// Someone who takes part in a program's forum, with the grants that
/// decide what they read there.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub grants: Vec<Grant>,
}

/// A search result.
#[derive(Debug, Clone, FromRow)]
pub struct Hit {
    pub post_id: i64,
    pub thread_id: i64,
    pub title: String,
    pub category_id: i64,
    pub body: String,
    pub created_at: i64,
}

/// A category to have: (kind, key, name, description, position, private_to).
pub type NewCategory = (&'static str, String, String, String, i64, Option<String>);

/// Adds the categories not there yet; returns how many were added.
pub async fn ensure_categories(
    tx: &mut Tx<'_>,
    program_id: i64,
    wanted: &[NewCategory],
    now: i64,
) -> sqlx::Result<u64> {
    let mut added = 0;
    for (kind, key, name, description, position, private_to) in wanted {
        added += sqlx::query(
            "INSERT INTO forum_categories (program_id, kind, key, name, description, position, private_to, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (program_id, kind, key) DO NOTHING",
        )
        .bind(program_id)
        .bind(*kind)
        .bind(key)
        .bind(name)
        .bind(description)
        .bind(*position)
        .bind(private_to.as_deref())
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok(added)
}

/// The (kind, key) of each category the program's forum has.
pub async fn category_identities<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT kind, key FROM forum_categories WHERE program_id = $1")
        .bind(program_id)
        .fetch_all(e)
        .await
}

pub async fn categories<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Category>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CATEGORY} FROM forum_categories c WHERE c.program_id = $1 ORDER BY c.position, c.name"
    )))
    .bind(program_id)
    .fetch_all(e)
    .await
}

pub async fn category<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<Category>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CATEGORY} FROM forum_categories c WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

/// A category's threads, latest activity first; hidden ones only when asked.
pub async fn threads<'c, E: Executor<'c, Database = Any>>(
    e: E,
    category_id: i64,
    with_hidden: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Thread>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {THREAD} FROM forum_threads t LEFT JOIN users u ON u.id = t.author_id
         WHERE t.category_id = $1 AND (t.hidden = 0 OR $2 = 1)
         ORDER BY t.last_post_at DESC, t.id DESC LIMIT $3 OFFSET $4"
    )))
    .bind(category_id)
    .bind(i64::from(with_hidden))
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await
}

pub async fn thread_count<'c, E: Executor<'c, Database = Any>>(
    e: E,
    category_id: i64,
    with_hidden: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM forum_threads WHERE category_id = $1 AND (hidden = 0 OR $2 = 1)",
    )
    .bind(category_id)
    .bind(i64::from(with_hidden))
    .fetch_one(e)
    .await
}

pub async fn thread<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<Thread>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {THREAD} FROM forum_threads t LEFT JOIN users u ON u.id = t.author_id WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn posts<'c, E: Executor<'c, Database = Any>>(
    e: E,
    thread_id: i64,
) -> sqlx::Result<Vec<Post>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {POST} FROM forum_posts p LEFT JOIN users u ON u.id = p.author_id
         WHERE p.thread_id = $1 ORDER BY p.id"
    )))
    .bind(thread_id)
    .fetch_all(e)
    .await
}

pub async fn post<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<Post>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {POST} FROM forum_posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn insert_thread(
    tx: &mut Tx<'_>,
    program_id: i64,
    category_id: i64,
    title: &str,
    author_id: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO forum_threads (program_id, category_id, title, author_id, last_post_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(program_id)
    .bind(category_id)
    .bind(title)
    .bind(author_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Adds a post and counts it on its thread.
pub async fn insert_post(
    tx: &mut Tx<'_>,
    thread_id: i64,
    author_id: i64,
    body: &str,
    html: &str,
    now: i64,
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO forum_posts (thread_id, author_id, body, html, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(thread_id)
    .bind(author_id)
    .bind(body)
    .bind(html)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE forum_threads SET post_count = post_count + 1, last_post_at = $2 WHERE id = $1",
    )
    .bind(thread_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Keeps the post's current text as a version, then replaces it.
pub async fn edit_post(
    tx: &mut Tx<'_>,
    post: &Post,
    body: &str,
    html: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO forum_post_versions (post_id, body, written_at, replaced_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(post.id)
    .bind(&post.body)
    .bind(post.edited_at.unwrap_or(post.created_at))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE forum_posts SET body = $2, html = $3, edited_at = $4 WHERE id = $1")
        .bind(post.id)
        .bind(body)
        .bind(html)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn versions<'c, E: Executor<'c, Database = Any>>(
    e: E,
    post_id: i64,
) -> sqlx::Result<Vec<Version>> {
    sqlx::query_as(
        "SELECT body, written_at, replaced_at FROM forum_post_versions WHERE post_id = $1 ORDER BY id DESC",
    )
    .bind(post_id)
    .fetch_all(e)
    .await
}

pub async fn set_post_hidden(
    tx: &mut Tx<'_>,
    post_id: i64,
    hidden: bool,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE forum_posts SET hidden = $2, hidden_reason = $3 WHERE id = $1")
        .bind(post_id)
        .bind(i64::from(hidden))
        .bind(reason)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn set_thread_hidden(
    tx: &mut Tx<'_>,
    thread_id: i64,
    hidden: bool,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE forum_threads SET hidden = $2, hidden_reason = $3 WHERE id = $1")
        .bind(thread_id)
        .bind(i64::from(hidden))
        .bind(reason)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn set_thread_locked(tx: &mut Tx<'_>, thread_id: i64, locked: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE forum_threads SET locked = $2 WHERE id = $1")
        .bind(thread_id)
        .bind(i64::from(locked))
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn move_thread(tx: &mut Tx<'_>, thread_id: i64, category_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE forum_threads SET category_id = $2 WHERE id = $1")
        .bind(thread_id)
        .bind(category_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn insert_flag(
    tx: &mut Tx<'_>,
    post_id: i64,
    by: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO forum_flags (post_id, flagged_by, reason, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(post_id)
    .bind(by)
    .bind(reason)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

const FLAG: &str = "f.id, f.post_id, p.thread_id, t.title AS thread_title, t.category_id, u.name AS flagged_by, f.reason, f.created_at, p.body AS post_body, f.resolved_at
     FROM forum_flags f
     JOIN forum_posts p ON p.id = f.post_id
     JOIN forum_threads t ON t.id = p.thread_id
     LEFT JOIN users u ON u.id = f.flagged_by";

/// The program's flags not yet resolved, oldest first.
pub async fn open_flags<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Flag>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FLAG} WHERE t.program_id = $1 AND f.resolved_at IS NULL ORDER BY f.id"
    )))
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// A flag, resolved or not.
pub async fn flag<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<Flag>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FLAG} WHERE f.id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn resolve_flag(
    tx: &mut Tx<'_>,
    id: i64,
    by: i64,
    resolution: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE forum_flags SET resolved_by = $2, resolved_at = $3, resolution = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(by)
    .bind(now)
    .bind(resolution)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Starts or stops watching; true when something changed.
pub async fn set_watch(
    tx: &mut Tx<'_>,
    user_id: i64,
    target: &str,
    target_id: i64,
    on: bool,
    now: i64,
) -> sqlx::Result<bool> {
    let done = if on {
        sqlx::query(
            "INSERT INTO forum_watches (user_id, target, target_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, target, target_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(target)
        .bind(target_id)
        .bind(now)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "DELETE FROM forum_watches WHERE user_id = $1 AND target = $2 AND target_id = $3",
        )
        .bind(user_id)
        .bind(target)
        .bind(target_id)
        .execute(&mut **tx)
        .await?
    };
    Ok(done.rows_affected() > 0)
}

pub async fn watching<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    target: &str,
    target_id: i64,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM forum_watches WHERE user_id = $1 AND target = $2 AND target_id = $3",
    )
    .bind(user_id)
    .bind(target)
    .bind(target_id)
    .fetch_one(e)
    .await?;
    Ok(n > 0)
}

/// Records that the post mentions the person (once).
pub async fn record_mention(
    tx: &mut Tx<'_>,
    post_id: i64,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO forum_mentions (post_id, user_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (post_id, user_id) DO NOTHING",
    )
    .bind(post_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Notes that the person has seen the thread up to `last_post_id` (never
/// moving back).
pub async fn mark_read<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    thread_id: i64,
    last_post_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO forum_reads (user_id, thread_id, last_post_id, read_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, thread_id) DO UPDATE SET
             last_post_id = CASE WHEN excluded.last_post_id > forum_reads.last_post_id
                                 THEN excluded.last_post_id ELSE forum_reads.last_post_id END,
             read_at = excluded.read_at",
    )
    .bind(user_id)
    .bind(thread_id)
    .bind(last_post_id)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// Who watches the thread or its category, with what each watches.
pub async fn watchers(
    tx: &mut Tx<'_>,
    thread_id: i64,
    category_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT user_id, target FROM forum_watches
         WHERE (target = 'thread' AND target_id = $1) OR (target = 'category' AND target_id = $2)
         ORDER BY user_id, target",
    )
    .bind(thread_id)
    .bind(category_id)
    .fetch_all(&mut **tx)
    .await
}

/// A user's name and email, if the account is there and active.
pub async fn active_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(e)
        .await
}

/// The active people with a grant in the program or one that holds in
/// every program, with those grants (a state team's grants only once
/// the state is in the cohort: mentions and emails reach the cohort alone).
pub async fn people<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Person>> {
    type Row = (i64, String, String, String, Option<i64>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, g.role, g.program_id, g.state_code
         FROM users u JOIN role_grants g ON g.user_id = u.id
         WHERE u.active = 1 AND (g.program_id = $1 OR g.program_id IS NULL)
           AND (g.role NOT IN ('state_lead', 'state_member')
                OR EXISTS (SELECT 1 FROM state_teams t
                           WHERE t.program_id = g.program_id AND t.state_code = g.state_code))
         ORDER BY u.id, g.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    let mut out: Vec<Person> = Vec::new();
    for (id, name, email, role, program_id, state_code) in rows {
        let Some(role) = Role::parse(&role) else {
            continue;
        };
        let grant = Grant {
            role,
            program_id,
            state_code,
        };
        match out.last_mut() {
            Some(p) if p.id == id => p.grants.push(grant),
            _ => out.push(Person {
                id,
                name,
                email,
                grants: vec![grant],
            }),
        }
    }
    Ok(out)
}

/// Posts matching every word, each in the post or its thread's title (as
/// SQLite's index holds them together), in the given categories, not
/// hidden; the best first (SQLite) or the newest first (PostgreSQL).
pub async fn search<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    words: &[String],
    category_ids: &[i64],
) -> sqlx::Result<Vec<Hit>> {
    if words.is_empty() || category_ids.is_empty() {
        return Ok(vec![]);
    }
    // Only integers from our own rows go into the text.
    let ids = category_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let (sql, query) = match backend {
        Backend::Sqlite => (
            format!(
                "SELECT p.id AS post_id, p.thread_id, t.title, t.category_id, p.body, p.created_at
                 FROM forum_search s
                 JOIN forum_posts p ON p.id = s.rowid
                 JOIN forum_threads t ON t.id = p.thread_id
                 WHERE forum_search MATCH $1 AND t.category_id IN ({ids}) AND p.hidden = 0 AND t.hidden = 0
                 ORDER BY s.rank LIMIT 100"
            ),
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Backend::Postgres => (
            format!(
                "SELECT p.id AS post_id, p.thread_id, t.title, t.category_id, p.body, p.created_at
                 FROM forum_posts p
                 JOIN forum_threads t ON t.id = p.thread_id
                 WHERE (t.search || p.search) @@ to_tsquery('english', $1)
                   AND t.category_id IN ({ids}) AND p.hidden = 0 AND t.hidden = 0
                 ORDER BY p.created_at DESC LIMIT 100"
            ),
            words.join(" & "),
        ),
    };
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(query)
        .fetch_all(e)
        .await
}
