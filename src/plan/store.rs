//! SQL for plans, their goals, steps, milestones, progress updates and
//! evidence files. Every lookup by id is scoped to the plan, so an id from
//! another state's plan is simply not found.

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

use super::StepStatus;
use crate::db::Tx;

/// The state's plan, if one has been written to.
pub async fn plan_id<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM plans WHERE program_id = $1 AND state_code = $2")
        .bind(program_id)
        .bind(state)
        .fetch_optional(e)
        .await
}

/// The state's plan, made on the first write.
pub async fn ensure_plan(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO plans (program_id, state_code, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (program_id, state_code) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(program_id)
    .bind(state)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(plan_id(&mut **tx, program_id, state)
        .await?
        .expect("just made"))
}

pub async fn touch(tx: &mut Tx<'_>, plan_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE plans SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(plan_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

// ----- goals -----

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct GoalRow {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub description: String,
    /// The element of the program's framework the goal advances.
    pub element_key: String,
    /// The indicator (a strategy of the element) the goal names, if any.
    pub strategy_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn goals<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
) -> sqlx::Result<Vec<GoalRow>> {
    sqlx::query_as(
        "SELECT id, position, title, description, element_key, strategy_key, created_at, updated_at
         FROM plan_goals WHERE plan_id = $1 ORDER BY position, id",
    )
    .bind(plan_id)
    .fetch_all(e)
    .await
}

pub async fn goal<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
    goal_id: i64,
) -> sqlx::Result<Option<GoalRow>> {
    sqlx::query_as(
        "SELECT id, position, title, description, element_key, strategy_key, created_at, updated_at
         FROM plan_goals WHERE plan_id = $1 AND id = $2",
    )
    .bind(plan_id)
    .bind(goal_id)
    .fetch_optional(e)
    .await
}

pub struct GoalFields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub element_key: &'a str,
    pub strategy_key: Option<&'a str>,
}

pub async fn insert_goal(
    tx: &mut Tx<'_>,
    plan_id: i64,
    g: &GoalFields<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_goals (plan_id, position, title, description, element_key, strategy_key, created_at, updated_at)
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_goals WHERE plan_id = $1), $2, $3, $4, $5, $6, $6)
         RETURNING id",
    )
    .bind(plan_id)
    .bind(g.title)
    .bind(g.description)
    .bind(g.element_key)
    .bind(g.strategy_key)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_goal(
    tx: &mut Tx<'_>,
    goal_id: i64,
    g: &GoalFields<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE plan_goals SET title = $1, description = $2, element_key = $3, strategy_key = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(g.title)
    .bind(g.description)
    .bind(g.element_key)
    .bind(g.strategy_key)
    .bind(now)
    .bind(goal_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Removes a goal with its steps, milestones and updates; answers the
/// storage keys of its evidence files (to remove after the commit).
pub async fn delete_goal(tx: &mut Tx<'_>, goal_id: i64) -> sqlx::Result<Vec<String>> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT e.storage_key FROM plan_evidence e JOIN plan_updates u ON u.id = e.update_id WHERE u.goal_id = $1",
    )
    .bind(goal_id)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM plan_evidence WHERE update_id IN (SELECT id FROM plan_updates WHERE goal_id = $1)",
    )
    .bind(goal_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM plan_updates WHERE goal_id = $1")
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM plan_milestones WHERE goal_id = $1")
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE action_items SET plan_step_id = NULL WHERE plan_step_id IN (SELECT id FROM plan_steps WHERE goal_id = $1)")
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM plan_steps WHERE goal_id = $1")
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM plan_goals WHERE id = $1")
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    Ok(keys)
}

// ----- steps -----

#[derive(FromRow)]
struct StepDbRow {
    id: i64,
    goal_id: i64,
    position: i64,
    text: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    due_on: String,
    status: String,
    done_on: Option<String>,
    activity_id: Option<i64>,
    activity_title: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepRow {
    pub id: i64,
    pub goal_id: i64,
    pub position: i64,
    pub text: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    /// The due date on the program's clock, YYYY-MM-DD.
    pub due_on: String,
    pub status: StepStatus,
    /// The date the step was marked done, YYYY-MM-DD.
    pub done_on: Option<String>,
    /// The activity where the step was agreed.
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
}

const STEP_SELECT: &str = "SELECT s.id, s.goal_id, s.position, s.text, s.owner_id, u.name AS owner_name, s.due_on, s.status, s.done_on,
        s.activity_id, a.title AS activity_title
 FROM plan_steps s JOIN plan_goals g ON g.id = s.goal_id
 LEFT JOIN users u ON u.id = s.owner_id
 LEFT JOIN activities a ON a.id = s.activity_id";

fn step(r: StepDbRow) -> StepRow {
    StepRow {
        id: r.id,
        goal_id: r.goal_id,
        position: r.position,
        text: r.text,
        owner_id: r.owner_id,
        owner_name: r.owner_name,
        due_on: r.due_on,
        status: StepStatus::parse(&r.status).unwrap_or(StepStatus::NotStarted),
        done_on: r.done_on,
        activity_id: r.activity_id,
        activity_title: r.activity_title,
    }
}

pub async fn steps<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
) -> sqlx::Result<Vec<StepRow>> {
    let rows: Vec<StepDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STEP_SELECT} WHERE g.plan_id = $1 ORDER BY g.position, s.position, s.id"
    )))
    .bind(plan_id)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().map(step).collect())
}

pub async fn step_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
    step_id: i64,
) -> sqlx::Result<Option<StepRow>> {
    let row: Option<StepDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STEP_SELECT} WHERE g.plan_id = $1 AND s.id = $2"
    )))
    .bind(plan_id)
    .bind(step_id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(step))
}

pub struct StepFields<'a> {
    pub text: &'a str,
    pub owner_id: Option<i64>,
    pub due_on: &'a str,
    pub status: StepStatus,
    pub done_on: Option<&'a str>,
    pub activity_id: Option<i64>,
}

pub async fn insert_step(
    tx: &mut Tx<'_>,
    goal_id: i64,
    s: &StepFields<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_steps (goal_id, position, text, owner_id, due_on, status, done_on, activity_id, created_at, updated_at)
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_steps WHERE goal_id = $1), $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING id",
    )
    .bind(goal_id)
    .bind(s.text)
    .bind(s.owner_id)
    .bind(s.due_on)
    .bind(s.status.as_str())
    .bind(s.done_on)
    .bind(s.activity_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_step(
    tx: &mut Tx<'_>,
    step_id: i64,
    s: &StepFields<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE plan_steps SET text = $1, owner_id = $2, due_on = $3, status = $4, done_on = $5, activity_id = $6, updated_at = $7
         WHERE id = $8",
    )
    .bind(s.text)
    .bind(s.owner_id)
    .bind(s.due_on)
    .bind(s.status.as_str())
    .bind(s.done_on)
    .bind(s.activity_id)
    .bind(now)
    .bind(step_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn set_step_status(
    tx: &mut Tx<'_>,
    step_id: i64,
    status: StepStatus,
    done_on: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE plan_steps SET status = $1, done_on = $2, updated_at = $3 WHERE id = $4")
        .bind(status.as_str())
        .bind(done_on)
        .bind(now)
        .bind(step_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn delete_step(tx: &mut Tx<'_>, step_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE plan_updates SET step_id = NULL WHERE step_id = $1")
        .bind(step_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE action_items SET plan_step_id = NULL WHERE plan_step_id = $1")
        .bind(step_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM plan_steps WHERE id = $1")
        .bind(step_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

// ----- milestones -----

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct MilestoneRow {
    pub id: i64,
    pub goal_id: i64,
    /// The strategy of the goal's element this milestone is.
    pub strategy_key: String,
    pub text: String,
    /// YYYY-MM-DD on the program's clock.
    pub target_on: String,
    pub reached_on: Option<String>,
}

const MILESTONE_SELECT: &str =
    "SELECT m.id, m.goal_id, m.strategy_key, m.text, m.target_on, m.reached_on
 FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id";

pub async fn milestones<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
) -> sqlx::Result<Vec<MilestoneRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MILESTONE_SELECT} WHERE g.plan_id = $1 ORDER BY g.position, m.target_on, m.id"
    )))
    .bind(plan_id)
    .fetch_all(e)
    .await
}

pub async fn milestone_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
    id: i64,
) -> sqlx::Result<Option<MilestoneRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MILESTONE_SELECT} WHERE g.plan_id = $1 AND m.id = $2"
    )))
    .bind(plan_id)
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn insert_milestone(
    tx: &mut Tx<'_>,
    goal_id: i64,
    (strategy_key, text): (&str, &str),
    target_on: &str,
    reached_on: Option<&str>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_milestones (goal_id, strategy_key, text, target_on, reached_on) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(goal_id)
    .bind(strategy_key)
    .bind(text)
    .bind(target_on)
    .bind(reached_on)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_milestone(
    tx: &mut Tx<'_>,
    id: i64,
    target_on: &str,
    reached_on: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE plan_milestones SET target_on = $1, reached_on = $2 WHERE id = $3")
        .bind(target_on)
        .bind(reached_on)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn delete_milestone(tx: &mut Tx<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM plan_milestones WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

// ----- updates and evidence -----

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct UpdateRow {
    pub id: i64,
    pub goal_id: i64,
    /// The step the update is about, if any.
    pub step_id: Option<i64>,
    /// YYYY-MM-DD on the program's clock.
    pub written_on: String,
    pub body: String,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: i64,
}

pub async fn updates<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
) -> sqlx::Result<Vec<UpdateRow>> {
    sqlx::query_as(
        "SELECT p.id, p.goal_id, p.step_id, p.written_on, p.body, p.author_id, u.name AS author_name, p.created_at
         FROM plan_updates p JOIN plan_goals g ON g.id = p.goal_id LEFT JOIN users u ON u.id = p.author_id
         WHERE g.plan_id = $1 ORDER BY p.written_on DESC, p.id DESC",
    )
    .bind(plan_id)
    .fetch_all(e)
    .await
}

/// The goal of an update of this plan.
pub async fn update_goal_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
    update_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT p.goal_id FROM plan_updates p JOIN plan_goals g ON g.id = p.goal_id WHERE g.plan_id = $1 AND p.id = $2",
    )
    .bind(plan_id)
    .bind(update_id)
    .fetch_optional(e)
    .await
}

pub async fn insert_update(
    tx: &mut Tx<'_>,
    goal_id: i64,
    step_id: Option<i64>,
    written_on: &str,
    body: &str,
    (author_id, now): (Option<i64>, i64),
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_updates (goal_id, step_id, written_on, body, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(goal_id)
    .bind(step_id)
    .bind(written_on)
    .bind(body)
    .bind(author_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct EvidenceRow {
    pub id: i64,
    pub update_id: i64,
    #[serde(skip)]
    pub storage_key: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

const EVIDENCE_SELECT: &str = "SELECT e.id, e.update_id, e.storage_key, e.filename, e.content_type, e.size_bytes, e.created_at
 FROM plan_evidence e JOIN plan_updates p ON p.id = e.update_id JOIN plan_goals g ON g.id = p.goal_id";

pub async fn evidence<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
) -> sqlx::Result<Vec<EvidenceRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EVIDENCE_SELECT} WHERE g.plan_id = $1 ORDER BY e.id"
    )))
    .bind(plan_id)
    .fetch_all(e)
    .await
}

pub async fn evidence_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    plan_id: i64,
    id: i64,
) -> sqlx::Result<Option<EvidenceRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EVIDENCE_SELECT} WHERE g.plan_id = $1 AND e.id = $2"
    )))
    .bind(plan_id)
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn insert_evidence(
    tx: &mut Tx<'_>,
    update_id: i64,
    (key, filename, content_type): (&str, &str, &str),
    size: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_evidence (update_id, storage_key, filename, content_type, size_bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(update_id)
    .bind(key)
    .bind(filename)
    .bind(content_type)
    .bind(size)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

// ----- choices -----

/// Who may own a step: the team's members with an account and the
/// state's coaches, as (user id, name, what they are).
pub async fn owners<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name, CASE WHEN m.role = 'lead' THEN 'team lead' ELSE 'team member' END AS what
         FROM team_members m JOIN users u ON u.id = m.user_id
         WHERE m.program_id = $1 AND m.state_code = $2 AND u.active = 1
         UNION
         SELECT u.id, u.name, 'coach' AS what
         FROM role_grants r JOIN users u ON u.id = r.user_id
         WHERE r.role = 'coach' AND r.program_id = $1 AND r.state_code = $2 AND u.active = 1
         ORDER BY 2, 1",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await
}

/// The state's activities, latest first: (id, title, starts at).
pub async fn activities<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT a.id, a.title, a.starts_at FROM activities a JOIN activity_states s ON s.activity_id = a.id
         WHERE a.program_id = $1 AND s.state_code = $2 AND a.status <> 'cancelled'
         ORDER BY a.starts_at DESC, a.id DESC",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await
}
