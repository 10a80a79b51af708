//! Two-step sign-in (issue 16): an authenticator app's codes (RFC 6238)
//! and recovery codes, required for some roles by a setting.

use waymark::auth::totp;

use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp};

both_backends!(
    a_second_step_is_asked_once_set_up_and_each_code_works_once,
    a_role_that_requires_it_is_led_through_setting_it_up,
);

/// The key shown on the setup page, as the app would read it.
fn key_on(page: &str) -> Vec<u8> {
    let start =
        page.find("id=\"setup-key\">").expect("the key is shown") + "id=\"setup-key\">".len();
    let text = &page[start..start + page[start..].find('<').unwrap()];
    totp::from_base32(text).expect("the key is base32")
}

fn code(key: &[u8], steps_from_now: i64) -> String {
    let step = totp::step_at(waymark::time::now_ms()) + steps_from_now;
    totp::code_for(key, step, totp::DIGITS)
}

fn recovery_codes_on(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect()
}

async fn password_step(b: &Browser, email: &str, pw: &str) -> String {
    let res = b.sign_in(email, pw).await;
    assert_eq!(res.status, 303);
    res.location.unwrap()
}

async fn a_second_step_is_asked_once_set_up_and_each_code_works_once(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("signin_max_failures", "3")]).await;
    let (_, pw) = app.add_user("ana@co.gov", "sme", None, None).await;
    let b = app.browser();
    b.sign_in("ana@co.gov", &pw).await;

    // Set up from the account page: a QR image and the key in text.
    assert!(
        b.get("/account")
            .await
            .body
            .contains("Set up two-step sign-in")
    );
    let setup = b.get("/account/two-step").await;
    assert_eq!(setup.status, 200);
    assert!(setup.body.contains("src=\"data:image/svg+xml;base64,"));
    let key = key_on(&setup.body);
    let wrong = b
        .submit(
            "/account/two-step",
            "/account/two-step",
            &[("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("id=\"code-error\""));
    assert_eq!(
        key_on(&wrong.body),
        key,
        "the same key until it is confirmed"
    );
    let on = b
        .submit(
            "/account/two-step",
            "/account/two-step",
            &[("code", &code(&key, 0))],
        )
        .await;
    assert_eq!(on.status, 200);
    let recovery = recovery_codes_on(&on.body);
    assert_eq!(recovery.len(), 10);
    assert!(
        !b.get("/account/two-step").await.body.contains(&recovery[0]),
        "shown once"
    );
    b.submit("/account", "/signout", &[]).await;

    // The password alone now leads to the code, not into Waymark.
    let to = password_step(&b, "ana@co.gov", &pw).await;
    assert_eq!(to, "/signin/code?next=%2F");
    assert!(b.cookie("waymark_session").is_none());
    assert!(b.get("/account").await.redirects_to_signin());
    let page = b.get(&to).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("autocomplete=\"one-time-code\""));
    // The code used to confirm the app is not taken again.
    let replay = b
        .submit(
            &to,
            "/signin/code",
            &[("code", &code(&key, 0)), ("next", "/")],
        )
        .await;
    assert_eq!(replay.status, 401);
    assert!(replay.body.contains("id=\"code-error\""));
    let next = code(&key, 1);
    let done = b
        .submit(
            &to,
            "/signin/code",
            &[("code", &next), ("next", "/account")],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some("/account"));
    assert!(b.cookie("waymark_pending").is_none());
    assert_eq!(b.get("/account").await.status, 200);
    b.submit("/account", "/signout", &[]).await;

    // A recovery code works once, typed loosely.
    let to = password_step(&b, "ana@co.gov", &pw).await;
    let loose = recovery[3].to_uppercase().replace('-', " ");
    let done = b
        .submit(&to, "/signin/code", &[("code", &loose), ("next", "/")])
        .await;
    assert_eq!(done.status, 303);
    b.submit("/account", "/signout", &[]).await;
    let to = password_step(&b, "ana@co.gov", &pw).await;
    let again = b
        .submit(
            &to,
            "/signin/code",
            &[("code", &recovery[3]), ("next", "/")],
        )
        .await;
    assert_eq!(again.status, 401);
    let status = b.get("/account/two-step").await;
    assert!(status.redirects_to_signin());

    // Guesses at the second step are held to the sign-in limit (3 here,
    // one already spent above).
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            b.submit(&to, "/signin/code", &[("code", "123456"), ("next", "/")])
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 429]);
    let refused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND detail = 'wrong second-step code'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(refused, 4);

    // A pending step for another account is not believed.
    let forged =
        b.cookie("waymark_pending")
            .unwrap()
            .replacen(|c: char| c.is_ascii_digit(), "9", 1);
    b.set_cookie("waymark_pending", &forged);
    let res = b.get("/signin/code").await;
    assert_eq!(res.location.as_deref(), Some("/signin?done=signin-again"));
    app.stop().await;
}

async fn a_role_that_requires_it_is_led_through_setting_it_up(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("second_step_required_for", "admin,federal")]).await;
    let (_, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let (_, sme_pw) = app.add_user("sme@ta.org", "sme", None, None).await;
    let b = app.browser();

    // An expert is not asked; an administrator is led through setup.
    let expert = app.browser();
    assert_eq!(password_step(&expert, "sme@ta.org", &sme_pw).await, "/");
    let to = password_step(&b, "admin@ta.org", &pw).await;
    assert_eq!(to, "/signin/setup?next=%2F");
    assert!(b.cookie("waymark_session").is_none());
    let setup = b.get(&to).await;
    assert_eq!(setup.status, 200, "{:?}", setup.location);
    assert!(setup.body.contains("Your role needs a second step"));
    let key = key_on(&setup.body);
    let done = b
        .submit(
            &to,
            "/signin/setup",
            &[("code", &code(&key, 0)), ("next", "/")],
        )
        .await;
    assert_eq!(done.status, 200);
    assert_eq!(recovery_codes_on(&done.body).len(), 10);
    assert!(
        b.cookie("waymark_session").is_some(),
        "signed in once set up"
    );
    assert_eq!(b.get("/account").await.status, 200);

    let (admin_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = 'admin@ta.org'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let token = app.token_for(admin_id, "admin@ta.org").await;
    let (status, body) =
        crate::helpers::call(&app, &token, "GET", "/api/v1/me/two-step", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["on"], true);
    assert_eq!(body["required"], true);
    assert_eq!(body["recovery_codes_left"], 10);

    // Required: it cannot be turned off, even with the password.
    let off = b
        .submit(
            "/account/two-step",
            "/account/two-step/off",
            &[("password", &pw)],
        )
        .await;
    assert_eq!(off.status, 409);
    assert!(off.body.contains("Your role requires two-step sign-in"));

    // The expert turns it on, then off again with the password.
    expert.get("/account/two-step").await;
    let setup = expert.get("/account/two-step").await;
    let key = key_on(&setup.body);
    let on = expert
        .submit(
            "/account/two-step",
            "/account/two-step",
            &[("code", &code(&key, 0))],
        )
        .await;
    assert_eq!(on.status, 200);
    let wrong = expert
        .submit(
            "/account/two-step",
            "/account/two-step/off",
            &[("password", "not it")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("id=\"password-error\""));
    let off = expert
        .submit(
            "/account/two-step",
            "/account/two-step/off",
            &[("password", &sme_pw)],
        )
        .await;
    assert_eq!(off.status, 303);
    expert.submit("/account", "/signout", &[]).await;
    assert_eq!(password_step(&expert, "sme@ta.org", &sme_pw).await, "/");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'two_step_%' ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, ["two_step_on", "two_step_on", "two_step_off"]);
    app.stop().await;
}
