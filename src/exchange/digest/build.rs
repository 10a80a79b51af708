//! Building a run: the due runs made once, then walked a chunk of
//! subscribers per transaction under a lease, each distinct digest made
//! once, and the run archived when everyone is done.

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::audit::{self, Entry};
use crate::db::Backend;
use crate::state::AppState;
use crate::time::now_ms;

use super::items::{Item, select, signature};
use super::period::{FREQUENCIES, Period, Schedule, due_period};
use super::render::render;

/// Subscribers per building transaction.
pub const CHUNK: i64 = 2000;
/// Messages per delivery job.
pub const BATCH: usize = 250;
/// Who holds a run's lease while the job runner builds it. Every process's
/// job runner uses this name, so a slice retried after a crash can carry on
/// at once; the cursor's compare-and-swap still lets only one build a chunk.
const JOB_HOLDER: &str = "job runner";
/// When the run is held by someone else (`waymark digest run`), the next
/// slice waits this long.
const HELD_RETRY_MS: i64 = 30_000;
const LEASE_MS: i64 = 10 * 60_000;

/// Ensures the run for this period exists (the UNIQUE insert decides
/// which process creates it); returns its id.
pub async fn ensure_run(state: &AppState, p: &Period) -> anyhow::Result<i64> {
    sqlx::query(
        "INSERT INTO exchange_digest_runs (frequency, period, cutoff, archive_from, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (frequency, period) DO NOTHING",
    )
    .bind(p.frequency)
    .bind(&p.period)
    .bind(p.cutoff)
    .bind(p.archive_from)
    .bind(now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT id FROM exchange_digest_runs WHERE frequency = $1 AND period = $2",
    )
    .bind(p.frequency)
    .bind(&p.period)
    .fetch_one(&state.db.pool)
    .await?)
}

/// From the job runner: makes the due runs and queues their building,
/// which then goes a chunk per job so other mail is not held up.
pub async fn sweep(state: &AppState, now: i64) -> anyhow::Result<()> {
    let schedule = Schedule::of(&state.config);
    for f in FREQUENCIES {
        ensure_run(state, &due_period(f, now, &schedule)).await?;
    }
    kick(state, CHUNK).await?;
    Ok(())
}

/// Queues a building job, `chunk` subscribers a slice, when a run is
/// unbuilt and none is queued (a crashed or failed chain starts again
/// here). Returns whether it queued one.
pub async fn kick(state: &AppState, chunk: i64) -> anyhow::Result<bool> {
    let mut tx = state.db.begin().await?;
    let needed: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM exchange_digest_runs WHERE status = 'building'
         AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND status = 'queued')
         ORDER BY id LIMIT 1",
    )
    .bind(crate::jobs::Job::BUILD_DIGEST)
    .fetch_optional(&mut *tx)
    .await?;
    if needed.is_none() {
        return Ok(false);
    }
    crate::jobs::enqueue(&mut tx, &crate::jobs::Job::BuildDigest { chunk }, now_ms()).await?;
    tx.commit().await?;
    Ok(true)
}

/// The building job: one chunk of the first unbuilt run, the next slice
/// queued in the chunk's own transaction (a crash before the commit
/// leaves this job to be retried; after it, the next one is there).
pub async fn build_slice(state: &AppState, chunk: i64) -> anyhow::Result<()> {
    let chunk = chunk.max(1);
    let Some(run) = claim(state, JOB_HOLDER).await? else {
        // Held by `waymark digest run` (or nothing left): look again later.
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM exchange_digest_runs WHERE status = 'building'",
        )
        .fetch_one(&state.db.pool)
        .await?;
        if waiting > 0 {
            let mut tx = state.db.begin().await?;
            crate::jobs::enqueue(
                &mut tx,
                &crate::jobs::Job::BuildDigest { chunk },
                now_ms() + HELD_RETRY_MS,
            )
            .await?;
            tx.commit().await?;
        }
        return Ok(());
    };
    let items = load_items(state, &run, Some(chunk)).await?;
    let mut cache = HashMap::new();
    // Lost: another slice moved the cursor first and carries on.
    build_chunk(
        state,
        JOB_HOLDER,
        &run,
        run.cursor,
        chunk,
        &items,
        &mut cache,
        Some(chunk),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Claimed {
    id: i64,
    frequency: String,
    cutoff: i64,
    archive_from: i64,
    cursor: i64,
}

/// Takes the lease of the first unbuilt run that is free or already
/// held by `worker`.
async fn claim(state: &AppState, worker: &str) -> sqlx::Result<Option<Claimed>> {
    let now = now_ms();
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
    .bind(now + LEASE_MS)
    .bind(now)
    .fetch_optional(&state.db.pool)
    .await
}

/// Builds unbuilt runs, `chunk` subscribers per transaction, at most
/// `max_chunks` chunks (tests stop half-way with it); returns the chunks done.
pub async fn build(
    state: &AppState,
    worker: &str,
    chunk: i64,
    max_chunks: Option<usize>,
) -> anyhow::Result<usize> {
    let mut done = 0;
    while let Some(run) = claim(state, worker).await? {
        let items = load_items(state, &run, None).await?;
        let mut cache: HashMap<String, Option<i64>> = HashMap::new();
        let mut cursor = run.cursor;
        loop {
            if max_chunks.is_some_and(|m| done >= m) {
                return Ok(done);
            }
            match build_chunk(state, worker, &run, cursor, chunk, &items, &mut cache, None).await? {
                Step::Next(c) => {
                    cursor = c;
                    done += 1;
                }
                Step::Finished => break,
                // Another process holds the run now: leave it to them.
                Step::Lost => return Ok(done),
            }
        }
    }
    Ok(done)
}

/// The published items any remaining subscriber of the run (or of its
/// next `chunk`) may get.
async fn load_items(
    state: &AppState,
    run: &Claimed,
    chunk: Option<i64>,
) -> sqlx::Result<Vec<Item>> {
    let since: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(last_digest_cutoff) FROM (SELECT last_digest_cutoff FROM exchange_subscribers
         WHERE frequency = $1 AND status = 'active' AND id > $2 ORDER BY id LIMIT $3) s",
    )
    .bind(&run.frequency)
    .bind(run.cursor)
    .bind(chunk.unwrap_or(i64::MAX))
    .fetch_one(&state.db.pool)
    .await?;
    let since = since.unwrap_or(run.cutoff);
    let rows: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, kind, title, summary, source_org, published_at FROM exchange_items
         WHERE status = 'published' AND published_at > $1 AND published_at <= $2",
    )
    .bind(since)
    .bind(run.cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let tags: Vec<(i64, String)> = sqlx::query_as(
        "SELECT t.item_id, t.topic FROM exchange_item_topics t JOIN exchange_items i ON i.id = t.item_id
         WHERE i.status = 'published' AND i.published_at > $1 AND i.published_at <= $2",
    )
    .bind(since)
    .bind(run.cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let mut by_item: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, t) in tags {
        by_item.entry(id).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, title, summary, source_org, published_at)| Item {
                topics: by_item.remove(&id).unwrap_or_default(),
                id,
                kind,
                title,
                summary,
                source_org,
                published_at,
            },
        )
        .collect())
}

enum Step {
    Next(i64),
    Finished,
    Lost,
}

#[allow(clippy::too_many_arguments)]
async fn build_chunk(
    state: &AppState,
    worker: &str,
    run: &Claimed,
    cursor: i64,
    chunk: i64,
    items: &[Item],
    cache: &mut HashMap<String, Option<i64>>,
    chain: Option<i64>,
) -> anyhow::Result<Step> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let subs: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, email, last_digest_cutoff FROM exchange_subscribers
         WHERE frequency = $1 AND status = 'active' AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(&run.frequency)
    .bind(cursor)
    .bind(chunk)
    .fetch_all(&mut *tx)
    .await?;
    let Some(last) = subs.last().map(|s| s.0) else {
        // Everyone is done: archive the run and close it.
        let moved = sqlx::query(
            "UPDATE exchange_digest_runs SET status = 'built', finished_at = $1, locked_until = NULL
             WHERE id = $2 AND locked_by = $3 AND cursor = $4 AND status = 'building'",
        )
        .bind(now)
        .bind(run.id)
        .bind(worker)
        .bind(cursor)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(Step::Lost);
        }
        archive(&mut tx, run, now).await?;
        let (subscribers, emails): (i64, i64) =
            sqlx::query_as("SELECT subscribers, emails FROM exchange_digest_runs WHERE id = $1")
                .bind(run.id)
                .fetch_one(&mut *tx)
                .await?;
        // A run that reached nobody changed nothing for anyone: the run's
        // row is its record.
        if subscribers > 0 {
            audit::write(
                &mut *tx,
                &Entry::new((None, "digest sender".into()), "", "exchange_digest_run")
                    .record("exchange_digest_run", run.id)
                    .detail(format!(
                        "{} digest built: {emails} email(s) to {subscribers} subscriber(s)",
                        run.frequency
                    )),
            )
            .await?;
        }
        if let Some(chunk) = chain {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM exchange_digest_runs WHERE status = 'building' AND id <> $1",
            )
            .bind(run.id)
            .fetch_one(&mut *tx)
            .await?;
            if others > 0 {
                crate::jobs::enqueue(&mut tx, &crate::jobs::Job::BuildDigest { chunk }, now)
                    .await?;
            }
        }
        tx.commit().await?;
        return Ok(Step::Finished);
    };
    // Take the chunk: the compare-and-swap on the cursor (first, so
    // PostgreSQL holds the run's row lock) fails if another process moved it.
    let moved = sqlx::query(
        "UPDATE exchange_digest_runs SET cursor = $1, locked_until = $2
         WHERE id = $3 AND locked_by = $4 AND cursor = $5 AND status = 'building'",
    )
    .bind(last)
    .bind(now + LEASE_MS)
    .bind(run.id)
    .bind(worker)
    .bind(cursor)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(Step::Lost);
    }
    let tags: Vec<(i64, String)> = sqlx::query_as(
        "SELECT subscriber_id, topic FROM exchange_subscriber_topics WHERE subscriber_id > $1 AND subscriber_id <= $2",
    )
    .bind(cursor)
    .bind(last)
    .fetch_all(&mut *tx)
    .await?;
    let mut topics: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, t) in tags {
        topics.entry(id).or_default().push(t);
    }
    // Each subscriber's signature; the chunk's distinct ones not yet known.
    let mut reached: Vec<(i64, &str, String)> = Vec::with_capacity(subs.len());
    let mut wanted: HashMap<String, (Vec<String>, i64)> = HashMap::new();
    for (id, email, since) in &subs {
        let since = since.unwrap_or(0);
        if since >= run.cutoff {
            continue; // confirmed after this period ended
        }
        let mut mine = topics.remove(id).unwrap_or_default();
        mine.sort();
        let sig = signature(since, &mine);
        if !cache.contains_key(&sig) {
            wanted.entry(sig.clone()).or_insert((mine, since));
        }
        reached.push((*id, email.as_str(), sig));
    }
    bodies_for(state, &mut tx, run, items, wanted, cache).await?;
    // (subscriber, email, body) for those with something new; then those
    // with nothing new, whose window still moves on.
    let mut mail: Vec<(i64, &str, i64)> = Vec::new();
    let mut nothing: Vec<i64> = Vec::new();
    for (id, email, sig) in &reached {
        match cache.get(sig).copied().flatten() {
            Some(b) => mail.push((*id, *email, b)),
            None => nothing.push(*id),
        }
    }
    // Every statement below is set-based with fixed text: the chunk's rows
    // go in as one JSON parameter.
    let backend = state.db.backend;
    // Outbox rows, inserted in subscriber order: their ids come out in that
    // order on both databases, so sorting them pairs each with its subscriber.
    let mut outbox_ids: Vec<i64> = if mail.is_empty() {
        Vec::new()
    } else {
        let rows: Vec<serde_json::Value> = mail
            .iter()
            .enumerate()
            .map(|(n, (_, email, body))| serde_json::json!({ "n": n, "to_addr": email, "body_id": body }))
            .collect();
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO outbox (to_addr, subject, text_body, html_body, headers, created_at, body_id)
             SELECT t.to_addr, '', '', '', '[]', $1, t.body_id FROM {} ORDER BY t.n RETURNING id",
            json_rows(backend, 2, &[("n", "bigint"), ("to_addr", "text"), ("body_id", "bigint")])
        )))
        .bind(now)
        .bind(serde_json::Value::Array(rows).to_string())
        .fetch_all(&mut *tx)
        .await?
    };
    outbox_ids.sort_unstable();
    anyhow::ensure!(outbox_ids.len() == mail.len(), "outbox rows missing");
    let recipients: Vec<serde_json::Value> = mail
        .iter()
        .zip(&outbox_ids)
        .map(|((sid, _, _), oid)| serde_json::json!({ "s": sid, "o": oid }))
        .chain(
            nothing
                .iter()
                .map(|sid| serde_json::json!({ "s": sid, "o": null })),
        )
        .collect();
    if !recipients.is_empty() {
        // The primary key refuses a second digest to the same person.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO exchange_digest_recipients (run_id, subscriber_id, outbox_id) SELECT $1, t.s, t.o FROM {}",
            json_rows(backend, 2, &[("s", "bigint"), ("o", "bigint")])
        )))
        .bind(run.id)
        .bind(serde_json::Value::Array(recipients).to_string())
        .execute(&mut *tx)
        .await?;
    }
    let payloads: Vec<serde_json::Value> = outbox_ids
        .chunks(BATCH)
        .map(|batch| {
            let job = crate::jobs::Job::SendDigest {
                outbox_ids: batch.to_vec(),
            };
            serde_json::json!({ "p": job.payload() })
        })
        .collect();
    if !payloads.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO jobs (kind, payload, status, run_at, created_at) SELECT $1, t.p, 'queued', $2, $2 FROM {}",
            json_rows(backend, 3, &[("p", "text")])
        )))
        .bind(crate::jobs::Job::SEND_DIGEST)
        .bind(now)
        .bind(serde_json::Value::Array(payloads).to_string())
        .execute(&mut *tx)
        .await?;
    }
    let ids: Vec<serde_json::Value> = reached
        .iter()
        .map(|r| serde_json::json!({ "id": r.0 }))
        .collect();
    if !ids.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE exchange_subscribers SET last_digest_cutoff = $1 WHERE id IN (SELECT t.id FROM {})",
            json_rows(backend, 2, &[("id", "bigint")])
        )))
        .bind(run.cutoff)
        .bind(serde_json::Value::Array(ids).to_string())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE exchange_digest_runs SET subscribers = subscribers + $1, emails = emails + $2 WHERE id = $3",
    )
    .bind(reached.len() as i64)
    .bind(mail.len() as i64)
    .bind(run.id)
    .execute(&mut *tx)
    .await?;
    if let Some(chunk) = chain {
        crate::jobs::enqueue(&mut tx, &crate::jobs::Job::BuildDigest { chunk }, now).await?;
    }
    tx.commit().await?;
    Ok(Step::Next(last))
}

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

/// Bodies rendered and stored per statement (each is tens of kB).
const BODIES_PER_INSERT: usize = 100;

/// Puts in `cache` the shared body of each wanted distinct digest
/// (signature -> topics, window start; None: nothing new), each made once
/// per run: a resumed build finds those made before the crash.
async fn bodies_for(
    state: &AppState,
    conn: &mut AnyConnection,
    run: &Claimed,
    items: &[Item],
    mut wanted: HashMap<String, (Vec<String>, i64)>,
    cache: &mut HashMap<String, Option<i64>>,
) -> anyhow::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let backend = state.db.backend;
    let sigs: Vec<serde_json::Value> = wanted
        .keys()
        .map(|s| serde_json::json!({ "sig": s }))
        .collect();
    let found: Vec<(String, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT signature, body_id FROM exchange_digest_bodies WHERE run_id = $1 AND signature IN (SELECT t.sig FROM {})",
        json_rows(backend, 2, &[("sig", "text")])
    )))
    .bind(run.id)
    .bind(serde_json::Value::Array(sigs).to_string())
    .fetch_all(&mut *conn)
    .await?;
    for (sig, body) in found {
        wanted.remove(&sig);
        cache.insert(sig, body);
    }
    let mut wanted: Vec<(String, (Vec<String>, i64))> = wanted.into_iter().collect();
    wanted.sort();
    let mut made: Vec<(String, Option<i64>)> = Vec::with_capacity(wanted.len());
    let mut to_render: Vec<(String, Vec<String>, i64)> = Vec::new();
    for (sig, (topics, since)) in wanted {
        if select(items, &topics, since).is_empty() {
            made.push((sig, None));
        } else {
            to_render.push((sig, topics, since));
        }
    }
    let now = now_ms();
    let mut new_bodies = 0i64;
    // Rendered a group at a time, so only one group's bodies are in memory.
    for group in to_render.chunks(BODIES_PER_INSERT) {
        let part: Vec<(&String, crate::mail::Email)> = group
            .iter()
            .map(|(sig, topics, since)| {
                let chosen = select(items, topics, *since);
                Ok((sig, render(state, &run.frequency, topics, &chosen)?))
            })
            .collect::<anyhow::Result<_>>()?;
        let rows: Vec<serde_json::Value> = part
            .iter()
            .enumerate()
            .map(|(n, (_, m))| {
                Ok(serde_json::json!({
                    "n": n,
                    "subject": m.subject,
                    "text_body": m.text,
                    "html_body": m.html,
                    "headers": serde_json::to_string(&m.headers)?,
                }))
            })
            .collect::<anyhow::Result<_>>()?;
        let mut ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
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
        .fetch_all(&mut *conn)
        .await?;
        ids.sort_unstable();
        anyhow::ensure!(ids.len() == part.len(), "mail bodies missing");
        new_bodies += ids.len() as i64;
        made.extend(
            part.iter()
                .zip(ids)
                .map(|((sig, _), id)| ((*sig).clone(), Some(id))),
        );
    }
    if made.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = made
        .iter()
        .map(|(sig, body)| serde_json::json!({ "sig": sig, "body_id": body }))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO exchange_digest_bodies (run_id, signature, body_id) SELECT $1, t.sig, t.body_id FROM {}",
        json_rows(backend, 2, &[("sig", "text"), ("body_id", "bigint")])
    )))
    .bind(run.id)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *conn)
    .await?;
    if new_bodies > 0 {
        sqlx::query("UPDATE exchange_digest_runs SET bodies = bodies + $1 WHERE id = $2")
            .bind(new_bodies)
            .bind(run.id)
            .execute(&mut *conn)
            .await?;
    }
    cache.extend(made);
    Ok(())
}

/// The run's archive: per topic, the items published in its period.
async fn archive(conn: &mut AnyConnection, run: &Claimed, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exchange_digests (run_id, topic, item_count, created_at)
         SELECT $1, t.topic, COUNT(*), $2 FROM exchange_item_topics t JOIN exchange_items i ON i.id = t.item_id
         WHERE i.status = 'published' AND i.published_at > $3 AND i.published_at <= $4
         GROUP BY t.topic",
    )
    .bind(run.id)
    .bind(now)
    .bind(run.archive_from)
    .bind(run.cutoff)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO exchange_digest_items (digest_id, item_id)
         SELECT d.id, t.item_id FROM exchange_digests d
         JOIN exchange_item_topics t ON t.topic = d.topic
         JOIN exchange_items i ON i.id = t.item_id
         WHERE d.run_id = $1 AND i.status = 'published' AND i.published_at > $2 AND i.published_at <= $3",
    )
    .bind(run.id)
    .bind(run.archive_from)
    .bind(run.cutoff)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
