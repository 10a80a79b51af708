//! `/api/v1/programs/{slug}/plans/{state}`: the state's action plan with
//! its progress; goals, steps and milestones (the lead, the coach, the
//! admin); step status and progress updates with evidence files (the whole
//! team and the coach); the evidence downloads and the spreadsheet.

use crate::web::Path;
use crate::web::api::Created;
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{
    self, GoalInput, MilestoneInput, PlanView, StatusInput, StepInput, Suggestion, UpdateInput,
};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_plan))
        .routes(routes!(add_goal))
        .routes(routes!(change_goal, remove_goal))
        .routes(routes!(add_step))
        .routes(routes!(change_step, remove_step))
        .routes(routes!(set_step_status))
        .routes(routes!(add_milestone))
        .routes(routes!(change_milestone, remove_milestone))
        .routes(routes!(add_update))
        .routes(routes!(attach_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(get_xlsx))
}

/// The plan and, while it has no goals, the priorities to start from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanResponse {
    #[serde(flatten)]
    pub plan: PlanView,
    /// The state's ranked priorities from its latest snapshot (offered as goals).
    pub suggestions: Vec<Suggestion>,
}

const STATE: &str = "Two-letter postal code";

/// The state's plan: goals with their steps (and which are overdue), milestones, updates with evidence, and progress per goal and overall (the team, its coach, the admin, the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/plans/{state}", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE)),
    responses((status = 200, body = PlanResponse), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_plan(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<PlanResponse>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    let plan = service::view(&state, &scope).await?;
    let suggestions = if plan.goals.is_empty() {
        service::suggestions(&state, &scope).await?
    } else {
        vec![]
    };
    Ok(Json(PlanResponse { plan, suggestions }))
}

/// Adds a goal tied to an element (and optionally one of its strategies); makes the plan on first use (the lead, the coach, the admin).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/plans/{state}/goals", tag = "plans", request_body = GoalInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE)),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_goal(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<GoalInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    let id = service::add_goal(&state, &api.user, &api.ip, &scope, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a goal (the lead, the coach, the admin).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/plans/{state}/goals/{goal}", tag = "plans", request_body = GoalInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("goal" = i64, Path, description = "The goal's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn change_goal(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, goal)): Path<(String, String, i64)>,
    body: ApiJson<GoalInput>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    service::change_goal(&state, &api.user, &api.ip, &scope, goal, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a goal with its steps, milestones, updates and evidence (the lead, the coach, the admin).
#[utoipa::path(delete, path = "/api/v1/programs/{slug}/plans/{state}/goals/{goal}", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("goal" = i64, Path, description = "The goal's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn remove_goal(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, goal)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    service::remove_goal(&state, &api.user, &api.ip, &scope, goal).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an action step to a goal (the lead, the coach, the admin).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/steps", tag = "plans", request_body = StepInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("goal" = i64, Path, description = "The goal's id")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, goal)): Path<(String, String, i64)>,
    body: ApiJson<StepInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    let id = service::add_step(&state, &api.user, &api.ip, &scope, goal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes everything about a step: text, owner, due date, status, activity (the lead, the coach, the admin).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/plans/{state}/steps/{step}", tag = "plans", request_body = StepInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("step" = i64, Path, description = "The step's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn change_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, step)): Path<(String, String, i64)>,
    body: ApiJson<StepInput>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    service::change_step(&state, &api.user, &api.ip, &scope, step, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a step (the lead, the coach, the admin).
#[utoipa::path(delete, path = "/api/v1/programs/{slug}/plans/{state}/steps/{step}", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("step" = i64, Path, description = "The step's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn remove_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, step)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    service::remove_step(&state, &api.user, &api.ip, &scope, step).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a step along: its status (done sets the date it was done) (the whole team, the coach, the admin).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/plans/{state}/steps/{step}/status", tag = "plans", request_body = StatusInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("step" = i64, Path, description = "The step's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn set_step_status(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, step)): Path<(String, String, i64)>,
    body: ApiJson<StatusInput>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_update).await?;
    let input = body.parse()?;
    service::set_status(&state, &api.user, &api.ip, &scope, step, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a milestone: one of the goal's element's strategies, with a target date (the lead, the coach, the admin).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/milestones", tag = "plans", request_body = MilestoneInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("goal" = i64, Path, description = "The goal's id")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_milestone(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, goal)): Path<(String, String, i64)>,
    body: ApiJson<MilestoneInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    let id = service::add_milestone(&state, &api.user, &api.ip, &scope, goal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a milestone's target date and the date it was reached (null: not yet) (the lead, the coach, the admin). `strategy_key` is ignored.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/plans/{state}/milestones/{milestone}", tag = "plans", request_body = MilestoneInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("milestone" = i64, Path, description = "The milestone's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn change_milestone(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, milestone)): Path<(String, String, i64)>,
    body: ApiJson<MilestoneInput>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    let input = body.parse()?;
    service::change_milestone(
        &state,
        &api.user,
        &api.ip,
        &scope,
        milestone,
        &input.target_on,
        &input.reached_on,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a milestone (the lead, the coach, the admin).
#[utoipa::path(delete, path = "/api/v1/programs/{slug}/plans/{state}/milestones/{milestone}", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("milestone" = i64, Path, description = "The milestone's id")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn remove_milestone(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, milestone)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_edit).await?;
    service::remove_milestone(&state, &api.user, &api.ip, &scope, milestone).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a dated progress update on a goal, optionally about one of its steps (the whole team, the coach, the admin). Attach files with the evidence route.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/updates", tag = "plans", request_body = UpdateInput,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("goal" = i64, Path, description = "The goal's id")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_update(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, goal)): Path<(String, String, i64)>,
    body: ApiJson<UpdateInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_update).await?;
    let input = body.parse()?;
    let id = service::add_update(&state, &api.user, &api.ip, &scope, goal, &input, &[]).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Attached {
    /// The ids of the evidence files added.
    pub ids: Vec<i64>,
}

/// Attaches evidence files to a progress update: `multipart/form-data` with one or more parts named `evidence` (PDF, PNG, JPEG, DOCX or XLSX, judged by content, 10 MB each, at most 5) (the whole team, the coach, the admin). A refused file is named in the `evidence` field error and nothing is kept.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/plans/{state}/updates/{update}/evidence", tag = "plans",
    request_body(content = String, content_type = "multipart/form-data", description = "Parts named `evidence`, each a file with its file name"),
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("update" = i64, Path, description = "The update's id")),
    responses((status = 201, body = Attached), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn attach_evidence(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, update)): Path<(String, String, i64)>,
    req: Request,
) -> Result<(StatusCode, Json<Attached>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_update).await?;
    let unreadable = || {
        ApiError::field(
            "evidence",
            "Send the files as multipart/form-data, in parts named evidence.",
        )
    };
    let mut multipart = axum::extract::Multipart::from_request(req, &state)
        .await
        .map_err(|_| unreadable())?;
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("evidence") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|_| unreadable())?.to_vec();
        files.push((name, bytes));
    }
    let ids = service::attach(&state, &api.user, &api.ip, &scope, update, &files).await?;
    Ok((StatusCode::CREATED, Json(Attached { ids })))
}

/// Downloads an evidence file (those who may read the plan).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/plans/{state}/evidence/{evidence}", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE), ("evidence" = i64, Path, description = "The evidence file's id")),
    responses((status = 200, description = "The file, as the kind it was judged to be by its content", content(
        (Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"))), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_evidence(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, evidence)): Path<(String, String, i64)>,
) -> Result<Response, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    let (name, content_type, bytes) = service::evidence_file(&state, &scope, evidence).await?;
    Ok(crate::web::download::attachment(
        &name,
        &content_type,
        bytes,
    ))
}

/// The plan as a spreadsheet: Goals, Steps, Milestones and Updates sheets (those who may read the plan).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/plans/{state}/plan.xlsx", tag = "plans",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = STATE)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_xlsx(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(service::spreadsheet(&state, &scope).await?)
}
