//! Layout, error pages, headers, assets and health.

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    pages_have_the_layout_and_security_headers,
    page_titles_name_the_page_then_waymark_once,
    error_pages_are_styled_and_plain,
    healthz_checks_the_database
);

async fn pages_have_the_layout_and_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let page = b.get("/").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("An official website of the United States government"),
        "federal banner"
    );
    assert!(page.body.contains("href=\"#main-content\""), "skip link");
    assert!(page.body.contains("<footer"), "footer");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.contains_key("referrer-policy"));
    assert!(
        !page.headers.contains_key("strict-transport-security"),
        "no HSTS over plain http"
    );
    assert!(page.headers.contains_key("x-request-id"));

    // Assets are content-addressed and cached for a year.
    let css = page
        .body
        .split("href=\"")
        .find(|s| s.contains("uswds.min.css"))
        .unwrap();
    let css_path = &css[..css.find('"').unwrap()];
    assert!(css_path.starts_with("/assets/"), "{css_path}");
    let asset = b.get(css_path).await;
    assert_eq!(asset.status, 200);
    assert!(
        asset.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(
        asset.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let stale = b.get("/assets/000000000000/uswds/css/uswds.min.css").await;
    assert_eq!(stale.status, 404);
    app.stop().await;
}

fn title_of(body: &str) -> &str {
    let start = body.find("<title>").expect("a title") + "<title>".len();
    let end = start + body[start..].find("</title>").unwrap();
    body[start..end].trim()
}

async fn page_titles_name_the_page_then_waymark_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(title_of(&home.body), "Home | Waymark");
    let programs = b.get("/programs").await;
    assert_eq!(title_of(&programs.body), "Programs | Waymark");
    let missing = b.get("/no/such/page").await;
    assert_eq!(title_of(&missing.body), "Page not found | Waymark");

    let (_, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    b.sign_in("admin@ta.org", &pw).await;
    for path in ["/", "/programs", "/exchange", "/account"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let title = title_of(&page.body);
        assert_eq!(title.matches("Waymark").count(), 1, "{path}: {title}");
        assert!(title.ends_with(" | Waymark"), "{path}: {title}");
    }
    app.stop().await;
}

async fn error_pages_are_styled_and_plain(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let page = b.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"));
    assert!(page.body.contains("usa-banner"), "styled with the layout");

    let (_, pw) = app.add_user("member@ks.gov", "partner", None, None).await;
    b.sign_in("member@ks.gov", &pw).await;
    let page = b.get("/admin/audit").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("You do not have access to this page"));

    let api = b.get("/api/v1/nothing-here").await;
    assert_eq!(api.status, 404);
    assert!(api.body.contains("\"code\":\"not_found\""), "{}", api.body);
    app.stop().await;
}

async fn healthz_checks_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let ok = b.get("/healthz").await;
    assert_eq!((ok.status.as_u16(), ok.body.as_str()), (200, "ok\n"));
    app.state.db.pool.close().await;
    let down = b.get("/healthz").await;
    assert_eq!(down.status, 503);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_errors_show_a_reference_and_not_the_cause() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let b = app.browser();
    // Break the database under a page that needs it.
    sqlx::raw_sql("DROP TABLE programs")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let page = b.get("/programs").await;
    assert_eq!(page.status, 500);
    assert!(page.body.contains("Something went wrong on our side"));
    let id = page.headers["x-request-id"].to_str().unwrap();
    assert!(page.body.contains(id), "the page shows the request id");
    assert!(
        !page.body.to_lowercase().contains("no such table"),
        "the cause stays in the log"
    );
    app.stop().await;
}

both_backends!(the_audit_log_cannot_be_edited_or_emptied);

async fn the_audit_log_cannot_be_edited_or_emptied(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_user("admin@ta.org", "admin", None, None).await;
    let before = app.count("audit_log").await;
    assert!(before > 0);
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&app.state.db.pool)
        .await;
    assert!(update.is_err(), "an update is refused");
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&app.state.db.pool)
        .await;
    assert!(delete.is_err(), "a delete is refused");
    assert_eq!(app.count("audit_log").await, before);
    let actor: String = sqlx::query_scalar("SELECT actor FROM audit_log LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(actor, "command line");
    app.stop().await;
}

both_backends!(an_error_page_keeps_the_signed_in_persons_header);

/// Found in review (issue 17): a refused or missing page showed a signed-in
/// person the header of someone signed out ("Sign in", no menu).
async fn an_error_page_keeps_the_signed_in_persons_header(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    let b = app.browser();
    let anonymous = b.get("/admin/people").await;
    assert_eq!(anonymous.status, 303, "signed out: sent to sign in");
    assert_eq!(b.sign_in("officer@ed.gov", &pw).await.status, 303);
    for (path, status) in [("/admin/people", 403), ("/programs/no-such-program", 404)] {
        let page = b.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(
            page.body.contains("Sign out"),
            "{path}: the signed-in header is shown"
        );
        assert!(
            !page.body.contains("<span>Sign in</span>"),
            "{path}: no sign-in link for someone signed in"
        );
    }
    let signed_out = app.browser().get("/programs/no-such-program").await;
    assert_eq!(signed_out.status, 404);
    assert!(signed_out.body.contains("<span>Sign in</span>"));
    app.stop().await;
}
