//! The audit log page and `/api/v1/audit` (administrators only).

use crate::web::Query;
use askama::Template;
use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::response::Html;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AuditRow, Filter, PAGE_SIZE, list};
use crate::auth::api::ApiUser;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{ApiError, AppError, Chrome, render};

pub fn routes() -> Routes {
    Routes::new().get("/admin/audit", audit_page)
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_api))
}

struct Shown {
    row: AuditRow,
    when: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    filter: Filter,
    entries: Vec<Shown>,
    older: Option<String>,
}

async fn audit_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(filter): Query<Filter>,
) -> Result<Html<String>, AppError> {
    guard::page(&state, &visitor, Action::ViewAuditLog).await?;
    let rows = list(&state.db.pool, &filter).await?;
    let older = (rows.len() as i64 == PAGE_SIZE).then(|| {
        let last = rows.last().map(|r| r.id).unwrap_or_default();
        serde_urlencoded::to_string([
            ("actor", filter.actor.as_str()),
            ("action", filter.action.as_str()),
            ("outcome", filter.outcome.as_str()),
            ("before", &last.to_string()),
        ])
        .unwrap_or_default()
    });
    let entries = rows
        .into_iter()
        .map(|row| Shown {
            when: crate::time::format_in_zone(row.at, "America/New_York"),
            row,
        })
        .collect();
    render(AuditPage {
        chrome: Chrome::new(&visitor, "Audit log", "/admin/audit"),
        filter,
        entries,
        older,
    })
}

/// The audit log, newest first, 50 at a time (administrators only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Filter),
    responses((status = 200, body = Vec<AuditRow>), (status = 401, body = crate::web::api_error::ErrorResponse), (status = 403, body = crate::web::api_error::ErrorResponse)))]
async fn audit_api(
    State(state): State<AppState>,
    api: ApiUser,
    Query(filter): Query<Filter>,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    guard::api(&state, &api, Action::ViewAuditLog).await?;
    Ok(Json(list(&state.db.pool, &filter).await?))
}
