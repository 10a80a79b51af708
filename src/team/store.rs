//! SQL for state teams, their rosters and their coaches.

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

use super::{Account, AccountFacts, Sector, TeamRole};
use crate::auth::{Grant, Role};
use crate::db::Tx;

#[derive(Debug, Clone, FromRow)]
struct MemberRow {
    id: i64,
    user_id: Option<i64>,
    name: String,
    email: Option<String>,
    agency: String,
    sector: String,
    level: String,
    role: String,
    invited_at: Option<i64>,
    has_password: i64,
    user_active: i64,
    signed_in: i64,
    rated: i64,
}

/// One person on a state team's roster.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    /// Empty when the application gave none: such a member cannot sign in
    /// until the lead adds them again with an email.
    pub email: String,
    pub agency: String,
    pub sector: Sector,
    /// state or local.
    pub level: String,
    pub role: TeamRole,
    pub invited_at: Option<i64>,
    /// Whether the person has joined: accepted the invitation (set a
    /// password), signed in, or rated the assessment.
    pub active: bool,
    #[serde(skip)]
    pub account: Account,
}

pub async fn exists<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM state_teams WHERE program_id = $1 AND state_code = $2",
    )
    .bind(program_id)
    .bind(state)
    .fetch_one(e)
    .await?;
    Ok(n > 0)
}

/// The states with a team in the program, by name: (code, name).
pub async fn teams<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT t.state_code, j.name FROM state_teams t JOIN jurisdictions j ON j.code = t.state_code
         WHERE t.program_id = $1 ORDER BY j.name",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// Every team in every program: (program id, state code).
pub async fn all_teams<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT program_id, state_code FROM state_teams")
        .fetch_all(e)
        .await
}

pub async fn create(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    application_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO state_teams (program_id, state_code, application_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(program_id)
    .bind(state)
    .bind(application_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn members<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<TeamMember>> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT m.id, m.user_id, m.name, m.email, m.agency, m.sector, m.level, m.role, m.invited_at,
                CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password,
                CASE WHEN u.active = 1 THEN 1 ELSE 0 END AS user_active,
                CASE WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = m.user_id)
                       OR EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_user_id = m.user_id
                                  AND a.action = 'sign_in' AND a.outcome = 'ok')
                       OR EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = m.user_id
                                  AND t.last_used_at IS NOT NULL)
                     THEN 1 ELSE 0 END AS signed_in,
                CASE WHEN EXISTS (SELECT 1 FROM member_ratings r WHERE r.user_id = m.user_id)
                     THEN 1 ELSE 0 END AS rated
         FROM team_members m LEFT JOIN users u ON u.id = m.user_id
         WHERE m.program_id = $1 AND m.state_code = $2
         ORDER BY CASE WHEN m.role = 'lead' THEN 0 ELSE 1 END, m.name, m.id",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let account = super::account_status(&AccountFacts {
                has_email: r.email.as_deref().is_some_and(|e| !e.is_empty()),
                has_password: r.has_password == 1,
                user_active: r.user_active == 1,
                signed_in: r.signed_in == 1,
                rated: r.rated == 1,
            });
            TeamMember {
                id: r.id,
                user_id: r.user_id,
                name: r.name,
                email: r.email.unwrap_or_default(),
                agency: r.agency,
                sector: Sector::parse(&r.sector).unwrap_or(Sector::Other),
                level: r.level,
                role: TeamRole::parse(&r.role).unwrap_or(TeamRole::Member),
                invited_at: r.invited_at,
                active: account == Account::Joined,
                account,
            }
        })
        .collect())
}

pub struct NewRow<'a> {
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub agency: &'a str,
    pub sector: Sector,
    pub level: &'a str,
    pub role: TeamRole,
    pub invited_at: Option<i64>,
}

/// Adds a member; None if the email is already on this team.
pub async fn add_member(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    m: &NewRow<'_>,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let result = sqlx::query_scalar(
        "INSERT INTO team_members (program_id, state_code, user_id, name, email, agency, sector, level, role, invited_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(program_id)
    .bind(state)
    .bind(m.user_id)
    .bind(m.name)
    .bind(m.email)
    .bind(m.agency)
    .bind(m.sector.as_str())
    .bind(m.level)
    .bind(m.role.as_str())
    .bind(m.invited_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match result {
        Ok(id) => Ok(Some(id)),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn remove_member(tx: &mut Tx<'_>, member_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM team_members WHERE id = $1")
        .bind(member_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn set_role(tx: &mut Tx<'_>, member_id: i64, role: TeamRole) -> sqlx::Result<()> {
    sqlx::query("UPDATE team_members SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(member_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

pub async fn set_invited(tx: &mut Tx<'_>, member_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE team_members SET invited_at = $1 WHERE id = $2")
        .bind(now)
        .bind(member_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Gives the role unless the person already holds it.
pub async fn grant_once(
    tx: &mut Tx<'_>,
    user_id: i64,
    grant: &Grant,
    now: i64,
) -> sqlx::Result<()> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2 AND program_id = $3 AND state_code = $4",
    )
    .bind(user_id)
    .bind(grant.role.as_str())
    .bind(grant.program_id)
    .bind(grant.state_code.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    if n == 0 {
        crate::auth::store::add_grant(&mut **tx, user_id, grant, now).await?;
    }
    Ok(())
}

/// Takes away the person's team roles (lead and member) for this state.
pub async fn revoke_team_roles(
    tx: &mut Tx<'_>,
    user_id: i64,
    program_id: i64,
    state: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM role_grants WHERE user_id = $1 AND program_id = $2 AND state_code = $3
         AND role IN ('state_lead', 'state_member')",
    )
    .bind(user_id)
    .bind(program_id)
    .bind(state)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// A person who can coach: (id, name, email).
pub type Person = (i64, String, String);

/// The state's coach, if one is assigned.
pub async fn coach<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email FROM role_grants g JOIN users u ON u.id = g.user_id
         WHERE g.role = 'coach' AND g.program_id = $1 AND g.state_code = $2 ORDER BY g.id LIMIT 1",
    )
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}

/// Everyone who coaches any state, anywhere: the people an admin can
/// assign as coach.
pub async fn coaches<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(
        "SELECT id, name, email FROM users WHERE active = 1 AND id IN
             (SELECT user_id FROM role_grants WHERE role = 'coach')
         ORDER BY name, id",
    )
    .fetch_all(e)
    .await
}

/// Makes `user_id` the state's only coach.
pub async fn set_coach(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM role_grants WHERE role = 'coach' AND program_id = $1 AND state_code = $2",
    )
    .bind(program_id)
    .bind(state)
    .execute(&mut **tx)
    .await?;
    crate::auth::store::add_grant(
        &mut **tx,
        user_id,
        &Grant {
            role: Role::Coach,
            program_id: Some(program_id),
            state_code: Some(state.to_owned()),
        },
        now,
    )
    .await
}
