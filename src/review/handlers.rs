//! The review pages (a reviewer's assignments and scoring form) and the
//! admin's selection page (assignments, side-by-side scores, ranking and
//! decisions).

use std::collections::{BTreeMap, HashMap};

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, Comparison, Review};
use super::store::{self, Assignment};
use super::{DEFAULT_REVIEWERS_PER_APPLICATION, Decision, SCORE_LABELS, ScoreInput};
use crate::application::store::Application;
use crate::auth::Actor;
use crate::auth::session::Visitor;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::team::missing_sectors;
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/reviews", my_reviews)
        .get("/programs/{slug}/reviews/{state}", review_page)
        .post("/programs/{slug}/reviews/{state}", save_review)
        .get("/programs/{slug}/reviews/{state}/letter", review_letter)
        .get("/programs/{slug}/selection", selection_page)
        .post("/programs/{slug}/selection/assign", assign)
        .post("/programs/{slug}/selection/unassign", unassign)
        .post("/programs/{slug}/selection/auto-assign", auto_assign)
        .post("/programs/{slug}/selection/ranking", rank)
        .post("/programs/{slug}/selection/decision", decide)
}

/// A refusal on a page: field problems and conflicts are shown on the
/// page again; anything else is an error page.
fn problems(r: Refusal) -> Result<(StatusCode, Vec<(String, String)>), AppError> {
    match r {
        Refusal::Invalid(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        Refusal::Conflict(message) => Ok((StatusCode::CONFLICT, vec![(String::new(), message)])),
        other => Err(other.into()),
    }
}

// ----- a reviewer's pages -----

struct AssignmentLine {
    state_code: String,
    state_name: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "review/list.html")]
struct ListPage {
    chrome: Chrome,
    program: Program,
    lines: Vec<AssignmentLine>,
}

async fn my_reviews(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (program, mine) = service::my_assignments(&state, &actor, &slug).await?;
    let started_ids = store::started_by(&state.db.pool, program.id, actor.user.id).await?;
    let mut lines = Vec::new();
    for a in mine {
        let started = started_ids.contains(&a.id);
        lines.push(AssignmentLine {
            status: match (a.submitted_at.is_some(), started) {
                (true, _) => "Submitted",
                (false, true) => "Draft saved",
                (false, false) => "Not started",
            },
            state_code: a.state_code,
            state_name: a.state_name,
        });
    }
    let chrome = Chrome::new(
        &visitor,
        "Your reviews",
        &format!("/programs/{slug}/reviews"),
    );
    Ok(render(ListPage {
        chrome,
        program,
        lines,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "review/score.html")]
struct ScorePage {
    chrome: Chrome,
    program: Program,
    application: Application,
    review: Review,
    missing: Vec<&'static str>,
    commitments: [&'static str; 3],
    labels: [(i64, &'static str); 5],
    /// What was typed, when the page comes back with problems.
    typed: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl ScorePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn score_of(&self, criterion_id: &i64) -> String {
        let key = format!("score-{criterion_id}");
        if let Some(v) = self.typed.get(&key) {
            return v.clone();
        }
        self.review
            .scores
            .iter()
            .find(|s| s.criterion_id == *criterion_id)
            .and_then(|s| s.score)
            .map(|s| s.to_string())
            .unwrap_or_default()
    }

    fn comment_of(&self, criterion_id: &i64) -> String {
        let key = format!("comment-{criterion_id}");
        if let Some(v) = self.typed.get(&key) {
            return v.clone();
        }
        self.review
            .scores
            .iter()
            .find(|s| s.criterion_id == *criterion_id)
            .map(|s| s.comment.clone())
            .unwrap_or_default()
    }

    fn total_text(&self) -> String {
        self.review
            .total
            .map(|t| format!("{t:.0} out of 100"))
            .unwrap_or_else(|| "not yet: score every criterion".into())
    }
}

/// The reviewer, the program, their assignment and the application, or a refusal.
async fn assigned(
    state: &AppState,
    visitor: &Visitor,
    p: &StatePath,
) -> Result<(Actor, Program, store::Candidate, Assignment), AppError> {
    let actor = visitor.signed_in()?;
    let (program, app, assignment) = service::assigned(state, &actor, (&p.slug, &p.state)).await?;
    Ok((actor, program, app, assignment))
}

#[allow(clippy::too_many_arguments)]
async fn score_page(
    state: &AppState,
    visitor: &Visitor,
    program: Program,
    app: &store::Candidate,
    assignment: &Assignment,
    typed: HashMap<String, String>,
    errors: Vec<(String, String)>,
    notice_key: &str,
) -> Result<ScorePage, AppError> {
    let review = service::review(state, &program, app, assignment)
        .await
        .map_err(AppError::from)?;
    let application = crate::application::store::load(&state.db.pool, app.id)
        .await?
        .ok_or(AppError::NOT_FOUND)?;
    let required = crate::program::store::required_sectors(&state.db.pool, program.id).await?;
    let missing = missing_sectors(&required, &application.member_sectors())
        .into_iter()
        .map(|s| s.label())
        .collect();
    let path = format!("/programs/{}/reviews/{}", program.slug, app.state_code);
    let chrome = Chrome::new(visitor, format!("Review: {}", app.state_name), &path)
        .with_notice(notice(notice_key));
    Ok(ScorePage {
        chrome,
        program,
        application,
        review,
        missing,
        commitments: crate::application::LETTER_COMMITMENTS,
        labels: SCORE_LABELS,
        typed,
        errors,
    })
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

async fn review_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (_, program, app, assignment) = assigned(&state, &visitor, &p).await?;
    let page = score_page(
        &state,
        &visitor,
        program,
        &app,
        &assignment,
        HashMap::new(),
        vec![],
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn save_review(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{}/reviews/{}", p.slug, p.state);
    let (actor, program, app, assignment) = assigned(&state, &visitor, &p).await?;
    let rubric = store::rubric(&state.db.pool, program.id).await?;
    let mut inputs = Vec::new();
    let mut typo = Vec::new();
    for c in &rubric {
        let raw = form
            .get(&format!("score-{}", c.id))
            .map(|s| s.trim())
            .unwrap_or("");
        let score = if raw.is_empty() {
            None
        } else {
            match raw.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    typo.push((
                        format!("score-{}", c.id),
                        format!("Score \"{}\" from 1 to 5.", c.criterion),
                    ));
                    None
                }
            }
        };
        inputs.push(ScoreInput {
            criterion_id: c.id,
            score,
            comment: form
                .get(&format!("comment-{}", c.id))
                .cloned()
                .unwrap_or_default(),
        });
    }
    let submit = form.get("intent").map(String::as_str) == Some("submit");
    let result = if typo.is_empty() {
        service::save_review(
            &state,
            &actor,
            &program,
            &app,
            &assignment,
            &super::ReviewRequest {
                scores: inputs,
                submit,
            },
        )
        .await
    } else {
        Err(Refusal::Invalid(typo))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "{path}?done={}",
            if submit {
                Done::ReviewSubmitted
            } else {
                Done::ReviewSaved
            }
        ))
        .into_response()),
        Err(e) => {
            let (status, errors) = problems(e)?;
            let page = score_page(
                &state,
                &visitor,
                program,
                &app,
                &assignment,
                form,
                errors,
                "",
            )
            .await?;
            Ok((status, render(page)?).into_response())
        }
    }
}

async fn review_letter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let (_, program, app, _) = assigned(&state, &visitor, &p).await?;
    Ok(crate::application::service::letter(&state, &program, &app.state_code).await?)
}

// ----- the admin's selection page -----

#[derive(Template)]
#[template(path = "review/selection.html")]
struct SelectionPage {
    chrome: Chrome,
    program: Program,
    comparison: Comparison,
    decisions: [Decision; 3],
    per_application: usize,
    errors: Vec<(String, String)>,
    /// The state whose form the errors belong to, if any.
    error_state: String,
}

impl SelectionPage {
    /// The problem with `field`, for the form of `state` ("" for the
    /// page-wide forms).
    fn error_for(&self, state: &str, field: &str) -> Option<&str> {
        if self.error_state != state {
            return None;
        }
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The problems, for the summary at the top, each with the id of the
    /// field it is about (or of the state's section).
    fn problems(&self) -> Vec<(String, &str)> {
        let st = &self.error_state;
        self.errors
            .iter()
            .map(|(f, m)| {
                let id = match (st.is_empty(), f.as_str()) {
                    (true, "per_application") => "per_application".to_owned(),
                    (true, "ranking") => "compare".to_owned(),
                    (true, _) => String::new(),
                    (false, "reviewer_id") => format!("assign-{st}"),
                    (false, "decision") => format!("decision-{st}"),
                    (false, "message") => format!("message-{st}"),
                    (false, _) => format!("app-{st}"),
                };
                (id, m.as_str())
            })
            .collect()
    }

    fn score(v: &Option<f64>) -> String {
        v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into())
    }

    fn average(v: &Option<f64>) -> String {
        v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into())
    }

    fn is_selected(a: &service::Compared) -> bool {
        a.decision == Some(Decision::Selected)
    }

    /// Offer every decision but the one already made.
    fn offers(a: &service::Compared, d: &Decision) -> bool {
        a.decision != Some(*d)
    }

    fn rank_of(v: &Option<i64>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }

    fn assignable(&self, state_code: &str) -> Vec<&service::ReviewerChoice> {
        let app = self
            .comparison
            .applications
            .iter()
            .find(|a| a.state_code == state_code);
        self.comparison
            .reviewers
            .iter()
            .filter(|r| !r.recused_from.iter().any(|s| s == state_code))
            .filter(|r| app.is_some_and(|a| !a.reviewers.iter().any(|x| x.reviewer_id == r.id)))
            .collect()
    }
}

async fn admin(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
) -> Result<(Actor, Program), AppError> {
    let actor = visitor.signed_in()?;
    let program = service::run_selection(state, &actor, slug).await?;
    Ok((actor, program))
}

async fn selection_view(
    state: &AppState,
    visitor: &Visitor,
    program: Program,
    errors: Vec<(String, String)>,
    error_state: &str,
    notice_key: &str,
) -> Result<SelectionPage, AppError> {
    let comparison = service::comparison(state, &program)
        .await
        .map_err(AppError::from)?;
    let path = format!("/programs/{}/selection", program.slug);
    let chrome = Chrome::new(visitor, format!("Selection: {}", program.name), &path)
        .with_notice(notice(notice_key));
    Ok(SelectionPage {
        chrome,
        program,
        comparison,
        decisions: Decision::ALL,
        per_application: DEFAULT_REVIEWERS_PER_APPLICATION,
        errors,
        error_state: error_state.to_owned(),
    })
}

async fn selection_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (_, program) = admin(&state, &visitor, &slug).await?;
    let page = selection_view(&state, &visitor, program, vec![], "", &done.done).await?;
    Ok(render(page)?.into_response())
}

/// After a change on the selection page: back to it with a notice, or the
/// page again with the problem.
async fn after_selection(
    state: &AppState,
    visitor: &Visitor,
    program: Program,
    result: Result<(), Refusal>,
    done: Done,
    (error_state, anchor): (&str, &str),
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(done.redirect(&format!("/programs/{}/selection#{anchor}", program.slug))),
        Err(e) => {
            let (status, errors) = problems(e)?;
            let page = selection_view(state, visitor, program, errors, error_state, "").await?;
            Ok((status, render(page)?).into_response())
        }
    }
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    reviewer_id: String,
}

impl AssignForm {
    fn reviewer(&self) -> Result<i64, Refusal> {
        self.reviewer_id
            .trim()
            .parse()
            .map_err(|_| Refusal::field("reviewer_id", "Choose a reviewer."))
    }
}

async fn assign(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<Response, AppError> {
    let (actor, program) = admin(&state, &visitor, &slug).await?;
    let code = form.state.trim().to_uppercase();
    let result = match form.reviewer() {
        Ok(id) => service::assign(&state, &actor, &program, &code, id).await,
        Err(e) => Err(e),
    };
    after_selection(
        &state,
        &visitor,
        program,
        result,
        Done::ReviewerAssigned,
        (&code, &format!("app-{code}")),
    )
    .await
}

async fn unassign(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<Response, AppError> {
    let (actor, program) = admin(&state, &visitor, &slug).await?;
    let code = form.state.trim().to_uppercase();
    let result = match form.reviewer() {
        Ok(id) => service::unassign(&state, &actor, &program, &code, id).await,
        Err(e) => Err(e),
    };
    after_selection(
        &state,
        &visitor,
        program,
        result,
        Done::ReviewerRemoved,
        (&code, &format!("app-{code}")),
    )
    .await
}

#[derive(Deserialize)]
struct AutoForm {
    #[serde(default)]
    per_application: String,
}

async fn auto_assign(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<AutoForm>,
) -> Result<Response, AppError> {
    let (actor, program) = admin(&state, &visitor, &slug).await?;
    let per = form.per_application.trim().parse::<i64>().unwrap_or(0);
    let result = service::assign_automatically(&state, &actor, &program, per)
        .await
        .map(|_| ());
    after_selection(
        &state,
        &visitor,
        program,
        result,
        Done::ReviewersAssigned,
        ("", "assign"),
    )
    .await
}

async fn rank(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (actor, program) = admin(&state, &visitor, &slug).await?;
    let typed: BTreeMap<String, String> = form
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("rank-").map(|s| (s.to_uppercase(), v)))
        .collect();
    let result = service::rank(&state, &actor, &program, &typed).await;
    after_selection(
        &state,
        &visitor,
        program,
        result,
        Done::RankingSaved,
        ("", "compare"),
    )
    .await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    message: String,
}

async fn decide(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let (actor, program) = admin(&state, &visitor, &slug).await?;
    let code = form.state.trim().to_uppercase();
    let result = service::decide(
        &state,
        &actor,
        &program,
        &code,
        &form.decision,
        &form.message,
    )
    .await;
    after_selection(
        &state,
        &visitor,
        program,
        result,
        Done::DecisionSent,
        (&code, &format!("app-{code}")),
    )
    .await
}
