//! Participation: each state's commitments (monthly coaching calls, two
//! site visits, quarterly webinars, monthly planning time, peer mentoring)
//! counted against the activities that were held, month by month over the
//! program's TA period, on the program's clock.
//!
//! Each (state, month, commitment) is on track, due (the month or period
//! is not met yet but still open), missed (a closed month or period not
//! met) or upcoming (in the future):
//! - monthly commitments are judged month by month;
//! - quarterly ones by quarter of the commitment's period (three months
//!   from its first month); every month of a met quarter is on track;
//! - a number of times in the year (site visits) against a steady pace:
//!   behind pace while the period is open is due, the period closed short
//!   is missed;
//! - ongoing ones (peer mentoring): on track with a session in the last
//!   three months (the first three months of the period are judged
//!   together, so a state has three months to arrange its first session).
//!
//! Everything in this file is a plain function on plain types; "today" is
//! a parameter.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::program::template::{Cadence, Commitment, Milestone};

/// A month of the calendar, on the program's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i16,
    /// 1 to 12.
    pub month: i8,
}

impl YearMonth {
    pub fn new(year: i16, month: i8) -> YearMonth {
        YearMonth { year, month }
    }

    pub fn of(d: Date) -> YearMonth {
        YearMonth::new(d.year(), d.month())
    }

    fn index(self) -> i32 {
        self.year as i32 * 12 + (self.month as i32 - 1)
    }

    fn from_index(i: i32) -> YearMonth {
        YearMonth::new(i.div_euclid(12) as i16, (i.rem_euclid(12) + 1) as i8)
    }

    pub fn plus(self, months: i32) -> YearMonth {
        YearMonth::from_index(self.index() + months)
    }

    /// Months from `self` to `other` (negative when `other` is earlier).
    pub fn until(self, other: YearMonth) -> i32 {
        other.index() - self.index()
    }

    /// `2016-10`.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `October 2016`.
    pub fn label(self) -> String {
        Date::new(self.year, self.month, 1)
            .map(|d| d.strftime("%B %Y").to_string())
            .unwrap_or_else(|_| self.key())
    }

    /// `Oct 2016`.
    pub fn short(self) -> String {
        Date::new(self.year, self.month, 1)
            .map(|d| d.strftime("%b %Y").to_string())
            .unwrap_or_else(|_| self.key())
    }

    /// Every month from `from` to `to`, both included.
    pub fn range(from: YearMonth, to: YearMonth) -> Vec<YearMonth> {
        (from.index()..=to.index())
            .map(YearMonth::from_index)
            .collect()
    }
}

/// How a (state, month, commitment) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = ParticipationStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Met.
    OnTrack,
    /// In the future.
    Upcoming,
    /// Not met yet, still open.
    Due,
    /// Closed and not met.
    Missed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::OnTrack,
        Status::Due,
        Status::Missed,
        Status::Upcoming,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On track",
            Status::Due => "Due",
            Status::Missed => "Missed",
            Status::Upcoming => "Upcoming",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Status::OnTrack => "every commitment of the month is met",
            Status::Due => {
                "something is still to be done this month or in the quarter or period still open"
            }
            Status::Missed => "a month or period has closed with a commitment not met",
            Status::Upcoming => "the month has not come yet",
        }
    }

    /// The CSS class of a participation cell in this status (a stripe in
    /// the status's colour, `assets/waymark/site.css`; the icon and the
    /// word always go with it).
    pub fn class(self) -> &'static str {
        match self {
            Status::OnTrack => "waymark-pcell waymark-pcell--on-track",
            Status::Due => "waymark-pcell waymark-pcell--due",
            Status::Missed => "waymark-pcell waymark-pcell--missed",
            Status::Upcoming => "waymark-pcell waymark-pcell--upcoming",
        }
    }
}

/// The kinds of activity that count, and the commitment each counts for.
pub const KIND_TO_COMMITMENT: &[(&str, &str)] = &[
    ("coaching_call", "coaching_call"),
    ("site_visit", "site_visit"),
    ("webinar", "webinar"),
    ("planning_session", "planning_time"),
    ("peer_session", "peer_mentoring"),
];

/// The commitment an activity of this kind counts for, if any.
pub fn commitment_of(kind: &str) -> Option<&'static str> {
    KIND_TO_COMMITMENT
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| *c)
}

/// The timeline milestone whose period a commitment follows.
fn milestone_of(commitment: &str) -> &'static str {
    match commitment {
        "site_visit" => "site_visits",
        "webinar" => "webinars",
        "peer_mentoring" => "peer_mentoring",
        _ => "coaching_calls",
    }
}

/// (one, several) words for what is counted.
pub fn nouns(commitment: &str) -> (&'static str, &'static str) {
    match commitment {
        "coaching_call" => ("coaching call", "coaching calls"),
        "site_visit" => ("site visit", "site visits"),
        "webinar" => ("webinar", "webinars"),
        "planning_time" => ("planning session", "planning sessions"),
        "peer_mentoring" => ("peer session", "peer sessions"),
        _ => ("activity", "activities"),
    }
}

/// "1 coaching call", "3 coaching calls".
pub fn count_of(commitment: &str, n: u32) -> String {
    let (one, many) = nouns(commitment);
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The program's TA period: the months of the "coaching_calls" milestone;
/// else from the first to the last month of the timeline's periods; else
/// October of the start year to August of the next (the seed's year).
pub fn ta_period(timeline: &[Milestone], start_year: i16) -> (YearMonth, YearMonth) {
    let period = |m: &Milestone| {
        (
            YearMonth::of(m.starts),
            YearMonth::of(m.ends.unwrap_or(m.starts)),
        )
    };
    if let Some(m) = timeline.iter().find(|m| m.key == "coaching_calls") {
        let (a, b) = period(m);
        return (a, b.max(a));
    }
    let spans: Vec<(YearMonth, YearMonth)> = timeline
        .iter()
        .filter(|m| m.ends.is_some())
        .map(period)
        .collect();
    if let (Some(a), Some(b)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) {
        return (a, b.max(a));
    }
    (
        YearMonth::new(start_year, 10),
        YearMonth::new(start_year + 1, 8),
    )
}

/// Where a program's year stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearStage {
    /// The year has not begun: only what is coming is shown, nothing missed.
    NotStarted,
    /// Under way: judged as of today.
    UnderWay,
    /// Over: judged as of its last day, a record of what happened.
    Ended,
}

/// The stage of a year running `first..=last` on `today`, and the day the
/// program is judged on: today while it runs or before it starts, its last
/// day once it has ended.
pub fn judged_on(today: Date, first: Date, last: Date) -> (YearStage, Date) {
    if today < first {
        (YearStage::NotStarted, today)
    } else if today > last {
        (YearStage::Ended, last)
    } else {
        (YearStage::UnderWay, today)
    }
}

/// The first and last day of a TA period given by its months.
pub fn period_days((first, last): (YearMonth, YearMonth)) -> (Date, Date) {
    let first_day = Date::new(first.year, first.month, 1).unwrap_or_default();
    let last_day = Date::new(last.year, last.month, 1)
        .map(|d| d.last_of_month())
        .unwrap_or_default();
    (first_day, last_day)
}

/// A commitment that activities count for, with its period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Tracked {
    /// coaching_call, site_visit, webinar, planning_time or peer_mentoring.
    pub key: String,
    /// As the program words it ("Monthly coaching calls").
    pub label: String,
    pub cadence: Cadence,
    /// First month of its period, `2016-10`.
    pub from: String,
    /// Last month of its period.
    pub to: String,
    #[serde(skip)]
    pub window: (YearMonth, YearMonth),
}

impl Tracked {
    /// How many the period asks for: monthly, a month; quarterly, a
    /// quarter; a number of times; none for ongoing.
    pub fn expected(&self) -> Option<u32> {
        let months = self.window.0.until(self.window.1) + 1;
        match self.cadence {
            Cadence::Monthly => Some(months as u32),
            Cadence::Quarterly => Some(((months + 2) / 3) as u32),
            Cadence::Times(n) => Some(n as u32),
            Cadence::Once => Some(1),
            Cadence::Ongoing => None,
        }
    }
}

/// The commitments activities count for, each with its period: the
/// milestone it follows, clipped to the TA period, or the TA period.
pub fn tracked(
    commitments: &[Commitment],
    timeline: &[Milestone],
    period: (YearMonth, YearMonth),
) -> Vec<Tracked> {
    commitments
        .iter()
        .filter(|c| KIND_TO_COMMITMENT.iter().any(|(_, k)| *k == c.key))
        .filter(|c| c.cadence != Cadence::Once)
        .map(|c| {
            let own = timeline
                .iter()
                .find(|m| m.key == milestone_of(&c.key))
                .map(|m| {
                    (
                        YearMonth::of(m.starts),
                        YearMonth::of(m.ends.unwrap_or(m.starts)),
                    )
                });
            let window = match own {
                Some((a, b)) => {
                    let a = a.max(period.0).min(period.1);
                    let b = b.min(period.1).max(a);
                    (a, b)
                }
                None => period,
            };
            Tracked {
                key: c.key.clone(),
                label: c.label.clone(),
                cadence: c.cadence,
                from: window.0.key(),
                to: window.1.key(),
                window,
            }
        })
        .collect()
}

/// An activity row as stored: what it was, when, its status, and for one
/// of its states whether that state attended (none until recorded).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActivityRow {
    pub kind: String,
    pub starts_at: i64,
    pub status: String,
    pub state_code: String,
    pub attended: Option<i64>,
}

/// The date on the program's clock of an instant (Unix milliseconds).
pub fn local_date(ms: i64, zone: &jiff::tz::TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date()
}

/// One activity that counts for a state: the commitment and the date.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub state_code: String,
    pub commitment: &'static str,
    pub on: Date,
}

/// The activities that count: held (not scheduled, not cancelled), of a
/// kind that counts, which the state did not miss (attendance not
/// recorded as 0), held by `today`; dated on the program's clock.
pub fn counted(rows: &[ActivityRow], zone: &jiff::tz::TimeZone, today: Date) -> Vec<Counted> {
    rows.iter()
        .filter(|r| r.status == "held" && r.attended != Some(0))
        .filter_map(|r| {
            let commitment = commitment_of(&r.kind)?;
            let on = local_date(r.starts_at, zone);
            (on <= today).then(|| Counted {
                state_code: r.state_code.clone(),
                commitment,
                on,
            })
        })
        .collect()
}

/// One commitment in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CommitmentMonth {
    pub key: String,
    /// Held that month (and counted).
    pub held: u32,
    /// None outside the commitment's period.
    pub status: Option<Status>,
}

/// One state in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthCell {
    /// `2016-10`.
    pub month: String,
    /// The worst of the commitments' statuses (missed, then due, then
    /// upcoming, then on track); none when no commitment's period covers the month.
    pub status: Option<Status>,
    pub commitments: Vec<CommitmentMonth>,
    /// What was held, in words ("1 coaching call, 1 planning session"), or "nothing held".
    pub held_text: String,
    /// What is due or missed, in words ("a webinar"); empty when nothing is.
    pub lacking_text: String,
}

/// A state's count for one commitment over the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Total {
    pub key: String,
    pub held: u32,
    /// Months, quarters or times asked for over the period; none for ongoing.
    pub expected: Option<u32>,
    /// Months, quarters or times missed so far (for a number of times in
    /// the year: how many short once the period closed).
    pub missed: u32,
    /// "coaching calls held: 4 of 11".
    pub text: String,
}

/// A state's participation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StateParticipation {
    pub state_code: String,
    pub state_name: String,
    pub months: Vec<MonthCell>,
    pub totals: Vec<Total>,
    /// The status of the current month; none outside the TA period.
    pub this_month: Option<Status>,
    /// What was missed so far, in words ("2 coaching calls missed").
    pub missed: Vec<String>,
    /// Commitments behind pace while still open, in words.
    pub behind: Vec<String>,
}

impl StateParticipation {
    /// "coaching calls held: 4 of 11; site visits: 1 of 2; ..."
    pub fn totals_line(&self) -> String {
        self.totals
            .iter()
            .map(|t| t.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Every state's participation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Participation {
    /// The day the statuses are judged on, on the program's clock.
    pub today: String,
    /// The year's last day in words, once the year has ended (it is then
    /// judged as of that day).
    pub year_ended: Option<String>,
    /// The TA period's months, `2016-10`.
    pub months: Vec<String>,
    /// The same months in words, `Oct 2016`.
    pub month_labels: Vec<String>,
    pub commitments: Vec<Tracked>,
    pub states: Vec<StateParticipation>,
}

/// Whether a period is met, and how a month of it stands.
fn judge(met: bool, fixed: bool, period_end: YearMonth, m: YearMonth, now: YearMonth) -> Status {
    if m > now {
        return if met && fixed {
            Status::OnTrack
        } else {
            Status::Upcoming
        };
    }
    if met {
        Status::OnTrack
    } else if period_end < now {
        Status::Missed
    } else {
        Status::Due
    }
}

/// The statuses of one commitment for one state, month by month over
/// `months` (none outside the commitment's period), and what was missed
/// and is behind.
fn judge_commitment(
    t: &Tracked,
    held: &BTreeMap<YearMonth, u32>,
    months: &[YearMonth],
    now: YearMonth,
) -> (Vec<Option<Status>>, u32, bool) {
    let (first, last) = t.window;
    let count = |a: YearMonth, b: YearMonth| -> u32 { held.range(a..=b).map(|(_, n)| *n).sum() };
    let mut missed = 0u32;
    let mut behind = false;
    let statuses: Vec<Option<Status>> = months
        .iter()
        .map(|&m| {
            if m < first || m > last {
                return None;
            }
            let i = first.until(m);
            Some(match t.cadence {
                Cadence::Monthly | Cadence::Once => {
                    let s = judge(count(m, m) > 0, false, m, m, now);
                    if s == Status::Missed {
                        missed += 1;
                    }
                    s
                }
                Cadence::Quarterly => {
                    let q_start = first.plus(i / 3 * 3);
                    let q_end = q_start.plus(2).min(last);
                    let s = judge(count(q_start, q_end) > 0, true, q_end, m, now);
                    // Count a missed quarter once, at its last month.
                    if s == Status::Missed && m == q_end {
                        missed += 1;
                    }
                    s
                }
                Cadence::Ongoing => {
                    let (a, b) = if i < 2 {
                        (first, first.plus(2).min(last))
                    } else {
                        (m.plus(-2), m)
                    };
                    let s = judge(count(a, b) > 0, i < 2, b, m, now);
                    if s == Status::Missed && (i >= 2 || m == b) {
                        missed += 1;
                    }
                    s
                }
                Cadence::Times(n) => {
                    let n = n as u32;
                    let total = count(first, last);
                    let length = (first.until(last) + 1) as u32;
                    // A steady pace: by the end of month i, n * (i + 1) / length of them.
                    let pace = n * (i as u32 + 1) / length;
                    let closed = last < now;
                    if m > now {
                        if total >= n {
                            Status::OnTrack
                        } else {
                            Status::Upcoming
                        }
                    } else if count(first, m) >= pace || (closed && total >= n) {
                        Status::OnTrack
                    } else if closed {
                        Status::Missed
                    } else {
                        behind = true;
                        Status::Due
                    }
                }
            })
        })
        .collect();
    if let Cadence::Times(n) = t.cadence {
        let total = count(first, last);
        missed = if last < now {
            (n as u32).saturating_sub(total)
        } else {
            0
        };
        // Behind means behind in the current month, not in a past one.
        behind = behind
            && months
                .iter()
                .zip(&statuses)
                .any(|(m, s)| *m == now && *s == Some(Status::Due));
    }
    (statuses, missed, behind)
}

/// One commitment judged for one state: the commitment, what was held
/// each month, the statuses, how many missed, whether behind pace.
type Judged<'a> = (
    &'a Tracked,
    &'a BTreeMap<YearMonth, u32>,
    Vec<Option<Status>>,
    u32,
    bool,
);

/// Every state's participation over the TA period `period`, judged on
/// `today` (the program's clock). `states` are (code, name) in the order
/// to show them.
pub fn participation(
    states: &[(String, String)],
    commitments: &[Tracked],
    period: (YearMonth, YearMonth),
    counted: &[Counted],
    today: Date,
) -> Participation {
    let months = YearMonth::range(period.0, period.1);
    let now = YearMonth::of(today);
    // state -> commitment -> month -> held
    let mut held: BTreeMap<(&str, &str), BTreeMap<YearMonth, u32>> = BTreeMap::new();
    for c in counted {
        *held
            .entry((c.state_code.as_str(), c.commitment))
            .or_default()
            .entry(YearMonth::of(c.on))
            .or_default() += 1;
    }
    let empty = BTreeMap::new();
    let states = states
        .iter()
        .map(|(code, name)| {
            let per: Vec<Judged> = commitments
                .iter()
                .map(|t| {
                    let h = held.get(&(code.as_str(), t.key.as_str())).unwrap_or(&empty);
                    let (statuses, missed, behind) = judge_commitment(t, h, &months, now);
                    (t, h, statuses, missed, behind)
                })
                .collect();
            let cells: Vec<MonthCell> = months
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let commitments: Vec<CommitmentMonth> = per
                        .iter()
                        .map(|(t, h, s, _, _)| CommitmentMonth {
                            key: t.key.clone(),
                            held: h.get(m).copied().unwrap_or(0),
                            status: s[i],
                        })
                        .collect();
                    let status = commitments.iter().filter_map(|c| c.status).max();
                    let held: Vec<String> = commitments
                        .iter()
                        .filter(|c| c.held > 0)
                        .map(|c| count_of(&c.key, c.held))
                        .collect();
                    let lacking: Vec<String> = commitments
                        .iter()
                        .filter(|c| matches!(c.status, Some(Status::Due | Status::Missed)))
                        .map(|c| nouns(&c.key).0.to_owned())
                        .collect();
                    MonthCell {
                        month: m.key(),
                        status,
                        held_text: if held.is_empty() {
                            "nothing held".to_owned()
                        } else {
                            held.join(", ")
                        },
                        lacking_text: lacking.join(", "),
                        commitments,
                    }
                })
                .collect();
            let totals = per
                .iter()
                .map(|(t, h, _, missed, _)| {
                    let n: u32 = h.range(t.window.0..=t.window.1).map(|(_, n)| *n).sum();
                    let (_, many) = nouns(&t.key);
                    let expected = t.expected();
                    let text = match (t.cadence, expected) {
                        (Cadence::Quarterly, Some(e)) => {
                            format!("{many} attended: {n} (asked: one in each of {e} quarters)")
                        }
                        (_, Some(e)) => format!("{many} held: {n} of {e}"),
                        (_, None) => format!("{many} held: {n}"),
                    };
                    Total {
                        key: t.key.clone(),
                        held: n,
                        expected,
                        missed: *missed,
                        text,
                    }
                })
                .collect();
            let missed = per
                .iter()
                .filter(|p| p.3 > 0)
                .map(|(t, _, _, m, _)| match t.cadence {
                    Cadence::Times(_) => format!("{} short", count_of(&t.key, *m)),
                    Cadence::Ongoing => format!(
                        "{m} month{} without a {}",
                        if *m == 1 { "" } else { "s" },
                        nouns(&t.key).0
                    ),
                    _ => format!("{} missed", count_of(&t.key, *m)),
                })
                .collect();
            let behind = per
                .iter()
                .filter(|p| p.4)
                .map(|(t, h, _, _, _)| {
                    let n: u32 = h.range(t.window.0..=t.window.1).map(|(_, n)| *n).sum();
                    format!(
                        "{} behind pace ({n} of {} so far)",
                        nouns(&t.key).1,
                        t.expected().unwrap_or(0)
                    )
                })
                .collect();
            let this_month = months
                .iter()
                .position(|m| *m == now)
                .and_then(|i| cells[i].status);
            StateParticipation {
                state_code: code.clone(),
                state_name: name.clone(),
                months: cells,
                totals,
                this_month,
                missed,
                behind,
            }
        })
        .collect();
    Participation {
        year_ended: None,
        today: today.to_string(),
        month_labels: months.iter().map(|m| m.short()).collect(),
        months: months.iter().map(|m| m.key()).collect(),
        commitments: commitments.to_vec(),
        states,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::template;
    use jiff::civil::date;

    #[test]
    fn a_year_is_judged_as_of_today_while_it_runs_and_its_last_day_after() {
        let (first, last) = (
            jiff::civil::date(2016, 10, 1),
            jiff::civil::date(2017, 8, 31),
        );
        assert_eq!(
            judged_on(jiff::civil::date(2016, 9, 1), first, last),
            (YearStage::NotStarted, jiff::civil::date(2016, 9, 1))
        );
        assert_eq!(
            judged_on(jiff::civil::date(2017, 1, 15), first, last),
            (YearStage::UnderWay, jiff::civil::date(2017, 1, 15))
        );
        assert_eq!(
            judged_on(last, first, last),
            (YearStage::UnderWay, last),
            "the last day is still in the year"
        );
        assert_eq!(
            judged_on(jiff::civil::date(2026, 12, 7), first, last),
            (YearStage::Ended, last)
        );
    }

    #[test]
    fn a_period_runs_from_the_first_of_its_first_month_to_the_end_of_its_last() {
        assert_eq!(
            period_days((YearMonth::new(2016, 10), YearMonth::new(2017, 2))),
            (
                jiff::civil::date(2016, 10, 1),
                jiff::civil::date(2017, 2, 28)
            )
        );
    }

    const NY: &str = "America/New_York";

    fn zone() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(NY).unwrap()
    }

    fn ms(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        date(y, mo, d)
            .at(h, mi, 0, 0)
            .to_zoned(zone())
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    fn utc_ms(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    fn row(kind: &str, at: i64, status: &str, state: &str, attended: Option<i64>) -> ActivityRow {
        ActivityRow {
            kind: kind.into(),
            starts_at: at,
            status: status.into(),
            state_code: state.into(),
            attended,
        }
    }

    /// The 2016 intensive program: TA period October 2016 to August 2017.
    fn program() -> (Vec<Tracked>, (YearMonth, YearMonth)) {
        let t = template::find("intensive").unwrap();
        let timeline = t.timeline(2016);
        let period = ta_period(&timeline, 2016);
        (tracked(&t.commitments(), &timeline, period), period)
    }

    fn states() -> Vec<(String, String)> {
        vec![
            ("CO".into(), "Colorado".into()),
            ("KS".into(), "Kansas".into()),
        ]
    }

    fn run(rows: &[ActivityRow], today: Date) -> Participation {
        let (tracked, period) = program();
        participation(
            &states(),
            &tracked,
            period,
            &counted(rows, &zone(), today),
            today,
        )
    }

    fn status(p: &Participation, state: &str, month: &str, key: &str) -> Option<Status> {
        let s = p.states.iter().find(|s| s.state_code == state).unwrap();
        let m = s.months.iter().find(|m| m.month == month).unwrap();
        m.commitments.iter().find(|c| c.key == key).unwrap().status
    }

    fn held(p: &Participation, state: &str, month: &str, key: &str) -> u32 {
        let s = p.states.iter().find(|s| s.state_code == state).unwrap();
        let m = s.months.iter().find(|m| m.month == month).unwrap();
        m.commitments.iter().find(|c| c.key == key).unwrap().held
    }

    #[test]
    fn the_period_and_commitments_come_from_the_timeline() {
        let (tracked, period) = program();
        assert_eq!(period, (YearMonth::new(2016, 10), YearMonth::new(2017, 8)));
        let keys: Vec<_> = tracked.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "coaching_call",
                "site_visit",
                "webinar",
                "planning_time",
                "peer_mentoring"
            ]
        );
        let visits = tracked.iter().find(|t| t.key == "site_visit").unwrap();
        assert_eq!(
            (visits.from.as_str(), visits.to.as_str()),
            ("2016-10", "2017-07")
        );
        assert_eq!(visits.expected(), Some(2));
        assert_eq!(tracked[0].expected(), Some(11));
        assert_eq!(
            tracked[2].expected(),
            Some(4),
            "Oct-Dec, Jan-Mar, Apr-Jun, Jul-Aug"
        );
        // No timeline: October to August after the start year.
        assert_eq!(
            ta_period(&[], 2020),
            (YearMonth::new(2020, 10), YearMonth::new(2021, 8))
        );
    }

    #[test]
    fn monthly_calls_are_on_track_due_missed_or_upcoming() {
        let rows = vec![
            row(
                "coaching_call",
                ms(2016, 10, 12, 14, 0),
                "held",
                "CO",
                Some(1),
            ),
            row("coaching_call", ms(2016, 12, 5, 14, 0), "held", "CO", None),
        ];
        let p = run(&rows, date(2016, 12, 20));
        assert_eq!(
            status(&p, "CO", "2016-10", "coaching_call"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2016-11", "coaching_call"),
            Some(Status::Missed)
        );
        assert_eq!(
            status(&p, "CO", "2016-12", "coaching_call"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2017-01", "coaching_call"),
            Some(Status::Upcoming)
        );
        assert_eq!(
            status(&p, "KS", "2016-12", "coaching_call"),
            Some(Status::Due)
        );
        assert_eq!(
            status(&p, "KS", "2016-11", "coaching_call"),
            Some(Status::Missed)
        );
        let co = &p.states[0];
        assert!(
            co.missed.contains(&"1 coaching call missed".to_owned()),
            "{:?}",
            co.missed
        );
        let ks = &p.states[1];
        assert!(
            ks.missed.contains(&"2 coaching calls missed".to_owned()),
            "{:?}",
            ks.missed
        );
        assert_eq!(ks.this_month, Some(Status::Due));
        let total = co.totals.iter().find(|t| t.key == "coaching_call").unwrap();
        assert_eq!((total.held, total.expected, total.missed), (2, Some(11), 1));
        assert_eq!(total.text, "coaching calls held: 2 of 11");
        // The first and last months of the period.
        assert_eq!(
            status(&p, "CO", "2017-08", "coaching_call"),
            Some(Status::Upcoming)
        );
        assert_eq!(p.months.first().unwrap(), "2016-10");
        assert_eq!(p.months.last().unwrap(), "2017-08");
    }

    #[test]
    fn late_evening_on_january_31_counts_in_january_on_the_program_clock() {
        // 11:30 pm EST on Jan 31 is 04:30 UTC on Feb 1.
        let at = ms(2017, 1, 31, 23, 30);
        assert_eq!(at, utc_ms("2017-02-01T04:30:00Z"));
        let rows = vec![row("coaching_call", at, "held", "CO", Some(1))];
        let p = run(&rows, date(2017, 3, 15));
        assert_eq!(held(&p, "CO", "2017-01", "coaching_call"), 1);
        assert_eq!(held(&p, "CO", "2017-02", "coaching_call"), 0);
        assert_eq!(
            status(&p, "CO", "2017-01", "coaching_call"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2017-02", "coaching_call"),
            Some(Status::Missed)
        );
        // And 00:30 am Eastern on Feb 1 is February.
        let rows = vec![row(
            "coaching_call",
            ms(2017, 2, 1, 0, 30),
            "held",
            "CO",
            Some(1),
        )];
        let p = run(&rows, date(2017, 3, 15));
        assert_eq!(held(&p, "CO", "2017-02", "coaching_call"), 1);
    }

    #[test]
    fn months_turn_on_the_program_clock_across_daylight_saving() {
        // Clocks go back on Nov 6, 2016 (EDT to EST) and forward on Mar 12, 2017.
        // 8:30 pm EDT Oct 31 = 00:30 UTC Nov 1: October.
        let oct = ms(2016, 10, 31, 20, 30);
        assert_eq!(oct, utc_ms("2016-11-01T00:30:00Z"));
        // 11:00 pm EST Nov 30 = 04:00 UTC Dec 1: November.
        let nov = ms(2016, 11, 30, 23, 0);
        assert_eq!(nov, utc_ms("2016-12-01T04:00:00Z"));
        // 11:30 pm EDT Mar 31, 2017 = 03:30 UTC Apr 1: March.
        let mar = ms(2017, 3, 31, 23, 30);
        assert_eq!(mar, utc_ms("2017-04-01T03:30:00Z"));
        let rows = vec![
            row("planning_session", oct, "held", "CO", None),
            row("planning_session", nov, "held", "CO", None),
            row("planning_session", mar, "held", "CO", None),
        ];
        let p = run(&rows, date(2017, 4, 10));
        for m in ["2016-10", "2016-11", "2017-03"] {
            assert_eq!(held(&p, "CO", m, "planning_time"), 1, "{m}");
            assert_eq!(
                status(&p, "CO", m, "planning_time"),
                Some(Status::OnTrack),
                "{m}"
            );
        }
        assert_eq!(held(&p, "CO", "2016-12", "planning_time"), 0);
        assert_eq!(held(&p, "CO", "2017-04", "planning_time"), 0);
        assert_eq!(
            status(&p, "CO", "2017-04", "planning_time"),
            Some(Status::Due)
        );
    }

    #[test]
    fn cancelled_scheduled_and_missed_activities_do_not_count() {
        let rows = vec![
            row(
                "coaching_call",
                ms(2016, 10, 12, 14, 0),
                "cancelled",
                "CO",
                None,
            ),
            row(
                "coaching_call",
                ms(2016, 10, 19, 14, 0),
                "scheduled",
                "CO",
                None,
            ),
            // A webinar for both states that Kansas did not attend.
            row("webinar", ms(2016, 11, 3, 13, 0), "held", "CO", Some(1)),
            row("webinar", ms(2016, 11, 3, 13, 0), "held", "KS", Some(0)),
            // A kick-off counts for no commitment.
            row("kickoff", ms(2016, 10, 3, 13, 0), "held", "KS", Some(1)),
        ];
        let p = run(&rows, date(2017, 1, 5));
        assert_eq!(held(&p, "CO", "2016-10", "coaching_call"), 0);
        assert_eq!(
            status(&p, "CO", "2016-10", "coaching_call"),
            Some(Status::Missed)
        );
        assert_eq!(held(&p, "CO", "2016-11", "webinar"), 1);
        assert_eq!(held(&p, "KS", "2016-11", "webinar"), 0);
        // The first quarter (Oct-Dec) is met for CO, missed for KS.
        for m in ["2016-10", "2016-11", "2016-12"] {
            assert_eq!(status(&p, "CO", m, "webinar"), Some(Status::OnTrack));
            assert_eq!(status(&p, "KS", m, "webinar"), Some(Status::Missed));
        }
        assert_eq!(
            p.states[1].missed,
            vec![
                "3 coaching calls missed".to_owned(),
                "1 webinar missed".to_owned(),
                "3 planning sessions missed".to_owned(),
                "1 month without a peer session".to_owned(),
            ]
        );
        // A second quarter still open: due; met quarters' later months on track.
        assert_eq!(status(&p, "CO", "2017-01", "webinar"), Some(Status::Due));
        assert_eq!(
            status(&p, "CO", "2017-02", "webinar"),
            Some(Status::Upcoming)
        );
    }

    #[test]
    fn a_met_quarter_is_on_track_even_in_its_future_months() {
        let rows = vec![row(
            "webinar",
            ms(2017, 1, 12, 13, 0),
            "held",
            "CO",
            Some(1),
        )];
        let p = run(&rows, date(2017, 1, 20));
        for m in ["2017-01", "2017-02", "2017-03"] {
            assert_eq!(status(&p, "CO", m, "webinar"), Some(Status::OnTrack), "{m}");
        }
        assert_eq!(
            status(&p, "CO", "2017-04", "webinar"),
            Some(Status::Upcoming)
        );
        // The last quarter is Jul-Aug only.
        let rows = vec![row(
            "webinar",
            ms(2017, 8, 30, 13, 0),
            "held",
            "CO",
            Some(1),
        )];
        let p = run(&rows, date(2017, 9, 30));
        assert_eq!(
            status(&p, "CO", "2017-07", "webinar"),
            Some(Status::OnTrack)
        );
        assert_eq!(status(&p, "KS", "2017-08", "webinar"), Some(Status::Missed));
        assert_eq!(p.states[1].totals[2].missed, 4);
    }

    #[test]
    fn site_visits_keep_a_steady_pace() {
        // Two visits over Oct-Jul (10 months): one due by the end of
        // February (month 5), both by July.
        let first = ms(2016, 11, 14, 9, 0);
        let rows = vec![row("site_visit", first, "held", "CO", Some(1))];
        let p = run(&rows, date(2017, 3, 10));
        assert_eq!(
            status(&p, "CO", "2017-02", "site_visit"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2017-03", "site_visit"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "KS", "2017-01", "site_visit"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "KS", "2017-02", "site_visit"),
            Some(Status::Due),
            "behind pace"
        );
        assert_eq!(status(&p, "KS", "2017-03", "site_visit"), Some(Status::Due));
        assert_eq!(
            status(&p, "KS", "2017-04", "site_visit"),
            Some(Status::Upcoming)
        );
        assert_eq!(
            status(&p, "CO", "2017-08", "site_visit"),
            None,
            "outside its period"
        );
        assert!(p.states[1].behind[0].starts_with("site visits behind pace (0 of 2"));
        assert!(p.states[1].missed.iter().all(|m| !m.contains("site visit")));

        // The period closed with one visit: one short.
        let p = run(&rows, date(2017, 8, 10));
        assert_eq!(
            status(&p, "CO", "2017-07", "site_visit"),
            Some(Status::Missed)
        );
        assert_eq!(
            status(&p, "CO", "2016-12", "site_visit"),
            Some(Status::OnTrack)
        );
        assert!(
            p.states[0]
                .missed
                .contains(&"1 site visit short".to_owned())
        );
        assert!(
            p.states[1]
                .missed
                .contains(&"2 site visits short".to_owned())
        );
        let total = p.states[0]
            .totals
            .iter()
            .find(|t| t.key == "site_visit")
            .unwrap();
        assert_eq!(total.text, "site visits held: 1 of 2");

        // Both visits late but done before the close: every month on track.
        let rows = vec![
            row("site_visit", ms(2017, 6, 1, 9, 0), "held", "KS", Some(1)),
            row("site_visit", ms(2017, 7, 20, 9, 0), "held", "KS", Some(1)),
        ];
        let p = run(&rows, date(2017, 8, 10));
        assert!(
            p.states[1]
                .months
                .iter()
                .all(|m| matches!(m.commitments[1].status, None | Some(Status::OnTrack)))
        );
    }

    #[test]
    fn peer_mentoring_needs_a_session_in_the_last_three_months() {
        let rows = vec![
            row("peer_session", ms(2016, 12, 8, 15, 0), "held", "CO", None),
            row("peer_session", ms(2017, 4, 3, 15, 0), "held", "CO", None),
        ];
        let p = run(&rows, date(2017, 5, 20));
        // The first three months are judged together: met in December.
        for m in ["2016-10", "2016-11", "2016-12", "2017-01", "2017-02"] {
            assert_eq!(
                status(&p, "CO", m, "peer_mentoring"),
                Some(Status::OnTrack),
                "{m}"
            );
        }
        assert_eq!(
            status(&p, "CO", "2017-03", "peer_mentoring"),
            Some(Status::Missed)
        );
        assert_eq!(
            status(&p, "CO", "2017-04", "peer_mentoring"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2017-05", "peer_mentoring"),
            Some(Status::OnTrack)
        );
        assert_eq!(
            status(&p, "CO", "2017-06", "peer_mentoring"),
            Some(Status::Upcoming)
        );
        assert!(
            p.states[0]
                .missed
                .contains(&"1 month without a peer session".to_owned())
        );
        // Kansas never met: the first three months count once, then each month.
        assert_eq!(
            status(&p, "KS", "2016-10", "peer_mentoring"),
            Some(Status::Missed)
        );
        let ks = p.states[1]
            .totals
            .iter()
            .find(|t| t.key == "peer_mentoring")
            .unwrap();
        assert_eq!(
            ks.missed,
            1 + 4,
            "Oct-Dec once, then Jan to Apr; May is still due"
        );
        assert_eq!(
            status(&p, "KS", "2017-05", "peer_mentoring"),
            Some(Status::Due)
        );
        assert_eq!(ks.text, "peer sessions held: 0");
    }

    #[test]
    fn a_month_names_its_worst_status_with_the_counts_in_words() {
        let rows = vec![
            row("site_visit", ms(2016, 11, 2, 10, 0), "held", "CO", Some(1)),
            row("peer_session", ms(2017, 1, 2, 10, 0), "held", "CO", None),
            row(
                "coaching_call",
                ms(2017, 2, 2, 10, 0),
                "held",
                "CO",
                Some(1),
            ),
            row(
                "planning_session",
                ms(2017, 2, 9, 10, 0),
                "held",
                "CO",
                None,
            ),
            row(
                "planning_session",
                ms(2017, 2, 16, 10, 0),
                "held",
                "CO",
                None,
            ),
        ];
        let p = run(&rows, date(2017, 2, 20));
        let feb = p.states[0]
            .months
            .iter()
            .find(|m| m.month == "2017-02")
            .unwrap();
        // The quarter's webinar is still due (Jan-Mar, none yet).
        assert_eq!(feb.status, Some(Status::Due));
        assert_eq!(feb.held_text, "1 coaching call, 2 planning sessions");
        assert_eq!(feb.lacking_text, "webinar");
        let aug = p.states[0].months.last().unwrap();
        assert_eq!(aug.status, Some(Status::Upcoming));
        assert_eq!(aug.held_text, "nothing held");
        // Before the period: all upcoming; after it nothing is open.
        let before = run(&rows, date(2016, 9, 1));
        assert!(
            before.states[0]
                .months
                .iter()
                .all(|m| m.status == Some(Status::Upcoming))
        );
        assert_eq!(before.states[0].this_month, None);
        // Activities after "today" do not count yet.
        let early = run(&rows, date(2017, 2, 5));
        assert_eq!(held(&early, "CO", "2017-02", "planning_time"), 0);
        assert_eq!(held(&early, "CO", "2017-02", "coaching_call"), 1);
    }
}
