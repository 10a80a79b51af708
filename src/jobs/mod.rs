//! A small job runner on a database table. Jobs are enqueued in the
//! caller's transaction; any number of processes claim them safely
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one atomic
//! `UPDATE ... RETURNING`, SQLite having a single writer). A claimed job is
//! leased: if its process dies, the lease runs out and another takes it.

use std::time::Duration;

use futures::StreamExt;
use sqlx::AnyConnection;
use tokio::sync::watch;

use crate::app::AppState;
use crate::db::Backend;
use crate::time::now_ms;

/// How long a claimed job is reserved for its worker.
pub const LEASE_MS: i64 = 5 * 60_000;
const BATCH: i64 = 16;
const CONCURRENCY: usize = 8;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &serde_json::Value,
    run_at: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, status, run_at, created_at) VALUES ($1, $2, 'queued', $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload.to_string())
    .bind(run_at)
    .bind(now_ms())
    .fetch_one(conn)
    .await
}

/// Wait before the next try: 10 s, 20 s, 40 s ... capped at one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (10_000i64 << exp).min(3_600_000)
}

pub async fn claim(
    db: &crate::db::Db,
    worker: &str,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<ClaimedJob>> {
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
         WHERE id IN (
            SELECT id FROM jobs
            WHERE status = 'queued' AND run_at <= $3 AND (locked_until IS NULL OR locked_until < $3)
            ORDER BY run_at, id LIMIT $4 {lock}
         )
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(worker)
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

pub async fn complete(db: &crate::db::Db, id: i64, worker: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL, last_error = NULL
         WHERE id = $2 AND locked_by = $3",
    )
    .bind(now_ms())
    .bind(id)
    .bind(worker)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

pub async fn fail(
    db: &crate::db::Db,
    job: &ClaimedJob,
    worker: &str,
    error: &str,
) -> sqlx::Result<()> {
    let now = now_ms();
    let give_up = job.attempts >= job.max_attempts;
    sqlx::query(
        "UPDATE jobs SET status = $1, run_at = $2, locked_until = NULL, last_error = $3, finished_at = $4
         WHERE id = $5 AND locked_by = $6",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(now + backoff_ms(job.attempts))
    .bind(error.chars().take(2000).collect::<String>())
    .bind(if give_up { Some(now) } else { None })
    .bind(job.id)
    .bind(worker)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Runs one claimed job (without recording its result).
pub async fn run_one(state: &AppState, job: &ClaimedJob) -> anyhow::Result<()> {
    match job.kind.as_str() {
        crate::mail::SEND_EMAIL_JOB => {
            let payload: serde_json::Value = serde_json::from_str(&job.payload)?;
            let id = payload["outbox_id"]
                .as_i64()
                .ok_or_else(|| anyhow::anyhow!("payload has no outbox_id"))?;
            state.mailer.deliver(&state.db, id).await
        }
        crate::exchange::digest::SEND_JOB => {
            crate::exchange::digest::run_job(state, &job.payload).await
        }
        crate::exchange::digest::BUILD_JOB => {
            crate::exchange::digest::build_slice(state, &job.payload).await
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Claims and runs due jobs until there are none; returns how many ran.
pub async fn run_due(state: &AppState, worker: &str) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let jobs = claim(&state.db, worker, now_ms(), BATCH).await?;
        if jobs.is_empty() {
            return Ok(total);
        }
        total += jobs.len();
        futures::stream::iter(jobs)
            .for_each_concurrent(CONCURRENCY, |job| async move {
                let result = run_one(state, &job).await;
                let stored = match &result {
                    Ok(()) => complete(&state.db, job.id, worker).await,
                    Err(e) => {
                        tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = format!("{e:#}"), "job failed");
                        fail(&state.db, &job, worker, &format!("{e:#}")).await
                    }
                };
                if let Err(e) = stored {
                    tracing::error!(job = job.id, error = %e, "could not record job result");
                }
            })
            .await;
    }
}

/// The background loop of `waymark serve`.
pub async fn worker_loop(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let worker = format!(
        "{}-{}",
        std::process::id(),
        crate::web::request_id::new_id()
    );
    let poll = Duration::from_millis(state.config.job_poll_ms);
    tracing::info!(worker = %worker, "job runner started");
    let mut last_sweep: Option<std::time::Instant> = None;
    let mut last_hourly: Option<std::time::Instant> = None;
    loop {
        // Unused accounts: warned, then turned off; once an hour is plenty
        // for a rule counted in days.
        if last_hourly.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
            last_hourly = Some(std::time::Instant::now());
            if let Err(e) = crate::auth::standing::sweep(&state, now_ms()).await {
                tracing::error!(error = format!("{e:#}"), "unused accounts");
            }
        }
        // Activity reminders and overdue notes: at most once a minute;
        // each is sent once however many processes sweep.
        if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
            last_sweep = Some(std::time::Instant::now());
            if let Err(e) = crate::activity::reminders::sweep(&state, now_ms()).await {
                tracing::error!(error = format!("{e:#}"), "activity reminders");
            }
            // Exchange digests: the due runs are made once (a UNIQUE insert)
            // and built a chunk per job, between the other jobs.
            if let Err(e) = crate::exchange::digest::sweep(&state, now_ms()).await {
                tracing::error!(error = format!("{e:#}"), "exchange digests");
            }
            if let Err(e) = crate::exchange::search::prune_changes(
                &state.db,
                crate::exchange::search::CHANGES_KEPT,
            )
            .await
            {
                tracing::error!(error = format!("{e:#}"), "exchange library changes");
            }
        }
        if let Err(e) = run_due(&state, &worker).await {
            tracing::error!(error = format!("{e:#}"), "job runner");
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => break,
        }
    }
    tracing::info!(worker = %worker, "job runner stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(3), 40_000);
        assert_eq!(backoff_ms(12), 3_600_000);
        assert_eq!(backoff_ms(0), 10_000);
    }
}
