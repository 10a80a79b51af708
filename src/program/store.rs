//! SQL for programs and jurisdictions.

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Program {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// intensive or general.
    pub track: String,
    /// IANA time zone, e.g. America/New_York.
    pub time_zone: String,
    pub sponsor: String,
    pub provider: String,
}

const COLUMNS: &str = "id, slug, name, track, time_zone, sponsor, provider";

pub async fn list<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Program>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM programs ORDER BY created_at DESC, id DESC"))).fetch_all(e).await
}

pub async fn find_by_slug<'c, E: Executor<'c, Database = Any>>(e: E, slug: &str) -> sqlx::Result<Option<Program>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM programs WHERE slug = $1"))).bind(slug).fetch_optional(e).await
}

pub struct NewProgram<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub track: &'a str,
    pub time_zone: &'a str,
    pub sponsor: &'a str,
    pub provider: &'a str,
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(e: E, p: &NewProgram<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO programs (slug, name, track, time_zone, sponsor, provider, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.slug)
    .bind(p.name)
    .bind(p.track)
    .bind(p.time_zone)
    .bind(p.sponsor)
    .bind(p.provider)
    .bind(now)
    .fetch_one(e)
    .await
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Jurisdiction {
    /// Two-letter postal code.
    pub code: String,
    pub name: String,
    /// state, district or territory.
    pub kind: String,
}

pub async fn jurisdictions<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Jurisdiction>> {
    sqlx::query_as("SELECT code, name, kind FROM jurisdictions ORDER BY name").fetch_all(e).await
}

pub async fn jurisdiction_exists<'c, E: Executor<'c, Database = Any>>(e: E, code: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jurisdictions WHERE code = $1").bind(code).fetch_one(e).await?;
    Ok(n > 0)
}
