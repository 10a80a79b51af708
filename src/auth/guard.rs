//! Applies the policy in handlers: answers with the user or with the
//! refusal, and writes every refusal to the audit log.

use super::CurrentUser;
use super::policy::{self, Action};
use super::session::Visitor;
use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::web::{ApiError, AppError};

/// For pages: the signed-in user if the policy allows the action.
pub async fn page(
    state: &AppState,
    visitor: &Visitor,
    path: &str,
    action: Action,
) -> Result<CurrentUser, AppError> {
    let user = visitor.require_user(path)?.clone();
    if policy::allows(&user, &action) {
        return Ok(user);
    }
    refuse(state, &user, &visitor.ip, &action, path).await?;
    Err(AppError::Forbidden)
}

/// For the API: the token's user if the policy allows the action.
pub async fn api(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    path: &str,
    action: Action,
) -> Result<(), ApiError> {
    if policy::allows(user, &action) {
        return Ok(());
    }
    refuse(state, user, ip, &action, path).await?;
    Err(ApiError::Forbidden)
}

async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    action: &Action,
    path: &str,
) -> Result<(), sqlx::Error> {
    let entry = Entry::new((Some(user.id), user.email.clone()), ip, "access")
        .detail(format!("{} at {path}", action.name()))
        .refused();
    audit::write(&state.db.pool, &entry).await
}
