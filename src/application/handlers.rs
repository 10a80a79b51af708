//! The application pages: the state lead fills in, submits and can
//! withdraw the state's application; the team, the admin and the federal
//! officer read it.

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

use super::service;
use super::store::{self, Application};
use super::{
    Draft, ExtensionRequest, FieldErrors, LETTER_COMMITMENTS, MemberRequest, Status,
    submission_problems,
};
use crate::auth::handlers::Errors;
use crate::auth::policy::Action;
use crate::auth::session::Visitor;
use crate::auth::{Actor, guard};
use crate::program::deadline;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::team::{Sector, missing_sectors};
use crate::web::Refusal;
use crate::web::{AppError, Chrome, CsrfForm, CsrfMultipart, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/application", application_page)
        .post("/programs/{slug}/application/start", start)
        .post("/programs/{slug}/application/answers", save_answers)
        .post("/programs/{slug}/application/members", add_member)
        .post(
            "/programs/{slug}/application/members/{id}/remove",
            remove_member,
        )
        .post("/programs/{slug}/application/letter", save_letter)
        .post("/programs/{slug}/application/letter-file", upload_letter)
        .get(
            "/programs/{slug}/applications/{state}/letter",
            download_letter,
        )
        .post("/programs/{slug}/application/submit", submit)
        .post("/programs/{slug}/application/withdraw", withdraw)
        .get("/programs/{slug}/applications/{state}", read_only_page)
        .post(
            "/programs/{slug}/applications/{state}/extension",
            save_extension,
        )
        .get("/register", super::register::register_page)
        .post("/register", super::register::register)
}

struct SectorOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "application/edit.html")]
struct ApplicationPage {
    chrome: Chrome,
    program: Program,
    state_name: String,
    app: Option<Application>,
    deadline: Option<String>,
    missing: Vec<&'static str>,
    problems: FieldErrors,
    errors: Errors,
    member_form: MemberRequest,
    sectors: Vec<SectorOption>,
    commitment_texts: [&'static str; 3],
    editable: bool,
    /// The lead's own page of a submitted application.
    can_withdraw: bool,
    message: Option<String>,
    /// The administrator's extension form (on the read-only page).
    can_extend: bool,
    extension_form: ExtensionRequest,
    /// The program's own deadline, in words.
    program_deadline: Option<String>,
    /// The state's extension, in words.
    extension: Option<String>,
    /// A general TA program: priority components, no letter.
    general: bool,
    /// (key, name, chosen) for each priority component.
    components: Vec<(&'static str, &'static str, bool)>,
}

impl ApplicationPage {
    fn code(&self) -> &str {
        self.app
            .as_ref()
            .map(|a| a.state_code.as_str())
            .unwrap_or("")
    }

    fn committed(&self, i: &usize) -> bool {
        self.app
            .as_ref()
            .is_some_and(|a| a.commitments.get(*i).copied().unwrap_or(false))
    }

    fn selected_sector(&self, value: &str) -> bool {
        self.member_form.sector == value
    }

    /// What went wrong, for the summary at the top of the page: the
    /// problem with the application as a whole, then each field's, with
    /// the id of the field (or of its part of the page).
    fn summary(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self.message.iter().map(|m| ("", m.as_str())).collect();
        out.extend(self.errors.list().iter().map(|(f, m)| {
            let id = match f.as_str() {
                "answers" => "questions",
                "members" => "team",
                "letter" | "commitments" => "letter",
                "signer" => "signer_name",
                "status" | "until_date" | "until_time" | "priorities" | "member_name"
                | "member_agency" | "member_email" | "member_sector" | "member_level"
                | "letter_file" => f.as_str(),
                _ => "",
            };
            (id, m.as_str())
        }));
        out
    }
}

/// The signed-in person and the state they lead in this program.
async fn lead(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
) -> Result<(Actor, Program, String), AppError> {
    let program = crate::program::load(state, slug).await?;
    let user = guard::page(state, visitor, Action::UseOwnAccount).await?;
    let code = service::lead_state(&user, program.id).unwrap_or_default();
    let actor = visitor.signed_in()?;
    actor
        .may(state, service::may_edit(program.id, code.clone()))
        .await?;
    Ok((actor, program, code))
}

#[allow(clippy::too_many_arguments)]
async fn view(
    state: &AppState,
    visitor: &Visitor,
    program: Program,
    code: &str,
    editable: bool,
    errors: Errors,
    member_form: MemberRequest,
    message: Option<String>,
    done: &str,
) -> Result<ApplicationPage, AppError> {
    let required = crate::program::store::required_sectors(&state.db.pool, program.id).await?;
    let app = match store::find(&state.db.pool, program.id, code).await? {
        Some(id) => store::load(&state.db.pool, id).await?,
        None => None,
    };
    let state_name = crate::program::store::jurisdiction_name(&state.db.pool, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    let members: Vec<Sector> = app.as_ref().map(|a| a.member_sectors()).unwrap_or_default();
    let missing = missing_sectors(&required, &members)
        .into_iter()
        .map(|s| s.label())
        .collect();
    let problems = match &app {
        Some(a) if a.status == Status::Draft => {
            let answers: Vec<(i64, String)> = a
                .answers
                .iter()
                .map(|x| (x.question_id, x.answer.clone()))
                .collect();
            let ms: Vec<_> = a.members.iter().map(|m| m.member.clone()).collect();
            submission_problems(&Draft {
                answers: &answers,
                members: &ms,
                signer_name: &a.signer_name,
                signer_title: &a.signer_title,
                commitments: a.commitments,
                has_letter: a.letter.is_some(),
                general_track: service::general_track(&program),
                priorities: &a.priorities,
            })
        }
        _ => vec![],
    };
    let deadline = program.applications_due_at.map(|ms| {
        let due = jiff::Timestamp::from_millisecond(ms).unwrap_or_default();
        let extension = app
            .as_ref()
            .and_then(|a| a.extension_until)
            .and_then(|e| jiff::Timestamp::from_millisecond(e).ok());
        deadline::describe(deadline::effective(due, extension), &program.time_zone)
    });
    let describe_ms = |ms: i64| {
        deadline::describe(
            jiff::Timestamp::from_millisecond(ms).unwrap_or_default(),
            &program.time_zone,
        )
    };
    let program_deadline = program.applications_due_at.map(describe_ms);
    let extension = app
        .as_ref()
        .and_then(|a| a.extension_until)
        .map(describe_ms);
    let extension_form = app
        .as_ref()
        .and_then(|a| a.extension_until)
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .zip(deadline::zone(&program.time_zone).ok())
        .map(|(ts, tz)| {
            let z = ts.to_zoned(tz);
            ExtensionRequest {
                until_date: z.strftime("%Y-%m-%d").to_string(),
                until_time: z.strftime("%H:%M").to_string(),
            }
        })
        .unwrap_or_default();
    let components = super::PRIORITY_COMPONENTS
        .iter()
        .map(|(k, n)| {
            (
                *k,
                *n,
                app.as_ref()
                    .is_some_and(|a| a.priorities.iter().any(|p| p == k)),
            )
        })
        .collect();
    let can_withdraw = editable && app.as_ref().is_some_and(|a| a.status == Status::Submitted);
    let editable = editable && app.as_ref().is_none_or(|a| a.status == Status::Draft);
    Ok(ApplicationPage {
        chrome: Chrome::new(visitor, format!("{state_name}'s application"), "/programs")
            .with_notice(notice(done)),
        state_name,
        app,
        deadline,
        missing,
        problems,
        errors,
        member_form,
        sectors: Sector::ALL
            .iter()
            .map(|s| SectorOption {
                value: s.as_str(),
                label: s.label(),
            })
            .collect(),
        commitment_texts: LETTER_COMMITMENTS,
        editable,
        can_withdraw,
        message,
        can_extend: false,
        general: service::general_track(&program),
        components,
        extension_form,
        program_deadline,
        extension,
        program,
    })
}

async fn application_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (_, program, code) = lead(&state, &visitor, &slug).await?;
    let page = view(
        &state,
        &visitor,
        program,
        &code,
        true,
        Errors::default(),
        MemberRequest {
            level: "state".into(),
            ..Default::default()
        },
        None,
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

async fn read_only_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let at = (p.slug.as_str(), p.state.as_str());
    let (program, code) = service::allowed(&state, &actor, at, service::may_view).await?;
    if store::find(&state.db.pool, program.id, &code)
        .await?
        .is_none()
    {
        return Err(AppError::NOT_FOUND);
    }
    let can_extend = actor.allows(&service::may_extend(program.id, code.clone()));
    let mut page = view(
        &state,
        &visitor,
        program,
        &code,
        false,
        Errors::default(),
        MemberRequest::default(),
        None,
        &done.done,
    )
    .await?;
    page.can_extend = can_extend;
    Ok(render(page)?.into_response())
}

/// The administrator grants or removes one state's extension.
async fn save_extension(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<ExtensionRequest>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let at = (p.slug.as_str(), p.state.as_str());
    let (program, code) = service::allowed(&state, &actor, at, service::may_extend).await?;
    service::current(&state, &program, &code).await?;
    let back = format!("/programs/{}/applications/{code}", p.slug);
    match service::set_extension(&state, &actor, &program, &code, &form).await {
        Ok(app) => {
            let done = if app.extension_until.is_some() {
                Done::ExtensionSaved
            } else {
                Done::ExtensionCleared
            };
            Ok(Redirect::to(&format!("{back}?done={done}#extension")).into_response())
        }
        Err(Refusal::Invalid(errors)) => {
            let mut page = view(
                &state,
                &visitor,
                program,
                &code,
                false,
                Errors(errors),
                MemberRequest::default(),
                None,
                "",
            )
            .await?;
            page.can_extend = true;
            page.extension_form = form;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// After a change: back to the page, or the page again with what went wrong.
async fn after(
    state: &AppState,
    visitor: &Visitor,
    program: Program,
    code: &str,
    result: Result<(), Refusal>,
    anchor: &str,
    member_form: MemberRequest,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Done::ApplicationSaved
            .redirect(&format!("/programs/{}/application#{anchor}", program.slug))),
        // What the application page can show: problems next to their
        // fields, or why it can no longer change; anything else is the
        // error page.
        Err(e @ (Refusal::Invalid(_) | Refusal::Conflict(_) | Refusal::TooLate(_))) => {
            let status = e.status();
            let (errors, message) = match e {
                Refusal::Invalid(errors) => (Errors(errors), None),
                other => (Errors::default(), other.sentences()),
            };
            let page = view(
                state,
                visitor,
                program,
                code,
                true,
                errors,
                member_form,
                message,
                "",
            )
            .await?;
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn start(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    service::open(&state, &actor, &program, &code)
        .await
        .map_err(AppError::internal)?;
    Ok(Redirect::to(&format!(
        "/programs/{slug}/application?done={done}",
        done = Done::ApplicationStarted
    ))
    .into_response())
}

async fn save_answers(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    let answers: Vec<(i64, String)> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("answer_")?.parse().ok()?, v.clone())))
        .collect();
    // The priority boxes are in this form on general-track programs only.
    let priorities: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "priorities")
        .map(|(_, v)| v.clone())
        .collect();
    let priorities = service::general_track(&program).then_some(priorities.as_slice());
    let result = service::save_answers(&state, &actor, &program, &code, &answers, priorities).await;
    after(
        &state,
        &visitor,
        program,
        &code,
        result,
        "questions",
        MemberRequest::default(),
    )
    .await
}

async fn add_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<MemberRequest>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    let result = service::add_member(&state, &actor, &program, &code, &form).await;
    after(&state, &visitor, program, &code, result, "team", form).await
}

async fn remove_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    let result = service::remove_member(&state, &actor, &program, &code, id)
        .await
        .map(|_| ());
    after(
        &state,
        &visitor,
        program,
        &code,
        result,
        "team",
        MemberRequest::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LetterForm {
    signer_name: String,
    signer_title: String,
    commit_0: Option<String>,
    commit_1: Option<String>,
    commit_2: Option<String>,
}

async fn save_letter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<LetterForm>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    let commitments = [
        form.commit_0.is_some(),
        form.commit_1.is_some(),
        form.commit_2.is_some(),
    ];
    let letter = service::Letter {
        signer_name: &form.signer_name,
        signer_title: &form.signer_title,
        commitments,
    };
    let result = service::save_letter(&state, &actor, &program, &code, &letter).await;
    after(
        &state,
        &visitor,
        program,
        &code,
        result,
        "letter",
        MemberRequest::default(),
    )
    .await
}

async fn submit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    match service::submit(&state, &actor, &program, &code).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/programs/{slug}/application?done={done}",
            done = Done::ApplicationSubmitted
        ))
        .into_response()),
        Err(e) => {
            after(
                &state,
                &visitor,
                program,
                &code,
                Err(e),
                "submit",
                MemberRequest::default(),
            )
            .await
        }
    }
}

async fn withdraw(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    match service::withdraw(&state, &actor, &program, &code).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/programs/{slug}/application?done={done}",
            done = Done::ApplicationWithdrawn
        ))
        .into_response()),
        Err(e) => {
            after(
                &state,
                &visitor,
                program,
                &code,
                Err(e),
                "status",
                MemberRequest::default(),
            )
            .await
        }
    }
}

async fn upload_letter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let (actor, program, code) = lead(&state, &visitor, &slug).await?;
    let result = match form.files.into_iter().find(|f| f.field == "letter_file") {
        Some(file) => {
            service::upload_letter(&state, &actor, &program, &code, file.bytes, &file.file_name)
                .await
        }
        None => Err(Refusal::fields(vec![(
            "letter_file",
            "Choose the signed letter, saved as a PDF.".into(),
        )])),
    };
    after(
        &state,
        &visitor,
        program,
        &code,
        result,
        "letter",
        MemberRequest::default(),
    )
    .await
}

async fn download_letter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let at = (p.slug.as_str(), p.state.as_str());
    let (program, code) = service::allowed(&state, &actor, at, service::may_view).await?;
    Ok(service::letter(&state, &program, &code).await?)
}
