//! Programs (TA cohorts): templates, timelines, commitments, deadlines,
//! and the reference list of U.S. jurisdictions.

pub mod api;
pub mod create;
pub mod deadline;
pub mod glossary;
pub mod handlers;
pub mod service;
pub mod settings;
pub mod store;
pub mod template;

/// The program a request names by its slug: the one loader every area
/// uses, refusing with not found (404 on both sides) when there is none.
pub async fn load(
    state: &crate::state::AppState,
    slug: &str,
) -> Result<store::Program, crate::web::Refusal> {
    store::find_by_slug(&state.db.pool, slug)
        .await?
        .ok_or(crate::web::Refusal::NotFound)
}

/// The program with its timeline, questions and rubric.
pub async fn load_detail(
    state: &crate::state::AppState,
    slug: &str,
) -> Result<store::ProgramDetail, crate::web::Refusal> {
    store::detail(&state.db.pool, &state.frameworks, slug)
        .await?
        .ok_or(crate::web::Refusal::NotFound)
}
