//! SQL for digests: building runs and delivering them, and what the
//! admin and the archive pages read of the runs.

use serde::Serialize;
use sqlx::{Any, AnyConnection, Executor, FromRow};

use crate::db::Backend;
use crate::state::AppState;

use super::items::Item;
use super::period::Period;

/// A run, for the admin.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Run {
    pub id: i64,
    pub frequency: String,
    pub period: String,
    /// building or built.
    pub status: String,
    pub subscribers: i64,
    pub emails: i64,
    /// Distinct digests built (each shared by everyone with the same topics).
    pub bodies: i64,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub async fn runs(state: &AppState, limit: i64) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as(
        "SELECT id, frequency, period, status, subscribers, emails, bodies, created_at, finished_at
         FROM exchange_digest_runs ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&state.db.pool)
    .await
}

/// Messages of runs still waiting to go out.
pub async fn unsent(state: &AppState) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM exchange_digest_recipients r JOIN outbox o ON o.id = r.outbox_id
         WHERE o.sent_at IS NULL AND o.cancelled_at IS NULL",
    )
    .fetch_one(&state.db.pool)
    .await
}

/// An archived digest: one topic's items of one run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Archived {
    pub id: i64,
    pub frequency: String,
    pub period: String,
    pub topic: String,
    pub topic_name: String,
    pub item_count: i64,
    /// The end of the period, Unix milliseconds.
    pub cutoff: i64,
}

type ArchivedRow = (i64, String, String, String, i64, i64);

fn archived(state: &AppState, r: ArchivedRow) -> Archived {
    let topic_name = crate::exchange::topics::find(&state.frameworks, &r.3)
        .map(|t| t.name)
        .unwrap_or_else(|| r.3.clone());
    Archived {
        id: r.0,
        frequency: r.1,
        period: r.2,
        topic: r.3,
        topic_name,
        item_count: r.4,
        cutoff: r.5,
    }
}

/// Past digests, newest first, of one topic or all.
pub async fn archive_list(
    state: &AppState,
    topic: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Archived>> {
    let rows: Vec<ArchivedRow> = sqlx::query_as(
        "SELECT d.id, r.frequency, r.period, d.topic, d.item_count, r.cutoff
         FROM exchange_digests d JOIN exchange_digest_runs r ON r.id = d.run_id
         WHERE ($1 = '' OR d.topic = $1) ORDER BY r.cutoff DESC, r.frequency, d.topic LIMIT $2",
    )
    .bind(topic.unwrap_or(""))
    .bind(limit)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| archived(state, r)).collect())
}

/// One archived digest and its items (those still published).
pub async fn archive_one(state: &AppState, id: i64) -> sqlx::Result<Option<(Archived, Vec<Item>)>> {
    let row: Option<ArchivedRow> = sqlx::query_as(
        "SELECT d.id, r.frequency, r.period, d.topic, d.item_count, r.cutoff
         FROM exchange_digests d JOIN exchange_digest_runs r ON r.id = d.run_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let items: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT i.id, i.kind, i.title, i.summary, i.source_org, i.published_at
         FROM exchange_digest_items di JOIN exchange_items i ON i.id = di.item_id
         WHERE di.digest_id = $1 AND i.status = 'published' ORDER BY i.published_at DESC, i.id DESC",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let items = items
        .into_iter()
        .map(
            |(id, kind, title, summary, source_org, published_at)| Item {
                id,
                kind,
                title,
                summary,
                source_org,
                published_at,
                topics: vec![],
            },
        )
        .collect();
    Ok(Some((archived(state, row), items)))
}

/// Whether the backend is PostgreSQL (for messages).
pub fn backend_name(state: &AppState) -> &'static str {
    match state.db.backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

// ----- building -----

/// Makes the run of a period unless it exists (the UNIQUE key decides
/// which process creates it).
pub async fn insert_run<'c, E: Executor<'c, Database = Any>>(
    e: E,
    p: &Period,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exchange_digest_runs (frequency, period, cutoff, archive_from, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (frequency, period) DO NOTHING",
    )
    .bind(p.frequency)
    .bind(&p.period)
    .bind(p.cutoff)
    .bind(p.archive_from)
    .bind(now)
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn run_id<'c, E: Executor<'c, Database = Any>>(
    e: E,
    frequency: &str,
    period: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT id FROM exchange_digest_runs WHERE frequency = $1 AND period = $2")
        .bind(frequency)
        .bind(period)
        .fetch_one(e)
        .await
}

/// The first unbuilt run, if no building job is queued.
pub async fn unbuilt_without_job<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM exchange_digest_runs WHERE status = 'building'
         AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND status = 'queued')
         ORDER BY id LIMIT 1",
    )
    .bind(crate::jobs::Job::BUILD_DIGEST)
    .fetch_optional(e)
    .await
}

/// How many runs are still building.
pub async fn building<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exchange_digest_runs WHERE status = 'building'")
        .fetch_one(e)
        .await
}

/// How many runs other than this one are still building.
pub async fn others_building<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM exchange_digest_runs WHERE status = 'building' AND id <> $1",
    )
    .bind(run_id)
    .fetch_one(e)
    .await
}

/// A run being built, as its lease holder sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub frequency: String,
    pub cutoff: i64,
    pub archive_from: i64,
    pub cursor: i64,
}

/// Takes, until `until`, the lease of the first unbuilt run that is free
/// (or its lease ran out by `now`) or already held by `worker`.
pub async fn claim<'c, E: Executor<'c, Database = Any>>(
    e: E,
    worker: &str,
    until: i64,
    now: i64,
) -> sqlx::Result<Option<Claimed>> {
    // The conditions are repeated outside the subquery so PostgreSQL checks
    // them again on the locked row: of two processes, one wins.
    sqlx::query_as(
        "UPDATE exchange_digest_runs SET locked_by = $1, locked_until = $2
         WHERE id = (SELECT id FROM exchange_digest_runs WHERE status = 'building'
                     AND (locked_until IS NULL OR locked_until < $3 OR locked_by = $1) ORDER BY id LIMIT 1)
           AND status = 'building' AND (locked_until IS NULL OR locked_until < $3 OR locked_by = $1)
         RETURNING id, frequency, cutoff, archive_from, cursor",
    )
    .bind(worker)
    .bind(until)
    .bind(now)
    .fetch_optional(e)
    .await
}

/// The earliest window start of the active subscribers after `cursor`
/// (the first `limit` of them, in id order).
pub async fn earliest_window<'c, E: Executor<'c, Database = Any>>(
    e: E,
    frequency: &str,
    cursor: i64,
    limit: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(last_digest_cutoff) FROM (SELECT last_digest_cutoff FROM exchange_subscribers
         WHERE frequency = $1 AND status = 'active' AND id > $2 ORDER BY id LIMIT $3) s",
    )
    .bind(frequency)
    .bind(cursor)
    .bind(limit)
    .fetch_one(e)
    .await
}

/// An item as a digest shows it (its topics read apart).
#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub source_org: String,
    pub published_at: i64,
}

/// The items published after `since`, up to `until`.
pub async fn published_between<'c, E: Executor<'c, Database = Any>>(
    e: E,
    since: i64,
    until: i64,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(
        "SELECT id, kind, title, summary, source_org, published_at FROM exchange_items
         WHERE status = 'published' AND published_at > $1 AND published_at <= $2",
    )
    .bind(since)
    .bind(until)
    .fetch_all(e)
    .await
}

/// The topics of the same items as [`published_between`]: (item id, topic).
pub async fn topics_published_between<'c, E: Executor<'c, Database = Any>>(
    e: E,
    since: i64,
    until: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT t.item_id, t.topic FROM exchange_item_topics t JOIN exchange_items i ON i.id = t.item_id
         WHERE i.status = 'published' AND i.published_at > $1 AND i.published_at <= $2",
    )
    .bind(since)
    .bind(until)
    .fetch_all(e)
    .await
}

/// The next `limit` active subscribers after `cursor`, in id order: (id,
/// email, window start).
pub async fn subscribers_after<'c, E: Executor<'c, Database = Any>>(
    e: E,
    frequency: &str,
    cursor: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, Option<i64>)>> {
    sqlx::query_as(
        "SELECT id, email, last_digest_cutoff FROM exchange_subscribers
         WHERE frequency = $1 AND status = 'active' AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(frequency)
    .bind(cursor)
    .bind(limit)
    .fetch_all(e)
    .await
}

/// The topics of the subscribers with ids in (`after`, `through`]:
/// (subscriber id, topic).
pub async fn subscriber_topics<'c, E: Executor<'c, Database = Any>>(
    e: E,
    after: i64,
    through: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT subscriber_id, topic FROM exchange_subscriber_topics WHERE subscriber_id > $1 AND subscriber_id <= $2",
    )
    .bind(after)
    .bind(through)
    .fetch_all(e)
    .await
}

/// Closes a run that `worker` holds with its cursor still at `cursor`;
/// answers the rows changed (0: lost to another process).
pub async fn finish_run<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
    worker: &str,
    cursor: i64,
    now: i64,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE exchange_digest_runs SET status = 'built', finished_at = $1, locked_until = NULL
             WHERE id = $2 AND locked_by = $3 AND cursor = $4 AND status = 'building'",
    )
    .bind(now)
    .bind(run_id)
    .bind(worker)
    .bind(cursor)
    .execute(e)
    .await?
    .rows_affected())
}

/// Moves a run's cursor from `cursor` to `to` (a compare-and-swap) and
/// extends the lease to `until`; answers the rows changed (0: lost).
pub async fn move_cursor<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
    worker: &str,
    cursor: i64,
    to: i64,
    until: i64,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE exchange_digest_runs SET cursor = $1, locked_until = $2
         WHERE id = $3 AND locked_by = $4 AND cursor = $5 AND status = 'building'",
    )
    .bind(to)
    .bind(until)
    .bind(run_id)
    .bind(worker)
    .bind(cursor)
    .execute(e)
    .await?
    .rows_affected())
}

/// A run's totals: (subscribers, emails).
pub async fn run_totals<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as("SELECT subscribers, emails FROM exchange_digest_runs WHERE id = $1")
        .bind(run_id)
        .fetch_one(e)
        .await
}

/// Adds a chunk's subscribers and emails to the run's totals.
pub async fn add_to_totals<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
    subscribers: i64,
    emails: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_digest_runs SET subscribers = subscribers + $1, emails = emails + $2 WHERE id = $3",
    )
    .bind(subscribers)
    .bind(emails)
    .bind(run_id)
    .execute(e)
    .await
    .map(|_| ())
}

// Every statement below is set-based with fixed text: the rows go in as
// one JSON parameter.

/// The rows of a JSON array of objects (parameter `$param`) as a table `t`
/// with these columns (name, PostgreSQL type): one statement text for any
/// number of rows.
fn json_rows(backend: Backend, param: usize, cols: &[(&str, &str)]) -> String {
    match backend {
        Backend::Postgres => format!(
            "json_to_recordset(${param}::json) AS t({})",
            cols.iter()
                .map(|(n, ty)| format!("{n} {ty}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Backend::Sqlite => format!(
            "(SELECT {} FROM json_each(${param})) AS t",
            cols.iter()
                .map(|(n, _)| format!("json_extract(value, '$.{n}') AS {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Inserts an outbox row per (address, body), in this order; answers
/// their ids (in that order on both databases once sorted).
pub async fn insert_outbox<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    now: i64,
    mail: &[(&str, i64)],
) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<serde_json::Value> = mail
        .iter()
        .enumerate()
        .map(|(n, (email, body))| serde_json::json!({ "n": n, "to_addr": email, "body_id": body }))
        .collect();
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO outbox (to_addr, subject, text_body, html_body, headers, created_at, body_id)
             SELECT t.to_addr, '', '', '', '[]', $1, t.body_id FROM {} ORDER BY t.n RETURNING id",
        json_rows(
            backend,
            2,
            &[("n", "bigint"), ("to_addr", "text"), ("body_id", "bigint")]
        )
    )))
    .bind(now)
    .bind(serde_json::Value::Array(rows).to_string())
    .fetch_all(e)
    .await
}

/// Records who the run reached: (subscriber, outbox row or None when
/// nothing was new). The primary key refuses a second digest to the same
/// person.
pub async fn insert_recipients<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    run_id: i64,
    recipients: &[(i64, Option<i64>)],
) -> sqlx::Result<()> {
    let rows: Vec<serde_json::Value> = recipients
        .iter()
        .map(|(sid, oid)| serde_json::json!({ "s": sid, "o": oid }))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO exchange_digest_recipients (run_id, subscriber_id, outbox_id) SELECT $1, t.s, t.o FROM {}",
        json_rows(backend, 2, &[("s", "bigint"), ("o", "bigint")])
    )))
    .bind(run_id)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(e)
    .await
    .map(|_| ())
}

/// Queues a delivery job per payload, to run from `now`.
pub async fn insert_send_jobs<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    now: i64,
    payloads: &[String],
) -> sqlx::Result<()> {
    let rows: Vec<serde_json::Value> = payloads
        .iter()
        .map(|p| serde_json::json!({ "p": p }))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs (kind, payload, status, run_at, created_at) SELECT $1, t.p, 'queued', $2, $2 FROM {}",
        json_rows(backend, 3, &[("p", "text")])
    )))
    .bind(crate::jobs::Job::SEND_DIGEST)
    .bind(now)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(e)
    .await
    .map(|_| ())
}

/// Moves these subscribers' windows on to `cutoff`.
pub async fn set_window<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    cutoff: i64,
    subscriber_ids: &[i64],
) -> sqlx::Result<()> {
    let rows: Vec<serde_json::Value> = subscriber_ids
        .iter()
        .map(|id| serde_json::json!({ "id": id }))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE exchange_subscribers SET last_digest_cutoff = $1 WHERE id IN (SELECT t.id FROM {})",
        json_rows(backend, 2, &[("id", "bigint")])
    )))
    .bind(cutoff)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(e)
    .await
    .map(|_| ())
}

/// The shared bodies the run already has for these signatures:
/// (signature, body or None when nothing was new).
pub async fn known_bodies<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    run_id: i64,
    signatures: &[&str],
) -> sqlx::Result<Vec<(String, Option<i64>)>> {
    let sigs: Vec<serde_json::Value> = signatures
        .iter()
        .map(|s| serde_json::json!({ "sig": s }))
        .collect();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT signature, body_id FROM exchange_digest_bodies WHERE run_id = $1 AND signature IN (SELECT t.sig FROM {})",
        json_rows(backend, 2, &[("sig", "text")])
    )))
    .bind(run_id)
    .bind(serde_json::Value::Array(sigs).to_string())
    .fetch_all(e)
    .await
}

/// A rendered digest to store as a shared body.
pub struct NewBody<'a> {
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    /// The headers as JSON.
    pub headers: String,
}

/// Stores these bodies, in this order; answers their ids (in that order
/// once sorted).
pub async fn insert_bodies<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    now: i64,
    bodies: &[NewBody<'_>],
) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<serde_json::Value> = bodies
        .iter()
        .enumerate()
        .map(|(n, b)| {
            serde_json::json!({
                "n": n,
                "subject": b.subject,
                "text_body": b.text_body,
                "html_body": b.html_body,
                "headers": b.headers,
            })
        })
        .collect();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "INSERT INTO mail_bodies (subject, text_body, html_body, headers, created_at)
             SELECT t.subject, t.text_body, t.html_body, t.headers, $1 FROM {} ORDER BY t.n RETURNING id",
        json_rows(
            backend,
            2,
            &[
                ("n", "bigint"),
                ("subject", "text"),
                ("text_body", "text"),
                ("html_body", "text"),
                ("headers", "text"),
            ]
        )
    )))
    .bind(now)
    .bind(serde_json::Value::Array(rows).to_string())
    .fetch_all(e)
    .await
}

/// Records the run's body for each signature (None: nothing new).
pub async fn insert_signatures<'c, E: Executor<'c, Database = Any>>(
    e: E,
    backend: Backend,
    run_id: i64,
    made: &[(String, Option<i64>)],
) -> sqlx::Result<()> {
    let rows: Vec<serde_json::Value> = made
        .iter()
        .map(|(sig, body)| serde_json::json!({ "sig": sig, "body_id": body }))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO exchange_digest_bodies (run_id, signature, body_id) SELECT $1, t.sig, t.body_id FROM {}",
        json_rows(backend, 2, &[("sig", "text"), ("body_id", "bigint")])
    )))
    .bind(run_id)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn add_bodies<'c, E: Executor<'c, Database = Any>>(
    e: E,
    run_id: i64,
    bodies: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE exchange_digest_runs SET bodies = bodies + $1 WHERE id = $2")
        .bind(bodies)
        .bind(run_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// The run's archive: per topic, the items published in its period
/// (after `from`, up to `cutoff`).
pub async fn archive(
    conn: &mut AnyConnection,
    run_id: i64,
    from: i64,
    cutoff: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exchange_digests (run_id, topic, item_count, created_at)
         SELECT $1, t.topic, COUNT(*), $2 FROM exchange_item_topics t JOIN exchange_items i ON i.id = t.item_id
         WHERE i.status = 'published' AND i.published_at > $3 AND i.published_at <= $4
         GROUP BY t.topic",
    )
    .bind(run_id)
    .bind(now)
    .bind(from)
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO exchange_digest_items (digest_id, item_id)
         SELECT d.id, t.item_id FROM exchange_digests d
         JOIN exchange_item_topics t ON t.topic = d.topic
         JOIN exchange_items i ON i.id = t.item_id
         WHERE d.run_id = $1 AND i.status = 'published' AND i.published_at > $2 AND i.published_at <= $3",
    )
    .bind(run_id)
    .bind(from)
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ----- delivering -----

/// A digest message still to send, with its subscriber.
#[derive(Debug, Clone)]
pub struct Unsent {
    pub outbox_id: i64,
    pub to_addr: String,
    pub body_id: i64,
    pub subscriber_id: i64,
    /// The subscriber's status now.
    pub status: String,
    pub link_version: i64,
}

/// The messages of these outbox rows not yet sent or cancelled, by id.
pub async fn unsent_messages<'c, E: Executor<'c, Database = Any>>(
    e: E,
    outbox_ids: &[i64],
) -> sqlx::Result<Vec<Unsent>> {
    let list = outbox_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // By position: two columns are called id.
    let rows: Vec<(i64, String, i64, i64, String, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT o.id, o.to_addr, o.body_id, s.id, s.status, s.link_version
         FROM outbox o JOIN exchange_digest_recipients r ON r.outbox_id = o.id
         JOIN exchange_subscribers s ON s.id = r.subscriber_id
         WHERE o.id IN ({list}) AND o.sent_at IS NULL AND o.cancelled_at IS NULL ORDER BY o.id"
        )))
        .fetch_all(e)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(outbox_id, to_addr, body_id, subscriber_id, status, link_version)| Unsent {
                outbox_id,
                to_addr,
                body_id,
                subscriber_id,
                status,
                link_version,
            },
        )
        .collect())
}

/// A shared body, its links still to put in.
#[derive(Debug, Clone, FromRow)]
pub struct Body {
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The headers as JSON.
    pub headers: String,
}

pub async fn body<'c, E: Executor<'c, Database = Any>>(e: E, id: i64) -> sqlx::Result<Body> {
    sqlx::query_as("SELECT subject, text_body, html_body, headers FROM mail_bodies WHERE id = $1")
        .bind(id)
        .fetch_one(e)
        .await
}

/// Drops a message that is not to be sent after all.
pub async fn cancel_message<'c, E: Executor<'c, Database = Any>>(
    e: E,
    outbox_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET cancelled_at = $1 WHERE id = $2")
        .bind(now)
        .bind(outbox_id)
        .execute(e)
        .await
        .map(|_| ())
}
