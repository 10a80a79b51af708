//! Email through a real SMTP server (aiosmtpd), and delivery by two
//! server processes sharing one PostgreSQL database.

use std::collections::HashMap;
use std::time::Duration;

use crate::both_backends;
use crate::helpers::{Backend, SmtpSink, TestApp, set_password_link};

both_backends!(
    an_invitation_arrives_and_its_link_works_once,
    password_reset_by_email
);

async fn an_invitation_arrives_and_its_link_works_once(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    app.add_program("acp-2016").await;
    let (_, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &pw).await;

    // A bad invitation is refused next to its fields and sends nothing.
    let bad = admin
        .submit(
            "/admin/people",
            "/admin/people",
            &[("email", "nope"), ("name", ""), ("role", "")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Enter an email address like name@agency.gov.")
    );
    assert!(bad.body.contains("id=\"invite-name-error\""));
    assert_eq!(app.count("outbox").await, 0);

    let res = admin
        .submit(
            "/admin/people",
            "/admin/people",
            &[
                ("email", "ana@co.gov"),
                ("name", "Ana Ruiz"),
                ("role", "state_lead"),
                ("program", "acp-2016"),
                ("state", "CO"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let messages = smtp.wait_for(1, 30).await;
    assert_eq!(messages.len(), 1, "one invitation email");
    let mail = &messages[0];
    assert!(mail.contains("Subject: You are invited to Waymark"));
    assert!(mail.contains("To: ana@co.gov"));
    assert!(
        mail.contains("text/plain") && mail.contains("text/html"),
        "both parts"
    );
    let link = set_password_link(mail).expect("a link in the email");
    assert!(
        crate::helpers::unfold_qp(mail).contains(&format!("{}{link}", app.base)),
        "the link points at this server"
    );

    let visitor = app.browser();
    let form = visitor.get(&link).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Welcome to Waymark"));
    let token = link.split("token=").nth(1).unwrap();
    let short = visitor
        .submit(
            &link,
            "/password/set",
            &[
                ("token", token),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains("at least 12 characters"));
    let done = visitor
        .submit(
            &link,
            "/password/set",
            &[
                ("token", token),
                ("password", "river stone maple lantern"),
                ("confirm", "river stone maple lantern"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some("/signin?done=password-set"));

    // The link worked once.
    assert_eq!(visitor.get(&link).await.status, 410);
    let again = app
        .browser()
        .post_raw("/password/set", &[("token", token)])
        .await;
    assert!(again.status == 403 || again.status == 410);
    assert_eq!(
        app.browser()
            .sign_in("ana@co.gov", "river stone maple lantern")
            .await
            .status,
        303
    );

    let sent: Option<i64> = sqlx::query_scalar("SELECT sent_at FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(sent.is_some());
    app.stop().await;
}

async fn password_reset_by_email(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let (_, old) = app.add_user("coach@ta.org", "sme", None, None).await;
    let b = app.browser();
    let unknown = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "ghost@ta.org")],
        )
        .await;
    let known = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "coach@ta.org")],
        )
        .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(
        known.body, unknown.body,
        "the same answer for known and unknown addresses"
    );
    let messages = smtp.wait_for(1, 30).await;
    assert_eq!(messages.len(), 1, "only the real account gets an email");
    let link = set_password_link(&messages[0]).unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let done = b
        .submit(
            &link,
            "/password/set",
            &[
                ("token", token),
                ("password", "a fresh long passphrase"),
                ("confirm", "a fresh long passphrase"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        app.browser().sign_in("coach@ta.org", &old).await.status,
        401
    );
    assert_eq!(
        app.browser()
            .sign_in("coach@ta.org", "a fresh long passphrase")
            .await
            .status,
        303
    );
    app.stop().await;
}

/// Two `waymark serve` processes on one PostgreSQL database deliver 1,000
/// queued emails: every one arrives, none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_deliver_a_thousand_emails_exactly_once() {
    if crate::helpers::postgres_url().is_none() {
        return;
    }
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    // Migrate and queue with the job runner off.
    let app = TestApp::spawn_with(Backend::Postgres, &[("run_jobs", "false")]).await;
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..1000 {
        let email = waymark::mail::Email {
            to: format!("person{i}@load.test"),
            subject: format!("Message {i}"),
            text: format!("Hello {i}"),
            html: format!("<p>Hello {i}</p>"),
            headers: vec![],
        };
        waymark::mail::enqueue(&mut tx, &email).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut servers = Vec::new();
    for n in 0..2 {
        let data = app.dir.path().join(format!("server{n}"));
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
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    loop {
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        if left == 0 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let messages = smtp.wait_for(1000, 30).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = if messages.len() >= 1000 {
        smtp.messages()
    } else {
        messages
    };
    for mut s in servers {
        s.stop();
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        let id = m
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            .expect("Message-ID")
            .to_owned();
        *seen.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(seen.len(), 1000, "every email arrives");
    let workers: Vec<String> = sqlx::query_scalar("SELECT DISTINCT locked_by FROM jobs")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(workers.len(), 2, "both servers took part: {workers:?}");
    app.stop().await;
}

/// A delivery that fails is kept, recorded and tried again later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_with_backoff() {
    let closed = format!("smtp://127.0.0.1:{}", crate::helpers::free_port());
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("smtp_url", &closed), ("run_jobs", "false")],
    )
    .await;
    let mut tx = app.state.db.begin().await.unwrap();
    let email = waymark::mail::Email {
        to: "a@b.test".into(),
        subject: "S".into(),
        text: "T".into(),
        html: "<p>T</p>".into(),
        headers: vec![],
    };
    waymark::mail::enqueue(&mut tx, &email).await.unwrap();
    tx.commit().await.unwrap();
    let before = waymark::time::now_ms();
    let ran = waymark::jobs::run::run_due(&app.state, "test-worker")
        .await
        .unwrap();
    assert_eq!(ran, 1);
    let (status, attempts, run_at, error): (String, i64, i64, Option<String>) =
        sqlx::query_as("SELECT status, attempts, run_at, last_error FROM jobs")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(status, "queued", "kept for another try");
    assert_eq!(attempts, 1);
    assert!(
        run_at >= before + 10_000,
        "the next try waits at least 10 s"
    );
    assert!(error.is_some());
    let (sent, tries): (Option<i64>, i64) = sqlx::query_as("SELECT sent_at, attempts FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!((sent, tries), (None, 1));
    // Not due yet: nothing runs.
    assert_eq!(
        waymark::jobs::run::run_due(&app.state, "test-worker")
            .await
            .unwrap(),
        0
    );
    app.stop().await;
}
