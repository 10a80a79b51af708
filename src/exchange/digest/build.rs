//! Building a run: the due runs made once, then walked a chunk of
//! subscribers per transaction under a lease, each distinct digest made
//! once, and the run archived when everyone is done.

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;

use super::items::{Item, select, signature};
use super::period::{FREQUENCIES, Period, Schedule, due_period};
use super::render::render;
use super::store::{self, Claimed, NewBody};

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
    store::insert_run(&state.db.pool, p, now_ms()).await?;
    Ok(store::run_id(&state.db.pool, p.frequency, &p.period).await?)
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
    let needed = store::unbuilt_without_job(&mut *tx).await?;
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
        let waiting = store::building(&state.db.pool).await?;
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

/// Takes the lease of the first unbuilt run that is free or already
/// held by `worker`.
async fn claim(state: &AppState, worker: &str) -> sqlx::Result<Option<Claimed>> {
    let now = now_ms();
    store::claim(&state.db.pool, worker, now + LEASE_MS, now).await
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
    let pool = &state.db.pool;
    let since =
        store::earliest_window(pool, &run.frequency, run.cursor, chunk.unwrap_or(i64::MAX)).await?;
    let since = since.unwrap_or(run.cutoff);
    let rows = store::published_between(pool, since, run.cutoff).await?;
    let tags = store::topics_published_between(pool, since, run.cutoff).await?;
    let mut by_item: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, t) in tags {
        by_item.entry(id).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|r| Item {
            topics: by_item.remove(&r.id).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            title: r.title,
            summary: r.summary,
            source_org: r.source_org,
            published_at: r.published_at,
        })
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
    let subs = store::subscribers_after(&mut *tx, &run.frequency, cursor, chunk).await?;
    let Some(last) = subs.last().map(|s| s.0) else {
        // Everyone is done: archive the run and close it.
        let moved = store::finish_run(&mut *tx, run.id, worker, cursor, now).await?;
        if moved == 0 {
            return Ok(Step::Lost);
        }
        store::archive(&mut tx, run.id, run.archive_from, run.cutoff, now).await?;
        let (subscribers, emails) = store::run_totals(&mut *tx, run.id).await?;
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
            let others = store::others_building(&mut *tx, run.id).await?;
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
    let moved = store::move_cursor(&mut *tx, run.id, worker, cursor, last, now + LEASE_MS).await?;
    if moved == 0 {
        return Ok(Step::Lost);
    }
    let tags = store::subscriber_topics(&mut *tx, cursor, last).await?;
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
        let to: Vec<(&str, i64)> = mail
            .iter()
            .map(|(_, email, body)| (*email, *body))
            .collect();
        store::insert_outbox(&mut *tx, backend, now, &to).await?
    };
    outbox_ids.sort_unstable();
    anyhow::ensure!(outbox_ids.len() == mail.len(), "outbox rows missing");
    let recipients: Vec<(i64, Option<i64>)> = mail
        .iter()
        .zip(&outbox_ids)
        .map(|((sid, _, _), oid)| (*sid, Some(*oid)))
        .chain(nothing.iter().map(|sid| (*sid, None)))
        .collect();
    if !recipients.is_empty() {
        // The primary key refuses a second digest to the same person.
        store::insert_recipients(&mut *tx, backend, run.id, &recipients).await?;
    }
    let payloads: Vec<String> = outbox_ids
        .chunks(BATCH)
        .map(|batch| {
            crate::jobs::Job::SendDigest {
                outbox_ids: batch.to_vec(),
            }
            .payload()
        })
        .collect();
    if !payloads.is_empty() {
        store::insert_send_jobs(&mut *tx, backend, now, &payloads).await?;
    }
    let ids: Vec<i64> = reached.iter().map(|r| r.0).collect();
    if !ids.is_empty() {
        store::set_window(&mut *tx, backend, run.cutoff, &ids).await?;
    }
    store::add_to_totals(&mut *tx, run.id, reached.len() as i64, mail.len() as i64).await?;
    if let Some(chunk) = chain {
        crate::jobs::enqueue(&mut tx, &crate::jobs::Job::BuildDigest { chunk }, now).await?;
    }
    tx.commit().await?;
    Ok(Step::Next(last))
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
    let sigs: Vec<&str> = wanted.keys().map(String::as_str).collect();
    let found = store::known_bodies(&mut *conn, backend, run.id, &sigs).await?;
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
        let bodies: Vec<NewBody> = part
            .iter()
            .map(|(_, m)| {
                Ok(NewBody {
                    subject: &m.subject,
                    text_body: &m.text,
                    html_body: &m.html,
                    headers: serde_json::to_string(&m.headers)?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let mut ids = store::insert_bodies(&mut *conn, backend, now, &bodies).await?;
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
    store::insert_signatures(&mut *conn, backend, run.id, &made).await?;
    if new_bodies > 0 {
        store::add_bodies(&mut *conn, run.id, new_bodies).await?;
    }
    cache.extend(made);
    Ok(())
}
