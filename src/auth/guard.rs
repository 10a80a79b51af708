//! Applies the policy in handlers: answers with the user or with the
//! refusal, and writes every refusal to the audit log.

use super::CurrentUser;
use super::api_user::ApiUser;
use super::policy::{self, Action};
use super::session::Visitor;
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::web::{ApiError, AppError};

/// For pages: the signed-in user if the policy allows the action.
pub async fn page(
    state: &AppState,
    visitor: &Visitor,
    action: Action,
) -> Result<CurrentUser, AppError> {
    let user = visitor.require_user()?.clone();
    if policy::allows(&user, &action) {
        return Ok(user);
    }
    refuse(state, &user, &visitor.ip, &action, &visitor.path).await?;
    Err(AppError::FORBIDDEN)
}

/// For the API: whether the token's user may do the action (a refusal
/// is audited with the address the request was sent to).
pub async fn api(state: &AppState, api: &ApiUser, action: Action) -> Result<(), ApiError> {
    if policy::allows(&api.user, &action) {
        return Ok(());
    }
    refuse(state, &api.user, &api.ip, &action, &api.path).await?;
    Err(ApiError::FORBIDDEN)
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
