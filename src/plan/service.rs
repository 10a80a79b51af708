//! Plan changes shared by the pages and the API: each is checked, done in
//! one transaction with its audit entry, and refused with the field named.

use serde::{Deserialize, Serialize};

use super::store::{
    self, EvidenceRow, GoalFields, GoalRow, MilestoneRow, StepFields, StepRow, UpdateRow,
};
use super::{Month, Progress, StepStatus, evidence, parse_date};
use crate::assessment::instrument::Instrument;
use crate::audit::{self, Entry};
use crate::auth::policy::Action;
use crate::auth::{Actor, CurrentUser};
use crate::db::Tx;
use crate::program::store::{Program, ProgramDetail};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// What every plan change and view starts from: the program, its
/// instrument (elements and strategies), the state.
pub struct Scope {
    pub detail: ProgramDetail,
    pub instrument: Instrument,
    pub code: String,
    pub state_name: String,
}

pub fn may_view(program_id: i64, state_code: String) -> Action {
    Action::ViewPlan {
        program_id,
        state_code,
    }
}

pub fn may_edit(program_id: i64, state_code: String) -> Action {
    Action::EditPlan {
        program_id,
        state_code,
    }
}

pub fn may_update(program_id: i64, state_code: String) -> Action {
    Action::UpdatePlan {
        program_id,
        state_code,
    }
}

/// Opens a state's action plan: the program with its timeline (not
/// found), whether the actor may do `action` there (refused and audited),
/// the state's team (a state without one has no plan) and the instrument
/// the goals name elements of.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    (slug, code): (&str, &str),
    action: impl FnOnce(i64, String) -> Action,
) -> Result<Scope, Refusal> {
    let detail = crate::program::load_detail(state, slug).await?;
    let code = code.to_uppercase();
    actor
        .may(state, action(detail.program.id, code.clone()))
        .await?;
    if !crate::team::store::exists(&state.db.pool, detail.program.id, &code).await? {
        return Err(Refusal::NotFound);
    }
    let instrument =
        crate::assessment::service::instrument(state, &state.frameworks, &detail.program).await?;
    let state_name = crate::program::store::jurisdiction_name(&state.db.pool, &code)
        .await?
        .unwrap_or_else(|| code.clone());
    Ok(Scope {
        detail,
        instrument,
        code,
        state_name,
    })
}

impl Scope {
    pub fn program(&self) -> &Program {
        &self.detail.program
    }

    /// Today on the program's clock.
    pub fn today(&self) -> jiff::civil::Date {
        super::today(&self.program().time_zone, now_ms())
    }

    pub fn element_name(&self, key: &str) -> String {
        self.instrument
            .indicators
            .iter()
            .find(|i| i.element_key == key)
            .map(|i| i.element_name.clone())
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn strategy_text(&self, element: &str, strategy: &str) -> Option<String> {
        self.instrument
            .indicators
            .iter()
            .find(|i| i.element_key == element && i.strategy_key == strategy)
            .map(|i| i.text.clone())
    }

    /// The months of the program year: from the kick-off to the end of the
    /// last period on its timeline.
    pub fn program_year(&self) -> (Month, Month) {
        let t = &self.detail.timeline;
        let month = |d: jiff::civil::Date| (d.year(), d.month());
        let first = t
            .iter()
            .find(|m| m.key == "kickoff")
            .map(|m| month(m.starts))
            .or_else(|| t.iter().map(|m| month(m.starts)).min())
            .unwrap_or((self.program().start_year as i16, 9));
        let last = t
            .iter()
            .map(|m| month(m.ends.unwrap_or(m.starts)))
            .max()
            .unwrap_or(first)
            .max(first);
        (first, last)
    }
}

// ----- the whole plan -----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    #[serde(flatten)]
    pub step: StepRow,
    /// Not done and due before today on the program's clock.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpdateView {
    #[serde(flatten)]
    pub update: UpdateRow,
    pub evidence: Vec<EvidenceRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GoalView {
    #[serde(flatten)]
    pub goal: GoalRow,
    pub element_name: String,
    /// The indicator's text, when the goal names one.
    pub strategy_text: Option<String>,
    pub progress: Progress,
    pub steps: Vec<StepView>,
    pub milestones: Vec<MilestoneRow>,
    pub updates: Vec<UpdateView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub state_code: String,
    pub state_name: String,
    /// Today on the program's clock, YYYY-MM-DD (what "overdue" is measured against).
    pub today: String,
    /// The whole plan.
    pub progress: Progress,
    pub goals: Vec<GoalView>,
}

/// The state's plan as it stands (empty when nothing is written yet).
pub async fn view(state: &AppState, scope: &Scope) -> Result<PlanView, Refusal> {
    let pool = &state.db.pool;
    let today = scope.today();
    let mut goals = Vec::new();
    if let Some(plan) = store::plan_id(pool, scope.program().id, &scope.code).await? {
        let steps = store::steps(pool, plan).await?;
        let milestones = store::milestones(pool, plan).await?;
        let updates = store::updates(pool, plan).await?;
        let files = store::evidence(pool, plan).await?;
        for goal in store::goals(pool, plan).await? {
            let own: Vec<StepView> = steps
                .iter()
                .filter(|s| s.goal_id == goal.id)
                .map(|s| StepView {
                    overdue: super::is_overdue(&s.due_on, s.status, today),
                    step: s.clone(),
                })
                .collect();
            let progress = super::progress(
                own.iter().map(|s| (s.step.due_on.as_str(), s.step.status)),
                today,
            );
            goals.push(GoalView {
                element_name: scope.element_name(&goal.element_key),
                strategy_text: goal
                    .strategy_key
                    .as_deref()
                    .and_then(|k| scope.strategy_text(&goal.element_key, k)),
                progress,
                steps: own,
                milestones: milestones
                    .iter()
                    .filter(|m| m.goal_id == goal.id)
                    .cloned()
                    .collect(),
                updates: updates
                    .iter()
                    .filter(|u| u.goal_id == goal.id)
                    .map(|u| UpdateView {
                        update: u.clone(),
                        evidence: files
                            .iter()
                            .filter(|f| f.update_id == u.id)
                            .cloned()
                            .collect(),
                    })
                    .collect(),
                goal,
            });
        }
    }
    let all: Vec<Progress> = goals.iter().map(|g| g.progress).collect();
    Ok(PlanView {
        state_code: scope.code.clone(),
        state_name: scope.state_name.clone(),
        today: today.to_string(),
        progress: super::overall(&all),
        goals,
    })
}

/// A priority from the state's latest snapshot, offered as a goal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub rank: usize,
    pub element_key: String,
    pub element_name: String,
    /// The element's indicator with the largest gap.
    pub strategy_key: Option<String>,
    pub strategy_text: Option<String>,
}

/// The state's ranked priorities from its latest snapshot.
pub async fn suggestions(state: &AppState, scope: &Scope) -> Result<Vec<Suggestion>, Refusal> {
    use crate::assessment::store as assess;
    let pool = &state.db.pool;
    let snapshots = assess::snapshots(pool, scope.program().id, &scope.code).await?;
    let Some(latest) = snapshots.last() else {
        return Ok(vec![]);
    };
    let ratings = assess::snapshot_ratings(pool, latest.id).await?;
    let frozen = crate::assessment::instrument::frozen(&scope.instrument, &ratings);
    let ranked = crate::assessment::ranked_priorities(&scope.instrument.scale, &frozen);
    Ok(ranked
        .into_iter()
        .map(|p| {
            let top = p
                .indicators
                .first()
                .and_then(|(id, _)| scope.instrument.indicators.iter().find(|i| i.id == *id));
            Suggestion {
                rank: p.rank,
                strategy_key: top.map(|i| i.strategy_key.clone()),
                strategy_text: top.map(|i| i.text.clone()),
                element_key: p.element_key,
                element_name: p.element_name,
            }
        })
        .collect())
}

/// Who may own a step: (user id, name, what they are).
pub async fn owners(
    state: &AppState,
    scope: &Scope,
) -> Result<Vec<(i64, String, String)>, Refusal> {
    Ok(store::owners(&state.db.pool, scope.program().id, &scope.code).await?)
}

/// The state's activities: (id, title, start time in words).
pub async fn activities(
    state: &AppState,
    scope: &Scope,
) -> Result<Vec<(i64, String, String)>, Refusal> {
    Ok(
        store::activities(&state.db.pool, scope.program().id, &scope.code)
            .await?
            .into_iter()
            .map(|(id, title, at)| {
                (
                    id,
                    title,
                    crate::time::format_in_zone(at, &scope.program().time_zone),
                )
            })
            .collect(),
    )
}

// ----- input -----

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GoalInput {
    /// A short name for the goal; the element's name when left blank.
    #[schema(min_length = 1)]
    pub title: String,
    pub description: String,
    /// The element's key in the program's framework, e.g. `partnerships`.
    pub element_key: String,
    /// One of the element's strategies (an indicator of the assessment).
    pub strategy_key: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StepInput {
    #[schema(min_length = 1)]
    pub text: String,
    /// A team member with an account, or the state's coach.
    pub owner_id: Option<i64>,
    /// YYYY-MM-DD on the program's clock.
    #[schema(format = Date)]
    pub due_on: String,
    /// not_started (when blank), in_progress, done or blocked.
    #[schema(value_type = super::StepStatus)]
    pub status: String,
    /// The activity where the step was agreed (one of the state's).
    pub activity_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusInput {
    /// not_started, in_progress, done or blocked.
    #[schema(value_type = super::StepStatus)]
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MilestoneInput {
    /// A strategy of the goal's element.
    pub strategy_key: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub target_on: String,
    /// YYYY-MM-DD when reached; null or blank when not yet.
    #[schema(format = Date)]
    pub reached_on: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UpdateInput {
    #[schema(min_length = 1)]
    pub body: String,
    /// The step the update is about (a step of the same goal).
    pub step_id: Option<i64>,
    /// YYYY-MM-DD; today on the program's clock when blank. Not in the future.
    #[schema(format = Date)]
    pub written_on: Option<String>,
}

/// A file as sent: (name, bytes).
pub type File = (String, Vec<u8>);

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 2000;
const MAX_BODY: usize = 5000;
const MAX_FILES: usize = 5;

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

struct Errors(Vec<(String, String)>);

impl Errors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    fn done(self) -> Result<(), Refusal> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Refusal::Invalid(self.0))
        }
    }
}

/// A checked goal: (title, description, element, strategy).
fn check_goal(
    scope: &Scope,
    g: &GoalInput,
) -> Result<(String, String, String, Option<String>), Refusal> {
    let mut e = Errors(vec![]);
    let element = g.element_key.trim();
    let known = scope
        .instrument
        .indicators
        .iter()
        .any(|i| i.element_key == element);
    if element.is_empty() {
        e.add("element_key", "Choose the element the goal advances.");
    } else if !known {
        e.add(
            "element_key",
            format!("There is no element \"{element}\" in this program's framework."),
        );
    }
    let strategy = blank(&g.strategy_key).map(str::to_owned);
    if let Some(s) = &strategy
        && known
        && scope.strategy_text(element, s).is_none()
    {
        e.add(
            "strategy_key",
            format!(
                "\"{s}\" is not a strategy of {}. Choose one of its strategies, or none.",
                scope.element_name(element)
            ),
        );
    }
    let title = g.title.trim();
    if too_long(title, MAX_TITLE) {
        e.add("title", "Keep the goal's name under 200 characters.");
    } else if !crate::web::text::is_one_line(title) {
        e.add("title", crate::web::text::ONE_LINE);
    }
    let description = g.description.trim();
    if too_long(description, MAX_BODY) {
        e.add(
            "description",
            "Keep the description under 5,000 characters.",
        );
    }
    e.done()?;
    let title = if title.is_empty() {
        scope.element_name(element)
    } else {
        title.to_owned()
    };
    Ok((title, description.to_owned(), element.to_owned(), strategy))
}

async fn write_audit(
    tx: &mut Tx<'_>,
    user: &CurrentUser,
    ip: &str,
    action: &str,
    record: (&str, i64),
    detail: String,
) -> Result<(), Refusal> {
    audit::write(
        &mut **tx,
        &Entry::new(user.actor(), ip, action)
            .record(record.0, record.1)
            .detail(detail),
    )
    .await?;
    Ok(())
}

async fn plan_of(state: &AppState, scope: &Scope) -> Result<i64, Refusal> {
    store::plan_id(&state.db.pool, scope.program().id, &scope.code)
        .await?
        .ok_or(Refusal::NotFound)
}

pub async fn goal_of(
    state: &AppState,
    scope: &Scope,
    goal_id: i64,
) -> Result<(i64, GoalRow), Refusal> {
    let plan = plan_of(state, scope).await?;
    let goal = store::goal(&state.db.pool, plan, goal_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok((plan, goal))
}

fn whose(scope: &Scope) -> String {
    format!("{}'s plan in {}", scope.code, scope.program().slug)
}

// ----- goals -----

pub async fn add_goal(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    input: &GoalInput,
) -> Result<i64, Refusal> {
    let (title, description, element, strategy) = check_goal(scope, input)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let plan = store::ensure_plan(&mut tx, scope.program().id, &scope.code, now).await?;
    let id = store::insert_goal(
        &mut tx,
        plan,
        &GoalFields {
            title: &title,
            description: &description,
            element_key: &element,
            strategy_key: strategy.as_deref(),
        },
        now,
    )
    .await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "add_plan_goal",
        ("plan_goal", id),
        format!("\"{title}\" ({element}) in {}", whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn change_goal(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    goal_id: i64,
    input: &GoalInput,
) -> Result<(), Refusal> {
    let (plan, _) = goal_of(state, scope, goal_id).await?;
    let (title, description, element, strategy) = check_goal(scope, input)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::update_goal(
        &mut tx,
        goal_id,
        &GoalFields {
            title: &title,
            description: &description,
            element_key: &element,
            strategy_key: strategy.as_deref(),
        },
        now,
    )
    .await?;
    store::touch(&mut tx, plan, now).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "change_plan_goal",
        ("plan_goal", goal_id),
        format!("\"{title}\" ({element}) in {}", whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_goal(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    goal_id: i64,
) -> Result<(), Refusal> {
    let (plan, goal) = goal_of(state, scope, goal_id).await?;
    let mut tx = state.db.begin().await?;
    let keys = store::delete_goal(&mut tx, goal_id).await?;
    store::touch(&mut tx, plan, now_ms()).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "remove_plan_goal",
        ("plan_goal", goal_id),
        format!("\"{}\" from {}", goal.title, whose(scope)),
    )
    .await?;
    tx.commit().await?;
    remove_files(state, &keys).await;
    Ok(())
}

async fn remove_files(state: &AppState, keys: &[String]) {
    for k in keys {
        if let Err(e) = state.storage.delete(k).await {
            tracing::warn!(error = %e, "could not remove an evidence file");
        }
    }
}

// ----- steps -----

/// A checked step: (text, owner, due, status, activity).
async fn check_step(
    state: &AppState,
    scope: &Scope,
    s: &StepInput,
) -> Result<(String, Option<i64>, String, StepStatus, Option<i64>), Refusal> {
    let mut e = Errors(vec![]);
    let text = s.text.trim();
    if text.is_empty() {
        e.add("text", "Say what the step is.");
    } else if too_long(text, MAX_TEXT) {
        e.add("text", "Keep the step under 2,000 characters.");
    }
    if let Some(owner) = s.owner_id {
        let owners = owners(state, scope).await?;
        if !owners.iter().any(|(id, _, _)| *id == owner) {
            e.add(
                "owner_id",
                "Choose the owner from the list: a member of the team with an account, or the coach.",
            );
        }
    }
    let due = match parse_date(&s.due_on) {
        Ok(d) => d.to_string(),
        Err(m) => {
            e.add("due_on", m);
            String::new()
        }
    };
    let status = if s.status.trim().is_empty() {
        StepStatus::NotStarted
    } else {
        match StepStatus::parse(&s.status) {
            Some(x) => x,
            None => {
                e.add(
                    "status",
                    "Choose not started, in progress, done or blocked.",
                );
                StepStatus::NotStarted
            }
        }
    };
    if let Some(a) = s.activity_id {
        let ours = store::activities(&state.db.pool, scope.program().id, &scope.code).await?;
        if !ours.iter().any(|(id, _, _)| *id == a) {
            e.add(
                "activity_id",
                "Choose one of the state's activities from the list, or none.",
            );
        }
    }
    e.done()?;
    Ok((text.to_owned(), s.owner_id, due, status, s.activity_id))
}

pub async fn add_step(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    goal_id: i64,
    input: &StepInput,
) -> Result<i64, Refusal> {
    let (plan, goal) = goal_of(state, scope, goal_id).await?;
    let (text, owner, due, status, activity) = check_step(state, scope, input).await?;
    let today = scope.today().to_string();
    let done_on = (status == StepStatus::Done).then_some(today.as_str());
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = store::insert_step(
        &mut tx,
        goal_id,
        &StepFields {
            text: &text,
            owner_id: owner,
            due_on: &due,
            status,
            done_on,
            activity_id: activity,
        },
        now,
    )
    .await?;
    store::touch(&mut tx, plan, now).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "add_plan_step",
        ("plan_step", id),
        format!("due {due} under \"{}\" in {}", goal.title, whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn step_of(
    state: &AppState,
    scope: &Scope,
    step_id: i64,
) -> Result<(i64, StepRow), Refusal> {
    let plan = plan_of(state, scope).await?;
    let step = store::step_of(&state.db.pool, plan, step_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok((plan, step))
}

/// Changes everything about a step (the plan's editors).
pub async fn change_step(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    step_id: i64,
    input: &StepInput,
) -> Result<(), Refusal> {
    let (plan, before) = step_of(state, scope, step_id).await?;
    let (text, owner, due, status, activity) = check_step(state, scope, input).await?;
    let done_on = super::done_on_after(
        before.status,
        status,
        before.done_on.as_deref(),
        scope.today(),
    );
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::update_step(
        &mut tx,
        step_id,
        &StepFields {
            text: &text,
            owner_id: owner,
            due_on: &due,
            status,
            done_on: done_on.as_deref(),
            activity_id: activity,
        },
        now,
    )
    .await?;
    store::touch(&mut tx, plan, now).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "change_plan_step",
        ("plan_step", step_id),
        format!("{}, due {due}, in {}", status.as_str(), whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a step along (the whole team and its coach).
pub async fn set_status(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    step_id: i64,
    input: &StatusInput,
) -> Result<StepStatus, Refusal> {
    let (plan, before) = step_of(state, scope, step_id).await?;
    let Some(status) = StepStatus::parse(&input.status) else {
        return Err(Refusal::field(
            "status",
            "Choose not started, in progress, done or blocked.",
        ));
    };
    let done_on = super::done_on_after(
        before.status,
        status,
        before.done_on.as_deref(),
        scope.today(),
    );
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::set_step_status(&mut tx, step_id, status, done_on.as_deref(), now).await?;
    store::touch(&mut tx, plan, now).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "set_plan_step_status",
        ("plan_step", step_id),
        format!(
            "{} to {} in {}",
            before.status.as_str(),
            status.as_str(),
            whose(scope)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(status)
}

pub async fn remove_step(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    step_id: i64,
) -> Result<(), Refusal> {
    let (plan, step) = step_of(state, scope, step_id).await?;
    let mut tx = state.db.begin().await?;
    store::delete_step(&mut tx, step_id).await?;
    store::touch(&mut tx, plan, now_ms()).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "remove_plan_step",
        ("plan_step", step_id),
        format!("due {} from {}", step.due_on, whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ----- milestones -----

fn check_dates(
    e: &mut Errors,
    target_on: &str,
    reached_on: &Option<String>,
) -> (String, Option<String>) {
    let target = match parse_date(target_on) {
        Ok(d) => d.to_string(),
        Err(m) => {
            e.add("target_on", m);
            String::new()
        }
    };
    let reached = match blank(reached_on) {
        None => None,
        Some(r) => match parse_date(r) {
            Ok(d) => Some(d.to_string()),
            Err(m) => {
                e.add("reached_on", m);
                None
            }
        },
    };
    (target, reached)
}

pub async fn add_milestone(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    goal_id: i64,
    input: &MilestoneInput,
) -> Result<i64, Refusal> {
    let (plan, goal) = goal_of(state, scope, goal_id).await?;
    let mut e = Errors(vec![]);
    let key = input.strategy_key.trim();
    let text = scope.strategy_text(&goal.element_key, key);
    if key.is_empty() {
        e.add(
            "strategy_key",
            format!(
                "Choose a strategy of {}.",
                scope.element_name(&goal.element_key)
            ),
        );
    } else if text.is_none() {
        e.add(
            "strategy_key",
            format!(
                "\"{key}\" is not a strategy of {}.",
                scope.element_name(&goal.element_key)
            ),
        );
    } else {
        let taken = store::milestones(&state.db.pool, plan).await?;
        if taken
            .iter()
            .any(|m| m.goal_id == goal_id && m.strategy_key == key)
        {
            e.add(
                "strategy_key",
                "This strategy is already a milestone of this goal.",
            );
        }
    }
    let (target, reached) = check_dates(&mut e, &input.target_on, &input.reached_on);
    e.done()?;
    let text = text.unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let id = store::insert_milestone(&mut tx, goal_id, (key, &text), &target, reached.as_deref())
        .await?;
    store::touch(&mut tx, plan, now_ms()).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "add_plan_milestone",
        ("plan_milestone", id),
        format!(
            "{key} by {target} under \"{}\" in {}",
            goal.title,
            whose(scope)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn milestone_of(
    state: &AppState,
    scope: &Scope,
    id: i64,
) -> Result<(i64, MilestoneRow), Refusal> {
    let plan = plan_of(state, scope).await?;
    let m = store::milestone_of(&state.db.pool, plan, id)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok((plan, m))
}

/// Changes a milestone's target date and whether (when) it was reached.
pub async fn change_milestone(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    id: i64,
    target_on: &str,
    reached_on: &Option<String>,
) -> Result<(), Refusal> {
    let (plan, m) = milestone_of(state, scope, id).await?;
    let mut e = Errors(vec![]);
    let (target, reached) = check_dates(&mut e, target_on, reached_on);
    e.done()?;
    let mut tx = state.db.begin().await?;
    store::update_milestone(&mut tx, id, &target, reached.as_deref()).await?;
    store::touch(&mut tx, plan, now_ms()).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "change_plan_milestone",
        ("plan_milestone", id),
        format!(
            "{} by {target}, {} in {}",
            m.strategy_key,
            match &reached {
                Some(r) => format!("reached {r}"),
                None => "not reached".into(),
            },
            whose(scope)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a milestone reached today, or not reached.
pub async fn mark_milestone(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    id: i64,
    reached: bool,
) -> Result<(), Refusal> {
    let (_, m) = milestone_of(state, scope, id).await?;
    let on = reached.then(|| {
        m.reached_on
            .clone()
            .unwrap_or_else(|| scope.today().to_string())
    });
    change_milestone(state, user, ip, scope, id, &m.target_on, &on).await
}

pub async fn remove_milestone(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    id: i64,
) -> Result<(), Refusal> {
    let (plan, m) = milestone_of(state, scope, id).await?;
    let mut tx = state.db.begin().await?;
    store::delete_milestone(&mut tx, id).await?;
    store::touch(&mut tx, plan, now_ms()).await?;
    write_audit(
        &mut tx,
        user,
        ip,
        "remove_plan_milestone",
        ("plan_milestone", id),
        format!("{} from {}", m.strategy_key, whose(scope)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ----- progress updates and evidence -----

/// Checks every file; all must pass or none is kept.
fn check_files(e: &mut Errors, files: &[File]) -> Vec<evidence::Checked> {
    if files.len() > MAX_FILES {
        e.add("evidence", "Attach at most 5 files to one update.");
        return vec![];
    }
    let mut out = Vec::new();
    for (name, bytes) in files {
        match evidence::check(bytes, name) {
            Ok(c) => out.push(c),
            Err(m) => {
                let shown = evidence::safe_name(name, evidence::Kind::Pdf);
                let shown = shown.trim_end_matches(".pdf");
                e.add("evidence", format!("{shown}: {m}"));
            }
        }
    }
    out
}

/// Stores checked files, then records them (with the update when it is
/// new) in one transaction; a failure removes the stored files again.
async fn store_files(
    state: &AppState,
    files: &[File],
    checked: &[evidence::Checked],
    plan: i64,
) -> Result<Vec<String>, Refusal> {
    let mut keys = Vec::new();
    for ((_, bytes), c) in files.iter().zip(checked) {
        let key = crate::storage::new_key(&format!("plans/{plan}"), c.kind.extension());
        if let Err(err) = state.storage.put(&key, bytes.clone()).await {
            remove_files(state, &keys).await;
            return Err(Refusal::Internal(err));
        }
        keys.push(key);
    }
    Ok(keys)
}

pub async fn add_update(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    goal_id: i64,
    input: &UpdateInput,
    files: &[File],
) -> Result<i64, Refusal> {
    let (plan, goal) = goal_of(state, scope, goal_id).await?;
    let mut e = Errors(vec![]);
    let body = input.body.trim();
    if body.is_empty() {
        e.add("body", "Say what has happened since the last update.");
    } else if too_long(body, MAX_BODY) {
        e.add("body", "Keep the update under 5,000 characters.");
    }
    if let Some(step) = input.step_id {
        let ok = store::step_of(&state.db.pool, plan, step)
            .await?
            .is_some_and(|s| s.goal_id == goal_id);
        if !ok {
            e.add("step_id", "Choose one of this goal's steps, or none.");
        }
    }
    let today = scope.today();
    let written = match blank(&input.written_on) {
        None => today.to_string(),
        Some(w) => match parse_date(w) {
            Ok(d) if d > today => {
                e.add("written_on", "An update cannot be dated in the future.");
                String::new()
            }
            Ok(d) => d.to_string(),
            Err(m) => {
                e.add("written_on", m);
                String::new()
            }
        },
    };
    let checked = check_files(&mut e, files);
    e.done()?;
    let keys = store_files(state, files, &checked, plan).await?;
    let now = now_ms();
    let recorded = async {
        let mut tx = state.db.begin().await?;
        let id = store::insert_update(
            &mut tx,
            goal_id,
            input.step_id,
            &written,
            body,
            (Some(user.id), now),
        )
        .await?;
        record_files(&mut tx, id, files, &checked, &keys, now).await?;
        store::touch(&mut tx, plan, now).await?;
        write_audit(
            &mut tx,
            user,
            ip,
            "add_plan_update",
            ("plan_update", id),
            format!(
                "dated {written}, {} file(s), under \"{}\" in {}",
                keys.len(),
                goal.title,
                whose(scope)
            ),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Refusal>(id)
    }
    .await;
    if recorded.is_err() {
        remove_files(state, &keys).await;
    }
    recorded
}

async fn record_files(
    tx: &mut Tx<'_>,
    update_id: i64,
    files: &[File],
    checked: &[evidence::Checked],
    keys: &[String],
    now: i64,
) -> Result<(), Refusal> {
    for (((_, bytes), c), key) in files.iter().zip(checked).zip(keys) {
        store::insert_evidence(
            tx,
            update_id,
            (key, &c.name, c.kind.content_type()),
            bytes.len() as i64,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Adds evidence files to an update already written.
pub async fn attach(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    scope: &Scope,
    update_id: i64,
    files: &[File],
) -> Result<Vec<i64>, Refusal> {
    let plan = plan_of(state, scope).await?;
    store::update_goal_of(&state.db.pool, plan, update_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let mut e = Errors(vec![]);
    if files.is_empty() {
        e.add(
            "evidence",
            "Attach a file: a PDF, a PNG or JPEG image, a Word document or an Excel workbook.",
        );
    }
    let checked = check_files(&mut e, files);
    e.done()?;
    let keys = store_files(state, files, &checked, plan).await?;
    let now = now_ms();
    let recorded = async {
        let mut tx = state.db.begin().await?;
        record_files(&mut tx, update_id, files, &checked, &keys, now).await?;
        let ids: Vec<i64> = store::evidence(&mut *tx, plan)
            .await?
            .into_iter()
            .filter(|f| keys.contains(&f.storage_key))
            .map(|f| f.id)
            .collect();
        store::touch(&mut tx, plan, now).await?;
        write_audit(
            &mut tx,
            user,
            ip,
            "attach_plan_evidence",
            ("plan_update", update_id),
            format!("{} file(s) in {}", keys.len(), whose(scope)),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Refusal>(ids)
    }
    .await;
    if recorded.is_err() {
        remove_files(state, &keys).await;
    }
    recorded
}

/// An evidence file to download: (name, content type, bytes).
pub async fn evidence_file(
    state: &AppState,
    scope: &Scope,
    id: i64,
) -> Result<(String, String, Vec<u8>), Refusal> {
    let plan = plan_of(state, scope).await?;
    let row = store::evidence_of(&state.db.pool, plan, id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let bytes = state.storage.get(&row.storage_key).await?;
    Ok((row.filename, row.content_type, bytes))
}

/// The plan as a spreadsheet download (those who may see it).
pub async fn spreadsheet(
    state: &AppState,
    scope: &Scope,
) -> Result<axum::response::Response, Refusal> {
    let plan = view(state, scope).await?;
    let bytes = super::export::to_xlsx(&plan, &scope.program().name)
        .map_err(|e| Refusal::Internal(e.into()))?;
    Ok(crate::web::download::attachment(
        &super::export::file_name(&scope.program().slug, &scope.code),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
