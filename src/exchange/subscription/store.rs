//! SQL for Exchange subscribers and their topics.

use sqlx::{Any, AnyConnection, Executor, FromRow};

/// A subscriber as stored (topics apart).
#[derive(Debug, Clone, FromRow)]
pub struct SubscriberRow {
    pub id: i64,
    pub email: String,
    pub frequency: String,
    pub status: String,
    pub link_version: i64,
    pub last_mailed_at: Option<i64>,
}

pub async fn subscriber<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<SubscriberRow>> {
    sqlx::query_as(
        "SELECT id, email, frequency, status, link_version, last_mailed_at FROM exchange_subscribers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn topics_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT topic FROM exchange_subscriber_topics WHERE subscriber_id = $1 ORDER BY topic",
    )
    .bind(id)
    .fetch_all(e)
    .await
}

/// Replaces a subscriber's topics.
pub async fn set_topics(conn: &mut AnyConnection, id: i64, topics: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM exchange_subscriber_topics WHERE subscriber_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for t in topics {
        sqlx::query(
            "INSERT INTO exchange_subscriber_topics (subscriber_id, topic) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(t)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The subscriber with this address (by [`super::email_key`]): (id,
/// status, when a link email last went to them).
pub async fn by_email_key<'c, E: Executor<'c, Database = Any>>(
    e: E,
    key: &str,
) -> sqlx::Result<Option<(i64, String, Option<i64>)>> {
    sqlx::query_as(
        "SELECT id, status, last_mailed_at FROM exchange_subscribers WHERE email_key = $1",
    )
    .bind(key)
    .fetch_optional(e)
    .await
}

/// A new subscriber, pending until confirmed; answers its id.
pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    e: E,
    email: &str,
    key: &str,
    frequency: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO exchange_subscribers (email, email_key, frequency, status, created_at, updated_at)
                 VALUES ($1, $2, $3, 'pending', $4, $4) RETURNING id",
    )
    .bind(email)
    .bind(key)
    .bind(frequency)
    .bind(now)
    .fetch_one(e)
    .await
}

/// Takes a new request from a subscriber who is not active: pending
/// again, with this address and frequency.
pub async fn ask_again<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    email: &str,
    frequency: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_subscribers SET email = $1, frequency = $2, status = 'pending', updated_at = $3 WHERE id = $4",
    )
    .bind(email)
    .bind(frequency)
    .bind(now)
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

/// Notes when a link email last went to a subscriber.
pub async fn set_mailed<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE exchange_subscribers SET last_mailed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Makes a subscriber active unless already so; their digests start with
/// the items published after `now`.
pub async fn activate<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_subscribers SET status = 'active', confirmed_at = COALESCE(confirmed_at, $1),
         last_digest_cutoff = $1, updated_at = $1 WHERE id = $2 AND status <> 'active'",
    )
    .bind(now)
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn set_frequency<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    frequency: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE exchange_subscribers SET frequency = $1, updated_at = $2 WHERE id = $3")
        .bind(frequency)
        .bind(now)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn unsubscribe<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_subscribers SET status = 'unsubscribed', updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

/// Subscribers per (status, frequency).
pub async fn counts<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT status, frequency, COUNT(*) FROM exchange_subscribers GROUP BY status, frequency",
    )
    .fetch_all(e)
    .await
}
