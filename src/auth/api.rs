//! Bearer-token authentication for `/api/v1`, and the account routes:
//! `/api/v1/me` and `/api/v1/people`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::invite::{self, InviteRequest};
use super::policy::Action;
use super::{Actor, Grant, guard};
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub use super::api_user::ApiUser;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(two_step_status))
        .routes(routes!(list_sessions, end_all_sessions))
        .routes(routes!(end_session))
        .routes(routes!(turn_off_person))
        .routes(routes!(turn_on_person))
        .routes(routes!(list_people, invite_person))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: Vec<Grant>,
}

/// The account the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorResponse)))]
async fn me(ApiUser(Actor { user, .. }): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.id,
        email: user.email,
        name: user.name,
        roles: user.grants,
    })
}

/// The caller's personal access tokens, newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts",
    responses((status = 200, body = Vec<crate::auth::tokens::Token>), (status = 401, body = ErrorResponse)))]
async fn list_tokens(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<super::tokens::Token>>, ApiError> {
    Ok(Json(super::tokens::list(&state, &api).await?))
}

/// Makes a token for the caller. The token's text is in this answer only: it is never shown again.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = crate::auth::tokens::NewToken,
    responses((status = 201, body = crate::auth::tokens::Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn create_token(
    State(state): State<AppState>,
    api: ApiUser,
    body: ApiJson<super::tokens::NewToken>,
) -> Result<(StatusCode, Json<super::tokens::Created>), ApiError> {
    let created = super::tokens::create(&state, &api, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revokes one of the caller's tokens at once.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "The token's number")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn revoke_token(
    State(state): State<AppState>,
    api: ApiUser,
    crate::web::Path(id): crate::web::Path<i64>,
) -> Result<StatusCode, ApiError> {
    super::tokens::revoke(&state, &api, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the caller's sign-in asks for a code from an authenticator app. It is set up on the account page, where the app's QR code is shown.
#[utoipa::path(get, path = "/api/v1/me/two-step", tag = "accounts",
    responses((status = 200, body = crate::auth::two_step::Status), (status = 401, body = ErrorResponse)))]
async fn two_step_status(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<super::two_step::Status>, ApiError> {
    guard::api(&state, &api, Action::UseOwnAccount).await?;
    Ok(Json(super::two_step::status(&state, &api.user).await?))
}

/// Where the caller is signed in on the web: live sessions, the most recently used first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts",
    responses((status = 200, body = Vec<crate::auth::sessions::SessionInfo>), (status = 401, body = ErrorResponse)))]
async fn list_sessions(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<super::sessions::SessionInfo>>, ApiError> {
    Ok(Json(super::sessions::list(&state, &api, None).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Ended {
    /// How many sessions ended.
    pub ended: u64,
}

/// Signs the caller out everywhere on the web (tokens keep working).
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "accounts",
    responses((status = 200, body = Ended), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn end_all_sessions(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Ended>, ApiError> {
    let ended = super::sessions::end_all(&state, &api, None).await?;
    Ok(Json(Ended { ended }))
}

/// Ends one of the caller's sessions.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts",
    params(("id" = String, Path, description = "The session's id from the list")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn end_session(
    State(state): State<AppState>,
    api: ApiUser,
    crate::web::Path(id): crate::web::Path<String>,
) -> Result<StatusCode, ApiError> {
    super::sessions::end(&state, &api, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns an account off (administrators): its sessions end and its tokens are revoked at once.
#[utoipa::path(post, path = "/api/v1/people/{id}/disable", tag = "accounts",
    params(("id" = i64, Path, description = "The person's account number")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn turn_off_person(
    State(state): State<AppState>,
    api: ApiUser,
    crate::web::Path(id): crate::web::Path<i64>,
) -> Result<StatusCode, ApiError> {
    super::standing::turn_off(&state, &api, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns an account back on (administrators), whether an administrator or a long time unused turned it off.
#[utoipa::path(post, path = "/api/v1/people/{id}/enable", tag = "accounts",
    params(("id" = i64, Path, description = "The person's account number")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn turn_on_person(
    State(state): State<AppState>,
    api: ApiUser,
    crate::web::Path(id): crate::web::Path<i64>,
) -> Result<StatusCode, ApiError> {
    super::standing::turn_on(&state, &api, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everyone with an account (administrators only).
#[utoipa::path(get, path = "/api/v1/people", tag = "accounts",
    responses((status = 200, body = Vec<crate::auth::people::Person>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn list_people(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<super::people::Person>>, ApiError> {
    Ok(Json(super::people::everyone(&state, &api).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Invited {
    pub id: i64,
}

/// Invites a person: creates the account, gives the role and emails a link to choose a password.
#[utoipa::path(post, path = "/api/v1/people", tag = "accounts", request_body = InviteRequest,
    responses((status = 201, body = Invited), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
        (status = 422, description = "A field is wrong; `fields` names it", body = ErrorResponse)))]
async fn invite_person(
    State(state): State<AppState>,
    api: ApiUser,
    body: ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let id = invite::invite(&state, &api, body).await?;
    Ok((StatusCode::CREATED, Json(Invited { id })))
}
