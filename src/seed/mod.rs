//! The data Waymark is shown and measured with: the demo instance
//! (`waymark demo`: the 2016 program year and a year under way, one account
//! per role) and the synthetic cohorts and libraries of the benchmarks. Each
//! area's part of the demo year is a file here, so nothing in an area
//! depends on its demo.

pub mod activity;
pub mod demo;
pub mod digest_synthetic;
pub mod exchange;
pub mod exchange_digest;
pub mod exchange_synthetic;
pub mod forum;
pub mod mentoring;
pub mod plan;
pub mod synthetic;

pub const PROGRAM_SLUG: &str = "acp-2016";
/// The general TA track of the same year, for states not in the cohort.
pub const GENERAL_SLUG: &str = "general-ta-2016";

/// The program whose year is under way on the day the demo is made.
pub const CURRENT_SLUG: &str = "acp-current";

/// One program year of the demo. The 2016-17 script (applications, ratings,
/// activities, plans) is written once, in 2016 dates; a year places it:
/// `shift` months later, seen from `now` (what starts before it happened;
/// what starts after it is still to come).
#[derive(Debug, Clone)]
pub struct Year {
    pub slug: &'static str,
    pub name: String,
    /// Months added to every date of the script.
    pub shift: i32,
    /// The instant the year is seen from, Unix milliseconds.
    pub now: i64,
    /// The year under way (else the 2016 record).
    pub current: bool,
}

const ZONE: &str = "America/New_York";

impl Year {
    /// The 2016-17 year as it happened, seen from its last day.
    pub fn record() -> Year {
        let end = crate::program::deadline::local_deadline(
            jiff::civil::date(2017, 8, 31),
            jiff::civil::time(23, 0, 0, 0),
            ZONE,
        )
        .map(|t| t.as_millisecond())
        .unwrap_or_default();
        Year {
            slug: PROGRAM_SLUG,
            name: "Advancing Career Pathways 2016".into(),
            shift: 0,
            now: end,
            current: false,
        }
    }

    /// The same year with its kick-off (September 2016 in the script) in the
    /// month three months before `now`.
    pub fn current(now: jiff::Timestamp) -> Year {
        let today = now
            .to_zoned(jiff::tz::TimeZone::get(ZONE).unwrap_or(jiff::tz::TimeZone::UTC))
            .date();
        let kickoff = today
            .first_of_month()
            .checked_sub(jiff::Span::new().months(3))
            .unwrap_or(today);
        let shift = (i32::from(kickoff.year()) * 12 + i32::from(kickoff.month())) - (2016 * 12 + 9);
        let start = kickoff.year();
        Year {
            slug: CURRENT_SLUG,
            name: format!("Advancing Career Pathways {start}-{:02}", (start + 1) % 100),
            shift,
            now: now.as_millisecond(),
            current: true,
        }
    }

    /// A date of the script, placed in this year (the day kept, or the
    /// month's last day where the month is shorter).
    pub fn date(&self, y: i16, m: i8, d: i8) -> jiff::civil::Date {
        let months = i32::from(y) * 12 + i32::from(m) - 1 + self.shift;
        let (year, month) = ((months / 12) as i16, (months % 12 + 1) as i8);
        let first = jiff::civil::Date::new(year, month, 1).expect("a real month");
        let day = d.min(first.days_in_month());
        jiff::civil::Date::new(year, month, day).expect("a real date")
    }

    /// A script date placed in this year.
    pub fn place(&self, d: jiff::civil::Date) -> jiff::civil::Date {
        self.date(d.year(), d.month(), d.day())
    }

    /// A script date written YYYY-MM-DD, placed in this year.
    pub fn ymd(&self, s: &str) -> String {
        s.parse::<jiff::civil::Date>()
            .map(|d| self.place(d).to_string())
            .unwrap_or_else(|_| s.to_owned())
    }

    /// The `n`th `weekday` of a script month, placed in this year.
    pub fn nth(&self, y: i16, m: i8, n: i8, weekday: jiff::civil::Weekday) -> jiff::civil::Date {
        self.date(y, m, 1)
            .nth_weekday_of_month(n, weekday)
            .expect("every month has it")
    }

    /// Has the instant passed, seen from this year's `now`?
    pub fn happened(&self, ms: i64) -> bool {
        ms < self.now
    }

    /// The day of `now` on the program's clock.
    pub fn today(&self) -> jiff::civil::Date {
        crate::activity::local_date(self.now, ZONE)
            .parse()
            .unwrap_or_default()
    }
}

/// A small, fixed pseudo-random number from the inputs (the demo and the
/// synthetic data are the same every time they are made).
pub fn mix(parts: &[u64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        h ^= p;
        h = h.wrapping_mul(0x0100_0000_01b3);
        h ^= h >> 29;
    }
    h
}
