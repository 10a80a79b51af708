//! The Exchange's rules as plain functions: checking a new or changed item,
//! checking a partner's interest form, and turning the words of a search
//! box into a query that is always safe for FTS5 and PostgreSQL.

use serde::{Deserialize, Serialize};

use super::AUDIENCES;
use super::topics;
use crate::framework::Registry;

pub type Problems = Vec<(&'static str, String)>;

/// An item as typed in the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Draft {
    /// `resource` or `event`.
    pub kind: String,
    pub title: String,
    /// Plain text, a few sentences.
    pub summary: String,
    /// A web address (http or https); may be empty when a file is attached.
    pub url: String,
    /// The organization that made the resource or holds the event.
    pub source_org: String,
    /// YYYY-MM-DD: the date the resource was issued (events: may be empty,
    /// then the day the event starts).
    pub issued_on: String,
    /// Audience keys: state_leaders, local_leaders, educators, employers,
    /// workforce_boards, adult_learners.
    pub audience: Vec<String>,
    /// Topic keys like `six-key-elements/partnerships` (at least one).
    pub topics: Vec<String>,
    /// Events: the day it starts (YYYY-MM-DD).
    pub date: String,
    /// Events: the start time, HH:MM on the event's clock.
    pub start: String,
    /// Events: the day it ends when not the same day (YYYY-MM-DD).
    pub end_date: String,
    /// Events: the end time, HH:MM.
    pub end: String,
    /// Events: a time zone name like `America/New_York`.
    pub time_zone: String,
    /// Events: where (a place or a link).
    pub place: String,
}

/// A checked item, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid {
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub source_org: String,
    pub issued_on: String,
    /// Audience keys joined by commas.
    pub audience: String,
    pub topics: Vec<String>,
    /// Events: (starts_at, ends_at, time zone, place).
    pub event: Option<(i64, i64, String, String)>,
}

/// Letters as typed, without control characters (which the search
/// snippets use as markers), newlines kept where `multiline`.
pub fn clean(s: &str, multiline: bool) -> String {
    s.trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || (multiline && *c == '\n'))
        .collect()
}

/// A web address people may follow: http or https with a host.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.chars().count() > 2000 {
        return Err("Use a web address of at most 2,000 characters.".into());
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        _ => Err("Enter a web address that starts with https:// or http://.".into()),
    }
}

fn required(problems: &mut Problems, field: &'static str, value: &str, max: usize, missing: &str) {
    if value.is_empty() {
        problems.push((field, missing.to_owned()));
    } else if value.chars().count() > max {
        problems.push((field, format!("Use at most {max} characters.")));
    }
}

/// Checks an item. `has_file`: a file is attached (now or before), so the
/// link may be empty.
pub fn check(registry: &Registry, d: &Draft, has_file: bool) -> Result<Valid, Problems> {
    let mut problems = Problems::new();
    let kind = match d.kind.trim() {
        "resource" => "resource",
        "event" => "event",
        _ => {
            problems.push(("kind", "Choose resource or event.".into()));
            "resource"
        }
    };
    let title = clean(&d.title, false);
    required(&mut problems, "title", &title, 200, "Enter a title.");
    let summary = clean(&d.summary, true);
    required(
        &mut problems,
        "summary",
        &summary,
        2000,
        "Enter a short summary: what it is and who it helps.",
    );
    let url = clean(&d.url, false);
    if url.is_empty() {
        if !has_file && kind == "resource" {
            problems.push(("url", "Enter a web address, or attach a file.".into()));
        }
    } else if let Err(m) = check_url(&url) {
        problems.push(("url", m));
    }
    let source_org = clean(&d.source_org, false);
    required(
        &mut problems,
        "source_org",
        &source_org,
        200,
        "Enter the organization the item comes from.",
    );
    let mut audience: Vec<&str> = Vec::new();
    for a in &d.audience {
        match AUDIENCES.iter().find(|(k, _)| *k == a.trim()) {
            Some((k, _)) => audience.push(k),
            None => {
                problems.push(("audience", "Choose audiences from the list.".into()));
                break;
            }
        }
    }
    if audience.is_empty() && !problems.iter().any(|(f, _)| *f == "audience") {
        problems.push(("audience", "Choose at least one audience.".into()));
    }
    // In the list's order, each once.
    let audience = AUDIENCES
        .iter()
        .filter(|(k, _)| audience.contains(k))
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(",");
    let topics = match topics::parse_keys(registry, d.topics.iter().map(String::as_str)) {
        Ok(t) if t.is_empty() => {
            problems.push(("topics", "Choose at least one topic.".into()));
            t
        }
        Ok(t) => t,
        Err(_) => {
            problems.push(("topics", "Choose topics from the list.".into()));
            vec![]
        }
    };
    let mut event = None;
    let mut issued_on = d.issued_on.trim().to_owned();
    if kind == "event" {
        match check_event(d) {
            Ok((starts, ends, zone, date)) => {
                let place = clean(&d.place, false);
                if place.chars().count() > 300 {
                    problems.push(("place", "Use at most 300 characters.".into()));
                }
                if issued_on.is_empty() {
                    issued_on = date;
                }
                event = Some((starts, ends, zone, place));
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    // Control characters are refused, not dropped, in one-line fields: a
    // title that silently changes is worse than a clear message.
    crate::web::text::check_one_line(
        &mut problems,
        &[
            ("title", &d.title),
            ("url", &d.url),
            ("source_org", &d.source_org),
            ("place", if kind == "event" { &d.place } else { "" }),
        ],
    );
    // An event's date comes from its start when not given.
    let from_start = kind == "event" && issued_on.is_empty();
    if !from_start && crate::activity::parse_date(&issued_on).is_none() {
        problems.push((
            "issued_on",
            "Enter the date it was issued as YYYY-MM-DD, like 2016-10-11.".into(),
        ));
    }
    if problems.is_empty() {
        Ok(Valid {
            kind,
            title,
            summary,
            url,
            source_org,
            issued_on,
            audience,
            topics,
            event,
        })
    } else {
        Err(problems)
    }
}

/// An event's start and end as instants, its zone, and its first day.
fn check_event(d: &Draft) -> Result<(i64, i64, String, String), Problems> {
    let mut problems = Problems::new();
    let zone = d.time_zone.trim();
    let zone_ok = !zone.is_empty() && jiff::tz::TimeZone::get(zone).is_ok();
    if !zone_ok {
        problems.push(("time_zone", "Choose the event's time zone.".into()));
    }
    let date = crate::activity::parse_date(&d.date);
    if date.is_none() {
        problems.push((
            "date",
            "Enter the day it starts as YYYY-MM-DD, like 2016-10-11.".into(),
        ));
    }
    let end_date = if d.end_date.trim().is_empty() {
        date
    } else {
        let e = crate::activity::parse_date(&d.end_date);
        if e.is_none() {
            problems.push((
                "end_date",
                "Enter the day it ends as YYYY-MM-DD, or leave it empty for the same day.".into(),
            ));
        }
        e
    };
    let start = crate::activity::parse_time(&d.start);
    if start.is_none() {
        problems.push(("start", "Enter the start time as HH:MM, like 14:00.".into()));
    }
    let end = crate::activity::parse_time(&d.end);
    if end.is_none() {
        problems.push(("end", "Enter the end time as HH:MM, like 15:30.".into()));
    }
    let (Some(date), Some(end_date), Some(start), Some(end), true) =
        (date, end_date, start, end, zone_ok)
    else {
        return Err(problems);
    };
    let starts = crate::activity::to_utc_ms(date, start, zone);
    let ends = crate::activity::to_utc_ms(end_date, end, zone);
    match (starts, ends) {
        (Ok(s), Ok(e)) if e > s => Ok((s, e, zone.to_owned(), date.to_string())),
        (Ok(_), Ok(_)) => Err(vec![("end", "The event must end after it starts.".into())]),
        (Err(_), _) => Err(vec![(
            "start",
            "That time does not exist on that day (the clocks change). Choose another time.".into(),
        )]),
        (_, Err(_)) => Err(vec![(
            "end",
            "That time does not exist on that day (the clocks change). Choose another time.".into(),
        )]),
    }
}

/// A partner organization's interest form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Interest {
    pub organization: String,
    /// The organization's website (http or https); may be empty.
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    /// What the organization would share.
    pub about: String,
}

/// Checks the interest form; answers it cleaned (email in lower case).
pub fn check_interest(i: &Interest) -> Result<Interest, Problems> {
    let mut problems = Problems::new();
    let organization = clean(&i.organization, false);
    required(
        &mut problems,
        "organization",
        &organization,
        200,
        "Enter your organization's name.",
    );
    let website = clean(&i.website, false);
    if !website.is_empty()
        && let Err(m) = check_url(&website)
    {
        problems.push(("website", m));
    }
    let contact_name = clean(&i.contact_name, false);
    required(
        &mut problems,
        "contact_name",
        &contact_name,
        120,
        "Enter the name of the person we should write to.",
    );
    let contact_email = crate::auth::store::normalize_email(&i.contact_email);
    if contact_email.is_empty() {
        problems.push(("contact_email", "Enter an email address.".into()));
    } else if !crate::web::text::valid_email(&contact_email) {
        problems.push((
            "contact_email",
            "Enter an email address like name@organization.org.".into(),
        ));
    }
    let about = clean(&i.about, true);
    required(
        &mut problems,
        "about",
        &about,
        2000,
        "Tell us what your organization would share.",
    );
    crate::web::text::check_one_line(
        &mut problems,
        &[
            ("organization", &i.organization),
            ("website", &i.website),
            ("contact_name", &i.contact_name),
            ("contact_email", &i.contact_email),
        ],
    );
    if problems.is_empty() {
        Ok(Interest {
            organization,
            website,
            contact_name,
            contact_email,
            about,
        })
    } else {
        Err(problems)
    }
}

/// The words of a search box: letters and digits only, at most eight,
/// lower case. Everything else (quotes, stars, brackets, dashes, colons,
/// operators) separates words, so no query syntax ever gets through.
pub fn search_terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        // FTS5 keywords are harmless inside quotes, but keep them out of
        // PostgreSQL's parser too.
        .take(8)
        .collect()
}

/// An FTS5 MATCH expression: every word quoted (all must match), or none
/// when there is nothing to look for.
pub fn fts5_query(text: &str) -> Option<String> {
    let terms = search_terms(text);
    (!terms.is_empty()).then(|| {
        terms
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The text for PostgreSQL's `plainto_tsquery` (all words must match),
/// or none when there is nothing to look for.
pub fn pg_query(text: &str) -> Option<String> {
    let terms = search_terms(text);
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Escapes text for HTML, and turns the snippet markers (\u{2} and
/// \u{3}, which stored text never holds) into `<mark>` tags.
pub fn snippet_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{2}' => out.push_str("<mark>"),
            '\u{3}' => out.push_str("</mark>"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    // A marker cut off by the snippet's end still closes.
    let opened = out.matches("<mark>").count();
    let closed = out.matches("</mark>").count();
    for _ in closed..opened {
        out.push_str("</mark>");
    }
    out
}

/// The first `max` characters of a summary, cut at a word, with "…".
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        crate::framework::load::for_instance(None).expect("built-in frameworks load")
    }

    fn resource() -> Draft {
        Draft {
            kind: "resource".into(),
            title: " Braiding funds for bridge programs ".into(),
            summary: "How three states paid for bridge programs.".into(),
            url: "https://www.example.org/braiding".into(),
            source_org: "CLASP".into(),
            issued_on: "2016-05-01".into(),
            audience: vec!["educators".into(), "state_leaders".into()],
            topics: vec!["six-key-elements/funding".into()],
            ..Draft::default()
        }
    }

    fn fields(p: &Problems) -> Vec<&str> {
        p.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_good_resource_is_cleaned_and_ordered() {
        let v = check(&registry(), &resource(), false).unwrap();
        assert_eq!(v.title, "Braiding funds for bridge programs");
        assert_eq!(v.audience, "state_leaders,educators");
        assert_eq!(v.topics, ["six-key-elements/funding"]);
        assert!(v.event.is_none());
    }

    #[test]
    fn control_characters_in_one_line_fields_are_refused_not_dropped() {
        let d = Draft {
            title: "Braiding\r\nBcc: x@y.gov".into(),
            source_org: "CL\u{1b}ASP".into(),
            summary: "Two lines\nare fine here.".into(),
            ..resource()
        };
        let p = check(&registry(), &d, false).unwrap_err();
        assert_eq!(fields(&p), ["title", "source_org"]);
        assert_eq!(p[0].1, crate::web::text::ONE_LINE);
        let i = Interest {
            organization: "Acme\tWorks".into(),
            contact_name: "Ana".into(),
            contact_email: "ana@acme.org".into(),
            about: "Guides.".into(),
            ..Interest::default()
        };
        assert_eq!(fields(&check_interest(&i).unwrap_err()), ["organization"]);
    }

    #[test]
    fn links_must_be_http_or_https_unless_a_file_is_attached() {
        let r = registry();
        for bad in [
            "javascript:alert(1)",
            "ftp://x.org/a",
            "www.example.org",
            "data:text/html,x",
        ] {
            let d = Draft {
                url: bad.into(),
                ..resource()
            };
            assert_eq!(fields(&check(&r, &d, false).unwrap_err()), ["url"], "{bad}");
        }
        let d = Draft {
            url: String::new(),
            ..resource()
        };
        assert_eq!(fields(&check(&r, &d, false).unwrap_err()), ["url"]);
        assert!(check(&r, &d, true).is_ok());
    }

    #[test]
    fn every_missing_field_is_named() {
        let p = check(&registry(), &Draft::default(), false).unwrap_err();
        assert_eq!(
            fields(&p),
            [
                "kind",
                "title",
                "summary",
                "url",
                "source_org",
                "audience",
                "topics",
                "issued_on"
            ]
        );
        let d = Draft {
            audience: vec!["aliens".into()],
            topics: vec!["six-key-elements/nope".into()],
            ..resource()
        };
        assert_eq!(
            fields(&check(&registry(), &d, false).unwrap_err()),
            ["audience", "topics"]
        );
    }

    #[test]
    fn events_need_a_zone_and_to_end_after_they_start() {
        let r = registry();
        let event = Draft {
            kind: "event".into(),
            issued_on: String::new(),
            date: "2016-10-11".into(),
            start: "14:00".into(),
            end: "15:30".into(),
            time_zone: "America/New_York".into(),
            place: "Online".into(),
            ..resource()
        };
        let v = check(&r, &event, false).unwrap();
        // 2 pm EDT is 18:00 UTC.
        assert_eq!(v.event.as_ref().unwrap().0, 1_476_208_800_000);
        assert_eq!(v.event.as_ref().unwrap().1, 1_476_214_200_000);
        assert_eq!(v.issued_on, "2016-10-11");
        let backwards = Draft {
            end: "13:00".into(),
            ..event.clone()
        };
        assert_eq!(fields(&check(&r, &backwards, false).unwrap_err()), ["end"]);
        let nowhere = Draft {
            time_zone: "Mars/Olympus".into(),
            ..event.clone()
        };
        assert_eq!(
            fields(&check(&r, &nowhere, false).unwrap_err()),
            ["time_zone"]
        );
        let two_days = Draft {
            end_date: "2016-10-12".into(),
            end: "09:00".into(),
            ..event
        };
        assert!(check(&r, &two_days, false).is_ok());
    }

    #[test]
    fn the_interest_form_is_checked() {
        let ok = Interest {
            organization: "Jobs Org".into(),
            website: "https://jobs.example.org".into(),
            contact_name: "Ana".into(),
            contact_email: " Ana@Jobs.Example.org ".into(),
            about: "Toolkits.".into(),
        };
        assert_eq!(
            check_interest(&ok).unwrap().contact_email,
            "ana@jobs.example.org"
        );
        let bad = Interest {
            website: "javascript:x".into(),
            contact_email: "nope".into(),
            ..Interest::default()
        };
        assert_eq!(
            fields(&check_interest(&bad).unwrap_err()),
            [
                "organization",
                "website",
                "contact_name",
                "contact_email",
                "about"
            ]
        );
    }

    #[test]
    fn search_words_never_carry_query_syntax() {
        assert_eq!(
            fts5_query("Bridge programs"),
            Some("\"bridge\" \"programs\"".into())
        );
        assert_eq!(
            fts5_query("\"a\" OR b* NEAR(c d) -e title:f ' ; DROP TABLE"),
            Some("\"a\" \"or\" \"b\" \"near\" \"c\" \"d\" \"e\" \"title\"".into())
        );
        assert_eq!(fts5_query(" \"* - ( ) ' "), None);
        assert_eq!(
            pg_query("dual-enrollment & !x | y:*"),
            Some("dual enrollment x y".into())
        );
        assert_eq!(pg_query(""), None);
        assert_eq!(search_terms("Éducation für"), ["éducation", "für"]);
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            snippet_html("<b>\u{2}bridge\u{3}</b> & \u{2}more"),
            "&lt;b&gt;<mark>bridge</mark>&lt;/b&gt; &amp; <mark>more</mark>"
        );
        assert_eq!(clean("a\u{2}b\u{3}\r\nc", true), "ab\nc");
        assert_eq!(shorten("one two three four", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}
