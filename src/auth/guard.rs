//! Applies the policy in handlers: answers with the user or with the
//! refusal, and writes every refusal to the audit log.

use super::CurrentUser;
use super::api_user::ApiUser;
use super::policy::Action;
use super::session::Visitor;
use crate::state::AppState;
use crate::web::{ApiError, AppError};

/// For pages: the signed-in user if the policy allows the action.
pub async fn page(
    state: &AppState,
    visitor: &Visitor,
    action: Action,
) -> Result<CurrentUser, AppError> {
    let actor = visitor.signed_in()?;
    actor.may(state, action).await?;
    Ok(actor.user)
}

/// For the API: whether the token's user may do the action (a refusal
/// is audited with the address the request was sent to).
pub async fn api(state: &AppState, api: &ApiUser, action: Action) -> Result<(), ApiError> {
    Ok(api.may(state, action).await?)
}
