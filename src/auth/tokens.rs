//! Personal access tokens: made with an end date and a scope (read only,
//! or read and write), listed with when they were last used, and revoked.
//! Each operation is used by the account page, the API and the command
//! line alike.

use serde::{Deserialize, Serialize};

use super::policy::Action;
use super::{Actor, secret, store};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{Input, Refusal};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// GET requests only.
    Read,
    /// Everything the person may do.
    ReadWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ReadWrite => "read_write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "read_write" => Some(Scope::ReadWrite),
            _ => None,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Scope::Read => "Read only",
            Scope::ReadWrite => "Read and write",
        }
    }
}

/// The lifetimes offered, in days; the API takes any from 1 to the last.
pub const LIFETIMES: [i64; 4] = [30, 90, 180, 365];
pub const DEFAULT_LIFETIME: i64 = 90;
const DAY_MS: i64 = 86_400_000;

/// A new token as asked for on the page or through the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewToken {
    /// What the token is for, like "Quarterly report script".
    #[schema(min_length = 1)]
    pub name: String,
    /// `read` (the default: GET requests only) or `read_write`.
    #[schema(value_type = Scope)]
    pub scope: String,
    /// Days until the token stops working: 1 to 365 (the page offers 30, 90, 180 or 365).
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckedToken {
    pub name: String,
    pub scope: Scope,
    pub days: i64,
}

pub fn check(t: &NewToken) -> Result<CheckedToken, Refusal> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let name = t.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        problems.push((
            "name",
            "Give the token a name of up to 80 characters, like \"Quarterly report script\"."
                .into(),
        ));
    }
    crate::web::text::check_one_line(&mut problems, &[("name", name)]);
    // Least privilege unless asked: a token reads only.
    let scope = if t.scope.trim().is_empty() {
        Some(Scope::Read)
    } else {
        Scope::parse(&t.scope)
    };
    if scope.is_none() {
        problems.push((
            "scope",
            "Choose what the token may do: read only, or read and write.".into(),
        ));
    }
    let days = t.expires_in_days.unwrap_or(DEFAULT_LIFETIME);
    if !(1..=LIFETIMES[LIFETIMES.len() - 1]).contains(&days) {
        problems.push((
            "expires_in_days",
            "Choose when the token stops working: from 1 to 365 days from today.".into(),
        ));
    }
    match scope {
        Some(scope) if problems.is_empty() => Ok(CheckedToken {
            name: name.to_owned(),
            scope,
            days,
        }),
        _ => Err(Refusal::fields(problems)),
    }
}

/// A token just made: the raw token is shown once and never stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CreatedToken)]
pub struct Created {
    pub id: i64,
    pub token: String,
    pub expires_at: i64,
    pub scope: Scope,
}

/// Makes a token for the actor, after checking what they asked for.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    asked: impl Input<NewToken>,
) -> Result<Created, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let asked = asked.read()?;
    let who = (actor.user.id, actor.user.email.as_str());
    create_for(state, who, &actor.ip, &asked).await
}

/// Makes a token for the person, after checking what they asked for (the
/// operator's `waymark token create` acts for them from the command line).
pub async fn create_for(
    state: &AppState,
    (user_id, email): (i64, &str),
    ip: &str,
    asked: &NewToken,
) -> Result<Created, Refusal> {
    let t = check(asked)?;
    let raw = format!("wmk_{}", secret::random_token());
    let prefix: String = raw.chars().take(10).collect();
    let now = now_ms();
    let expires_at = now + t.days * DAY_MS;
    let mut tx = state.db.begin().await?;
    let id = store::create_api_token(
        &mut *tx,
        &store::NewApiToken {
            user_id,
            name: &t.name,
            token_hash: &secret::sha256_hex(&raw),
            prefix: &prefix,
            now,
            expires_at,
            scope: t.scope.as_str(),
        },
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new((Some(user_id), email.to_owned()), ip, "api_token_created")
            .record("api_token", id)
            .detail(format!(
                "{} ({}, {} days)",
                t.name,
                t.scope.as_str(),
                t.days
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        id,
        token: raw,
        expires_at,
        scope: t.scope,
    })
}

/// One of a person's tokens, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Token {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub scope: Scope,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
}

/// The actor's own tokens, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<Token>, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let user_id = actor.user.id;
    let now = now_ms();
    Ok(store::list_api_tokens(&state.db.pool, user_id)
        .await?
        .into_iter()
        .map(|t| Token {
            status: if t.revoked_at.is_some() {
                "revoked"
            } else if t.expires_at.is_some_and(|e| e <= now) {
                "expired"
            } else {
                "active"
            },
            scope: Scope::parse(&t.scope).unwrap_or(Scope::Read),
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// Revokes one of the person's own tokens (not found: not theirs, or
/// already revoked).
pub async fn revoke(state: &AppState, actor: &Actor, token_id: i64) -> Result<(), Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let (user_id, email, ip) = (actor.user.id, &actor.user.email, &actor.ip);
    let mut tx = state.db.begin().await?;
    if !store::revoke_api_token(&mut *tx, Some(user_id), token_id, now_ms()).await? {
        return Err(Refusal::NotFound);
    }
    audit::write(
        &mut *tx,
        &Entry::new((Some(user_id), email.to_owned()), ip, "api_token_revoked")
            .record("api_token", token_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes any live token by the start of its text (`wmk_…`, at least its
/// first 10 characters) or its number: the operator's `waymark token
/// revoke`. Answers the revoked token's id and owner's email.
pub async fn revoke_as_operator(state: &AppState, which: &str) -> Result<(i64, String), Refusal> {
    let which = which.trim();
    let found = if let Ok(id) = which.parse::<i64>() {
        store::live_token_by_id(&state.db.pool, id).await?
    } else if which.len() >= 10 {
        store::live_token_by_prefix(&state.db.pool, &which.chars().take(10).collect::<String>())
            .await?
    } else {
        None
    };
    let Some((id, user_id, email)) = found else {
        return Err(Refusal::NotFound);
    };
    let mut tx = state.db.begin().await?;
    if !store::revoke_api_token(&mut *tx, None, id, now_ms()).await? {
        return Err(Refusal::NotFound);
    }
    audit::write(
        &mut *tx,
        &Entry::new((None, "command line".to_owned()), "", "api_token_revoked")
            .record("api_token", id)
            .detail(format!("token of user {user_id}")),
    )
    .await?;
    tx.commit().await?;
    Ok((id, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(name: &str, scope: &str, days: Option<i64>) -> NewToken {
        NewToken {
            name: name.into(),
            scope: scope.into(),
            expires_in_days: days,
        }
    }

    fn fields(r: Refusal) -> Vec<String> {
        match r {
            Refusal::Invalid(e) => e.into_iter().map(|(f, _)| f).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_token_has_a_name_a_scope_and_an_end_within_a_year() {
        assert_eq!(
            check(&asked(" Report script ", "read", None)).unwrap(),
            CheckedToken {
                name: "Report script".into(),
                scope: Scope::Read,
                days: 90
            }
        );
        assert_eq!(
            check(&asked("x", "read_write", Some(365))).unwrap().days,
            365
        );
        assert_eq!(
            fields(check(&asked("", "admin", Some(366))).unwrap_err()),
            ["name", "scope", "expires_in_days"]
        );
        assert_eq!(
            fields(check(&asked("a\nb", "read", Some(0))).unwrap_err()),
            ["name", "expires_in_days"]
        );
    }
}
