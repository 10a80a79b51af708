//! Pages to change a goal, a step or a milestone after it was added (the
//! plan's editors): one small form each, with the problems next to the
//! fields and what was typed kept.

use std::collections::HashMap;

use crate::web::Done;
use crate::web::Path;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::StepStatus;
use super::handlers::{back_to_plan, base, ctx, field, goal_input, opt, step_input};
use super::service::{self, Scope};
use crate::assessment::instrument::ElementGroup;
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/programs/{slug}/plans/{state}/goals/{goal}/edit",
            goal_page,
        )
        .post(
            "/programs/{slug}/plans/{state}/goals/{goal}/edit",
            save_goal,
        )
        .get(
            "/programs/{slug}/plans/{state}/steps/{step}/edit",
            step_page,
        )
        .post(
            "/programs/{slug}/plans/{state}/steps/{step}/edit",
            save_step,
        )
        .get(
            "/programs/{slug}/plans/{state}/milestones/{milestone}/edit",
            milestone_page,
        )
        .post(
            "/programs/{slug}/plans/{state}/milestones/{milestone}/edit",
            save_milestone,
        )
}

#[derive(Deserialize)]
struct ItemPath {
    slug: String,
    state: String,
    #[serde(alias = "goal", alias = "step", alias = "milestone")]
    id: i64,
}

#[derive(Template)]
#[template(path = "plan/edit.html")]
struct EditPage {
    chrome: Chrome,
    scope: Scope,
    base: String,
    /// goal, step or milestone.
    kind: &'static str,
    action: String,
    heading: String,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
    elements: Vec<ElementGroup>,
    owners: Vec<(i64, String, String)>,
    activities: Vec<(i64, String, String)>,
    statuses: [StepStatus; 4],
}

impl EditPage {
    fn v(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    fn err(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    fn is(&self, field: &str, value: &str) -> bool {
        self.values.get(field).map(|v| v.trim()) == Some(value)
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    visitor: &Visitor,
    scope: Scope,
    (kind, id, heading): (&'static str, i64, String),
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let base = base(&scope);
    let action = format!("{base}/{kind}s/{id}/edit");
    let owners = service::owners(state, &scope).await?;
    let activities = service::activities(state, &scope).await?;
    let chrome = Chrome::new(visitor, heading.clone(), &base);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = EditPage {
        chrome,
        elements: scope.instrument.elements(),
        scope,
        base,
        kind,
        action,
        heading,
        values,
        errors,
        owners,
        activities,
        statuses: StepStatus::ALL,
    };
    Ok((status, render(page)?).into_response())
}

// ----- goals -----

async fn goal_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let (_, g) = service::goal_of(&state, &scope, p.id).await?;
    let values = HashMap::from([
        ("title".to_owned(), g.title.clone()),
        ("description".to_owned(), g.description),
        ("element_key".to_owned(), g.element_key),
        (
            "strategy_key".to_owned(),
            g.strategy_key.unwrap_or_default(),
        ),
    ]);
    let heading = format!("Change the goal: {}", g.title);
    page(
        &state,
        &visitor,
        scope,
        ("goal", p.id, heading),
        values,
        vec![],
    )
    .await
}

async fn save_goal(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let (_, g) = service::goal_of(&state, &scope, p.id).await?;
    let input = goal_input(&form);
    match service::change_goal(&state, &user, &visitor.ip, &scope, p.id, &input).await {
        Ok(()) => Ok(back_to_plan(
            &scope,
            Done::GoalSaved,
            &format!("goal-{}", p.id),
        )),
        Err(Refusal::Invalid(errors)) => {
            let heading = format!("Change the goal: {}", g.title);
            page(
                &state,
                &visitor,
                scope,
                ("goal", p.id, heading),
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ----- steps -----

async fn step_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let (_, s) = service::step_of(&state, &scope, p.id).await?;
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let values = HashMap::from([
        ("text".to_owned(), s.text),
        ("owner_id".to_owned(), id(s.owner_id)),
        ("due_on".to_owned(), s.due_on),
        ("status".to_owned(), s.status.as_str().to_owned()),
        ("activity_id".to_owned(), id(s.activity_id)),
    ]);
    let heading = "Change the step".to_owned();
    page(
        &state,
        &visitor,
        scope,
        ("step", p.id, heading),
        values,
        vec![],
    )
    .await
}

async fn save_step(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    service::step_of(&state, &scope, p.id).await?;
    let result = match step_input(&form) {
        Ok(input) => service::change_step(&state, &user, &visitor.ip, &scope, p.id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(back_to_plan(
            &scope,
            Done::StepSaved,
            &format!("step-{}", p.id),
        )),
        Err(Refusal::Invalid(errors)) => {
            let heading = "Change the step".to_owned();
            page(
                &state,
                &visitor,
                scope,
                ("step", p.id, heading),
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ----- milestones -----

async fn milestone_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let (_, m) = service::milestone_of(&state, &scope, p.id).await?;
    let values = HashMap::from([
        ("target_on".to_owned(), m.target_on),
        ("reached_on".to_owned(), m.reached_on.unwrap_or_default()),
    ]);
    let heading = format!("Change the milestone: {}", m.text);
    page(
        &state,
        &visitor,
        scope,
        ("milestone", p.id, heading),
        values,
        vec![],
    )
    .await
}

async fn save_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ItemPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let (_, m) = service::milestone_of(&state, &scope, p.id).await?;
    let target = field(&form, "target_on");
    let reached = opt(&form, "reached_on");
    match service::change_milestone(&state, &user, &visitor.ip, &scope, p.id, &target, &reached)
        .await
    {
        Ok(()) => Ok(back_to_plan(
            &scope,
            Done::MilestoneSaved,
            &format!("milestone-{}", p.id),
        )),
        Err(Refusal::Invalid(errors)) => {
            let heading = format!("Change the milestone: {}", m.text);
            page(
                &state,
                &visitor,
                scope,
                ("milestone", p.id, heading),
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
