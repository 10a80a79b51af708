//! `/api/v1/programs/{slug}/applications/{state}`: read the application,
//! replace the draft, submit, withdraw.

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, WholeDraft};
use super::store::Application;
use super::{ExtensionRequest, MemberRequest};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_application, replace_draft))
        .routes(routes!(submit_application))
        .routes(routes!(withdraw_application))
        .routes(routes!(get_letter, put_letter))
        .routes(routes!(put_extension))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LetterQuery {
    /// The file's name, for display (made safe).
    #[serde(default)]
    pub filename: String,
}

/// Uploads the signed letter of commitment: the PDF as the request body (the state lead).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/applications/{state}/letter", tag = "applications",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), LetterQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 409, body = ErrorResponse),
        (status = 422, description = "Not a PDF, empty, or too large; `fields` names letter_file", body = ErrorResponse)))]
async fn put_letter(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    crate::web::Query(q): crate::web::Query<LetterQuery>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_edit).await?;
    service::open(&state, &api, &program, &code).await?;
    service::upload_letter(&state, &api, &program, &code, body.to_vec(), &q.filename).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Downloads the signed letter of commitment (those who may read the application).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/applications/{state}/letter", tag = "applications",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_letter(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(service::letter(&state, &program, &code).await?)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerRequest {
    pub question_id: i64,
    pub answer: String,
}

/// The whole draft: answers, proposed team and the letter's signer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DraftRequest {
    pub answers: Vec<AnswerRequest>,
    pub members: Vec<MemberRequest>,
    pub signer_name: String,
    pub signer_title: String,
    /// The three commitments of the letter, confirmed or not, in order.
    pub commitments: [bool; 3],
    /// General TA programs only: the keys of the priority components chosen
    /// (partnerships, vision, alignment, services, professional_development, data, funding).
    pub priorities: Vec<String>,
}

/// A state's application (its team, its lead, the admin and the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/applications/{state}", tag = "applications",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Application), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_application(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<Application>, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(Json(service::current(&state, &program, &code).await?))
}

/// Replaces the state's draft (starting it if needed): all of it or nothing (the state lead).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/applications/{state}", tag = "applications", request_body = DraftRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Application), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
        (status = 409, description = "Already submitted or withdrawn", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn replace_draft(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<DraftRequest>,
) -> Result<Json<Application>, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_edit).await?;
    let req = body.parse()?;
    service::open(&state, &api, &program, &code).await?;
    let whole = WholeDraft {
        answers: req
            .answers
            .into_iter()
            .map(|a| (a.question_id, a.answer))
            .collect(),
        members: req.members,
        signer_name: req.signer_name,
        signer_title: req.signer_title,
        commitments: req.commitments,
        priorities: req.priorities,
    };
    service::replace(&state, &api, &program, &code, &whole).await?;
    Ok(Json(service::current(&state, &program, &code).await?))
}

/// Submits the draft before the deadline; a confirmation email follows (the state lead).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/applications/{state}/submit", tag = "applications",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Application), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
        (status = 409, body = ErrorResponse), (status = 422, description = "Incomplete, or after the deadline", body = ErrorResponse)))]
async fn submit_application(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<Application>, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_edit).await?;
    service::current(&state, &program, &code).await?;
    Ok(Json(service::submit(&state, &api, &program, &code).await?))
}

/// Withdraws a submitted application (the state lead).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/applications/{state}/withdraw", tag = "applications",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn withdraw_application(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (program, code) = service::allowed(&state, &api, (&slug, &code), service::may_edit).await?;
    service::current(&state, &program, &code).await?;
    service::withdraw(&state, &api, &program, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Grants the state a later deadline on the program's clock, or removes it with empty values (administrators only).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/applications/{state}/extension", tag = "applications", request_body = ExtensionRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Application), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 422, description = "Not a date and time after the program's deadline; `fields` names until_date or until_time", body = ErrorResponse)))]
async fn put_extension(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<ExtensionRequest>,
) -> Result<Json<Application>, ApiError> {
    let (program, code) =
        service::allowed(&state, &api, (&slug, &code), service::may_extend).await?;
    let req = body.parse()?;
    service::current(&state, &program, &code).await?;
    Ok(Json(
        service::set_extension(&state, &api, &program, &code, &req).await?,
    ))
}
