//! The activity pages: the program's list (upcoming and past, by month),
//! the scheduling form, one activity (with the organizer's forms to change,
//! record and cancel it and to follow up its action items), the `.ics`
//! download, and a person's private calendar feed.

use std::collections::HashMap;

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Given;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, Attendance};
use super::store::{ActionItem, Activity};
use super::{
    Draft, ItemDraft, Kind, Status, When, describe_date, describe_span, month_of, zone_words,
};
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::auth::{Actor, CurrentUser, guard};
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::time::now_ms;
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/activities", list_page)
        .get("/programs/{slug}/activities/new", new_page)
        .post("/programs/{slug}/activities", create)
        .get("/programs/{slug}/activities/{activity}", show)
        .post("/programs/{slug}/activities/{activity}", edit)
        .post("/programs/{slug}/activities/{activity}/cancel", cancel)
        .post("/programs/{slug}/activities/{activity}/record", record)
        .post(
            "/programs/{slug}/activities/{activity}/action-items",
            add_item,
        )
        .post(
            "/programs/{slug}/activities/{activity}/action-items/{item}/done",
            item_done,
        )
        .post(
            "/programs/{slug}/activities/{activity}/action-items/{item}/plan-step",
            item_step,
        )
        .get(
            "/programs/{slug}/activities/{activity}/calendar.ics",
            ics_file,
        )
        .get("/account/calendar", calendar_page)
        .post("/account/calendar", calendar_new)
        .post("/account/calendar/off", calendar_off)
        .get("/calendar/{token}/feed.ics", feed)
}

/// A form as (name, value) pairs, repeated names kept.
type Fields = Vec<(String, String)>;

fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn all<'a>(form: &'a Fields, name: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn when_from(form: &Fields) -> When {
    When {
        date: field(form, "date").trim().to_owned(),
        start: field(form, "start").trim().to_owned(),
        end: field(form, "end").trim().to_owned(),
        duration_minutes: None,
        days: field(form, "days").trim().parse().unwrap_or(1),
    }
}

fn errors_of(r: Refusal) -> Result<Vec<(String, String)>, AppError> {
    match r {
        Refusal::Invalid(e) => Ok(e),
        other => Err(other.into()),
    }
}

// ----- the list -----

struct Line {
    id: i64,
    when: String,
    title: String,
    kind: &'static str,
    states: String,
    status: Status,
}

struct Month {
    name: String,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "activity/list.html")]
struct ListPage {
    chrome: Chrome,
    program: Program,
    upcoming: Vec<Month>,
    past: Vec<Month>,
    teams: Vec<(String, String)>,
    kinds: [Kind; 7],
    state_filter: String,
    kind_filter: String,
    can_schedule: bool,
    zone: String,
    count: usize,
}

#[derive(Deserialize, Default)]
struct Filter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    done: String,
}

fn by_month(list: Vec<&Activity>, zone: &str) -> Vec<Month> {
    let mut out: Vec<Month> = Vec::new();
    for a in list {
        let name = month_of(a.starts_at, zone);
        let line = Line {
            id: a.id,
            when: describe_span(a.starts_at, a.ends_at, zone),
            title: a.title.clone(),
            kind: a.kind.label(),
            states: a
                .states
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            status: a.status,
        };
        match out.last_mut() {
            Some(m) if m.name == name => m.lines.push(line),
            _ => out.push(Month {
                name,
                lines: vec![line],
            }),
        }
    }
    out
}

async fn list_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let program = crate::program::load(&state, &slug).await?;
    let path = format!("/programs/{slug}/activities");
    let actor = visitor.signed_in()?;
    let all = service::list(&state, &actor, &program).await?;
    let teams = crate::team::store::teams(&state.db.pool, program.id).await?;
    let state_filter = filter.state.trim().to_uppercase();
    let kind_filter = Kind::parse(&filter.kind)
        .map(|k| k.as_str().to_owned())
        .unwrap_or_default();
    let shown: Vec<&Activity> = all
        .iter()
        .filter(|a| state_filter.is_empty() || a.states.iter().any(|s| s.code == state_filter))
        .filter(|a| kind_filter.is_empty() || a.kind.as_str() == kind_filter)
        .collect();
    let now = now_ms();
    let upcoming: Vec<&Activity> = shown.iter().filter(|a| a.ends_at >= now).copied().collect();
    let mut past: Vec<&Activity> = shown.iter().filter(|a| a.ends_at < now).copied().collect();
    past.reverse();
    let chrome = Chrome::new(&visitor, format!("Activities in {}", program.name), &path)
        .with_notice(notice(&filter.done));
    let page = ListPage {
        chrome,
        count: shown.len(),
        upcoming: by_month(upcoming, &program.time_zone),
        past: by_month(past, &program.time_zone),
        can_schedule: service::may_schedule_some(&actor.user, program.id, &teams),
        teams,
        kinds: Kind::ALL,
        state_filter,
        kind_filter,
        zone: zone_words(&program.time_zone),
        program,
    };
    Ok(render(page)?.into_response())
}

// ----- scheduling -----

#[derive(Template)]
#[template(path = "activity/new.html")]
struct NewPage {
    chrome: Chrome,
    program: Program,
    kinds: Vec<Kind>,
    teams: Vec<(String, String)>,
    coached: Vec<String>,
    experts: Vec<(i64, String)>,
    typed: Fields,
    errors: Vec<(String, String)>,
    zone: String,
}

impl NewPage {
    fn value(&self, name: &str) -> String {
        field(&self.typed, name).to_owned()
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    fn kind_checked(&self, k: &Kind) -> bool {
        field(&self.typed, "kind") == k.as_str()
    }

    fn state_checked(&self, code: &str) -> bool {
        all(&self.typed, "states").contains(&code)
    }

    fn expert_chosen(&self, id: &i64) -> bool {
        field(&self.typed, "expert") == id.to_string()
    }

    fn days_chosen(&self, n: &i64) -> bool {
        let d = field(&self.typed, "days");
        (d.is_empty() && *n == 2) || d == n.to_string()
    }

    fn coached_names(&self) -> String {
        let names: Vec<String> = self
            .teams
            .iter()
            .filter(|(c, _)| self.coached.contains(c))
            .map(|(_, n)| n.clone())
            .collect();
        super::and_list(&names)
    }
}

async fn new_form(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    typed: Fields,
    errors: Vec<(String, String)>,
) -> Result<NewPage, AppError> {
    let facts = service::facts(state, program.id)
        .await
        .map_err(AppError::from)?;
    let kinds: Vec<Kind> = service::kinds_for(user, program.id, &facts.teams).collect();
    let coached = service::states_for(user, program.id, Kind::CoachingCall, &facts.teams);
    let path = format!("/programs/{}/activities/new", program.slug);
    Ok(NewPage {
        chrome: Chrome::new(visitor, "Schedule an activity", &path),
        zone: zone_words(&program.time_zone),
        program,
        kinds,
        coached,
        teams: facts.teams,
        experts: facts.experts,
        typed,
        errors,
    })
}

/// Only those who may schedule something in the program see the form.
async fn schedule_gate(
    state: &AppState,
    visitor: &Visitor,
    program: &Program,
) -> Result<CurrentUser, AppError> {
    let actor = visitor.signed_in()?;
    service::may_schedule(state, &actor, program).await?;
    Ok(actor.user)
}

/// What a link may fill in on the scheduling form (the dashboard's
/// suggested webinar topics do): only shown, never saved until submitted.
#[derive(Deserialize, Default)]
struct Prefill {
    kind: Option<String>,
    title: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(prefill): Query<Prefill>,
) -> Result<Response, AppError> {
    let program = crate::program::load(&state, &slug).await?;
    let user = schedule_gate(&state, &visitor, &program).await?;
    let mut typed = vec![("days".to_owned(), "2".to_owned())];
    if let Some(kind) = prefill.kind.filter(|k| Kind::parse(k).is_some()) {
        typed.push(("kind".to_owned(), kind));
    }
    if let Some(title) = prefill.title {
        typed.push(("title".to_owned(), title.chars().take(200).collect()));
    }
    let page = new_form(&state, &visitor, &user, program, typed, vec![]).await?;
    Ok(render(page)?.into_response())
}

fn draft_from(form: &Fields) -> Draft {
    Draft {
        kind: field(form, "kind").to_owned(),
        states: all(form, "states").into_iter().map(str::to_owned).collect(),
        when: when_from(form),
        title: field(form, "title").to_owned(),
        agenda: field(form, "agenda").to_owned(),
        place: field(form, "place").to_owned(),
        expert_id: field(form, "expert").trim().parse().ok(),
    }
}

async fn create(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let program = crate::program::load(&state, &slug).await?;
    let draft = draft_from(&form);
    let program_wide = Kind::parse(&draft.kind).is_some_and(|k| k.program_wide());
    let actor = visitor.signed_in()?;
    let (errors, status) = match service::schedule(&state, &actor, &program, Given(draft)).await {
        Ok(id) => {
            return Ok(
                Done::ActivityScheduled.redirect(&format!("/programs/{slug}/activities/{id}"))
            );
        }
        // Not this kind, or not these states: said next to the field.
        Err(Refusal::NotAllowed(Some(message))) => {
            let field = if program_wide { "kind" } else { "states" };
            (vec![(field.to_owned(), message)], StatusCode::FORBIDDEN)
        }
        Err(r) => (errors_of(r)?, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let page = new_form(&state, &visitor, &actor.user, program, form, errors).await?;
    Ok((status, render(page)?).into_response())
}

// ----- one activity -----

/// A form that failed: which, the problems, what was typed.
#[derive(Default)]
struct Failed {
    form: &'static str,
    item: Option<i64>,
    errors: Vec<(String, String)>,
    typed: Fields,
}

struct ItemView {
    item: ActionItem,
    overdue: bool,
    due: String,
    /// The state's goals, to choose one for the plan step.
    goals: Vec<(i64, String)>,
    /// Why the item cannot become a step (no goals yet, ...).
    blocker: Option<String>,
}

#[derive(Template)]
#[template(path = "activity/show.html")]
struct ShowPage {
    chrome: Chrome,
    program: Program,
    a: Activity,
    when: String,
    zone: String,
    can_organize: bool,
    started: bool,
    items: Vec<ItemView>,
    owners: Vec<(i64, String, String)>,
    attendees: Vec<(i64, String, String)>,
    edit: When,
    failed: Failed,
}

impl ShowPage {
    fn base(&self) -> String {
        format!("/programs/{}/activities/{}", self.program.slug, self.a.id)
    }

    fn error(&self, form: &str, name: &str) -> Option<&str> {
        if self.failed.form != form {
            return None;
        }
        self.failed
            .errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    fn item_error(&self, id: &i64) -> Option<&str> {
        if self.failed.item != Some(*id) {
            return None;
        }
        self.failed.errors.first().map(|(_, m)| m.as_str())
    }

    /// What the field shows: what was typed if this form failed, else `current`.
    fn value(&self, form: &str, name: &str, current: &str) -> String {
        if self.failed.form == form {
            field(&self.failed.typed, name).to_owned()
        } else {
            current.to_owned()
        }
    }

    fn anchor(&self, name: &str) -> String {
        match self.failed.form {
            "edit" => format!("edit-{name}"),
            "record" => format!("record-{name}"),
            "step" => format!("goal-{}", self.failed.item.unwrap_or_default()),
            _ => name.to_owned(),
        }
    }

    /// The failed form's problems, each with the id of its field.
    fn problems(&self) -> Vec<(String, &str)> {
        self.failed
            .errors
            .iter()
            .map(|(f, m)| (self.anchor(f), m.as_str()))
            .collect()
    }

    fn days_chosen(&self, n: &i64) -> bool {
        self.value("edit", "days", &self.edit.days.to_string()) == n.to_string()
    }

    fn state_attended(&self, code: &str) -> bool {
        if self.failed.form == "record" {
            return all(&self.failed.typed, "states").contains(&code);
        }
        self.a
            .states
            .iter()
            .any(|s| s.code == code && s.attended.unwrap_or(true))
    }

    fn person_attended(&self, id: &i64) -> bool {
        if self.failed.form == "record" {
            return all(&self.failed.typed, "people").contains(&id.to_string().as_str());
        }
        self.a
            .people
            .iter()
            .find(|p| p.user_id == *id)
            .map(|p| p.attended.unwrap_or(true))
            .unwrap_or(self.a.status == Status::Scheduled)
    }

    fn status_chosen(&self, s: &str) -> bool {
        let current = match self.a.status {
            Status::Scheduled => "held",
            other => other.as_str(),
        };
        self.value("record", "status", current) == s
    }

    fn owner_chosen(&self, id: &i64) -> bool {
        self.value("item", "item_owner", "") == id.to_string()
    }

    fn item_state_chosen(&self, code: &str) -> bool {
        self.value("item", "item_state", "") == code
    }

    fn attendance(v: &Option<bool>) -> &'static str {
        match v {
            Some(true) => "Attended",
            Some(false) => "Did not attend",
            None => "Not recorded",
        }
    }

    fn state_name(&self, code: &Option<String>) -> String {
        code.as_ref()
            .and_then(|c| self.a.states.iter().find(|s| s.code == *c))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// The time fields of the change form: (name, label, type, current value, hint).
    fn edit_fields(&self) -> Vec<(&'static str, &'static str, &'static str, String, String)> {
        vec![
            (
                "date",
                "Date",
                "date",
                self.edit.date.clone(),
                "The first day, year-month-day".into(),
            ),
            (
                "start",
                "Starts at",
                "time",
                self.edit.start.clone(),
                self.zone.clone(),
            ),
            (
                "end",
                "Ends at",
                "time",
                self.edit.end.clone(),
                "On the last day".into(),
            ),
        ]
    }

    /// Text as paragraphs, one per non-empty line.
    fn paras(text: &str) -> Vec<&str> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn role_label(role: &str) -> &str {
        match role {
            "organizer" => "Organizer",
            "expert" => "Subject-matter expert",
            "participant" => "Participant",
            other => other,
        }
    }
}

async fn load_activity(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: &str,
    organize: bool,
) -> Result<(Actor, Program, Activity), AppError> {
    let actor = visitor.signed_in()?;
    let id: i64 = id.parse().map_err(|_| AppError::NOT_FOUND)?;
    let (program, a) = service::open(state, &actor, (slug, id), organize).await?;
    Ok((actor, program, a))
}

async fn show_page(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    a: Activity,
    failed: Failed,
    done: &str,
) -> Result<ShowPage, AppError> {
    let can_organize = policy::allows(user, &service::organize_action(&a));
    let now = now_ms();
    let mut items = Vec::new();
    for item in super::store::items(&state.db.pool, a.id).await? {
        let (goals, blocker) = if can_organize {
            match service::step_goals(state, &program, &item)
                .await
                .map_err(AppError::from)?
            {
                Ok(goals) => (goals, None),
                Err(why) => (vec![], Some(why)),
            }
        } else {
            (vec![], None)
        };
        items.push(ItemView {
            overdue: item.done_at.is_none()
                && super::overdue(&item.due_on, now, &program.time_zone),
            due: describe_date(&item.due_on),
            item,
            goals,
            blocker,
        });
    }
    let (owners, attendees) = if can_organize {
        (
            service::owners(state, &a).await.map_err(AppError::from)?,
            service::attendees(state, &a)
                .await
                .map_err(AppError::from)?,
        )
    } else {
        (vec![], vec![])
    };
    let path = format!("/programs/{}/activities/{}", program.slug, a.id);
    let chrome = Chrome::new(visitor, a.title.clone(), &path).with_notice(notice(done));
    Ok(ShowPage {
        chrome,
        when: describe_span(a.starts_at, a.ends_at, &program.time_zone),
        zone: zone_words(&program.time_zone),
        edit: super::when_of(a.starts_at, a.ends_at, &program.time_zone),
        started: a.starts_at <= now,
        can_organize,
        items,
        owners,
        attendees,
        failed,
        program,
        a,
    })
}

async fn show(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, false).await?;
    let page = show_page(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        Failed::default(),
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

/// After an organizer's change: back to the page with a confirmation, or
/// the page again with the problems next to the form's fields.
#[allow(clippy::too_many_arguments)]
async fn after(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    a: Activity,
    result: Result<(), Refusal>,
    done: Done,
    mut failed: Failed,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/programs/{}/activities/{}?done={done}",
            program.slug, a.id
        ))
        .into_response()),
        Err(r) => {
            failed.errors = errors_of(r)?;
            // The activity as it is now (nothing changed).
            let a = service::load(state, program.id, a.id)
                .await
                .map_err(AppError::from)?;
            let page = show_page(state, visitor, user, program, a, failed, "").await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    let result = service::update(
        &state,
        &actor,
        &program,
        &a,
        when_from(&form),
        (
            field(&form, "title"),
            field(&form, "agenda"),
            field(&form, "place"),
        ),
    )
    .await;
    let failed = Failed {
        form: "edit",
        typed: form,
        ..Failed::default()
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        result,
        Done::ActivityChanged,
        failed,
    )
    .await
}

async fn cancel(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(_form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    let result = match service::cancel(&state, &actor, &a).await {
        Err(Refusal::Conflict(m)) => Err(Refusal::field("cancel", m)),
        other => other,
    };
    let failed = Failed {
        form: "cancel",
        ..Failed::default()
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        result,
        Done::ActivityCancelled,
        failed,
    )
    .await
}

async fn record(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    // Every state and person on the form: checked means attended.
    let said = Attendance {
        status: field(&form, "status").to_owned(),
        notes: field(&form, "notes").to_owned(),
        states: all(&form, "states")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        people: all(&form, "people")
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect(),
    };
    let result = service::record_attendance(&state, &actor, &a, said).await;
    let failed = Failed {
        form: "record",
        typed: form,
        ..Failed::default()
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        result,
        Done::ActivityRecorded,
        failed,
    )
    .await
}

fn item_from(form: &Fields) -> ItemDraft {
    ItemDraft {
        text: field(form, "item_text").to_owned(),
        owner_id: field(form, "item_owner").trim().parse().ok(),
        due_on: field(form, "item_due").to_owned(),
        state: field(form, "item_state").to_owned(),
    }
}

async fn add_item(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    let result = service::add_item(&state, &actor, &a, &item_from(&form))
        .await
        .map(|_| ());
    let failed = Failed {
        form: "item",
        typed: form,
        ..Failed::default()
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        result,
        Done::ItemAdded,
        failed,
    )
    .await
}

async fn item_done(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id, item)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    let item: i64 = item.parse().map_err(|_| AppError::NOT_FOUND)?;
    let done = field(&form, "done") != "no";
    service::set_done(&state, &actor, &a, item, done)
        .await
        .map_err(AppError::from)?;
    Ok(Redirect::to(&format!(
        "/programs/{}/activities/{}?done={}#items",
        program.slug,
        a.id,
        if done { Done::ItemDone } else { Done::ItemOpen }
    ))
    .into_response())
}

async fn item_step(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id, item)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (actor, program, a) = load_activity(&state, &visitor, &slug, &id, true).await?;
    let item: i64 = item.parse().map_err(|_| AppError::NOT_FOUND)?;
    let goal = field(&form, "goal").trim().parse().ok();
    let result = match service::to_step(&state, &actor, &program, &a, item, goal).await {
        Ok(_) => Ok(()),
        Err(Refusal::Conflict(m)) => Err(Refusal::field("goal", m)),
        Err(e) => Err(e),
    };
    let failed = Failed {
        form: "step",
        item: Some(item),
        typed: form,
        ..Failed::default()
    };
    after(
        &state,
        &visitor,
        &actor.user,
        program,
        a,
        result,
        Done::ItemPlanned,
        failed,
    )
    .await
}

fn calendar_response(body: String, filename: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

async fn ics_file(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (_, program, a) = load_activity(&state, &visitor, &slug, &id, false).await?;
    let body = super::ics::calendar(None, &[service::event(&state, &program.slug, &a)]);
    Ok(calendar_response(body, &format!("activity-{}.ics", a.id)))
}

// ----- the calendar feed -----

#[derive(Template)]
#[template(path = "activity/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    made: Option<String>,
    new_url: Option<String>,
}

async fn calendar_view(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    new_url: Option<String>,
    done: &str,
) -> Result<CalendarPage, AppError> {
    let made = super::store::feed_made(&state.db.pool, user.id)
        .await?
        .map(|ms| crate::time::format_in_zone(ms, "UTC"));
    Ok(CalendarPage {
        chrome: Chrome::new(visitor, "Your calendar feed", "/account/calendar")
            .with_notice(notice(done)),
        made,
        new_url,
    })
}

async fn calendar_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    let page = calendar_view(&state, &visitor, &user, None, &done.done).await?;
    Ok(render(page)?.into_response())
}

async fn calendar_new(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(_form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let token = service::new_feed(&state, &actor).await?;
    let user = actor.user;
    let url = service::feed_url(&state, &token);
    let page = calendar_view(&state, &visitor, &user, Some(url), "").await?;
    Ok(render(page)?.into_response())
}

async fn calendar_off(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(_form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    service::revoke_feed(&state, &visitor.signed_in()?).await?;
    Ok(Redirect::to(&Done::FeedOff.at("/account/calendar")).into_response())
}

/// The feed itself: no session; the token in the address is the key.
async fn feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match service::feed(&state, &token)
        .await
        .map_err(AppError::from)?
    {
        Some(body) => Ok(calendar_response(body, "waymark.ics")),
        None => Err(AppError::NOT_FOUND),
    }
}
