//! TA activities (kick-off, coaching calls, site visits, webinars, planning
//! sessions, peer-mentoring sessions, SME consultations), their calendars
//! and reminders.
//!
//! This file holds the rules as plain functions: what kinds exist, what a
//! schedule must say, how a date and time on the program's clock become a
//! UTC instant (across daylight-saving changes), and how times are shown.

pub mod api;
pub mod handlers;
pub mod ics;
pub mod reminders;
pub mod service;
pub mod store;

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ActivityKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Kickoff,
    CoachingCall,
    SiteVisit,
    Webinar,
    PlanningSession,
    PeerSession,
    SmeConsultation,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Kickoff,
        Kind::CoachingCall,
        Kind::SiteVisit,
        Kind::Webinar,
        Kind::PlanningSession,
        Kind::PeerSession,
        Kind::SmeConsultation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Kickoff => "kickoff",
            Kind::CoachingCall => "coaching_call",
            Kind::SiteVisit => "site_visit",
            Kind::Webinar => "webinar",
            Kind::PlanningSession => "planning_session",
            Kind::PeerSession => "peer_session",
            Kind::SmeConsultation => "sme_consultation",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Kickoff => "Kick-off meeting",
            Kind::CoachingCall => "Coaching call",
            Kind::SiteVisit => "Site visit",
            Kind::Webinar => "Webinar",
            Kind::PlanningSession => "Planning session",
            Kind::PeerSession => "Peer-mentoring session",
            Kind::SmeConsultation => "Consultation with an expert",
        }
    }

    /// Kick-off and webinars are for the whole cohort: the administrator's.
    pub fn program_wide(self) -> bool {
        matches!(self, Kind::Kickoff | Kind::Webinar)
    }

    pub fn peer(self) -> bool {
        self == Kind::PeerSession
    }

    /// How many states the activity is for: (fewest, most). Program-wide
    /// kinds take every team when none is chosen.
    pub fn states_allowed(self) -> (usize, usize) {
        match self {
            Kind::Kickoff | Kind::Webinar => (0, usize::MAX),
            Kind::PeerSession => (2, 3),
            _ => (1, 1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ActivityStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scheduled,
    Held,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Held => "held",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Scheduled, Status::Held, Status::Cancelled]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Scheduled => "Scheduled",
            Status::Held => "Held",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// A field problem: (field, the sentence a person reads).
pub type Problems = Vec<(&'static str, String)>;

/// An activity's time as typed on the program's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    /// YYYY-MM-DD
    pub date: String,
    /// HH:MM (24-hour)
    pub start: String,
    /// HH:MM, on the last day; or empty when `duration_minutes` is given.
    pub end: String,
    pub duration_minutes: Option<i64>,
    /// Days, for site visits (1 to 3); 1 otherwise.
    pub days: i64,
}

/// The instant a date and time on the program's clock name. A time the
/// clocks skip (spring forward) is refused; a time that happens twice
/// (fall back) is the first.
pub fn to_utc_ms(date: Date, time: Time, zone: &str) -> Result<i64, String> {
    crate::program::deadline::local_deadline(date, time, zone)
        .map(|t| t.as_millisecond())
        .map_err(|e| e.to_string())
}

pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

pub fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    let (h, m) = s.split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

/// Checks a typed time and gives (starts_at, ends_at) in UTC milliseconds.
pub fn check_when(when: &When, kind: Kind, zone: &str) -> Result<(i64, i64), Problems> {
    let mut problems: Problems = Vec::new();
    let date = parse_date(&when.date);
    if date.is_none() {
        problems.push((
            "date",
            "Enter the date as year-month-day, for example 2016-10-11.".into(),
        ));
    }
    let start = parse_time(&when.start);
    if start.is_none() {
        problems.push((
            "start",
            "Enter the start time as hours and minutes, for example 14:00.".into(),
        ));
    }
    let days = if kind == Kind::SiteVisit {
        if !(1..=3).contains(&when.days) {
            problems.push(("days", "A site visit lasts one, two or three days.".into()));
        }
        when.days.clamp(1, 3)
    } else {
        1
    };
    let end = if when.end.trim().is_empty() {
        match when.duration_minutes {
            Some(m) if (1..=24 * 60).contains(&m) => None,
            Some(_) => {
                problems.push((
                    "end",
                    "The length must be between 1 minute and 24 hours.".into(),
                ));
                None
            }
            None => {
                problems.push(("end", "Enter the end time, for example 15:00.".into()));
                None
            }
        }
    } else {
        let t = parse_time(&when.end);
        if t.is_none() {
            problems.push((
                "end",
                "Enter the end time as hours and minutes, for example 15:00.".into(),
            ));
        }
        t
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let (date, start) = (date.expect("checked"), start.expect("checked"));
    let starts_at = match to_utc_ms(date, start, zone) {
        Ok(t) => t,
        Err(e) => return Err(vec![("start", format!("That start time {e}."))]),
    };
    let ends_at = match end {
        Some(end) => {
            let last = date
                .checked_add((days - 1).days())
                .map_err(|_| vec![("date", "That date is out of range.".to_owned())])?;
            match to_utc_ms(last, end, zone) {
                Ok(t) => t,
                Err(e) => return Err(vec![("end", format!("That end time {e}."))]),
            }
        }
        None => starts_at + when.duration_minutes.unwrap_or(60) * 60_000,
    };
    if ends_at <= starts_at {
        return Err(vec![("end", "The end must be after the start.".into())]);
    }
    Ok((starts_at, ends_at))
}

/// What a person asked to schedule (or change), before checking.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub kind: String,
    pub states: Vec<String>,
    pub when: When,
    pub title: String,
    pub agenda: String,
    pub place: String,
    /// The SME asked, for a consultation.
    pub expert_id: Option<i64>,
}

/// What the program offers to check a draft against.
pub struct Context<'a> {
    pub zone: &'a str,
    /// The program's teams: (code, name).
    pub teams: &'a [(String, String)],
    /// People with the subject-matter expert role: (id, name).
    pub experts: &'a [(i64, String)],
}

/// A draft that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: Kind,
    pub states: Vec<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub title: String,
    pub agenda: String,
    pub place: String,
    pub expert_id: Option<i64>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;

/// Every rule a schedule must meet; all problems at once.
pub fn check_draft(draft: &Draft, ctx: &Context) -> Result<Checked, Problems> {
    let mut problems: Problems = Vec::new();
    let Some(kind) = Kind::parse(&draft.kind) else {
        return Err(vec![(
            "kind",
            "Choose what kind of activity this is.".into(),
        )]);
    };
    // States: known teams of this program, no repeats, the right number.
    let mut states: Vec<String> = Vec::new();
    for s in &draft.states {
        let code = s.trim().to_uppercase();
        if code.is_empty() || states.contains(&code) {
            continue;
        }
        if !ctx.teams.iter().any(|(c, _)| *c == code) {
            problems.push((
                "states",
                format!("{code} is not one of this program's state teams."),
            ));
            continue;
        }
        states.push(code);
    }
    if kind.program_wide() && states.is_empty() {
        states = ctx.teams.iter().map(|(c, _)| c.clone()).collect();
    }
    let (fewest, most) = kind.states_allowed();
    if problems.is_empty() {
        if kind.program_wide() && states.is_empty() {
            problems.push(("states", "This program has no state teams yet.".into()));
        } else if kind.peer() && !(fewest..=most).contains(&states.len()) {
            problems.push((
                "states",
                "A peer-mentoring session is for two or three states.".into(),
            ));
        } else if !kind.program_wide() && !kind.peer() && states.len() != 1 {
            problems.push((
                "states",
                format!(
                    "Choose the one state this {} is for.",
                    kind.label().to_lowercase()
                ),
            ));
        }
    }
    let place = draft.place.trim().to_owned();
    if kind == Kind::SiteVisit && place.is_empty() {
        problems.push((
            "place",
            "Enter the place the state chose for the visit.".into(),
        ));
    }
    if place.chars().count() > 500 {
        problems.push(("place", "Keep the place under 500 characters.".into()));
    }
    let expert_id = if kind == Kind::SmeConsultation {
        match draft.expert_id {
            Some(id) if ctx.experts.iter().any(|(e, _)| *e == id) => Some(id),
            Some(_) => {
                problems.push((
                    "expert",
                    "That person is not a subject-matter expert.".into(),
                ));
                None
            }
            None => {
                problems.push((
                    "expert",
                    "Choose the subject-matter expert asked for this consultation.".into(),
                ));
                None
            }
        }
    } else {
        None
    };
    let times = match check_when(&draft.when, kind, ctx.zone) {
        Ok(t) => Some(t),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    let title = draft.title.trim().to_owned();
    if title.chars().count() > MAX_TITLE {
        problems.push((
            "title",
            format!("Keep the title under {MAX_TITLE} characters."),
        ));
    }
    crate::web::text::check_one_line(&mut problems, &[("title", &title), ("place", &place)]);
    if draft.agenda.chars().count() > MAX_TEXT {
        problems.push((
            "agenda",
            format!("Keep the agenda under {MAX_TEXT} characters."),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (starts_at, ends_at) = times.expect("checked");
    let names: Vec<String> = states
        .iter()
        .map(|c| {
            ctx.teams
                .iter()
                .find(|(code, _)| code == c)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect();
    let expert_name = expert_id
        .and_then(|id| ctx.experts.iter().find(|(e, _)| *e == id))
        .map(|(_, n)| n.as_str());
    let title = if title.is_empty() {
        default_title(kind, &names, expert_name, ctx.teams.len())
    } else {
        title
    };
    Ok(Checked {
        kind,
        states,
        starts_at,
        ends_at,
        title,
        agenda: draft.agenda.trim().to_owned(),
        place,
        expert_id,
    })
}

/// "Kansas and Minnesota", "Colorado, Massachusetts and Oregon".
pub fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The title when none is typed: from the kind and the states.
pub fn default_title(kind: Kind, states: &[String], expert: Option<&str>, teams: usize) -> String {
    let who = and_list(states);
    match kind {
        Kind::Kickoff => "Kick-off meeting".into(),
        Kind::Webinar if states.len() == teams => "Webinar for all states".into(),
        Kind::Webinar => format!("Webinar for {who}"),
        Kind::CoachingCall => format!("Coaching call with {who}"),
        Kind::SiteVisit => format!("Site visit to {who}"),
        Kind::PlanningSession => format!("Planning session: {who}"),
        Kind::PeerSession => format!("Peer-mentoring session: {who}"),
        Kind::SmeConsultation => match expert {
            Some(e) => format!("Consultation with {e} for {who}"),
            None => format!("Expert consultation for {who}"),
        },
    }
}

/// The program's clock in words: "Eastern time".
pub fn zone_words(zone: &str) -> String {
    let known = [
        ("America/New_York", "Eastern time"),
        ("America/Detroit", "Eastern time"),
        ("America/Chicago", "Central time"),
        ("America/Denver", "Mountain time"),
        ("America/Boise", "Mountain time"),
        ("America/Phoenix", "Arizona time (Mountain standard time)"),
        ("America/Los_Angeles", "Pacific time"),
        ("America/Anchorage", "Alaska time"),
        ("Pacific/Honolulu", "Hawaii time"),
        ("America/Puerto_Rico", "Atlantic time"),
        ("UTC", "Coordinated Universal Time (UTC)"),
    ];
    if let Some((_, words)) = known.iter().find(|(z, _)| *z == zone) {
        return (*words).to_owned();
    }
    if zone.starts_with("America/Indiana/") || zone.starts_with("America/Kentucky/") {
        return "Eastern time".into();
    }
    format!(
        "{} time",
        zone.rsplit('/').next().unwrap_or(zone).replace('_', " ")
    )
}

fn zoned(ms: i64, zone: &str) -> Option<jiff::Zoned> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    Some(Timestamp::from_millisecond(ms).ok()?.to_zoned(tz))
}

fn clock(z: &jiff::Zoned) -> String {
    let hour = z.hour() % 12;
    let hour = if hour == 0 { 12 } else { hour };
    let ampm = if z.hour() < 12 { "am" } else { "pm" };
    if z.minute() == 0 {
        format!("{hour} {ampm}")
    } else {
        format!("{hour}:{:02} {ampm}", z.minute())
    }
}

/// "Tuesday, October 11, 2016, 2 pm to 3 pm Eastern time"; over several
/// days, "Monday, November 7, 2016, 9 am to Tuesday, November 8, 2016, 4 pm
/// Eastern time".
pub fn describe_span(starts_at: i64, ends_at: i64, zone: &str) -> String {
    let (Some(s), Some(e)) = (zoned(starts_at, zone), zoned(ends_at, zone)) else {
        return crate::time::format_in_zone(starts_at, zone);
    };
    let day = |z: &jiff::Zoned| z.strftime("%A, %B %-d, %Y").to_string();
    if s.date() == e.date() {
        format!(
            "{}, {} to {} {}",
            day(&s),
            clock(&s),
            clock(&e),
            zone_words(zone)
        )
    } else {
        format!(
            "{}, {} to {}, {} {}",
            day(&s),
            clock(&s),
            day(&e),
            clock(&e),
            zone_words(zone)
        )
    }
}

/// The date, start and end (HH:MM) and days of an activity on the
/// program's clock: to fill an edit form.
pub fn when_of(starts_at: i64, ends_at: i64, zone: &str) -> When {
    let (Some(s), Some(e)) = (zoned(starts_at, zone), zoned(ends_at, zone)) else {
        return When::default();
    };
    let days = (e.date() - s.date()).get_days() as i64 + 1;
    When {
        date: s.date().to_string(),
        start: s.strftime("%H:%M").to_string(),
        end: e.strftime("%H:%M").to_string(),
        duration_minutes: None,
        days: days.max(1),
    }
}

/// The date (YYYY-MM-DD) of an instant on the program's clock.
pub fn local_date(ms: i64, zone: &str) -> String {
    zoned(ms, zone)
        .map(|z| z.date().to_string())
        .unwrap_or_default()
}

/// "October 2016": the month an activity falls in, on the program's clock.
pub fn month_of(ms: i64, zone: &str) -> String {
    zoned(ms, zone)
        .map(|z| z.strftime("%B %Y").to_string())
        .unwrap_or_default()
}

/// "2017-W05": the ISO week of an instant (UTC), for weekly notes.
pub fn iso_week(ms: i64) -> String {
    let Ok(t) = Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
    let w = d.iso_week_date();
    format!("{}-W{:02}", w.year(), w.week())
}

/// A due date as people read it: "March 3, 2017".
pub fn describe_date(ymd: &str) -> String {
    match parse_date(ymd) {
        Some(d) => d.strftime("%B %-d, %Y").to_string(),
        None => ymd.to_owned(),
    }
}

/// Is the due date (YYYY-MM-DD) before today on the program's clock?
pub fn overdue(due_on: &str, now_ms: i64, zone: &str) -> bool {
    let today = local_date(now_ms, zone);
    !today.is_empty() && due_on < today.as_str()
}

/// An action item as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemDraft {
    pub text: String,
    pub owner_id: Option<i64>,
    pub due_on: String,
    pub state: String,
}

/// Checks an action item: its state is one of the activity's, its owner
/// one of that state's people (`owners`: (user id, state code or "" for
/// anyone)).
pub fn check_item(
    item: &ItemDraft,
    states: &[String],
    owners: &[(i64, String)],
) -> Result<(String, i64, String, Option<String>), Problems> {
    let mut problems: Problems = Vec::new();
    let text = item.text.trim().to_owned();
    if text.is_empty() {
        problems.push(("item_text", "Say what is to be done.".into()));
    } else if text.chars().count() > 1000 {
        problems.push(("item_text", "Keep it under 1,000 characters.".into()));
    }
    let state = item.state.trim().to_uppercase();
    let state = if state.is_empty() {
        if states.len() == 1 {
            Some(states[0].clone())
        } else {
            problems.push((
                "item_state",
                "Choose the state this action item is for.".into(),
            ));
            None
        }
    } else if states.contains(&state) {
        Some(state)
    } else {
        problems.push(("item_state", "Choose one of the activity's states.".into()));
        None
    };
    let owner = match item.owner_id {
        None => {
            problems.push(("item_owner", "Choose who will do it.".into()));
            None
        }
        Some(id) => {
            let fits = owners
                .iter()
                .any(|(o, s)| *o == id && (s.is_empty() || state.as_deref() == Some(s.as_str())));
            if !fits {
                problems.push((
                    "item_owner",
                    "Choose someone on that state's team, or its coach.".into(),
                ));
            }
            Some(id)
        }
    };
    let due = item.due_on.trim().to_owned();
    if parse_date(&due).is_none() {
        problems.push((
            "item_due",
            "Enter the due date as year-month-day, for example 2017-03-01.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((text, owner.expect("checked"), due, state))
}

/// Should an activity be in this person's calendar feed? Their own
/// (invited or organizing), their states' (team or coach); for an
/// administrator, the ones they organize and the program-wide ones.
pub fn in_feed(
    user: &CurrentUser,
    program_id: i64,
    kind: Kind,
    states: &[String],
    involved: bool,
) -> bool {
    if involved {
        return true;
    }
    if user.has_role(Role::Admin) && kind.program_wide() {
        return true;
    }
    let user = user.within_cohort();
    states.iter().any(|s| {
        user.grants.iter().any(|g| {
            g.program_id == Some(program_id)
                && g.state_code.as_deref() == Some(s.as_str())
                && matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    const NY: &str = "America/New_York";

    fn teams() -> Vec<(String, String)> {
        [
            ("CO", "Colorado"),
            ("KS", "Kansas"),
            ("MA", "Massachusetts"),
            ("MN", "Minnesota"),
            ("OR", "Oregon"),
        ]
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect()
    }

    fn experts() -> Vec<(i64, String)> {
        vec![(7, "Priya Natarajan".into())]
    }

    fn draft(kind: &str, states: &[&str]) -> Draft {
        Draft {
            kind: kind.into(),
            states: states.iter().map(|s| s.to_string()).collect(),
            when: When {
                date: "2016-10-11".into(),
                start: "14:00".into(),
                end: "15:00".into(),
                duration_minutes: None,
                days: 1,
            },
            ..Draft::default()
        }
    }

    fn check(d: &Draft) -> Result<Checked, Problems> {
        let t = teams();
        let e = experts();
        check_draft(
            d,
            &Context {
                zone: NY,
                teams: &t,
                experts: &e,
            },
        )
    }

    fn fields(r: Result<Checked, Problems>) -> Vec<&'static str> {
        r.unwrap_err().into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_coaching_call_in_october_is_on_eastern_daylight_time() {
        let c = check(&draft("coaching_call", &["co"])).unwrap();
        assert_eq!(c.kind, Kind::CoachingCall);
        assert_eq!(c.states, vec!["CO"]);
        assert_eq!(
            Timestamp::from_millisecond(c.starts_at)
                .unwrap()
                .to_string(),
            "2016-10-11T18:00:00Z"
        );
        assert_eq!(c.ends_at - c.starts_at, 3_600_000);
        assert_eq!(c.title, "Coaching call with Colorado");
        assert_eq!(
            describe_span(c.starts_at, c.ends_at, NY),
            "Tuesday, October 11, 2016, 2 pm to 3 pm Eastern time"
        );
    }

    #[test]
    fn winter_times_are_standard_time_and_a_duration_works() {
        let mut d = draft("planning_session", &["KS"]);
        d.when.date = "2017-01-10".into();
        d.when.end = String::new();
        d.when.duration_minutes = Some(90);
        let c = check(&d).unwrap();
        assert_eq!(
            Timestamp::from_millisecond(c.starts_at)
                .unwrap()
                .to_string(),
            "2017-01-10T19:00:00Z"
        );
        assert_eq!(c.ends_at - c.starts_at, 90 * 60_000);
    }

    #[test]
    fn a_site_visit_across_the_fall_change_lasts_one_hour_more() {
        // November 5 to 7, 2016: the clocks went back on the 6th.
        let mut d = draft("site_visit", &["CO"]);
        d.place = "Pikes Peak Community College, Colorado Springs".into();
        d.when = When {
            date: "2016-11-05".into(),
            start: "09:00".into(),
            end: "16:00".into(),
            duration_minutes: None,
            days: 3,
        };
        let c = check(&d).unwrap();
        assert_eq!(
            Timestamp::from_millisecond(c.starts_at)
                .unwrap()
                .to_string(),
            "2016-11-05T13:00:00Z"
        );
        assert_eq!(
            Timestamp::from_millisecond(c.ends_at).unwrap().to_string(),
            "2016-11-07T21:00:00Z"
        );
        assert_eq!(c.ends_at - c.starts_at, (2 * 24 + 7 + 1) * 3_600_000);
        assert_eq!(when_of(c.starts_at, c.ends_at, NY), d.when);
        assert!(
            describe_span(c.starts_at, c.ends_at, NY)
                .contains("to Monday, November 7, 2016, 4 pm Eastern time")
        );
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused() {
        let mut d = draft("coaching_call", &["CO"]);
        d.when.date = "2017-03-12".into();
        d.when.start = "02:30".into();
        d.when.end = "03:30".into();
        assert_eq!(fields(check(&d)), vec!["start"]);
    }

    #[test]
    fn the_end_must_come_after_the_start() {
        let mut d = draft("coaching_call", &["CO"]);
        d.when.end = "13:00".into();
        assert_eq!(fields(check(&d)), vec!["end"]);
        d.when.end = "14:00".into();
        assert_eq!(fields(check(&d)), vec!["end"]);
        d.when.end = "nonsense".into();
        d.when.date = "2016-13-01".into();
        assert_eq!(fields(check(&d)), vec!["date", "end"]);
    }

    #[test]
    fn a_site_visit_needs_its_place_and_one_to_three_days() {
        let mut d = draft("site_visit", &["CO"]);
        d.when.days = 4;
        assert_eq!(fields(check(&d)), vec!["place", "days"]);
        d.when.days = 0;
        d.place = "Denver".into();
        assert_eq!(fields(check(&d)), vec!["days"]);
        d.when.days = 2;
        assert_eq!(check(&d).unwrap().title, "Site visit to Colorado");
    }

    #[test]
    fn a_peer_session_is_for_two_or_three_states() {
        assert_eq!(
            fields(check(&draft("peer_session", &["KS"]))),
            vec!["states"]
        );
        assert_eq!(
            fields(check(&draft("peer_session", &["KS", "MN", "CO", "MA"]))),
            vec!["states"]
        );
        let c = check(&draft("peer_session", &["KS", "MN"])).unwrap();
        assert_eq!(c.title, "Peer-mentoring session: Kansas and Minnesota");
        let c = check(&draft("peer_session", &["CO", "MA", "OR"])).unwrap();
        assert_eq!(
            c.title,
            "Peer-mentoring session: Colorado, Massachusetts and Oregon"
        );
        // A repeat is not a second state.
        assert_eq!(
            fields(check(&draft("peer_session", &["KS", "ks"]))),
            vec!["states"]
        );
    }

    #[test]
    fn a_consultation_names_a_subject_matter_expert() {
        assert_eq!(
            fields(check(&draft("sme_consultation", &["CO"]))),
            vec!["expert"]
        );
        let mut d = draft("sme_consultation", &["CO"]);
        d.expert_id = Some(99);
        assert_eq!(fields(check(&d)), vec!["expert"]);
        d.expert_id = Some(7);
        let c = check(&d).unwrap();
        assert_eq!(c.expert_id, Some(7));
        assert_eq!(c.title, "Consultation with Priya Natarajan for Colorado");
    }

    #[test]
    fn states_must_be_the_programs_teams_and_program_wide_kinds_take_them_all() {
        assert_eq!(
            fields(check(&draft("coaching_call", &["WY"]))),
            vec!["states"]
        );
        assert_eq!(fields(check(&draft("coaching_call", &[]))), vec!["states"]);
        assert_eq!(
            fields(check(&draft("coaching_call", &["CO", "KS"]))),
            vec!["states"]
        );
        let k = check(&draft("kickoff", &[])).unwrap();
        assert_eq!(k.states.len(), 5);
        assert_eq!(k.title, "Kick-off meeting");
        let w = check(&draft("webinar", &["KS", "MN"])).unwrap();
        assert_eq!(w.title, "Webinar for Kansas and Minnesota");
        assert_eq!(
            check(&draft("webinar", &[])).unwrap().title,
            "Webinar for all states"
        );
        assert_eq!(fields(check(&draft("party", &["CO"]))), vec!["kind"]);
    }

    #[test]
    fn a_typed_title_is_kept() {
        let mut d = draft("coaching_call", &["CO"]);
        d.title = "  Follow-up on the data agreement ".into();
        assert_eq!(check(&d).unwrap().title, "Follow-up on the data agreement");
        d.title = "x".repeat(MAX_TITLE + 1);
        assert_eq!(fields(check(&d)), vec!["title"]);
    }

    #[test]
    fn zones_in_words() {
        assert_eq!(zone_words(NY), "Eastern time");
        assert_eq!(zone_words("America/Chicago"), "Central time");
        assert_eq!(zone_words("America/Los_Angeles"), "Pacific time");
        assert_eq!(zone_words("America/Indiana/Indianapolis"), "Eastern time");
        assert_eq!(zone_words("Europe/Paris"), "Paris time");
    }

    #[test]
    fn weeks_months_and_overdue_dates() {
        // Thursday, February 2, 2017, noon UTC.
        let t = 1_486_036_800_000;
        assert_eq!(iso_week(t), "2017-W05");
        // January 1, 2017 belongs to the last ISO week of 2016.
        assert_eq!(iso_week(1_483_272_000_000), "2016-W52");
        assert_eq!(month_of(t, NY), "February 2017");
        assert!(overdue("2017-02-01", t, NY));
        assert!(!overdue("2017-02-02", t, NY));
        // 1 am UTC on February 2 is still February 1 in New York.
        let early = t - 11 * 3_600_000;
        assert!(!overdue("2017-02-01", early, NY));
        assert_eq!(describe_date("2017-03-01"), "March 1, 2017");
    }

    #[test]
    fn action_items_need_text_owner_due_date_and_a_state_of_the_activity() {
        let states = vec!["KS".to_owned(), "MN".to_owned()];
        let owners = vec![
            (1, "KS".to_owned()),
            (2, "MN".to_owned()),
            (3, String::new()),
        ];
        let ok = ItemDraft {
            text: "Send the data-sharing agreement".into(),
            owner_id: Some(1),
            due_on: "2017-03-01".into(),
            state: "ks".into(),
        };
        assert_eq!(
            check_item(&ok, &states, &owners).unwrap(),
            (
                "Send the data-sharing agreement".into(),
                1,
                "2017-03-01".into(),
                Some("KS".into())
            )
        );
        let wrong_state_owner = ItemDraft {
            owner_id: Some(2),
            ..ok.clone()
        };
        let e: Vec<_> = check_item(&wrong_state_owner, &states, &owners)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(e, vec!["item_owner"]);
        assert!(
            check_item(
                &ItemDraft {
                    owner_id: Some(3),
                    ..ok.clone()
                },
                &states,
                &owners
            )
            .is_ok()
        );
        let empty = ItemDraft::default();
        let e: Vec<_> = check_item(&empty, &states, &owners)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(e, vec!["item_text", "item_state", "item_owner", "item_due"]);
        // One state: it is the item's.
        let one = vec!["CO".to_owned()];
        let r = check_item(
            &ItemDraft {
                state: String::new(),
                owner_id: Some(3),
                ..ok
            },
            &one,
            &owners,
        )
        .unwrap();
        assert_eq!(r.3, Some("CO".into()));
    }

    #[test]
    fn the_feed_holds_ones_own_states_and_for_admins_the_program_wide() {
        let g = |role, state: Option<&str>| Grant {
            role,
            program_id: state.map(|_| 1),
            state_code: state.map(Into::into),
        };
        let user = |grants| CurrentUser {
            id: 1,
            email: "a@b".into(),
            name: "A".into(),
            grants,
            outside_cohort: vec![],
        };
        let co = vec!["CO".to_owned()];
        let member = user(vec![g(Role::StateMember, Some("CO"))]);
        assert!(in_feed(&member, 1, Kind::CoachingCall, &co, false));
        assert!(!in_feed(&member, 2, Kind::CoachingCall, &co, false));
        assert!(!in_feed(
            &member,
            1,
            Kind::CoachingCall,
            &["KS".to_owned()],
            false
        ));
        let admin = user(vec![g(Role::Admin, None)]);
        assert!(in_feed(&admin, 1, Kind::Webinar, &co, false));
        assert!(!in_feed(&admin, 1, Kind::CoachingCall, &co, false));
        assert!(in_feed(&admin, 1, Kind::CoachingCall, &co, true));
        let sme = user(vec![g(Role::Sme, None)]);
        assert!(!in_feed(&sme, 1, Kind::SmeConsultation, &co, false));
        assert!(in_feed(&sme, 1, Kind::SmeConsultation, &co, true));
    }
}
