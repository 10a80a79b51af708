//! Peer mentoring through the pages and the API: groups proposed from
//! crafted snapshots with their reasons, the admin confirms them, a bad
//! change is refused next to the field and changes nothing, others are
//! refused, and the states see the confirmed groups.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::applications::future_program;
use crate::assessment::{baseline, member, team};
use crate::both_backends;
use crate::helpers::{Backend, Browser, Page, TestApp, call};

both_backends!(
    groups_are_proposed_from_the_snapshots_with_their_reasons,
    the_admin_confirms_the_proposal_as_is,
    a_change_that_does_not_fit_is_refused_by_field_and_changes_nothing,
    the_admin_changes_the_groups_and_a_hand_placed_state_is_said_so,
    a_states_lead_may_not_change_the_groups,
    the_states_see_the_confirmed_groups_not_the_proposal,
);

const SLUG: &str = "acp";
const PAGE: &str = "/programs/acp/peers";
const API: &str = "/api/v1/programs/acp/peers";

fn codes(groups: &Value) -> Vec<Vec<String>> {
    groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["states"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["state_code"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

async fn stored_groups(app: &TestApp) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT group_id, state_code FROM peer_group_states ORDER BY group_id, state_code",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn peer_group_peer_audits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'confirm_peer_groups'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// CO, KS, MA, MN and OR in the cohort, with baselines that pair them:
/// Kansas is strong on employers and partnerships and wants funding;
/// Minnesota the other way round. Colorado and Massachusetts each have
/// what the other wants (policies, programs). Oregon has no snapshot.
/// The leads of all but Oregon and the admin, signed in, with tokens.
struct World {
    app: TestApp,
    tokens: HashMap<&'static str, String>,
    lead_browsers: HashMap<&'static str, Browser>,
    admin: Browser,
    admin_token: String,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    for code in ["CO", "KS", "MA", "MN", "OR"] {
        team(&app, program_id, code).await;
    }
    let mut tokens = HashMap::new();
    let mut lead_browsers = HashMap::new();
    for code in ["CO", "KS", "MA", "MN"] {
        let (_, b, t) = member(
            &app,
            program_id,
            &format!("lead@{}.gov", code.to_lowercase()),
            "state_lead",
            code,
            "justice",
        )
        .await;
        tokens.insert(code, t);
        lead_browsers.insert(code, b);
    }
    let (admin_id, admin_pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let admin_token = app.token_for(admin_id, "admin@ta.org").await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &admin_pw).await;
    let rest = (2, "low");
    baseline(
        &app,
        &tokens["KS"],
        "KS",
        "",
        |i, _| match i["element_key"].as_str().unwrap() {
            "employers" | "partnerships" => (4, "low"),
            "funding" => (1, "high"),
            _ => rest,
        },
    )
    .await;
    baseline(
        &app,
        &tokens["MN"],
        "MN",
        "",
        |i, _| match i["element_key"].as_str().unwrap() {
            "employers" => (1, "high"),
            "partnerships" => (1, "medium"),
            "funding" => (4, "low"),
            _ => rest,
        },
    )
    .await;
    baseline(
        &app,
        &tokens["CO"],
        "CO",
        "",
        |i, _| match i["element_key"].as_str().unwrap() {
            "policies" => (4, "low"),
            "programs" => (1, "high"),
            _ => rest,
        },
    )
    .await;
    baseline(
        &app,
        &tokens["MA"],
        "MA",
        "",
        |i, _| match i["element_key"].as_str().unwrap() {
            "programs" => (4, "low"),
            "policies" => (1, "high"),
            _ => rest,
        },
    )
    .await;
    World {
        app,
        tokens,
        lead_browsers,
        admin,
        admin_token,
    }
}

/// The admin confirms the proposal as is, on the page; where it leads.
async fn confirm_the_proposal(w: &World) -> Page {
    w.admin
        .submit(
            PAGE,
            PAGE,
            &[
                ("group-CO", "1"),
                ("group-MA", "1"),
                ("group-KS", "2"),
                ("group-MN", "2"),
                ("group-OR", "0"),
            ],
        )
        .await
}

/// The admin changes the confirmed groups through the API, Oregon placed
/// by hand with Kansas and Minnesota; the answer.
async fn place_oregon_by_hand(w: &World) -> (u16, Value) {
    call(
        &w.app,
        &w.admin_token,
        "PUT",
        API,
        Some(json!({"groups": [["or", "KS", "MN"], ["CO", "MA"]]})),
    )
    .await
}

/// The proposal: pairs that have what the other wants, each with its
/// reason in words; Oregon unplaced, for want of a snapshot.
async fn groups_are_proposed_from_the_snapshots_with_their_reasons(backend: Backend) {
    let w = world(backend).await;
    let (status, peers) = call(&w.app, &w.admin_token, "GET", API, None).await;
    assert_eq!(status, 200, "{peers}");
    assert_eq!(peers["confirmed"], json!([]));
    let proposal = &peers["proposal"];
    assert_eq!(
        codes(&proposal["groups"]),
        vec![vec!["CO", "MA"], vec!["KS", "MN"]]
    );
    let ks_mn = proposal["groups"][1]["reason"].as_str().unwrap();
    assert!(
        ks_mn.contains("Kansas is strong on Identify Industry Sectors and Engage Employers and Build Cross-Agency Partnerships, where Minnesota set its top and second priorities."),
        "{ks_mn}"
    );
    assert!(
        ks_mn.contains("Minnesota is strong on Identify Funding Needs and Strategies, where Kansas set its top priority."),
        "{ks_mn}"
    );
    assert_eq!(proposal["unplaced"][0]["state_code"], "OR");
    assert!(
        proposal["unplaced"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("No snapshot yet")
    );
    let page = w.admin.get(PAGE).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No groups are confirmed yet."));
    assert!(page.body.contains("Proposed groups"));
    assert!(page.body.contains("Kansas and Minnesota"));
    assert!(page.body.contains("Oregon: No snapshot yet"));
    w.app.stop().await;
}

/// The admin confirms the proposal as is: stored, said so, audited.
async fn the_admin_confirms_the_proposal_as_is(backend: Backend) {
    let w = world(backend).await;
    let done = confirm_the_proposal(&w).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some("/programs/acp/peers?done=peers-confirmed")
    );
    let confirmed_page = w.admin.get(done.location.as_deref().unwrap()).await;
    assert!(
        confirmed_page
            .body
            .contains("The peer-mentoring groups are confirmed.")
    );
    assert!(!confirmed_page.body.contains("No groups are confirmed yet."));
    let before = stored_groups(&w.app).await;
    assert_eq!(before.len(), 4);
    assert_eq!(peer_group_peer_audits(&w.app).await, 1);
    w.app.stop().await;
}

/// A change that does not fit is refused next to the field on the page,
/// by the field's name through the API; nothing changes.
async fn a_change_that_does_not_fit_is_refused_by_field_and_changes_nothing(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        admin,
        admin_token,
        ..
    } = &w;
    assert_eq!(confirm_the_proposal(&w).await.status, 303);
    let before = stored_groups(app).await;
    let refused = admin
        .submit(
            PAGE,
            PAGE,
            &[
                ("group-CO", "1"),
                ("group-MA", "1"),
                ("group-KS", "2"),
                ("group-MN", "2"),
                ("group-OR", "3"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("id=\"group-OR-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("Group 3 has only one state (Oregon); a group needs 2 or 3 states.")
    );
    assert!(refused.body.contains("aria-invalid=\"true\""));
    assert_eq!(stored_groups(app).await, before, "nothing changed");
    assert_eq!(peer_group_peer_audits(app).await, 1);
    let (status, body) = call(
        app,
        admin_token,
        "PUT",
        API,
        Some(json!({"groups": [["KS"], ["CO", "WY"]]})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["groups[0]", "groups[1][1]"]);
    let (status, body) = call(
        app,
        admin_token,
        "PUT",
        API,
        Some(json!({"groups": [["KS", "MN"], ["MA", "KS"]]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "groups[1][1]");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Kansas is in more than one group")
    );
    assert_eq!(stored_groups(app).await, before, "nothing changed");
    w.app.stop().await;
}

/// The admin changes the groups through the API: a group proposed keeps
/// the proposal's reason; one placed by hand says so.
async fn the_admin_changes_the_groups_and_a_hand_placed_state_is_said_so(backend: Backend) {
    let w = world(backend).await;
    assert_eq!(confirm_the_proposal(&w).await.status, 303);
    let (status, body) = place_oregon_by_hand(&w).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        codes(&body["confirmed"]),
        vec![vec!["CO", "MA"], vec!["KS", "MN", "OR"]]
    );
    // CO and MA were proposed together: the proposal's reason.
    assert_eq!(
        body["confirmed"][0]["reason"],
        body["proposal"]["groups"][0]["reason"]
    );
    let trio = body["confirmed"][1]["reason"].as_str().unwrap();
    assert!(
        trio.contains("Kansas is strong on Identify Industry Sectors"),
        "{trio}"
    );
    assert!(
        trio.ends_with("Oregon has no snapshot yet, so this group was placed by hand."),
        "{trio}"
    );
    assert_eq!(body["confirmed"][1]["confirmed_by"], "Test admin");
    assert_eq!(peer_group_peer_audits(&w.app).await, 2);
    w.app.stop().await;
}

/// Others may not change the groups, on the page or the API.
async fn a_states_lead_may_not_change_the_groups(backend: Backend) {
    let w = world(backend).await;
    assert_eq!(confirm_the_proposal(&w).await.status, 303);
    assert_eq!(place_oregon_by_hand(&w).await.0, 200);
    let (status, _) = call(
        &w.app,
        &w.tokens["CO"],
        "PUT",
        API,
        Some(json!({"groups": [["CO", "KS"]]})),
    )
    .await;
    assert_eq!(status, 403);
    let co = &w.lead_browsers["CO"];
    let page = co.get(PAGE).await;
    assert_eq!(page.status, 200);
    let no = co
        .submit(PAGE, PAGE, &[("group-CO", "1"), ("group-KS", "1")])
        .await;
    assert_eq!(no.status, 403);
    assert_eq!(
        codes(&call(&w.app, &w.admin_token, "GET", API, None).await.1["confirmed"]),
        vec![vec!["CO", "MA"], vec!["KS", "MN", "OR"]],
        "unchanged"
    );
    w.app.stop().await;
}

/// The states see the confirmed groups, not the proposal; the team page
/// names the state's peers and home links the groups.
async fn the_states_see_the_confirmed_groups_not_the_proposal(backend: Backend) {
    let w = world(backend).await;
    assert_eq!(confirm_the_proposal(&w).await.status, 303);
    assert_eq!(place_oregon_by_hand(&w).await.0, 200);
    let co = &w.lead_browsers["CO"];
    let page = co.get(PAGE).await;
    assert!(
        page.body
            .contains("Colorado and Massachusetts (your group)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Kansas, Minnesota and Oregon"));
    assert!(page.body.contains("placed by hand"));
    assert!(!page.body.contains("Proposed groups"));
    assert!(!page.body.contains("Change the groups"));
    let (status, peers) = call(&w.app, &w.tokens["MN"], "GET", API, None).await;
    assert_eq!(status, 200);
    assert_eq!(peers["proposal"], Value::Null);
    assert_eq!(
        codes(&peers["confirmed"]),
        vec![vec!["CO", "MA"], vec!["KS", "MN", "OR"]]
    );
    let team_page = co.get("/programs/acp/teams/CO").await;
    assert!(
        team_page
            .body
            .contains("Colorado works with Massachusetts on peer mentoring."),
        "{}",
        team_page.body
    );
    assert!(
        co.get("/")
            .await
            .body
            .contains("href=\"/programs/acp/peers\"")
    );
    w.app.stop().await;
}
