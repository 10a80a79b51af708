//! Who does something: the signed-in person (from the session on a page,
//! from the token in the API), the address they came from and the address
//! the request was sent to. Operations take an `Actor`, so a page and the
//! API ask the policy, audit and write the same way.

use super::CurrentUser;
use super::policy::{self, Action};
use super::session::Visitor;
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::web::{AppError, Refusal};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user: CurrentUser,
    pub ip: String,
    /// The address the request was sent to, without its query and with
    /// any token left out (for the audit log).
    pub path: String,
}

impl Actor {
    /// Whether the policy allows the action, without a word in the audit
    /// log: for what a page offers (a button, a form), not for doing it.
    pub fn allows(&self, action: &Action) -> bool {
        policy::allows(&self.user, action)
    }

    /// Whether the policy allows the action; a refusal is written to the
    /// audit log with the address it was asked at.
    pub async fn may(&self, state: &AppState, action: Action) -> Result<(), Refusal> {
        if policy::allows(&self.user, &action) {
            return Ok(());
        }
        let entry = Entry::new(
            (Some(self.user.id), self.user.email.clone()),
            &self.ip,
            "access",
        )
        .detail(format!("{} at {}", action.name(), self.path))
        .refused();
        audit::write(&state.db.pool, &entry).await?;
        Err(Refusal::NotAllowed(None))
    }
}

impl Visitor {
    /// The signed-in visitor as an actor, or the way to the sign-in page.
    pub fn signed_in(&self) -> Result<Actor, AppError> {
        let user = self.require_user()?.clone();
        Ok(Actor {
            user,
            ip: self.ip.clone(),
            path: self.path.clone(),
        })
    }
}
