//! Deadlines: a wall-clock time in the program's time zone ("3:00 pm EST
//! on June 1, 2016" means 15:00 on the America/New_York clock, EDT in June),
//! stored as a UTC instant, compared to the second.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeadlineError {
    #[error("'{0}' is not a time zone we know (use a name like America/New_York)")]
    UnknownZone(String),
    #[error("that time does not exist in {0} (the clocks skip it)")]
    NoSuchTime(String),
}

pub fn zone(name: &str) -> Result<TimeZone, DeadlineError> {
    TimeZone::get(name).map_err(|_| DeadlineError::UnknownZone(name.to_owned()))
}

/// The instant a local wall-clock time names. A time the clocks skip
/// (spring forward) is refused rather than guessed.
pub fn local_deadline(date: Date, time: Time, zone_name: &str) -> Result<Timestamp, DeadlineError> {
    let tz = zone(zone_name)?;
    let zoned = date
        .to_datetime(time)
        .to_zoned(tz.clone())
        .map_err(|_| DeadlineError::NoSuchTime(zone_name.to_owned()))?;
    // jiff resolves gaps by moving forward; refuse instead so nobody is surprised.
    if zoned.datetime() != date.to_datetime(time) {
        return Err(DeadlineError::NoSuchTime(zone_name.to_owned()));
    }
    Ok(zoned.timestamp())
}

/// On time means no later than the deadline (or the extension), counted in
/// whole seconds: 15:00:00.9 is on time, 15:00:01 is late.
pub fn on_time(submitted: Timestamp, due: Timestamp, extension: Option<Timestamp>) -> bool {
    submitted.as_second() <= effective(due, extension).as_second()
}

/// The deadline that applies: an extension moves it later, never earlier.
pub fn effective(due: Timestamp, extension: Option<Timestamp>) -> Timestamp {
    extension.map_or(due, |e| e.max(due))
}

/// "3:00 pm EDT on June 1, 2016", in the program's time zone.
pub fn describe(at: Timestamp, zone_name: &str) -> String {
    let Ok(tz) = zone(zone_name) else {
        return at.to_string();
    };
    let z: Zoned = at.to_zoned(tz);
    let hour = z.hour() % 12;
    let hour = if hour == 0 { 12 } else { hour };
    let ampm = if z.hour() < 12 { "am" } else { "pm" };
    format!(
        "{hour}:{:02} {ampm} {} on {}",
        z.minute(),
        z.strftime("%Z"),
        z.strftime("%B %-d, %Y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    const NY: &str = "America/New_York";

    fn due_2016() -> Timestamp {
        local_deadline(date(2016, 6, 1), time(15, 0, 0, 0), NY).unwrap()
    }

    #[test]
    fn three_pm_eastern_in_june_is_seven_pm_utc() {
        assert_eq!(due_2016().to_string(), "2016-06-01T19:00:00Z");
        assert_eq!(describe(due_2016(), NY), "3:00 pm EDT on June 1, 2016");
    }

    #[test]
    fn one_second_late_is_late() {
        let due = due_2016();
        let second = jiff::SignedDuration::from_secs(1);
        assert!(on_time(due - second, due, None));
        assert!(on_time(due, due, None));
        assert!(on_time(
            due + jiff::SignedDuration::from_millis(999),
            due,
            None
        ));
        assert!(!on_time(due + second, due, None));
    }

    #[test]
    fn an_extension_moves_the_limit_but_never_earlier() {
        let due = due_2016();
        let day = jiff::SignedDuration::from_hours(24);
        assert!(on_time(due + day, due, Some(due + day)));
        assert!(!on_time(
            due + day + jiff::SignedDuration::from_secs(1),
            due,
            Some(due + day)
        ));
        assert!(
            on_time(due, due, Some(due - day)),
            "an earlier 'extension' does not shorten the deadline"
        );
    }

    #[test]
    fn winter_deadlines_use_standard_time() {
        let due = local_deadline(date(2016, 12, 1), time(15, 0, 0, 0), NY).unwrap();
        assert_eq!(due.to_string(), "2016-12-01T20:00:00Z");
        assert_eq!(describe(due, NY), "3:00 pm EST on December 1, 2016");
    }

    #[test]
    fn daylight_saving_edges() {
        // 2:30 am on March 13, 2016 did not exist in New York.
        assert_eq!(
            local_deadline(date(2016, 3, 13), time(2, 30, 0, 0), NY),
            Err(DeadlineError::NoSuchTime(NY.into()))
        );
        // 1:30 am on November 6, 2016 happened twice; the first (EDT) is used.
        let fall = local_deadline(date(2016, 11, 6), time(1, 30, 0, 0), NY).unwrap();
        assert_eq!(fall.to_string(), "2016-11-06T05:30:00Z");
        // Across the change, a day before 3 pm is 25 hours before.
        let before = local_deadline(date(2016, 11, 5), time(15, 0, 0, 0), NY).unwrap();
        let after = local_deadline(date(2016, 11, 6), time(15, 0, 0, 0), NY).unwrap();
        assert_eq!(after.duration_since(before).as_hours(), 25);
    }

    #[test]
    fn other_zones_and_unknown_zones() {
        let hawaii =
            local_deadline(date(2016, 6, 1), time(15, 0, 0, 0), "Pacific/Honolulu").unwrap();
        assert_eq!(hawaii.to_string(), "2016-06-02T01:00:00Z");
        assert!(matches!(
            local_deadline(date(2016, 6, 1), time(15, 0, 0, 0), "Mars/Olympus"),
            Err(DeadlineError::UnknownZone(_))
        ));
    }
}
