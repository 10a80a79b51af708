//! The plan pages: the plan itself (goals with their progress, steps,
//! milestones, updates with evidence, and the forms for those allowed),
//! the timeline by month, the spreadsheet, the evidence downloads, and the
//! form posts. Bad input comes back on the plan page with the message
//! next to the field and what was typed kept.

use std::collections::HashMap;

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

use super::service::{
    self, GoalInput, MilestoneInput, PlanView, Scope, StatusInput, StepInput, Suggestion,
    UpdateInput,
};
use super::{StepStatus, long_date, month_label};
use crate::assessment::instrument::ElementGroup;
use crate::auth::CurrentUser;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, CsrfMultipart, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/plans/{state}", plan_page)
        .get("/programs/{slug}/plans/{state}/timeline", timeline_page)
        .get("/programs/{slug}/plans/{state}/plan.xlsx", export_xlsx)
        .get(
            "/programs/{slug}/plans/{state}/evidence/{evidence}",
            download_evidence,
        )
        .post("/programs/{slug}/plans/{state}/goals", add_goal)
        .post(
            "/programs/{slug}/plans/{state}/goals/{goal}/delete",
            remove_goal,
        )
        .post(
            "/programs/{slug}/plans/{state}/goals/{goal}/steps",
            add_step,
        )
        .post(
            "/programs/{slug}/plans/{state}/steps/{step}/status",
            step_status,
        )
        .post(
            "/programs/{slug}/plans/{state}/steps/{step}/delete",
            remove_step,
        )
        .post(
            "/programs/{slug}/plans/{state}/goals/{goal}/milestones",
            add_milestone,
        )
        .post(
            "/programs/{slug}/plans/{state}/milestones/{milestone}/reached",
            mark_milestone,
        )
        .post(
            "/programs/{slug}/plans/{state}/milestones/{milestone}/delete",
            remove_milestone,
        )
        .post(
            "/programs/{slug}/plans/{state}/goals/{goal}/updates",
            add_update,
        )
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

#[derive(Deserialize)]
struct GoalPath {
    slug: String,
    state: String,
    goal: i64,
}

#[derive(Deserialize)]
struct StepPath {
    slug: String,
    state: String,
    step: i64,
}

#[derive(Deserialize)]
struct MilestonePath {
    slug: String,
    state: String,
    milestone: i64,
}

#[derive(Deserialize)]
struct EvidencePath {
    slug: String,
    state: String,
    evidence: i64,
}

pub(super) async fn ctx(
    state: &AppState,
    visitor: &Visitor,
    at: (&str, &str),
    action: fn(i64, String) -> Action,
) -> Result<(CurrentUser, Scope), AppError> {
    let actor = visitor.signed_in()?;
    let scope = service::open(state, &actor, at, action).await?;
    Ok((actor.user, scope))
}

pub(super) fn base(scope: &Scope) -> String {
    format!("/programs/{}/plans/{}", scope.program().slug, scope.code)
}

// ----- the plan page -----

/// A form that came back with problems: which form, what was typed, and
/// the problems by field.
#[derive(Default)]
struct Failed {
    form: String,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "plan/plan.html")]
struct PlanPage {
    chrome: Chrome,
    scope: Scope,
    base: String,
    plan: PlanView,
    suggestions: Vec<Suggestion>,
    elements: Vec<ElementGroup>,
    owners: Vec<(i64, String, String)>,
    activities: Vec<(i64, String, String)>,
    statuses: [StepStatus; 4],
    can_edit: bool,
    can_update: bool,
    failed: Failed,
}

impl PlanPage {
    /// The name of a form: `prefix` alone, or `prefix-id` for a form of one
    /// goal, step or milestone.
    fn form(prefix: &str, id: i64) -> String {
        if id == 0 {
            prefix.to_owned()
        } else {
            format!("{prefix}-{id}")
        }
    }

    /// What was typed in a field of a form that came back, or `default`.
    fn v(&self, prefix: &str, id: &i64, field: &str, default: &str) -> String {
        if self.failed.form == Self::form(prefix, *id) {
            self.failed.values.get(field).cloned().unwrap_or_default()
        } else {
            default.to_owned()
        }
    }

    fn err(&self, prefix: &str, id: &i64, field: &str) -> Option<String> {
        if self.failed.form != Self::form(prefix, *id) {
            return None;
        }
        self.failed
            .errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    /// Was `value` chosen in a form that came back?
    fn is(&self, prefix: &str, id: &i64, field: &str, value: &str) -> bool {
        self.failed.form == Self::form(prefix, *id)
            && self.failed.values.get(field).map(|v| v.trim()) == Some(value)
    }

    /// The problems for the summary at the top: (field id, message).
    fn summary(&self) -> Vec<(String, String)> {
        self.failed
            .errors
            .iter()
            .map(|(f, m)| (format!("{}-{f}", self.failed.form), m.clone()))
            .collect()
    }

    fn date(&self, d: &str) -> String {
        long_date(d)
    }

    fn strategies(&self, element: &str) -> Vec<(String, String)> {
        self.elements
            .iter()
            .filter(|e| e.key == element)
            .flat_map(|e| e.indicators.iter())
            .map(|i| (i.strategy_key.clone(), i.text.clone()))
            .collect()
    }

    fn step_text(&self, goal: &service::GoalView, id: &Option<i64>) -> String {
        id.and_then(|id| goal.steps.iter().find(|s| s.step.id == id))
            .map(|s| s.step.text.clone())
            .unwrap_or_default()
    }

    fn size(bytes: &i64) -> String {
        if *bytes < 1024 {
            format!("{bytes} bytes")
        } else if *bytes < 1024 * 1024 {
            format!("{} KB", bytes / 1024)
        } else {
            format!("{:.1} MB", *bytes as f64 / 1_048_576.0)
        }
    }

    fn today(&self) -> String {
        long_date(&self.plan.today)
    }
}

async fn plan_view(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    scope: Scope,
    failed: Failed,
    done: &str,
) -> Result<PlanPage, AppError> {
    let program_id = scope.program().id;
    let can_edit = policy::allows(user, &service::may_edit(program_id, scope.code.clone()));
    let can_update = policy::allows(user, &service::may_update(program_id, scope.code.clone()));
    let plan = service::view(state, &scope).await?;
    let suggestions = if plan.goals.is_empty() && can_edit {
        service::suggestions(state, &scope).await?
    } else {
        vec![]
    };
    let owners = service::owners(state, &scope).await?;
    let activities = service::activities(state, &scope).await?;
    let base = base(&scope);
    let chrome = Chrome::new(
        visitor,
        format!("{}'s action plan", scope.state_name),
        &base,
    )
    .with_notice(notice(done));
    Ok(PlanPage {
        chrome,
        elements: scope.instrument.elements(),
        base,
        scope,
        plan,
        suggestions,
        owners,
        activities,
        statuses: StepStatus::ALL,
        can_edit,
        can_update,
        failed,
    })
}

async fn plan_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_view).await?;
    let page = plan_view(
        &state,
        &visitor,
        &user,
        scope,
        Failed::default(),
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

/// After a change: back to the plan (at `anchor`) with the confirmation,
/// or the plan page again with the problems next to the fields.
async fn after<T>(
    state: &AppState,
    visitor: &Visitor,
    (user, scope): (CurrentUser, Scope),
    result: Result<T, Refusal>,
    (form, values): (String, HashMap<String, String>),
    (done, anchor): (Done, String),
) -> Result<Response, AppError> {
    match result {
        Ok(_) => Ok(back_to_plan(&scope, done, &anchor)),
        Err(Refusal::Invalid(errors)) => {
            let failed = Failed {
                form,
                values,
                errors,
            };
            let page = plan_view(state, visitor, &user, scope, failed, "").await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Back to the plan, at `anchor`, with the confirmation `done`.
pub(super) fn back_to_plan(scope: &Scope, done: Done, anchor: &str) -> Response {
    Redirect::to(&format!("{}?done={done}#{anchor}", base(scope))).into_response()
}

/// A goal as typed in its form (to add or to change).
pub(super) fn goal_input(form: &HashMap<String, String>) -> GoalInput {
    GoalInput {
        title: field(form, "title"),
        description: field(form, "description"),
        element_key: field(form, "element_key"),
        strategy_key: opt(form, "strategy_key"),
    }
}

/// A step as typed in its form (to add or to change); a chosen owner or
/// activity that is not a number is refused next to its field.
pub(super) fn step_input(form: &HashMap<String, String>) -> Result<StepInput, Refusal> {
    Ok(StepInput {
        text: field(form, "text"),
        owner_id: chosen_id(form, "owner_id", "Choose the owner from the list.")?,
        due_on: field(form, "due_on"),
        status: field(form, "status"),
        activity_id: chosen_id(form, "activity_id", "Choose an activity from the list.")?,
    })
}

pub(super) fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name).cloned().unwrap_or_default()
}

pub(super) fn opt(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// A chosen id from a list: blank is none; anything else must be a number.
pub(super) fn chosen_id(
    form: &HashMap<String, String>,
    name: &str,
    message: &str,
) -> Result<Option<i64>, Refusal> {
    match opt(form, name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Refusal::field(name, message)),
    }
}

async fn add_goal(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let input = goal_input(&form);
    let result = service::add_goal(&state, &user, &visitor.ip, &scope, &input).await;
    let anchor = match &result {
        Ok(id) => format!("goal-{id}"),
        Err(_) => String::new(),
    };
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        ("goal".into(), form),
        (Done::GoalAdded, anchor),
    )
    .await
}

async fn remove_goal(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<GoalPath>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let result = service::remove_goal(&state, &user, &visitor.ip, &scope, p.goal).await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (String::new(), HashMap::new()),
        (Done::GoalRemoved, "goals".into()),
    )
    .await
}

async fn add_step(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<GoalPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let result = match step_input(&form) {
        Ok(input) => service::add_step(&state, &user, &visitor.ip, &scope, p.goal, &input).await,
        Err(e) => Err(e),
    };
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (format!("step-{}", p.goal), form),
        (Done::StepAdded, format!("goal-{}", p.goal)),
    )
    .await
}

async fn step_status(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StepPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_update).await?;
    let input = StatusInput {
        status: field(&form, "status"),
    };
    let result = service::set_status(&state, &user, &visitor.ip, &scope, p.step, &input).await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (format!("status-{}", p.step), form),
        (Done::StatusSaved, format!("step-{}", p.step)),
    )
    .await
}

async fn remove_step(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StepPath>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let result = service::remove_step(&state, &user, &visitor.ip, &scope, p.step).await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (String::new(), HashMap::new()),
        (Done::StepRemoved, "goals".into()),
    )
    .await
}

async fn add_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<GoalPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let input = MilestoneInput {
        strategy_key: field(&form, "strategy_key"),
        target_on: field(&form, "target_on"),
        reached_on: opt(&form, "reached_on"),
    };
    let result = service::add_milestone(&state, &user, &visitor.ip, &scope, p.goal, &input).await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (format!("milestone-{}", p.goal), form),
        (Done::MilestoneAdded, format!("goal-{}-milestones", p.goal)),
    )
    .await
}

async fn mark_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<MilestonePath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let reached = match field(&form, "reached").as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(Refusal::field(
            "reached",
            "Say whether the milestone is reached.",
        )),
    };
    let result = match reached {
        Ok(r) => service::mark_milestone(&state, &user, &visitor.ip, &scope, p.milestone, r).await,
        Err(e) => Err(e),
    };
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (format!("reached-{}", p.milestone), form),
        (Done::MilestoneSaved, format!("milestone-{}", p.milestone)),
    )
    .await
}

async fn remove_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<MilestonePath>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_edit).await?;
    let result = service::remove_milestone(&state, &user, &visitor.ip, &scope, p.milestone).await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (String::new(), HashMap::new()),
        (Done::MilestoneRemoved, "goals".into()),
    )
    .await
}

async fn add_update(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<GoalPath>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let (user, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_update).await?;
    let fields = form.fields;
    // A file input left empty still sends a part with no name and no bytes.
    let files: Vec<service::File> = form
        .files
        .into_iter()
        .filter(|f| f.field == "evidence" && !(f.file_name.is_empty() && f.bytes.is_empty()))
        .map(|f| (f.file_name, f.bytes))
        .collect();
    let result = async {
        let input = UpdateInput {
            body: field(&fields, "body"),
            step_id: chosen_id(&fields, "step_id", "Choose a step from the list, or none.")?,
            written_on: opt(&fields, "written_on"),
        };
        service::add_update(&state, &user, &visitor.ip, &scope, p.goal, &input, &files).await
    }
    .await;
    after(
        &state,
        &visitor,
        (user, scope),
        result,
        (format!("update-{}", p.goal), fields),
        (Done::UpdateAdded, format!("goal-{}-updates", p.goal)),
    )
    .await
}

// ----- downloads -----

async fn download_evidence(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<EvidencePath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_view).await?;
    let (name, content_type, bytes) = service::evidence_file(&state, &scope, p.evidence).await?;
    Ok(crate::web::download::attachment(
        &name,
        &content_type,
        bytes,
    ))
}

async fn export_xlsx(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_view).await?;
    Ok(service::spreadsheet(&state, &scope).await?)
}

// ----- the timeline -----

/// One line of the timeline.
struct Item {
    date: String,
    kind: &'static str,
    text: String,
    goal: String,
    /// The status in words ("Done on March 3, 2017", "Overdue", ...).
    status: String,
}

struct MonthView {
    id: String,
    label: String,
    steps: usize,
    milestones: usize,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "plan/timeline.html")]
struct TimelinePage {
    chrome: Chrome,
    scope: Scope,
    base: String,
    plan: PlanView,
    months: Vec<MonthView>,
}

impl TimelinePage {
    fn date(&self, d: &str) -> String {
        long_date(d)
    }
}

fn step_words(s: &service::StepView) -> String {
    match (&s.step.done_on, s.overdue) {
        (Some(d), _) if s.step.status == StepStatus::Done => format!("Done on {}", long_date(d)),
        (_, true) => format!("{}, overdue", s.step.status.label()),
        _ => s.step.status.label().to_owned(),
    }
}

fn months(scope: &Scope, plan: &PlanView) -> Vec<MonthView> {
    let mut items: Vec<Item> = Vec::new();
    for g in &plan.goals {
        for s in &g.steps {
            items.push(Item {
                date: s.step.due_on.clone(),
                kind: "Step",
                text: s.step.text.clone(),
                goal: g.goal.title.clone(),
                status: step_words(s),
            });
        }
        for m in &g.milestones {
            items.push(Item {
                date: m.target_on.clone(),
                kind: "Milestone",
                text: m.text.clone(),
                goal: g.goal.title.clone(),
                status: match &m.reached_on {
                    Some(r) => format!("Reached on {}", long_date(r)),
                    None if m.target_on < plan.today => "Not reached, past its target".into(),
                    None => "Not reached yet".into(),
                },
            });
        }
    }
    items.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(b.kind)));
    let dates: Vec<&str> = items.iter().map(|i| i.date.as_str()).collect();
    let all = super::timeline_months(scope.program_year(), &dates);
    let mut out: Vec<MonthView> = all
        .into_iter()
        .map(|m| MonthView {
            id: format!("month-{}-{:02}", m.0, m.1),
            label: month_label(m),
            steps: 0,
            milestones: 0,
            items: vec![],
        })
        .collect();
    for item in items {
        let Some(m) = super::month_of(&item.date) else {
            continue;
        };
        let id = format!("month-{}-{:02}", m.0, m.1);
        if let Some(month) = out.iter_mut().find(|x| x.id == id) {
            if item.kind == "Step" {
                month.steps += 1;
            } else {
                month.milestones += 1;
            }
            month.items.push(item);
        }
    }
    out
}

async fn timeline_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    let (_, scope) = ctx(&state, &visitor, (&p.slug, &p.state), service::may_view).await?;
    let plan = service::view(&state, &scope).await?;
    let months = months(&scope, &plan);
    let base = base(&scope);
    let chrome = Chrome::new(
        &visitor,
        format!("{}'s action plan by month", scope.state_name),
        &base,
    );
    Ok(render(TimelinePage {
        chrome,
        scope,
        base,
        plan,
        months,
    })?
    .into_response())
}
