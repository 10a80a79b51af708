//! SQL for applications, their answers and their proposed teams.

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

use super::{Level, Member, Status};
use crate::db::Tx;
use crate::team::Sector;

#[derive(Debug, Clone, FromRow)]
struct Row {
    id: i64,
    program_id: i64,
    state_code: String,
    status: String,
    signer_name: String,
    signer_title: String,
    commit_travel: i64,
    commit_team: i64,
    commit_plan: i64,
    extension_until: Option<i64>,
    decision: Option<String>,
    decision_message: String,
    submitted_at: Option<i64>,
    updated_at: i64,
    letter_key: Option<String>,
    letter_name: Option<String>,
    letter_size: Option<i64>,
}

/// The uploaded letter of commitment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterFile {
    pub name: String,
    pub size: i64,
    #[serde(skip)]
    pub key: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationAnswer)]
pub struct Answer {
    pub question_id: i64,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredMember {
    pub id: i64,
    #[serde(flatten)]
    pub member: Member,
}

/// An application as the state, its reviewers and the admin see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub program_id: i64,
    pub state_code: String,
    pub status: Status,
    pub answers: Vec<Answer>,
    pub members: Vec<StoredMember>,
    pub signer_name: String,
    pub signer_title: String,
    /// The three commitments of the letter, confirmed or not, in order.
    pub commitments: [bool; 3],
    /// A later deadline granted to this state, Unix milliseconds.
    pub extension_until: Option<i64>,
    /// The program's decision, once made: selected, waitlisted or declined.
    pub decision: Option<crate::review::Decision>,
    /// The message that came with the decision.
    pub decision_message: String,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
    /// The signed letter, once uploaded.
    pub letter: Option<LetterFile>,
    /// General track: the keys of the priority components the state chose
    /// (partnerships, vision, alignment, services, professional_development, data, funding).
    pub priorities: Vec<String>,
}

impl Application {
    pub fn member_sectors(&self) -> Vec<Sector> {
        self.members.iter().map(|m| m.member.sector).collect()
    }
}

pub async fn find<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM applications WHERE program_id = $1 AND state_code = $2")
        .bind(program_id)
        .bind(state)
        .fetch_optional(e)
        .await
}

/// The state's application, created as an empty draft on first use.
pub async fn find_or_create(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    user_id: i64,
    now: i64,
) -> sqlx::Result<i64> {
    if let Some(id) = find(&mut **tx, program_id, state).await? {
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO applications (program_id, state_code, status, created_by, created_at, updated_at)
         VALUES ($1, $2, 'draft', $3, $4, $4) RETURNING id",
    )
    .bind(program_id)
    .bind(state)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn load(pool: &sqlx::AnyPool, id: i64) -> sqlx::Result<Option<Application>> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn, id).await
}

/// Loads the application on the given connection (inside a transaction,
/// it sees that transaction's changes).
pub async fn load_in(conn: &mut sqlx::AnyConnection, id: i64) -> sqlx::Result<Option<Application>> {
    let Some(r): Option<Row> = sqlx::query_as(
        "SELECT id, program_id, state_code, status, signer_name, signer_title, commit_travel, commit_team, commit_plan,
                extension_until, decision, decision_message, submitted_at, updated_at, letter_key, letter_name, letter_size
         FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let answers: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT q.id, q.question, a.answer FROM program_key_questions q
         LEFT JOIN application_answers a ON a.question_id = q.id AND a.application_id = $1
         WHERE q.program_id = $2 ORDER BY q.position",
    )
    .bind(id)
    .bind(r.program_id)
    .fetch_all(&mut *conn)
    .await?;
    let chosen: Vec<String> = sqlx::query_scalar(
        "SELECT component FROM application_priorities WHERE application_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let priorities = super::PRIORITY_COMPONENTS
        .iter()
        .filter(|(k, _)| chosen.iter().any(|c| c == k))
        .map(|(k, _)| (*k).to_owned())
        .collect();
    let members: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, agency, email, sector, level FROM application_members WHERE application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Application {
        id: r.id,
        program_id: r.program_id,
        state_code: r.state_code,
        status: Status::parse(&r.status),
        answers: answers
            .into_iter()
            .map(|(question_id, question, answer)| Answer {
                question_id,
                question,
                answer: answer.unwrap_or_default(),
            })
            .collect(),
        members: members
            .into_iter()
            .filter_map(|(id, name, agency, email, sector, level)| {
                Some(StoredMember {
                    id,
                    member: Member {
                        name,
                        agency,
                        email,
                        sector: Sector::parse(&sector)?,
                        level: Level::parse(&level)?,
                    },
                })
            })
            .collect(),
        signer_name: r.signer_name,
        signer_title: r.signer_title,
        commitments: [r.commit_travel != 0, r.commit_team != 0, r.commit_plan != 0],
        extension_until: r.extension_until,
        decision: r
            .decision
            .as_deref()
            .and_then(crate::review::Decision::parse),
        decision_message: r.decision_message,
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
        letter: match (r.letter_key, r.letter_name) {
            (Some(key), Some(name)) => Some(LetterFile {
                name,
                size: r.letter_size.unwrap_or(0),
                key,
            }),
            _ => None,
        },
        priorities,
    }))
}

/// Replaces the state's chosen priority components.
pub async fn set_priorities(tx: &mut Tx<'_>, id: i64, keys: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM application_priorities WHERE application_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for key in keys {
        sqlx::query(
            "INSERT INTO application_priorities (application_id, component) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn save_answer(
    tx: &mut Tx<'_>,
    id: i64,
    question_id: i64,
    answer: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO application_answers (application_id, question_id, answer) VALUES ($1, $2, $3)
         ON CONFLICT (application_id, question_id) DO UPDATE SET answer = excluded.answer",
    )
    .bind(id)
    .bind(question_id)
    .bind(answer)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn add_member(tx: &mut Tx<'_>, id: i64, m: &Member, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO application_members (application_id, name, agency, email, sector, level, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id)
    .bind(&m.name)
    .bind(&m.agency)
    .bind(&m.email)
    .bind(m.sector.as_str())
    .bind(m.level.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn remove_member(tx: &mut Tx<'_>, id: i64, member_id: i64) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM application_members WHERE id = $1 AND application_id = $2")
        .bind(member_id)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn remove_all_members(tx: &mut Tx<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM application_members WHERE application_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn save_letter_details(
    tx: &mut Tx<'_>,
    id: i64,
    name: &str,
    title: &str,
    commitments: [bool; 3],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE applications SET signer_name = $1, signer_title = $2, commit_travel = $3, commit_team = $4, commit_plan = $5
         WHERE id = $6",
    )
    .bind(name)
    .bind(title)
    .bind(commitments[0] as i64)
    .bind(commitments[1] as i64)
    .bind(commitments[2] as i64)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn touch(tx: &mut Tx<'_>, id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Moves a draft to submitted; false if it was not a draft (a race lost).
pub async fn mark_submitted(tx: &mut Tx<'_>, id: i64, now: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE applications SET status = 'submitted', submitted_at = $1, updated_at = $1 WHERE id = $2 AND status = 'draft'")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn mark_withdrawn(tx: &mut Tx<'_>, id: i64, now: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE applications SET status = 'withdrawn', withdrawn_at = $1, updated_at = $1 WHERE id = $2 AND status = 'submitted'")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Records the uploaded letter; returns the key of the letter it replaces.
pub async fn set_letter(
    tx: &mut Tx<'_>,
    id: i64,
    key: &str,
    name: &str,
    size: i64,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let old: Option<String> =
        sqlx::query_scalar("SELECT letter_key FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query(
        "UPDATE applications SET letter_key = $1, letter_name = $2, letter_size = $3, letter_uploaded_at = $4, updated_at = $4 WHERE id = $5",
    )
    .bind(key)
    .bind(name)
    .bind(size)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(old)
}

/// Sets (or with None removes) the state's later deadline.
pub async fn set_extension(tx: &mut Tx<'_>, id: i64, until: Option<i64>) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET extension_until = $1 WHERE id = $2")
        .bind(until)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
