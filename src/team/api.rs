//! `/api/v1/programs/{slug}/teams/{state}`: the roster and its coverage;
//! the lead's changes to it; the admin's choice of coach.

use crate::web::Path;
use crate::web::api::Created;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::NewMemberRequest;
use super::service::{self, TeamView};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_team))
        .routes(routes!(add_member))
        .routes(routes!(put_member, delete_member))
        .routes(routes!(reinvite_member))
        .routes(routes!(put_coach))
}

/// The state team: roster, coach and coverage of required sectors (the team, its coach, the admin, the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/teams/{state}", tag = "teams",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = TeamView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_team(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<TeamView>, ApiError> {
    let (program, code) = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(Json(service::view(&state, &program, &code).await?))
}

/// Adds a member and emails them an invitation (the team's lead, or an admin). Errors name member_name, member_email, member_agency, member_sector, member_level or member_role.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/teams/{state}/members", tag = "teams", request_body = NewMemberRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_member(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<NewMemberRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (program, code) = service::open(&state, &api, (&slug, &code), service::may_manage).await?;
    let req = body.parse()?;
    let id = service::add_member(&state, &api, &program, &code, &req).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RoleRequest {
    /// lead or member.
    #[schema(value_type = crate::team::TeamRole)]
    pub role: String,
}

/// Changes a member's role; a team always keeps a lead (the team's lead, or an admin).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/teams/{state}/members/{id}", tag = "teams", request_body = RoleRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Would leave the team without a lead", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_member(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, id)): Path<(String, String, i64)>,
    body: ApiJson<RoleRequest>,
) -> Result<StatusCode, ApiError> {
    let (program, code) = service::open(&state, &api, (&slug, &code), service::may_manage).await?;
    let req = body.parse()?;
    service::change_role(&state, &api, &program, &code, id, &req.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member and their access to the team (the team's lead, or an admin).
#[utoipa::path(delete, path = "/api/v1/programs/{slug}/teams/{state}/members/{id}", tag = "teams",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "The only lead", body = ErrorResponse)))]
async fn delete_member(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, id)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let (program, code) = service::open(&state, &api, (&slug, &code), service::may_manage).await?;
    service::remove_member(&state, &api, &program, &code, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a member who has not yet accepted a new invitation link (the team's lead, or an admin).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/teams/{state}/members/{id}/reinvite", tag = "teams",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already accepted, or no email", body = ErrorResponse)))]
async fn reinvite_member(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code, id)): Path<(String, String, i64)>,
) -> Result<StatusCode, ApiError> {
    let (program, code) = service::open(&state, &api, (&slug, &code), service::may_manage).await?;
    service::reinvite(&state, &api, &program, &code, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CoachRequest {
    /// The id of a person who holds the coach role.
    pub user_id: i64,
}

/// Makes a coach the state team's coach, replacing any other (admins).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/teams/{state}/coach", tag = "teams", request_body = CoachRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, description = "Not a coach", body = ErrorResponse)))]
async fn put_coach(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<CoachRequest>,
) -> Result<StatusCode, ApiError> {
    let at = (slug.as_str(), code.as_str());
    let (program, code) = service::open(&state, &api, at, service::may_choose_coach).await?;
    let coach = body.parse()?.user_id;
    service::assign_coach(&state, &api, &program, &code, coach).await?;
    Ok(StatusCode::NO_CONTENT)
}
