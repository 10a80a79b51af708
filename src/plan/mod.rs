//! Each state's action plan: goals tied to the assessment's priorities,
//! steps, milestones and dated progress updates with evidence.
//!
//! This file holds the plan's rules as plain functions: step statuses,
//! dates on the program's clock, what is overdue, the share of steps done,
//! the months of the timeline, and the check of evidence files.

pub mod api;
pub mod edit;
pub mod evidence;
pub mod export;
pub mod handlers;
pub mod service;
pub mod store;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    NotStarted,
    InProgress,
    Done,
    Blocked,
}

impl StepStatus {
    pub const ALL: [StepStatus; 4] = [
        StepStatus::NotStarted,
        StepStatus::InProgress,
        StepStatus::Done,
        StepStatus::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::NotStarted => "not_started",
            StepStatus::InProgress => "in_progress",
            StepStatus::Done => "done",
            StepStatus::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<StepStatus> {
        StepStatus::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            StepStatus::NotStarted => "Not started",
            StepStatus::InProgress => "In progress",
            StepStatus::Done => "Done",
            StepStatus::Blocked => "Blocked",
        }
    }
}

/// A calendar date as typed ("2017-03-15"), or the sentence to show.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Enter a date, for example 2017-03-15.".into());
    }
    match t.parse::<Date>() {
        Ok(d) if t.len() == 10 && (2000..=2100).contains(&d.year()) => Ok(d),
        _ => Err(format!(
            "\"{t}\" is not a date we can read. Enter it as year-month-day, for example 2017-03-15."
        )),
    }
}

/// Today on the program's clock (its time zone), at the instant `now_ms`.
/// An unknown zone counts as UTC.
pub fn today(time_zone: &str, now_ms: i64) -> Date {
    let ts = jiff::Timestamp::from_millisecond(now_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned(tz).date()
}

/// A step is overdue when it is not done and its due date is before today
/// (a step due today is not overdue yet).
pub fn is_overdue(due_on: &str, status: StepStatus, today: Date) -> bool {
    if status == StepStatus::Done {
        return false;
    }
    match due_on.parse::<Date>() {
        Ok(due) => due < today,
        Err(_) => false,
    }
}

/// The date a step was done, after a change of status: today when it
/// becomes done, kept when it stays done, cleared when it is reopened.
pub fn done_on_after(
    before: StepStatus,
    after: StepStatus,
    done_on: Option<&str>,
    today: Date,
) -> Option<String> {
    match (before, after) {
        (_, s) if s != StepStatus::Done => None,
        (StepStatus::Done, StepStatus::Done) => Some(
            done_on
                .map(str::to_owned)
                .unwrap_or_else(|| today.to_string()),
        ),
        _ => Some(today.to_string()),
    }
}

/// Steps done and overdue, of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub steps: usize,
    pub done: usize,
    pub overdue: usize,
    /// Done as a whole percentage of all steps (0 when there are none).
    pub percent_done: u8,
}

impl Progress {
    /// The numbers in words, for the progress bar's text.
    pub fn words(&self) -> String {
        if self.steps == 0 {
            return "No steps yet".into();
        }
        let overdue = match self.overdue {
            0 => "none overdue".to_owned(),
            1 => "1 overdue".to_owned(),
            n => format!("{n} overdue"),
        };
        format!(
            "{} of {} {} done ({}%), {overdue}",
            self.done,
            self.steps,
            if self.steps == 1 { "step" } else { "steps" },
            self.percent_done
        )
    }

    pub fn plus(self, other: Progress) -> Progress {
        let steps = self.steps + other.steps;
        let done = self.done + other.done;
        Progress {
            steps,
            done,
            overdue: self.overdue + other.overdue,
            percent_done: percent(done, steps),
        }
    }
}

fn percent(part: usize, whole: usize) -> u8 {
    // Rounded down, so 100% means every step is done.
    (part * 100).checked_div(whole).unwrap_or(0) as u8
}

/// Progress of a set of steps, each (due date, status), on `today`.
pub fn progress<'a>(
    steps: impl IntoIterator<Item = (&'a str, StepStatus)>,
    today: Date,
) -> Progress {
    let mut p = Progress::default();
    for (due, status) in steps {
        p.steps += 1;
        if status == StepStatus::Done {
            p.done += 1;
        }
        if is_overdue(due, status, today) {
            p.overdue += 1;
        }
    }
    p.percent_done = percent(p.done, p.steps);
    p
}

/// The whole plan's progress from its goals'.
pub fn overall(goals: &[Progress]) -> Progress {
    goals.iter().fold(Progress::default(), |a, b| a.plus(*b))
}

/// A month of the timeline: (year, month 1-12).
pub type Month = (i16, i8);

pub fn month_of(date: &str) -> Option<Month> {
    let d = date.parse::<Date>().ok()?;
    Some((d.year(), d.month()))
}

/// "November 2016".
pub fn month_label((year, month): Month) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {year}", NAMES[(month.clamp(1, 12) - 1) as usize])
}

/// Every month from `first` to `last`, both included, in order.
pub fn months_between(first: Month, last: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last && out.len() < 240 {
        out.push((y, m));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// The months a timeline covers: the program year (`year` from its
/// `start`) widened to hold every dated item.
pub fn timeline_months(program_year: (Month, Month), dates: &[&str]) -> Vec<Month> {
    let mut first = program_year.0;
    let mut last = program_year.1;
    for m in dates.iter().filter_map(|d| month_of(d)) {
        first = first.min(m);
        last = last.max(m);
    }
    months_between(first, last)
}

/// "March 15, 2017".
pub fn long_date(date: &str) -> String {
    match date.parse::<Date>() {
        Ok(d) => d.strftime("%B %-d, %Y").to_string(),
        Err(_) => date.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn statuses_round_trip() {
        for s in StepStatus::ALL {
            assert_eq!(StepStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(StepStatus::parse("finished"), None);
        assert_eq!(StepStatus::Blocked.label(), "Blocked");
    }

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(parse_date("2017-03-15"), Ok(date(2017, 3, 15)));
        assert_eq!(parse_date(" 2017-03-15 "), Ok(date(2017, 3, 15)));
        assert!(parse_date("").unwrap_err().contains("Enter a date"));
        assert!(parse_date("2017-02-30").unwrap_err().contains("not a date"));
        assert!(parse_date("15/03/2017").is_err());
        assert!(parse_date("1817-03-15").is_err());
    }

    #[test]
    fn a_step_due_today_is_not_overdue_and_one_due_yesterday_is() {
        let today = date(2017, 3, 15);
        assert!(!is_overdue("2017-03-15", StepStatus::InProgress, today));
        assert!(is_overdue("2017-03-14", StepStatus::InProgress, today));
        assert!(is_overdue("2017-03-14", StepStatus::Blocked, today));
        assert!(is_overdue("2017-03-14", StepStatus::NotStarted, today));
        assert!(!is_overdue("2017-03-14", StepStatus::Done, today));
        assert!(!is_overdue("2017-03-16", StepStatus::NotStarted, today));
        assert!(!is_overdue("not a date", StepStatus::NotStarted, today));
    }

    #[test]
    fn today_is_on_the_programs_clock() {
        // 2017-03-01 03:00 UTC is still February 28 in New York (EST, UTC-5).
        let ms = jiff::Timestamp::from_second(1_488_337_200)
            .unwrap()
            .as_millisecond();
        assert_eq!(today("UTC", ms), date(2017, 3, 1));
        let ny = today("America/New_York", ms);
        assert_eq!(ny, date(2017, 2, 28));
        // So a step due February 28 is not overdue in New York yet...
        assert!(!is_overdue("2017-02-28", StepStatus::NotStarted, ny));
        // ...though it would be on a UTC clock.
        assert!(is_overdue(
            "2017-02-28",
            StepStatus::NotStarted,
            today("UTC", ms)
        ));
        // Five hours later it is March 1 in New York too.
        let later = ms + 5 * 3_600_000;
        assert!(is_overdue(
            "2017-02-28",
            StepStatus::NotStarted,
            today("America/New_York", later)
        ));
        assert_eq!(today("Nowhere/Else", ms), date(2017, 3, 1));
    }

    #[test]
    fn done_on_follows_the_status() {
        let today = date(2017, 4, 2);
        use StepStatus::*;
        assert_eq!(
            done_on_after(InProgress, Done, None, today).as_deref(),
            Some("2017-04-02")
        );
        assert_eq!(
            done_on_after(Done, Done, Some("2017-01-09"), today).as_deref(),
            Some("2017-01-09")
        );
        assert_eq!(
            done_on_after(Done, InProgress, Some("2017-01-09"), today),
            None
        );
        assert_eq!(done_on_after(NotStarted, Blocked, None, today), None);
    }

    #[test]
    fn progress_counts_done_and_overdue() {
        let today = date(2017, 3, 15);
        let p = progress(
            [
                ("2017-01-10", StepStatus::Done),
                ("2017-02-10", StepStatus::InProgress),
                ("2017-03-15", StepStatus::NotStarted),
                ("2017-03-14", StepStatus::Blocked),
                ("2017-06-01", StepStatus::NotStarted),
            ],
            today,
        );
        assert_eq!(
            p,
            Progress {
                steps: 5,
                done: 1,
                overdue: 2,
                percent_done: 20
            }
        );
        assert_eq!(p.words(), "1 of 5 steps done (20%), 2 overdue");
        let none = progress([], today);
        assert_eq!(none.percent_done, 0);
        assert_eq!(none.words(), "No steps yet");
        let one = progress([("2017-01-01", StepStatus::Done)], today);
        assert_eq!(one.words(), "1 of 1 step done (100%), none overdue");
        // Two of three is 66%, not 67%: 100% only when all are done.
        let two = progress(
            [
                ("2017-01-01", StepStatus::Done),
                ("2017-01-01", StepStatus::Done),
                ("2017-09-01", StepStatus::InProgress),
            ],
            today,
        );
        assert_eq!(two.percent_done, 66);
        let all = overall(&[p, one, two]);
        assert_eq!(
            (all.steps, all.done, all.overdue, all.percent_done),
            (9, 4, 2, 44)
        );
        assert_eq!(all.words(), "4 of 9 steps done (44%), 2 overdue");
    }

    #[test]
    fn the_timeline_covers_the_program_year_and_every_item() {
        let year = ((2016, 10), (2017, 9));
        let m = timeline_months(year, &["2017-03-01", "bad"]);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], (2016, 10));
        assert_eq!(m[3], (2017, 1));
        assert_eq!(m[11], (2017, 9));
        let wider = timeline_months(year, &["2016-08-31", "2017-11-01"]);
        assert_eq!(wider.first(), Some(&(2016, 8)));
        assert_eq!(wider.last(), Some(&(2017, 11)));
        assert_eq!(wider.len(), 16);
        assert_eq!(month_label((2016, 11)), "November 2016");
        assert_eq!(month_of("2017-02-28"), Some((2017, 2)));
        assert_eq!(long_date("2017-03-05"), "March 5, 2017");
    }
}
