//! What the admin and the archive pages read of the runs.

use serde::Serialize;

use crate::db::Backend;
use crate::state::AppState;

use super::items::Item;

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
