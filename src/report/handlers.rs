//! Pages: participation month by month, the program dashboard, the
//! printable state and program reports, and their spreadsheets.

use crate::web::Path;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::export;
use super::glance::{Glance, glance};
use super::participation::{Participation, Status};
use super::service::{self, Dashboard, ProgramReport, StateReport};
use crate::auth::policy::Action;
use crate::auth::session::Visitor;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/participation", participation_page)
        .get("/programs/{slug}/dashboard", dashboard_page)
        .get("/programs/{slug}/report", program_report_page)
        .get("/programs/{slug}/report.xlsx", program_report_xlsx)
        .get("/programs/{slug}/reports/{state}", state_report_page)
        .get(
            "/programs/{slug}/reports/{state}/report.xlsx",
            state_report_xlsx,
        )
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

// ----- participation -----

#[derive(Template)]
#[template(path = "report/participation.html")]
struct ParticipationPage {
    chrome: Chrome,
    program: Program,
    p: Participation,
    statuses: [Status; 4],
    /// Whether the person may see the dashboard (a link to it).
    dashboard: bool,
}

async fn participation_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{slug}/participation");
    let actor = visitor.signed_in()?;
    let (program, p) = service::view_participation(&state, &actor, &slug).await?;
    let chrome = Chrome::new(&visitor, format!("Participation: {}", program.name), &path);
    let dashboard = actor.allows(&Action::ViewDashboard {
        program_id: program.id,
    });
    Ok(render(ParticipationPage {
        chrome,
        program,
        p,
        statuses: Status::ALL,
        dashboard,
    })?
    .into_response())
}

// ----- the dashboard -----

#[derive(Template)]
#[template(path = "report/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    program: Program,
    d: Dashboard,
    /// Each state as drawn: bars, month strip, snapshots, words.
    rows: Vec<Glance>,
    /// The TA period in words, "October 2016 to August 2017".
    period: String,
    statuses: [Status; 4],
    /// Whether the person sees every state (not only those they coach).
    everyone: bool,
    /// Whether the person schedules webinars (the suggested topics link to
    /// the scheduling form, filled in).
    schedules_webinars: bool,
}

impl DashboardPage {
    /// The scheduling form for a webinar on this topic.
    fn webinar_link(&self, topic: &super::dashboard::Topic) -> String {
        let query = serde_urlencoded::to_string([
            ("kind", "webinar"),
            ("title", &format!("Webinar: {}", topic.element_name)),
        ])
        .unwrap_or_default();
        format!("/programs/{}/activities/new?{query}", self.program.slug)
    }
}

async fn dashboard_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{slug}/dashboard");
    let actor = visitor.signed_in()?;
    let (program, d) = service::view_dashboard(&state, &actor, &slug).await?;
    let teams = crate::team::store::teams(&state.db.pool, program.id).await?;
    let everyone = d.rows.len() == teams.len();
    let schedules_webinars = actor.allows(&Action::ScheduleActivity {
        program_id: program.id,
        states: teams.iter().map(|t| t.0.clone()).collect(),
        program_wide: true,
        peer: false,
    });
    let chrome = Chrome::new(
        &visitor,
        format!("Program dashboard: {}", program.name),
        &path,
    );
    let rows: Vec<Glance> = d.rows.iter().map(|r| glance(r, &d.elements)).collect();
    let period = d
        .rows
        .first()
        .and_then(|r| Some((r.months.first()?, r.months.last()?)))
        .map(|(a, b)| format!("{} to {}", a.label, b.label))
        .unwrap_or_default();
    Ok(render(DashboardPage {
        chrome,
        program,
        d,
        rows,
        period,
        statuses: Status::ALL,
        everyone,
        schedules_webinars,
    })?
    .into_response())
}

// ----- reports -----

#[derive(Template)]
#[template(path = "report/state.html")]
struct StateReportPage {
    chrome: Chrome,
    r: StateReport,
}

async fn state_report_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{}/reports/{}", p.slug, p.state);
    let actor = visitor.signed_in()?;
    let r = service::view_state_report(&state, &actor, (&p.slug, &p.state)).await?;
    let chrome = Chrome::new(
        &visitor,
        format!("{}'s progress report: {}", r.state_name, r.program_name),
        &path,
    );
    Ok(render(StateReportPage { chrome, r })?.into_response())
}

async fn state_report_xlsx(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let r = service::view_state_report(&state, &actor, (&p.slug, &p.state)).await?;
    let bytes = export::state_xlsx(&r).map_err(AppError::internal)?;
    Ok(export::download(
        bytes,
        export::file_name(&p.slug, &format!("{}-report", p.state.to_uppercase())),
    ))
}

#[derive(Template)]
#[template(path = "report/program.html")]
struct ProgramReportPage {
    chrome: Chrome,
    r: ProgramReport,
}

async fn program_report_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{slug}/report");
    let actor = visitor.signed_in()?;
    let (program, r) = service::view_program_report(&state, &actor, &slug).await?;
    let chrome = Chrome::new(&visitor, format!("Program report: {}", program.name), &path);
    Ok(render(ProgramReportPage { chrome, r })?.into_response())
}

async fn program_report_xlsx(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (_, r) = service::view_program_report(&state, &actor, &slug).await?;
    let bytes = export::program_xlsx(&r).map_err(AppError::internal)?;
    Ok(export::download(bytes, export::file_name(&slug, "report")))
}
