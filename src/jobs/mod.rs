//! A small job runner on a database table. Jobs are enqueued in the
//! caller's transaction; any number of processes claim them safely
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one atomic
//! `UPDATE ... RETURNING`, SQLite having a single writer). A claimed job is
//! leased: if its process dies, the lease runs out and another takes it.
//! What each kind of job does is in `run`.

pub mod run;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::db::Backend;
use crate::time::now_ms;

/// How long a claimed job is reserved for its worker.
pub const LEASE_MS: i64 = 5 * 60_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Every kind of background job, with what it needs. A job is stored as
/// its kind and a JSON payload (the fields here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum Job {
    /// Send one email of the outbox.
    #[serde(rename = "send_email")]
    SendEmail { outbox_id: i64 },
    /// Build the next chunk (this many subscribers) of the first unbuilt
    /// Exchange digest run.
    #[serde(rename = "exchange_digest_build")]
    BuildDigest { chunk: i64 },
    /// Send a batch of built digest emails.
    #[serde(rename = "exchange_digest_send")]
    SendDigest { outbox_ids: Vec<i64> },
}

impl Job {
    pub const SEND_EMAIL: &'static str = "send_email";
    pub const BUILD_DIGEST: &'static str = "exchange_digest_build";
    pub const SEND_DIGEST: &'static str = "exchange_digest_send";

    /// The kind as stored in the `jobs` table.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::SendEmail { .. } => Job::SEND_EMAIL,
            Job::BuildDigest { .. } => Job::BUILD_DIGEST,
            Job::SendDigest { .. } => Job::SEND_DIGEST,
        }
    }

    /// The payload as stored in the `jobs` table.
    pub fn payload(&self) -> String {
        let mut tagged = serde_json::to_value(self).expect("a job is plain data");
        tagged["payload"].take().to_string()
    }

    /// A stored job read back; an unknown kind or a payload that does not
    /// fit its kind is an error (the job fails and is retried, then kept
    /// as failed for someone to look at).
    pub fn parse(kind: &str, payload: &str) -> anyhow::Result<Job> {
        let payload: serde_json::Value = serde_json::from_str(payload)?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| anyhow::anyhow!("job {kind}: {e}"))
    }
}

/// Queues `job` in the caller's transaction, to run from `run_at`.
pub async fn enqueue(conn: &mut AnyConnection, job: &Job, run_at: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, status, run_at, created_at) VALUES ($1, $2, 'queued', $3, $4) RETURNING id",
    )
    .bind(job.kind())
    .bind(job.payload())
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

    #[test]
    fn a_job_is_stored_as_its_kind_and_payload_and_read_back_the_same() {
        for job in [
            Job::SendEmail { outbox_id: 7 },
            Job::BuildDigest { chunk: 500 },
            Job::SendDigest {
                outbox_ids: vec![1, 2, 3],
            },
        ] {
            assert_eq!(Job::parse(job.kind(), &job.payload()).unwrap(), job);
        }
        assert_eq!(
            Job::SendEmail { outbox_id: 7 }.payload(),
            r#"{"outbox_id":7}"#
        );
    }

    #[test]
    fn an_unknown_kind_or_a_payload_that_does_not_fit_is_an_error() {
        assert!(Job::parse("make_coffee", "{}").is_err());
        assert!(Job::parse(Job::SEND_EMAIL, r#"{"outbox":1}"#).is_err());
        assert!(Job::parse(Job::SEND_EMAIL, "not json").is_err());
    }
}
