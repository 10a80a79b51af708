//! The home page and the public list of programs.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::Extension;
use serde::Deserialize;

use super::store::{self, Program};
use crate::app::{AppState, Routes};
use crate::auth::session::Visitor;
use crate::web::{AppError, Chrome, render};

pub fn routes() -> Routes {
    Routes::new().get("/", home).get("/programs", programs)
}

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

/// Confirmations shown after a change, keyed by a fixed word in the address.
pub fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "signed-out" => "You have signed out.",
        "password-set" => "Your password is set. Sign in with it now.",
        "password-changed" => "Your password is changed. You have been signed out everywhere else.",
        "invited" => "Invitation sent.",
        "reinvited" => "A new invitation link has been sent.",
        "token-revoked" => "The token no longer works.",
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    name: Option<String>,
    roles: Vec<String>,
    programs: Vec<Program>,
}

async fn home(State(state): State<AppState>, Extension(visitor): Extension<Visitor>, Query(done): Query<Done>) -> Result<Html<String>, AppError> {
    let programs = store::list(&state.db.pool).await?;
    let chrome = Chrome::new(&visitor, "Waymark", "/").with_notice(notice(&done.done));
    render(HomePage {
        chrome,
        name: visitor.user.as_ref().map(|u| u.name.clone()),
        roles: visitor.user.as_ref().map(|u| u.grants.iter().map(|g| g.describe()).collect()).unwrap_or_default(),
        programs,
    })
}

#[derive(Template)]
#[template(path = "programs.html")]
struct ProgramsPage {
    chrome: Chrome,
    programs: Vec<Program>,
}

async fn programs(State(state): State<AppState>, Extension(visitor): Extension<Visitor>) -> Result<Html<String>, AppError> {
    let programs = store::list(&state.db.pool).await?;
    render(ProgramsPage { chrome: Chrome::new(&visitor, "Programs", "/programs"), programs })
}
