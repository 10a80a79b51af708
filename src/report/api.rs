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
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::program::store::Program;
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

/// Authorizes a program-wide view.
async fn overseer(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
    action: impl FnOnce(i64) -> Action,
) -> Result<Program, ApiError> {
    let program = crate::program::load(state, slug).await?;
    guard::api(state, api, action(program.id)).await?;
    Ok(program)
}

fn dashboard_action(program_id: i64) -> Action {
    Action::ViewDashboard { program_id }
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
    overseer(&state, &api, &slug, |program_id| {
        Action::ViewParticipation { program_id }
    })
    .await?;
    let (_, p) = service::participation(&state, &slug, crate::time::now_ms(), |_| true).await?;
    Ok(Json(p))
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
    let program = overseer(&state, &api, &slug, dashboard_action).await?;
    Ok(Json(
        service::dashboard(
            &state,
            &slug,
            crate::time::now_ms(),
            super::service::sees(&api.user, program.id),
        )
        .await?,
    ))
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
    overseer(&state, &api, &slug, dashboard_action).await?;
    Ok(Json(service::priorities(&state, &slug).await?))
}

/// The program report, with the states the person sees.
async fn program_report(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
) -> Result<ProgramReport, ApiError> {
    let program = overseer(state, api, slug, dashboard_action).await?;
    Ok(service::program_report_at(
        state,
        slug,
        crate::time::now_ms(),
        super::service::sees(&api.user, program.id),
    )
    .await?)
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
    Ok(Json(program_report(&state, &api, &slug).await?))
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
    let report = program_report(&state, &api, &slug).await?;
    let bytes = export::program_xlsx(&report).map_err(ApiError::internal)?;
    Ok(super::export::download(
        bytes,
        export::file_name(&slug, "report"),
    ))
}

async fn state_report(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
    code: &str,
) -> Result<StateReport, ApiError> {
    let code = code.to_uppercase();
    overseer(state, api, slug, |program_id| Action::ViewStateReport {
        program_id,
        state_code: code.clone(),
    })
    .await?;
    Ok(service::state_report(state, slug, &code).await?)
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
    Ok(Json(state_report(&state, &api, &slug, &code).await?))
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
    let report = state_report(&state, &api, &slug, &code).await?;
    let bytes = export::state_xlsx(&report).map_err(ApiError::internal)?;
    Ok(super::export::download(
        bytes,
        export::file_name(&slug, &format!("{}-report", report.state_code)),
    ))
}
