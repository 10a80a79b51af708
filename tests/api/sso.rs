//! Single sign-on with OpenID Connect (issue 16), against a real OpenID
//! provider (npm oidc-provider, started once per run): Login.gov's
//! profile (PKCE, private_key_jwt, acr_values) and the client-secret one
//! of Entra ID and Okta.

use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp, logingov_test_key_path, oidc_provider};

both_backends!(
    people_sign_in_with_a_provider_by_their_verified_email,
    a_return_that_does_not_check_out_signs_no_one_in,
    a_role_can_be_required_to_sign_in_with_a_provider,
);

/// A Waymark whose providers are the test provider's three clients.
async fn app_with_providers(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    let op = oidc_provider()?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sso.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[[provider]]
key = "logingov"
label = "Login.gov"
issuer = "{issuer}"
client_id = "logingov"
private_key_file = "{key}"
key_id = "test-key"
acr_values = ["http://idmanagement.gov/ns/assurance/ial/1"]

[[provider]]
key = "agency"
label = "Microsoft Entra ID"
issuer = "{issuer}"
client_id = "agency"
client_secret = "agency-secret-for-tests-only"

[[provider]]
key = "expired"
label = "Okta"
issuer = "{issuer}"
client_id = "agency-expired"
client_secret = "agency-secret-for-tests-only"
"#,
            issuer = op.issuer,
            key = logingov_test_key_path()
        ),
    )
    .unwrap();
    let path = file.display().to_string();
    let mut settings = vec![("sso_providers_file", path.as_str())];
    settings.extend_from_slice(extra);
    let app = TestApp::spawn_with(backend, &settings).await;
    // The settings file is read at start; the folder may go.
    drop(dir);
    Some(app)
}

/// Plays the person at the provider: from Waymark's redirect to the
/// provider, through its sign-in (as `email`) and consent, to the address
/// the provider sends the browser back to. Answers that address's path
/// and query on Waymark, and the authorization request's address.
async fn at_the_provider(b: &Browser, app: &TestApp, start: &str, email: &str) -> (String, String) {
    let leaving = b.get(start).await;
    assert_eq!(leaving.status, 303, "{}", leaving.body);
    let authorize = leaving.location.unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let mut url = format!("{authorize}&login_hint={}", urlencode(email));
    for _ in 0..10 {
        let res = client.get(&url).send().await.unwrap();
        let to = res
            .headers()
            .get("location")
            .unwrap_or_else(|| panic!("the provider redirects: {} {}", url, res.status()))
            .to_str()
            .unwrap()
            .to_owned();
        let to = if to.starts_with('/') {
            format!(
                "{}{to}",
                url::Url::parse(&url)
                    .unwrap()
                    .origin()
                    .ascii_serialization()
            )
        } else {
            to
        };
        if let Some(back) = to.strip_prefix(&app.base) {
            return (back.to_owned(), authorize);
        }
        url = to;
    }
    panic!("the provider never sent the browser back");
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn people_sign_in_with_a_provider_by_their_verified_email(backend: Backend) {
    let Some(app) = app_with_providers(backend, &[]).await else {
        return;
    };
    app.add_user("officer@ed.gov", "federal", None, None).await;
    app.add_user("lead@co.gov", "sme", None, None).await;

    // The sign-in page has a button for each provider.
    let b = app.browser();
    let page = b.get("/signin?next=/account").await;
    assert!(page.body.contains("Sign in with Login.gov"));
    assert!(
        page.body
            .contains("href=\"/signin/sso/agency?next=%2Faccount\"")
    );

    // Login.gov's profile: PKCE, a signed client assertion, acr_values.
    let (back, authorize) = at_the_provider(
        &b,
        &app,
        "/signin/sso/logingov?next=/account",
        "officer@ed.gov",
    )
    .await;
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    assert!(authorize.contains("acr_values=http"), "{authorize}");
    assert!(authorize.contains("nonce="), "{authorize}");
    let signed_in = b.get(&back).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.location.as_deref(), Some("/account"));
    assert!(b.cookie("waymark_sso").is_none());
    let account = b.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("officer@ed.gov"));

    // The client-secret profile, for another person.
    let lead = app.browser();
    let (back, _) = at_the_provider(&lead, &app, "/signin/sso/agency", "Lead@CO.gov").await;
    let res = lead.get(&back).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(lead.get("/account").await.status, 200);

    // Signing out here offers the provider's own sign-out.
    lead.submit("/account", "/signout", &[]).await;
    let out = lead.get("/signin?done=signed-out").await;
    assert!(out.body.contains("sign out of Login.gov"), "{}", out.body);

    // An address with no account, or not verified: no one is signed in,
    // and no account is made.
    let people = app.count("users").await;
    let stranger = app.browser();
    let (back, _) =
        at_the_provider(&stranger, &app, "/signin/sso/agency", "someone@else.gov").await;
    let refused = stranger.get(&back).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("No Waymark account uses someone@else.gov")
    );
    assert!(stranger.cookie("waymark_session").is_none());
    let (back, _) = at_the_provider(
        &stranger,
        &app,
        "/signin/sso/agency",
        "unverified.officer@ed.gov",
    )
    .await;
    let refused = stranger.get(&back).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("confirmed email address"));
    assert_eq!(app.count("users").await, people);
    let sso_sign_ins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND detail LIKE 'sso:%' AND outcome <> 'refused'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(sso_sign_ins, 2);
    app.stop().await;
}

async fn a_return_that_does_not_check_out_signs_no_one_in(backend: Backend) {
    let Some(app) = app_with_providers(backend, &[]).await else {
        return;
    };
    app.add_user("officer@ed.gov", "federal", None, None).await;

    // A wrong state: the return is not the one this browser started.
    let b = app.browser();
    let (back, _) = at_the_provider(&b, &app, "/signin/sso/agency", "officer@ed.gov").await;
    let forged = back.replace("state=", "state=x");
    let refused = b.get(&forged).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("was not started here"));
    assert!(b.cookie("waymark_session").is_none());

    // A replayed code: used once, refused by the provider the second time.
    let b = app.browser();
    let (back, _) = at_the_provider(&b, &app, "/signin/sso/agency", "officer@ed.gov").await;
    let flow = b.cookie("waymark_sso").unwrap();
    assert_eq!(b.get(&back).await.status, 303);
    let thief = app.browser();
    thief.set_cookie("waymark_sso", &flow);
    let replay = thief.get(&back).await;
    assert_eq!(replay.status, 401, "{}", replay.body);
    assert!(replay.body.contains("did not confirm the sign-in"));
    assert!(thief.cookie("waymark_session").is_none());

    // A wrong nonce: the flow kept here names another nonce than the
    // ID token (the cookie is sealed with Waymark's own key, as if Waymark
    // had made it).
    let b = app.browser();
    let (back, _) = at_the_provider(&b, &app, "/signin/sso/agency", "officer@ed.gov").await;
    let kept = waymark::auth::sso::open(
        &app.state.keys.csrf,
        &b.cookie("waymark_sso").unwrap(),
        waymark::time::now_ms(),
    )
    .unwrap();
    let other = waymark::auth::sso::Flow {
        nonce: "another-nonce".into(),
        ..kept
    };
    b.set_cookie(
        "waymark_sso",
        &waymark::auth::sso::seal(&app.state.keys.csrf, &other),
    );
    let refused = b.get(&back).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("did not check out"));
    assert!(b.cookie("waymark_session").is_none());

    // An ID token past its end (this client's tokens end before they are made).
    let b = app.browser();
    let (back, _) = at_the_provider(&b, &app, "/signin/sso/expired", "officer@ed.gov").await;
    let refused = b.get(&back).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("did not check out"));
    assert!(b.cookie("waymark_session").is_none());

    // No sign-in started in this browser at all.
    let fresh = app.browser();
    let refused = fresh.get(&back).await;
    assert_eq!(refused.status, 400);
    let refusals: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND outcome = 'refused'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(refusals, 5);
    app.stop().await;
}

async fn a_role_can_be_required_to_sign_in_with_a_provider(backend: Backend) {
    let Some(app) = app_with_providers(backend, &[("sso_required_for", "federal")]).await else {
        return;
    };
    let (_, pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    let (_, sme_pw) = app.add_user("sme@ta.org", "sme", None, None).await;
    let b = app.browser();
    let refused = b.sign_in("officer@ed.gov", &pw).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Your role signs in with Login.gov"));
    assert!(b.cookie("waymark_session").is_none());
    // Others still use their password; the officer uses the provider.
    assert_eq!(
        app.browser().sign_in("sme@ta.org", &sme_pw).await.status,
        303
    );
    let (back, _) = at_the_provider(&b, &app, "/signin/sso/logingov", "officer@ed.gov").await;
    assert_eq!(b.get(&back).await.status, 303);
    assert_eq!(b.get("/account").await.status, 200);
    app.stop().await;
}
