//! The home page and the public list of programs.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::create::{self, NewProgramRequest};
use super::store::{self, Program, ProgramDetail};
use super::{deadline, glossary, template};
use crate::app::{AppState, Routes};
use crate::auth::guard;
use crate::auth::handlers::Errors;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::web::{AppError, Chrome, CsrfForm, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/programs", programs)
        .get("/programs/{slug}", program_page)
        .get("/admin/programs/new", new_program_page)
        .post("/admin/programs", create_program)
}

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

/// Confirmations shown after a change, keyed by a fixed word in the address.
pub fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "signed-out" => "You have signed out.",
        "password-set" => "Your password is set. Sign in with it now.",
        "password-changed" => "Your password is changed. You have been signed out everywhere else.",
        "invited" => "Invitation sent.",
        "reinvited" => "A new invitation link has been sent.",
        "token-revoked" => "The token no longer works.",
        "application-saved" => "Saved.",
        "application-submitted" => {
            "Your application is submitted. A confirmation with a copy is on its way by email."
        }
        "application-withdrawn" => "Your application is withdrawn.",
        "program-created" => {
            "The program is created from its template. Its dates, questions and rubric can be changed."
        }
        "review-saved" => "Your draft review is saved.",
        "review-submitted" => "Your review is submitted. Thank you.",
        "reviewer-assigned" => "The reviewer is assigned.",
        "reviewer-removed" => "The reviewer is removed from that application.",
        "reviewers-assigned" => "Reviewers are assigned.",
        "ranking-saved" => "The ranking is saved.",
        "decision-sent" => "The decision is recorded and emailed to the state's lead.",
        "member-added" => "The member is added and invited by email.",
        "member-removed" => "The member is removed from the team.",
        "role-changed" => "The member's role is changed.",
        "coach-assigned" => "The coach is assigned and told by email.",
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    name: Option<String>,
    roles: Vec<String>,
    programs: Vec<Program>,
    /// Where the signed-in person's work is: (address, what it is).
    work: Vec<(String, String)>,
}

/// The pages a person's roles lead to, program by program.
fn work_links(
    user: &crate::auth::CurrentUser,
    programs: &[Program],
    teams: &[(i64, String)],
) -> Vec<(String, String)> {
    use crate::auth::Role;
    let mut out = Vec::new();
    for p in programs {
        let slug = &p.slug;
        if policy::allows(user, &Action::RunSelection { program_id: p.id }) {
            out.push((
                format!("/programs/{slug}/selection"),
                format!("Review and selection for {}", p.name),
            ));
        }
        if user
            .grants
            .iter()
            .any(|g| g.role == Role::Reviewer && g.program_id == Some(p.id))
        {
            out.push((
                format!("/programs/{slug}/reviews"),
                format!("Applications to review for {}", p.name),
            ));
        }
        for g in user.grants.iter().filter(|g| g.program_id == Some(p.id)) {
            let Some(code) = &g.state_code else { continue };
            let (href, label) = match g.role {
                Role::StateLead => (
                    format!("/programs/{slug}/application"),
                    format!("{code}'s application to {}", p.name),
                ),
                _ => continue,
            };
            out.push((href, label));
        }
        for g in user.grants.iter().filter(|g| g.program_id == Some(p.id)) {
            if let (Some(code), true) = (
                &g.state_code,
                matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach),
            ) {
                let href = format!("/programs/{slug}/teams/{code}");
                let formed = teams.iter().any(|(id, c)| *id == p.id && c == code);
                if formed && !out.iter().any(|(h, _)| *h == href) {
                    out.push((href, format!("{code}'s state team in {}", p.name)));
                }
            }
        }
    }
    out
}

async fn home(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    let programs = store::list(&state.db.pool).await?;
    let chrome = Chrome::new(&visitor, "Waymark", "/").with_notice(notice(&done.done));
    let work = match &visitor.user {
        Some(u) => work_links(
            u,
            &programs,
            &crate::team::store::all_teams(&state.db.pool).await?,
        ),
        None => vec![],
    };
    render(HomePage {
        work,
        chrome,
        name: visitor.user.as_ref().map(|u| u.name.clone()),
        roles: visitor
            .user
            .as_ref()
            .map(|u| u.grants.iter().map(|g| g.describe()).collect())
            .unwrap_or_default(),
        programs,
    })
}

#[derive(Template)]
#[template(path = "programs.html")]
struct ProgramsPage {
    chrome: Chrome,
    programs: Vec<Program>,
    can_create: bool,
}

async fn programs(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Html<String>, AppError> {
    let programs = store::list(&state.db.pool).await?;
    let can_create = visitor
        .user
        .as_ref()
        .is_some_and(|u| policy::allows(u, &Action::ManagePrograms));
    render(ProgramsPage {
        chrome: Chrome::new(&visitor, "Programs", "/programs"),
        programs,
        can_create,
    })
}

struct MilestoneView {
    when: String,
    label: String,
}

#[derive(Template)]
#[template(path = "program/show.html")]
struct ProgramPage {
    chrome: Chrome,
    detail: ProgramDetail,
    deadline: Option<String>,
    timeline: Vec<MilestoneView>,
    commitments: Vec<(String, String)>,
    sectors: Vec<&'static str>,
    terms: [glossary::Term; 2],
}

/// The public page of a program: timeline, requirements, key terms, how to apply.
async fn program_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    let detail = store::detail(&state.db.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let chrome = Chrome::new(&visitor, detail.program.name.clone(), "/programs")
        .with_notice(notice(&done.done));
    render(ProgramPage {
        deadline: detail.program.applications_due_at.map(|ms| {
            let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or_default();
            deadline::describe(ts, &detail.program.time_zone)
        }),
        timeline: detail
            .timeline
            .iter()
            .map(|m| MilestoneView {
                when: m.when(),
                label: m.label.clone(),
            })
            .collect(),
        commitments: detail
            .commitments
            .iter()
            .map(|c| (c.label.clone(), c.cadence.describe()))
            .collect(),
        sectors: detail.required_sectors.iter().map(|s| s.label()).collect(),
        terms: glossary::KEY_TERMS,
        chrome,
        detail,
    })
}

#[derive(Template)]
#[template(path = "program/new.html")]
struct NewProgramPage {
    chrome: Chrome,
    form: NewProgramRequest,
    errors: Errors,
    templates: Vec<(&'static str, &'static str)>,
    zones: &'static [(&'static str, &'static str)],
}

impl NewProgramPage {
    fn selected_template(&self, key: &str) -> bool {
        self.form.template == key
    }

    fn selected_zone(&self, zone: &str) -> bool {
        self.form.time_zone == zone
    }
}

/// U.S. time zones a program can run in.
pub const US_ZONES: &[(&str, &str)] = &[
    ("America/New_York", "Eastern"),
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Mountain (Arizona)"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    (
        "America/Puerto_Rico",
        "Atlantic (Puerto Rico, Virgin Islands)",
    ),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa"),
];

fn new_program_view(visitor: &Visitor, form: NewProgramRequest, errors: Errors) -> NewProgramPage {
    NewProgramPage {
        chrome: Chrome::new(visitor, "Create a program", "/programs"),
        form,
        errors,
        templates: template::TEMPLATES
            .iter()
            .map(|t| (t.key, t.name))
            .collect(),
        zones: US_ZONES,
    }
}

async fn new_program_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Html<String>, AppError> {
    guard::page(
        &state,
        &visitor,
        "/admin/programs/new",
        Action::ManagePrograms,
    )
    .await?;
    let form = NewProgramRequest {
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_time: "15:00".into(),
        ..Default::default()
    };
    render(new_program_view(&visitor, form, Errors::default()))
}

async fn create_program(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<NewProgramRequest>,
) -> Result<Response, AppError> {
    guard::page(&state, &visitor, "/admin/programs", Action::ManagePrograms).await?;
    match create::create(&state, visitor.actor(), &visitor.ip, &form).await? {
        Ok(slug) => {
            Ok(Redirect::to(&format!("/programs/{slug}?done=program-created")).into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(new_program_view(&visitor, form, Errors(errors)))?,
        )
            .into_response()),
    }
}
