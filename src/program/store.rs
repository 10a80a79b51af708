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
    /// The framework the program follows, e.g. six-key-elements.
    pub framework: String,
}

const COLUMNS: &str = "id, slug, name, track, time_zone, sponsor, provider, template, start_year, applications_due_at, framework";

/// The columns a `Program` is read from, of the table called `alias`
/// (for queries that read a program with more).
pub fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
    /// The framework's name, e.g. Career Pathways Six Key Elements.
    pub framework_name: String,
    pub timeline: Vec<Milestone>,
    pub commitments: Vec<Commitment>,
    pub required_sectors: Vec<Sector>,
    pub key_questions: Vec<String>,
    pub rubric: Vec<RubricCriterion>,
}

/// A program's timeline, in order.
pub async fn timeline(pool: &sqlx::AnyPool, program_id: i64) -> sqlx::Result<Vec<Milestone>> {
    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT key, label, starts_on, ends_on, date_precision FROM program_milestones WHERE program_id = $1 ORDER BY position",
    )
    .bind(program_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, label, starts, ends, precision)| {
            milestone(key, Some(label), Some(starts), ends, Some(precision))
        })
        .collect())
}

/// What every page about a program's year needs besides its row: its
/// timeline, commitments, the sectors its teams must cover and how many
/// teams it has.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub timeline: Vec<Milestone>,
    pub commitments: Vec<Commitment>,
    pub required_sectors: Vec<Sector>,
    pub teams: i64,
}

/// Every program with its outline: two round trips for what a page across
/// programs needs (the home page, the work queue).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Newest first.
    pub programs: Vec<Program>,
    outlines: std::collections::HashMap<i64, Outline>,
}

impl Catalogue {
    /// The program's outline (empty for a program not in the catalogue).
    pub fn outline(&self, program_id: i64) -> std::borrow::Cow<'_, Outline> {
        match self.outlines.get(&program_id) {
            Some(o) => std::borrow::Cow::Borrowed(o),
            None => std::borrow::Cow::Owned(Outline::default()),
        }
    }
}

pub async fn catalogue(pool: &sqlx::AnyPool) -> sqlx::Result<Catalogue> {
    Ok(Catalogue {
        programs: list(pool).await?,
        outlines: outlines(pool).await?,
    })
}

/// Every program's outline, keyed by program, in one round trip.
pub async fn outlines(
    pool: &sqlx::AnyPool,
) -> sqlx::Result<std::collections::HashMap<i64, Outline>> {
    // One row per milestone, required sector and program with teams; the
    // first column says which: (which, program, position or count, key or
    // sector, label, starts or cadence, ends or times, precision).
    type Row = (
        String,
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT 'milestone', program_id, CAST(position AS BIGINT), key, label, starts_on,
                    ends_on, date_precision
             FROM program_milestones
             UNION ALL
             SELECT 'commitment', program_id, CAST(position AS BIGINT), key, label, cadence,
                    CAST(times AS TEXT), NULL
             FROM program_commitments
             UNION ALL
             SELECT 'sector', program_id, 0, sector, NULL, NULL, NULL, NULL
             FROM program_required_sectors
             UNION ALL
             SELECT 'teams', program_id, COUNT(*), '', NULL, NULL, NULL, NULL
             FROM state_teams GROUP BY program_id
             ORDER BY 2, 1, 3",
    )
    .fetch_all(pool)
    .await?;
    let mut out: std::collections::HashMap<i64, Outline> = std::collections::HashMap::new();
    for (fact, program_id, n, key, label, starts, ends, precision) in rows {
        let outline = out.entry(program_id).or_default();
        match fact.as_str() {
            "milestone" => outline
                .timeline
                .extend(milestone(key, label, starts, ends, precision)),
            "commitment" => outline.commitments.push(commitment(
                key,
                label.unwrap_or_default(),
                starts.as_deref().unwrap_or_default(),
                ends.and_then(|t| t.parse().ok()),
            )),
            "sector" => outline.required_sectors.extend(Sector::parse(&key)),
            "teams" => outline.teams = n,
            _ => {}
        }
    }
    for outline in out.values_mut() {
        outline.required_sectors.sort();
    }
    Ok(out)
}

fn commitment(key: String, label: String, cadence: &str, times: Option<i64>) -> Commitment {
    Commitment {
        key,
        label,
        cadence: match cadence {
            "once" => Cadence::Once,
            "monthly" => Cadence::Monthly,
            "quarterly" => Cadence::Quarterly,
            "times" => Cadence::Times(times.unwrap_or(1).clamp(1, 255) as u8),
            _ => Cadence::Ongoing,
        },
    }
}

fn milestone(
    key: String,
    label: Option<String>,
    starts: Option<String>,
    ends: Option<String>,
    precision: Option<String>,
) -> Option<Milestone> {
    Some(Milestone {
        key,
        label: label?,
        starts: starts?.parse().ok()?,
        ends: ends.and_then(|e| e.parse().ok()),
        precision: Precision::parse(&precision?)?,
    })
}

/// The sectors a program's state teams must cover, in order.
pub async fn required_sectors(pool: &sqlx::AnyPool, program_id: i64) -> sqlx::Result<Vec<Sector>> {
    let sectors: Vec<String> =
        sqlx::query_scalar("SELECT sector FROM program_required_sectors WHERE program_id = $1")
            .bind(program_id)
            .fetch_all(pool)
            .await?;
    let mut required: Vec<Sector> = sectors.iter().filter_map(|s| Sector::parse(s)).collect();
    required.sort();
    Ok(required)
}

pub async fn detail(
    pool: &sqlx::AnyPool,
    frameworks: &crate::framework::Registry,
    slug: &str,
) -> sqlx::Result<Option<ProgramDetail>> {
    let Some(program) = find_by_slug(pool, slug).await? else {
        return Ok(None);
    };
    let timeline = timeline(pool, program.id).await?;
    let rows: Vec<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT key, label, cadence, times FROM program_commitments WHERE program_id = $1 ORDER BY position")
            .bind(program.id)
            .fetch_all(pool)
            .await?;
    let commitments = rows
        .into_iter()
        .map(|(key, label, cadence, times)| commitment(key, label, &cadence, times))
        .collect();
    let required_sectors = required_sectors(pool, program.id).await?;
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
        framework_name: frameworks.name_of(&program.framework),
        program,
        timeline,
        commitments,
        required_sectors,
        key_questions,
        rubric,
    }))
}

// ----- settings after creation -----

use super::settings::{
    CriterionWeight, Current, MilestoneDates, ProgramSettings, QuestionText, ValidSettings,
};

/// What the settings rules depend on, read in the caller's transaction.
pub async fn settings_facts(
    conn: &mut sqlx::AnyConnection,
    program_id: i64,
) -> sqlx::Result<Current> {
    let milestones = sqlx::query_as(
        "SELECT key, label FROM program_milestones WHERE program_id = $1 ORDER BY position",
    )
    .bind(program_id)
    .fetch_all(&mut *conn)
    .await?;
    let questions = sqlx::query_as(
        "SELECT q.id, q.question, (SELECT COUNT(*) FROM application_answers a WHERE a.question_id = q.id AND a.answer <> '')
         FROM program_key_questions q WHERE q.program_id = $1 ORDER BY q.position, q.id",
    )
    .bind(program_id)
    .fetch_all(&mut *conn)
    .await?;
    let criteria = sqlx::query_scalar(
        "SELECT id FROM program_rubric WHERE program_id = $1 ORDER BY position, id",
    )
    .bind(program_id)
    .fetch_all(&mut *conn)
    .await?;
    let monthly = sqlx::query_scalar(
        "SELECT key FROM program_milestones WHERE program_id = $1 AND date_precision = 'month'",
    )
    .bind(program_id)
    .fetch_all(&mut *conn)
    .await?;
    let scores: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_scores s JOIN program_rubric r ON r.id = s.criterion_id WHERE r.program_id = $1",
    )
    .bind(program_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Current {
        milestones,
        questions,
        criteria,
        scored: scores > 0,
        monthly,
        frameworks: Vec::new(),
    })
}

/// The program's settings as the form and the API show them, with the
/// facts the form needs (milestone labels, answer counts).
pub async fn settings(
    pool: &sqlx::AnyPool,
    program: &Program,
) -> sqlx::Result<(ProgramSettings, Current)> {
    let mut conn = pool.acquire().await?;
    let current = settings_facts(&mut conn, program.id).await?;
    let milestones: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT key, starts_on, ends_on FROM program_milestones WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(&mut *conn)
    .await?;
    let rubric: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, criterion, weight FROM program_rubric WHERE program_id = $1 ORDER BY position, id",
    )
    .bind(program.id)
    .fetch_all(&mut *conn)
    .await?;
    let sectors: Vec<String> =
        sqlx::query_scalar("SELECT sector FROM program_required_sectors WHERE program_id = $1")
            .bind(program.id)
            .fetch_all(&mut *conn)
            .await?;
    let (deadline_date, deadline_time) = program
        .applications_due_at
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .zip(super::deadline::zone(&program.time_zone).ok())
        .map(|(ts, tz)| {
            let z = ts.to_zoned(tz);
            (
                z.strftime("%Y-%m-%d").to_string(),
                z.strftime("%H:%M").to_string(),
            )
        })
        .unwrap_or_default();
    let settings = ProgramSettings {
        name: program.name.clone(),
        sponsor: program.sponsor.clone(),
        provider: program.provider.clone(),
        time_zone: program.time_zone.clone(),
        deadline_date,
        deadline_time,
        framework: program.framework.clone(),
        milestones: milestones
            .into_iter()
            .map(|(key, starts, ends)| MilestoneDates {
                key,
                starts,
                ends: ends.unwrap_or_default(),
            })
            .collect(),
        key_questions: current
            .questions
            .iter()
            .map(|(id, question, _)| QuestionText {
                id: Some(*id),
                question: question.clone(),
            })
            .collect(),
        required_sectors: {
            let mut s: Vec<Sector> = sectors.iter().filter_map(|s| Sector::parse(s)).collect();
            s.sort();
            s.into_iter().map(|s| s.as_str().to_owned()).collect()
        },
        rubric: rubric
            .into_iter()
            .map(|(id, criterion, weight)| CriterionWeight {
                id: Some(id),
                criterion,
                weight: weight.to_string(),
            })
            .collect(),
    };
    Ok((settings, current))
}

/// Writes checked settings in the caller's transaction. Kept questions and
/// criteria keep their ids (answers and scores point at them).
pub async fn save_settings(
    tx: &mut crate::db::Tx<'_>,
    program_id: i64,
    v: &ValidSettings,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE programs SET name = $1, sponsor = $2, provider = $3, time_zone = $4, applications_due_at = $5, framework = $6
         WHERE id = $7",
    )
    .bind(&v.name)
    .bind(&v.sponsor)
    .bind(&v.provider)
    .bind(&v.time_zone)
    .bind(v.due_at_ms)
    .bind(&v.framework)
    .bind(program_id)
    .execute(&mut **tx)
    .await?;
    for (key, starts, ends) in &v.milestones {
        sqlx::query(
            "UPDATE program_milestones SET starts_on = $1, ends_on = $2 WHERE program_id = $3 AND key = $4",
        )
        .bind(starts.to_string())
        .bind(ends.map(|d| d.to_string()))
        .bind(program_id)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    }
    for id in &v.removed_questions {
        sqlx::query("DELETE FROM program_key_questions WHERE id = $1 AND program_id = $2")
            .bind(id)
            .bind(program_id)
            .execute(&mut **tx)
            .await?;
    }
    for (i, (id, text)) in v.questions.iter().enumerate() {
        match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE program_key_questions SET question = $1, position = $2 WHERE id = $3 AND program_id = $4",
                )
                .bind(text)
                .bind(i as i64)
                .bind(id)
                .bind(program_id)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO program_key_questions (program_id, position, question) VALUES ($1, $2, $3)",
                )
                .bind(program_id)
                .bind(i as i64)
                .bind(text)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query("DELETE FROM program_required_sectors WHERE program_id = $1")
        .bind(program_id)
        .execute(&mut **tx)
        .await?;
    for sector in &v.sectors {
        sqlx::query("INSERT INTO program_required_sectors (program_id, sector) VALUES ($1, $2)")
            .bind(program_id)
            .bind(sector.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for id in &v.removed_criteria {
        sqlx::query("DELETE FROM program_rubric WHERE id = $1 AND program_id = $2")
            .bind(id)
            .bind(program_id)
            .execute(&mut **tx)
            .await?;
    }
    for (i, (id, criterion, weight)) in v.criteria.iter().enumerate() {
        match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE program_rubric SET criterion = $1, weight = $2, position = $3 WHERE id = $4 AND program_id = $5",
                )
                .bind(criterion)
                .bind(weight)
                .bind(i as i64)
                .bind(id)
                .bind(program_id)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO program_rubric (program_id, position, criterion, weight) VALUES ($1, $2, $3, $4)",
                )
                .bind(program_id)
                .bind(i as i64)
                .bind(criterion)
                .bind(weight)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}
