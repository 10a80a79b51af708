//! Every `?done=` code a page redirects with has a confirmation text in
//! the `notice` of the area whose page shows it. The codes written out in
//! an address (`?done=ratings-saved`) are read from the source files under
//! `src/` when the test runs; the few passed through a variable
//! (`?done={done}`) are listed here, file by file, and the test checks
//! that each file with such an address is listed and that every listed
//! code is still in its file.

use std::path::{Path, PathBuf};

type Notice = fn(&str) -> Option<&'static str>;

/// The `notice` used by the pages a source file redirects to.
fn notice_for(file: &str) -> (&'static str, Notice) {
    let area = file.split('/').next().unwrap_or("");
    match (area, file) {
        (_, "exchange/subscribe_pages.rs") => (
            "exchange::subscribe_pages",
            crate::exchange::subscribe_pages::notice,
        ),
        ("exchange", _) => ("exchange::handlers", crate::exchange::handlers::notice),
        ("activity", _) => ("activity::handlers", crate::activity::handlers::notice),
        ("assessment", _) => ("assessment::handlers", crate::assessment::handlers::notice),
        ("forum", _) => ("forum::handlers", crate::forum::handlers::notice),
        ("mentoring", _) => ("mentoring::handlers", crate::mentoring::handlers::notice),
        ("plan", _) => ("plan::handlers", crate::plan::handlers::notice),
        _ => ("web::notice", crate::web::notice::common),
    }
}

/// Codes given to `?done={...}` through a variable, by file (relative to
/// `src/`).
const PASSED_IN: &[(&str, &[&str])] = &[
    (
        "activity/handlers.rs",
        &[
            "changed",
            "cancelled",
            "recorded",
            "item-added",
            "item-planned",
            "item-done",
            "item-open",
        ],
    ),
    (
        "application/handlers.rs",
        &["extension-saved", "extension-cleared"],
    ),
    (
        "exchange/handlers.rs",
        &["published", "rejected", "withdrawn", "submitted"],
    ),
    ("forum/handlers.rs", &["watching", "unwatched"]),
    (
        "plan/handlers.rs",
        &[
            "goal-added",
            "goal-removed",
            "step-added",
            "status-saved",
            "step-removed",
            "milestone-added",
            "milestone-saved",
            "milestone-removed",
            "update-added",
        ],
    ),
    (
        "plan/edit.rs",
        &["goal-saved", "step-saved", "milestone-saved"],
    ),
    (
        "review/handlers.rs",
        &[
            "review-saved",
            "review-submitted",
            "reviewer-assigned",
            "reviewer-removed",
            "reviewers-assigned",
            "ranking-saved",
            "decision-sent",
        ],
    ),
    (
        "team/handlers.rs",
        &[
            "member-added",
            "member-removed",
            "role-changed",
            "reinvited",
            "coach-assigned",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The codes written out after `done=` in a file, and whether it also
/// has a `done={...}` filled in from a variable.
fn codes_in(text: &str) -> (Vec<String>, bool) {
    let mut codes = Vec::new();
    let mut passed_in = false;
    for (at, _) in text.match_indices("done=") {
        let rest = &text[at + "done=".len()..];
        let code: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        if !code.is_empty() {
            codes.push(code);
        } else if rest.starts_with('{') {
            passed_in = true;
        }
    }
    (codes, passed_in)
}

#[test]
fn every_done_code_has_a_notice() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut missing = Vec::new();
    let mut checked = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "web/done_codes.rs" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let (mut codes, passed_in) = codes_in(&text);
        let listed = PASSED_IN.iter().find(|(f, _)| *f == rel);
        if passed_in {
            let Some((_, list)) = listed else {
                panic!("{rel} redirects with ?done={{...}}: list its codes in PASSED_IN");
            };
            codes.extend(list.iter().map(|c| (*c).to_owned()));
        }
        if let Some((_, list)) = listed {
            for code in *list {
                assert!(
                    text.contains(&format!("\"{code}\"")),
                    "{code} is listed for {rel} but is not in it any more"
                );
            }
        }
        let (name, notice) = notice_for(&rel);
        for code in codes {
            checked += 1;
            if notice(&code).is_none() {
                missing.push(format!("{rel}: done={code} has no text in {name}::notice"));
            }
        }
    }
    assert!(checked > 50, "only {checked} codes found: is src/ read?");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn saved_ratings_are_confirmed() {
    assert_eq!(
        crate::assessment::handlers::notice("ratings-saved"),
        Some("Your ratings are saved.")
    );
}

#[test]
fn codes_are_read_as_written() {
    let (codes, passed_in) =
        codes_in(r#"format!("{path}?done=ratings-saved") format!("{p}?done={done}#x")"#);
    assert_eq!(codes, ["ratings-saved"]);
    assert!(passed_in);
}
