//! `/api/v1/programs` and `/api/v1/jurisdictions`.

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::create::NewProgramRequest;
use super::settings::ProgramSettings;
use super::store::{self, Jurisdiction, Program, ProgramDetail};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programs, create_program))
        .routes(routes!(get_program, update_program))
        .routes(routes!(get_settings))
        .routes(routes!(list_jurisdictions))
}

/// One program with its timeline, commitments, required sectors, key questions and rubric.
#[utoipa::path(get, path = "/api/v1/programs/{slug}", tag = "programs", params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = ProgramDetail), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 404, body = crate::web::api_error::ErrorResponse)))]
async fn get_program(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<ProgramDetail>, ApiError> {
    Ok(Json(super::load_detail(&state, &slug).await?))
}

/// Creates a program from a template (administrators only).
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = NewProgramRequest,
    responses((status = 201, body = ProgramDetail), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 403, body = crate::web::api_error::ErrorResponse),
        (status = 422, description = "A field is wrong; `fields` names it", body = crate::web::api_error::ErrorResponse)))]
async fn create_program(
    State(state): State<AppState>,
    api: ApiUser,
    body: ApiJson<NewProgramRequest>,
) -> Result<(StatusCode, Json<ProgramDetail>), ApiError> {
    let slug = super::service::create(&state, &api, body).await?;
    let detail = super::load_detail(&state, &slug).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Every program.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, body = Vec<Program>), (status = 401, body = crate::web::api_error::ErrorResponse)))]
async fn list_programs(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<Program>>, ApiError> {
    Ok(Json(store::list(&state.db.pool).await?))
}

/// The 56 U.S. jurisdictions: 50 states, the District of Columbia and five territories.
#[utoipa::path(get, path = "/api/v1/jurisdictions", tag = "programs",
    responses((status = 200, body = Vec<Jurisdiction>), (status = 401, body = crate::web::api_error::ErrorResponse)))]
async fn list_jurisdictions(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<Jurisdiction>>, ApiError> {
    Ok(Json(store::jurisdictions(&state.db.pool).await?))
}

/// A program's settings as `PUT /api/v1/programs/{slug}` takes them, with the ids of its questions and criteria (administrators only).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/settings", tag = "programs", params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = ProgramSettings), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 403, body = crate::web::api_error::ErrorResponse), (status = 404, body = crate::web::api_error::ErrorResponse)))]
async fn get_settings(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<ProgramSettings>, ApiError> {
    Ok(Json(super::service::settings(&state, &api, &slug).await?.1))
}

/// Changes a program's settings: the whole settings object, as `GET .../settings` gives it (administrators only).
/// Questions and criteria keep their ids; one left out is removed, one without an id is added.
#[utoipa::path(put, path = "/api/v1/programs/{slug}", tag = "programs", request_body = ProgramSettings, params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = ProgramDetail), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 403, body = crate::web::api_error::ErrorResponse),
        (status = 404, body = crate::web::api_error::ErrorResponse),
        (status = 422, description = "A field is wrong; `fields` names it, and nothing is changed", body = crate::web::api_error::ErrorResponse)))]
async fn update_program(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<ProgramSettings>,
) -> Result<Json<ProgramDetail>, ApiError> {
    super::service::save_settings(&state, &api, &slug, body).await?;
    Ok(Json(super::load_detail(&state, &slug).await?))
}
