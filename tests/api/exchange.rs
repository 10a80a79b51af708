//! The Career Pathways Exchange through its pages and its API: ranked
//! search and topic browsing, hostile search words, unpublished items
//! never public, the partner flow end to end with real email, upload
//! checks, events' calendar files, and bad input named and changing
//! nothing.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Backend, Browser, PartnerFixture, SmtpSink, TestApp, call, set_password_link, unfold_qp,
};

fn resource(title: &str, summary: &str, topic: &str) -> Value {
    json!({
        "kind": "resource",
        "title": title,
        "summary": summary,
        "url": "https://www.example.org/r",
        "source_org": "Advance CTE",
        "issued_on": "2016-05-01",
        "audience": ["state_leaders"],
        "topics": [topic],
    })
}

async fn anonymous_get(app: &TestApp, path: &str) -> (u16, Value) {
    let res = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn titles(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    search_ranks_titles_first_and_never_shows_unpublished_items,
    the_database_search_index_ranks_titles_first_too,
);

async fn search_ranks_titles_first_and_never_shows_unpublished_items(backend: Backend) {
    ranks_titles_first_and_never_shows_unpublished_items(backend, &[]).await
}

/// The database's own full-text index (FTS5, PostgreSQL's tsvector) is
/// the other engine behind the same interface.
async fn the_database_search_index_ranks_titles_first_too(backend: Backend) {
    ranks_titles_first_and_never_shows_unpublished_items(backend, &[("search_index", "database")])
        .await
}

async fn ranks_titles_first_and_never_shows_unpublished_items(
    backend: Backend,
    settings: &[(&str, &str)],
) {
    let app = TestApp::spawn_with(backend, settings).await;
    let (admin_id, _) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.token_for(admin_id, "admin@x.gov").await;
    let (partner_id, _) = app.add_user("p@org.example", "partner", None, None).await;
    let partner = app.token_for(partner_id, "p@org.example").await;

    let (s, summary_only) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Sector strategies for rural regions",
            "How regions grew apprenticeship programs with employers.",
            "six-key-elements/employers",
        )),
    )
    .await;
    assert_eq!(s, 201, "{summary_only}");
    assert_eq!(summary_only["status"], "published");
    let (s, _) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Apprenticeship toolkit",
            "Templates and agreements for state teams.",
            "six-key-elements/partnerships",
        )),
    )
    .await;
    assert_eq!(s, 201);
    let (s, pending) = call(
        &app,
        &partner,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Apprenticeship secrets not yet published",
            "Apprenticeship apprenticeship apprenticeship.",
            "six-key-elements/partnerships",
        )),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(pending["status"], "pending");
    let pending_id = pending["id"].as_i64().unwrap();

    // Ranked: the title match first; the pending item nowhere.
    let (s, found) = anonymous_get(&app, "/api/v1/exchange/items?q=apprenticeship").await;
    assert_eq!(s, 200);
    assert_eq!(
        titles(&found),
        [
            "Apprenticeship toolkit",
            "Sector strategies for rural regions"
        ]
    );
    assert_eq!(found["total"], 2);
    let page = app.browser().get("/exchange/search?q=Apprenticeship").await;
    assert_eq!(page.status, 200);
    let first = page.body.find("Apprenticeship toolkit").unwrap();
    let second = page
        .body
        .find("Sector strategies for rural regions")
        .unwrap();
    assert!(first < second, "the title match is listed first");
    assert!(
        page.body.contains("<mark>apprenticeship</mark>"),
        "the words found are marked"
    );
    assert!(!page.body.contains("not yet published"));

    // Browsing a topic: newest first, published only.
    let page = app
        .browser()
        .get("/exchange/topics/six-key-elements/partnerships")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Apprenticeship toolkit"));
    assert!(!page.body.contains("not yet published"));
    assert!(!page.body.contains("Sector strategies"));
    let (_, by_topic) = anonymous_get(
        &app,
        "/api/v1/exchange/items?topic=six-key-elements/employers",
    )
    .await;
    assert_eq!(titles(&by_topic), ["Sector strategies for rural regions"]);
    let (_, topics) = anonymous_get(&app, "/api/v1/exchange/topics").await;
    let partnerships = topics
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "six-key-elements/partnerships")
        .unwrap();
    assert_eq!(partnerships["items"], 1, "the pending item is not counted");
    let home = app.browser().get("/exchange").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Apprenticeship toolkit"));
    assert!(!home.body.contains("not yet published"));

    // The unpublished item's page, file and API answer: not found, except
    // to its partner and the administrators.
    let (s, _) = anonymous_get(&app, &format!("/api/v1/exchange/items/{pending_id}")).await;
    assert_eq!(s, 404);
    let page = app
        .browser()
        .get(&format!("/exchange/items/{pending_id}"))
        .await;
    assert_eq!(page.status, 404);
    let (s, _) = call(
        &app,
        &partner,
        "GET",
        &format!("/api/v1/exchange/items/{pending_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(
        &app,
        &admin,
        "GET",
        &format!("/api/v1/exchange/items/{pending_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    // Recommendations take published resources only.
    let recs = waymark::exchange::search::resources_for_topics(
        &app.state.db,
        &["six-key-elements/partnerships".to_owned()],
        3,
    )
    .await
    .unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].2, "Apprenticeship toolkit");

    // Hostile words: results or none, never an error.
    for q in [
        "\"",
        "*",
        "NEAR(",
        "-",
        "' OR 1=1 --",
        "apprenticeship\" OR \"x",
        "title:apprenticeship",
        "a AND OR NOT",
        "^&|!:()",
        "%",
        "\\",
        "🙂",
    ] {
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let page = app
            .browser()
            .get(&format!("/exchange/search?q={enc}"))
            .await;
        assert_eq!(page.status, 200, "{q}");
        let (s, v) = anonymous_get(&app, &format!("/api/v1/exchange/items?q={enc}&page=2")).await;
        assert_eq!(s, 200, "{q}: {v}");
    }
    let (_, v) = anonymous_get(
        &app,
        "/api/v1/exchange/items?q=apprenticeship%22%20OR%20%22x",
    )
    .await;
    assert_eq!(
        v["total"], 0,
        "quotes are not syntax: every word must match"
    );
    app.stop().await;
}

both_backends!(search_answers_kept_in_memory_follow_every_change_at_once);

both_backends!(the_search_index_takes_in_changes_however_many_and_however_old);

/// Each process's search index follows the library's change log: a few
/// changes are taken in one by one, many at once or ones older than the
/// log reaches back make it read the whole library again. Either way a
/// search finds the library as it is.
async fn the_search_index_takes_in_changes_however_many_and_however_old(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("search_cache_entries", "0")]).await;
    let (admin_id, _) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.token_for(admin_id, "admin@x.gov").await;
    let (s, item) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Apprenticeship toolkit",
            "Templates and agreements for state teams.",
            "six-key-elements/partnerships",
        )),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    let id = item["id"].as_i64().unwrap();
    let (_, found) = anonymous_get(&app, "/api/v1/exchange/items?q=apprenticeship").await;
    assert_eq!(titles(&found), ["Apprenticeship toolkit"]);

    // More items than the index takes in one by one, in one statement.
    let db = &app.state.db;
    app.published_resources(2500, "Bridge program").await;
    let (_, found) = anonymous_get(&app, "/api/v1/exchange/items?q=bridge").await;
    assert_eq!(found["total"], 2500);
    assert_eq!(
        found["hits"][0]["title"], "Bridge program 2500",
        "equals: newest first"
    );
    let (_, browsed) = anonymous_get(&app, "/api/v1/exchange/items?kind=resource").await;
    assert_eq!(browsed["total"], 2501);

    // A rename, taken in on its own.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE exchange_items SET title = 'Apprenticeship guide' WHERE id = {id}"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    let (_, found) = anonymous_get(&app, "/api/v1/exchange/items?q=apprenticeship").await;
    assert_eq!(titles(&found), ["Apprenticeship guide"]);

    // A change the log no longer holds: the whole library is read again.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM exchange_item_topics WHERE item_id = {id}"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    assert!(
        waymark::exchange::search::prune_changes(db, 0)
            .await
            .unwrap()
            > 0
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exchange_library_changes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let (_, by_topic) = anonymous_get(
        &app,
        "/api/v1/exchange/items?q=apprenticeship&topic=six-key-elements/partnerships",
    )
    .await;
    assert_eq!(by_topic["total"], 0);
    let (_, found) = anonymous_get(&app, "/api/v1/exchange/items?q=apprenticeship").await;
    assert_eq!(titles(&found), ["Apprenticeship guide"]);
    app.stop().await;
}

/// Search answers are kept in memory while the library is unchanged; any
/// change, by this server or by another process writing to the same
/// database, shows in the next search.
async fn search_answers_kept_in_memory_follow_every_change_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin_id, _) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.token_for(admin_id, "admin@x.gov").await;
    let (s, item) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Apprenticeship toolkit",
            "Templates and agreements for state teams.",
            "six-key-elements/partnerships",
        )),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    let id = item["id"].as_i64().unwrap();
    let search = "/api/v1/exchange/items?q=apprenticeship";
    for _ in 0..2 {
        let (_, found) = anonymous_get(&app, search).await;
        assert_eq!(titles(&found), ["Apprenticeship toolkit"]);
    }

    // Another process renames it, straight in the database.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE exchange_items SET title = 'Apprenticeship guide' WHERE id = {id}"
    )))
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let (_, found) = anonymous_get(&app, search).await;
    assert_eq!(titles(&found), ["Apprenticeship guide"]);

    // Withdrawn: gone from the next search, on the page too.
    let (s, _) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/exchange/items/{id}/moderation"),
        Some(json!({"action": "withdraw", "note": ""})),
    )
    .await;
    assert_eq!(s, 200);
    let (_, found) = anonymous_get(&app, search).await;
    assert_eq!(found["total"], 0);
    let page = app.browser().get("/exchange/search?q=apprenticeship").await;
    assert!(!page.body.contains("Apprenticeship guide"));

    // A topic added to a new item shows in a topic search at once.
    let (_, by_topic) = anonymous_get(
        &app,
        "/api/v1/exchange/items?q=bridge&topic=six-key-elements/funding",
    )
    .await;
    assert_eq!(by_topic["total"], 0);
    assert_eq!(topic_count(&app, "six-key-elements/funding").await, 0);
    let (s, _) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/exchange/items",
        Some(resource(
            "Bridge programs",
            "Braided funding for bridge programs.",
            "six-key-elements/funding",
        )),
    )
    .await;
    assert_eq!(s, 201);
    let (_, by_topic) = anonymous_get(
        &app,
        "/api/v1/exchange/items?q=bridge&topic=six-key-elements/funding",
    )
    .await;
    assert_eq!(titles(&by_topic), ["Bridge programs"]);
    assert_eq!(topic_count(&app, "six-key-elements/funding").await, 1);
    app.stop().await;
}

async fn topic_count(app: &TestApp, key: &str) -> i64 {
    let (_, topics) = anonymous_get(app, "/api/v1/exchange/topics").await;
    topics
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .unwrap()["items"]
        .as_i64()
        .unwrap()
}

both_backends!(
    a_bad_interest_form_is_named_and_changes_nothing,
    an_approved_partner_is_invited_and_chooses_a_password,
    a_partners_submission_is_checked_and_waits_for_a_moderator,
    a_published_submission_is_public_and_no_longer_the_partners_to_change,
    a_rejected_submission_tells_the_partner_why,
);

/// The interest form's fields, with this contact email and organization.
fn interest<'a>(organization: &'a str, contact_email: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("organization", organization),
        ("contact_name", "Ana Ruiz"),
        ("contact_email", contact_email),
        ("about", "Guides"),
    ]
}

/// Plains Pathways, an approved partner, with Ana Ruiz's partner account
/// signed in.
async fn approved_partner(app: &TestApp) -> Browser {
    let email = "ana@plains.example.org";
    let (user, pw) = app.add_user(email, "partner", None, None).await;
    let plains = PartnerFixture {
        organization: "Plains Pathways",
        contact_name: "Ana Ruiz",
        contact_email: email,
        user: Some(user),
    };
    app.partner(plains).await;
    let partner = app.browser();
    assert_eq!(partner.sign_in(email, &pw).await.status, 303);
    partner
}

/// The submission form's fields for a resource with this title (and no
/// link), as the partner fills it in.
async fn submission(partner: &Browser, title: &str) -> Vec<(&'static str, String)> {
    let form = partner.get("/exchange/submit").await;
    assert_eq!(form.status, 200);
    vec![
        ("csrf_token", form.csrf_token().unwrap()),
        ("kind", "resource".to_owned()),
        ("title", title.to_owned()),
        (
            "summary",
            "How four colleges built bridge programs.".to_owned(),
        ),
        ("url", String::new()),
        ("source_org", "Plains Pathways".to_owned()),
        ("issued_on", "2016-09-01".to_owned()),
        ("audience-educators", "on".to_owned()),
        ("topic-six-key-elements.programs", "on".to_owned()),
    ]
}

const GUIDE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// The partner submits the field guide with its PDF; the item's page.
async fn submit_the_field_guide(partner: &Browser) -> String {
    let f = submission(partner, "Bridge programs field guide").await;
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = partner
        .post_multipart(
            "/exchange/submit",
            &f,
            Some(("file", "Field guide.pdf", GUIDE_PDF.to_vec())),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let item = sent.location.unwrap();
    item.split('?').next().unwrap().to_owned()
}

/// How many Exchange changes are in the audit log.
async fn exchange_audits(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('exchange_submit', 'exchange_moderate', 'exchange_partner_interest', 'exchange_partner_decision')",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

/// The public interest form: a bad address or a header slipped into the
/// organization's name is named and changes nothing.
async fn a_bad_interest_form_is_named_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let visitor = app.browser();
    let bad = visitor
        .submit(
            "/exchange/partners/apply",
            "/exchange/partners/apply",
            &interest("Plains Pathways", "not an email"),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"contact_email-error\""));
    assert!(
        bad.body
            .contains("Enter an email address like name@organization.org.")
    );
    assert_eq!(app.count("exchange_partners").await, 0);
    let forged = visitor
        .submit(
            "/exchange/partners/apply",
            "/exchange/partners/apply",
            &interest("Plains\r\nBcc: all@x.gov", "ana@plains.example.org"),
        )
        .await;
    assert_eq!(forged.status, 422);
    assert!(forged.body.contains("id=\"organization-error\""));
    assert!(
        forged
            .body
            .contains("Use one line, with no line breaks or tabs.")
    );
    assert_eq!(app.count("exchange_partners").await, 0);
    app.stop().await;
}

/// An interest form waits for the admin, who may not decline without a
/// note; approved, the contact is invited by email, chooses a password
/// and signs in.
async fn an_approved_partner_is_invited_and_chooses_a_password(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let (_, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@x.gov", &admin_pw).await;
    let ok = app
        .browser()
        .submit(
            "/exchange/partners/apply",
            "/exchange/partners/apply",
            &[
                ("organization", "Plains Pathways"),
                ("website", "https://plains.example.org"),
                ("contact_name", "Ana Ruiz"),
                ("contact_email", "ana@plains.example.org"),
                ("about", "Guides on bridge programs."),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let partner_id: i64 = sqlx::query_scalar("SELECT id FROM exchange_partners")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let queue = admin.get("/exchange/moderation").await;
    assert!(queue.body.contains("Plains Pathways"));
    let decision = format!("/exchange/partners/{partner_id}");
    let declined_without_note = admin
        .submit(
            &decision,
            &decision,
            &[("decision", "decline"), ("note", "")],
        )
        .await;
    assert_eq!(declined_without_note.status, 422);
    assert!(declined_without_note.body.contains("id=\"note-error\""));
    let approved = admin
        .submit(
            &decision,
            &decision,
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(approved.status, 303);
    let mail = smtp.wait_for(1, 20).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("ana@plains.example.org"));
    let link = set_password_link(&mail[0]).expect("an invitation link");
    let partner = app.browser();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let set = partner
        .submit(
            &link,
            "/password/set",
            &[
                ("token", &token),
                ("password", "prairie wind harvest moon"),
                ("confirm", "prairie wind harvest moon"),
            ],
        )
        .await;
    assert_eq!(set.status, 303);
    assert_eq!(
        partner
            .sign_in("ana@plains.example.org", "prairie wind harvest moon")
            .await
            .status,
        303
    );
    assert_eq!(exchange_audits(&app).await, 2, "every change is audited");
    app.stop().await;
}

/// The partner submits: a file that is not what it claims is refused next
/// to the field; then a real PDF, which waits for a moderator (not public
/// yet) and which they may still change.
async fn a_partners_submission_is_checked_and_waits_for_a_moderator(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = approved_partner(&app).await;
    let form = partner.get("/exchange/submit").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("value=\"Plains Pathways\""),
        "their organization is filled in"
    );
    let f = submission(&partner, "Bridge programs field guide").await;
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = app.count("exchange_items").await;
    let refused = partner
        .post_multipart(
            "/exchange/submit",
            &f,
            Some(("file", "guide.pdf", b"MZ\x90\x00 not a pdf".to_vec())),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"file-error\""));
    assert!(refused.body.contains("This file is not one we accept."));
    assert_eq!(app.count("exchange_items").await, before, "nothing saved");
    let item = submit_the_field_guide(&partner).await;
    let id: i64 = item.rsplit('/').next().unwrap().parse().unwrap();
    assert!(id > 0);
    assert_eq!(app.browser().get(&item).await.status, 404, "not public yet");
    let theirs = partner.get("/exchange/submissions").await;
    assert!(theirs.body.contains("Bridge programs field guide"));
    assert!(theirs.body.contains("Waiting for a moderator"));
    assert_eq!(partner.get(&format!("{item}/edit")).await.status, 200);
    assert_eq!(exchange_audits(&app).await, 1, "every change is audited");
    app.stop().await;
}

/// The admin rejects without a note (refused), then publishes: the item
/// and its file are public and found; the partner can no longer change it.
async fn a_published_submission_is_public_and_no_longer_the_partners_to_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@x.gov", &admin_pw).await;
    let partner = approved_partner(&app).await;
    let item = submit_the_field_guide(&partner).await;
    let moderate = format!("{item}/moderate");
    let no_note = admin
        .submit(&item, &moderate, &[("action", "reject"), ("note", "")])
        .await;
    assert_eq!(no_note.status, 422);
    assert!(no_note.body.contains("id=\"note-error\""));
    let published = admin
        .submit(&item, &moderate, &[("action", "publish"), ("note", "")])
        .await;
    assert_eq!(published.status, 303);
    let public = app.browser().get(&item).await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Bridge programs field guide"));
    assert!(public.body.contains("Download Field guide.pdf"));
    let (s, headers, bytes) = app.browser().download(&format!("{item}/file")).await;
    assert_eq!(s, 200);
    assert_eq!(bytes, GUIDE_PDF);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let found = app
        .browser()
        .get("/exchange/search?q=bridge+colleges")
        .await;
    assert!(found.body.contains("Bridge programs field guide"));
    assert_eq!(partner.get(&format!("{item}/edit")).await.status, 409);
    assert_eq!(exchange_audits(&app).await, 2, "every change is audited");
    app.stop().await;
}

/// A submission rejected with a note: the note reaches the partner by
/// email and on their submissions page; the item stays private.
async fn a_rejected_submission_tells_the_partner_why(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let (_, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@x.gov", &admin_pw).await;
    let partner = approved_partner(&app).await;
    let f2 = submission(&partner, "Second guide").await;
    let f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut f2 = f2;
    f2.retain(|(k, _)| *k != "url");
    f2.push(("url", "https://plains.example.org/second"));
    let sent = partner.post_multipart("/exchange/submit", &f2, None).await;
    assert_eq!(sent.status, 303);
    let item2 = sent.location.unwrap().split('?').next().unwrap().to_owned();
    let rejected = admin
        .submit(
            &item2,
            &format!("{item2}/moderate"),
            &[
                ("action", "reject"),
                ("note", "Please add the year the data covers."),
            ],
        )
        .await;
    assert_eq!(rejected.status, 303);
    let mail = smtp.wait_for(1, 20).await;
    let rejection = mail
        .iter()
        .map(|m| unfold_qp(m))
        .find(|m| m.contains("Please add the year the data covers."))
        .expect("the rejection note is emailed");
    assert!(rejection.contains("ana@plains.example.org"));
    let theirs = partner.get("/exchange/submissions").await;
    assert!(theirs.body.contains("Please add the year the data covers."));
    assert!(theirs.body.contains("Not published"));
    assert_eq!(app.browser().get(&item2).await.status, 404);
    assert_eq!(exchange_audits(&app).await, 2, "every change is audited");
    app.stop().await;
}

both_backends!(events_have_calendar_files_and_bad_items_are_named);

async fn events_have_calendar_files_and_bad_items_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin_id, _) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.token_for(admin_id, "admin@x.gov").await;
    let (other_id, _) = app.add_user("m@co.gov", "federal", None, None).await;
    let other = app.token_for(other_id, "m@co.gov").await;

    let bad = json!({
        "kind": "event",
        "title": "",
        "summary": "A webinar.",
        "url": "javascript:alert(1)",
        "source_org": "NGA",
        "audience": ["state_leaders"],
        "topics": ["six-key-elements/nope"],
        "date": "2016-10-11",
        "start": "14:00",
        "end": "13:00",
        "time_zone": "America/Chicago",
    });
    let before = app.count("exchange_items").await;
    let (s, v) = call(&app, &admin, "POST", "/api/v1/exchange/items", Some(bad)).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "url", "topics", "end"]);
    assert_eq!(app.count("exchange_items").await, before);
    let (s, _) = call(
        &app,
        &other,
        "POST",
        "/api/v1/exchange/items",
        Some(resource("x", "y", "six-key-elements/programs")),
    )
    .await;
    assert_eq!(s, 403, "only partners and administrators submit");

    let event = json!({
        "kind": "event",
        "title": "Webinar: braided funding, step by step",
        "summary": "Two states walk through their budgets.",
        "url": "https://www.example.org/webinar",
        "source_org": "NGA",
        "audience": ["state_leaders", "workforce_boards"],
        "topics": ["six-key-elements/funding"],
        "date": "2016-10-11",
        "start": "14:00",
        "end": "15:30",
        "time_zone": "America/Chicago",
        "place": "Online; a link comes when you register",
    });
    let (s, v) = call(&app, &admin, "POST", "/api/v1/exchange/items", Some(event)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["issued_on"], "2016-10-11");
    let page = app.browser().get(&format!("/exchange/items/{id}")).await;
    assert!(
        page.body
            .contains("Tuesday, October 11, 2016, 2 pm to 3:30 pm Central time")
    );
    assert!(page.body.contains("Add to calendar"));
    let (s, headers, bytes) = app
        .browser()
        .download(&format!("/exchange/items/{id}/event.ics"))
        .await;
    assert_eq!(s, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = String::from_utf8(bytes).unwrap();
    let mut events = Vec::new();
    for cal in ical::IcalParser::new(std::io::BufReader::new(text.as_bytes())) {
        let cal = cal.expect("a calendar the parser accepts");
        events.extend(cal.events);
    }
    assert_eq!(events.len(), 1);
    let prop = |name: &str| {
        events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    // 2 pm CDT is 19:00 UTC.
    assert_eq!(prop("DTSTART"), "20161011T190000Z");
    assert_eq!(prop("DTEND"), "20161011T203000Z");
    assert!(prop("SUMMARY").contains("braided funding"));
    let (_, upcoming) = anonymous_get(&app, "/api/v1/exchange/events").await;
    assert!(upcoming.as_array().unwrap().is_empty(), "2016 is past");
    app.stop().await;
}

both_backends!(the_demo_has_a_library_a_partner_and_recommended_resources);

async fn the_demo_has_a_library_a_partner_and_recommended_resources(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let db = &app.state.db.pool;
    let published: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exchange_items WHERE status = 'published'")
            .fetch_one(db)
            .await
            .unwrap();
    assert!(published >= 250, "{published}");
    // The ids the browser test visits.
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, kind, status FROM exchange_items WHERE id IN (1, 11, 279) ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (1, "resource".to_owned(), "published".to_owned()),
            (11, "event".to_owned(), "published".to_owned()),
            (279, "resource".to_owned(), "pending".to_owned()),
        ]
    );
    let partners: Vec<String> =
        sqlx::query_scalar("SELECT status FROM exchange_partners ORDER BY id")
            .fetch_all(db)
            .await
            .unwrap();
    assert_eq!(partners, ["approved", "pending"]);
    let home = app.browser().get("/exchange").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Upcoming events"));
    let partner = sign_ins
        .iter()
        .find(|s| s.email == "partner@demo.waymark.test")
        .unwrap();
    let b = app.browser();
    b.sign_in(&partner.email, &partner.password).await;
    let theirs = b.get("/exchange/submissions").await;
    assert!(theirs.body.contains("Waiting for a moderator"));
    assert!(theirs.body.contains("Published"));
    // Colorado's results recommend resources tagged with its priorities.
    let lead = sign_ins
        .iter()
        .find(|s| s.email == "lead.co@demo.waymark.test")
        .unwrap();
    let b = app.browser();
    b.sign_in(&lead.email, &lead.password).await;
    let results = b
        .get(&format!(
            "/programs/{}/assessment/CO/results",
            waymark::seed::demo::PROGRAM_SLUG
        ))
        .await;
    assert_eq!(results.status, 200);
    assert!(
        results
            .body
            .contains("Resources from the Career Pathways Exchange")
    );
    assert!(results.body.contains("href=\"/exchange/items/"));
    assert!(results.body.contains("More on this topic"));
    app.stop().await;
}

both_backends!(bad_values_in_query_strings_are_named);

/// A value in the query string that does not fit (`?page=abc`) is the
/// site's own page naming it, or for the API a JSON error naming the
/// field; never axum's bare text.
async fn bad_values_in_query_strings_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in [
        "/exchange/search?q=bridge&page=abc",
        "/exchange/search?page=99999999999999999999",
    ] {
        let page = app.browser().get(path).await;
        assert_eq!(page.status, 400, "{path}: {}", page.body);
        let kind = page.headers["content-type"].to_str().unwrap();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(
            page.body.contains("cannot read (\u{201c}page\u{201d})"),
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("<main"), "the site's own page: {path}");
    }
    let page = app.browser().get("/exchange/search?q=bridge&page=2").await;
    assert_eq!(page.status, 200);

    let (s, body) = anonymous_get(&app, "/api/v1/exchange/items?page=abc").await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid", "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "page", "{body}");
    let (s, _) = anonymous_get(&app, "/api/v1/exchange/items?page=2").await;
    assert_eq!(s, 200);
    app.stop().await;
}

both_backends!(bad_ids_in_addresses_are_not_found);

/// A non-numeric, too large or unknown id in an address is the site's own
/// "Page not found" page, or for the API a JSON 404 naming the part of the
/// address; never a bare text answer or a 500. Across areas, not only the
/// Exchange.
async fn bad_ids_in_addresses_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin_id, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let token = app.token_for(admin_id, "admin@x.gov").await;
    app.add_program("cp-2016").await;
    let admin = app.browser();
    admin.sign_in("admin@x.gov", &admin_pw).await;

    for path in [
        "/exchange/items/abc",
        "/exchange/items/99999999999999999999999",
        "/exchange/items/424242",
        "/exchange/items/abc/event.ics",
        "/exchange/partners/abc",
        "/programs/cp-2016/forum/threads/abc",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        let kind = page.headers["content-type"].to_str().unwrap();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(
            page.body.contains("Page not found"),
            "{path}: {}",
            page.body
        );
    }
    // A form posted to a bad address: not found, too.
    let page = admin
        .submit(
            "/exchange/submit",
            "/exchange/items/abc/moderate",
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(page.body.contains("Page not found"));

    for (method, path, field) in [
        ("GET", "/api/v1/exchange/items/abc", "id"),
        (
            "GET",
            "/api/v1/exchange/items/99999999999999999999999",
            "id",
        ),
        ("PUT", "/api/v1/exchange/items/abc", "id"),
        ("GET", "/api/v1/exchange/digests/abc", "id"),
        ("PUT", "/api/v1/programs/cp-2016/teams/CO/members/abc", "id"),
    ] {
        let (s, body) = call(&app, &token, method, path, Some(json!({}))).await;
        assert_eq!(s, 404, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{path}: {body}");
    }
    let (s, body) = anonymous_get(&app, "/api/v1/exchange/items/abc").await;
    assert_eq!(s, 404);
    assert_eq!(body["error"]["fields"][0]["field"], "id");
    let (s, body) = anonymous_get(&app, "/api/v1/exchange/items/424242").await;
    assert_eq!(s, 404);
    assert_eq!(body["error"]["code"], "not_found");
    app.stop().await;
}

/// The files in the uploads folder, at any depth.
fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { count(&path) } else { 1 }
                })
                .sum()
        })
    }
    count(&app.dir.path().join("uploads"))
}

/// Makes every audit write fail (so a change's transaction fails after
/// its item row is written), or mends it.
async fn break_audit_log(app: &TestApp, broken: bool) {
    let sql = if broken {
        "ALTER TABLE audit_log RENAME TO audit_log_away"
    } else {
        "ALTER TABLE audit_log_away RENAME TO audit_log"
    };
    sqlx::query(sql).execute(&app.state.db.pool).await.unwrap();
}

both_backends!(a_change_that_fails_leaves_no_file_behind);

async fn a_change_that_fails_leaves_no_file_behind(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@x.gov", &admin_pw).await;
    let csrf = admin.get("/exchange/submit").await.csrf_token().unwrap();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("kind", "resource"),
        ("title", "Bridge programs field guide"),
        ("summary", "How four colleges built bridge programs."),
        ("url", ""),
        ("source_org", "Plains Pathways"),
        ("issued_on", "2016-09-01"),
        ("audience-educators", "on"),
        ("topic-six-key-elements.programs", "on"),
    ];
    let pdf = |n: u8| {
        let mut b = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        b.push(b'0' + n);
        b
    };

    // The item row is written, then the audit entry fails: the whole
    // change is undone, its file too.
    break_audit_log(&app, true).await;
    let failed = admin
        .post_multipart(
            "/exchange/submit",
            &fields,
            Some(("file", "guide.pdf", pdf(1))),
        )
        .await;
    break_audit_log(&app, false).await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    assert!(failed.body.contains("Something went wrong on our side"));
    assert_eq!(app.count("exchange_items").await, 0);
    assert_eq!(stored_files(&app), 0, "no file left behind");

    // A change that works keeps its one file.
    let sent = admin
        .post_multipart(
            "/exchange/submit",
            &fields,
            Some(("file", "guide.pdf", pdf(2))),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let item = sent.location.unwrap().split('?').next().unwrap().to_owned();
    assert_eq!(stored_files(&app), 1);

    // A failed edit with a new file keeps the old one, and only it.
    let edit = format!("{item}/edit");
    break_audit_log(&app, true).await;
    let failed = admin
        .post_multipart(&edit, &fields, Some(("file", "guide v2.pdf", pdf(3))))
        .await;
    break_audit_log(&app, false).await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    assert_eq!(stored_files(&app), 1);
    let (s, _, bytes) = app.browser().download(&format!("{item}/file")).await;
    assert_eq!(s, 200);
    assert_eq!(bytes, pdf(2));

    // An edit that works replaces the file: the old one is removed.
    let edited = admin
        .post_multipart(&edit, &fields, Some(("file", "guide v2.pdf", pdf(4))))
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    assert_eq!(stored_files(&app), 1, "the replaced file is removed");
    let (s, _, bytes) = app.browser().download(&format!("{item}/file")).await;
    assert_eq!(s, 200);
    assert_eq!(bytes, pdf(4));
    app.stop().await;
}

/// A zip holding the named parts, as Office files are.
fn zip_with(parts: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for p in parts {
        w.start_file(*p, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"<x/>").unwrap();
    }
    w.finish().unwrap().into_inner()
}

both_backends!(partners_and_admins_attach_slide_decks);

async fn partners_and_admins_attach_slide_decks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, admin_pw) = app.add_user("admin@x.gov", "admin", None, None).await;
    let (_, partner_pw) = app.add_user("p@org.example", "partner", None, None).await;
    let deck = zip_with(&[
        "[Content_Types].xml",
        "ppt/presentation.xml",
        "ppt/slides/slide1.xml",
    ]);
    for (email, password, done) in [
        ("p@org.example", partner_pw.as_str(), "submitted"),
        ("admin@x.gov", admin_pw.as_str(), "published"),
    ] {
        let b = app.browser();
        b.sign_in(email, password).await;
        let form = b.get("/exchange/submit").await;
        assert!(
            form.body.contains("PowerPoint slide deck (.pptx)"),
            "the hint lists it"
        );
        let csrf = form.csrf_token().unwrap();
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("kind", "resource"),
            ("title", "Kickoff slides"),
            ("summary", "The slides from the program's kickoff meeting."),
            ("url", ""),
            ("source_org", "Plains Pathways"),
            ("issued_on", "2016-09-01"),
            ("audience-educators", "on"),
            ("topic-six-key-elements.programs", "on"),
        ];
        // A zip called .pptx without a presentation inside is refused.
        let before = app.count("exchange_items").await;
        let fake = zip_with(&["[Content_Types].xml", "readme.txt"]);
        let refused = b
            .post_multipart(
                "/exchange/submit",
                &fields,
                Some(("file", "deck.pptx", fake)),
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("id=\"file-error\""));
        assert!(
            refused.body.contains("or a PowerPoint slide deck (.pptx)."),
            "the message lists slide decks"
        );
        assert_eq!(app.count("exchange_items").await, before, "nothing saved");

        let sent = b
            .post_multipart(
                "/exchange/submit",
                &fields,
                Some(("file", "Kickoff deck.pptx", deck.clone())),
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let location = sent.location.unwrap();
        assert!(location.ends_with(&format!("?done={done}")), "{location}");
        let item = location.split('?').next().unwrap().to_owned();
        let page = b.get(&item).await;
        assert!(
            page.body.contains("Download Kickoff deck.pptx"),
            "{}",
            page.body
        );
        let (s, headers, bytes) = b.download(&format!("{item}/file")).await;
        assert_eq!(s, 200);
        assert_eq!(bytes, deck);
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        );
    }
    app.stop().await;
}
