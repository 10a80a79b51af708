//! `/api/v1` for participation, the program dashboard, the cohort's
//! priorities and the reports (JSON and spreadsheets).

use crate::web::Path;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::export;
use super::participation::Participation;
use super::service::{self, Dashboard, Priorities, ProgramReport, StateReport};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::ApiError;
use crate::web::api_error::ErrorResponse;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_participation))
        .routes(routes!(get_dashboard))
        .routes(routes!(get_priorities))
        .routes(routes!(get_program_report))
        .routes(routes!(get_program_report_xlsx))
        .routes(routes!(get_state_report))
        .routes(routes!(get_state_report_xlsx))
}

/// Every state's participation month by month: each commitment counted against the activities held, with each month on track, due, missed or upcoming (the admin, the federal officer, the program's coaches).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/participation", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Participation), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_participation(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Participation>, ApiError> {
    Ok(Json(
        service::view_participation(&state, &api, &slug).await?.1,
    ))
}

/// The program dashboard: each state's assessment stage, element scores, plan progress, participation and next activity, states needing attention first with the reasons in words (the admin and the federal officer see every state, a coach their own states).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/dashboard", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_dashboard(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(service::view_dashboard(&state, &api, &slug).await?.1))
}

/// The cohort's most common priorities as suggested webinar topics: how many states have each element among their top three priorities, and each strategy among their three largest gaps, most common first.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/priorities", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Priorities), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_priorities(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Priorities>, ApiError> {
    Ok(Json(service::view_priorities(&state, &api, &slug).await?))
}

/// The program report: the dashboard and every state's report (a coach gets their own states).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/report", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = ProgramReport), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_program_report(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<ProgramReport>, ApiError> {
    Ok(Json(
        service::view_program_report(&state, &api, &slug).await?.1,
    ))
}

/// The program report as a spreadsheet, one sheet per part (Overview, Cohort priorities, Team and coach, Assessment, Priorities, Action plan, Participation, Activities).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/report.xlsx", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, description = "The spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_program_report_xlsx(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let (_, report) = service::view_program_report(&state, &api, &slug).await?;
    let bytes = export::program_xlsx(&report).map_err(ApiError::internal)?;
    Ok(super::export::download(
        bytes,
        export::file_name(&slug, "report"),
    ))
}

/// A state's progress report: team and coach, assessment results with the change since the baseline, priorities, the action plan's goals and progress, participation and the activities held (the state's team, its coach, the admin, the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/reports/{state}", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = StateReport), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_state_report(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<StateReport>, ApiError> {
    Ok(Json(
        service::view_state_report(&state, &api, (&slug, &code)).await?,
    ))
}

/// A state's progress report as a spreadsheet, one sheet per part (Summary, Team and coach, Assessment, Priorities, Action plan, Participation, Activities).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/reports/{state}/report.xlsx", tag = "reports",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, description = "The spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_state_report_xlsx(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let report = service::view_state_report(&state, &api, (&slug, &code)).await?;
    let bytes = export::state_xlsx(&report).map_err(ApiError::internal)?;
    Ok(super::export::download(
        bytes,
        export::file_name(&slug, &format!("{}-report", report.state_code)),
    ))
}
