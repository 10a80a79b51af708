//! SQL for the dashboard and the reports: one query per table for the
//! whole program (or one state), never one per state. The activities and
//! plans are read straight from the program year's tables.

use std::collections::BTreeMap;

use sqlx::{Any, Executor, FromRow};

/// An activity with one of its states.
#[derive(Debug, Clone, FromRow)]
pub struct ActivityStateRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub status: String,
    pub state_code: String,
    pub attended: Option<i64>,
}

/// Every activity of the program with each of its states (of one state
/// when `state` is given), in time order.
pub async fn activities<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: Option<&str>,
) -> sqlx::Result<Vec<ActivityStateRow>> {
    const SQL: &str = "SELECT a.id, a.kind, a.title, a.starts_at, a.ends_at, a.place, a.status, s.state_code, s.attended
         FROM activities a JOIN activity_states s ON s.activity_id = a.id
         WHERE a.program_id = $1";
    match state {
        Some(code) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SQL} AND s.state_code = $2 ORDER BY a.starts_at, a.id"
            )))
            .bind(program_id)
            .bind(code)
            .fetch_all(e)
            .await
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SQL} ORDER BY a.starts_at, a.id, s.state_code"
            )))
            .bind(program_id)
            .fetch_all(e)
            .await
        }
    }
}

/// Per state: (steps, done, not done and due before `today`).
pub async fn plan_progress<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    today: &str,
) -> sqlx::Result<BTreeMap<String, (i64, i64, i64)>> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT p.state_code, COUNT(s.id),
           CAST(COALESCE(SUM(CASE WHEN s.status = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN s.status <> 'done' AND s.due_on < $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM plans p JOIN plan_goals g ON g.plan_id = p.id JOIN plan_steps s ON s.goal_id = g.id
         WHERE p.program_id = $1 GROUP BY p.state_code",
    )
    .bind(program_id)
    .bind(today)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, steps, done, overdue)| (code, (steps, done, overdue)))
        .collect())
}

/// The states whose team has rated anything (a member's rating or the consensus).
pub async fn rating_states<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT r.state_code FROM assessment_rounds r WHERE r.program_id = $1
           AND (EXISTS (SELECT 1 FROM member_ratings m WHERE m.round_id = r.id)
             OR EXISTS (SELECT 1 FROM consensus_ratings c WHERE c.round_id = r.id))",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// A member of a state team: (state, name, role, sector, agency, level).
pub type MemberRow = (String, String, String, String, String, String);

pub async fn team_members<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(
        "SELECT state_code, name, role, sector, agency, level FROM team_members
         WHERE program_id = $1 ORDER BY state_code, role, name, id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// The coaches of each state: (state, name, email).
pub async fn coaches<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT g.state_code, u.name, u.email FROM role_grants g JOIN users u ON u.id = g.user_id
         WHERE g.role = 'coach' AND g.program_id = $1 AND g.state_code IS NOT NULL ORDER BY g.state_code, u.name",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct GoalRow {
    pub state_code: String,
    pub id: i64,
    pub title: String,
    pub element_key: String,
    pub strategy_key: Option<String>,
}

pub async fn goals<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<GoalRow>> {
    sqlx::query_as(
        "SELECT p.state_code, g.id, g.title, g.element_key, g.strategy_key
         FROM plan_goals g JOIN plans p ON p.id = g.plan_id
         WHERE p.program_id = $1 ORDER BY p.state_code, g.position, g.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub goal_id: i64,
    pub text: String,
    pub owner: Option<String>,
    pub due_on: String,
    pub status: String,
    pub done_on: Option<String>,
}

pub async fn steps<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<StepRow>> {
    sqlx::query_as(
        "SELECT s.goal_id, s.text, u.name AS owner, s.due_on, s.status, s.done_on
         FROM plan_steps s JOIN plan_goals g ON g.id = s.goal_id JOIN plans p ON p.id = g.plan_id
         LEFT JOIN users u ON u.id = s.owner_id
         WHERE p.program_id = $1 ORDER BY s.goal_id, s.position, s.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// Milestones: (goal id, text, target date, date reached).
pub async fn milestones<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(i64, String, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT m.goal_id, m.text, m.target_on, m.reached_on
         FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id JOIN plans p ON p.id = g.plan_id
         WHERE p.program_id = $1 ORDER BY m.goal_id, m.target_on, m.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// Progress updates, oldest first: (goal id, date written, text).
pub async fn updates<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT u.goal_id, u.written_on, u.body
         FROM plan_updates u JOIN plan_goals g ON g.id = u.goal_id JOIN plans p ON p.id = g.plan_id
         WHERE p.program_id = $1 ORDER BY u.goal_id, u.written_on, u.id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}
