//! A person's work: what is waiting for them across their programs, most
//! urgent first, each item a sentence with its status and one link to
//! where the work is done. The home page and `GET /api/v1/me/work` show
//! it. The rules here (what is waiting, how urgent, the day a program is
//! judged on) are plain functions on the facts `store` gathers.

pub mod api;
pub mod hub;
pub mod kept;
pub mod service;
pub mod store;

use jiff::civil::Date;
use serde::Serialize;

use crate::report::participation::YearMonth;

/// How pressing an item is; items are shown in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Its date has passed.
    Overdue,
    /// Due within the next seven days (today included).
    DueThisWeek,
    /// Waiting for the person, with no date.
    ToDo,
    /// Something coming that the person takes part in.
    ComingUp,
}

impl Urgency {
    /// The word shown beside the item (never colour alone).
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Overdue",
            Urgency::DueThisWeek => "Due this week",
            Urgency::ToDo => "To do",
            Urgency::ComingUp => "Coming up",
        }
    }

    /// The USWDS tag modifier that goes with the word.
    pub fn css(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueThisWeek => "due",
            Urgency::ToDo => "todo",
            Urgency::ComingUp => "upcoming",
        }
    }
}

/// What kind of work an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = WorkKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RateAssessment,
    AgreeConsensus,
    FreezeSnapshot,
    Roster,
    PlanStep,
    ActionItem,
    Activity,
    RecordNotes,
    ScoreApplication,
    DecideApplications,
    ModerateExchange,
    DecidePartners,
    Consultation,
    Submission,
    ProgramSummary,
    StateAttention,
    ForumMention,
    ForumReplies,
    ScheduleWebinar,
}

/// One thing waiting for the person.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WorkItem {
    pub kind: Kind,
    pub urgency: Urgency,
    /// The program it belongs to, by name; none for the Exchange.
    pub program: Option<String>,
    /// What is waiting, as a sentence.
    pub text: String,
    /// Where the work is done.
    pub href: String,
    /// The link's words.
    pub link_text: String,
    /// The day it is due or happens (YYYY-MM-DD on the program's clock).
    pub date: Option<String>,
    /// The activity's calendar file, for activities.
    pub calendar: Option<String>,
}

/// Most urgent first; within one urgency, earliest date first (items with
/// no date after those with one), then by program and words, so the order
/// never depends on the order the facts came in.
pub fn order(items: &mut [WorkItem]) {
    items.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| match (&a.date, &b.date) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.program.cmp(&b.program))
            .then_with(|| a.text.cmp(&b.text))
    });
}

/// How urgent something due on `due` is, seen on `today`.
pub fn due_urgency(due: Date, today: Date) -> Urgency {
    if due < today {
        Urgency::Overdue
    } else if due <= today.saturating_add(jiff::Span::new().days(6)) {
        Urgency::DueThisWeek
    } else {
        Urgency::ComingUp
    }
}

pub use crate::report::participation::{YearStage, judged_on};

/// "1 element", "2 elements".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A program as the items name and link it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
}

/// One element of the assessment and how much of it the person has rated.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementProgress {
    pub key: String,
    pub name: String,
    pub rated: usize,
    pub indicators: usize,
}

/// The member's own rating of the state's assessment: "Rate the readiness
/// assessment: 2 of 6 elements done", linking to the first element not
/// fully rated. Nothing once every element is rated.
pub fn rate_item(
    program: &ProgramRef,
    state_name: &str,
    state: &str,
    elements: &[ElementProgress],
) -> Option<WorkItem> {
    let done = elements
        .iter()
        .filter(|e| e.indicators > 0 && e.rated >= e.indicators)
        .count();
    let next = elements
        .iter()
        .find(|e| e.indicators > 0 && e.rated < e.indicators)?;
    Some(WorkItem {
        kind: Kind::RateAssessment,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "Rate {state_name}'s readiness assessment: {done} of {} done",
            count(elements.len(), "element", "elements")
        ),
        href: format!(
            "/programs/{}/assessment/{state}/rate/{}",
            program.slug, next.key
        ),
        link_text: if done == 0 {
            format!("Start with {}", next.name)
        } else {
            format!("Rate {}", next.name)
        },
        date: None,
        calendar: None,
    })
}

/// An element every member has rated, with no consensus recorded yet.
pub fn consensus_item(
    program: &ProgramRef,
    state_name: &str,
    state: &str,
    ready: &[(String, String)],
) -> Option<WorkItem> {
    let (first_key, _) = ready.first()?;
    let names: Vec<&str> = ready.iter().map(|(_, n)| n.as_str()).collect();
    Some(WorkItem {
        kind: Kind::AgreeConsensus,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "Every member of {state_name}'s team has rated {}: record the team's consensus",
            list(&names)
        ),
        href: format!(
            "/programs/{}/assessment/{state}/consensus/{first_key}",
            program.slug
        ),
        link_text: "Record the consensus".to_owned(),
        date: None,
        calendar: None,
    })
}

/// A plan step the person owns that is not done.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedStep {
    pub state: String,
    pub state_name: String,
    pub text: String,
    pub due_on: Date,
}

/// A step shows when it is overdue or due within the week.
pub fn step_item(program: &ProgramRef, step: &OwnedStep, today: Date) -> Option<WorkItem> {
    let urgency = due_urgency(step.due_on, today);
    if urgency == Urgency::ComingUp {
        return None;
    }
    Some(WorkItem {
        kind: Kind::PlanStep,
        urgency,
        program: Some(program.name.clone()),
        text: format!(
            "Your step in {}'s action plan, due {}: {}",
            step.state_name,
            long_date(step.due_on),
            step.text
        ),
        href: format!("/programs/{}/plans/{}", program.slug, step.state),
        link_text: "Update the step".to_owned(),
        date: Some(step.due_on.to_string()),
        calendar: None,
    })
}

/// An action item from an activity that is not done.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenActionItem {
    pub activity_id: i64,
    pub activity_title: String,
    pub state_name: Option<String>,
    pub text: String,
    pub due_on: Date,
    /// Whether the person owns it (else they follow it up as coach).
    pub own: bool,
}

/// Owners see their items due within the week or overdue; a coach sees the
/// overdue items of their states' activities.
pub fn action_item(program: &ProgramRef, item: &OpenActionItem, today: Date) -> Option<WorkItem> {
    let urgency = due_urgency(item.due_on, today);
    if urgency == Urgency::ComingUp || (!item.own && urgency != Urgency::Overdue) {
        return None;
    }
    let whose = match (&item.state_name, item.own) {
        (_, true) => "Your action item".to_owned(),
        (Some(s), false) => format!("{s}'s action item"),
        (None, false) => "An action item".to_owned(),
    };
    Some(WorkItem {
        kind: Kind::ActionItem,
        urgency,
        program: Some(program.name.clone()),
        text: format!(
            "{whose} from {}, due {}: {}",
            item.activity_title,
            long_date(item.due_on),
            item.text
        ),
        href: format!("/programs/{}/activities/{}", program.slug, item.activity_id),
        link_text: if item.own {
            "Open the activity".to_owned()
        } else {
            "Follow it up".to_owned()
        },
        date: Some(item.due_on.to_string()),
        calendar: None,
    })
}

/// An activity the person takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFact {
    pub id: i64,
    pub kind_label: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Held, with nothing written in its notes yet.
    pub held_without_notes: bool,
}

/// The next activities (within `days_ahead` days) as "coming up", with
/// their calendar file.
pub fn next_activity_item(
    program: &ProgramRef,
    a: &ActivityFact,
    date: Date,
    when: &str,
) -> WorkItem {
    WorkItem {
        kind: Kind::Activity,
        urgency: Urgency::ComingUp,
        program: Some(program.name.clone()),
        text: format!("{}: {when}", a.title),
        href: format!("/programs/{}/activities/{}", program.slug, a.id),
        link_text: format!("See the {}", a.kind_label.to_lowercase()),
        date: Some(date.to_string()),
        calendar: Some(format!(
            "/programs/{}/activities/{}/calendar.ics",
            program.slug, a.id
        )),
    }
}

/// A held activity its organizer has not written notes for.
pub fn notes_item(program: &ProgramRef, a: &ActivityFact, date: Date) -> WorkItem {
    WorkItem {
        kind: Kind::RecordNotes,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "{} on {} was held: write its notes, attendance and action items",
            a.title,
            long_date(date)
        ),
        href: format!("/programs/{}/activities/{}#record", program.slug, a.id),
        link_text: "Record the notes".to_owned(),
        date: Some(date.to_string()),
        calendar: None,
    }
}

/// The applications a reviewer has still to score in a program.
pub fn review_item(
    program: &ProgramRef,
    to_score: &[(String, String)],
    deadline: Option<&str>,
) -> Option<WorkItem> {
    let (first_code, _) = to_score.first()?;
    let names: Vec<&str> = to_score.iter().map(|(_, n)| n.as_str()).collect();
    Some(WorkItem {
        kind: Kind::ScoreApplication,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "Score {} still to review: {}{}",
            count(names.len(), "application", "applications"),
            list(&names),
            deadline
                .map(|d| format!(" (reviews are due {d})"))
                .unwrap_or_default()
        ),
        href: format!("/programs/{}/reviews/{first_code}", program.slug),
        link_text: format!("Score {}", to_score[0].1),
        date: None,
        calendar: None,
    })
}

/// Per element, how many of `raters` have answered every one of its
/// indicators; `rated` is (person, element, answered).
pub fn complete_raters(
    elements: &[ElementProgress],
    raters: &[i64],
    rated: &[(i64, String, i64)],
) -> Vec<(String, i64)> {
    elements
        .iter()
        .map(|e| {
            let n = raters
                .iter()
                .filter(|r| {
                    rated
                        .iter()
                        .any(|(u, k, n)| u == *r && *k == e.key && *n >= e.indicators as i64)
                })
                .count();
            (e.key.clone(), n as i64)
        })
        .collect()
}

/// The elements every rater has rated in full whose consensus is not
/// complete: (key, name). `raters` is how many members can rate,
/// `complete` (element, members who answered all its indicators), `agreed`
/// (element, indicators agreed).
pub fn ready_for_consensus(
    elements: &[ElementProgress],
    raters: usize,
    complete: &[(String, i64)],
    agreed: &[(String, i64)],
) -> Vec<(String, String)> {
    if raters == 0 {
        return vec![];
    }
    let count = |list: &[(String, i64)], key: &str| {
        list.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    };
    elements
        .iter()
        .filter(|e| {
            let all = e.indicators as i64;
            let everyone = count(complete, &e.key) >= raters as i64;
            let done = count(agreed, &e.key) >= all;
            all > 0 && everyone && !done
        })
        .map(|e| (e.key.clone(), e.name.clone()))
        .collect()
}

/// The lead's roster: people invited who have not accepted, and required
/// sectors nobody on the team represents.
pub fn roster_items(
    program: &ProgramRef,
    state_name: &str,
    state: &str,
    not_accepted: &[&str],
    missing: &[crate::team::Sector],
) -> Vec<WorkItem> {
    let href = format!("/programs/{}/teams/{state}", program.slug);
    let mut out = Vec::new();
    if !not_accepted.is_empty() {
        out.push(WorkItem {
            kind: Kind::Roster,
            urgency: Urgency::ToDo,
            program: Some(program.name.clone()),
            text: format!(
                "{} not accepted the invitation to {state_name}'s team yet: {}",
                count(not_accepted.len(), "person has", "people have"),
                list(not_accepted)
            ),
            href: href.clone(),
            link_text: "See the team".to_owned(),
            date: None,
            calendar: None,
        });
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|s| s.label().to_lowercase()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        out.push(WorkItem {
            kind: Kind::Roster,
            urgency: Urgency::ToDo,
            program: Some(program.name.clone()),
            text: format!(
                "{state_name}'s team has no one yet from {}, which the program requires",
                list(&names)
            ),
            href,
            link_text: "Add a team member".to_owned(),
            date: None,
            calendar: None,
        });
    }
    out
}

/// The federal officer's line for a program: its states and baselines, and
/// as of which day when the year has ended.
pub fn summary_item(
    program: &ProgramRef,
    states: usize,
    baselines: usize,
    stage: YearStage,
    day: Date,
) -> WorkItem {
    let base = format!(
        "{} in the cohort; {} frozen a baseline assessment",
        count(states, "state", "states"),
        match baselines {
            0 => "none has".to_owned(),
            n if n == states && n > 1 => "all have".to_owned(),
            n => count(n, "has", "have"),
        }
    );
    let (text, link_text) = match stage {
        YearStage::Ended => (
            format!("{base}. The year ended on {}.", long_date(day)),
            "Read the program report",
        ),
        _ => (format!("{base}."), "Open the program report"),
    };
    WorkItem {
        kind: Kind::ProgramSummary,
        urgency: Urgency::ComingUp,
        program: Some(program.name.clone()),
        text,
        href: format!("/programs/{}/report", program.slug),
        link_text: link_text.to_owned(),
        date: None,
        calendar: None,
    }
}

/// The snapshot the timeline says is due and the lead has not frozen:
/// overdue once its month has passed, to do in its month. Nothing before.
pub fn snapshot_item(
    program: &ProgramRef,
    state_name: &str,
    state: &str,
    taken: &[crate::assessment::SnapshotKind],
    due: &[(
        crate::assessment::SnapshotKind,
        crate::report::participation::YearMonth,
    )],
    today: Date,
) -> Option<WorkItem> {
    let this_month = crate::report::participation::YearMonth::of(today);
    let (kind, month) = due
        .iter()
        .find(|(kind, month)| !taken.contains(kind) && *month <= this_month)?;
    let urgency = if *month < this_month {
        Urgency::Overdue
    } else {
        Urgency::ToDo
    };
    Some(WorkItem {
        kind: Kind::FreezeSnapshot,
        urgency,
        program: Some(program.name.clone()),
        text: format!(
            "{state_name}'s {} snapshot {} {}: when the team agrees, freeze it",
            kind.label().to_lowercase(),
            if urgency == Urgency::Overdue {
                "was due in"
            } else {
                "is due in"
            },
            month.label()
        ),
        href: format!("/programs/{}/assessment/{state}", program.slug),
        link_text: "Open the assessment".to_owned(),
        date: None,
        calendar: None,
    })
}

/// A state that needs its coach: the dashboard's reasons, in words.
pub fn attention_item(
    program: &ProgramRef,
    state_name: &str,
    state: &str,
    reasons: &[String],
) -> Option<WorkItem> {
    if reasons.is_empty() {
        return None;
    }
    Some(WorkItem {
        kind: Kind::StateAttention,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!("{state_name} needs attention: {}", reasons.join("; ")),
        href: format!("/programs/{}/reports/{state}", program.slug),
        link_text: format!("Read {state_name}'s progress report"),
        date: None,
        calendar: None,
    })
}

/// The states needing attention in a program, for the administrator.
pub fn attention_summary_item(program: &ProgramRef, states: &[&str]) -> Option<WorkItem> {
    if states.is_empty() {
        return None;
    }
    Some(WorkItem {
        kind: Kind::StateAttention,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "{} attention: {}",
            count(states.len(), "state needs", "states need"),
            list(states)
        ),
        href: format!("/programs/{}/dashboard", program.slug),
        link_text: "Open the dashboard".to_owned(),
        date: None,
        calendar: None,
    })
}

/// Someone mentioned the person in a forum post they have not seen since.
pub fn mention_item(
    program: &ProgramRef,
    author: &str,
    thread_title: &str,
    thread_id: i64,
    post_id: i64,
) -> WorkItem {
    WorkItem {
        kind: Kind::ForumMention,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!("{author} mentioned you in “{thread_title}”"),
        href: format!(
            "/programs/{}/forum/threads/{thread_id}#post-{post_id}",
            program.slug
        ),
        link_text: "Read the post".to_owned(),
        date: None,
        calendar: None,
    }
}

/// New replies, since the person last looked, in a thread they watch.
pub fn replies_item(
    program: &ProgramRef,
    thread_title: &str,
    thread_id: i64,
    first_new_post: i64,
    new_posts: usize,
) -> Option<WorkItem> {
    if new_posts == 0 {
        return None;
    }
    Some(WorkItem {
        kind: Kind::ForumReplies,
        urgency: Urgency::ToDo,
        program: Some(program.name.clone()),
        text: format!(
            "{} in “{thread_title}”, which you watch",
            count(new_posts, "new reply", "new replies")
        ),
        href: format!(
            "/programs/{}/forum/threads/{thread_id}#post-{first_new_post}",
            program.slug
        ),
        link_text: if new_posts == 1 {
            "Read the reply".to_owned()
        } else {
            "Read the replies".to_owned()
        },
        date: None,
        calendar: None,
    })
}

/// The quarter of the TA period that `month` falls in (quarters run three
/// months from the period's first month, the last one cut at its end), or
/// none outside the period.
pub fn quarter_of(
    (first, last): (YearMonth, YearMonth),
    month: YearMonth,
) -> Option<(YearMonth, YearMonth)> {
    if month < first || month > last {
        return None;
    }
    let start = first.plus(first.until(month) / 3 * 3);
    Some((start, start.plus(2).min(last)))
}

/// The administrator's reminder that the program promises a webinar every
/// quarter and none is scheduled in the quarter `today` falls in (due in
/// its last week).
pub fn webinar_item(
    program: &ProgramRef,
    quarter: (YearMonth, YearMonth),
    webinars_in_quarter: usize,
    today: Date,
) -> Option<WorkItem> {
    if webinars_in_quarter > 0 {
        return None;
    }
    let (first, last) = crate::report::participation::period_days(quarter);
    let urgency = match due_urgency(last, today) {
        Urgency::DueThisWeek => Urgency::DueThisWeek,
        _ => Urgency::ToDo,
    };
    let months = if first.year() == last.year() {
        format!("{} to {}", first.strftime("%B"), last.strftime("%B %Y"))
    } else {
        format!("{} to {}", first.strftime("%B %Y"), last.strftime("%B %Y"))
    };
    Some(WorkItem {
        kind: Kind::ScheduleWebinar,
        urgency,
        program: Some(program.name.clone()),
        text: format!(
            "No webinar is scheduled this quarter ({months}); the program promises one every quarter"
        ),
        href: format!("/programs/{}/activities/new?kind=webinar", program.slug),
        link_text: "Schedule a webinar".to_owned(),
        date: Some(last.to_string()),
        calendar: None,
    })
}

/// "2 things are overdue and 1 is due this week, shown first." (or what
/// there is), above the queue.
pub fn queue_summary(queue: &[WorkItem]) -> String {
    let n = |u: Urgency| queue.iter().filter(|i| i.urgency == u).count();
    let (overdue, due) = (n(Urgency::Overdue), n(Urgency::DueThisWeek));
    match (overdue, due) {
        (0, 0) => format!(
            "{} for you, the most pressing first.",
            count(queue.len(), "thing is waiting", "things are waiting")
        ),
        (o, 0) => format!(
            "{} overdue, shown first.",
            count(o, "thing is", "things are")
        ),
        (0, d) => format!(
            "{} due this week, shown first.",
            count(d, "thing is", "things are")
        ),
        (o, d) => format!(
            "{} overdue and {d} due this week, shown first.",
            count(o, "thing is", "things are")
        ),
    }
}

/// Each of the person's roles once, in words: "State team lead for
/// Colorado in Advancing Career Pathways 2016-17", or "…, applying to …"
/// for a state outside the program's cohort.
pub fn role_lines(
    user: &crate::auth::CurrentUser,
    programs: &[crate::program::store::Program],
    places: &[crate::program::store::Jurisdiction],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in &user.grants {
        let mut line = g.role.label().to_owned();
        if let Some(code) = &g.state_code {
            let name = places
                .iter()
                .find(|j| &j.code == code)
                .map_or(code.as_str(), |j| j.name.as_str());
            line.push_str(&format!(" for {name}"));
        }
        if let Some(p) = g
            .program_id
            .and_then(|id| programs.iter().find(|p| p.id == id))
        {
            if user.is_outside_cohort(g) {
                line.push_str(&format!(", applying to {}", p.name));
            } else {
                line.push_str(&format!(" in {}", p.name));
            }
        }
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// Joins names as people write them: "A", "A and B", "A, B and C".
pub fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "March 15, 2017".
pub fn long_date(d: Date) -> String {
    d.strftime("%B %-d, %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn program() -> ProgramRef {
        ProgramRef {
            id: 1,
            slug: "acp".into(),
            name: "Advancing Career Pathways".into(),
            time_zone: "America/New_York".into(),
        }
    }

    fn element(key: &str, rated: usize, indicators: usize) -> ElementProgress {
        ElementProgress {
            key: key.into(),
            name: format!("Element {key}"),
            rated,
            indicators,
        }
    }

    fn item(urgency: Urgency, date: Option<&str>, text: &str) -> WorkItem {
        WorkItem {
            kind: Kind::PlanStep,
            urgency,
            program: None,
            text: text.into(),
            href: "/".into(),
            link_text: "Go".into(),
            date: date.map(Into::into),
            calendar: None,
        }
    }

    #[test]
    fn due_dates_are_overdue_due_this_week_or_coming_up() {
        let today = date(2026, 12, 7);
        assert_eq!(due_urgency(date(2026, 12, 6), today), Urgency::Overdue);
        assert_eq!(due_urgency(today, today), Urgency::DueThisWeek);
        assert_eq!(due_urgency(date(2026, 12, 13), today), Urgency::DueThisWeek);
        assert_eq!(due_urgency(date(2026, 12, 14), today), Urgency::ComingUp);
    }

    #[test]
    fn most_urgent_first_then_earliest_then_undated() {
        let mut items = vec![
            item(Urgency::ComingUp, Some("2026-12-09"), "call"),
            item(Urgency::ToDo, None, "rate"),
            item(Urgency::DueThisWeek, Some("2026-12-10"), "later step"),
            item(Urgency::Overdue, Some("2026-12-01"), "old step"),
            item(Urgency::DueThisWeek, Some("2026-12-08"), "sooner step"),
            item(Urgency::Overdue, Some("2026-11-20"), "older step"),
            item(Urgency::ToDo, Some("2026-12-02"), "notes"),
        ];
        order(&mut items);
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "older step",
                "old step",
                "sooner step",
                "later step",
                "notes",
                "rate",
                "call"
            ]
        );
    }

    #[test]
    fn the_assessment_item_counts_elements_done_and_links_the_next() {
        let p = program();
        let elements = [
            element("e1", 4, 4),
            element("e2", 5, 5),
            element("e3", 2, 6),
            element("e4", 0, 3),
        ];
        let i = rate_item(&p, "Colorado", "CO", &elements).unwrap();
        assert_eq!(
            i.text,
            "Rate Colorado's readiness assessment: 2 of 4 elements done"
        );
        assert_eq!(i.href, "/programs/acp/assessment/CO/rate/e3");
        assert_eq!(i.link_text, "Rate Element e3");
        assert_eq!(i.urgency, Urgency::ToDo);

        let fresh = rate_item(&p, "Colorado", "CO", &[element("e1", 0, 4)]).unwrap();
        assert_eq!(
            fresh.text,
            "Rate Colorado's readiness assessment: 0 of 1 element done"
        );
        assert_eq!(fresh.link_text, "Start with Element e1");

        assert_eq!(
            rate_item(&p, "Colorado", "CO", &[element("e1", 4, 4)]),
            None,
            "nothing waits once every element is rated"
        );
    }

    #[test]
    fn steps_show_when_overdue_or_due_this_week() {
        let p = program();
        let today = date(2026, 12, 7);
        let step = |due| OwnedStep {
            state: "CO".into(),
            state_name: "Colorado".into(),
            text: "Draft the data agreement".into(),
            due_on: due,
        };
        let late = step_item(&p, &step(date(2026, 12, 1)), today).unwrap();
        assert_eq!(late.urgency, Urgency::Overdue);
        assert_eq!(
            late.text,
            "Your step in Colorado's action plan, due December 1, 2026: Draft the data agreement"
        );
        assert_eq!(late.href, "/programs/acp/plans/CO");
        assert_eq!(
            step_item(&p, &step(date(2026, 12, 9)), today)
                .unwrap()
                .urgency,
            Urgency::DueThisWeek
        );
        assert_eq!(step_item(&p, &step(date(2027, 1, 9)), today), None);
    }

    #[test]
    fn coaches_follow_up_overdue_items_owners_see_theirs_due_this_week() {
        let p = program();
        let today = date(2026, 12, 7);
        let open = |own, due| OpenActionItem {
            activity_id: 4,
            activity_title: "Coaching call with Colorado".into(),
            state_name: Some("Colorado".into()),
            text: "Send the sector list".into(),
            due_on: due,
            own,
        };
        assert!(action_item(&p, &open(true, date(2026, 12, 9)), today).is_some());
        assert!(action_item(&p, &open(false, date(2026, 12, 9)), today).is_none());
        let late = action_item(&p, &open(false, date(2026, 12, 1)), today).unwrap();
        assert_eq!(
            late.text,
            "Colorado's action item from Coaching call with Colorado, due December 1, 2026: Send the sector list"
        );
        assert_eq!(late.link_text, "Follow it up");
        assert!(action_item(&p, &open(true, date(2027, 2, 1)), today).is_none());
    }

    #[test]
    fn reviews_name_the_states_and_the_deadline() {
        let p = program();
        let one = review_item(&p, &[("KS".into(), "Kansas".into())], Some("July 1, 2016")).unwrap();
        assert_eq!(
            one.text,
            "Score 1 application still to review: Kansas (reviews are due July 1, 2016)"
        );
        assert_eq!(one.href, "/programs/acp/reviews/KS");
        let three = review_item(
            &p,
            &[
                ("KS".into(), "Kansas".into()),
                ("MN".into(), "Minnesota".into()),
                ("OR".into(), "Oregon".into()),
            ],
            None,
        )
        .unwrap();
        assert_eq!(
            three.text,
            "Score 3 applications still to review: Kansas, Minnesota and Oregon"
        );
        assert_eq!(review_item(&p, &[], None), None);
    }

    #[test]
    fn a_snapshot_is_asked_for_in_its_month_and_overdue_after() {
        use crate::assessment::SnapshotKind::{Baseline, Final, MidYear};
        use crate::report::participation::YearMonth;
        let p = program();
        let due = [
            (Baseline, YearMonth::new(2026, 10)),
            (MidYear, YearMonth::new(2027, 3)),
            (Final, YearMonth::new(2027, 8)),
        ];
        assert_eq!(
            snapshot_item(&p, "Kansas", "KS", &[], &due, date(2026, 9, 20)),
            None,
            "nothing before its month"
        );
        let now = snapshot_item(&p, "Kansas", "KS", &[], &due, date(2026, 10, 5)).unwrap();
        assert_eq!(now.urgency, Urgency::ToDo);
        assert_eq!(
            now.text,
            "Kansas's baseline snapshot is due in October 2026: when the team agrees, freeze it"
        );
        let late = snapshot_item(&p, "Kansas", "KS", &[], &due, date(2026, 12, 7)).unwrap();
        assert_eq!(late.urgency, Urgency::Overdue);
        assert_eq!(late.href, "/programs/acp/assessment/KS");
        assert_eq!(
            snapshot_item(&p, "Kansas", "KS", &[Baseline], &due, date(2026, 12, 7)),
            None,
            "the mid-year is not due until March"
        );
        assert!(
            snapshot_item(&p, "Kansas", "KS", &[Baseline], &due, date(2027, 4, 1))
                .unwrap()
                .text
                .contains("mid-year snapshot was due in March 2027")
        );
    }

    #[test]
    fn states_needing_attention_are_named_with_their_reasons() {
        let p = program();
        let i = attention_item(
            &p,
            "Kansas",
            "KS",
            &[
                "2 coaching calls missed".into(),
                "no baseline snapshot".into(),
            ],
        )
        .unwrap();
        assert_eq!(
            i.text,
            "Kansas needs attention: 2 coaching calls missed; no baseline snapshot"
        );
        assert_eq!(i.href, "/programs/acp/reports/KS");
        assert_eq!(attention_item(&p, "Kansas", "KS", &[]), None);
        assert_eq!(
            attention_summary_item(&p, &["Kansas"]).unwrap().text,
            "1 state needs attention: Kansas"
        );
        assert_eq!(
            attention_summary_item(&p, &["Kansas", "Oregon"])
                .unwrap()
                .text,
            "2 states need attention: Kansas and Oregon"
        );
        assert_eq!(attention_summary_item(&p, &[]), None);
    }

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["A"]), "A");
        assert_eq!(list(&["A", "B"]), "A and B");
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(count(1, "element", "elements"), "1 element");
        assert_eq!(count(0, "element", "elements"), "0 elements");
    }

    #[test]
    fn consensus_waits_for_elements_everyone_rated() {
        let p = program();
        let i = consensus_item(
            &p,
            "Kansas",
            "KS",
            &[("e1".into(), "Cross-agency partnerships".into())],
        )
        .unwrap();
        assert_eq!(
            i.text,
            "Every member of Kansas's team has rated Cross-agency partnerships: record the team's consensus"
        );
        assert_eq!(i.href, "/programs/acp/assessment/KS/consensus/e1");
        assert_eq!(consensus_item(&p, "Kansas", "KS", &[]), None);
    }

    #[test]
    fn quarters_run_three_months_from_the_periods_first_month() {
        let period = (YearMonth::new(2026, 9), YearMonth::new(2027, 6));
        let q = |y, m| quarter_of(period, YearMonth::new(y, m));
        assert_eq!(
            q(2026, 9),
            Some((YearMonth::new(2026, 9), YearMonth::new(2026, 11)))
        );
        assert_eq!(
            q(2026, 12),
            Some((YearMonth::new(2026, 12), YearMonth::new(2027, 2)))
        );
        // The last quarter is cut at the period's end.
        assert_eq!(
            q(2027, 6),
            Some((YearMonth::new(2027, 6), YearMonth::new(2027, 6)))
        );
        assert_eq!(q(2026, 8), None);
        assert_eq!(q(2027, 7), None);
    }

    #[test]
    fn a_quarter_without_a_webinar_is_waiting_and_due_in_its_last_week() {
        let p = program();
        let quarter = (YearMonth::new(2026, 12), YearMonth::new(2027, 2));
        let i = webinar_item(&p, quarter, 0, date(2027, 1, 10)).unwrap();
        assert_eq!(
            i.text,
            "No webinar is scheduled this quarter (December 2026 to February 2027); the program promises one every quarter"
        );
        assert_eq!(i.urgency, Urgency::ToDo);
        assert_eq!(i.href, "/programs/acp/activities/new?kind=webinar");
        assert_eq!(i.date.as_deref(), Some("2027-02-28"));
        let late = webinar_item(&p, quarter, 0, date(2027, 2, 24)).unwrap();
        assert_eq!(late.urgency, Urgency::DueThisWeek);
        assert_eq!(webinar_item(&p, quarter, 1, date(2027, 1, 10)), None);
        let same_year = (YearMonth::new(2027, 3), YearMonth::new(2027, 5));
        assert!(
            webinar_item(&p, same_year, 0, date(2027, 3, 1))
                .unwrap()
                .text
                .contains("(March to May 2027)")
        );
    }

    #[test]
    fn forum_mentions_and_replies_link_to_the_post() {
        let p = program();
        let m = mention_item(&p, "Ana Ruiz", "Data sharing", 7, 31);
        assert_eq!(m.text, "Ana Ruiz mentioned you in “Data sharing”");
        assert_eq!(m.href, "/programs/acp/forum/threads/7#post-31");
        let one = replies_item(&p, "Data sharing", 7, 31, 1).unwrap();
        assert_eq!(one.text, "1 new reply in “Data sharing”, which you watch");
        assert_eq!(one.link_text, "Read the reply");
        let two = replies_item(&p, "Data sharing", 7, 31, 2).unwrap();
        assert_eq!(two.text, "2 new replies in “Data sharing”, which you watch");
        assert_eq!(replies_item(&p, "Data sharing", 7, 31, 0), None);
    }

    #[test]
    fn the_summary_counts_what_is_pressing() {
        use Urgency::*;
        let q = |us: &[Urgency]| {
            queue_summary(&us.iter().map(|u| item(*u, None, "")).collect::<Vec<_>>())
        };
        assert_eq!(
            q(&[ToDo]),
            "1 thing is waiting for you, the most pressing first."
        );
        assert_eq!(
            q(&[ToDo, ComingUp]),
            "2 things are waiting for you, the most pressing first."
        );
        assert_eq!(q(&[Overdue, ToDo]), "1 thing is overdue, shown first.");
        assert_eq!(
            q(&[DueThisWeek, DueThisWeek]),
            "2 things are due this week, shown first."
        );
        assert_eq!(
            q(&[Overdue, Overdue, DueThisWeek]),
            "2 things are overdue and 1 due this week, shown first."
        );
    }

    #[test]
    fn each_role_is_named_once_and_outsiders_are_applying() {
        use crate::auth::{CurrentUser, Grant, Role};
        let program = crate::program::store::Program {
            id: 1,
            slug: "acp".into(),
            name: "ACP 2026-27".into(),
            track: "intensive".into(),
            time_zone: "America/New_York".into(),
            sponsor: String::new(),
            provider: String::new(),
            template: String::new(),
            start_year: 2026,
            applications_due_at: None,
            framework: "six-key-elements".into(),
        };
        let places = vec![crate::program::store::Jurisdiction {
            code: "AL".into(),
            name: "Alabama".into(),
            kind: "state".into(),
        }];
        let grant = |role, state: &str| Grant {
            role,
            program_id: Some(1),
            state_code: Some(state.into()),
        };
        let mut user = CurrentUser {
            id: 1,
            email: "a@b.gov".into(),
            name: "A".into(),
            grants: vec![grant(Role::StateLead, "AL"), grant(Role::StateLead, "AL")],
            outside_cohort: vec![],
        };
        assert_eq!(
            role_lines(&user, std::slice::from_ref(&program), &places),
            ["State team lead for Alabama in ACP 2026-27"]
        );
        user.outside_cohort = vec![(1, "AL".into())];
        assert_eq!(
            role_lines(&user, std::slice::from_ref(&program), &places),
            ["State team lead for Alabama, applying to ACP 2026-27"]
        );
    }

    #[test]
    fn consensus_is_ready_when_every_rater_has_rated_an_element_in_full() {
        let elements = [
            element("e1", 0, 3),
            element("e2", 0, 2),
            element("e3", 0, 0),
        ];
        let complete = [("e1".to_owned(), 3), ("e2".to_owned(), 2)];
        // Three raters: e1 is ready; e2 waits for one; e3 has no indicators.
        assert_eq!(
            ready_for_consensus(&elements, 3, &complete, &[]),
            [("e1".to_owned(), "Element e1".to_owned())]
        );
        // Once e1's consensus is complete it is no longer waiting.
        assert!(ready_for_consensus(&elements, 3, &complete, &[("e1".into(), 3)]).is_empty());
        // A consensus in part still waits.
        assert_eq!(
            ready_for_consensus(&elements, 3, &complete, &[("e1".into(), 2)]).len(),
            1
        );
        assert!(ready_for_consensus(&elements, 0, &complete, &[]).is_empty());
    }

    #[test]
    fn a_rater_completes_an_element_by_answering_all_its_indicators() {
        let elements = [element("e1", 0, 3), element("e2", 0, 2)];
        let rated = [
            (1, "e1".to_owned(), 3),
            (2, "e1".to_owned(), 2),
            (1, "e2".to_owned(), 2),
            // Someone no longer on the roster is not counted.
            (9, "e1".to_owned(), 3),
        ];
        assert_eq!(
            complete_raters(&elements, &[1, 2], &rated),
            [("e1".to_owned(), 1), ("e2".to_owned(), 1)]
        );
    }
}
