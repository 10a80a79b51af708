//! Exchange subscribers and digests: double opt-in and one-click
//! unsubscribe through a real SMTP server, digest contents for crafted
//! subscribers, a crash half-way through building and sending, and two
//! `waymark serve` processes sending one digest each.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use waymark::exchange::digest;

use crate::both_backends;
use crate::helpers::{Backend, ItemFixture, SmtpSink, TestApp, unfold_qp};

both_backends!(
    double_opt_in_then_one_click_unsubscribe_through_smtp,
    each_subscriber_gets_the_new_items_on_their_topics_only,
    a_crash_while_building_and_sending_loses_nothing_and_doubles_nothing,
    building_goes_a_chunk_per_job_between_other_jobs,
    many_distinct_digests_in_one_chunk_each_reach_the_right_person,
    bad_input_is_refused_next_to_the_field_and_changes_nothing,
    subscription_pages_and_emails_say_how_often_in_plain_sentences,
    sub_addresses_of_one_inbox_get_one_confirmation,
);

const PARTNERSHIPS: &str = "six-key-elements/partnerships";
const FUNDING: &str = "six-key-elements/funding";
const EMPLOYERS: &str = "six-key-elements/employers";

/// A daily period two days ahead: no run for it exists yet (the job
/// runner makes today's at start), and it ends after everything so far.
fn future_period() -> digest::Period {
    let config = waymark::config::Config::from_pairs(&[]).unwrap();
    digest::due_period(
        "daily",
        waymark::time::now_ms() + 2 * 86_400_000,
        &digest::Schedule::of(&config),
    )
}

/// A resource published (or not, by `status`) at `at` on these topics.
async fn publish(app: &TestApp, title: &str, at: i64, status: &str, topics: &[&str]) -> i64 {
    let item = ItemFixture {
        title,
        status,
        published_at: Some(at),
        submitted_by: None,
        topics,
    };
    app.exchange_item(item).await
}

fn link(message: &str, prefix: &str) -> Option<String> {
    let text = unfold_qp(message);
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// A header's value, folded lines joined.
fn header(message: &str, name: &str) -> Option<String> {
    let message = message.replace("\r\n", "\n");
    let head = message.split("\n\n").next().unwrap_or("");
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

async fn status_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT status FROM exchange_subscribers WHERE email_key = $1")
        .bind(email.to_lowercase())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn double_opt_in_then_one_click_unsubscribe_through_smtp(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let b = app.browser();
    let page = b
        .submit(
            "/exchange/subscribe",
            "/exchange/subscribe",
            &[
                ("email", "Ana@Example.org"),
                ("topics", PARTNERSHIPS),
                ("topics", FUNDING),
                ("frequency", "daily"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Check your email"), "{}", page.body);
    let first = smtp.wait_for(1, 20).await;
    assert_eq!(first.len(), 1, "one confirmation email");
    assert!(first[0].contains("Confirm your Career Pathways Exchange digest"));
    let manage = link(&first[0], "/exchange/subscription/").expect("a manage link");
    assert_eq!(status_of(&app, "ana@example.org").await, "pending");

    // Asking again (another case) says the same and mails nothing more
    // for a while.
    let again = b
        .submit(
            "/exchange/subscribe",
            "/exchange/subscribe",
            &[
                ("email", "ANA@example.org"),
                ("topics", PARTNERSHIPS),
                ("topics", FUNDING),
                ("frequency", "daily"),
            ],
        )
        .await;
    assert!(again.body.contains("Check your email"));
    assert_eq!(app.count("exchange_subscribers").await, 1);
    assert_eq!(app.count("outbox").await, 1, "throttled");

    // Nothing goes to a pending address.
    let p = future_period();
    publish(
        &app,
        "Braided funding in Ohio",
        p.cutoff - 3_600_000,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    let run = digest::ensure_run(&app.state, &p).await.unwrap();
    digest::build(&app.state, "test", digest::CHUNK, None)
        .await
        .unwrap();
    let recipients: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exchange_digest_recipients WHERE run_id = $1")
            .bind(run)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(recipients, 0, "a pending subscriber gets nothing");

    // The link's page asks; its button confirms.
    let confirm_page = b.get(&manage).await;
    assert!(confirm_page.body.contains("Confirm my subscription"));
    let confirmed = b.submit(&manage, &format!("{manage}/confirm"), &[]).await;
    assert_eq!(confirmed.status, 303);
    assert_eq!(status_of(&app, "ana@example.org").await, "active");
    let shown = b.get(confirmed.location.as_deref().unwrap()).await;
    assert!(shown.body.contains("Your subscription is confirmed"));

    // A new period's digest: its headers offer one-click unsubscribe.
    let mut next = future_period();
    next.period = format!("{} test", next.period);
    next.cutoff += 86_400_000;
    publish(
        &app,
        "Employer councils that work",
        next.cutoff - 3_600_000,
        "published",
        &[FUNDING],
    )
    .await;
    digest::ensure_run(&app.state, &next).await.unwrap();
    digest::build(&app.state, "test", digest::CHUNK, None)
        .await
        .unwrap();
    let all = smtp.wait_for(2, 20).await;
    assert_eq!(all.len(), 2, "confirmation, then one digest");
    let d = all
        .iter()
        .find(|m| m.contains("new item"))
        .expect("the digest");
    assert!(unfold_qp(d).contains("Employer councils that work"));
    assert!(unfold_qp(d).contains("Braided funding in Ohio"));
    let unsubscribe = header(d, "List-Unsubscribe").expect("List-Unsubscribe");
    assert_eq!(
        header(d, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    assert!(
        url.starts_with(&format!("{}/exchange/unsubscribe/", app.base)),
        "{url}"
    );
    assert!(
        unfold_qp(d).contains("/exchange/subscription/"),
        "the manage link"
    );

    // A GET (a mail scanner) only asks.
    let asked = b.get(url.trim_start_matches(&app.base)).await;
    assert!(asked.body.contains("Unsubscribe"));
    assert_eq!(status_of(&app, "ana@example.org").await, "active");
    // The mail client's POST: no cookie, no form token; unsubscribed at once.
    let res = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("You are unsubscribed"));
    assert_eq!(status_of(&app, "ana@example.org").await, "unsubscribed");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('exchange_subscribe', 'exchange_subscription_confirm', 'exchange_unsubscribe')",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 4);

    // The API's view of the same link.
    let token = manage.rsplit('/').next().unwrap();
    let (status, body) = call_anon(
        &app,
        "GET",
        &format!("/api/v1/exchange/subscriptions/{token}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "unsubscribed");
    let (status, _) = call_anon(
        &app,
        "GET",
        "/api/v1/exchange/subscriptions/1.1.forged",
        None,
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}

/// An API call without a token: (status, JSON or null).
async fn call_anon(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", app.base);
    let req = match method {
        "GET" => client.get(url),
        "PUT" => client.put(url),
        "DELETE" => client.delete(url),
        _ => client.post(url),
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// The text of the digest queued for an address, if any.
async fn digest_for(app: &TestApp, run: i64, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT b.text_body FROM exchange_digest_recipients r
         JOIN exchange_subscribers s ON s.id = r.subscriber_id
         JOIN outbox o ON o.id = r.outbox_id JOIN mail_bodies b ON b.id = o.body_id
         WHERE r.run_id = $1 AND s.email_key = $2",
    )
    .bind(run)
    .bind(email)
    .fetch_optional(&app.state.db.pool)
    .await
    .unwrap()
}

async fn each_subscriber_gets_the_new_items_on_their_topics_only(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let p = future_period();
    let hour = 3_600_000;
    let day = 24 * hour;
    publish(
        &app,
        "Partnership charter",
        p.cutoff - 5 * hour,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    publish(
        &app,
        "Funding map",
        p.cutoff - 3 * hour,
        "published",
        &[FUNDING],
    )
    .await;
    publish(
        &app,
        "Too late",
        p.cutoff + hour,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    publish(
        &app,
        "Not yet approved",
        p.cutoff - hour,
        "pending",
        &[PARTNERSHIPS],
    )
    .await;
    publish(
        &app,
        "Old news",
        p.cutoff - 3 * day,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    let since = p.cutoff - day;
    app.subscriber("a@x.org", "active", since, &[PARTNERSHIPS])
        .await;
    app.subscriber("b@x.org", "active", since, &[FUNDING]).await;
    // Had a digest after the charter came out: only the funding map is new.
    app.subscriber(
        "c@x.org",
        "active",
        p.cutoff - 4 * hour,
        &[PARTNERSHIPS, FUNDING],
    )
    .await;
    app.subscriber("d@x.org", "pending", since, &[PARTNERSHIPS])
        .await;
    app.subscriber("e@x.org", "unsubscribed", since, &[PARTNERSHIPS])
        .await;
    let f = app
        .subscriber("f@x.org", "active", since, &[EMPLOYERS])
        .await;
    let g = app
        .subscriber("g@x.org", "active", since, &[PARTNERSHIPS])
        .await;

    let run = digest::ensure_run(&app.state, &p).await.unwrap();
    assert_eq!(
        digest::ensure_run(&app.state, &p).await.unwrap(),
        run,
        "one run per period"
    );
    digest::build(&app.state, "test", 2, None).await.unwrap();

    let a = digest_for(&app, run, "a@x.org").await.expect("a's digest");
    assert!(a.contains("Partnership charter"));
    for absent in ["Funding map", "Too late", "Not yet approved", "Old news"] {
        assert!(!a.contains(absent), "{absent} in a's digest");
    }
    let b = digest_for(&app, run, "b@x.org").await.expect("b's digest");
    assert!(b.contains("Funding map") && !b.contains("Partnership charter"));
    let c = digest_for(&app, run, "c@x.org").await.expect("c's digest");
    assert!(c.contains("Funding map") && !c.contains("Partnership charter"));
    for nobody in ["d@x.org", "e@x.org", "f@x.org"] {
        assert!(
            digest_for(&app, run, nobody).await.is_none(),
            "{nobody} gets nothing"
        );
    }
    // a and g share one body; each message carries its own links.
    let (runs_emails, bodies): (i64, i64) =
        sqlx::query_as("SELECT emails, bodies FROM exchange_digest_runs WHERE id = $1")
            .bind(run)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((runs_emails, bodies), (4, 3));
    assert_eq!(
        digest_for(&app, run, "a@x.org").await,
        digest_for(&app, run, "g@x.org").await
    );
    let _ = g;
    // Nothing new for f, but the window moved on.
    let f_cutoff: i64 =
        sqlx::query_scalar("SELECT last_digest_cutoff FROM exchange_subscribers WHERE id = $1")
            .bind(f)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(f_cutoff, p.cutoff);

    // Delivery fills in each person's links.
    let ids: Vec<i64> = sqlx::query_scalar("SELECT outbox_id FROM exchange_digest_recipients WHERE run_id = $1 AND outbox_id IS NOT NULL")
        .bind(run)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(digest::deliver(&app.state, &ids, None).await.unwrap(), 4);
    assert_eq!(
        digest::deliver(&app.state, &ids, None).await.unwrap(),
        0,
        "sent once"
    );
    let mail = std::fs::read_dir(app.state.config.mail_dir())
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter(|m| m.contains("List-Unsubscribe-Post"))
        .collect::<Vec<_>>();
    assert_eq!(mail.len(), 4);
    assert!(mail.iter().all(|m| !m.contains("%%TOKEN%%")));

    // The next day: nothing new, no email at all.
    let mut next = p.clone();
    next.period = format!("{} next", p.period);
    next.archive_from = p.cutoff;
    next.cutoff = p.cutoff + hour / 2;
    let run2 = digest::ensure_run(&app.state, &next).await.unwrap();
    digest::build(&app.state, "test", 2, None).await.unwrap();
    let (emails2, subscribers2): (i64, i64) =
        sqlx::query_as("SELECT emails, subscribers FROM exchange_digest_runs WHERE id = $1")
            .bind(run2)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((emails2, subscribers2), (0, 5));
    app.stop().await;
}

async fn a_crash_while_building_and_sending_loses_nothing_and_doubles_nothing(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let first =
        TestApp::spawn_with(backend, &[("smtp_url", &smtp.url()), ("run_jobs", "false")]).await;
    let p = future_period();
    publish(
        &first,
        "Career ladders",
        p.cutoff - 3_600_000,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    first
        .subscribers(7, "p", p.cutoff - 86_400_000, &[PARTNERSHIPS])
        .await;
    let run = digest::ensure_run(&first.state, &p).await.unwrap();
    // One chunk of three is built, and two of its messages go out ...
    assert_eq!(
        digest::build(&first.state, "first", 3, Some(1))
            .await
            .unwrap(),
        1
    );
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT outbox_id FROM exchange_digest_recipients WHERE run_id = $1 ORDER BY outbox_id",
    )
    .bind(run)
    .fetch_all(&first.state.db.pool)
    .await
    .unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(
        digest::deliver(&first.state, &ids, Some(2)).await.unwrap(),
        2
    );
    assert_eq!(smtp.wait_for(2, 20).await.len(), 2);
    // ... then the process dies (it runs no jobs, and nothing of the build
    // is left in memory), its lease on the run running out.
    sqlx::query("UPDATE exchange_digest_runs SET locked_until = 0")
        .execute(&first.state.db.pool)
        .await
        .unwrap();

    let second = TestApp::spawn_with(
        backend,
        &[
            ("smtp_url", &smtp.url()),
            ("database_url", &first.database_url),
        ],
    )
    .await;
    let messages = smtp.wait_for(7, 60).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let messages = if messages.len() >= 7 {
        smtp.messages()
    } else {
        messages
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        *seen.entry(header(m, "To").unwrap_or_default()).or_default() += 1;
    }
    assert_eq!(seen.len(), 7, "everyone got it: {seen:?}");
    assert!(seen.values().all(|n| *n == 1), "nobody twice: {seen:?}");
    let status: String =
        sqlx::query_scalar("SELECT status FROM exchange_digest_runs WHERE id = $1")
            .bind(run)
            .fetch_one(&second.state.db.pool)
            .await
            .unwrap();
    assert_eq!(status, "built");
    // Archived: the period's items by topic, on a public page.
    let archived: i64 =
        sqlx::query_scalar("SELECT id FROM exchange_digests WHERE run_id = $1 AND topic = $2")
            .bind(run)
            .bind(PARTNERSHIPS)
            .fetch_one(&second.state.db.pool)
            .await
            .unwrap();
    let page = second
        .browser()
        .get(&format!("/exchange/digests/{archived}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Career ladders"));
    assert!(page.body.contains("/exchange/items/"));
    let list = second.browser().get("/exchange/digests").await;
    assert!(list.body.contains("Build Cross-Agency Partnerships"));
    let (status, body) = call_anon(
        &second,
        "GET",
        &format!("/api/v1/exchange/digests?topic={PARTNERSHIPS}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 1);
    second.stop().await;
    first.stop().await;
}

async fn run_status(app: &TestApp, run: i64) -> String {
    sqlx::query_scalar("SELECT status FROM exchange_digest_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The job runner builds a run a chunk per job: a sign-in email queued
/// while it builds goes out before the build ends; a slice whose process
/// dies is taken up again; nobody is reached twice.
async fn building_goes_a_chunk_per_job_between_other_jobs(backend: Backend) {
    use waymark::jobs;
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let p = future_period();
    publish(
        &app,
        "Work-based learning",
        p.cutoff - 3_600_000,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    let subscribers = app
        .subscribers(7, "c", p.cutoff - 86_400_000, &[PARTNERSHIPS])
        .await;
    let run = digest::ensure_run(&app.state, &p).await.unwrap();
    assert!(digest::kick(&app.state, 3).await.unwrap());
    assert!(
        !digest::kick(&app.state, 3).await.unwrap(),
        "one chain of building jobs"
    );
    let mut email = None;
    let mut crashed = false;
    // (kind, the run's status when the job started)
    let mut order: Vec<(String, String)> = Vec::new();
    for _ in 0..100 {
        let claimed = jobs::claim(&app.state.db, "w", waymark::time::now_ms(), 1)
            .await
            .unwrap();
        let Some(job) = claimed.into_iter().next() else {
            break;
        };
        if job.kind == jobs::Job::BUILD_DIGEST && order.len() > 1 && !crashed {
            // The process dies holding this slice: its lease runs out.
            crashed = true;
            sqlx::query("UPDATE jobs SET locked_until = 0 WHERE id = $1")
                .bind(job.id)
                .execute(&app.state.db.pool)
                .await
                .unwrap();
            continue;
        }
        order.push((job.kind.clone(), run_status(&app, run).await));
        jobs::run::run_one(&app.state, &job).await.unwrap();
        jobs::complete(&app.state.db, job.id, "w").await.unwrap();
        if email.is_none() {
            // Someone asks for a sign-in link after the first slice.
            let mut tx = app.state.db.begin().await.unwrap();
            let mail = waymark::mail::Email {
                to: "someone@x.org".into(),
                subject: "Your sign-in link".into(),
                text: "Sign in".into(),
                html: "<p>Sign in</p>".into(),
                headers: vec![],
            };
            email = Some(waymark::mail::enqueue(&mut tx, &mail).await.unwrap());
            tx.commit().await.unwrap();
        }
    }
    assert!(crashed, "a slice was dropped half-way: {order:?}");
    let slices = order
        .iter()
        .filter(|o| o.0 == jobs::Job::BUILD_DIGEST)
        .count();
    assert!(
        slices >= 4,
        "three chunks of three and the close: {order:?}"
    );
    let sent_while_building = order
        .iter()
        .any(|(kind, status)| kind == jobs::Job::SEND_EMAIL && status == "building");
    assert!(
        sent_while_building,
        "the sign-in email did not wait for the build: {order:?}"
    );
    assert_eq!(run_status(&app, run).await, "built");
    let sent: Option<i64> = sqlx::query_scalar("SELECT sent_at FROM outbox WHERE id = $1")
        .bind(email.unwrap())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(sent.is_some(), "the sign-in email went out");
    // Everyone once, each with one message, all sent.
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT r.subscriber_id, COUNT(*) FROM exchange_digest_recipients r
         JOIN outbox o ON o.id = r.outbox_id
         WHERE r.run_id = $1 AND o.sent_at IS NOT NULL GROUP BY r.subscriber_id ORDER BY r.subscriber_id",
    )
    .bind(run)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        subscribers.iter().map(|s| (*s, 1)).collect::<Vec<_>>(),
        "{order:?}"
    );
    assert_eq!(app.count("outbox").await, 8, "seven digests and the email");
    app.stop().await;
}

/// 130 distinct digests in one chunk (stored a hundred per statement):
/// subscriber k, whose window opened k minutes before the cutoff, gets
/// the k items published since, in a message to their own address.
async fn many_distinct_digests_in_one_chunk_each_reach_the_right_person(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let p = future_period();
    let n = 130;
    for j in 0..n {
        publish(
            &app,
            &format!("Item {j}"),
            p.cutoff - j * 60_000 - 30_000,
            "published",
            &[PARTNERSHIPS],
        )
        .await;
    }
    for k in 1..=n {
        app.subscriber(
            &format!("k{k}@x.org"),
            "active",
            p.cutoff - k * 60_000,
            &[PARTNERSHIPS],
        )
        .await;
    }
    let run = digest::ensure_run(&app.state, &p).await.unwrap();
    digest::build(&app.state, "test", digest::CHUNK, None)
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.email, o.to_addr, b.subject FROM exchange_digest_recipients r
         JOIN exchange_subscribers s ON s.id = r.subscriber_id
         JOIN outbox o ON o.id = r.outbox_id JOIN mail_bodies b ON b.id = o.body_id
         WHERE r.run_id = $1",
    )
    .bind(run)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), n as usize);
    for (email, to, subject) in rows {
        assert_eq!(email, to);
        let k: usize = email[1..email.find('@').unwrap()].parse().unwrap();
        let want = if k == 1 {
            "Career Pathways Exchange: 1 new item on your topics".to_owned()
        } else {
            format!("Career Pathways Exchange: {k} new items on your topics")
        };
        assert_eq!(subject, want, "{email}");
    }
    let bodies: i64 = sqlx::query_scalar("SELECT bodies FROM exchange_digest_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(bodies, n);
    app.stop().await;
}

async fn bad_input_is_refused_next_to_the_field_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let b = app.browser();
    let page = b
        .submit(
            "/exchange/subscribe",
            "/exchange/subscribe",
            &[("email", "not an address"), ("frequency", "hourly")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"email-error\""));
    assert!(
        page.body
            .contains("Enter an email address like name@example.org.")
    );
    assert!(page.body.contains("id=\"topics-error\""));
    assert!(page.body.contains("id=\"frequency-error\""));
    assert!(
        page.body.contains("value=\"not an address\""),
        "kept what was typed"
    );
    let (status, body) = call_anon(
        &app,
        "POST",
        "/api/v1/exchange/subscriptions",
        Some(json!({"email": "ana@example.org", "topics": ["six-key-elements/nope"], "frequency": "daily"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "topics");
    assert_eq!(app.count("exchange_subscribers").await, 0);
    assert_eq!(app.count("outbox").await, 0);

    // Through the API: subscribe, then change with a bad frequency.
    let (status, _) = call_anon(
        &app,
        "POST",
        "/api/v1/exchange/subscriptions",
        Some(json!({"email": "ana@example.org", "topics": [PARTNERSHIPS], "frequency": "weekly"})),
    )
    .await;
    assert_eq!(status, 202);
    let (id, version): (i64, i64) =
        sqlx::query_as("SELECT id, link_version FROM exchange_subscribers")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let token = waymark::exchange::subscription::token(&app.state.keys.csrf, id, version);
    let path = format!("/api/v1/exchange/subscriptions/{token}");
    let (status, body) = call_anon(
        &app,
        "PUT",
        &path,
        Some(json!({"topics": [FUNDING], "frequency": "hourly"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "frequency");
    let (status, body) = call_anon(
        &app,
        "PUT",
        &path,
        Some(json!({"topics": [FUNDING], "frequency": "daily"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["topics"], json!([FUNDING]));
    // The manage page: a bad choice is shown next to the field.
    let manage = format!("/exchange/subscription/{token}");
    b.submit(&manage, &format!("{manage}/confirm"), &[]).await;
    let bad = b.submit(&manage, &manage, &[("frequency", "daily")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Choose at least one topic."));
    let good = b
        .submit(
            &manage,
            &manage,
            &[("topics", EMPLOYERS), ("frequency", "weekly")],
        )
        .await;
    assert_eq!(good.status, 303);
    let (status, body) = call_anon(&app, "GET", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["topics"], json!([EMPLOYERS]));
    assert_eq!(body["frequency"], "weekly");
    assert_eq!(body["status"], "active");
    app.stop().await;
}

/// Two `waymark serve` processes on one PostgreSQL: each subscriber gets
/// the digest exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgres_send_each_digest_once() {
    if crate::helpers::postgres_url().is_none() {
        return;
    }
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Postgres, &[("run_jobs", "false")]).await;
    let p = future_period();
    publish(
        &app,
        "Two servers",
        p.cutoff - 3_600_000,
        "published",
        &[PARTNERSHIPS],
    )
    .await;
    let n = 300;
    app.subscribers(n, "s", p.cutoff - 86_400_000, &[PARTNERSHIPS])
        .await;
    digest::ensure_run(&app.state, &p).await.unwrap();
    let mut servers = Vec::new();
    for k in 0..2 {
        let data = app.dir.path().join(format!("server{k}"));
        servers.push(crate::helpers::KillOnDrop(
            std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
                .arg("serve")
                .stdout(std::process::Stdio::null())
                .env("WAYMARK_DATABASE_URL", &app.database_url)
                .env("WAYMARK_LISTEN", "127.0.0.1:0")
                .env("WAYMARK_DATA_DIR", &data)
                .env("WAYMARK_SMTP_URL", smtp.url())
                .env("WAYMARK_JOB_POLL_MS", "20")
                .env("WAYMARK_LOG", "warn")
                .spawn()
                .expect("start waymark serve"),
        ));
    }
    let messages = smtp.wait_for(n, 120).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let messages = if messages.len() >= n {
        smtp.messages()
    } else {
        messages
    };
    for mut s in servers {
        s.stop();
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        *seen.entry(header(m, "To").unwrap_or_default()).or_default() += 1;
    }
    assert_eq!(seen.len(), n, "everyone got it");
    assert!(seen.values().all(|c| *c == 1), "nobody twice");
}

async fn subscription_pages_and_emails_say_how_often_in_plain_sentences(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[("run_jobs", "false"), ("digest_weekday", "friday")],
    )
    .await;
    let b = app.browser();
    let form = b.get("/exchange/subscribe").await;
    assert!(form.body.contains(">Every week, on Fridays</label>"));
    assert!(form.body.contains(">Every day</label>"));
    let sent = b
        .submit(
            "/exchange/subscribe",
            "/exchange/subscribe",
            &[
                ("email", "ana@example.org"),
                ("topics", PARTNERSHIPS),
                ("topics", FUNDING),
                ("frequency", "weekly"),
            ],
        )
        .await;
    assert!(sent.body.contains("Check your email"), "{}", sent.body);
    let text: String = sqlx::query_scalar("SELECT text_body FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        text.contains(
            "Someone (we hope you) asked for a weekly Career Pathways Exchange digest at this address, sent on Fridays, with new resources and events on:"
        ),
        "{text}"
    );

    let (id, version): (i64, i64) =
        sqlx::query_as("SELECT id, link_version FROM exchange_subscribers")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let token = waymark::exchange::subscription::token(&app.state.keys.csrf, id, version);
    let manage = format!("/exchange/subscription/{token}");
    let pending = b.get(&manage).await;
    assert!(
        pending.body.contains(
            "You asked for a weekly digest on Build Cross-Agency Partnerships and Identify Funding Needs and Strategies, sent on Fridays. Confirm to start it."
        ),
        "{}",
        pending.body
    );
    b.submit(&manage, &format!("{manage}/confirm"), &[]).await;
    let active = b.get(&manage).await;
    assert!(
        active.body.contains(
            "You get a weekly digest on Build Cross-Agency Partnerships and Identify Funding Needs and Strategies, sent on Fridays."
        ),
        "{}",
        active.body
    );
    let saved = b
        .submit(
            &manage,
            &manage,
            &[("topics", PARTNERSHIPS), ("frequency", "daily")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let daily = b.get(saved.location.as_deref().unwrap()).await;
    assert!(
        daily
            .body
            .contains("You get a daily digest on Build Cross-Agency Partnerships."),
        "{}",
        daily.body
    );
    assert!(!daily.body.contains("a every"));

    // The admin's counts agree with their numbers.
    let (_, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    b.sign_in("admin@ta.org", &pw).await;
    let runs = b.get("/admin/exchange/digests").await;
    assert_eq!(runs.status, 200);
    assert!(
        runs.body.contains("1 person gets the daily digest."),
        "{}",
        runs.body
    );
    app.stop().await;
}

/// Found from outside (issue 16): the once-per-ten-minutes rule compared
/// addresses exactly, so `victim+1@`, `victim+2@`, ... flooded one inbox
/// with confirmations, all sent together.
async fn sub_addresses_of_one_inbox_get_one_confirmation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let token = b.get("/exchange/subscribe").await.csrf_token().unwrap();
    let asks = (0..12).map(|i| {
        let (b, token) = (&b, &token);
        async move {
            let email = if i % 2 == 0 {
                format!("victim+{i}@example.org")
            } else {
                format!("Victim+{i}@EXAMPLE.org")
            };
            b.post_raw(
                "/exchange/subscribe",
                &[
                    ("csrf_token", token),
                    ("email", &email),
                    ("topics", PARTNERSHIPS),
                    ("frequency", "daily"),
                ],
            )
            .await
            .status
        }
    });
    for status in futures::future::join_all(asks).await {
        assert_eq!(status, 200, "each is told the same");
    }
    assert_eq!(app.count("outbox").await, 1, "one email to the inbox");
    // Another inbox is not held back by it.
    let page = b
        .submit(
            "/exchange/subscribe",
            "/exchange/subscribe",
            &[
                ("email", "someone@example.org"),
                ("topics", PARTNERSHIPS),
                ("frequency", "daily"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(app.count("outbox").await, 2);
    app.stop().await;
}
