//! `/api/v1/frameworks` and `/api/v1/crosswalk`: the frameworks, read-only,
//! for anyone holding a token.

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CrosswalkRow, Framework};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::ApiError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_frameworks))
        .routes(routes!(get_framework))
        .routes(routes!(crosswalk))
}

/// Every framework, with its elements (definitions and strategies) or components.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "frameworks",
    responses((status = 200, body = Vec<Framework>), (status = 401, body = crate::web::api_error::ErrorResponse)))]
async fn list_frameworks(State(state): State<AppState>, _user: ApiUser) -> Json<Vec<Framework>> {
    Json(state.frameworks.frameworks.clone())
}

/// One framework.
#[utoipa::path(get, path = "/api/v1/frameworks/{slug}", tag = "frameworks", params(("slug" = String, Path, description = "The framework's short name, e.g. six-key-elements")),
    responses((status = 200, body = Framework), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 404, body = crate::web::api_error::ErrorResponse)))]
async fn get_framework(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Framework>, ApiError> {
    state
        .frameworks
        .get(&slug)
        .cloned()
        .map(Json)
        .ok_or(ApiError::NOT_FOUND)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CrosswalkQuery {
    /// The elements framework whose crosswalk to give (default six-key-elements).
    framework: Option<String>,
}

/// The crosswalk of the Career Pathways Six Key Elements to the Programs of
/// Study components (seed 003, Table 2): one object per element, with the
/// components' names and the common features.
#[utoipa::path(get, path = "/api/v1/crosswalk", tag = "frameworks", params(CrosswalkQuery),
    responses((status = 200, body = Vec<CrosswalkRow>), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 404, body = crate::web::api_error::ErrorResponse)))]
async fn crosswalk(
    State(state): State<AppState>,
    _user: ApiUser,
    Query(q): Query<CrosswalkQuery>,
) -> Result<Json<Vec<CrosswalkRow>>, ApiError> {
    let slug = q.framework.as_deref().unwrap_or(super::SIX_KEY_ELEMENTS);
    state
        .frameworks
        .crosswalk(slug)
        .map(Json)
        .ok_or(ApiError::NOT_FOUND)
}
