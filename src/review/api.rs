//! `/api/v1` for review and selection: a reviewer's assignments and scores;
//! the admin's assignments, comparison, ranking and decisions.

use std::collections::BTreeMap;

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ReviewRequest;
use super::service::{self, Comparison, Review};
use super::store::{self, Assignment};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_assignments))
        .routes(routes!(get_review, put_review))
        .routes(routes!(get_selection))
        .routes(routes!(add_assignment))
        .routes(routes!(remove_assignment))
        .routes(routes!(auto_assign))
        .routes(routes!(put_ranking))
        .routes(routes!(put_decision))
}

/// The applications assigned to the caller in this program (reviewers).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/reviews", tag = "review",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Vec<Assignment>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn my_assignments(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Assignment>>, ApiError> {
    Ok(Json(service::my_assignments(&state, &api, &slug).await?.1))
}

/// The caller's review of one state's application (assigned reviewers only).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/reviews/{state}", tag = "review",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Review), (status = 401, body = ErrorResponse), (status = 403, description = "Not assigned", body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_review(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<Review>, ApiError> {
    let (program, app, a) = service::assigned(&state, &api, (&slug, &code)).await?;
    Ok(Json(service::review(&state, &program, &app, &a).await?))
}

/// Saves the caller's scores, as a draft or submitted. Errors name the field `score-<criterion id>`.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/reviews/{state}", tag = "review", request_body = ReviewRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Review), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already decided", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_review(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<ReviewRequest>,
) -> Result<Json<Review>, ApiError> {
    let (program, app, a) = service::assigned(&state, &api, (&slug, &code)).await?;
    let req = body.parse()?;
    service::save_review(&state, &api, &program, &app, &a, &req).await?;
    let a = store::assignment(&state.db.pool, app.id, api.user.id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    Ok(Json(service::review(&state, &program, &app, &a).await?))
}

/// Every submitted application side by side: scores by reviewer, average, spread, team coverage, letter, rank and decision (admins).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/selection", tag = "review",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Comparison), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_selection(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Comparison>, ApiError> {
    let program = service::run_selection(&state, &api, &slug).await?;
    Ok(Json(service::comparison(&state, &program).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssignmentRequest {
    /// Two-letter postal code of the application.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub state: String,
    pub reviewer_id: i64,
}

/// Assigns a reviewer to a submitted application; a reviewer from that state is refused (admins).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/selection/assignments", tag = "review", request_body = AssignmentRequest,
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already assigned", body = ErrorResponse), (status = 422, description = "Not a reviewer of this program, or recused", body = ErrorResponse)))]
async fn add_assignment(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<AssignmentRequest>,
) -> Result<StatusCode, ApiError> {
    let program = service::run_selection(&state, &api, &slug).await?;
    let req = body.parse()?;
    service::assign(
        &state,
        &api,
        &program,
        &req.state.trim().to_uppercase(),
        req.reviewer_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a reviewer whose review is not yet submitted (admins).
#[utoipa::path(delete, path = "/api/v1/programs/{slug}/selection/assignments/{state}/{reviewer_id}", tag = "review",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), ("reviewer_id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn remove_assignment(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, reviewer_id)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let code = code.to_uppercase();
    let program = service::run_selection(&state, &api, &slug).await?;
    service::unassign(&state, &api, &program, &code, reviewer_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AutoAssignRequest {
    /// Reviewers per application, 1 to 10.
    #[schema(minimum = 1, maximum = 10)]
    pub per_application: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AutoAssignResponse {
    /// New assignments made.
    pub assigned: usize,
}

/// Fills every undecided application up to the given number of reviewers, evenly, never a reviewer's own state (admins).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/selection/auto-assign", tag = "review", request_body = AutoAssignRequest,
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = AutoAssignResponse), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 409, description = "No reviewers", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn auto_assign(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<AutoAssignRequest>,
) -> Result<Json<AutoAssignResponse>, ApiError> {
    let program = service::run_selection(&state, &api, &slug).await?;
    let req = body.parse()?;
    let assigned =
        service::assign_automatically(&state, &api, &program, req.per_application).await?;
    Ok(Json(AutoAssignResponse { assigned }))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RankingRequest {
    /// State code to rank (1 is first); null removes a state's rank.
    pub ranks: BTreeMap<String, Option<i64>>,
}

/// Sets the ranks of submitted applications; each rank used once (admins).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/selection/ranking", tag = "review", request_body = RankingRequest,
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, description = "`fields` names ranking", body = ErrorResponse)))]
async fn put_ranking(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<RankingRequest>,
) -> Result<StatusCode, ApiError> {
    let program = service::run_selection(&state, &api, &slug).await?;
    let req = body.parse()?;
    let typed: BTreeMap<String, String> = req
        .ranks
        .into_iter()
        .map(|(s, r)| {
            (
                s.trim().to_uppercase(),
                r.map(|r| r.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    service::rank(&state, &api, &program, &typed).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionRequest {
    /// selected, waitlisted or declined.
    #[schema(value_type = crate::review::Decision)]
    pub decision: String,
    /// Included in the email to the state's lead.
    pub message: String,
}

/// Records the decision on a submitted application and emails the state's lead; selecting forms the state team and invites its members (admins).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/applications/{state}/decision", tag = "review", request_body = DecisionRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already selected, or the same decision", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_decision(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<DecisionRequest>,
) -> Result<StatusCode, ApiError> {
    let code = code.to_uppercase();
    let program = service::run_selection(&state, &api, &slug).await?;
    let req = body.parse()?;
    service::decide(&state, &api, &program, &code, &req.decision, &req.message).await?;
    Ok(StatusCode::NO_CONTENT)
}
