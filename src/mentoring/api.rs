//! `/api/v1` for peer mentoring: the proposal and the confirmed groups,
//! and confirming groups.

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, Peers};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_peers, put_peers))
}

/// The confirmed peer-mentoring groups with their reasons (the program's states, their coaches, the admin, the federal officer), and for the admin the groups proposed from each state's latest snapshot.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/peers", tag = "mentoring",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Peers), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_peers(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Peers>, ApiError> {
    let program = service::open(&state, &api, &slug, service::may_view).await?;
    Ok(Json(service::peers(&state, &api, &program).await?.1))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// Each group's state codes, 2 or 3 to a group, each state at most
    /// once; states left out are in no group. Replaces the groups
    /// confirmed before (an empty list removes them all).
    #[schema(example = json!([["KS", "MN"], ["CO", "MA", "OR"]]))]
    pub groups: Vec<Vec<String>>,
}

/// Confirms the peer-mentoring groups, replacing those confirmed before (the admin). Each group keeps the proposal's reason when it was proposed, otherwise gets one from the same rules. Bad groups are refused naming `groups[i]` or `groups[i][j]`, and nothing changes.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/peers", tag = "mentoring", request_body = ConfirmRequest,
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Peers), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_peers(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<ConfirmRequest>,
) -> Result<Json<Peers>, ApiError> {
    let program = service::open(&state, &api, &slug, service::may_manage).await?;
    let req = body.parse()?;
    service::confirm(&state, &api, &program, &req.groups).await?;
    Ok(Json(service::peers(&state, &api, &program).await?.1))
}
