//! `/api/v1/programs/{slug}/applications/{state}`: read the application,
//! replace the draft, submit, withdraw.

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, ChangeError, WholeDraft};
use super::store::{self, Application};
use super::{ExtensionRequest, MemberRequest};
use crate::app::AppState;
use crate::auth::api::ApiUser;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::program::store::Program;
use crate::web::api_error::{ErrorResponse, FieldError};
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}/letter");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::EditApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    service::open(&state, &api.user, &api.ip, &program, &code)
        .await
        .map_err(change_error)?;
    service::upload_letter(
        &state,
        &api.user,
        &api.ip,
        &program,
        &code,
        body.to_vec(),
        &q.filename,
    )
    .await
    .map_err(change_error)?;
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}/letter");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::ViewApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    match super::handlers::letter_response(&state, &program, &code).await {
        Ok(Some((name, bytes))) => Ok(super::handlers::pdf_download(&name, bytes)),
        Ok(None) => Err(ApiError::NotFound),
        Err(e) => Err(ApiError::Internal(anyhow::anyhow!("{e}"))),
    }
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

async fn program(state: &AppState, slug: &str) -> Result<Program, ApiError> {
    crate::program::store::find_by_slug(&state.db.pool, slug)
        .await?
        .ok_or(ApiError::NotFound)
}

fn change_error(e: ChangeError) -> ApiError {
    match e {
        ChangeError::Invalid(fields) => ApiError::Invalid(
            fields
                .into_iter()
                .map(|(field, message)| FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        ),
        ChangeError::Late { .. } => ApiError::Invalid(vec![FieldError {
            field: "submitted_at".into(),
            message: e.message(),
        }]),
        ChangeError::NotDraft(_) => ApiError::Conflict(e.message()),
        ChangeError::Db(e) => ApiError::Internal(e.into()),
        ChangeError::Other(e) => ApiError::Internal(e),
    }
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::ViewApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    let id = store::find(&state.db.pool, program.id, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        store::load(&state.db.pool, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::EditApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    let req = body.parse()?;
    service::open(&state, &api.user, &api.ip, &program, &code)
        .await
        .map_err(change_error)?;
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
    service::replace(&state, &api.user, &api.ip, &program, &code, &whole)
        .await
        .map_err(change_error)?;
    let id = store::find(&state.db.pool, program.id, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        store::load(&state.db.pool, id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}/submit");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::EditApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    if store::find(&state.db.pool, program.id, &code)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    Ok(Json(
        service::submit(&state, &api.user, &api.ip, &program, &code)
            .await
            .map_err(change_error)?,
    ))
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}/withdraw");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::EditApplication {
            program_id: program.id,
            state_code: code.clone(),
        },
    )
    .await?;
    if store::find(&state.db.pool, program.id, &code)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    service::withdraw(&state, &api.user, &api.ip, &program, &code)
        .await
        .map_err(change_error)?;
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
    let program = program(&state, &slug).await?;
    let code = code.to_uppercase();
    let path = format!("/api/v1/programs/{slug}/applications/{code}/extension");
    guard::api(
        &state,
        &api.user,
        &api.ip,
        &path,
        Action::GrantExtension {
            program_id: program.id,
        },
    )
    .await?;
    let req = body.parse()?;
    if store::find(&state.db.pool, program.id, &code)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    Ok(Json(
        service::set_extension(&state, &api.user, &api.ip, &program, &code, &req)
            .await
            .map_err(change_error)?,
    ))
}
