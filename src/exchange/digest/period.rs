//! When digests go out, and the period each run covers.

use jiff::civil::Weekday;

pub const FREQUENCIES: [&str; 2] = ["daily", "weekly"];

/// The period a run covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub frequency: &'static str,
    /// E.g. `2026-11-24` (daily) or `week to 2026-11-23` (weekly).
    pub period: String,
    /// Items published up to here go in.
    pub cutoff: i64,
    /// The previous period's cutoff: the archive's window starts here.
    pub archive_from: i64,
}

/// When digests go out: daily at `hour`, weekly on `weekday` at `hour`,
/// both in `time_zone` (settings `digest_hour`, `digest_weekday`,
/// `digest_time_zone`).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub hour: i8,
    pub weekday: Weekday,
    pub time_zone: jiff::tz::TimeZone,
}

impl Schedule {
    pub fn of(config: &crate::config::Config) -> Schedule {
        Schedule {
            hour: config.digest_hour,
            weekday: config.digest_weekday,
            time_zone: config.digest_time_zone.clone(),
        }
    }

    /// The moment of `date` at the hour. An hour skipped by a clock change
    /// is taken as the hour after it; a repeated one as its first time.
    fn at_hour(&self, date: jiff::civil::Date) -> i64 {
        date.at(self.hour, 0, 0, 0)
            .to_zoned(self.time_zone.clone())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0)
    }
}

/// The latest period of this frequency that has ended by `now`.
pub fn due_period(frequency: &'static str, now: i64, schedule: &Schedule) -> Period {
    let today = jiff::Timestamp::from_millisecond(now)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(schedule.time_zone.clone())
        .date();
    let mut day = today;
    if schedule.at_hour(day) > now {
        day = day.yesterday().unwrap_or(day);
    }
    if frequency == "weekly" {
        while day.weekday() != schedule.weekday {
            day = day.yesterday().unwrap_or(day);
        }
        let before = day.checked_sub(jiff::Span::new().days(7)).unwrap_or(day);
        Period {
            frequency: "weekly",
            period: format!("week to {day}"),
            cutoff: schedule.at_hour(day),
            archive_from: schedule.at_hour(before),
        }
    } else {
        Period {
            frequency: "daily",
            period: day.to_string(),
            cutoff: schedule.at_hour(day),
            archive_from: schedule.at_hour(day.yesterday().unwrap_or(day)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Weekday;

    fn ms(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    fn schedule(hour: i8, weekday: Weekday, zone: &str) -> Schedule {
        Schedule {
            hour,
            weekday,
            time_zone: jiff::tz::TimeZone::get(zone).unwrap(),
        }
    }

    fn new_york() -> Schedule {
        schedule(7, Weekday::Monday, "America/New_York")
    }

    #[test]
    fn daily_periods_end_at_seven_in_new_york() {
        let s = new_york();
        // 2026-11-24 13:00 UTC is 8:00 EST: today's run is due.
        let p = due_period("daily", ms("2026-11-24T13:00:00Z"), &s);
        assert_eq!(p.period, "2026-11-24");
        assert_eq!(p.cutoff, ms("2026-11-24T12:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-11-23T12:00:00Z"));
        // 11:00 UTC is 6:00 EST: still yesterday's.
        assert_eq!(
            due_period("daily", ms("2026-11-24T11:00:00Z"), &s).period,
            "2026-11-23"
        );
        // Summer time: 7:00 EDT is 11:00 UTC.
        assert_eq!(
            due_period("daily", ms("2026-06-10T11:30:00Z"), &s).cutoff,
            ms("2026-06-10T11:00:00Z")
        );
    }

    #[test]
    fn daily_periods_across_the_clock_changes() {
        let s = new_york();
        // Clocks go forward on 2026-03-08: that day is 23 hours long, and
        // 7:00 EDT is 11:00 UTC, so 11:30 UTC is after it ...
        let p = due_period("daily", ms("2026-03-08T11:30:00Z"), &s);
        assert_eq!(p.period, "2026-03-08");
        assert_eq!(p.cutoff, ms("2026-03-08T11:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-03-07T12:00:00Z"));
        assert_eq!(p.cutoff - p.archive_from, 23 * 3_600_000);
        // ... and 10:30 UTC (6:30 EDT) before it.
        assert_eq!(
            due_period("daily", ms("2026-03-08T10:30:00Z"), &s).period,
            "2026-03-07"
        );
        // Clocks go back on 2026-11-01: a 25-hour day.
        let p = due_period("daily", ms("2026-11-01T12:30:00Z"), &s);
        assert_eq!(p.period, "2026-11-01");
        assert_eq!(p.cutoff, ms("2026-11-01T12:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-10-31T11:00:00Z"));
        assert_eq!(p.cutoff - p.archive_from, 25 * 3_600_000);
        // An hour the clock skips (2:00 on 2026-03-08) is taken as 3:00 EDT;
        // an hour it repeats (1:00 on 2026-11-01) as its first time (EDT).
        let two = schedule(2, Weekday::Monday, "America/New_York");
        assert_eq!(
            due_period("daily", ms("2026-03-08T08:00:00Z"), &two).cutoff,
            ms("2026-03-08T07:00:00Z")
        );
        let one = schedule(1, Weekday::Monday, "America/New_York");
        let p = due_period("daily", ms("2026-11-01T05:30:00Z"), &one);
        assert_eq!(p.period, "2026-11-01");
        assert_eq!(p.cutoff, ms("2026-11-01T05:00:00Z"));
        // Still the same period in the repeated hour (1:30 EST).
        assert_eq!(due_period("daily", ms("2026-11-01T06:30:00Z"), &one), p);
    }

    #[test]
    fn weekly_periods_end_on_monday_morning() {
        let s = new_york();
        // Tuesday 2026-11-24: the week ended Monday the 23rd.
        let p = due_period("weekly", ms("2026-11-24T13:00:00Z"), &s);
        assert_eq!(p.period, "week to 2026-11-23");
        assert_eq!(p.cutoff, ms("2026-11-23T12:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-11-16T12:00:00Z"));
        // Monday at 6:00: the week before.
        assert_eq!(
            due_period("weekly", ms("2026-11-23T11:00:00Z"), &s).period,
            "week to 2026-11-16"
        );
    }

    #[test]
    fn weekly_periods_follow_the_configured_day_hour_and_zone() {
        // Fridays at 17:00 in London.
        let s = schedule(17, Weekday::Friday, "Europe/London");
        // Friday 2026-11-27 16:59 GMT: the week to the 20th is the latest.
        assert_eq!(
            due_period("weekly", ms("2026-11-27T16:59:00Z"), &s).period,
            "week to 2026-11-20"
        );
        // At 17:00 it is this week's.
        let p = due_period("weekly", ms("2026-11-27T17:00:00Z"), &s);
        assert_eq!(p.period, "week to 2026-11-27");
        assert_eq!(p.cutoff, ms("2026-11-27T17:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-11-20T17:00:00Z"));
        // A week spanning the end of British Summer Time (2026-10-25) is
        // an hour longer: 17:00 BST is 16:00 UTC.
        let p = due_period("weekly", ms("2026-10-31T12:00:00Z"), &s);
        assert_eq!(p.period, "week to 2026-10-30");
        assert_eq!(p.cutoff, ms("2026-10-30T17:00:00Z"));
        assert_eq!(p.archive_from, ms("2026-10-23T16:00:00Z"));
        // Sunday and the hour 0 in New York.
        let s = schedule(0, Weekday::Sunday, "America/New_York");
        let p = due_period("weekly", ms("2026-11-24T13:00:00Z"), &s);
        assert_eq!(p.period, "week to 2026-11-22");
        assert_eq!(p.cutoff, ms("2026-11-22T05:00:00Z"));
    }
}
