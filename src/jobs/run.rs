//! Runs the queued jobs: what each kind does, the claiming loop, and the
//! background loop of `waymark serve` with its periodic sweeps.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::watch;

use super::{ClaimedJob, Job, claim, complete, fail};
use crate::state::AppState;
use crate::time::now_ms;

const BATCH: i64 = 16;
const CONCURRENCY: usize = 8;

/// Runs one claimed job (without recording its result).
pub async fn run_one(state: &AppState, job: &ClaimedJob) -> anyhow::Result<()> {
    match Job::parse(&job.kind, &job.payload)? {
        Job::SendEmail { outbox_id } => state.mailer.deliver(&state.db, outbox_id).await,
        Job::BuildDigest { chunk } => crate::exchange::digest::build_slice(state, chunk).await,
        Job::SendDigest { outbox_ids } => {
            crate::exchange::digest::deliver(state, &outbox_ids, None)
                .await
                .map(|_| ())
        }
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
