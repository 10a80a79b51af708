//! The public pages: the frameworks, one framework, the glossary.

use crate::web::Path;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;

use super::{CrosswalkRow, Framework, GlossaryTerm};
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/frameworks", list)
        .get("/frameworks/{slug}", show)
        .get("/glossary", glossary)
}

#[derive(Template)]
#[template(path = "framework/list.html")]
struct ListPage {
    chrome: Chrome,
    frameworks: Vec<Framework>,
}

async fn list(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Html<String>, AppError> {
    render(ListPage {
        chrome: Chrome::new(&visitor, "Frameworks", "/frameworks"),
        frameworks: state.frameworks.frameworks.clone(),
    })
}

/// A component named in the crosswalk, with the table's note if any.
struct Link {
    number: u8,
    name: String,
    note: String,
}

#[derive(Template)]
#[template(path = "framework/show.html")]
struct ShowPage {
    chrome: Chrome,
    framework: Framework,
    /// The components framework the crosswalk names, if any.
    crosswalk_with: Option<Framework>,
    /// Per element (in order), the components it maps to.
    links: Vec<Vec<Link>>,
    crosswalk: Vec<CrosswalkRow>,
}

async fn show(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let framework = state
        .frameworks
        .get(&slug)
        .cloned()
        .ok_or(AppError::NOT_FOUND)?;
    let crosswalk_with = state.frameworks.get(&framework.crosswalk_with).cloned();
    let links = framework
        .elements
        .iter()
        .map(|e| {
            e.components
                .iter()
                .filter_map(|k| {
                    let c = crosswalk_with
                        .as_ref()?
                        .components
                        .iter()
                        .find(|c| c.key == *k)?;
                    Some(Link {
                        number: c.number,
                        name: c.name.clone(),
                        note: e.component_notes.get(k).cloned().unwrap_or_default(),
                    })
                })
                .collect()
        })
        .collect();
    let crosswalk = if crosswalk_with.is_some() {
        state.frameworks.crosswalk(&slug).unwrap_or_default()
    } else {
        Vec::new()
    };
    render(ShowPage {
        chrome: Chrome::new(&visitor, framework.name.clone(), "/frameworks"),
        framework,
        crosswalk_with,
        links,
        crosswalk,
    })
}

#[derive(Template)]
#[template(path = "framework/glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    terms: Vec<GlossaryTerm>,
}

async fn glossary(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Html<String>, AppError> {
    render(GlossaryPage {
        chrome: Chrome::new(&visitor, "Glossary", "/glossary"),
        terms: state.frameworks.glossary.clone(),
    })
}
