//! The state team page: the roster with its sector coverage, for the team,
//! its coach and the admin; the lead (and the admin) manage it; the admin
//! assigns the coach.

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, TeamView};
use super::{NewMemberRequest, Sector};
use crate::auth::handlers::Errors;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::auth::{Actor, CurrentUser};
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/teams/{state}", team_page)
        .post("/programs/{slug}/teams/{state}/members", add_member)
        .post(
            "/programs/{slug}/teams/{state}/members/{id}/role",
            change_role,
        )
        .post(
            "/programs/{slug}/teams/{state}/members/{id}/remove",
            remove_member,
        )
        .post(
            "/programs/{slug}/teams/{state}/members/{id}/reinvite",
            reinvite,
        )
        .post("/programs/{slug}/teams/{state}/coach", assign_coach)
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

#[derive(Deserialize)]
struct MemberPath {
    slug: String,
    state: String,
    id: i64,
}

#[derive(Template)]
#[template(path = "team/show.html")]
struct TeamPage {
    chrome: Chrome,
    program: Program,
    team: TeamView,
    can_manage: bool,
    can_assign_coach: bool,
    coaches: Vec<crate::team::store::Person>,
    sectors: [Sector; 9],
    form: NewMemberRequest,
    errors: Errors,
    /// A problem with one of the small roster forms.
    message: Option<String>,
    /// The state's confirmed peer states (names) and why.
    peers: Option<(Vec<String>, String)>,
}

impl TeamPage {
    fn peer_names(&self) -> String {
        self.peers.as_ref().map_or_else(String::new, |(names, _)| {
            crate::mentoring::join(&names.iter().map(String::as_str).collect::<Vec<_>>())
        })
    }
}

impl TeamPage {
    fn selected_sector(&self, value: &str) -> bool {
        self.form.member.sector == value
    }

    fn is_coach(&self, id: &i64) -> bool {
        self.team.coach.as_ref().is_some_and(|c| c.id == *id)
    }

    /// Every problem, for the summary at the top of the page: the add
    /// form's, each by its field, and a roster form's (no field to go to).
    fn problems(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .errors
            .list()
            .iter()
            .map(|(f, m)| (if f == "other" { "" } else { f.as_str() }, m.as_str()))
            .collect();
        if let Some(m) = &self.message
            && !out.iter().any(|(_, e)| e == m)
        {
            out.insert(0, ("", m));
        }
        out
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    code: &str,
    form: NewMemberRequest,
    errors: Errors,
    message: Option<String>,
    notice_key: &str,
) -> Result<TeamPage, AppError> {
    let team = service::view(state, &program, code).await?;
    let program_id = program.id;
    let can_manage = policy::allows(
        user,
        &Action::ManageTeam {
            program_id,
            state_code: code.to_owned(),
        },
    );
    let can_assign_coach = policy::allows(user, &Action::RunSelection { program_id });
    let coaches = if can_assign_coach {
        super::store::coaches(&state.db.pool).await?
    } else {
        vec![]
    };
    let peers = if policy::allows(user, &Action::ViewPeerGroups { program_id }) {
        crate::mentoring::store::peers_of(&state.db.pool, program_id, code).await?
    } else {
        None
    };
    let path = format!("/programs/{}/teams/{code}", program.slug);
    let chrome = Chrome::new(visitor, format!("{}'s state team", team.state_name), &path)
        .with_notice(notice(notice_key));
    Ok(TeamPage {
        chrome,
        program,
        team,
        can_manage,
        can_assign_coach,
        coaches,
        sectors: Sector::ALL,
        form,
        errors,
        message,
        peers,
    })
}

async fn team_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let at = (p.slug.as_str(), p.state.as_str());
    let (program, code) = service::open(&state, &actor, at, service::may_view).await?;
    let page = page(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        NewMemberRequest::default(),
        Errors::default(),
        None,
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn manager(
    state: &AppState,
    visitor: &Visitor,
    (slug, code): (&str, &str),
    action: fn(i64, String) -> Action,
) -> Result<(Actor, Program, String), AppError> {
    let actor = visitor.signed_in()?;
    let (program, code) = service::open(state, &actor, (slug, code), action).await?;
    Ok((actor, program, code))
}

/// After a roster change: back to the page with a notice, or the page
/// again with the problem (next to the field for the add form).
#[allow(clippy::too_many_arguments)]
async fn after(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    code: &str,
    result: Result<(), Refusal>,
    done: Done,
    form: NewMemberRequest,
) -> Result<Response, AppError> {
    let slug = program.slug.clone();
    let (status, errors, message) = match result {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/programs/{slug}/teams/{code}?done={done}#roster"))
                    .into_response(),
            );
        }
        Err(Refusal::Invalid(errors)) => {
            let known: Vec<(&'static str, String)> = errors
                .into_iter()
                .map(|(f, m)| (field_name(&f), m))
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, Errors::from(known), None)
        }
        Err(Refusal::Conflict(m)) => (StatusCode::CONFLICT, Errors::default(), Some(m)),
        Err(other) => return Err(other.into()),
    };
    let message = message.or_else(|| {
        errors
            .0
            .iter()
            .find(|(f, _)| *f == "other")
            .map(|(_, m)| m.clone())
    });
    let page = page(
        state, visitor, user, program, code, form, errors, message, "",
    )
    .await?;
    Ok((status, render(page)?).into_response())
}

/// A problem with one of the small roster forms, shown at the top of the
/// page (they have no field to show it next to).
fn as_message(e: Refusal) -> Refusal {
    match e {
        Refusal::Invalid(errors) => Refusal::Conflict(
            errors
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        e => e,
    }
}

/// The add form's fields, by name (anything else is shown at the top).
fn field_name(f: &str) -> &'static str {
    match f {
        "member_name" => "member_name",
        "member_agency" => "member_agency",
        "member_email" => "member_email",
        "member_sector" => "member_sector",
        "member_level" => "member_level",
        "member_role" => "member_role",
        _ => "other",
    }
}

async fn add_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<NewMemberRequest>,
) -> Result<Response, AppError> {
    let at = (p.slug.as_str(), p.state.as_str());
    let (actor, program, code) = manager(&state, &visitor, at, service::may_manage).await?;
    let result = service::add_member(&state, &actor, &program, &code, &form)
        .await
        .map(|_| ());
    let keep = if result.is_ok() {
        NewMemberRequest::default()
    } else {
        form
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        result,
        Done::MemberAdded,
        keep,
    )
    .await
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<MemberPath>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    let at = (p.slug.as_str(), p.state.as_str());
    let (actor, program, code) = manager(&state, &visitor, at, service::may_manage).await?;
    let result = service::change_role(&state, &actor, &program, &code, p.id, &form.role).await;
    let result = result.map_err(as_message);
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        result,
        Done::RoleChanged,
        NewMemberRequest::default(),
    )
    .await
}

#[derive(Deserialize)]
struct Empty {}

async fn remove_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<MemberPath>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let at = (p.slug.as_str(), p.state.as_str());
    let (actor, program, code) = manager(&state, &visitor, at, service::may_manage).await?;
    let result = service::remove_member(&state, &actor, &program, &code, p.id).await;
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        result,
        Done::MemberRemoved,
        NewMemberRequest::default(),
    )
    .await
}

async fn reinvite(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<MemberPath>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let at = (p.slug.as_str(), p.state.as_str());
    let (actor, program, code) = manager(&state, &visitor, at, service::may_manage).await?;
    let result = service::reinvite(&state, &actor, &program, &code, p.id).await;
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        result,
        Done::Reinvited,
        NewMemberRequest::default(),
    )
    .await
}

#[derive(Deserialize)]
struct CoachForm {
    #[serde(default)]
    coach: String,
}

async fn assign_coach(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<CoachForm>,
) -> Result<Response, AppError> {
    let at = (p.slug.as_str(), p.state.as_str());
    let (actor, program, code) = manager(&state, &visitor, at, service::may_choose_coach).await?;
    let result = match form.coach.trim().parse::<i64>() {
        Ok(id) => service::assign_coach(&state, &actor, &program, &code, id).await,
        Err(_) => Err(Refusal::Conflict("Choose a coach.".into())),
    };
    let result = result.map_err(as_message);
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        &code,
        result,
        Done::CoachAssigned,
        NewMemberRequest::default(),
    )
    .await
}
