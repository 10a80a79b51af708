//! Activity changes shared by the pages and the API: each is checked, done
//! in one transaction, and audited.

use std::collections::BTreeMap;

use super::store::{self, ActionItem, Activity};
use super::{Checked, Context, Draft, ItemDraft, Kind, Status, When, check_draft, check_item, ics};
use crate::audit::{self, Entry};
use crate::auth::policy::{self, Action};
use crate::auth::{Actor, CurrentUser, Role, secret};
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// What a program offers to schedule with: its teams (code, name) and the
/// subject-matter experts (id, name).
pub struct Facts {
    pub teams: Vec<(String, String)>,
    pub experts: Vec<(i64, String)>,
}

pub async fn facts(state: &AppState, program_id: i64) -> Result<Facts, Refusal> {
    Ok(Facts {
        teams: crate::team::store::teams(&state.db.pool, program_id).await?,
        experts: store::experts(&state.db.pool).await?,
    })
}

/// The policy question for scheduling (or changing, or recording) an
/// activity of this kind for these states.
pub fn schedule_action(program_id: i64, kind: Kind, states: Vec<String>) -> Action {
    Action::ScheduleActivity {
        program_id,
        states,
        program_wide: kind.program_wide(),
        peer: kind.peer(),
    }
}

/// The policy question for one activity, as this person.
pub fn view_action(activity: &Activity, user_id: i64) -> Action {
    Action::ViewActivity {
        program_id: activity.program_id,
        states: activity.state_codes(),
        involved: activity.involves(user_id),
    }
}

/// The organizer's question for an existing activity.
pub fn organize_action(activity: &Activity) -> Action {
    schedule_action(activity.program_id, activity.kind, activity.state_codes())
}

/// May the person schedule anything at all in this program (the
/// administrator, or a coach of one of its states)?
pub fn may_schedule_some(user: &CurrentUser, program_id: i64, teams: &[(String, String)]) -> bool {
    kinds_for(user, program_id, teams).next().is_some()
}

/// The kinds this person may schedule in the program.
pub fn kinds_for<'a>(
    user: &'a CurrentUser,
    program_id: i64,
    teams: &'a [(String, String)],
) -> impl Iterator<Item = Kind> + 'a {
    Kind::ALL.into_iter().filter(move |k| {
        let codes = states_for(user, program_id, *k, teams);
        let (fewest, _) = k.states_allowed();
        if k.program_wide() {
            policy::allows(
                user,
                &schedule_action(program_id, *k, teams.iter().map(|t| t.0.clone()).collect()),
            )
        } else {
            !codes.is_empty() && (fewest <= 1 || teams.len() >= fewest)
        }
    })
}

/// The states this person may pick for a kind.
pub fn states_for(
    user: &CurrentUser,
    program_id: i64,
    kind: Kind,
    teams: &[(String, String)],
) -> Vec<String> {
    teams
        .iter()
        .filter(|(c, _)| policy::allows(user, &schedule_action(program_id, kind, vec![c.clone()])))
        .map(|(c, _)| c.clone())
        .collect()
}

/// Checks a new activity against the program's rules.
pub async fn check(state: &AppState, program: &Program, draft: &Draft) -> Result<Checked, Refusal> {
    let f = facts(state, program.id).await?;
    check_draft(
        draft,
        &Context {
            zone: &program.time_zone,
            teams: &f.teams,
            experts: &f.experts,
        },
    )
    .map_err(Refusal::fields)
}

fn new_uid(state: &AppState) -> String {
    let host = state.config.base_url.host_str().unwrap_or("waymark");
    format!("{}@{host}", &secret::random_token()[..24])
}

/// Whether the actor may schedule anything in the program; the policy is
/// asked about the first state they may schedule for (or, when none, the
/// whole program), so a refusal is audited.
pub async fn may_schedule(
    state: &AppState,
    actor: &Actor,
    program: &Program,
) -> Result<(), Refusal> {
    let teams = crate::team::store::teams(&state.db.pool, program.id).await?;
    let codes: Vec<String> = teams.iter().map(|t| t.0.clone()).collect();
    let user = &actor.user;
    let action = if may_schedule_some(user, program.id, &teams) {
        let kind = kinds_for(user, program.id, &teams)
            .next()
            .expect("some kind");
        let states = if kind.program_wide() {
            codes
        } else {
            states_for(user, program.id, kind, &teams)
        };
        schedule_action(program.id, kind, states)
    } else {
        schedule_action(
            program.id,
            Kind::CoachingCall,
            codes.into_iter().take(1).collect(),
        )
    };
    actor.may(state, action).await
}

/// Schedules an activity: the admin (any kind; kick-off and webinars are
/// theirs alone) or a coach for the states they coach. Answers its id; a
/// kind or states the actor may not schedule are refused with the reason.
pub async fn schedule(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    input: impl crate::web::Input<Draft>,
) -> Result<i64, Refusal> {
    may_schedule(state, actor, program).await?;
    let draft = input.read()?;
    let c = check(state, program, &draft).await?;
    let action = schedule_action(program.id, c.kind, c.states.clone());
    match actor.may(state, action).await {
        Ok(()) => create(state, actor, program, &c).await,
        Err(Refusal::NotAllowed(None)) => {
            Err(Refusal::NotAllowed(Some(if c.kind.program_wide() {
                format!(
                    "Only the program's administrator schedules a {}.",
                    c.kind.label().to_lowercase()
                )
            } else {
                "You can schedule only for the states you coach (a peer-mentoring session: with at least one of them).".to_owned()
            })))
        }
        Err(e) => Err(e),
    }
}

/// Schedules a checked activity (the caller has asked the policy).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    c: &Checked,
) -> Result<i64, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = store::insert(&mut tx, program.id, c, &new_uid(state), user.id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "schedule_activity")
            .record("activity", id)
            .detail(format!(
                "{} for {} in {}: {}",
                c.kind.as_str(),
                c.states.join(","),
                program.slug,
                c.title
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An activity of the program, if the actor may see it (`organize`:
/// change it and record it).
pub async fn open(
    state: &AppState,
    actor: &Actor,
    (slug, id): (&str, i64),
    organize: bool,
) -> Result<(Program, Activity), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let a = load(state, program.id, id).await?;
    let action = match organize {
        true => organize_action(&a),
        false => view_action(&a, actor.user.id),
    };
    actor.may(state, action).await?;
    Ok((program, a))
}

pub async fn load(state: &AppState, program_id: i64, id: i64) -> Result<Activity, Refusal> {
    let mut conn = state.db.pool.acquire().await?;
    store::load(&mut conn, program_id, id)
        .await?
        .ok_or(Refusal::NotFound)
}

/// The program's activities the actor may see, earliest first (people of
/// the program; an expert sees the consultations asked of them).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    program: &Program,
) -> Result<Vec<Activity>, Refusal> {
    let action = list_action(state, actor.user.id, program.id).await?;
    actor.may(state, action).await?;
    visible(state, &actor.user, program.id).await
}

/// The program's activities this person may see, earliest first.
pub async fn visible(
    state: &AppState,
    user: &CurrentUser,
    program_id: i64,
) -> Result<Vec<Activity>, Refusal> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(store::list(&mut conn, program_id)
        .await?
        .into_iter()
        .filter(|a| policy::allows(user, &view_action(a, user.id)))
        .collect())
}

/// What opening the program's activity list asks: people of the program
/// see it; so does anyone invited to one of its activities (an expert
/// asked for a consultation).
pub async fn list_action(
    state: &AppState,
    user_id: i64,
    program_id: i64,
) -> Result<Action, Refusal> {
    Ok(if involved_in_program(state, user_id, program_id).await? {
        Action::ViewActivity {
            program_id,
            states: vec![],
            involved: true,
        }
    } else {
        Action::ViewProgram { program_id }
    })
}

/// Whether the person is invited to any of the program's activities.
pub async fn involved_in_program(
    state: &AppState,
    user_id: i64,
    program_id: i64,
) -> Result<bool, Refusal> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activity_people p JOIN activities a ON a.id = p.activity_id
         WHERE p.user_id = $1 AND a.program_id = $2",
    )
    .bind(user_id)
    .bind(program_id)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(n > 0)
}

/// The typed form of an existing activity (to edit it).
pub fn draft_of(a: &Activity, zone: &str) -> Draft {
    Draft {
        kind: a.kind.as_str().into(),
        states: a.state_codes(),
        when: super::when_of(a.starts_at, a.ends_at, zone),
        title: a.title.clone(),
        agenda: a.agenda.clone(),
        place: a.place.clone(),
        expert_id: a.expert().map(|p| p.user_id),
    }
}

/// Changes the time, place, title or agenda. Kind, states and expert stay.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    a: &Activity,
    when: When,
    (title, agenda, place): (&str, &str, &str),
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    if a.status == Status::Cancelled {
        return Err(Refusal::Conflict(
            "This activity is cancelled. Schedule a new one instead.".into(),
        ));
    }
    let mut draft = draft_of(a, &program.time_zone);
    draft.when = when;
    draft.title = title.to_owned();
    draft.agenda = agenda.to_owned();
    draft.place = place.to_owned();
    let c = check(state, program, &draft).await?;
    let bump = c.starts_at != a.starts_at || c.ends_at != a.ends_at || c.place != a.place;
    let mut tx = state.db.begin().await?;
    store::update_schedule(&mut tx, a.id, &c, bump, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "change_activity")
            .record("activity", a.id)
            .detail(format!(
                "{}{}",
                c.title,
                if bump { " (time or place changed)" } else { "" }
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn cancel(state: &AppState, actor: &Actor, a: &Activity) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    if a.status == Status::Cancelled {
        return Err(Refusal::Conflict(
            "This activity is already cancelled.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    store::set_outcome(&mut tx, a.id, Status::Cancelled, &a.notes, true, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "cancel_activity")
            .record("activity", a.id)
            .detail(a.title.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What happened, as the organizer records it.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// held or cancelled.
    pub status: String,
    pub notes: String,
    /// State code -> attended.
    pub states: BTreeMap<String, bool>,
    /// Person -> attended.
    pub people: BTreeMap<i64, bool>,
}

/// The people whose attendance can be recorded: those invited and the
/// members (with accounts) of the activity's states: (id, name, state or role).
pub async fn attendees(
    state: &AppState,
    a: &Activity,
) -> Result<Vec<(i64, String, String)>, Refusal> {
    let mut out: Vec<(i64, String, String)> = a
        .people
        .iter()
        .map(|p| (p.user_id, p.name.clone(), p.role.clone()))
        .collect();
    for (id, name, code) in
        store::team_people(&state.db.pool, a.program_id, &a.state_codes()).await?
    {
        if !out.iter().any(|(o, _, _)| *o == id) {
            out.push((id, name, code));
        }
    }
    Ok(out)
}

/// What happened at an activity, as the organizer says it: held or not,
/// notes, and the states and people (user ids) who attended; those left
/// out did not.
#[derive(Debug, Default, Clone)]
pub struct Attendance {
    pub status: String,
    pub notes: String,
    pub states: Vec<String>,
    pub people: Vec<i64>,
}

/// Records what happened; a state or person the activity does not have is
/// refused by name.
pub async fn record_attendance(
    state: &AppState,
    actor: &Actor,
    a: &Activity,
    said: Attendance,
) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    let codes: Vec<String> = said
        .states
        .iter()
        .map(|s| s.trim().to_uppercase())
        .collect();
    if let Some(bad) = codes
        .iter()
        .find(|c| !a.states.iter().any(|s| &s.code == *c))
    {
        errors.push((
            "attended_states".to_owned(),
            format!("{bad} is not one of this activity's states."),
        ));
    }
    let people = attendees(state, a).await?;
    if let Some(bad) = said
        .people
        .iter()
        .find(|p| !people.iter().any(|x| x.0 == **p))
    {
        errors.push((
            "attended_people".to_owned(),
            format!("Person {bad} is not invited to this activity."),
        ));
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    let r = Record {
        status: said.status,
        notes: said.notes,
        states: a
            .states
            .iter()
            .map(|s| (s.code.clone(), codes.contains(&s.code)))
            .collect(),
        people: people
            .iter()
            .map(|p| (p.0, said.people.contains(&p.0)))
            .collect(),
    };
    record(state, actor, a, &r).await
}

pub async fn record(
    state: &AppState,
    actor: &Actor,
    a: &Activity,
    r: &Record,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let now = now_ms();
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let status = match Status::parse(&r.status) {
        Some(s @ (Status::Held | Status::Cancelled)) => Some(s),
        _ => {
            problems.push((
                "status",
                "Say whether the activity was held or did not take place.".into(),
            ));
            None
        }
    };
    if status == Some(Status::Held) && a.starts_at > now {
        problems.push((
            "status",
            "It has not started yet: record what happened once it has begun.".into(),
        ));
    }
    if r.notes.chars().count() > super::MAX_TEXT {
        problems.push((
            "notes",
            format!("Keep the notes under {} characters.", super::MAX_TEXT),
        ));
    }
    let codes = a.state_codes();
    if let Some(bad) = r.states.keys().find(|c| !codes.contains(c)) {
        problems.push((
            "states",
            format!("{bad} is not one of this activity's states."),
        ));
    }
    let people = attendees(state, a).await?;
    if let Some(bad) = r
        .people
        .keys()
        .find(|id| !people.iter().any(|p| p.0 == **id))
    {
        problems.push((
            "people",
            format!("Person {bad} is not invited to this activity."),
        ));
    }
    if !problems.is_empty() {
        return Err(Refusal::fields(problems));
    }
    let status = status.expect("checked");
    let bump = (status == Status::Cancelled) != (a.status == Status::Cancelled);
    let mut tx = state.db.begin().await?;
    store::set_outcome(&mut tx, a.id, status, r.notes.trim(), bump, now).await?;
    for code in &codes {
        let attended = if status == Status::Cancelled {
            None
        } else {
            Some(r.states.get(code).copied().unwrap_or(false))
        };
        store::set_state_attended(&mut tx, a.id, code, attended).await?;
    }
    if status == Status::Held {
        for (id, _, _) in &people {
            store::set_person_attended(
                &mut tx,
                a.id,
                *id,
                r.people.get(id).copied().unwrap_or(false),
            )
            .await?;
        }
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "record_activity")
            .record("activity", a.id)
            .detail(format!(
                "{}; states attending: {}",
                status.as_str(),
                r.states
                    .iter()
                    .filter(|(_, v)| **v)
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who can own the activity's action items: the team members with
/// accounts and the coach of each of its states: (id, name, state).
pub async fn owners(state: &AppState, a: &Activity) -> Result<Vec<(i64, String, String)>, Refusal> {
    let codes = a.state_codes();
    let mut out = store::team_people(&state.db.pool, a.program_id, &codes).await?;
    for c in store::coaches(&state.db.pool, a.program_id, &codes).await? {
        out.push((c.0, format!("{} (coach)", c.1), c.2));
    }
    Ok(out)
}

async fn checked_item(
    state: &AppState,
    a: &Activity,
    item: &ItemDraft,
) -> Result<(String, i64, String, Option<String>), Refusal> {
    let owners: Vec<(i64, String)> = owners(state, a)
        .await?
        .into_iter()
        .map(|(id, _, s)| (id, s))
        .collect();
    check_item(item, &a.state_codes(), &owners).map_err(Refusal::fields)
}

pub async fn add_item(
    state: &AppState,
    actor: &Actor,
    a: &Activity,
    item: &ItemDraft,
) -> Result<i64, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let (text, owner, due, st) = checked_item(state, a, item).await?;
    let mut tx = state.db.begin().await?;
    let id =
        store::insert_item(&mut tx, a.id, (&text, owner, &due, st.as_deref()), now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "add_action_item")
            .record("action_item", id)
            .detail(format!("activity {}: {text} (due {due})", a.id)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn find_item(state: &AppState, a: &Activity, item_id: i64) -> Result<ActionItem, Refusal> {
    store::find_item(&state.db.pool, a.id, item_id)
        .await?
        .ok_or(Refusal::NotFound)
}

/// Changes an item (the API); `done` marks it done or open again.
#[allow(clippy::too_many_arguments)]
pub async fn update_item(
    state: &AppState,
    actor: &Actor,
    a: &Activity,
    item_id: i64,
    draft: &ItemDraft,
    done: bool,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let current = find_item(state, a, item_id).await?;
    let (text, owner, due, st) = checked_item(state, a, draft).await?;
    let done_at = match (done, current.done_at) {
        (true, Some(t)) => Some(t),
        (true, None) => Some(now_ms()),
        (false, _) => None,
    };
    let mut tx = state.db.begin().await?;
    store::update_item(
        &mut tx,
        item_id,
        (&text, owner, &due, st.as_deref()),
        done_at,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "change_action_item")
            .record("action_item", item_id)
            .detail(format!(
                "{text} (due {due}){}",
                if done { ", done" } else { "" }
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_done(
    state: &AppState,
    actor: &Actor,
    a: &Activity,
    item_id: i64,
    done: bool,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let current = find_item(state, a, item_id).await?;
    let mut tx = state.db.begin().await?;
    let at = if done {
        Some(current.done_at.unwrap_or_else(now_ms))
    } else {
        None
    };
    store::set_item_done(&mut tx, item_id, at).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "change_action_item")
            .record("action_item", item_id)
            .detail(if done { "marked done" } else { "opened again" }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The goals of the state's plan an action item can become a step under,
/// or why it cannot (already a step, no state, no goals yet): one query.
pub async fn step_goals(
    state: &AppState,
    program: &Program,
    item: &ActionItem,
) -> Result<Result<Vec<(i64, String)>, String>, Refusal> {
    if item.plan_step_id.is_some() {
        return Ok(Err(
            "This action item is already a step of the action plan.".into(),
        ));
    }
    let Some(code) = &item.state_code else {
        return Ok(Err(
            "This action item is for no state, so it has no action plan.".into(),
        ));
    };
    let goals = store::plan_goals(&state.db.pool, program.id, code).await?;
    if goals.is_empty() {
        let name = crate::program::store::jurisdiction_name(&state.db.pool, code)
            .await?
            .unwrap_or_else(|| code.clone());
        return Ok(Err(format!(
            "{name} has no goals in its action plan yet: add one on the plan page first"
        )));
    }
    Ok(Ok(goals))
}

/// Turns an action item into a step of its state's plan, under the chosen
/// goal: one transaction for the step and the link.
pub async fn to_step(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    a: &Activity,
    item_id: i64,
    goal_id: Option<i64>,
) -> Result<i64, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let item = find_item(state, a, item_id).await?;
    if item.plan_step_id.is_some() {
        return Err(Refusal::Conflict(
            "This action item is already a step of the action plan.".into(),
        ));
    }
    if let Err(why) = step_goals(state, program, &item).await? {
        return Err(Refusal::field("goal", why));
    }
    let Some(goal_id) = goal_id else {
        return Err(Refusal::field("goal", "Choose the goal this step serves."));
    };
    let code = item.state_code.clone().unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let Some(step) =
        store::item_to_step(&mut tx, program.id, &code, goal_id, &item, now_ms()).await?
    else {
        return Err(Refusal::field(
            "goal",
            "Choose one of the goals of this state's plan.",
        ));
    };
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "action_item_to_plan_step")
            .record("plan_step", step)
            .detail(format!(
                "action item {item_id} of activity {} under goal {goal_id}",
                a.id
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(step)
}

// ----- calendars -----

/// One activity as a calendar event.
pub fn event(state: &AppState, slug: &str, a: &Activity) -> ics::Event {
    ics::Event {
        uid: a.uid.clone(),
        sequence: a.sequence,
        stamp_ms: a.updated_at,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        summary: a.title.clone(),
        description: a.agenda.clone(),
        location: a.place.clone(),
        cancelled: a.status == Status::Cancelled,
        url: state
            .config
            .link(&format!("/programs/{slug}/activities/{}", a.id)),
    }
}

/// The address of a person's feed for this token.
pub fn feed_url(state: &AppState, token: &str) -> String {
    state.config.link(&format!("/calendar/{token}/feed.ics"))
}

/// Makes a new private feed link (the old one stops working); returns the token.
pub async fn new_feed(state: &AppState, actor: &Actor) -> Result<String, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let token = secret::random_token();
    let mut tx = state.db.begin().await?;
    store::set_feed(&mut tx, user.id, &secret::sha256_hex(&token), now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "create_calendar_feed").record("user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Turns the feed off; whether there was one.
pub async fn revoke_feed(state: &AppState, actor: &Actor) -> Result<bool, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let mut tx = state.db.begin().await?;
    let had = store::delete_feed(&mut tx, user.id).await?;
    if had {
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "revoke_calendar_feed").record("user", user.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(had)
}

/// The calendar behind a feed token, or `None` for a wrong or revoked one.
pub async fn feed(state: &AppState, token: &str) -> Result<Option<String>, Refusal> {
    let Some(user_id) = store::feed_owner(&state.db.pool, &secret::sha256_hex(token)).await? else {
        return Ok(None);
    };
    let Some(user) = crate::auth::session::load_user(state, user_id).await? else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    let candidates = store::for_feed(&mut conn, user.id, user.has_role(Role::Admin)).await?;
    drop(conn);
    let programs = crate::program::store::list(&state.db.pool).await?;
    let events: Vec<ics::Event> = candidates
        .iter()
        .filter(|a| {
            super::in_feed(
                &user,
                a.program_id,
                a.kind,
                &a.state_codes(),
                a.involves(user.id),
            )
        })
        .filter_map(|a| {
            let p = programs.iter().find(|p| p.id == a.program_id)?;
            Some(event(state, &p.slug, a))
        })
        .collect();
    Ok(Some(ics::calendar(
        Some(&format!("Waymark: {}", user.name)),
        &events,
    )))
}
