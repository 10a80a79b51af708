//! The command line: settings, accounts, tokens, backups.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{Backend, TestApp};

fn waymark(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_waymark"));
    cmd.args(args)
        .env("WAYMARK_DATA_DIR", dir)
        .env("WAYMARK_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn bad_settings_give_one_clear_message_and_status_2() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value, words) in [
        ("WAYMARK_LISTEN", "everywhere", "WAYMARK_LISTEN"),
        ("WAYMARK_DATABASE_URL", "mysql://db", "WAYMARK_DATABASE_URL"),
        (
            "WAYMARK_SESSION_IDLE_MINUTES",
            "forever",
            "WAYMARK_SESSION_IDLE_MINUTES",
        ),
        ("WAYMARK_LISTN", "127.0.0.1:1", "WAYMARK_LISTN"),
    ] {
        let out = waymark(dir.path(), &["migrate"], &[(var, value)], None);
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(words), "{err}");
    }
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "listen = [1, 2]\n").unwrap();
    let out = waymark(
        dir.path(),
        &["--config", cfg.to_str().unwrap(), "migrate"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("listen"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !dir.path().join("waymark.db").exists(),
        "nothing was created"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_token_create_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = waymark(d, &["migrate"], &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A password on the command line is not accepted; a short one is refused.
    let out = waymark(
        d,
        &[
            "user",
            "add",
            "--email",
            "a@ta.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &[],
        Some("short\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("12 characters"));
    let out = waymark(
        d,
        &[
            "user",
            "add",
            "--email",
            "a@ta.org",
            "--name",
            "A",
            "--role",
            "emperor",
            "--password-stdin",
        ],
        &[],
        Some("a long enough passphrase\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--role"),
        "{}",
        text(&out.stderr)
    );

    let out = waymark(
        d,
        &[
            "user",
            "add",
            "--email",
            "Admin@TA.org",
            "--name",
            "Ada Admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &[],
        Some("a long enough passphrase\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = waymark(
        d,
        &[
            "user",
            "add",
            "--email",
            "admin@ta.org",
            "--name",
            "Again",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &[],
        Some("a long enough passphrase\n"),
    );
    assert_eq!(out.status.code(), Some(2), "duplicate email");

    let out = waymark(
        d,
        &["token", "create", "--email", "admin@ta.org"],
        &[],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout);
    assert_eq!(token.lines().count(), 1, "the token alone: {token:?}");
    let token = token.trim();
    assert!(token.starts_with("wmk_") && token.len() > 40);
    let out = waymark(
        d,
        &["token", "create", "--email", "nobody@ta.org"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));

    // The token works against a server on the same data.
    let config = waymark::config::Config::from_pairs(&[
        ("data_dir", d.to_str().unwrap()),
        ("listen", "127.0.0.1:0"),
        ("run_jobs", "false"),
    ])
    .unwrap();
    let running = waymark::app::start(config).await.unwrap();
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("http://{}/api/v1/me", running.addr))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "admin@ta.org");

    // Bad choices name their option; a token is revoked by its start.
    let out = waymark(
        d,
        &[
            "token",
            "create",
            "--email",
            "admin@ta.org",
            "--scope",
            "all",
            "--days",
            "400",
        ],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("--scope:") && err.contains("--days:"), "{err}");
    let prefix: String = token.chars().take(12).collect();
    let out = waymark(d, &["token", "revoke", &prefix], &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("of admin@ta.org"));
    let status = reqwest::Client::new()
        .get(format!("http://{}/api/v1/me", running.addr))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401, "a revoked token stops working at once");
    let out = waymark(d, &["token", "revoke", &prefix], &[], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let revoked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'api_token_revoked' AND actor = 'command line'",
    )
    .fetch_one(&running.state.db.pool)
    .await
    .unwrap();
    assert_eq!(revoked, 1);

    // A backup while the server runs is a complete database.
    let backup = d.join("backup.db");
    let out = waymark(d, &["backup", "--to", backup.to_str().unwrap()], &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let copy = waymark::db::Db::connect(&format!("sqlite://{}", backup.display()))
        .await
        .unwrap();
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&copy.pool)
        .await
        .unwrap();
    assert_eq!(users, 1);
    let out = waymark(d, &["backup", "--to", backup.to_str().unwrap()], &[], None);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an existing file is not overwritten"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_on_postgres_points_to_pg_dump() {
    let Some(_) = crate::helpers::postgres_url() else {
        return;
    };
    let app = TestApp::spawn(Backend::Postgres).await;
    let out = waymark(
        app.dir.path(),
        &["backup", "--to", "/tmp/x.db"],
        &[("WAYMARK_DATABASE_URL", &app.database_url)],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("pg_dump"));
    app.stop().await;
}

/// A whole account's life through a real `waymark serve` with debug logs:
/// no password, token, reset link or session id ever reaches the logs or
/// the audit log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs_or_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let password = "first secret passphrase";
    let out = waymark(
        d,
        &[
            "user",
            "add",
            "--email",
            "admin@ta.org",
            "--name",
            "Ada",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &[],
        Some(password),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let port = crate::helpers::free_port();
    let log_path = d.join("serve.log");
    let server = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("serve")
        .stdout(Stdio::null())
        .env("WAYMARK_DATA_DIR", d)
        .env("WAYMARK_LISTEN", format!("127.0.0.1:{port}"))
        .env("WAYMARK_LOG", "debug")
        .env("WAYMARK_JOB_POLL_MS", "50")
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut server = crate::helpers::KillOnDrop(server);
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }

    let b = crate::helpers::Browser::new(&base);
    assert_eq!(b.sign_in("admin@ta.org", password).await.status, 303);
    let session = b.cookie("waymark_session").unwrap();
    let page = b
        .submit("/account", "/account/tokens", &[("name", "script")])
        .await;
    let start = page.body.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    let token = page.body[start..start + page.body[start..].find('<').unwrap()].to_owned();
    let me = reqwest::Client::new()
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let failed = b
        .sign_in("admin@ta.org", "a wrong guess of a password")
        .await;
    assert_eq!(failed.status, 401);
    let anon = crate::helpers::Browser::new(&base);
    assert_eq!(
        anon.sign_in("admin@ta.org", "another wrong guess")
            .await
            .status,
        401
    );
    anon.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", "admin@ta.org")],
    )
    .await;

    // The reset email lands in the mail folder.
    let mail_dir = d.join("mail");
    let mut link = None;
    for _ in 0..100 {
        if let Some(found) = std::fs::read_dir(&mail_dir)
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .find_map(|m| crate::helpers::set_password_link(&m))
        {
            link = Some(found);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let link = link.expect("a reset email in the mail folder");
    let reset_token = link.split("token=").nth(1).unwrap().to_owned();
    let second = "second secret passphrase";
    let done = anon
        .submit(
            &link,
            "/password/set",
            &[
                ("token", &reset_token),
                ("password", second),
                ("confirm", second),
            ],
        )
        .await;
    assert_eq!(done.status, 303);

    server.stop();
    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(logs.contains("served"), "the log has request lines");
    let db = waymark::db::Db::connect(&format!("sqlite://{}/waymark.db", d.display()))
        .await
        .unwrap();
    let audit: Vec<(String, String, String)> =
        sqlx::query_as("SELECT action, record_id, detail FROM audit_log")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert!(audit.len() >= 6, "{audit:?}");
    let audit_text = format!("{audit:?}");
    for (what, secret) in [
        ("first password", password),
        ("second password", second),
        ("wrong guess", "another wrong guess"),
        ("API token", token.as_str()),
        ("reset token", reset_token.as_str()),
        ("session id", session.as_str()),
    ] {
        assert!(!logs.contains(secret), "the {what} is in the logs");
        assert!(
            !audit_text.contains(secret),
            "the {what} is in the audit log"
        );
    }
}

#[test]
fn framework_check_passes_a_good_file_and_lists_the_problems_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/frameworks/six-key-elements.toml"
    );
    let out = waymark(dir.path(), &["framework", "check", good], &[], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.trim_end().contains(": ok"), "{said}");
    assert!(said.contains("6 elements, 42 strategies"), "{said}");

    let glossary = concat!(env!("CARGO_MANIFEST_DIR"), "/frameworks/glossary.toml");
    let out = waymark(dir.path(), &["framework", "check", glossary], &[], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A copy with an unknown field, an empty text and a missing component.
    let bad = dir.path().join("mine.toml");
    let original = std::fs::read_to_string(good).unwrap();
    let broken = original
        .replacen("slug = \"six-key-elements\"", "slug = \"mine\"", 1)
        .replacen(
            "version = \"2014\"",
            "version = \"2014\"\ncolour = \"blue\"",
            1,
        );
    std::fs::write(&bad, &broken).unwrap();
    let out = waymark(
        dir.path(),
        &["framework", "check", bad.to_str().unwrap()],
        &[],
        None,
    );
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    let line = broken
        .lines()
        .position(|l| l.starts_with("colour"))
        .unwrap()
        + 1;
    let expected = format!("{}:{line}: ", bad.display());
    assert!(err.lines().next().unwrap().starts_with(&expected), "{err}");
    assert!(err.contains("colour"), "{err}");

    let broken = original
        .replacen("slug = \"six-key-elements\"", "slug = \"mine\"", 1)
        .replacen(
            "\"pos-partnerships\", \"pos-technical-skills\"",
            "\"pos-partnerships\", \"pos-astrology\"",
            1,
        )
        .replacen(
            "text = \"Jointly develop a sustainability plan.\"",
            "text = \"\"",
            1,
        );
    std::fs::write(&bad, &broken).unwrap();
    let out = waymark(
        dir.path(),
        &["framework", "check", bad.to_str().unwrap()],
        &[],
        None,
    );
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    let at = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "{}:{}: `strategies.text` is empty",
            bad.display(),
            at("text = \"\"")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:{}: element \"employers\" names component \"pos-astrology\"",
            bad.display(),
            at("pos-astrology")
        )),
        "{err}"
    );
    assert!(
        !dir.path().join("waymark.db").exists(),
        "no database is needed"
    );
}

// ----- `waymark seed synthetic`: the program year -----

crate::both_backends!(a_synthetic_year_holds_every_part_for_every_state);

async fn a_synthetic_year_holds_every_part_for_every_state(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    waymark::seed::synthetic::assessment_cohort(
        &app.state,
        &waymark::seed::synthetic::Sizes {
            program: "syn".into(),
            states: 3,
            snapshots: 2,
            raters: 2,
            year: true,
        },
    )
    .await
    .unwrap();
    let db = &app.state.db.pool;
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db)
            .await
            .unwrap()
    };
    // Per state 11 calls, 2 visits, 11 planning sessions; the kick-off and
    // 4 webinars for all; one group of three with 5 peer sessions.
    assert_eq!(
        one("SELECT COUNT(*) FROM activities").await,
        1 + 4 + 3 * 24 + 5
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM activity_states").await,
        3 + 4 * 3 + 3 * 24 + 5 * 3
    );
    for (kind, n) in [
        ("kickoff", 1),
        ("webinar", 4),
        ("coaching_call", 33),
        ("site_visit", 6),
        ("planning_session", 33),
        ("peer_session", 5),
    ] {
        let got: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE kind = $1")
            .bind(kind)
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(got, n, "{kind}");
    }
    assert_eq!(one("SELECT COUNT(*) FROM peer_groups").await, 1);
    assert_eq!(one("SELECT COUNT(*) FROM peer_group_states").await, 3);
    // Most of the year is behind; something is still ahead.
    let now = waymark::time::now_ms();
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activities WHERE starts_at > $1 AND status = 'scheduled'",
    )
    .bind(now)
    .fetch_one(db)
    .await
    .unwrap();
    let held = one("SELECT COUNT(*) FROM activities WHERE status = 'held'").await;
    assert!(ahead >= 3 && held > ahead, "{ahead} ahead, {held} held");
    // Held calls have 2 or 3 action items each.
    let calls =
        one("SELECT COUNT(*) FROM activities WHERE kind = 'coaching_call' AND status = 'held'")
            .await;
    let items = one("SELECT COUNT(*) FROM action_items").await;
    assert!(
        (2 * calls..=3 * calls).contains(&items),
        "{items} items for {calls} calls"
    );
    // Plans: 3 to 5 goals, 4 to 6 steps each, 2 milestones each, 6 to 10 updates per plan.
    assert_eq!(one("SELECT COUNT(*) FROM plans").await, 3);
    let goals = one("SELECT COUNT(*) FROM plan_goals").await;
    assert!((9..=15).contains(&goals), "{goals} goals");
    let steps = one("SELECT COUNT(*) FROM plan_steps").await;
    assert!((4 * goals..=6 * goals).contains(&steps), "{steps} steps");
    assert_eq!(one("SELECT COUNT(*) FROM plan_milestones").await, 2 * goals);
    let updates = one("SELECT COUNT(*) FROM plan_updates").await;
    assert!((18..=30).contains(&updates), "{updates} updates");
    let statuses = one("SELECT COUNT(DISTINCT status) FROM plan_steps").await;
    assert!(statuses >= 3, "mixed statuses");
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let today = jiff::Timestamp::from_millisecond(now)
        .unwrap()
        .to_zoned(tz)
        .date()
        .to_string();
    let overdue: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM plan_steps WHERE due_on < $1 AND status <> 'done'",
    )
    .bind(&today)
    .fetch_one(db)
    .await
    .unwrap();
    assert!(overdue > 0, "some steps are overdue");
    // Everything happens within the program's year on its timeline.
    let (first, last): (String, String) = sqlx::query_as(
        "SELECT (SELECT starts_on FROM program_milestones WHERE key = 'kickoff'), (SELECT ends_on FROM program_milestones WHERE key = 'coaching_calls')",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let (earliest, latest): (i64, i64) =
        sqlx::query_as("SELECT MIN(starts_at), MAX(ends_at) FROM activities")
            .fetch_one(db)
            .await
            .unwrap();
    let day = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap())
            .date()
    };
    let first: jiff::civil::Date = first.parse().unwrap();
    let last: jiff::civil::Date = last.parse().unwrap();
    assert!(day(earliest) >= first, "{} before {first}", day(earliest));
    assert!(
        day(latest) <= last.last_of_month(),
        "{} after {last}",
        day(latest)
    );
    assert!(first.to_string() < today && today < last.last_of_month().to_string());
    // Each state has a coach.
    assert_eq!(
        one("SELECT COUNT(*) FROM role_grants WHERE role = 'coach'").await,
        3
    );
    app.stop().await;
}

#[test]
fn digest_run_follows_the_configured_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let out = waymark(dir.path(), &["migrate"], &[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let friday_five_in_london = [
        ("WAYMARK_DIGEST_HOUR", "17"),
        ("WAYMARK_DIGEST_WEEKDAY", "friday"),
        ("WAYMARK_DIGEST_TIME_ZONE", "Europe/London"),
    ];
    // Friday 2026-11-27, 16:30 in London: last week's run.
    let out = waymark(
        dir.path(),
        &[
            "digest",
            "run",
            "--frequency",
            "weekly",
            "--now",
            "2026-11-27T16:30:00Z",
        ],
        &friday_five_in_london,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("weekly week to 2026-11-20 (built)"),
        "{}",
        text(&out.stdout)
    );
    // 17:30: this week's.
    let out = waymark(
        dir.path(),
        &[
            "digest",
            "run",
            "--frequency",
            "weekly",
            "--now",
            "2026-11-27T17:30:00Z",
        ],
        &friday_five_in_london,
        None,
    );
    assert!(
        text(&out.stdout).contains("weekly week to 2026-11-27 (built)"),
        "{}",
        text(&out.stdout)
    );
    // A bad schedule is refused, naming the setting.
    for (var, value) in [
        ("WAYMARK_DIGEST_HOUR", "24"),
        ("WAYMARK_DIGEST_WEEKDAY", "someday"),
        ("WAYMARK_DIGEST_TIME_ZONE", "Europe/Atlantis"),
    ] {
        let out = waymark(dir.path(), &["digest", "run"], &[(var, value)], None);
        assert_eq!(out.status.code(), Some(2), "{var}");
        assert!(text(&out.stderr).contains(var), "{}", text(&out.stderr));
    }
}
