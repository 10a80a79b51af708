//! Limits on abuse (issue 16): every route per address, the API per address
//! and per token, searches, and writes sent without signing in (those
//! counted across instances).

use std::time::Duration;

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    each_limit_refuses_with_a_wait_and_lifts_after_its_window,
    writes_without_signing_in_are_limited_across_instances,
);

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

/// A GET as if through one trusted proxy that saw the client at `from`.
async fn get(base: &str, path: &str, token: Option<&str>, from: &str) -> Answer {
    let mut req = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("X-Forwarded-For", from);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    Answer {
        status: res.status().as_u16(),
        retry_after: res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok()),
        body: res.text().await.unwrap(),
    }
}

async fn statuses(base: &str, path: &str, token: Option<&str>, from: &str, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(get(base, path, token, from).await.status);
    }
    out
}

async fn each_limit_refuses_with_a_wait_and_lifts_after_its_window(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("trusted_proxies", "1"),
            ("limit_window_seconds", "3"),
            ("limit_requests_per_address", "40"),
            ("limit_api_per_address", "12"),
            ("limit_api_per_token", "4"),
            ("limit_searches_per_address", "3"),
        ],
    )
    .await;
    let (ana, _) = app.add_user("ana@co.gov", "admin", None, None).await;
    let (ben, _) = app.add_user("ben@co.gov", "admin", None, None).await;
    let ana_token = app.token_for(ana, "ana@co.gov").await;
    let ben_token = app.token_for(ben, "ben@co.gov").await;
    let base = app.base.as_str();
    let search = "/exchange/search?q=funding";

    // Searches: three, then a page that says how long to wait.
    assert_eq!(
        statuses(base, search, None, "203.0.113.1", 3).await,
        [200; 3]
    );
    let refused = get(base, search, None, "203.0.113.1").await;
    assert_eq!(refused.status, 429);
    assert!(
        matches!(refused.retry_after, Some(1..=3)),
        "{:?}",
        refused.retry_after
    );
    assert!(
        refused
            .body
            .contains("too many requests from your network in a short time. Wait 1 minute"),
        "{}",
        refused.body
    );
    // Pages that are not searches still open; other addresses still search.
    assert_eq!(
        get(base, "/exchange", None, "203.0.113.1").await.status,
        200
    );
    assert_eq!(get(base, search, None, "203.0.113.9").await.status, 200);

    // One token: four calls, then a JSON refusal; another token still works.
    let me = "/api/v1/me";
    let from = "203.0.113.2";
    assert_eq!(
        statuses(base, me, Some(&ana_token), from, 4).await,
        [200; 4]
    );
    let refused = get(base, me, Some(&ana_token), from).await;
    assert_eq!(refused.status, 429);
    assert!(refused.retry_after.is_some());
    let body: Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(
        statuses(base, me, Some(&ben_token), from, 4).await,
        [200; 4]
    );
    // The address's API limit (12) is reached whoever's token it is:
    // 4 + 1 refused + 4, then 3 more.
    let topics = "/api/v1/exchange/topics";
    assert_eq!(
        statuses(base, topics, None, from, 4).await,
        [200, 200, 200, 429]
    );
    // Entries a client writes to the left of the proxy's are not believed.
    let forged = get(base, topics, None, "198.51.100.9, 203.0.113.2").await;
    assert_eq!(forged.status, 429);

    // Every route: forty requests per address.
    let every = statuses(base, "/healthz", None, "203.0.113.3", 41).await;
    assert_eq!(every[..40], [200; 40]);
    assert_eq!(every[40], 429);

    // Two windows on, everything is allowed again.
    tokio::time::sleep(Duration::from_millis(6100)).await;
    assert_eq!(get(base, "/healthz", None, "203.0.113.3").await.status, 200);
    assert_eq!(get(base, me, Some(&ana_token), from).await.status, 200);
    assert_eq!(
        statuses(base, search, None, "203.0.113.1", 3).await,
        [200; 3]
    );
    app.stop().await;
}

async fn writes_without_signing_in_are_limited_across_instances(backend: Backend) {
    let limit = [("limit_anonymous_writes_per_hour", "3")];
    let app = TestApp::spawn_with(backend, &limit).await;
    let other = app.another_instance_with(&limit).await;
    let other_base = format!("http://{}", other.addr);
    let subscribe = |base: String, n: usize| async move {
        let body = json!({
            "email": format!("reader{n}@example.org"),
            "topics": ["six-key-elements/partnerships"],
            "frequency": "weekly"
        });
        let res = reqwest::Client::new()
            .post(format!("{base}/api/v1/exchange/subscriptions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let retry = res.headers().get("retry-after").is_some();
        (status, retry)
    };
    assert_eq!(subscribe(app.base.clone(), 1).await, (202, false));
    assert_eq!(subscribe(other_base.clone(), 2).await, (202, false));
    // A page form sent without signing in counts in the same limit.
    let visitor = app.browser();
    let sent = visitor
        .submit(
            "/exchange/partners/apply",
            "/exchange/partners/apply",
            &[
                ("organization", "Plains Pathways"),
                ("contact_name", "Ana Ruiz"),
                ("contact_email", "ana@plains.example.org"),
                ("about", "Guides"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    // The fourth, through either instance, is refused and changes nothing.
    assert_eq!(subscribe(other_base.clone(), 3).await, (429, true));
    let page = visitor
        .submit(
            "/exchange/partners/apply",
            "/exchange/partners/apply",
            &[
                ("organization", "Second Org"),
                ("contact_name", "Ana Ruiz"),
                ("contact_email", "ana@second.example.org"),
                ("about", "Guides"),
            ],
        )
        .await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("Wait 60 minutes") || page.body.contains("minutes and try again"));
    assert_eq!(app.count("exchange_subscribers").await, 2);
    assert_eq!(app.count("exchange_partners").await, 1);

    // Signed-in people are not held to it.
    let (_, pw) = app.add_user("admin@co.gov", "admin", None, None).await;
    let admin = app.browser();
    // Signing in is itself a write without a session: let it through by
    // clearing the count, as an hour passing would.
    sqlx::query("DELETE FROM signin_throttle WHERE key LIKE 'anonymous-write:%'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(admin.sign_in("admin@co.gov", &pw).await.status, 303);
    for i in 0..4 {
        let res = admin
            .submit(
                "/account",
                "/account/tokens",
                &[("name", &format!("script {i}"))],
            )
            .await;
        assert_ne!(res.status, 429, "write {i} by a signed-in person");
    }
    other.stop().await;
    app.stop().await;
}
