//! SQL for the Exchange: items with their topics, partners. Search,
//! digests and subscriptions have their own (`search/store.rs`,
//! `digest/store.rs`, `subscription/store.rs`).

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

use super::rules::{Interest, Valid};
use crate::db::Tx;

/// Every column of an item except the search index.
pub const ITEM_COLUMNS: &str = "i.id, i.kind, i.title, i.summary, i.url, i.file_key, i.file_name, i.file_type, i.file_size, i.source_org, i.issued_on, i.audience, i.starts_at, i.ends_at, i.time_zone, i.place, i.uid, i.sequence, i.status, i.partner_id, i.submitted_by, i.moderation_note, i.published_at, i.created_at, i.updated_at";

#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i64>,
    pub source_org: String,
    pub issued_on: String,
    pub audience: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
    pub place: String,
    pub uid: Option<String>,
    pub sequence: i64,
    pub status: String,
    pub partner_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub moderation_note: String,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn item<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<ItemRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM exchange_items i WHERE i.id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn topics_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT topic FROM exchange_item_topics WHERE item_id = $1 ORDER BY topic")
        .bind(id)
        .fetch_all(e)
        .await
}

/// An uploaded file's place in storage and what it is.
pub struct FileRef<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
}

/// Inserts an item (and its topics); answers its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx<'_>,
    v: &Valid,
    file: Option<&FileRef<'_>>,
    status: &str,
    partner_id: Option<i64>,
    submitted_by: Option<i64>,
    uid: Option<&str>,
    now: i64,
) -> sqlx::Result<i64> {
    let (starts, ends, zone, place) = match &v.event {
        Some((s, e, z, p)) => (Some(*s), Some(*e), Some(z.as_str()), p.as_str()),
        None => (None, None, None, ""),
    };
    let published = (status == "published").then_some(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO exchange_items (kind, title, summary, url, file_key, file_name, file_type, file_size,
            source_org, issued_on, audience, starts_at, ends_at, time_zone, place, uid, status, partner_id,
            submitted_by, moderated_by, moderated_at, published_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
            $20, $21, $21, $22, $22)
         RETURNING id",
    )
    .bind(v.kind)
    .bind(&v.title)
    .bind(&v.summary)
    .bind(&v.url)
    .bind(file.map(|f| f.key))
    .bind(file.map(|f| f.name))
    .bind(file.map(|f| f.content_type))
    .bind(file.map(|f| f.size))
    .bind(&v.source_org)
    .bind(&v.issued_on)
    .bind(&v.audience)
    .bind(starts)
    .bind(ends)
    .bind(zone)
    .bind(place)
    .bind(uid)
    .bind(status)
    .bind(partner_id)
    .bind(submitted_by)
    .bind(published.and(submitted_by))
    .bind(published)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    set_topics(tx, id, &v.topics).await?;
    Ok(id)
}

async fn set_topics(tx: &mut Tx<'_>, id: i64, topics: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM exchange_item_topics WHERE item_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for t in topics {
        sqlx::query("INSERT INTO exchange_item_topics (item_id, topic) VALUES ($1, $2)")
            .bind(id)
            .bind(t)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Changes an item's content (a new file replaces the old one; events'
/// SEQUENCE goes up so calendars take the change).
pub async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    v: &Valid,
    file: Option<&FileRef<'_>>,
    uid: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    let (starts, ends, zone, place) = match &v.event {
        Some((s, e, z, p)) => (Some(*s), Some(*e), Some(z.as_str()), p.as_str()),
        None => (None, None, None, ""),
    };
    sqlx::query(
        "UPDATE exchange_items SET kind = $2, title = $3, summary = $4, url = $5, source_org = $6,
            issued_on = $7, audience = $8, starts_at = $9, ends_at = $10, time_zone = $11, place = $12,
            uid = COALESCE(uid, $13), sequence = sequence + 1, updated_at = $14
         WHERE id = $1",
    )
    .bind(id)
    .bind(v.kind)
    .bind(&v.title)
    .bind(&v.summary)
    .bind(&v.url)
    .bind(&v.source_org)
    .bind(&v.issued_on)
    .bind(&v.audience)
    .bind(starts)
    .bind(ends)
    .bind(zone)
    .bind(place)
    .bind(uid)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if let Some(f) = file {
        sqlx::query(
            "UPDATE exchange_items SET file_key = $2, file_name = $3, file_type = $4, file_size = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(f.key)
        .bind(f.name)
        .bind(f.content_type)
        .bind(f.size)
        .execute(&mut **tx)
        .await?;
    }
    set_topics(tx, id, &v.topics).await
}

/// Sets an item's status after moderation.
pub async fn moderate(
    tx: &mut Tx<'_>,
    id: i64,
    status: &str,
    note: &str,
    by: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_items SET status = $2, moderation_note = $3, moderated_by = $4, moderated_at = $5,
            published_at = CASE WHEN $2 = 'published' THEN $5 ELSE published_at END, updated_at = $5
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// An item in a list (submissions, the moderation queue).
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub source_org: String,
    pub status: String,
    /// The moderator's note (why it was rejected).
    pub moderation_note: String,
    /// Unix milliseconds.
    pub updated_at: i64,
}

const LISTED: &str =
    "SELECT id, kind, title, source_org, status, moderation_note, updated_at FROM exchange_items";

/// The items a person submitted, newest first.
pub async fn submitted_by<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LISTED} WHERE submitted_by = $1 ORDER BY updated_at DESC, id DESC"
    )))
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Items waiting for moderation, oldest first.
pub async fn pending<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LISTED} WHERE status = 'pending' ORDER BY updated_at, id"
    )))
    .fetch_all(e)
    .await
}

// ----- partners -----

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: i64,
    pub organization: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub about: String,
    /// pending, approved or declined.
    pub status: String,
    pub user_id: Option<i64>,
    pub decision_note: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const PARTNER: &str = "SELECT id, organization, website, contact_name, contact_email, about, status, user_id, decision_note, created_at, decided_at FROM exchange_partners";

pub async fn partners<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Partner>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PARTNER} ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, created_at DESC, id DESC"
    )))
    .fetch_all(e)
    .await
}

pub async fn partner<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<Partner>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{PARTNER} WHERE id = $1")))
        .bind(id)
        .fetch_optional(e)
        .await
}

/// The approved organization a partner account speaks for.
pub async fn partner_of_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<Partner>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PARTNER} WHERE user_id = $1 AND status = 'approved' ORDER BY id LIMIT 1"
    )))
    .bind(user_id)
    .fetch_optional(e)
    .await
}

pub async fn insert_partner<'c, E: Executor<'c, Database = Any>>(
    e: E,
    i: &Interest,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO exchange_partners (organization, website, contact_name, contact_email, about, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&i.organization)
    .bind(&i.website)
    .bind(&i.contact_name)
    .bind(&i.contact_email)
    .bind(&i.about)
    .bind(now)
    .fetch_one(e)
    .await
}

/// How many interest forms came from this address since `since`.
pub async fn recent_forms<'c, E: Executor<'c, Database = Any>>(
    e: E,
    email: &str,
    since: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM exchange_partners WHERE contact_email = $1 AND created_at >= $2",
    )
    .bind(email)
    .bind(since)
    .fetch_one(e)
    .await
}

pub async fn decide_partner(
    tx: &mut Tx<'_>,
    id: i64,
    status: &str,
    user_id: Option<i64>,
    note: &str,
    by: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exchange_partners SET status = $2, user_id = $3, decision_note = $4, decided_by = $5, decided_at = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(user_id)
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Whether the person already holds the partner role.
pub async fn is_partner<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = 'partner'",
    )
    .bind(user_id)
    .fetch_one(e)
    .await?;
    Ok(n > 0)
}

/// Name and email of a user (to write to them).
pub async fn contact<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(e)
        .await
}
