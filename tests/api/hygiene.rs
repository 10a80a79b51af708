//! Account hygiene (issue 16): where one is signed in, accounts an
//! administrator turns off and on, and accounts turned off when unused.

use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, call};

both_backends!(
    people_see_where_they_are_signed_in_and_sign_out_anywhere,
    an_administrator_turns_an_account_off_and_back_on,
    unused_accounts_are_warned_then_turned_off,
);

const DAY: i64 = 86_400_000;

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn people_see_where_they_are_signed_in_and_sign_out_anywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, pw) = app.add_user("lead@co.gov", "sme", None, None).await;
    let token = app.token_for(id, "lead@co.gov").await;
    let laptop = app.browser();
    let phone = app.browser();
    let tablet = app.browser();
    for b in [&laptop, &phone, &tablet] {
        assert_eq!(b.sign_in("lead@co.gov", &pw).await.status, 303);
    }

    // The account page leads to the list; each is shown, this one marked.
    assert!(
        laptop
            .get("/account")
            .await
            .body
            .contains("href=\"/account/sessions\"")
    );
    let page = laptop.get("/account/sessions").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("class=\"usa-card ").count(), 3);
    assert_eq!(page.body.matches("(this device)").count(), 1);
    assert!(page.body.contains("127.0.0.1"));

    // Through the API: the same three; one is ended by its id.
    let (status, list) = call(&app, &token, "GET", "/api/v1/me/sessions", None).await;
    assert_eq!(status, 200);
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    assert!(sessions.iter().all(|s| s["current"] == Value::Bool(false)));
    let phone_hash = waymark::auth::secret::sha256_hex(&phone.cookie("waymark_session").unwrap());
    let phone_id = waymark::auth::sessions::handle(&phone_hash);
    let (status, _) = call(
        &app,
        &token,
        "DELETE",
        &format!("/api/v1/me/sessions/{phone_id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(phone.get("/account").await.redirects_to_signin());
    let (status, _) = call(
        &app,
        &token,
        "DELETE",
        &format!("/api/v1/me/sessions/{phone_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "already ended");

    // On the page: everywhere but here.
    let ended = laptop
        .submit("/account/sessions", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(ended.status, 303);
    assert!(tablet.get("/account").await.redirects_to_signin());
    let page = laptop.get("/account/sessions?done=sessions-ended").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("signed out everywhere except on this device")
    );
    assert_eq!(page.body.matches("class=\"usa-card ").count(), 1);

    // Someone else's session is not found, and nothing ends.
    let (other, other_pw) = app.add_user("ana@co.gov", "sme", None, None).await;
    let ana = app.browser();
    ana.sign_in("ana@co.gov", &other_pw).await;
    let ana_token = app.token_for(other, "ana@co.gov").await;
    let laptop_hash = waymark::auth::secret::sha256_hex(&laptop.cookie("waymark_session").unwrap());
    let (status, _) = call(
        &app,
        &ana_token,
        "DELETE",
        &format!(
            "/api/v1/me/sessions/{}",
            waymark::auth::sessions::handle(&laptop_hash)
        ),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(laptop.get("/account").await.status, 200);

    // Everywhere at once through the API.
    let (status, body) = call(&app, &token, "DELETE", "/api/v1/me/sessions", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["ended"], 1);
    assert!(laptop.get("/account").await.redirects_to_signin());
    assert_eq!(audited(&app, "session_ended").await, 1);
    assert_eq!(audited(&app, "sessions_ended").await, 2);
    app.stop().await;
}

async fn an_administrator_turns_an_account_off_and_back_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin_id, admin_pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let (lead_id, lead_pw) = app.add_user("lead@co.gov", "sme", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &admin_pw).await;
    let admin_token = app.token_for(admin_id, "admin@ta.org").await;
    let lead = app.browser();
    lead.sign_in("lead@co.gov", &lead_pw).await;
    let lead_token = app.token_for(lead_id, "lead@co.gov").await;

    // From the People page: the lead's sessions and tokens end at once.
    let people = admin.get("/admin/people").await;
    assert!(
        people
            .body
            .contains(&format!("/admin/people/{lead_id}/disable"))
    );
    assert!(
        !people
            .body
            .contains(&format!("/admin/people/{admin_id}/disable")),
        "not offered for oneself"
    );
    let off = admin
        .submit(
            "/admin/people",
            &format!("/admin/people/{lead_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(off.status, 303);
    assert!(lead.get("/account").await.redirects_to_signin());
    let (status, _) = call(&app, &lead_token, "GET", "/api/v1/me", None).await;
    assert_eq!(status, 401);
    let people = admin.get("/admin/people?done=account-off").await.body;
    assert!(people.contains("Turned off by an administrator"));
    assert!(people.contains(&format!("/admin/people/{lead_id}/enable")));

    // The right password is told why; a wrong one learns nothing.
    let refused = lead.sign_in("lead@co.gov", &lead_pw).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Your account is turned off"));
    let wrong = lead.sign_in("lead@co.gov", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert!(!wrong.body.contains("turned off"));

    // Oneself: refused with a reason, nothing changes.
    let (status, body) = call(
        &app,
        &admin_token,
        "POST",
        &format!("/api/v1/people/{admin_id}/disable"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("your own")
    );
    let mine = admin
        .submit(
            "/admin/people",
            &format!("/admin/people/{admin_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(mine.status, 409);
    assert!(mine.body.contains("You cannot turn off your own account"));

    // Back on through the API: the person signs in; old tokens stay revoked.
    let (status, _) = call(
        &app,
        &admin_token,
        "POST",
        &format!("/api/v1/people/{lead_id}/enable"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, people) = call(&app, &admin_token, "GET", "/api/v1/people", None).await;
    let row = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == lead_id)
        .unwrap()
        .clone();
    assert_eq!(row["active"], true);
    assert_eq!(lead.sign_in("lead@co.gov", &lead_pw).await.status, 303);
    let (status, _) = call(&app, &lead_token, "GET", "/api/v1/me", None).await;
    assert_eq!(status, 401);
    let (status, _) = call(
        &app,
        &admin_token,
        "POST",
        &format!("/api/v1/people/{lead_id}/enable"),
        None,
    )
    .await;
    assert_eq!(status, 409, "already on");
    let (status, _) = call(
        &app,
        &admin_token,
        "POST",
        "/api/v1/people/999999/disable",
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(audited(&app, "account_disabled").await, 1);
    assert_eq!(audited(&app, "account_enabled").await, 1);
    app.stop().await;
}

async fn unused_accounts_are_warned_then_turned_off(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let now = waymark::time::now_ms();
    let (_, admin_pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let (quiet, quiet_pw) = app.add_user("quiet@co.gov", "sme", None, None).await;
    let (scripted, _) = app.add_user("script@co.gov", "sme", None, None).await;
    let (_, busy_pw) = app.add_user("busy@co.gov", "sme", None, None).await;
    // Everyone was made 84 days ago; one signed in yesterday, one has a
    // token used yesterday.
    sqlx::query("UPDATE users SET created_at = $1")
        .bind(now - 84 * DAY)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let busy = app.browser();
    busy.sign_in("busy@co.gov", &busy_pw).await;
    app.token_for(scripted, "script@co.gov").await;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1")
        .bind(now - DAY)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let outbox_before = app.count("outbox").await;

    let report = waymark::auth::standing::sweep(&app.state, now)
        .await
        .unwrap();
    assert_eq!(report.warned, 2, "the admin and the quiet member");
    assert_eq!(report.turned_off, 0);
    let subjects: Vec<(String, String, String)> =
        sqlx::query_as("SELECT to_addr, subject, text_body FROM outbox ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let warnings: Vec<_> = subjects[outbox_before as usize..].to_vec();
    assert_eq!(
        warnings.iter().map(|w| w.0.as_str()).collect::<Vec<_>>(),
        ["admin@ta.org", "quiet@co.gov"]
    );
    assert_eq!(
        warnings[1].1,
        "Your Waymark account will be turned off in a week"
    );
    assert!(
        warnings[1].2.contains("unused for 90 days"),
        "{}",
        warnings[1].2
    );
    // Warned once, however often the sweep runs.
    let again = waymark::auth::standing::sweep(&app.state, now + DAY)
        .await
        .unwrap();
    assert_eq!(again.warned, 0);

    // The admin signs in within the week; the quiet member does not.
    let admin = app.browser();
    assert_eq!(admin.sign_in("admin@ta.org", &admin_pw).await.status, 303);
    let later = waymark::auth::standing::sweep(&app.state, now + 7 * DAY)
        .await
        .unwrap();
    assert_eq!(
        later,
        waymark::auth::standing::SweepReport {
            warned: 0,
            turned_off: 1
        }
    );

    let quiet_browser = app.browser();
    let refused = quiet_browser.sign_in("quiet@co.gov", &quiet_pw).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("not used for 90 days"),
        "{}",
        refused.body
    );
    let people = admin.get("/admin/people").await.body;
    assert!(people.contains("Turned off: not used for a long time"));
    let on = admin
        .submit(
            "/admin/people",
            &format!("/admin/people/{quiet}/enable"),
            &[],
        )
        .await;
    assert_eq!(on.status, 303);
    assert_eq!(
        quiet_browser
            .sign_in("quiet@co.gov", &quiet_pw)
            .await
            .status,
        303
    );
    // Turned back on, the unused time counts from then.
    let after = waymark::auth::standing::sweep(&app.state, now + 8 * DAY)
        .await
        .unwrap();
    assert_eq!(after.turned_off, 0);
    assert_eq!(audited(&app, "inactivity_warning").await, 2);
    app.stop().await;
}
