//! Gathers one person's work across their programs (the home page and
//! `GET /api/v1/me/work` both call `for_person`).

use jiff::civil::Date;

use super::{
    ActivityFact, ElementProgress, Kind, OpenActionItem, OwnedStep, ProgramRef, Urgency, WorkItem,
    YearStage, store,
};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::web::change::Refusal;

/// How far ahead the person's activities are listed.
const ACTIVITIES_AHEAD_DAYS: i64 = 14;
/// At most this many coming activities (the rest are on the activity pages).
const ACTIVITIES_SHOWN: usize = 5;

/// A program as the work queue sees it on the day of the request.
struct Year {
    program: ProgramRef,
    /// The program as stored, its timeline and the sectors its teams need.
    full: crate::program::store::Program,
    timeline: Vec<crate::program::template::Milestone>,
    required_sectors: Vec<crate::team::Sector>,
    stage: YearStage,
    /// The day the program is judged on.
    day: Date,
}

fn zone(name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The first and last day of the program's TA year.
pub fn year_span(
    timeline: &[crate::program::template::Milestone],
    start_year: i64,
) -> (Date, Date) {
    crate::report::participation::period_days(crate::report::participation::ta_period(
        timeline,
        start_year as i16,
    ))
}

/// The programs in `wanted` (every program when `None`), as of `now`.
async fn years(state: &AppState, now: i64, wanted: Option<&[i64]>) -> Result<Vec<Year>, Refusal> {
    let pool = &state.db.pool;
    let mut out = Vec::new();
    for p in crate::program::store::list(pool).await? {
        if wanted.is_some_and(|w| !w.contains(&p.id)) {
            continue;
        }
        let timeline = crate::program::store::timeline(pool, p.id).await?;
        let today = crate::report::participation::local_date(now, &zone(&p.time_zone));
        let (first, last) = year_span(&timeline, p.start_year);
        let (stage, day) = super::judged_on(today, first, last);
        out.push(Year {
            program: ProgramRef {
                id: p.id,
                slug: p.slug.clone(),
                name: p.name.clone(),
                time_zone: p.time_zone.clone(),
            },
            required_sectors: crate::program::store::required_sectors(pool, p.id).await?,
            timeline,
            full: p,
            stage,
            day,
        });
    }
    Ok(out)
}

/// Everything waiting for the person, most urgent first.
pub async fn for_person(
    state: &AppState,
    user: &CurrentUser,
    now: i64,
) -> Result<Vec<WorkItem>, Refusal> {
    let pool = &state.db.pool;
    let cohort_view = user.within_cohort();
    let user: &CurrentUser = &cohort_view;
    // Only the person's programs are read; those who work across every
    // program (the administrator, the federal officer, experts invited to
    // any program's activities) read them all.
    let everywhere =
        user.has_role(Role::Admin) || user.has_role(Role::Federal) || user.has_role(Role::Sme);
    let own: Vec<i64> = user.grants.iter().filter_map(|g| g.program_id).collect();
    let years = years(state, now, (!everywhere).then_some(own.as_slice())).await?;
    let year_of = |id: i64| years.iter().find(|y| y.program.id == id);
    let mut items = Vec::new();

    // The state team's assessment, for each state the person rates.
    for g in &user.grants {
        let (Role::StateLead | Role::StateMember, Some(program_id), Some(code)) =
            (g.role, g.program_id, &g.state_code)
        else {
            continue;
        };
        let Some(y) = year_of(program_id) else {
            continue;
        };
        if y.stage == YearStage::Ended {
            continue;
        }
        let name = state_name(state, code).await?;
        items.extend(
            assessment_items(state, y, (code, &name), g.role == Role::StateLead, user.id).await?,
        );
        if g.role == Role::StateLead {
            items.extend(team_items(state, y, (code, &name)).await?);
            if y.stage == YearStage::UnderWay {
                let taken: Vec<crate::assessment::SnapshotKind> =
                    crate::assessment::store::snapshots(pool, program_id, code)
                        .await?
                        .into_iter()
                        .map(|s| s.kind)
                        .collect();
                let period =
                    crate::report::participation::ta_period(&y.timeline, y.full.start_year as i16);
                let due = crate::report::dashboard::snapshots_due(&y.timeline, period);
                items.extend(super::snapshot_item(
                    &y.program, &name, code, &taken, &due, y.day,
                ));
            }
        }
    }

    // Plan steps the person owns.
    for (program_id, code, state_name, text, due_on) in store::owned_steps(pool, user.id).await? {
        let (Some(y), Ok(due_on)) = (year_of(program_id), due_on.parse::<Date>()) else {
            continue;
        };
        if y.stage != YearStage::UnderWay {
            continue;
        }
        let step = OwnedStep {
            state: code,
            state_name,
            text,
            due_on,
        };
        items.extend(super::step_item(&y.program, &step, y.day));
    }

    // Action items owned, or followed up as coach.
    let mut action_items = store::open_action_items(pool, user.id).await?;
    if user.has_role(Role::Coach) {
        action_items.extend(store::coached_action_items(pool, user.id).await?);
    }
    for (program_id, activity_id, title, state_name, text, due_on, own) in action_items {
        let (Some(y), Ok(due_on)) = (year_of(program_id), due_on.parse::<Date>()) else {
            continue;
        };
        if y.stage != YearStage::UnderWay {
            continue;
        }
        let item = OpenActionItem {
            activity_id,
            activity_title: title,
            state_name,
            text,
            due_on,
            own: own == 1,
        };
        items.extend(super::action_item(&y.program, &item, y.day));
    }

    // Activities: the next few, and those over with no notes yet.
    let until = now + ACTIVITIES_AHEAD_DAYS * 86_400_000;
    let mut coming = 0;
    let mut activities = store::unrecorded(pool, user.id, now).await?;
    activities.extend(store::activities(pool, user.id, now, until).await?);
    for (program_id, id, kind, title, starts_at, ends_at, status, notes_empty, organizer) in
        activities
    {
        let Some(y) = year_of(program_id) else {
            continue;
        };
        let kind =
            crate::activity::Kind::parse(&kind).unwrap_or(crate::activity::Kind::CoachingCall);
        let fact = ActivityFact {
            id,
            kind_label: kind.label().to_owned(),
            title,
            starts_at,
            ends_at,
            held_without_notes: notes_empty == 1 && ends_at < now,
        };
        let date = crate::report::participation::local_date(starts_at, &zone(&y.program.time_zone));
        if fact.held_without_notes {
            if organizer == 1 && y.stage != YearStage::Ended && date <= y.day {
                items.push(super::notes_item(&y.program, &fact, date));
            }
        } else if status == "scheduled" && coming < ACTIVITIES_SHOWN {
            coming += 1;
            let when =
                crate::activity::describe_span(fact.starts_at, fact.ends_at, &y.program.time_zone);
            let mut item = super::next_activity_item(&y.program, &fact, date, &when);
            if kind == crate::activity::Kind::SmeConsultation && user.has_role(Role::Sme) {
                item.kind = Kind::Consultation;
                item.text = format!("You are asked to a consultation: {}", item.text);
            }
            items.push(item);
        }
    }

    // Reviews still to score.
    let reviews = store::reviews_to_score(pool, user.id).await?;
    for y in years.iter().filter(|y| y.stage != YearStage::Ended) {
        let mine: Vec<(String, String)> = reviews
            .iter()
            .filter(|(p, _, _)| *p == y.program.id)
            .map(|(_, code, name)| (code.clone(), name.clone()))
            .collect();
        let deadline = y
            .timeline
            .iter()
            .find(|m| m.key == "selection")
            .map(|m| m.when());
        items.extend(super::review_item(&y.program, &mine, deadline.as_deref()));
    }

    // States needing attention, from the dashboard: each of a coach's
    // states with its reasons; for the administrator, a line per program.
    for y in years.iter().filter(|y| y.stage == YearStage::UnderWay) {
        let admin = user.has_role(Role::Admin);
        let coached: Vec<String> = user
            .grants
            .iter()
            .filter(|g| g.role == Role::Coach && g.program_id == Some(y.program.id))
            .filter_map(|g| g.state_code.clone())
            .collect();
        if !admin && coached.is_empty() {
            continue;
        }
        let dashboard = crate::report::service::dashboard(state, &y.program.slug, now, |code| {
            admin || coached.iter().any(|c| c == code)
        })
        .await?;
        if admin {
            let names: Vec<&str> = dashboard
                .rows
                .iter()
                .filter(|r| !r.reasons.is_empty())
                .map(|r| r.state_name.as_str())
                .collect();
            items.extend(super::attention_summary_item(&y.program, &names));
        } else {
            for r in &dashboard.rows {
                items.extend(super::attention_item(
                    &y.program,
                    &r.state_name,
                    &r.state_code,
                    &r.reasons,
                ));
            }
        }
    }
    if user.has_role(Role::Admin) {
        items.extend(admin_items(state, &years).await?);
    }
    if user.has_role(Role::Federal) {
        items.extend(federal_items(state, &years).await?);
    }
    if user.has_role(Role::Partner) {
        for (id, kind, title, status) in store::submissions(pool, user.id).await? {
            let what = if kind == "event" { "event" } else { "resource" };
            let (urgency, sentence) = if status == "pending" {
                (
                    Urgency::ComingUp,
                    format!("Your {what} “{title}” is waiting for the moderators"),
                )
            } else {
                (
                    Urgency::ToDo,
                    format!(
                        "Your {what} “{title}” was not published: read why, change it and send it again"
                    ),
                )
            };
            items.push(WorkItem {
                kind: Kind::Submission,
                urgency,
                program: None,
                text: sentence,
                href: format!("/exchange/items/{id}/edit"),
                link_text: format!("Open your {what}"),
                date: None,
                calendar: None,
            });
        }
    }

    super::order(&mut items);
    Ok(items)
}

/// The member's rating, and for the lead the elements ready for consensus.
async fn assessment_items(
    state: &AppState,
    y: &Year,
    (code, state_name): (&str, &str),
    lead: bool,
    user_id: i64,
) -> Result<Vec<WorkItem>, Refusal> {
    let pool = &state.db.pool;
    let mut out = Vec::new();
    let round = crate::assessment::store::open_round(pool, y.program.id, code).await?;
    let rated = match round {
        Some((round_id, _)) => store::rated_per_element(pool, round_id).await?,
        None => vec![],
    };
    // Once the baseline is frozen, rating waits until the team starts the
    // next round (a round opens as soon as anyone looks at the assessment).
    if rated.is_empty() && store::snapshot_count(pool, y.program.id, code).await? > 0 {
        return Ok(out);
    }
    let mut groups = store::element_sizes(pool, y.program.id).await?;
    if groups.is_empty() {
        // The instrument is built the first time anyone needs it.
        crate::assessment::service::instrument(state, &state.frameworks, &y.full).await?;
        groups = store::element_sizes(pool, y.program.id).await?;
    }
    let mine: Vec<ElementProgress> = groups
        .into_iter()
        .map(|(key, name, indicators)| ElementProgress {
            rated: rated
                .iter()
                .find(|(u, k, _)| *u == user_id && *k == key)
                .map_or(0, |(_, _, n)| *n as usize),
            key,
            name,
            indicators: indicators as usize,
        })
        .collect();
    out.extend(super::rate_item(&y.program, state_name, code, &mine));
    if lead && let Some((round_id, _)) = round {
        let raters: Vec<i64> = crate::assessment::store::raters(pool, y.program.id, code)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let agreed = store::agreed_per_element(pool, round_id).await?;
        let ready = super::ready_for_consensus(&mine, &raters, &rated, &agreed);
        out.extend(super::consensus_item(&y.program, state_name, code, &ready));
    }
    Ok(out)
}

/// The lead's roster: invitations not accepted, required sectors missing.
async fn team_items(
    state: &AppState,
    y: &Year,
    (code, state_name): (&str, &str),
) -> Result<Vec<WorkItem>, Refusal> {
    let members = crate::team::store::members(&state.db.pool, y.program.id, code).await?;
    let waiting: Vec<&str> = members
        .iter()
        .filter(|m| m.invited_at.is_some() && !m.active)
        .map(|m| m.name.as_str())
        .collect();
    let sectors: Vec<crate::team::Sector> = members.iter().map(|m| m.sector).collect();
    let missing = crate::team::missing_sectors(&y.required_sectors, &sectors);
    Ok(super::roster_items(
        &y.program, state_name, code, &waiting, &missing,
    ))
}

async fn state_name(state: &AppState, code: &str) -> Result<String, Refusal> {
    Ok(
        crate::program::store::jurisdiction_name(&state.db.pool, code)
            .await?
            .unwrap_or_else(|| code.to_owned()),
    )
}

async fn admin_items(state: &AppState, years: &[Year]) -> Result<Vec<WorkItem>, Refusal> {
    let pool = &state.db.pool;
    let mut out = Vec::new();
    for (program_id, n) in store::undecided_applications(pool).await? {
        let Some(y) = years.iter().find(|y| y.program.id == program_id) else {
            continue;
        };
        if y.stage == YearStage::Ended {
            continue;
        }
        out.push(WorkItem {
            kind: Kind::DecideApplications,
            urgency: Urgency::ToDo,
            program: Some(y.program.name.clone()),
            text: format!(
                "{} waiting for a decision",
                super::count(n as usize, "application is", "applications are")
            ),
            href: format!("/programs/{}/selection", y.program.slug),
            link_text: "Compare and decide".to_owned(),
            date: None,
            calendar: None,
        });
    }
    let (items, partners) = store::exchange_waiting(pool).await?;
    if items > 0 {
        out.push(WorkItem {
            kind: Kind::ModerateExchange,
            urgency: Urgency::ToDo,
            program: None,
            text: format!(
                "{} waiting for moderation in the Exchange",
                super::count(items as usize, "submission is", "submissions are")
            ),
            href: "/exchange/moderation".to_owned(),
            link_text: "Moderate submissions".to_owned(),
            date: None,
            calendar: None,
        });
    }
    if partners > 0 {
        out.push(WorkItem {
            kind: Kind::DecidePartners,
            urgency: Urgency::ToDo,
            program: None,
            text: format!(
                "{} asked to become Exchange partners",
                super::count(partners as usize, "organization has", "organizations have")
            ),
            href: "/exchange/partners".to_owned(),
            link_text: "Decide on partners".to_owned(),
            date: None,
            calendar: None,
        });
    }
    Ok(out)
}

async fn federal_items(state: &AppState, years: &[Year]) -> Result<Vec<WorkItem>, Refusal> {
    let summary = store::cohort_summary(&state.db.pool).await?;
    let mut out = Vec::new();
    for (program_id, states, baselines) in summary {
        let Some(y) = years.iter().find(|y| y.program.id == program_id) else {
            continue;
        };
        out.push(super::summary_item(
            &y.program,
            states as usize,
            baselines as usize,
            y.stage,
            y.day,
        ));
    }
    Ok(out)
}
