//! `/api/v1/programs` and `/api/v1/jurisdictions`.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::{self, Jurisdiction, Program};
use crate::app::AppState;
use crate::auth::api::ApiUser;
use crate::web::ApiError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_programs)).routes(routes!(list_jurisdictions))
}

/// Every program.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, body = Vec<Program>), (status = 401, body = crate::web::api_error::ErrorResponse)))]
async fn list_programs(State(state): State<AppState>, _user: ApiUser) -> Result<Json<Vec<Program>>, ApiError> {
    Ok(Json(store::list(&state.db.pool).await?))
}

/// The 56 U.S. jurisdictions: 50 states, the District of Columbia and five territories.
#[utoipa::path(get, path = "/api/v1/jurisdictions", tag = "programs",
    responses((status = 200, body = Vec<Jurisdiction>), (status = 401, body = crate::web::api_error::ErrorResponse)))]
async fn list_jurisdictions(State(state): State<AppState>, _user: ApiUser) -> Result<Json<Vec<Jurisdiction>>, ApiError> {
    Ok(Json(store::jurisdictions(&state.db.pool).await?))
}
