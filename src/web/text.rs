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

/// A wait in whole minutes, rounded up: "1 minute", "15 minutes".
pub fn wait_words(secs: u64) -> String {
    match secs.div_ceil(60) {
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
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
