//! Rules every typed field shares.

/// What a person is told when a one-line field holds a line break.
pub const ONE_LINE: &str = "Use one line, with no line breaks or tabs.";

/// A field meant for one line (a name, a title, a place) holds no line
/// break, tab or other control character once trimmed: a name such as
/// `Eve\r\nBcc: …` would otherwise put a forged line into the emails and
/// files built from it.
pub fn is_one_line(value: &str) -> bool {
    !value.trim().chars().any(char::is_control)
}

/// Adds `ONE_LINE` for each field that breaks the rule and has no problem
/// noted yet.
pub fn check_one_line(errors: &mut Vec<(&'static str, String)>, fields: &[(&'static str, &str)]) {
    for (field, value) in fields {
        if !is_one_line(value) && !errors.iter().any(|(f, _)| f == field) {
            errors.push((field, ONE_LINE.to_owned()));
        }
    }
}

/// What a person is told when a value holds a NUL character, which no
/// text field can hold (PostgreSQL refuses it outright).
pub const NO_NUL: &str =
    "This holds a NUL character, which cannot be stored. Remove it and try again.";

/// The first (name, value) pair whose value holds a NUL, by name.
pub fn field_with_nul<'a, I>(pairs: I) -> Option<String>
where
    I: IntoIterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
{
    pairs
        .into_iter()
        .find(|(_, v)| v.contains('\0'))
        .map(|(k, _)| k.into_owned())
}

/// The JSON path (`a.b[2]`) of the first string holding a NUL.
pub fn json_path_with_nul(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(String::new()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| json_path_with_nul(v).map(|rest| format!("[{i}]{}", dotted(&rest)))),
        serde_json::Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| json_path_with_nul(v).map(|rest| format!("{k}{}", dotted(&rest)))),
        _ => None,
    }
}

fn dotted(rest: &str) -> String {
    if rest.is_empty() || rest.starts_with('[') {
        rest.to_owned()
    } else {
        format!(".{rest}")
    }
}

/// A wait in whole minutes, rounded up: "1 minute", "15 minutes".
pub fn wait_words(secs: u64) -> String {
    match secs.div_ceil(60) {
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

pub fn valid_email(email: &str) -> bool {
    let e = email.trim();
    e.len() <= 254 && e.parse::<lettre::Address>().is_ok() && e.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_tabs_and_other_controls_are_refused_once_trimmed() {
        assert!(is_one_line("Ana Ruiz"));
        assert!(is_one_line("  Ana Ruiz \n"), "trimmed away");
        assert!(is_one_line("Ana Ruíz, Director — Workforce"));
        for bad in [
            "Eve\r\nBcc: x@y.gov",
            "Eve\nBcc",
            "a\tb",
            "a\u{0}b",
            "a\u{1b}[31mb",
            "a\u{85}b",
        ] {
            assert!(!is_one_line(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_nul_is_found_by_its_field() {
        let pairs = url::form_urlencoded::parse(b"email=a%00b%40x&password=p");
        assert_eq!(field_with_nul(pairs).as_deref(), Some("email"));
        assert_eq!(field_with_nul(url::form_urlencoded::parse(b"a=b")), None);
        let v = serde_json::json!({"title": "ok", "items": [{"note": "x\u{0}y"}]});
        assert_eq!(json_path_with_nul(&v).as_deref(), Some("items[0].note"));
        assert_eq!(
            json_path_with_nul(&serde_json::json!({"a": [1, "b"]})),
            None
        );
    }

    #[test]
    fn a_field_gets_one_problem() {
        let mut errors = vec![("name", "Enter a name.".to_owned())];
        check_one_line(
            &mut errors,
            &[("name", "a\nb"), ("title", "c\nd"), ("place", "ok")],
        );
        assert_eq!(
            errors,
            [
                ("name", "Enter a name.".to_owned()),
                ("title", ONE_LINE.to_owned())
            ]
        );
    }
}
