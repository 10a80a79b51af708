//! `GET /api/v1/me/work`: the person's work queue as JSON.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::WorkItem;
use crate::auth::Actor;
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::ApiError;
use crate::web::api_error::ErrorResponse;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_work))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Work {
    /// Most urgent first: overdue, due this week, to do, coming up.
    pub items: Vec<WorkItem>,
}

/// What is waiting for the token's owner across their programs.
#[utoipa::path(get, path = "/api/v1/me/work", tag = "accounts",
    responses((status = 200, body = Work), (status = 401, body = ErrorResponse)))]
async fn my_work(
    State(state): State<AppState>,
    ApiUser(Actor { user, .. }): ApiUser,
) -> Result<Json<Work>, ApiError> {
    let work = crate::work::service::kept_for_person(&state, &user, crate::time::now_ms()).await?;
    Ok(Json(Work {
        items: work.queue.to_vec(),
    }))
}
