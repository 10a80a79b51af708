//! Everyone with an account, as the administrators' People page and the
//! API list them.

use serde::Serialize;

use super::policy::Action;
use super::{Actor, Grant, store};
use crate::state::AppState;
use crate::web::Refusal;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// False until the person has chosen a password.
    pub has_password: bool,
    /// False when the account is turned off.
    pub active: bool,
    /// Why it is off: `admin` (an administrator turned it off) or
    /// `inactive` (unused for the `inactive_days` setting).
    pub turned_off: Option<String>,
    pub roles: Vec<Grant>,
}

/// Everyone with an account (administrators).
pub async fn everyone(state: &AppState, actor: &Actor) -> Result<Vec<Person>, Refusal> {
    actor.may(state, Action::ListPeople).await?;
    let users = store::list_users(&state.db.pool).await?;
    let grants = store::all_grants(&state.db.pool).await?;
    Ok(users
        .into_iter()
        .map(|u| Person {
            id: u.id,
            has_password: u.password_hash.is_some(),
            active: u.active != 0,
            turned_off: (u.active == 0).then(|| u.disabled_reason.unwrap_or_default()),
            roles: grants
                .iter()
                .filter(|(id, _)| *id == u.id)
                .map(|(_, g)| g.clone())
                .collect(),
            email: u.email,
            name: u.name,
        })
        .collect())
}
