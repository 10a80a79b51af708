//! SQL for accounts, roles, sessions, tokens and one-time links.

use sqlx::{Any, Executor, FromRow};

use super::{Grant, Role};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub active: i64,
    pub created_at: i64,
    /// Why the account is off ('admin' or 'inactive'), when it is.
    pub disabled_reason: Option<String>,
}

const USER_COLUMNS: &str = "id, email, name, password_hash, active, created_at, disabled_reason";

/// Email addresses are compared without regard to case or outer spaces.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn find_user_by_email<'c, E: Executor<'c, Database = Any>>(
    e: E,
    email: &str,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    )))
    .bind(normalize_email(email))
    .fetch_optional(e)
    .await
}

pub async fn find_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn list_users<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
    )))
    .fetch_all(e)
    .await
}

pub async fn insert_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    email: &str,
    name: &str,
    password_hash: Option<&str>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, active, created_at, password_changed_at)
         VALUES ($1, $2, $3, 1, $4, $5) RETURNING id",
    )
    .bind(normalize_email(email))
    .bind(name.trim())
    .bind(password_hash)
    .bind(now)
    .bind(password_hash.map(|_| now))
    .fetch_one(e)
    .await
}

pub async fn set_password<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn grants_for<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<Grant>> {
    Ok(access_for(e, user_id).await?.0)
}

/// A person's grants, and the (program, state) of those state-team grants
/// whose state is not in the program's cohort (no state team there).
pub async fn access_for<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<(Vec<Grant>, Vec<(i64, String)>)> {
    let rows: Vec<GrantRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {GRANT_COLUMNS} FROM role_grants g {TEAM_OF_GRANT} WHERE g.user_id = $1 ORDER BY g.id"
    )))
    .bind(user_id)
    .fetch_all(e)
    .await?;
    Ok(access(rows))
}

/// A grant as the queries below read it: role, program, state, and
/// whether that state's team is in the cohort (all empty for a person
/// with no grant, in a query that starts from the person).
#[derive(sqlx::FromRow)]
struct GrantRow {
    role: Option<String>,
    program_id: Option<i64>,
    state_code: Option<String>,
    in_cohort: i64,
}

const GRANT_COLUMNS: &str = "g.role, g.program_id, g.state_code,
    CASE WHEN t.state_code IS NULL THEN 0 ELSE 1 END AS in_cohort";

const TEAM_OF_GRANT: &str =
    "LEFT JOIN state_teams t ON t.program_id = g.program_id AND t.state_code = g.state_code";

/// The grants, and the (program, state) of the state grants whose team is
/// no longer in the cohort.
fn access(rows: impl IntoIterator<Item = GrantRow>) -> (Vec<Grant>, Vec<(i64, String)>) {
    let mut grants = Vec::new();
    let mut outside = Vec::new();
    for GrantRow {
        role,
        program_id,
        state_code,
        in_cohort,
    } in rows
    {
        let Some(role) = role.as_deref().and_then(Role::parse) else {
            continue;
        };
        if let (Role::StateLead | Role::StateMember, Some(p), Some(s), 0) =
            (role, program_id, &state_code, in_cohort)
        {
            outside.push((p, s.clone()));
        }
        grants.push(Grant {
            role,
            program_id,
            state_code,
        });
    }
    (grants, outside)
}

/// Every grant, keyed by user, for lists of people.
pub async fn all_grants<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, Grant)>> {
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT user_id, role, program_id, state_code FROM role_grants ORDER BY id")
            .fetch_all(e)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, role, program_id, state_code)| {
            Some((
                u,
                Grant {
                    role: Role::parse(&role)?,
                    program_id,
                    state_code,
                },
            ))
        })
        .collect())
}

pub async fn add_grant<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    grant: &Grant,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO role_grants (user_id, role, program_id, state_code, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user_id)
        .bind(grant.role.as_str())
        .bind(grant.program_id)
        .bind(grant.state_code.as_deref())
        .bind(now)
        .execute(e)
        .await
        .map(|_| ())
}

// ----- sessions -----

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub email: String,
    pub name: String,
    pub active: i64,
    pub grants: Vec<Grant>,
    /// State grants whose team is no longer in the cohort.
    pub outside_cohort: Vec<(i64, String)>,
}

pub async fn create_session<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id_hash: &str,
    user_id: i64,
    now: i64,
    ip: &str,
    user_agent: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(ip)
    .bind(user_agent.chars().take(300).collect::<String>())
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn load_session<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id_hash: &str,
) -> sqlx::Result<Option<SessionRow>> {
    // One query for the session, its person and their grants (a row a
    // grant): this runs on every page.
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: i64,
        created_at: i64,
        last_seen_at: i64,
        email: String,
        name: String,
        active: i64,
        #[sqlx(flatten)]
        grant: GrantRow,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.user_id, s.created_at, s.last_seen_at, u.email, u.name, u.active, {GRANT_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN role_grants g ON g.user_id = u.id {TEAM_OF_GRANT}
         WHERE s.id_hash = $1 ORDER BY g.id"
    )))
    .bind(id_hash)
    .fetch_all(e)
    .await?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let (grants, outside_cohort) =
        access(std::iter::once(first.grant).chain(rows.map(|r| r.grant)));
    Ok(Some(SessionRow {
        user_id: first.user_id,
        created_at: first.created_at,
        last_seen_at: first.last_seen_at,
        email: first.email,
        name: first.name,
        active: first.active,
        grants,
        outside_cohort,
    }))
}

pub async fn touch_session<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn delete_session<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn delete_sessions_for_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(e)
        .await
        .map(|r| r.rows_affected())
}

// ----- personal access tokens -----

#[derive(Debug, Clone, FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub scope: &'a str,
}

pub async fn create_api_token<'c, E: Executor<'c, Database = Any>>(
    e: E,
    t: &NewApiToken<'_>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(t.user_id)
    .bind(t.name)
    .bind(t.token_hash)
    .bind(t.prefix)
    .bind(t.now)
    .bind(t.expires_at)
    .bind(t.scope)
    .fetch_one(e)
    .await
}

/// A live token (neither revoked nor past its end) with its person and
/// their grants.
#[derive(Debug, Clone)]
pub struct LiveToken {
    pub id: i64,
    pub scope: String,
    pub last_used_at: Option<i64>,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub active: i64,
    pub grants: Vec<Grant>,
    pub outside_cohort: Vec<(i64, String)>,
}

/// The live token with this hash, in one query: this runs on every API
/// request.
pub async fn api_token_owner<'c, E: Executor<'c, Database = Any>>(
    e: E,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<LiveToken>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        token_id: i64,
        scope: String,
        last_used_at: Option<i64>,
        user_id: i64,
        email: String,
        name: String,
        active: i64,
        #[sqlx(flatten)]
        grant: GrantRow,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT k.id AS token_id, k.scope, k.last_used_at, u.id AS user_id, u.email, u.name, u.active, {GRANT_COLUMNS}
         FROM api_tokens k JOIN users u ON u.id = k.user_id
         LEFT JOIN role_grants g ON g.user_id = u.id {TEAM_OF_GRANT}
         WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)
         ORDER BY g.id"
    )))
    .bind(token_hash)
    .bind(now)
    .fetch_all(e)
    .await?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let (grants, outside_cohort) =
        access(std::iter::once(first.grant).chain(rows.map(|r| r.grant)));
    Ok(Some(LiveToken {
        id: first.token_id,
        scope: first.scope,
        last_used_at: first.last_used_at,
        user_id: first.user_id,
        email: first.email,
        name: first.name,
        active: first.active,
        grants,
        outside_cohort,
    }))
}

pub async fn mark_api_token_used<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> sqlx::Result<()> {
    // At most one write a minute per token.
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
        .bind(now)
        .bind(id)
        .bind(now - 60_000)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn list_api_tokens<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<ApiTokenRow>> {
    sqlx::query_as(
        "SELECT id, name, prefix, scope, created_at, expires_at, last_used_at, revoked_at
         FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Revokes a live token, the person's own when `user_id` is given.
pub async fn revoke_api_token<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: Option<i64>,
    id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1
         WHERE id = $2 AND (CAST($3 AS BIGINT) IS NULL OR user_id = $3) AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(e)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Revokes every live token of a person (their account turned off).
pub async fn revoke_all_api_tokens<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<u64> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(e)
        .await
        .map(|r| r.rows_affected())
}

/// A token not yet revoked, by number: (id, owner id, owner's email).
pub async fn live_token_by_id<'c, E: Executor<'c, Database = Any>>(
    e: E,
    id: i64,
) -> sqlx::Result<Option<(i64, i64, String)>> {
    sqlx::query_as(
        "SELECT t.id, t.user_id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = $1 AND t.revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(e)
    .await
}

/// A token not yet revoked, by its first ten characters.
pub async fn live_token_by_prefix<'c, E: Executor<'c, Database = Any>>(
    e: E,
    prefix: &str,
) -> sqlx::Result<Option<(i64, i64, String)>> {
    sqlx::query_as(
        "SELECT t.id, t.user_id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.prefix = $1 AND t.revoked_at IS NULL ORDER BY t.id DESC LIMIT 1",
    )
    .bind(prefix)
    .fetch_optional(e)
    .await
}

// ----- one-time links (invitations, password resets) -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invite,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }
}

pub async fn create_one_time_link<'c, E: Executor<'c, Database = Any>>(
    e: E,
    token_hash: &str,
    user_id: i64,
    purpose: LinkPurpose,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(expires_at)
    .execute(e)
    .await
    .map(|_| ())
}

/// The user a live link belongs to, without using it up.
pub async fn peek_one_time_link<'c, E: Executor<'c, Database = Any>>(
    e: E,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT user_id, purpose FROM one_time_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(e)
    .await
}

/// Uses a link up; only one caller ever gets the user back.
pub async fn consume_one_time_link<'c, E: Executor<'c, Database = Any>>(
    e: E,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id, purpose",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(e)
    .await
}

// ----- account standing: turned off, turned back on, inactivity -----

/// Turns an account off; false when it is not on (or does not exist).
pub async fn disable_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE users SET active = 0, disabled_at = $1, disabled_reason = $2 WHERE id = $3 AND active = 1",
    )
    .bind(now)
    .bind(reason)
    .bind(user_id)
    .execute(e)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Turns an account back on; its inactivity counts from now.
pub async fn enable_user<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE users SET active = 1, disabled_at = NULL, disabled_reason = NULL, enabled_at = $1,
         inactivity_warned_at = NULL WHERE id = $2 AND active = 0",
    )
    .bind(now)
    .bind(user_id)
    .execute(e)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// A sign-in: activity now, any inactivity warning taken back.
pub async fn mark_signed_in<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET last_signed_in_at = $1, inactivity_warned_at = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn mark_inactivity_warned<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE users SET inactivity_warned_at = $1 WHERE id = $2 AND active = 1 AND inactivity_warned_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(e)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// An account that is on, with what tells when it was last used.
#[derive(Debug, Clone, FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub created_at: i64,
    pub enabled_at: Option<i64>,
    pub last_signed_in_at: Option<i64>,
    pub last_token_use: Option<i64>,
    pub inactivity_warned_at: Option<i64>,
}

impl ActivityRow {
    pub fn last_active(&self) -> i64 {
        [self.enabled_at, self.last_signed_in_at, self.last_token_use]
            .into_iter()
            .flatten()
            .fold(self.created_at, i64::max)
    }
}

/// Accounts that are on and have not been used since `before`, by any of
/// the stamps kept (whose latest decides, in `ActivityRow::last_active`).
pub async fn unused_since<'c, E: Executor<'c, Database = Any>>(
    e: E,
    before: i64,
) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.created_at, u.enabled_at, u.last_signed_in_at,
                (SELECT MAX(t.last_used_at) FROM api_tokens t WHERE t.user_id = u.id) AS last_token_use,
                u.inactivity_warned_at
         FROM users u
         WHERE u.active = 1 AND u.created_at < $1
           AND COALESCE(u.enabled_at, 0) < $1 AND COALESCE(u.last_signed_in_at, 0) < $1
         ORDER BY u.id",
    )
    .bind(before)
    .fetch_all(e)
    .await
}

/// Whether an account is on, and if not when and why it was turned off.
pub async fn standing_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<(i64, Option<i64>, Option<String>)>> {
    sqlx::query_as("SELECT active, disabled_at, disabled_reason FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(e)
        .await
}

// ----- a person's sessions -----

#[derive(Debug, Clone, FromRow)]
pub struct SessionListRow {
    pub id_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
    pub user_agent: String,
}

pub async fn list_sessions<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<SessionListRow>> {
    sqlx::query_as(
        "SELECT id_hash, created_at, last_seen_at, ip, user_agent FROM sessions
         WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Ends one of the person's sessions by its handle (the start of its hash).
pub async fn delete_session_by_handle<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    handle: &str,
) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(id_hash, 1, 16) = $2")
        .bind(user_id)
        .bind(handle)
        .execute(e)
        .await
        .map(|r| r.rows_affected() > 0)
}

/// Ends every session of the person but `keep` (when given).
pub async fn delete_other_sessions<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    keep: &str,
) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(e)
        .await
        .map(|r| r.rows_affected())
}

// ----- the second step at sign-in -----

#[derive(Debug, Clone, FromRow)]
pub struct TotpRow {
    pub secret: String,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

pub async fn totp_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<TotpRow>> {
    sqlx::query_as("SELECT secret, confirmed_at, last_step FROM totp_factors WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(e)
        .await
}

/// Starts (or starts again) setting up an app: a new secret, not yet confirmed.
pub async fn begin_totp<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    secret: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at)
         VALUES ($1, $2, NULL, 0, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret = $2, confirmed_at = NULL, last_step = 0, created_at = $3",
    )
    .bind(user_id)
    .bind(secret)
    .bind(now)
    .execute(e)
    .await
    .map(|_| ())
}

/// Takes a code's step once: false when that step (or a later one) was
/// already taken, by a request sent at the same time included.
pub async fn take_totp_step<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    step: i64,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
        .bind(step)
        .bind(user_id)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn confirm_totp<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE totp_factors SET confirmed_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn remove_totp<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Replaces the person's recovery codes with these (hashed).
pub async fn replace_recovery_codes(
    tx: &mut sqlx::Transaction<'_, Any>,
    user_id: i64,
    hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    for h in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(h)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Uses a recovery code once: false when it is not theirs or was used.
pub async fn use_recovery_code<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    code_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(code_hash)
    .execute(e)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn recovery_codes_left<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(e)
        .await
}
