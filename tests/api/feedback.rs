//! Feedback and links that hold (issue 15, part 8): a refused form opens on
//! an error summary at the top of the main content, which the page's script
//! focuses, with a link to each field that has a problem; a change is
//! confirmed on the page it lands on, in an alert read out to screen
//! readers.

use std::path::{Path, PathBuf};

use crate::applications::future_program;
use crate::assessment::{member, team};
use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    a_refused_roster_form_opens_on_its_error_summary,
    the_summary_is_focused_by_a_script_the_policy_allows,
    changes_are_confirmed_aloud_where_they_land,
);

const SLUG: &str = "acp";

/// The error summary of a page: from its marker to the end of its list.
fn summary(body: &str) -> &str {
    let start = body
        .find("data-error-summary")
        .unwrap_or_else(|| panic!("no error summary in:\n{body}"));
    let start = body[..start].rfind("<div").unwrap();
    let end = start + body[start..].find("</ul>").expect("the summary's list");
    &body[start..end]
}

/// The text of the element with this id (up to the next tag).
fn text_of<'a>(body: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in:\n{body}"));
    let start = at + body[at..].find('>').unwrap() + 1;
    let end = start + body[start..].find('<').unwrap();
    &body[start..end]
}

async fn a_refused_roster_form_opens_on_its_error_summary(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let program_id = future_program(&app, SLUG).await;
    team(&app, program_id, "CO").await;
    let (_, lead, _) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let roster = format!("/programs/{SLUG}/teams/CO");
    let before = app.count("team_members").await;

    // The add form with a bad email address and no sector.
    let bad = lead
        .submit(
            &roster,
            &format!("{roster}/members"),
            &[
                ("name", "Hal New"),
                ("email", "not-an-email"),
                ("agency", "Commerce"),
                ("level", "state"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(app.count("team_members").await, before, "nothing added");
    let s = summary(&bad.body);
    assert!(s.contains("usa-alert usa-alert--error"), "{s}");
    assert!(s.contains("tabindex=\"-1\""), "focusable by script: {s}");
    assert!(s.contains("role=\"alert\""), "{s}");
    assert!(s.contains("There is a problem"), "{s}");
    // Each problem links to its field, with the message shown there.
    for id in ["member_email", "member_sector"] {
        let message = text_of(&bad.body, &format!("{id}-error"));
        assert!(!message.is_empty());
        assert!(
            s.contains(&format!("<a href=\"#{id}\">{message}</a>")),
            "{id}: {s}"
        );
        assert!(bad.body.contains(&format!("id=\"{id}\"")), "#{id} exists");
    }
    // At the top of the main content: after the heading, before the roster.
    let main = bad.body.find("<main").unwrap();
    let at = bad.body.find("data-error-summary").unwrap();
    let h1 = bad.body.find("<h1").unwrap();
    assert!(
        main < h1 && h1 < at,
        "the summary follows the page's heading"
    );
    assert!(
        at < bad.body.find("id=\"coverage\"").unwrap(),
        "the summary comes before the page's sections"
    );
    assert_eq!(
        bad.body.matches("data-error-summary").count(),
        1,
        "one summary"
    );

    // A roster form without a field to go to: its problem is in the
    // summary as plain text.
    let lead_row: i64 =
        sqlx::query_scalar("SELECT id FROM team_members WHERE email = 'lead@co.gov'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let refused = lead
        .submit(
            &roster,
            &format!("{roster}/members/{lead_row}/role"),
            &[("role", "member")],
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let s = summary(&refused.body);
    assert!(s.contains("There is a problem"), "{s}");
    let item = &s[s.find("<li>").expect("one problem")..];
    assert!(!item.contains("<a "), "no field to link to: {s}");
    assert!(item.len() > "<li></li>".len(), "{s}");

    // A page with nothing wrong has no summary.
    let fine = lead.get(&roster).await;
    assert!(!fine.body.contains("data-error-summary"));
    app.stop().await;
}

async fn the_summary_is_focused_by_a_script_the_policy_allows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let refused = b
        .submit(
            "/signin",
            "/signin",
            &[("email", "nobody@example.gov"), ("password", "wrong")],
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let s = summary(&refused.body);
    assert!(s.contains("There is a problem"), "{s}");

    // Every page loads the script from the asset bundle, which the
    // Content-Security-Policy allows (script-src 'self', nothing inline).
    let src = refused
        .body
        .split("<script src=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .find(|s| s.ends_with("/waymark/error-summary.js"))
        .expect("the page loads the error summary script");
    assert!(src.starts_with("/assets/"), "{src}");
    let csp = refused.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let script = b.get(src).await;
    assert_eq!(script.status, 200);
    assert!(
        script.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript"),
        "{:?}",
        script.headers["content-type"]
    );
    assert!(script.body.contains("DOMContentLoaded"));
    assert!(script.body.contains("[data-error-summary]"));
    assert!(script.body.contains(".focus()"));
    app.stop().await;
}

/// The confirmation on a page: the success alert, with role="status" so
/// screen readers read it out, holding `text`.
fn assert_confirmed(body: &str, text: &str) {
    let at = body
        .find(text)
        .unwrap_or_else(|| panic!("no \"{text}\" in:\n{body}"));
    let alert = body[..at]
        .rfind("<div class=\"usa-alert usa-alert--success")
        .unwrap_or_else(|| panic!("\"{text}\" is not in a success alert"));
    let open = &body[alert..alert + body[alert..].find('>').unwrap()];
    assert!(open.contains("role=\"status\""), "{open}");
    assert!(
        !body[alert..at].contains("</div></div>"),
        "\"{text}\" is inside the alert"
    );
}

async fn changes_are_confirmed_aloud_where_they_land(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let program_id = future_program(&app, SLUG).await;

    // Starting an application lands on it with a confirmation.
    let (_, pw) = app
        .add_user("lead@mn.gov", "state_lead", Some(SLUG), Some("MN"))
        .await;
    let mn = app.browser();
    mn.sign_in("lead@mn.gov", &pw).await;
    let page = format!("/programs/{SLUG}/application");
    let started = mn.submit(&page, &format!("{page}/start"), &[]).await;
    assert_eq!(started.status, 303);
    let to = started.location.expect("a redirect");
    assert_eq!(to, format!("{page}?done=application-started"));
    let landed = mn.get(&to).await;
    assert_eq!(landed.status, 200);
    assert_confirmed(
        &landed.body,
        "Your application is started. Fill it in below.",
    );

    // Adding a member to a roster lands on the roster with a confirmation.
    team(&app, program_id, "CO").await;
    let (_, lead, _) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let roster = format!("/programs/{SLUG}/teams/CO");
    let added = lead
        .submit(
            &roster,
            &format!("{roster}/members"),
            &[
                ("name", "Hal New"),
                ("email", "hal@co.gov"),
                ("agency", "Commerce"),
                ("sector", "justice"),
                ("level", "state"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let to = added.location.expect("a redirect");
    assert!(to.contains("?done=member-added"), "{to}");
    let landed = lead.get(to.split('#').next().unwrap()).await;
    assert_confirmed(&landed.body, "The member is added and invited by email.");
    app.stop().await;
}

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            templates(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// Every page that can show a problem next to a field shows the shared
/// error summary at its top (templates/forms.html), itself or through a
/// template it includes; a template only included elsewhere is covered by
/// the pages that include it. No page builds an error alert of its own.
#[test]
fn every_page_with_field_errors_uses_the_shared_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut files = Vec::new();
    templates(&root, &mut files);
    let read: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let name = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let includes = |text: &str| -> Vec<String> {
        text.split("{% include \"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_owned())
            .collect()
    };
    let calls = |name: &str| -> bool {
        let text = &read.iter().find(|(n, _)| n == name).unwrap().1;
        text.contains("f::error_summary(")
            || includes(text).iter().any(|i| {
                read.iter()
                    .any(|(n, t)| n == i && t.contains("f::error_summary("))
            })
    };
    let mut missing = Vec::new();
    for (name, text) in &read {
        if name == "forms.html" {
            assert!(text.contains("macro error_summary("));
            continue;
        }
        assert!(
            !text.contains("usa-alert--error"),
            "{name} builds its own error alert: use f::error_summary"
        );
        let shows_errors =
            text.contains("usa-error-message") || text.contains("usa-form-group--error");
        if !shows_errors || calls(name) {
            continue;
        }
        let parents: Vec<&String> = read
            .iter()
            .filter(|(_, t)| includes(t).contains(name))
            .map(|(n, _)| n)
            .collect();
        if parents.is_empty() || !parents.iter().all(|p| calls(p)) {
            missing.push(name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "these pages show form errors without the error summary: {missing:?}"
    );
    let summaries = read
        .iter()
        .filter(|(_, t)| t.contains("f::error_summary("))
        .count();
    assert!(
        summaries > 20,
        "only {summaries} pages: is templates/ read?"
    );
}
