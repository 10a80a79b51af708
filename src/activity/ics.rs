//! A small, careful iCalendar (RFC 5545) writer: one VEVENT per activity,
//! times in UTC, text escaped, lines folded at 75 octets, CRLF endings.

use jiff::Timestamp;

/// One event as the calendar file holds it.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub sequence: i64,
    /// When this version was made (DTSTAMP, LAST-MODIFIED).
    pub stamp_ms: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub cancelled: bool,
    pub url: String,
}

/// `20161011T180000Z`
pub fn utc(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y%m%dT%H%M%SZ").to_string(),
        Err(_) => "19700101T000000Z".into(),
    }
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets, never inside a UTF-8 character;
/// continuation lines start with one space. Ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn property(out: &mut String, name: &str, value: &str) {
    out.push_str(&fold(&format!("{name}:{value}")));
}

/// A whole calendar: a name (for feeds) and its events.
pub fn calendar(name: Option<&str>, events: &[Event]) -> String {
    let mut out = String::new();
    property(&mut out, "BEGIN", "VCALENDAR");
    property(&mut out, "VERSION", "2.0");
    property(&mut out, "PRODID", "-//Waymark//TA activities//EN");
    property(&mut out, "CALSCALE", "GREGORIAN");
    property(&mut out, "METHOD", "PUBLISH");
    if let Some(name) = name {
        property(&mut out, "X-WR-CALNAME", &escape(name));
    }
    for e in events {
        property(&mut out, "BEGIN", "VEVENT");
        property(&mut out, "UID", &escape(&e.uid));
        property(&mut out, "SEQUENCE", &e.sequence.to_string());
        property(&mut out, "DTSTAMP", &utc(e.stamp_ms));
        property(&mut out, "LAST-MODIFIED", &utc(e.stamp_ms));
        property(&mut out, "DTSTART", &utc(e.starts_at));
        property(&mut out, "DTEND", &utc(e.ends_at));
        property(&mut out, "SUMMARY", &escape(&e.summary));
        if !e.description.is_empty() {
            property(&mut out, "DESCRIPTION", &escape(&e.description));
        }
        if !e.location.is_empty() {
            property(&mut out, "LOCATION", &escape(&e.location));
        }
        if !e.url.is_empty() {
            property(&mut out, "URL", &e.url);
        }
        property(
            &mut out,
            "STATUS",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        property(&mut out, "END", "VEVENT");
    }
    property(&mut out, "END", "VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a; b, c\\d\r\ne"), "a\\; b\\, c\\\\d\\ne");
        assert_eq!(escape("bell\u{7}"), "bell");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
    }

    #[test]
    fn an_event_has_utc_times_and_its_status() {
        let e = Event {
            uid: "abc@waymark".into(),
            sequence: 2,
            stamp_ms: 0,
            starts_at: 1_476_208_800_000,
            ends_at: 1_476_212_400_000,
            summary: "Coaching call, Colorado".into(),
            description: String::new(),
            location: String::new(),
            cancelled: true,
            url: "http://x/a".into(),
        };
        let text = calendar(Some("Mine"), &[e]);
        assert!(text.contains("\r\nDTSTART:20161011T180000Z\r\n"));
        assert!(text.contains("\r\nSUMMARY:Coaching call\\, Colorado\r\n"));
        assert!(text.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(text.contains("\r\nSEQUENCE:2\r\n"));
        assert!(!text.contains("DESCRIPTION"));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
