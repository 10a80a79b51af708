//! The JSON API: tokens, errors that name fields, the OpenAPI document.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    me_answers_for_the_token_holder,
    bad_tokens_are_refused_clearly,
    invite_through_the_api_names_bad_fields,
    tokens_made_on_the_page_work_until_revoked
);

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn me_answers_for_the_token_holder(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program = app.add_program("acp-2016").await;
    let (id, _) = app
        .add_user("lead@co.gov", "state_lead", Some("acp-2016"), Some("CO"))
        .await;
    let token = app.token_for(id, "lead@co.gov").await;
    assert!(token.starts_with("wmk_"));
    let me: Value = client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "lead@co.gov");
    assert_eq!(me["roles"][0]["role"], "state_lead");
    assert_eq!(me["roles"][0]["state_code"], "CO");
    assert_eq!(me["roles"][0]["program_id"], program);

    let states: Value = client()
        .get(format!("{}/api/v1/jurisdictions", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let states = states.as_array().unwrap();
    assert_eq!(states.len(), 56);
    assert_eq!(
        states.iter().filter(|s| s["kind"] == "territory").count(),
        5
    );
    assert!(
        states
            .iter()
            .any(|s| s["code"] == "DC" && s["kind"] == "district")
    );

    // The token is stored hashed, never as given.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    app.stop().await;
}

async fn bad_tokens_are_refused_clearly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for header in [
        None,
        Some("Bearer wmk_not-a-real-token"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer "),
    ] {
        let mut req = client().get(format!("{}/api/v1/me", app.base));
        if let Some(h) = header {
            req = req.header("authorization", h);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{header:?}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Bearer")
        );
        assert!(body["error"]["request_id"].as_str().is_some());
    }
    app.stop().await;
}

async fn invite_through_the_api_names_bad_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_program("acp-2016").await;
    let (id, _) = app.add_user("admin@ta.org", "admin", None, None).await;
    let token = app.token_for(id, "admin@ta.org").await;
    let url = format!("{}/api/v1/people", app.base);
    let before = app.fingerprint().await;

    let cases: &[(&str, &[&str])] = &[
        (
            r#"{"email": "not-an-email", "name": "A", "role": "sme"}"#,
            &["email"],
        ),
        (
            r#"{"email": "a@b.gov", "name": "", "role": "wizard"}"#,
            &["name", "role"],
        ),
        (
            r#"{"email": "a@b.gov", "name": "A", "role": "state_lead"}"#,
            &["program", "state"],
        ),
        (
            r#"{"email": "a@b.gov", "name": "A", "role": "coach", "program": "nope", "state": "CO"}"#,
            &["program"],
        ),
        (
            r#"{"email": "a@b.gov", "name": "A", "role": "coach", "program": "acp-2016", "state": "ZZ"}"#,
            &["state"],
        ),
        (r#"{"name": "A", "role": "sme"}"#, &["email"]),
        // Found from outside (issue 16): a forged line in a name.
        (
            r#"{"email": "a@b.gov", "name": "Eve\r\nBcc: x@evil.example", "role": "sme"}"#,
            &["name"],
        ),
        (
            r#"{"email": "a@b.gov", "name": "Eve\tEvil", "role": "sme"}"#,
            &["name"],
        ),
        (r#"not json"#, &["body"]),
    ];
    for (body, fields) in cases {
        let res = client()
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(*body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{body}");
        let json: Value = res.json().await.unwrap();
        let named: Vec<&str> = json["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(&named, fields, "{body}");
        if body.contains("Eve") {
            assert_eq!(
                json["error"]["fields"][0]["message"],
                "Use one line, with no line breaks or tabs."
            );
        }
    }
    assert_eq!(app.fingerprint().await, before, "bad input changed nothing");

    let res = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({"email": "New.Coach@TA.org", "name": "Nia Coach", "role": "coach", "program": "acp-2016", "state": "co"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let outbox: Vec<(String, String)> = sqlx::query_as("SELECT to_addr, subject FROM outbox")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        outbox,
        vec![(
            "new.coach@ta.org".to_owned(),
            "You are invited to Waymark".to_owned()
        )]
    );

    // The same address twice is a conflict on the email field.
    let again = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({"email": "new.coach@ta.org", "name": "Nia", "role": "sme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    let json: Value = again.json().await.unwrap();
    assert_eq!(json["error"]["fields"][0]["field"], "email");
    app.stop().await;
}

async fn tokens_made_on_the_page_work_until_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pw) = app.add_user("sme@ta.org", "sme", None, None).await;
    let b = app.browser();
    b.sign_in("sme@ta.org", &pw).await;
    let page = b
        .submit("/account", "/account/tokens", &[("name", "My script")])
        .await;
    assert_eq!(page.status, 201);
    let start = page.body.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    let token = page.body[start..start + page.body[start..].find('<').unwrap()].to_owned();
    let res = client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Shown once: the account page no longer has it. It reads only, and
    // ends in 90 days, unless chosen otherwise.
    let account = b.get("/account").await.body;
    assert!(!account.contains(&token));
    assert!(account.contains("<td>Read only</td>"), "{account}");
    let in_90_days = waymark::time::format_in_zone(
        waymark::time::now_ms() + 90 * 86_400_000,
        "America/New_York",
    );
    let day = in_90_days.split(' ').take(3).collect::<Vec<_>>().join(" ");
    assert!(account.contains(&day), "ends {day}: {account}");
    let refused = client()
        .post(format!("{}/api/v1/me/tokens", app.base))
        .bearer_auth(&token)
        .json(&json!({"name": "another"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("may only read")
    );

    // Bad choices on the page are named next to their field.
    let bad = b
        .submit(
            "/account",
            "/account/tokens",
            &[
                ("name", "x"),
                ("scope", "everything"),
                ("expires_in_days", "400"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"token_scope-error\""));
    assert!(bad.body.contains("id=\"token_expires-error\""));

    // Through the API: a read-and-write token for a day, listed, then ended
    // by its date and another revoked.
    let (_, ana_pw) = app.add_user("ana@ta.org", "sme", None, None).await;
    let ana = app.browser();
    ana.sign_in("ana@ta.org", &ana_pw).await;
    let made = ana
        .submit(
            "/account",
            "/account/tokens",
            &[
                ("name", "setup"),
                ("scope", "read_write"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    let start = made.body.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    let writer = made.body[start..start + made.body[start..].find('<').unwrap()].to_owned();
    let res = client()
        .post(format!("{}/api/v1/me/tokens", app.base))
        .bearer_auth(&writer)
        .json(&json!({"name": "nightly", "scope": "read_write", "expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let nightly = created["token"].as_str().unwrap().to_owned();
    let invalid = client()
        .post(format!("{}/api/v1/me/tokens", app.base))
        .bearer_auth(&writer)
        .json(&json!({"name": "x", "expires_in_days": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let invalid: Value = invalid.json().await.unwrap();
    assert_eq!(invalid["error"]["fields"][0]["field"], "expires_in_days");
    let listed: Value = client()
        .get(format!("{}/api/v1/me/tokens", app.base))
        .bearer_auth(&nightly)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nightly", "setup"], "only ana's own, newest first");
    assert_eq!(listed[0]["scope"], "read_write");
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'nightly'")
        .bind(waymark::time::now_ms() - 1)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let ended = client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&nightly)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 401, "a token past its end date");
    let setup_id = listed[1]["id"].as_i64().unwrap();
    let sme_token_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM api_tokens")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let not_hers = client()
        .delete(format!("{}/api/v1/me/tokens/{sme_token_id}", app.base))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap();
    assert_eq!(not_hers.status(), 404, "another person's token");
    let gone = client()
        .delete(format!("{}/api/v1/me/tokens/{setup_id}", app.base))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);
    let after = client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);

    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM api_tokens")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let revoked = b
        .submit("/account", &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, 303);
    let res = client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_every_api_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc: Value = client()
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/me",
        "/api/v1/people",
        "/api/v1/audit",
        "/api/v1/programs",
        "/api/v1/jurisdictions",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every API route the server answers is in the document.
    for (_, path) in waymark::app::route_table() {
        if path.starts_with("/api/v1/") {
            assert!(paths.contains_key(&path), "{path}");
        }
    }
    app.stop().await;
}
