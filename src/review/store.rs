//! SQL for review assignments, scores, ranks and decisions.

use sqlx::{Any, Executor, FromRow};

use super::{Criterion, Decision, Reviewer, ScoreInput};
use crate::db::Tx;

/// Everyone holding the reviewer role in the program, with the states
/// they belong to (for recusal).
pub async fn reviewers<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Reviewer>> {
    // One row per (reviewer, state they belong to); NULL when none.
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT u.id, u.name, s.code FROM users u
         LEFT JOIN (
             SELECT id AS user_id, home_state AS code FROM users WHERE home_state IS NOT NULL
             UNION SELECT user_id, state_code FROM role_grants WHERE state_code IS NOT NULL
         ) s ON s.user_id = u.id
         WHERE u.active = 1 AND u.id IN (
             SELECT user_id FROM role_grants WHERE role = 'reviewer' AND program_id = $1)
         ORDER BY u.name, u.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    let mut out: Vec<Reviewer> = Vec::new();
    for (id, name, code) in rows {
        if out.last().map(|r| r.id) != Some(id) {
            out.push(Reviewer {
                id,
                name,
                states: vec![],
            });
        }
        if let Some(code) = code {
            out.last_mut().expect("pushed above").states.push(code);
        }
    }
    Ok(out)
}

pub async fn rubric<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Criterion>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, criterion, weight FROM program_rubric WHERE program_id = $1 ORDER BY position",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, criterion, weight)| Criterion {
            id,
            criterion,
            weight,
        })
        .collect())
}

/// One reviewer's assignment to one application.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub application_id: i64,
    pub state_code: String,
    pub state_name: String,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    /// When the reviewer submitted their scores, Unix milliseconds.
    pub submitted_at: Option<i64>,
}

const ASSIGNMENT_SELECT: &str =
    "SELECT ra.id, ra.application_id, a.state_code, j.name AS state_name,
        ra.reviewer_id, u.name AS reviewer_name, ra.submitted_at
     FROM review_assignments ra
     JOIN applications a ON a.id = ra.application_id
     JOIN jurisdictions j ON j.code = a.state_code
     JOIN users u ON u.id = ra.reviewer_id";

/// Every assignment in the program.
pub async fn assignments<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Assignment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SELECT} WHERE a.program_id = $1 ORDER BY j.name, u.name"
    )))
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// One reviewer's assignments in the program.
pub async fn assignments_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    reviewer_id: i64,
) -> sqlx::Result<Vec<Assignment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SELECT} WHERE a.program_id = $1 AND ra.reviewer_id = $2 ORDER BY j.name"
    )))
    .bind(program_id)
    .bind(reviewer_id)
    .fetch_all(e)
    .await
}

/// The reviewer's assignments in the program with at least one score saved.
pub async fn started_by<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    reviewer_id: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT DISTINCT ra.id FROM review_assignments ra
         JOIN applications a ON a.id = ra.application_id
         JOIN review_scores rs ON rs.assignment_id = ra.id
         WHERE a.program_id = $1 AND ra.reviewer_id = $2",
    )
    .bind(program_id)
    .bind(reviewer_id)
    .fetch_all(e)
    .await
}

pub async fn assignment<'c, E: Executor<'c, Database = Any>>(
    e: E,
    application_id: i64,
    reviewer_id: i64,
) -> sqlx::Result<Option<Assignment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SELECT} WHERE ra.application_id = $1 AND ra.reviewer_id = $2"
    )))
    .bind(application_id)
    .bind(reviewer_id)
    .fetch_optional(e)
    .await
}

/// Adds the assignment; false if it was already there.
pub async fn assign(
    tx: &mut Tx<'_>,
    application_id: i64,
    reviewer_id: i64,
    by: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO review_assignments (application_id, reviewer_id, assigned_by, assigned_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, reviewer_id) DO NOTHING",
    )
    .bind(application_id)
    .bind(reviewer_id)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes an assignment whose review is not yet submitted; false if there
/// was none such.
pub async fn unassign(
    tx: &mut Tx<'_>,
    application_id: i64,
    reviewer_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "DELETE FROM review_assignments WHERE application_id = $1 AND reviewer_id = $2 AND submitted_at IS NULL",
    )
    .bind(application_id)
    .bind(reviewer_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn scores<'c, E: Executor<'c, Database = Any>>(
    e: E,
    assignment_id: i64,
) -> sqlx::Result<Vec<ScoreInput>> {
    let rows: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT criterion_id, score, comment FROM review_scores WHERE assignment_id = $1",
    )
    .bind(assignment_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(criterion_id, score, comment)| ScoreInput {
            criterion_id,
            score,
            comment,
        })
        .collect())
}

pub async fn save_scores(
    tx: &mut Tx<'_>,
    assignment_id: i64,
    scores: &[ScoreInput],
) -> sqlx::Result<()> {
    for s in scores {
        sqlx::query(
            "INSERT INTO review_scores (assignment_id, criterion_id, score, comment) VALUES ($1, $2, $3, $4)
             ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET score = excluded.score, comment = excluded.comment",
        )
        .bind(assignment_id)
        .bind(s.criterion_id)
        .bind(s.score)
        .bind(&s.comment)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn set_submitted(
    tx: &mut Tx<'_>,
    assignment_id: i64,
    at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE review_assignments SET submitted_at = $1 WHERE id = $2")
        .bind(at)
        .bind(assignment_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// A submitted application as the admin compares it.
#[derive(Debug, Clone, FromRow)]
pub struct Candidate {
    pub id: i64,
    pub state_code: String,
    pub state_name: String,
    pub created_by: Option<i64>,
    pub signer_name: String,
    pub signer_title: String,
    pub letter_name: Option<String>,
    pub submitted_at: Option<i64>,
    pub decision: Option<String>,
    pub decision_message: String,
    pub decided_at: Option<i64>,
    pub rank: Option<i64>,
}

impl Candidate {
    pub fn decision(&self) -> Option<Decision> {
        self.decision.as_deref().and_then(Decision::parse)
    }
}

const CANDIDATE_SELECT: &str =
    "SELECT a.id, a.state_code, j.name AS state_name, a.created_by, a.signer_name, a.signer_title,
        a.letter_name, a.submitted_at, a.decision, a.decision_message, a.decided_at, a.rank
     FROM applications a JOIN jurisdictions j ON j.code = a.state_code";

/// The program's submitted applications.
pub async fn candidates<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Candidate>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CANDIDATE_SELECT} WHERE a.program_id = $1 AND a.status = 'submitted' ORDER BY j.name"
    )))
    .bind(program_id)
    .fetch_all(e)
    .await
}

pub async fn candidate<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<Candidate>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CANDIDATE_SELECT} WHERE a.program_id = $1 AND a.state_code = $2 AND a.status = 'submitted'"
    )))
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}

/// Every score of every submitted review in the program:
/// (application, reviewer, reviewer's name, criterion, score, comment).
pub type ScoreRow = (i64, i64, String, i64, Option<i64>, String);

pub async fn submitted_scores<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<ScoreRow>> {
    sqlx::query_as(
        "SELECT ra.application_id, ra.reviewer_id, u.name, rs.criterion_id, rs.score, rs.comment
         FROM review_scores rs
         JOIN review_assignments ra ON ra.id = rs.assignment_id
         JOIN applications a ON a.id = ra.application_id
         JOIN users u ON u.id = ra.reviewer_id
         WHERE a.program_id = $1 AND ra.submitted_at IS NOT NULL
         ORDER BY u.name, ra.reviewer_id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// The sectors of each application's proposed members: (application, sector).
pub async fn member_sectors<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT m.application_id, m.sector FROM application_members m
         JOIN applications a ON a.id = m.application_id WHERE a.program_id = $1",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

pub async fn set_decision(
    tx: &mut Tx<'_>,
    application_id: i64,
    decision: Decision,
    message: &str,
    by: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE applications SET decision = $1, decision_message = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
    )
    .bind(decision.as_str())
    .bind(message)
    .bind(by)
    .bind(now)
    .bind(application_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn set_rank(tx: &mut Tx<'_>, application_id: i64, rank: Option<i64>) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET rank = $1 WHERE id = $2")
        .bind(rank)
        .bind(application_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
