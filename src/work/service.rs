//! Gathers one person's work across their programs (the home page and
//! `GET /api/v1/me/work` both call `for_person`).

use jiff::civil::Date;

use super::{
    ActivityFact, ElementProgress, Kind, OpenActionItem, OwnedStep, ProgramRef, Urgency, WorkItem,
    YearStage, store,
};
use crate::auth::{CurrentUser, Role};
use crate::state::AppState;
use crate::web::refusal::Refusal;

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
    commitments: Vec<crate::program::template::Commitment>,
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
fn years(
    catalogue: &crate::program::store::Catalogue,
    now: i64,
    wanted: Option<&[i64]>,
) -> Vec<Year> {
    let mut out = Vec::new();
    for p in &catalogue.programs {
        if wanted.is_some_and(|w| !w.contains(&p.id)) {
            continue;
        }
        let outline = catalogue.outline(p.id).into_owned();
        let today = crate::report::participation::local_date(now, &zone(&p.time_zone));
        let (first, last) = year_span(&outline.timeline, p.start_year);
        let (stage, day) = super::judged_on(today, first, last);
        out.push(Year {
            program: ProgramRef {
                id: p.id,
                slug: p.slug.clone(),
                name: p.name.clone(),
                time_zone: p.time_zone.clone(),
            },
            required_sectors: outline.required_sectors,
            commitments: outline.commitments,
            timeline: outline.timeline,
            full: p.clone(),
            stage,
            day,
        });
    }
    out
}

/// The person's queue and the program catalogue, from what this process
/// keeps when nothing has changed since (see `kept`).
pub async fn kept_for_person(
    state: &AppState,
    user: &CurrentUser,
    now: i64,
) -> Result<super::kept::PersonWork, Refusal> {
    state
        .kept_work
        .for_person(&state.db.pool, user.id, now, |catalogue| async move {
            for_person(state, user, &catalogue, now).await
        })
        .await
}

/// Everything waiting for the person, most urgent first, across the
/// programs of `catalogue` (every program there is).
pub async fn for_person(
    state: &AppState,
    user: &CurrentUser,
    catalogue: &crate::program::store::Catalogue,
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
    let years = years(catalogue, now, (!everywhere).then_some(own.as_slice()));
    let year_of = |id: i64| years.iter().find(|y| y.program.id == id);
    let mut items = Vec::new();

    // The state team's assessment and roster, for each state the person rates.
    let rates = user
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::StateLead | Role::StateMember));
    if rates {
        let teams = store::team_facts(pool, user.id).await?;
        for g in &user.grants {
            let (Role::StateLead | Role::StateMember, Some(program_id), Some(code)) =
                (g.role, g.program_id, &g.state_code)
            else {
                continue;
            };
            let (Some(y), Some(team)) = (
                year_of(program_id),
                teams
                    .iter()
                    .find(|t| t.program_id == program_id && &t.state_code == code),
            ) else {
                continue;
            };
            if y.stage == YearStage::Ended {
                continue;
            }
            let mut elements = state.element_sizes.of(pool, program_id).await?;
            if elements.is_empty() {
                // The instrument is built the first time anyone needs it.
                crate::assessment::service::instrument(state, &state.frameworks, &y.full).await?;
                elements = state.element_sizes.of(pool, program_id).await?;
            }
            let lead = g.role == Role::StateLead;
            let name = state.place_name(code);
            items.extend(assessment_items(y, name, team, &elements, lead, user.id));
            if lead {
                items.extend(team_items(y, name, team));
                if y.stage == YearStage::UnderWay {
                    let period = crate::report::participation::ta_period(
                        &y.timeline,
                        y.full.start_year as i16,
                    );
                    let due = crate::report::dashboard::snapshots_due(&y.timeline, period);
                    items.extend(super::snapshot_item(
                        &y.program,
                        name,
                        code,
                        &team.snapshots,
                        &due,
                        y.day,
                    ));
                }
            }
        }
    }

    let until = now + ACTIVITIES_AHEAD_DAYS * 86_400_000;
    let facts = store::person_facts(pool, user.id, now, until).await?;

    // Plan steps the person owns.
    for (program_id, code, state_name, text, due_on) in facts.steps {
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
    for (program_id, activity_id, title, state_name, text, due_on, own) in facts.action_items {
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
            own,
        };
        items.extend(super::action_item(&y.program, &item, y.day));
    }

    // Activities: the next few, and those over with no notes yet.
    let mut coming = 0;
    for (program_id, id, kind, title, starts_at, ends_at, status, notes_empty, organizer) in
        facts.activities
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
            held_without_notes: notes_empty && ends_at < now,
        };
        let date = crate::report::participation::local_date(starts_at, &zone(&y.program.time_zone));
        if fact.held_without_notes {
            if organizer && y.stage != YearStage::Ended && date <= y.day {
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

    // The forum: mentions and watched threads' replies since the person
    // last looked, in categories they may still read.
    for news in &facts.forum {
        let Some(y) = year_of(news.program_id) else {
            continue;
        };
        let may_read = crate::auth::policy::allows(
            user,
            &crate::auth::policy::Action::ViewForumCategory {
                program_id: news.program_id,
                private_to: news.private_to.clone(),
            },
        );
        if !may_read {
            continue;
        }
        match &news.mentioned_by {
            Some(author) => items.push(super::mention_item(
                &y.program,
                author,
                &news.thread_title,
                news.thread_id,
                news.post_id,
            )),
            None => items.extend(super::replies_item(
                &y.program,
                &news.thread_title,
                news.thread_id,
                news.post_id,
                news.new_replies,
            )),
        }
    }

    // Reviews still to score.
    let reviews = &facts.reviews;
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
        for (id, kind, title, status) in facts.submissions {
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
fn assessment_items(
    y: &Year,
    state_name: &str,
    team: &store::TeamFacts,
    elements: &[store::ElementSize],
    lead: bool,
    user_id: i64,
) -> Vec<WorkItem> {
    let mut out = Vec::new();
    // Once the baseline is frozen, rating waits until the team starts the
    // next round (a round opens as soon as anyone looks at the assessment).
    if !team.round_started && !team.snapshots.is_empty() {
        return out;
    }
    let code = team.state_code.as_str();
    let mine: Vec<ElementProgress> = elements
        .iter()
        .filter(|e| e.program_id == y.program.id)
        .map(|e| ElementProgress {
            rated: team
                .rated
                .iter()
                .find(|(u, k, _)| *u == user_id && *k == e.key)
                .map_or(0, |(_, _, n)| *n as usize),
            key: e.key.clone(),
            name: e.name.clone(),
            indicators: e.indicators as usize,
        })
        .collect();
    out.extend(super::rate_item(&y.program, state_name, code, &mine));
    if lead && team.round.is_some() {
        let raters: Vec<i64> = team.members.iter().filter_map(|m| m.user_id).collect();
        let complete = super::complete_raters(&mine, &raters, &team.rated);
        let ready = super::ready_for_consensus(&mine, raters.len(), &complete, &team.agreed);
        out.extend(super::consensus_item(&y.program, state_name, code, &ready));
    }
    out
}

/// The lead's roster: invitations not accepted, required sectors missing.
fn team_items(y: &Year, state_name: &str, team: &store::TeamFacts) -> Vec<WorkItem> {
    let mut waiting: Vec<&str> = team
        .members
        .iter()
        .filter(|m| m.invited && m.account != crate::team::Account::Joined)
        .map(|m| m.name.as_str())
        .collect();
    waiting.sort_unstable();
    let sectors: Vec<crate::team::Sector> = team.members.iter().map(|m| m.sector).collect();
    let missing = crate::team::missing_sectors(&y.required_sectors, &sectors);
    super::roster_items(&y.program, state_name, &team.state_code, &waiting, &missing)
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
    // A webinar every quarter of the TA year, as the program promises.
    let webinars = store::webinars(pool).await?;
    for y in years.iter().filter(|y| y.stage == YearStage::UnderWay) {
        let promised = y.commitments.iter().any(|c| {
            c.key == "webinar" && c.cadence == crate::program::template::Cadence::Quarterly
        });
        if !promised {
            continue;
        }
        let period = crate::report::participation::ta_period(&y.timeline, y.full.start_year as i16);
        let month = crate::report::participation::YearMonth::of(y.day);
        let Some(quarter) = super::quarter_of(period, month) else {
            continue;
        };
        let tz = zone(&y.program.time_zone);
        let held = webinars
            .iter()
            .filter(|(p, starts)| {
                let m = crate::report::participation::YearMonth::of(
                    crate::report::participation::local_date(*starts, &tz),
                );
                *p == y.program.id && quarter.0 <= m && m <= quarter.1
            })
            .count();
        out.extend(super::webinar_item(&y.program, quarter, held, y.day));
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
