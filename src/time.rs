//! Times are stored as Unix milliseconds (UTC) on both databases.

use jiff::Timestamp;

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// Renders a stored time for people, in the given IANA time zone.
pub fn format_in_zone(ms: i64, zone: &str) -> String {
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return String::from("unknown time");
    };
    match jiff::tz::TimeZone::get(zone) {
        Ok(tz) => ts
            .to_zoned(tz)
            .strftime("%b %-d, %Y %-I:%M %p %Z")
            .to_string(),
        Err(_) => ts.strftime("%b %-d, %Y %H:%M UTC").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_eastern_time_with_daylight_saving() {
        // 2016-06-01 19:00 UTC is 3:00 pm EDT.
        let ms = 1_464_807_600_000;
        assert_eq!(
            format_in_zone(ms, "America/New_York"),
            "Jun 1, 2016 3:00 PM EDT"
        );
    }

    #[test]
    fn unknown_zone_falls_back_to_utc() {
        assert_eq!(format_in_zone(0, "Nowhere/Else"), "Jan 1, 1970 00:00 UTC");
    }
}
