//! The demo's Exchange subscribers (one confirmed, one waiting for the
//! confirmation link) and an archived digest of whatever the demo
//! Exchange has published (nothing breaks when it has published nothing).

use crate::state::AppState;
use crate::time::now_ms;

/// The confirmed demo subscriber.
pub const READER: &str = "reader@demo.waymark.test";
const WAITING: &str = "new.reader@demo.waymark.test";

/// The demo reader's link token (the browser test opens their pages).
pub async fn reader_token(state: &AppState) -> anyhow::Result<String> {
    let (id, version): (i64, i64) =
        sqlx::query_as("SELECT id, link_version FROM exchange_subscribers WHERE email_key = $1")
            .bind(READER)
            .fetch_one(&state.db.pool)
            .await?;
    Ok(crate::exchange::subscription::token(
        &state.keys.csrf,
        id,
        version,
    ))
}

pub async fn fill(state: &AppState) -> anyhow::Result<()> {
    let pool = &state.db.pool;
    let known: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exchange_subscribers WHERE email_key = $1")
            .bind(READER)
            .fetch_one(pool)
            .await?;
    if known > 0 {
        return Ok(());
    }
    let now = now_ms();
    let topics = crate::exchange::topics::all(&state.frameworks);
    let pick = |n: usize| -> Vec<String> { topics.iter().take(n).map(|t| t.key.clone()).collect() };
    for (email, status, frequency, chosen) in [
        (READER, "active", "weekly", pick(3)),
        (WAITING, "pending", "daily", pick(1)),
    ] {
        let mut tx = state.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exchange_subscribers (email, email_key, frequency, status, confirmed_at, last_digest_cutoff, created_at, updated_at)
             VALUES ($1, $1, $2, $3, $4, $4, $5, $5) RETURNING id",
        )
        .bind(email)
        .bind(frequency)
        .bind(status)
        .bind((status == "active").then_some(0i64))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for t in chosen {
            sqlx::query(
                "INSERT INTO exchange_subscriber_topics (subscriber_id, topic) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    // This week's run, reaching back over everything published so far, so
    // the archive shows the demo's items.
    let mut period = crate::exchange::digest::due_period(
        "weekly",
        now,
        &crate::exchange::digest::Schedule::of(&state.config),
    );
    period.cutoff = now;
    period.archive_from = 0;
    crate::exchange::digest::ensure_run(state, &period).await?;
    crate::exchange::digest::build(state, "demo", crate::exchange::digest::CHUNK, None).await?;
    Ok(())
}
