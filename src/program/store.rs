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
    /// The template the program was made from.
    pub template: String,
    pub start_year: i64,
    /// The application deadline, Unix milliseconds (UTC).
    pub applications_due_at: Option<i64>,
}

const COLUMNS: &str = "id, slug, name, track, time_zone, sponsor, provider, template, start_year, applications_due_at";

pub async fn list<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Program>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM programs ORDER BY created_at DESC, id DESC"
    )))
    .fetch_all(e)
    .await
}

pub async fn find_by_slug<'c, E: Executor<'c, Database = Any>>(
    e: E,
    slug: &str,
) -> sqlx::Result<Option<Program>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM programs WHERE slug = $1"
    )))
    .bind(slug)
    .fetch_optional(e)
    .await
}

/// A bare program row (tests and tools); programs for people come from
/// `create_from_template`.
pub struct NewProgram<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub track: &'a str,
    pub time_zone: &'a str,
    pub sponsor: &'a str,
    pub provider: &'a str,
}

pub async fn insert<'c, E: Executor<'c, Database = Any>>(
    e: E,
    p: &NewProgram<'_>,
    now: i64,
) -> sqlx::Result<i64> {
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

pub async fn jurisdictions<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<Jurisdiction>> {
    sqlx::query_as("SELECT code, name, kind FROM jurisdictions ORDER BY name")
        .fetch_all(e)
        .await
}

pub async fn jurisdiction_name<'c, E: Executor<'c, Database = Any>>(
    e: E,
    code: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM jurisdictions WHERE code = $1")
        .bind(code)
        .fetch_optional(e)
        .await
}

pub async fn jurisdiction_exists<'c, E: Executor<'c, Database = Any>>(
    e: E,
    code: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jurisdictions WHERE code = $1")
        .bind(code)
        .fetch_one(e)
        .await?;
    Ok(n > 0)
}

// ----- programs made from a template -----

use super::create::ValidProgram;
use super::template::{Cadence, Commitment, Milestone, Precision};
use crate::team::Sector;

/// Creates the program with its timeline, commitments, required sectors,
/// key questions and rubric, in the caller's transaction.
pub async fn create_from_template(
    tx: &mut crate::db::Tx<'_>,
    v: &ValidProgram,
    now: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO programs (slug, name, track, time_zone, sponsor, provider, created_at, template, start_year, applications_due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&v.slug)
    .bind(&v.name)
    .bind(v.template.track)
    .bind(&v.time_zone)
    .bind(&v.sponsor)
    .bind(&v.provider)
    .bind(now)
    .bind(v.template.key)
    .bind(v.start_year as i64)
    .bind(v.due_at_ms)
    .fetch_one(&mut **tx)
    .await?;
    for (i, m) in v.template.timeline(v.start_year).iter().enumerate() {
        sqlx::query(
            "INSERT INTO program_milestones (program_id, position, key, label, starts_on, ends_on, date_precision)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(&m.key)
        .bind(&m.label)
        .bind(m.starts.to_string())
        .bind(m.ends.map(|d| d.to_string()))
        .bind(m.precision.as_str())
        .execute(&mut **tx)
        .await?;
    }
    for (i, c) in v.template.commitments().iter().enumerate() {
        let (cadence, times) = match c.cadence {
            Cadence::Once => ("once", None),
            Cadence::Monthly => ("monthly", None),
            Cadence::Quarterly => ("quarterly", None),
            Cadence::Times(n) => ("times", Some(n as i64)),
            Cadence::Ongoing => ("ongoing", None),
        };
        sqlx::query(
            "INSERT INTO program_commitments (program_id, position, key, label, cadence, times) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(&c.key)
        .bind(&c.label)
        .bind(cadence)
        .bind(times)
        .execute(&mut **tx)
        .await?;
    }
    for sector in crate::team::DEFAULT_REQUIRED {
        sqlx::query("INSERT INTO program_required_sectors (program_id, sector) VALUES ($1, $2)")
            .bind(id)
            .bind(sector.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for (i, q) in super::template::DEFAULT_KEY_QUESTIONS.iter().enumerate() {
        sqlx::query("INSERT INTO program_key_questions (program_id, position, question) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(i as i64)
            .bind(*q)
            .execute(&mut **tx)
            .await?;
    }
    for (i, (criterion, weight)) in super::template::DEFAULT_RUBRIC.iter().enumerate() {
        sqlx::query("INSERT INTO program_rubric (program_id, position, criterion, weight) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(*criterion)
            .bind(*weight)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RubricCriterion {
    pub criterion: String,
    /// Weight in percent.
    pub weight: i64,
}

/// Everything about one program, for its page and the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgramDetail {
    #[serde(flatten)]
    pub program: Program,
    pub timeline: Vec<Milestone>,
    pub commitments: Vec<Commitment>,
    pub required_sectors: Vec<Sector>,
    pub key_questions: Vec<String>,
    pub rubric: Vec<RubricCriterion>,
}

pub async fn detail(pool: &sqlx::AnyPool, slug: &str) -> sqlx::Result<Option<ProgramDetail>> {
    let Some(program) = find_by_slug(pool, slug).await? else {
        return Ok(None);
    };
    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT key, label, starts_on, ends_on, date_precision FROM program_milestones WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(pool)
    .await?;
    let timeline = rows
        .into_iter()
        .filter_map(|(key, label, starts, ends, precision)| {
            Some(Milestone {
                key,
                label,
                starts: starts.parse().ok()?,
                ends: ends.and_then(|e| e.parse().ok()),
                precision: Precision::parse(&precision)?,
            })
        })
        .collect();
    let rows: Vec<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT key, label, cadence, times FROM program_commitments WHERE program_id = $1 ORDER BY position")
            .bind(program.id)
            .fetch_all(pool)
            .await?;
    let commitments = rows
        .into_iter()
        .map(|(key, label, cadence, times)| Commitment {
            key,
            label,
            cadence: match cadence.as_str() {
                "once" => Cadence::Once,
                "monthly" => Cadence::Monthly,
                "quarterly" => Cadence::Quarterly,
                "times" => Cadence::Times(times.unwrap_or(1).clamp(1, 255) as u8),
                _ => Cadence::Ongoing,
            },
        })
        .collect();
    let sectors: Vec<String> =
        sqlx::query_scalar("SELECT sector FROM program_required_sectors WHERE program_id = $1")
            .bind(program.id)
            .fetch_all(pool)
            .await?;
    let mut required_sectors: Vec<Sector> =
        sectors.iter().filter_map(|s| Sector::parse(s)).collect();
    required_sectors.sort();
    let key_questions = sqlx::query_scalar(
        "SELECT question FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(pool)
    .await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT criterion, weight FROM program_rubric WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(pool)
    .await?;
    let rubric = rows
        .into_iter()
        .map(|(criterion, weight)| RubricCriterion { criterion, weight })
        .collect();
    Ok(Some(ProgramDetail {
        program,
        timeline,
        commitments,
        required_sectors,
        key_questions,
        rubric,
    }))
}
