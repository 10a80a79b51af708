//! The home page and the public list of programs.

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::create::NewProgramRequest;
use super::settings::{self as program_settings, Current, ProgramSettings};
use super::store::{self, Program, ProgramDetail};
use super::{deadline, template};
use crate::auth::guard;
use crate::auth::handlers::Errors;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Given, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/programs", programs)
        .get("/programs/{slug}", program_page)
        .get("/programs/{slug}/settings", settings_page)
        .post("/programs/{slug}/settings", save_settings)
        .get("/admin/programs/new", new_program_page)
        .post("/admin/programs", create_program)
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
    /// What is waiting for the person, most urgent first.
    queue: Vec<crate::work::WorkItem>,
    queue_summary: String,
}

/// The pages a person's roles lead to, program by program.
fn work_links(
    user: &crate::auth::CurrentUser,
    catalogue: &store::Catalogue,
) -> Vec<(String, String)> {
    let programs = &catalogue.programs;
    use crate::auth::Role;
    let mut out = Vec::new();
    if policy::allows(user, &Action::SetOwnExpertise) {
        out.push((
            "/account/expertise".to_owned(),
            "The elements you know (shown to states as recommendations)".to_owned(),
        ));
    }
    // Activities (issue 5): each program's activities, and one's calendar feed.
    out.push((
        "/account/calendar".to_owned(),
        "Your calendar feed (your activities in your own calendar)".to_owned(),
    ));
    for p in programs {
        if policy::allows(user, &Action::ViewProgram { program_id: p.id }) {
            out.push((
                format!("/programs/{}/activities", p.slug),
                format!("Activities in {}", p.name),
            ));
        }
    }
    for p in programs {
        let slug = &p.slug;
        if policy::allows(user, &Action::ViewCohort { program_id: p.id }) {
            out.push((
                format!("/programs/{slug}/cohort"),
                format!("Readiness across the cohort in {}", p.name),
            ));
        }
        // Dashboards and reports (src/report).
        if policy::allows(user, &Action::ViewDashboard { program_id: p.id }) {
            out.push((
                format!("/programs/{slug}/dashboard"),
                format!("Dashboard of {}", p.name),
            ));
            out.push((
                format!("/programs/{slug}/report"),
                format!("Program report for {}", p.name),
            ));
        }
        if policy::allows(user, &Action::ViewParticipation { program_id: p.id }) {
            out.push((
                format!("/programs/{slug}/participation"),
                format!("Participation in {}", p.name),
            ));
        }
        for g in user.grants.iter().filter(|g| g.program_id == Some(p.id)) {
            let Some(code) = &g.state_code else { continue };
            let href = format!("/programs/{slug}/reports/{code}");
            let formed = !user.is_outside_cohort(g);
            let may = policy::allows(
                user,
                &Action::ViewStateReport {
                    program_id: p.id,
                    state_code: code.clone(),
                },
            );
            if formed && may && !out.iter().any(|(h, _)| *h == href) {
                out.push((href, format!("{code}'s progress report in {}", p.name)));
            }
        }
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
        // Peer mentoring, once the program has state teams.
        if catalogue.outline(p.id).teams > 0
            && policy::allows(user, &Action::ViewPeerGroups { program_id: p.id })
        {
            out.push((
                format!("/programs/{slug}/peers"),
                format!("Peer mentoring in {}", p.name),
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
                // A coach is assigned only to a state with a team.
                let formed = !user.is_outside_cohort(g);
                if formed && !out.iter().any(|(h, _)| *h == href) {
                    out.push((href, format!("{code}'s state team in {}", p.name)));
                }
                // The state's action plan.
                let plan = format!("/programs/{slug}/plans/{code}");
                if formed && !out.iter().any(|(h, _)| *h == plan) {
                    out.push((plan, format!("{code}'s action plan in {}", p.name)));
                }
            }
        }
    }
    out
}

async fn home(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let chrome = Chrome::new(&visitor, "Home", "/").with_notice(notice(&done.done));
    let (work, queue, roles, programs) = match &visitor.user {
        Some(u) => {
            let work =
                crate::work::service::kept_for_person(&state, u, crate::time::now_ms()).await?;
            (
                work_links(u, &work.catalogue),
                work.queue.to_vec(),
                crate::work::role_lines(u, &work.catalogue.programs, &state.places),
                work.catalogue.programs.clone(),
            )
        }
        None => (vec![], vec![], vec![], store::list(&state.db.pool).await?),
    };
    render(HomePage {
        work,
        queue_summary: crate::work::queue_summary(&queue),
        queue,
        chrome,
        name: visitor.user.as_ref().map(|u| u.name.clone()),
        roles,
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
    terms: Vec<crate::framework::GlossaryTerm>,
    can_manage: bool,
    /// The parts of the program the person may open, with where each stands.
    hub: Vec<crate::work::hub::HubLink>,
    /// The application deadline has passed.
    closed: bool,
}

/// The public page of a program: timeline, requirements, key terms, how to
/// apply; and for the people of the program, the hub of their year.
async fn program_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let detail = store::detail(&state.db.pool, &state.frameworks, &slug)
        .await?
        .ok_or(AppError::NOT_FOUND)?;
    let chrome = Chrome::new(&visitor, detail.program.name.clone(), "/programs")
        .with_notice(notice(&done.done));
    let hub = match &visitor.user {
        Some(u) => crate::work::hub::for_program(&state, u, &detail, crate::time::now_ms()).await?,
        None => vec![],
    };
    render(ProgramPage {
        hub,
        closed: detail
            .program
            .applications_due_at
            .is_some_and(|due| due < crate::time::now_ms()),
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
        terms: ["career-pathways", "career-pathways-system"]
            .iter()
            .filter_map(|k| state.frameworks.term(k).cloned())
            .collect(),
        can_manage: visitor
            .user
            .as_ref()
            .is_some_and(|u| policy::allows(u, &Action::ManagePrograms)),
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
    guard::page(&state, &visitor, Action::ManagePrograms).await?;
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
    let actor = visitor.signed_in()?;
    match super::service::create(&state, &actor, Given(form.clone())).await {
        Ok(slug) => Ok(Done::ProgramCreated.redirect(&format!("/programs/{slug}"))),
        Err(Refusal::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(new_program_view(&visitor, form, Errors(errors)))?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ----- settings after creation -----

struct MilestoneRow {
    key: String,
    label: String,
    /// Shown as a month ("July 2016"): the day does not show.
    month: bool,
    starts: String,
    ends: String,
}

struct QuestionRow {
    id: Option<i64>,
    text: String,
    /// The position chosen, from 1.
    order: usize,
    remove: bool,
    answers: i64,
}

struct CriterionRow {
    id: Option<i64>,
    criterion: String,
    weight: String,
    remove: bool,
}

struct SectorBox {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

/// The settings form as typed, rows kept (removals too) so a refused
/// form comes back exactly as it was sent.
struct SettingsForm {
    base: ProgramSettings,
    milestones: Vec<MilestoneRow>,
    questions: Vec<QuestionRow>,
    new_question: String,
    criteria: Vec<CriterionRow>,
    new_criterion: String,
    new_weight: String,
}

impl SettingsForm {
    fn from_settings(s: ProgramSettings, current: &Current) -> SettingsForm {
        let milestones = current
            .milestones
            .iter()
            .map(|(key, label)| {
                let m = s.milestones.iter().find(|m| m.key == *key);
                MilestoneRow {
                    key: key.clone(),
                    label: label.clone(),
                    month: current.monthly.contains(key),
                    starts: m.map(|m| m.starts.clone()).unwrap_or_default(),
                    ends: m.map(|m| m.ends.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let questions = s
            .key_questions
            .iter()
            .enumerate()
            .map(|(i, q)| QuestionRow {
                id: q.id,
                text: q.question.clone(),
                order: i + 1,
                remove: false,
                answers: answers_to(current, q.id),
            })
            .collect();
        let criteria = s
            .rubric
            .iter()
            .map(|c| CriterionRow {
                id: c.id,
                criterion: c.criterion.clone(),
                weight: c.weight.clone(),
                remove: false,
            })
            .collect();
        SettingsForm {
            base: s,
            milestones,
            questions,
            new_question: String::new(),
            criteria,
            new_criterion: String::new(),
            new_weight: String::new(),
        }
    }

    /// Reads the posted fields (repeated names, like the sector boxes, kept).
    fn from_pairs(pairs: &[(String, String)], current: &Current) -> SettingsForm {
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let has = |name: &str| pairs.iter().any(|(k, _)| k == name);
        let base = ProgramSettings {
            name: one("name"),
            sponsor: one("sponsor"),
            provider: one("provider"),
            time_zone: one("time_zone"),
            deadline_date: one("deadline_date"),
            deadline_time: one("deadline_time"),
            framework: one("framework"),
            required_sectors: pairs
                .iter()
                .filter(|(k, _)| k == "required_sectors")
                .map(|(_, v)| v.clone())
                .collect(),
            ..Default::default()
        };
        let milestones = current
            .milestones
            .iter()
            .map(|(key, label)| MilestoneRow {
                key: key.clone(),
                label: label.clone(),
                month: current.monthly.contains(key),
                starts: one(&format!("ms_starts_{key}")),
                ends: one(&format!("ms_ends_{key}")),
            })
            .collect();
        let mut questions = Vec::new();
        for i in 0..program_settings::MAX_QUESTIONS * 2 {
            if !has(&format!("q_text_{i}")) {
                break;
            }
            let id = one(&format!("q_id_{i}")).parse().ok();
            questions.push(QuestionRow {
                id,
                text: one(&format!("q_text_{i}")),
                order: one(&format!("q_order_{i}")).parse().unwrap_or(i + 1),
                remove: has(&format!("q_remove_{i}")),
                answers: answers_to(current, id),
            });
        }
        let mut criteria = Vec::new();
        for i in 0..program_settings::MAX_CRITERIA * 2 {
            if !has(&format!("c_name_{i}")) {
                break;
            }
            criteria.push(CriterionRow {
                id: one(&format!("c_id_{i}")).parse().ok(),
                criterion: one(&format!("c_name_{i}")),
                weight: one(&format!("c_weight_{i}")),
                remove: has(&format!("c_remove_{i}")),
            });
        }
        SettingsForm {
            base,
            milestones,
            questions,
            new_question: one("q_new"),
            criteria,
            new_criterion: one("c_new_name"),
            new_weight: one("c_new_weight"),
        }
    }

    /// The whole settings object the rules check: questions in their
    /// chosen order, removed rows left out, new ones added at the end.
    fn request(&self) -> ProgramSettings {
        let mut questions: Vec<(usize, usize, &QuestionRow)> = self
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.remove)
            .map(|(i, q)| (q.order, i, q))
            .collect();
        questions.sort_by_key(|(order, i, _)| (*order, *i));
        let mut key_questions: Vec<_> = questions
            .into_iter()
            .map(|(_, _, q)| program_settings::QuestionText {
                id: q.id,
                question: q.text.clone(),
            })
            .collect();
        if !self.new_question.trim().is_empty() {
            key_questions.push(program_settings::QuestionText {
                id: None,
                question: self.new_question.clone(),
            });
        }
        let mut rubric: Vec<_> = self
            .criteria
            .iter()
            .filter(|c| !c.remove)
            .map(|c| program_settings::CriterionWeight {
                id: c.id,
                criterion: c.criterion.clone(),
                weight: c.weight.clone(),
            })
            .collect();
        if !self.new_criterion.trim().is_empty() || !self.new_weight.trim().is_empty() {
            rubric.push(program_settings::CriterionWeight {
                id: None,
                criterion: self.new_criterion.clone(),
                weight: self.new_weight.clone(),
            });
        }
        ProgramSettings {
            milestones: self
                .milestones
                .iter()
                .map(|m| program_settings::MilestoneDates {
                    key: m.key.clone(),
                    starts: m.starts.clone(),
                    ends: m.ends.clone(),
                })
                .collect(),
            key_questions,
            rubric,
            ..self.base.clone()
        }
    }
}

fn answers_to(current: &Current, id: Option<i64>) -> i64 {
    current
        .questions
        .iter()
        .find(|(qid, _, _)| Some(*qid) == id)
        .map(|(_, _, n)| *n)
        .unwrap_or(0)
}

#[derive(Template)]
#[template(path = "program/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    program: Program,
    form: ProgramSettings,
    milestones: Vec<MilestoneRow>,
    questions: Vec<QuestionRow>,
    new_question: String,
    criteria: Vec<CriterionRow>,
    new_criterion: String,
    new_weight: String,
    sectors: Vec<SectorBox>,
    /// (slug, name) of each framework a program can follow.
    frameworks: Vec<(String, String)>,
    zones: Vec<(String, String)>,
    scored: bool,
    errors: Errors,
}

fn settings_view(
    frameworks: &crate::framework::Registry,
    visitor: &Visitor,
    program: Program,
    form: SettingsForm,
    current: &Current,
    errors: Errors,
) -> SettingsPage {
    let mut zones: Vec<(String, String)> = US_ZONES
        .iter()
        .map(|(z, l)| ((*z).to_owned(), (*l).to_owned()))
        .collect();
    if !form.base.time_zone.is_empty() && !zones.iter().any(|(z, _)| *z == form.base.time_zone) {
        zones.push((form.base.time_zone.clone(), "Other".to_owned()));
    }
    SettingsPage {
        chrome: Chrome::new(
            visitor,
            format!("Settings of {}", program.name),
            "/programs",
        ),
        sectors: crate::team::Sector::ALL
            .iter()
            .map(|s| SectorBox {
                value: s.as_str(),
                label: s.label(),
                checked: form.base.required_sectors.iter().any(|x| x == s.as_str()),
            })
            .collect(),
        frameworks: frameworks
            .choosable()
            .iter()
            .map(|f| (f.slug.clone(), f.name.clone()))
            .collect(),
        zones,
        scored: current.scored,
        errors,
        program,
        form: form.base,
        milestones: form.milestones,
        questions: form.questions,
        new_question: form.new_question,
        criteria: form.criteria,
        new_criterion: form.new_criterion,
        new_weight: form.new_weight,
    }
}

async fn settings_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let actor = visitor.signed_in()?;
    let (program, settings, current) = super::service::settings(&state, &actor, &slug).await?;
    let form = SettingsForm::from_settings(settings, &current);
    render(settings_view(
        &state.frameworks,
        &visitor,
        program,
        form,
        &current,
        Errors::default(),
    ))
}

async fn save_settings(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (program, _, current) = super::service::settings(&state, &actor, &slug).await?;
    let form = SettingsForm::from_pairs(&pairs, &current);
    match super::service::save_settings(&state, &actor, &slug, Given(form.request())).await {
        Ok(()) => Ok(Done::SettingsSaved.redirect(&format!("/programs/{slug}"))),
        Err(Refusal::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(settings_view(
                &state.frameworks,
                &visitor,
                program,
                form,
                &current,
                Errors(errors),
            ))?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
