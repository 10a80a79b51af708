//! The forum through its pages and its API: a state's private category is
//! invisible to everyone else (pages, API, search, thread pages by id,
//! posting, mentions, watching); posts render inert; mention and watch
//! emails reach the right people only, over real SMTP; edit history;
//! hiding, locking and moving; flags; bad input refused next to the field;
//! mentions and watched threads' replies waiting on home until read.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, Browser, Page, SmtpSink, TestApp, call, unfold_qp};

both_backends!(
    a_private_category_is_invisible_to_everyone_else,
    posts_render_inert_and_bad_input_changes_nothing,
    mentions_and_watches_email_the_right_people_only,
    an_edit_keeps_the_history_and_only_the_author_edits,
    a_flag_needs_a_reason_and_waits_for_a_moderator,
    a_moderator_hides_a_flagged_post_and_resolves_the_flag,
    a_locked_thread_takes_replies_from_moderators_only,
    a_thread_moves_only_to_a_category_its_moderator_moderates,
    a_hidden_thread_is_gone_for_everyone_but_the_moderators,
    a_team_that_joins_gets_its_category_when_another_left,
    a_stop_link_in_a_watch_email_works_signed_out,
    an_edit_emails_only_the_newly_mentioned,
    a_hidden_thread_takes_no_replies_and_says_so_with_one_status,
    search_finds_the_same_threads_on_both_databases,
    home_tells_of_mentions_and_replies_until_they_are_read,
);

const SLUG: &str = "acp";
const FORUM: &str = "/programs/acp/forum";
const API: &str = "/api/v1/programs/acp/forum";

struct Person {
    id: i64,
    email: String,
    b: Browser,
    t: String,
}

struct World {
    app: TestApp,
    /// Colorado: lead Ana Ruiz, member Jordan Kim, coach Renee Alvarez.
    ana: Person,
    jordan: Person,
    renee: Person,
    /// Kansas: member Beth Lindqvist, coach Walt Brennan.
    beth: Person,
    walt: Person,
    /// The federal officer Thomas Greer, and the administrator.
    thomas: Person,
    admin: Person,
    general: i64,
    co: i64,
    topic: i64,
}

async fn person(app: &TestApp, email: &str, name: &str, role: &str, state: Option<&str>) -> Person {
    let program = matches!(role, "coach" | "state_lead" | "state_member").then_some(SLUG);
    let (id, pw) = app.add_user(email, role, program, state).await;
    sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let b = app.browser();
    assert_eq!(b.sign_in(email, &pw).await.status, 303);
    let t = app.token_for(id, email).await;
    Person {
        id,
        email: email.into(),
        b,
        t,
    }
}

async fn world(app: TestApp) -> World {
    let program_id = app.add_program(SLUG).await;
    for code in ["CO", "KS"] {
        app.in_program(program_id).team(code).await;
    }
    let ana = person(&app, "ana@co.gov", "Ana Ruiz", "state_lead", Some("CO")).await;
    let jordan = person(
        &app,
        "jordan@co.gov",
        "Jordan Kim",
        "state_member",
        Some("CO"),
    )
    .await;
    let renee = person(&app, "renee@ta.org", "Renee Alvarez", "coach", Some("CO")).await;
    let beth = person(
        &app,
        "beth@ks.gov",
        "Beth Lindqvist",
        "state_member",
        Some("KS"),
    )
    .await;
    let walt = person(&app, "walt@ta.org", "Walt Brennan", "coach", Some("KS")).await;
    let thomas = person(&app, "thomas@ed.gov", "Thomas Greer", "federal", None).await;
    let admin = person(&app, "admin@ta.org", "Dana Whitfield", "admin", None).await;
    // Opening the forum makes its categories.
    let (status, cats) = call(&app, &ana.t, "GET", API, None).await;
    assert_eq!(status, 200, "{cats}");
    let id_of = |kind: &str, key: &str| {
        cats.as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind && c["key"] == key)
            .unwrap_or_else(|| panic!("{kind} {key} in {cats}"))["id"]
            .as_i64()
            .unwrap()
    };
    let general = id_of("general", "general");
    let co = id_of("state", "CO");
    let topic = id_of("topic", "partnerships");
    World {
        app,
        ana,
        jordan,
        renee,
        beth,
        walt,
        thomas,
        admin,
        general,
        co,
        topic,
    }
}

/// Starts a thread through the API; returns (thread id, first post id).
async fn start(w: &World, who: &Person, category: i64, title: &str, body: &str) -> (i64, i64) {
    let (status, v) = call(
        &w.app,
        &who.t,
        "POST",
        &format!("{API}/categories/{category}/threads"),
        Some(json!({ "title": title, "body": body })),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    (
        v["thread"]["id"].as_i64().unwrap(),
        v["posts"][0]["id"].as_i64().unwrap(),
    )
}

async fn reply(w: &World, who: &Person, thread: i64, body: &str) -> (u16, Value) {
    call(
        &w.app,
        &who.t,
        "POST",
        &format!("{API}/threads/{thread}/posts"),
        Some(json!({ "body": body })),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn a_private_category_is_invisible_to_everyone_else(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    // Colorado's team talks in its own category, through the page.
    let form = format!("{FORUM}/categories/{}/new", w.co);
    let page = w.ana.b.get(&form).await;
    assert_eq!(page.status, 200);
    let res = w
        .ana
        .b
        .submit(
            &form,
            &format!("{FORUM}/categories/{}", w.co),
            &[
                ("title", "Quarrelsome budget office"),
                (
                    "body",
                    "The zanzibarian budget memo stays between us. @Beth and @Renee, note this.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let thread: i64 = count(app, "SELECT MAX(id) FROM forum_threads").await;
    let post: i64 = count(app, "SELECT MAX(id) FROM forum_posts").await;
    let secret_posts = count(app, "SELECT COUNT(*) FROM forum_posts").await;

    // Colorado's people see it, in the listing, the thread and search.
    for who in [&w.ana, &w.jordan, &w.renee, &w.admin] {
        let list = who.b.get(FORUM).await;
        assert!(
            list.body.contains("Colorado team (private)"),
            "{}",
            who.email
        );
        let t = who.b.get(&format!("{FORUM}/threads/{thread}")).await;
        assert_eq!(t.status, 200, "{}", who.email);
        assert!(t.body.contains("zanzibarian budget memo"));
        let s = who.b.get(&format!("{FORUM}/search?q=zanzibarian")).await;
        assert!(
            s.body.contains("Quarrelsome budget office"),
            "{}",
            who.email
        );
        let (_, hits) = call(
            app,
            &who.t,
            "GET",
            &format!("{API}/search?q=zanzibarian"),
            None,
        )
        .await;
        assert_eq!(hits.as_array().unwrap().len(), 1, "{}: {hits}", who.email);
    }
    // Renee was mentioned and reads it: emphasised under her full name.
    let t = w.ana.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert!(t.body.contains("<em>@Renee Alvarez</em>"), "{}", t.body);
    assert!(
        !t.body.contains("Beth Lindqvist"),
        "Beth cannot read it: not named"
    );

    // Another state's member, another state's coach, the federal officer:
    // nothing shows, everything is refused.
    for who in [&w.beth, &w.walt, &w.thomas] {
        let list = who.b.get(FORUM).await;
        assert_eq!(list.status, 200, "{}", who.email);
        assert!(!list.body.contains("Colorado team"), "{}", who.email);
        assert!(list.body.contains("General"));
        for path in [
            format!("{FORUM}/categories/{}", w.co),
            format!("{FORUM}/categories/{}/new", w.co),
            format!("{FORUM}/threads/{thread}"),
            format!("{FORUM}/posts/{post}/history"),
            format!("{FORUM}/posts/{post}/flag"),
            format!("{FORUM}/posts/{post}/edit"),
            format!("{FORUM}/posts/{post}/moderate"),
            format!("{FORUM}/threads/{thread}/moderate"),
        ] {
            let page = who.b.get(&path).await;
            assert_eq!(page.status, 403, "{} {path}", who.email);
            assert!(!page.body.contains("zanzibarian"));
            assert!(!page.body.contains("Quarrelsome"));
        }
        let s = who.b.get(&format!("{FORUM}/search?q=zanzibarian")).await;
        assert_eq!(s.status, 200);
        assert!(!s.body.contains("Quarrelsome"), "{}", who.email);
        assert!(s.body.contains("Nothing found"));
        // Posting, watching and flagging with the person's own form token.
        let own = who.b.get(FORUM).await.csrf_token().unwrap();
        for (path, fields) in [
            (
                format!("{FORUM}/threads/{thread}"),
                vec![("body", "let me in @Ana")],
            ),
            (
                format!("{FORUM}/categories/{}", w.co),
                vec![("title", "x"), ("body", "y")],
            ),
            (
                format!("{FORUM}/threads/{thread}/watch"),
                vec![("watch", "on")],
            ),
            (
                format!("{FORUM}/categories/{}/watch", w.co),
                vec![("watch", "on")],
            ),
            (format!("{FORUM}/posts/{post}/flag"), vec![("reason", "x")]),
        ] {
            let mut f = vec![("csrf_token", own.as_str())];
            f.extend(fields);
            let res = who.b.post_raw(&path, &f).await;
            assert_eq!(res.status, 403, "{} POST {path}", who.email);
        }
        // The API: not listed, refused, and search finds nothing.
        let (_, cats) = call(app, &who.t, "GET", API, None).await;
        assert!(
            !cats.as_array().unwrap().iter().any(|c| c["key"] == "CO"),
            "{cats}"
        );
        for path in [
            format!("{API}/categories/{}", w.co),
            format!("{API}/threads/{thread}"),
            format!("{API}/posts/{post}/history"),
        ] {
            let (status, body) = call(app, &who.t, "GET", &path, None).await;
            assert_eq!(status, 403, "{} {path}", who.email);
            assert!(!body.to_string().contains("zanzibarian"));
        }
        let (status, _) = reply(&w, who, thread, "let me in").await;
        assert_eq!(status, 403);
        let (status, _) = call(
            app,
            &who.t,
            "PUT",
            &format!("{API}/threads/{thread}/watch"),
            Some(json!({ "watching": true })),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = call(
            app,
            &who.t,
            "POST",
            &format!("{API}/categories/{}/threads", w.co),
            Some(json!({ "title": "x", "body": "y" })),
        )
        .await;
        assert_eq!(status, 403);
        let (status, hits) = call(
            app,
            &who.t,
            "GET",
            &format!("{API}/search?q=zanzibarian"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(hits, json!([]), "{}", who.email);
    }
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM forum_posts").await,
        secret_posts,
        "nothing was posted by those refused"
    );
    let watches: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM forum_watches WHERE user_id IN ($1, $2, $3)")
            .bind(w.beth.id)
            .bind(w.walt.id)
            .bind(w.thomas.id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(watches, 0, "no one refused watches anything");
    // Beth was mentioned, but cannot read it: no email, no name.
    let to_beth: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_addr = $1")
        .bind(&w.beth.email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(to_beth, 0);
    let to_renee: Vec<String> =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE to_addr = $1")
            .bind(&w.renee.email)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(to_renee.len(), 1);
    assert!(to_renee[0].contains("zanzibarian"));
    // Refusals are in the audit log.
    let refused = count(
        app,
        "SELECT COUNT(*) FROM audit_log WHERE outcome = 'refused' AND detail LIKE '%forum%'",
    )
    .await;
    assert!(refused >= 30, "{refused}");
}

async fn posts_render_inert_and_bad_input_changes_nothing(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let payload = "Hello <script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(2)) <a href=\"#\" onclick=\"alert(3)\">a</a> <iframe src=\"https://evil.example\"></iframe> **bold**";
    let (thread, _) = start(&w, &w.beth, w.general, "<b>Title</b> & more", payload).await;
    let page = w.ana.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    for bad in [
        "<script>alert",
        "onerror",
        "javascript:",
        "onclick",
        "<iframe",
        "<b>Title",
    ] {
        assert!(!body.contains(bad), "{bad} survived: {body}");
    }
    assert!(body.contains("<strong>bold</strong>"));
    assert!(body.contains("<h1>&#60;b&#62;Title&#60;/b&#62; &#38; more</h1>"));

    // Bad input: next to the field on the page, named in the API; nothing changes.
    let before = (
        count(app, "SELECT COUNT(*) FROM forum_threads").await,
        count(app, "SELECT COUNT(*) FROM forum_posts").await,
        count(app, "SELECT COUNT(*) FROM outbox").await,
    );
    let form = format!("{FORUM}/categories/{}/new", w.general);
    let action = format!("{FORUM}/categories/{}", w.general);
    let res = w
        .ana
        .b
        .submit(&form, &action, &[("title", "  "), ("body", "Some words")])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"title-error\""));
    assert!(res.body.contains("Enter a title."));
    assert!(res.body.contains("Some words"), "what was typed stays");
    let long = "x".repeat(20_001);
    let res = w
        .ana
        .b
        .submit(&form, &action, &[("title", "Fine"), ("body", &long)])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"body-error\""));
    assert!(res.body.contains("20000 characters or fewer"));
    let res = w
        .ana
        .b
        .submit(
            &format!("{FORUM}/threads/{thread}"),
            &format!("{FORUM}/threads/{thread}"),
            &[("body", " ")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"body-error\""));
    assert!(res.body.contains("Write your post."));
    let (status, v) = call(
        app,
        &w.ana.t,
        "POST",
        &format!("{API}/categories/{}/threads", w.general),
        Some(json!({ "title": "", "body": "x" })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "title");
    let (status, v) = call(
        app,
        &w.ana.t,
        "POST",
        &format!("{API}/categories/{}/threads", w.general),
        Some(json!({ "title": "x".repeat(151), "body": "" })),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "body"]);
    let (status, v) = call(
        app,
        &w.ana.t,
        "POST",
        &format!("{API}/categories/{}/threads", w.general),
        Some(json!({ "body": "x" })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "title");
    let (status, v) = reply(&w, &w.ana, thread, "").await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "body");
    let (status, v) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "hide", "reason": " " })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "reason");
    let (status, v) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "explode" })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "action");
    let after = (
        count(app, "SELECT COUNT(*) FROM forum_threads").await,
        count(app, "SELECT COUNT(*) FROM forum_posts").await,
        count(app, "SELECT COUNT(*) FROM outbox").await,
    );
    assert_eq!(before, after);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM forum_threads WHERE hidden = 1").await,
        0
    );
}

fn recipients(messages: &[String]) -> Vec<String> {
    let mut to: Vec<String> = messages
        .iter()
        .map(|m| {
            m.lines()
                .find(|l| l.starts_with("To: "))
                .unwrap()
                .trim()
                .trim_start_matches("To: ")
                .to_owned()
        })
        .collect();
    to.sort();
    to
}

async fn outbox_since(app: &TestApp, id: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT to_addr, text_body FROM outbox WHERE id > $1 ORDER BY to_addr")
        .bind(id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

async fn mentions_and_watches_email_the_right_people_only(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let w = world(app).await;
    let app = &w.app;
    let last = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM outbox")
                .fetch_one(&pool)
                .await
                .unwrap()
                .unwrap_or(0)
        }
    };

    // General: Beth starts a thread (and so watches it); Ana watches the
    // whole category.
    let (status, _) = call(
        app,
        &w.ana.t,
        "PUT",
        &format!("{API}/categories/{}/watch", w.general),
        Some(json!({ "watching": true })),
    )
    .await;
    assert_eq!(status, 200);
    let (general_thread, _) =
        start(&w, &w.beth, w.general, "Convening travel", "Who is going?").await;
    // Ana watches General: told of the new thread.
    let m = smtp.wait_for(1, 20).await;
    assert_eq!(recipients(&m), ["ana@co.gov"]);

    // Jordan replies and mentions Beth (who watches too: one email) and Walt.
    let mark = last(app).await;
    let (status, _) = reply(
        &w,
        &w.jordan,
        general_thread,
        "Colorado sends two. @Beth, @Walt.Brennan: see you there.",
    )
    .await;
    assert_eq!(status, 200);
    let m = smtp.wait_for(4, 20).await;
    assert_eq!(m.len(), 4);
    let sent = outbox_since(app, mark).await;
    let to: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(to, ["ana@co.gov", "beth@ks.gov", "walt@ta.org"]);
    assert!(sent[1].1.contains("Jordan Kim mentioned you"));
    assert!(sent[0].1.contains("which you watch"));
    assert!(sent[0].1.contains(&format!(
        "/programs/acp/forum/threads/{general_thread}#post-"
    )));
    assert!(sent[0].1.contains("/forum/unwatch/"));
    assert!(
        !sent[1].1.contains("/forum/unwatch/"),
        "a mention says no stop"
    );

    // Colorado's private category: mentions of Beth (cannot read it) go
    // nowhere; Renee (its coach) is told; Ana watches her thread.
    let (co_thread, _) = start(&w, &w.ana, w.co, "Data contact", "Still looking.").await;
    let mark = last(app).await;
    let (status, _) = reply(
        &w,
        &w.jordan,
        co_thread,
        "The quokka-secret contact is Lee. @Beth.Lindqvist @Renee @Thomas",
    )
    .await;
    assert_eq!(status, 200);
    let sent = outbox_since(app, mark).await;
    let to: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(to, ["ana@co.gov", "renee@ta.org"]);
    let m = smtp.wait_for(6, 20).await;
    assert_eq!(m.len(), 6);
    for message in &m {
        if message.contains("To: beth@ks.gov") || message.contains("To: thomas@ed.gov") {
            assert!(!message.contains("quokka"));
            assert!(!message.contains("Data contact"));
        }
    }

    // Someone who can no longer read the category is not told.
    let (status, _) = call(
        app,
        &w.renee.t,
        "PUT",
        &format!("{API}/threads/{co_thread}/watch"),
        Some(json!({ "watching": true })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        app,
        &w.jordan.t,
        "PUT",
        &format!("{API}/threads/{co_thread}/watch"),
        Some(json!({ "watching": true })),
    )
    .await;
    assert_eq!(status, 200);
    sqlx::query("DELETE FROM role_grants WHERE user_id = $1")
        .bind(w.jordan.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let mark = last(app).await;
    let (status, _) = reply(&w, &w.ana, co_thread, "Thanks, noted.").await;
    assert_eq!(status, 200);
    let sent = outbox_since(app, mark).await;
    let to: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(to, ["renee@ta.org"], "not Jordan, not the author");

    // Stopping: Renee stops watching through the page's button.
    let page = w.renee.b.get(&format!("{FORUM}/threads/{co_thread}")).await;
    assert!(page.body.contains("Stop watching"));
    let res = w
        .renee
        .b
        .submit(
            &format!("{FORUM}/threads/{co_thread}"),
            &format!("{FORUM}/threads/{co_thread}/watch"),
            &[("watch", "off")],
        )
        .await;
    assert_eq!(res.status, 303);
    let mark = last(app).await;
    reply(&w, &w.ana, co_thread, "One more thing.").await;
    assert!(outbox_since(app, mark).await.is_empty());
    let m = smtp.wait_for(7, 20).await;
    assert_eq!(m.len(), 7);
    assert_eq!(
        recipients(&m),
        [
            "ana@co.gov",
            "ana@co.gov",
            "ana@co.gov",
            "beth@ks.gov",
            "renee@ta.org",
            "renee@ta.org",
            "walt@ta.org"
        ]
    );
    let _ = &w.thomas;
    let _ = &w.admin;
}

/// Each of these forum actions is in the audit log, done.
async fn assert_audited(app: &TestApp, actions: &[&str]) {
    for action in actions {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND outcome = 'ok'",
        )
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(n >= 1, "{action} audited");
    }
}

/// Edit through the page and the API: the earlier text is kept, in the
/// history; only the author edits: not another member, not a coach, not
/// the admin.
async fn an_edit_keeps_the_history_and_only_the_author_edits(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, post) = start(
        &w,
        &w.ana,
        w.general,
        "Charters",
        "Our charter has four seats.",
    )
    .await;
    let edit = format!("{FORUM}/posts/{post}/edit");
    let res = w
        .ana
        .b
        .submit(
            &edit,
            &format!("{FORUM}/posts/{post}"),
            &[("body", "Our charter has five seats.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = w.beth.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert!(page.body.contains("five seats"));
    assert!(page.body.contains(&format!("{FORUM}/posts/{post}/history")));
    assert!(page.body.contains("(edited"));
    let history = w.beth.b.get(&format!("{FORUM}/posts/{post}/history")).await;
    assert!(history.body.contains("four seats") && history.body.contains("five seats"));
    let (status, v) = call(
        app,
        &w.ana.t,
        "PUT",
        &format!("{API}/posts/{post}"),
        Some(json!({ "body": "Six seats." })),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (_, h) = call(
        app,
        &w.beth.t,
        "GET",
        &format!("{API}/posts/{post}/history"),
        None,
    )
    .await;
    let bodies: Vec<&str> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["Our charter has five seats.", "Our charter has four seats."]
    );
    for who in [&w.jordan, &w.renee, &w.admin] {
        assert_eq!(
            w.app.browser().get(&edit).await.status,
            303,
            "signed out goes to sign-in"
        );
        assert_eq!(who.b.get(&edit).await.status, 403, "{}", who.email);
        let (status, _) = call(
            app,
            &who.t,
            "PUT",
            &format!("{API}/posts/{post}"),
            Some(json!({ "body": "Mine now." })),
        )
        .await;
        assert_eq!(status, 403, "{}", who.email);
    }
    assert_audited(app, &["forum_create_thread", "forum_edit_post"]).await;
}

/// Beth flags Ana's post with this reason, on the page.
async fn flag(w: &World, post: i64, reason: &str) -> Page {
    let flag = format!("{FORUM}/posts/{post}/flag");
    w.beth.b.submit(&flag, &flag, &[("reason", reason)]).await
}

/// A flag with no reason is refused next to the field; with one it waits
/// in the queue of the moderators (Walt moderates General too), not of
/// the members.
async fn a_flag_needs_a_reason_and_waits_for_a_moderator(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (_, post) = start(&w, &w.ana, w.general, "Charters", "Six seats.").await;
    let res = flag(&w, post, "").await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"reason-error\""));
    let res = flag(&w, post, "Names a person's phone number").await;
    assert_eq!(res.status, 303);
    let queue = w.renee.b.get(&format!("{FORUM}/flags")).await;
    assert!(queue.body.contains("Names a person"), "{}", queue.body);
    assert_eq!(w.beth.b.get(&format!("{FORUM}/flags")).await.status, 403);
    let (_, flags) = call(app, &w.walt.t, "GET", &format!("{API}/flags"), None).await;
    assert_eq!(
        flags.as_array().unwrap().len(),
        1,
        "Walt moderates General too"
    );
    assert!(flags[0]["id"].is_i64());
    assert_audited(app, &["forum_flag"]).await;
}

/// Hide: a reason is needed; others see that a moderator hid it,
/// moderators still see it; the flag is resolved; unhidden, all see it.
async fn a_moderator_hides_a_flagged_post_and_resolves_the_flag(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, post) = start(&w, &w.ana, w.general, "Charters", "Six seats.").await;
    assert_eq!(
        flag(&w, post, "Names a person's phone number").await.status,
        303
    );
    let (_, flags) = call(app, &w.walt.t, "GET", &format!("{API}/flags"), None).await;
    let flag_id = flags[0]["id"].as_i64().unwrap();
    let moderate = format!("{FORUM}/posts/{post}/moderate");
    let res = w
        .renee
        .b
        .submit(&moderate, &moderate, &[("action", "hide"), ("reason", "")])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("Say why"));
    let res = w
        .renee
        .b
        .submit(
            &moderate,
            &moderate,
            &[("action", "hide"), ("reason", "Private phone number")],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = w.beth.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert!(page.body.contains("hidden by a moderator"));
    assert!(!page.body.contains("Six seats"));
    let (_, t) = call(
        app,
        &w.beth.t,
        "GET",
        &format!("{API}/threads/{thread}"),
        None,
    )
    .await;
    assert_eq!(t["posts"][0]["body"], "");
    assert_eq!(t["posts"][0]["hidden"], true);
    let page = w.renee.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert!(page.body.contains("Six seats") && page.body.contains("Private phone number"));
    let (status, _) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/flags/{flag_id}/resolve"),
        Some(json!({ "resolution": "Hid it" })),
    )
    .await;
    assert_eq!(status, 200);
    let (_, flags) = call(app, &w.renee.t, "GET", &format!("{API}/flags"), None).await;
    assert_eq!(flags, json!([]));
    let (status, _) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/posts/{post}/moderate"),
        Some(json!({ "action": "unhide" })),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        w.beth
            .b
            .get(&format!("{FORUM}/threads/{thread}"))
            .await
            .body
            .contains("Six seats")
    );
    assert_audited(
        app,
        &["forum_hide_post", "forum_unhide_post", "forum_resolve_flag"],
    )
    .await;
}

/// Lock: replies only from moderators, until it is unlocked.
async fn a_locked_thread_takes_replies_from_moderators_only(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, _) = start(&w, &w.ana, w.general, "Charters", "Six seats.").await;
    let mt = format!("{FORUM}/threads/{thread}/moderate");
    assert_eq!(w.beth.b.get(&mt).await.status, 403);
    let res = w.renee.b.submit(&mt, &mt, &[("action", "lock")]).await;
    assert_eq!(res.status, 303);
    let (status, _) = reply(&w, &w.beth, thread, "Can I still?").await;
    assert_eq!(status, 403);
    assert!(
        !w.beth
            .b
            .get(&format!("{FORUM}/threads/{thread}"))
            .await
            .body
            .contains("Post the reply")
    );
    let (status, _) = reply(&w, &w.renee, thread, "Closing this; see the new thread.").await;
    assert_eq!(status, 200);
    let (status, _) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "unlock" })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = reply(&w, &w.beth, thread, "Thanks.").await;
    assert_eq!(status, 200);
    assert_audited(
        app,
        &["forum_lock_thread", "forum_unlock_thread", "forum_reply"],
    )
    .await;
}

/// Move: to a category the moderator also moderates; Walt (Kansas's
/// coach) may not move it into Colorado's private category.
async fn a_thread_moves_only_to_a_category_its_moderator_moderates(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, _) = start(&w, &w.ana, w.general, "Charters", "Six seats.").await;
    let mt = format!("{FORUM}/threads/{thread}/moderate");
    let (status, v) = call(
        app,
        &w.walt.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "move", "category_id": w.co })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "category_id");
    let res = w
        .renee
        .b
        .submit(
            &mt,
            &mt,
            &[("action", "move"), ("category_id", &w.topic.to_string())],
        )
        .await;
    assert_eq!(res.status, 303);
    let (_, t) = call(
        app,
        &w.beth.t,
        "GET",
        &format!("{API}/threads/{thread}"),
        None,
    )
    .await;
    assert_eq!(t["thread"]["category_id"], w.topic);
    assert_audited(app, &["forum_move_thread"]).await;
}

/// Hide the whole thread: gone from the list for others, and its posts;
/// still listed for the moderator.
async fn a_hidden_thread_is_gone_for_everyone_but_the_moderators(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, _) = start(&w, &w.ana, w.topic, "Charters", "Six seats.").await;
    let (status, _) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "hide", "reason": "Duplicate" })),
    )
    .await;
    assert_eq!(status, 200);
    let (_, c) = call(
        app,
        &w.beth.t,
        "GET",
        &format!("{API}/categories/{}", w.topic),
        None,
    )
    .await;
    assert_eq!(c["threads"], json!([]));
    let (_, c) = call(
        app,
        &w.renee.t,
        "GET",
        &format!("{API}/categories/{}", w.topic),
        None,
    )
    .await;
    assert_eq!(c["threads"].as_array().unwrap().len(), 1);
    let (_, t) = call(
        app,
        &w.beth.t,
        "GET",
        &format!("{API}/threads/{thread}"),
        None,
    )
    .await;
    assert_eq!(t["posts"], json!([]));
    assert_audited(app, &["forum_hide_thread"]).await;
}

/// Kansas leaves and New Mexico joins: the forum has as many categories
/// as it wants, but New Mexico's private one is still made, and only New
/// Mexico's team (and the administrator) reads it.
async fn a_team_that_joins_gets_its_category_when_another_left(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let program_id: i64 = count(app, "SELECT id FROM programs WHERE slug = 'acp'").await;
    let before = count(app, "SELECT COUNT(*) FROM forum_categories").await;
    sqlx::query("DELETE FROM state_teams WHERE program_id = $1 AND state_code = 'KS'")
        .bind(program_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.in_program(program_id).team("NM").await;
    let nora = person(app, "nora@nm.gov", "Nora Baca", "state_member", Some("NM")).await;

    let (status, cats) = call(app, &nora.t, "GET", API, None).await;
    assert_eq!(status, 200, "{cats}");
    let nm = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "state" && c["key"] == "NM")
        .unwrap_or_else(|| panic!("New Mexico's category in {cats}"));
    assert_eq!(nm["name"], "New Mexico team (private)");
    let nm = nm["id"].as_i64().unwrap();
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM forum_categories").await,
        before + 1,
        "only the missing one is added; Kansas's stays"
    );
    let page = nora.b.get(FORUM).await;
    assert!(page.body.contains("New Mexico team (private)"));
    let (status, _) = call(app, &nora.t, "GET", &format!("{API}/categories/{nm}"), None).await;
    assert_eq!(status, 200);
    let page = w.admin.b.get(FORUM).await;
    assert!(page.body.contains("New Mexico team (private)"));
    for who in [&w.ana, &w.beth, &w.thomas] {
        let page = who.b.get(FORUM).await;
        assert!(
            !page.body.contains("New Mexico team (private)"),
            "{}",
            who.email
        );
        let (status, _) = call(app, &who.t, "GET", &format!("{API}/categories/{nm}"), None).await;
        assert_eq!(status, 403, "{}", who.email);
    }
    // Opening it again adds nothing.
    call(app, &nora.t, "GET", API, None).await;
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM forum_categories").await,
        before + 1
    );
}

/// The stop link (`/forum/unwatch/...`) in a link of the email.
fn stop_link(message: &str) -> String {
    let text = unfold_qp(message);
    let start = text.find("/forum/unwatch/").expect("a stop link");
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == ')')
        .unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Beth watches her thread, Ana the whole General category; each watch
/// email carries a link that stops that one watch, signed out, at once.
async fn a_stop_link_in_a_watch_email_works_signed_out(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let w = world(app).await;
    let app = &w.app;
    let (status, _) = call(
        app,
        &w.ana.t,
        "PUT",
        &format!("{API}/categories/{}/watch", w.general),
        Some(json!({ "watching": true })),
    )
    .await;
    assert_eq!(status, 200);
    let (thread, _) = start(&w, &w.beth, w.general, "Convening travel", "Who is going?").await;
    assert_eq!(smtp.wait_for(1, 20).await.len(), 1);
    let (status, _) = reply(&w, &w.jordan, thread, "Colorado sends two.").await;
    assert_eq!(status, 200);
    let m = smtp.wait_for(3, 20).await;
    assert_eq!(m.len(), 3);
    let to_beth = m.iter().find(|x| x.contains("To: beth@ks.gov")).unwrap();
    let beth_link = stop_link(to_beth);
    assert!(
        to_beth.contains("List-Unsubscribe: <") && to_beth.contains("List-Unsubscribe=One-Click"),
        "{to_beth}"
    );
    let to_ana = m.iter().rfind(|x| x.contains("To: ana@co.gov")).unwrap();
    let ana_link = stop_link(to_ana);
    assert_ne!(beth_link, ana_link, "one link per person and watch");

    // Signed out, the link asks first (a mail scanner's GET stops nothing).
    let anon = app.browser();
    let page = anon.get(&beth_link).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Stop emails about the thread “Convening travel”?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("beth@ks.gov"));
    let watches = |user: i64| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM forum_watches WHERE user_id = $1")
                .bind(user)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(watches(w.beth.id).await, 1);

    // A link that does not work: a clear 404, nothing changes.
    let mut forged = beth_link.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let other_person = beth_link.replacen(
        &format!("/forum/unwatch/{}.", w.beth.id),
        &format!("/forum/unwatch/{}.", w.jordan.id),
        1,
    );
    for bad in [
        forged.as_str(),
        other_person.as_str(),
        "/forum/unwatch/nonsense",
    ] {
        let page = anon.get(bad).await;
        assert_eq!(page.status, 404, "{bad}");
        assert!(page.body.contains("This link does not work"), "{bad}");
        let page = anon.post_raw(bad, &[]).await;
        assert_eq!(page.status, 404, "{bad}");
    }
    assert_eq!(watches(w.beth.id).await, 1);

    // The button stops at once, with no sign-in and no form token.
    let page = anon.post_raw(&beth_link, &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("No more emails about the thread “Convening travel”")
    );
    assert_eq!(watches(w.beth.id).await, 0);
    assert_eq!(
        count(
            app,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'forum_unwatch' AND actor_user_id = {} AND record_type = 'forum_thread' AND record_id = '{thread}'",
                w.beth.id
            ),
        )
        .await,
        1
    );
    // Again: nothing more to stop, the page says so.
    let page = anon.get(&beth_link).await;
    assert!(page.body.contains("No more emails about"));
    assert!(
        !page
            .body
            .contains("<form method=\"post\" action=\"/forum/unwatch/")
    );

    // Ana's link names the category.
    let page = anon.get(&ana_link).await;
    assert!(
        page.body
            .contains("Stop emails about the category “General”?")
    );

    // The next post: Ana (still watching) is told, Beth is not.
    let (status, _) = reply(&w, &w.jordan, thread, "Booked the hotel.").await;
    assert_eq!(status, 200);
    let m = smtp.wait_for(4, 20).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let m2 = smtp.messages();
    assert_eq!(m.len(), 4);
    assert_eq!(m2.len(), 4, "no email for Beth");
    assert_eq!(
        m2.iter().filter(|x| x.contains("To: ana@co.gov")).count(),
        3
    );
    assert_eq!(
        m2.iter().filter(|x| x.contains("To: beth@ks.gov")).count(),
        1
    );
}

/// Editing a post: the people it mentions now and no earlier version did
/// get the mention email; those mentioned before (even in a version since
/// replaced) and the watchers do not.
async fn an_edit_emails_only_the_newly_mentioned(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let w = world(app).await;
    let app = &w.app;
    let last = || {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM outbox")
                .fetch_one(&pool)
                .await
                .unwrap()
                .unwrap_or(0)
        }
    };
    // Thomas watches General: he hears of new posts, never of edits.
    let (status, _) = call(
        app,
        &w.thomas.t,
        "PUT",
        &format!("{API}/categories/{}/watch", w.general),
        Some(json!({ "watching": true })),
    )
    .await;
    assert_eq!(status, 200);
    let (_, post) = start(
        &w,
        &w.ana,
        w.general,
        "Site visits",
        "@Jordan.Kim can you come?",
    )
    .await;
    let m = smtp.wait_for(2, 20).await;
    assert_eq!(recipients(&m), ["jordan@co.gov", "thomas@ed.gov"]);

    let edit = |body: &'static str| {
        let (t, path) = (w.ana.t.clone(), format!("{API}/posts/{post}"));
        async move {
            let (status, v) = call(app, &t, "PUT", &path, Some(json!({ "body": body }))).await;
            assert_eq!(status, 200, "{v}");
        }
    };
    // Beth and Walt are new; Jordan was mentioned already.
    let mark = last().await;
    edit("@Jordan.Kim, @Beth and @Walt.Brennan can you come?").await;
    let sent = outbox_since(app, mark).await;
    let to: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(to, ["beth@ks.gov", "walt@ta.org"]);
    assert!(
        sent[0]
            .1
            .contains("Ana Ruiz mentioned you in “Site visits”")
    );
    assert!(sent[0].1.contains(&format!("#post-{post}")));

    // Beth leaves the text and comes back: she was told already.
    let mark = last().await;
    edit("@Jordan.Kim and @Walt.Brennan can you come?").await;
    edit("@Jordan.Kim, @Walt.Brennan and @Beth.Lindqvist can you come?").await;
    assert!(outbox_since(app, mark).await.is_empty());

    // Renee is new.
    let mark = last().await;
    edit("@Jordan.Kim, @Walt.Brennan, @Beth.Lindqvist and @Renee: can you come?").await;
    let sent = outbox_since(app, mark).await;
    let to: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(to, ["renee@ta.org"]);

    let m = smtp.wait_for(5, 20).await;
    assert_eq!(
        recipients(&m),
        [
            "beth@ks.gov",
            "jordan@co.gov",
            "renee@ta.org",
            "thomas@ed.gov",
            "walt@ta.org"
        ]
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'forum_edit_post'"
        )
        .await,
        4
    );
}

/// The same data and the same searches give the same threads on SQLite
/// and PostgreSQL: words from the title and the post together, stop words
/// left out, several words all needed, word endings ignored.
async fn search_finds_the_same_threads_on_both_databases(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let mut ids = Vec::new();
    for (title, body) in [
        (
            "Data sharing agreements",
            "We signed a memorandum with the health department.",
        ),
        ("Budget office", "The budget memo is due in March."),
        ("Hiring coaches", "We hired two coaches for our districts."),
        (
            "Family engagement nights",
            "Parents came to three evenings; sharing food helped.",
        ),
    ] {
        let (thread, _) = start(&w, &w.ana, w.general, title, body).await;
        ids.push(thread);
    }
    // A reply counts for its thread.
    let hiring = ids[2];
    let (status, _) = reply(&w, &w.jordan, hiring, "Interviews start in April.").await;
    assert_eq!(status, 200);

    for (q, expected) in [
        // Words of the title.
        ("data sharing", vec!["Data sharing agreements"]),
        // A word of the title and one of the post.
        ("sharing memorandum", vec!["Data sharing agreements"]),
        ("coaches april", vec!["Hiring coaches"]),
        // Stop words are left out on both.
        ("the hiring", vec!["Hiring coaches"]),
        ("budget of the office", vec!["Budget office"]),
        ("the and of", vec![]),
        // Several words: all needed, in any order.
        ("budget memo due in march", vec!["Budget office"]),
        ("march budget memo", vec!["Budget office"]),
        ("budget coaches", vec![]),
        // Endings: sharing, shared; agreement, agreements.
        (
            "shared",
            vec!["Data sharing agreements", "Family engagement nights"],
        ),
        ("agreement health", vec!["Data sharing agreements"]),
        ("evening parents", vec!["Family engagement nights"]),
        ("zanzibar", vec![]),
    ] {
        let (status, hits) = call(
            app,
            &w.beth.t,
            "GET",
            &format!("{API}/search?q={}", q.replace(' ', "+")),
            None,
        )
        .await;
        assert_eq!(status, 200, "{hits}");
        let mut titles: Vec<&str> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap())
            .collect();
        titles.sort();
        assert_eq!(titles, expected, "{backend:?}: {q}");
    }
}

async fn work_texts(app: &TestApp, who: &Person) -> Vec<(String, String)> {
    let (status, v) = call(app, &who.t, "GET", "/api/v1/me/work", None).await;
    assert_eq!(status, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["text"].as_str().unwrap().to_owned(),
                i["href"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn home_tells_of_mentions_and_replies_until_they_are_read(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    // Beth starts a thread (and so watches it); Jordan replies, mentioning
    // Beth and Walt.
    let (thread, _) = start(&w, &w.beth, w.general, "Convening travel", "Who is going?").await;
    let (status, v) = reply(
        &w,
        &w.jordan,
        thread,
        "Colorado sends two. @Beth, @Walt.Brennan: see you there.",
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let post = sqlx::query_scalar::<_, i64>("SELECT MAX(id) FROM forum_posts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let to_post = format!("/programs/acp/forum/threads/{thread}#post-{post}");
    let mention = (
        "Jordan Kim mentioned you in “Convening travel”".to_owned(),
        to_post.clone(),
    );
    let replies = (
        "1 new reply in “Convening travel”, which you watch".to_owned(),
        to_post.clone(),
    );
    let beth = work_texts(app, &w.beth).await;
    assert!(beth.contains(&mention), "{beth:?}");
    assert!(beth.contains(&replies), "{beth:?}");
    let walt = work_texts(app, &w.walt).await;
    assert!(walt.contains(&mention), "{walt:?}");
    assert!(!walt.contains(&replies), "Walt does not watch the thread");
    // Jordan, who wrote it, and Ana, who was not mentioned, have nothing.
    for who in [&w.jordan, &w.ana] {
        let items = work_texts(app, who).await;
        assert!(
            !items.iter().any(|(t, _)| t.contains("Convening travel")),
            "{items:?}"
        );
    }
    // On Beth's home page, as a link to the post.
    let home = w.beth.b.get("/").await;
    assert!(
        home.body
            .contains("Jordan Kim mentioned you in “Convening travel”")
    );
    assert!(home.body.contains(&to_post));

    // Beth reads the thread on its page: both leave her queue; Walt's stays.
    let page = w.beth.b.get(&format!("{FORUM}/threads/{thread}")).await;
    assert_eq!(page.status, 200);
    let beth = work_texts(app, &w.beth).await;
    assert!(
        !beth.contains(&mention) && !beth.contains(&replies),
        "{beth:?}"
    );
    assert!(work_texts(app, &w.walt).await.contains(&mention));
    // Walt reads it through the API.
    let (status, _) = call(
        app,
        &w.walt.t,
        "GET",
        &format!("{API}/threads/{thread}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(!work_texts(app, &w.walt).await.contains(&mention));

    // Two more replies: Beth is told of two, linked to the first.
    for body in ["Kansas sends one.", "And Colorado's coach."] {
        assert_eq!(reply(&w, &w.ana, thread, body).await.0, 200);
    }
    let first: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM forum_posts WHERE thread_id = $1 AND body = 'Kansas sends one.'",
    )
    .bind(thread)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(work_texts(app, &w.beth).await.contains(&(
        "2 new replies in “Convening travel”, which you watch".to_owned(),
        format!("/programs/acp/forum/threads/{thread}#post-{first}"),
    )));
}

/// A thread a moderator hid refuses a reply from its page and from the API
/// alike: 409, the same words, and no post written.
async fn a_hidden_thread_takes_no_replies_and_says_so_with_one_status(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (thread, _) = start(&w, &w.ana, w.topic, "Sector partners", "Who convenes?").await;
    let (status, _) = call(
        app,
        &w.renee.t,
        "POST",
        &format!("{API}/threads/{thread}/moderate"),
        Some(json!({ "action": "hide", "reason": "Duplicate" })),
    )
    .await;
    assert_eq!(status, 200);
    let posts = count(app, "SELECT COUNT(*) FROM forum_posts").await;

    let (status, v) = reply(&w, &w.beth, thread, "Our board does.").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"]["code"], "conflict");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("hidden by a moderator")
    );

    let page = format!("/programs/{SLUG}/forum/threads/{thread}");
    let res = w
        .beth
        .b
        .submit(&page, &page, &[("body", "Our board does.")])
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("hidden by a moderator"));
    assert_eq!(count(app, "SELECT COUNT(*) FROM forum_posts").await, posts);
}
