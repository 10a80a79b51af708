//! The readiness assessment through the pages and the API: members rate on
//! their own, the lead agrees the consensus, snapshots freeze it (and never
//! change), results and the change between snapshots, and sharing.

use serde_json::{Value, json};

use crate::applications::future_program;
use crate::both_backends;
use crate::helpers::{Backend, Browser, MemberFixture, TestApp, call, set_password_link};

both_backends!(
    the_overview_lists_the_six_elements_by_their_names,
    a_member_rates_an_element_on_the_page_and_a_bad_phase_saves_nothing,
    the_lead_rates_through_the_api_and_not_sure_takes_no_phase,
    the_coach_sees_the_members_ratings_and_where_they_disagree,
    a_snapshot_before_the_consensus_is_complete_is_refused,
    the_lead_agrees_the_consensus_and_freezes_the_baseline,
    snapshots_never_change_even_by_hand,
    the_next_round_starts_fresh_and_the_mid_year_gives_the_change,
    the_baselines_priorities_put_the_high_priority_element_first,
    another_state_sees_the_results_once_shared_without_notes,
    misshapen_bodies_are_refused_by_name_and_reset_nothing,
    the_roster_shows_members_who_accepted_or_rated_as_joined
);

const SLUG: &str = "acp";

/// A team member with an account: returns (user id, signed-in browser, token).
pub async fn member(
    app: &TestApp,
    program_id: i64,
    email: &str,
    role: &str,
    state: &str,
    sector: &str,
) -> (i64, Browser, String) {
    let (id, pw) = app.add_user(email, role, Some(SLUG), Some(state)).await;
    if role != "coach" {
        let name = format!("Name of {email}");
        let member = MemberFixture {
            user: Some(id),
            name: &name,
            email: Some(email),
            sector,
            role: if role == "state_lead" {
                "lead"
            } else {
                "member"
            },
        };
        app.in_program(program_id).member(state, member).await;
    }
    let b = app.browser();
    b.sign_in(email, &pw).await;
    let token = app.token_for(id, email).await;
    (id, b, token)
}

pub async fn team(app: &TestApp, program_id: i64, state: &str) {
    app.in_program(program_id).team(state).await;
}

/// Sets the state's consensus (the phase and priority `pick` gives each
/// indicator, from the indicator and its place in its element, all with
/// this evidence) and freezes it as the baseline.
pub async fn baseline(
    app: &TestApp,
    token: &str,
    code: &str,
    evidence: &str,
    pick: impl Fn(&Value, usize) -> (i64, &'static str),
) {
    let (_, instrument) = call(
        app,
        token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/instrument"),
        None,
    )
    .await;
    let mut n_in_element = std::collections::HashMap::new();
    let ratings: Vec<Value> = instrument["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let n = n_in_element
                .entry(i["element_key"].as_str().unwrap().to_owned())
                .or_insert(0usize);
            let (level, priority) = pick(i, *n);
            *n += 1;
            json!({"indicator_id": i["id"], "level": level, "priority": priority, "evidence": evidence})
        })
        .collect();
    let (status, body) = call(
        app,
        token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/{code}/consensus"),
        Some(json!({ "ratings": ratings })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        app,
        token,
        "POST",
        &format!("/api/v1/programs/{SLUG}/assessment/{code}/snapshots"),
        Some(json!({"kind": "baseline"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// The indicator ids named in a form, in order.
fn indicator_ids(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in body.match_indices("name=\"level-") {
        let rest = &body[i + "name=\"level-".len()..];
        let id = rest[..rest.find('"').unwrap()].to_owned();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// CO and KS in the cohort: CO's lead, CO's member Jo and CO's coach, a
/// KS member, each signed in and with a token.
struct World {
    app: TestApp,
    lead: Browser,
    lead_token: String,
    jo: Browser,
    jo_token: String,
    coach: Browser,
    ks_token: String,
    /// CO's assessment pages.
    base: String,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    team(&app, program_id, "CO").await;
    team(&app, program_id, "KS").await;
    let (_, lead, lead_token) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let (_, jo, jo_token) = member(
        &app,
        program_id,
        "jo@co.gov",
        "state_member",
        "CO",
        "secondary_cte",
    )
    .await;
    let (_, coach, _) = member(&app, program_id, "coach@ta.org", "coach", "CO", "").await;
    let (_, _, ks_token) = member(
        &app,
        program_id,
        "kim@ks.gov",
        "state_member",
        "KS",
        "justice",
    )
    .await;
    World {
        app,
        lead,
        lead_token,
        jo,
        jo_token,
        coach,
        ks_token,
        base: format!("/programs/{SLUG}/assessment/CO"),
    }
}

/// The instrument's indicators.
async fn indicators(w: &World) -> Vec<Value> {
    let (_, instrument) = call(
        &w.app,
        &w.lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/instrument"),
        None,
    )
    .await;
    instrument["indicators"].as_array().unwrap().clone()
}

/// Every indicator at this phase, high priority on the first element.
fn all(indicators: &[Value], level: i64) -> Vec<Value> {
    indicators
        .iter()
        .map(|i| {
            let priority = if i["element_key"] == "partnerships" {
                "high"
            } else {
                "low"
            };
            json!({"indicator_id": i["id"], "level": level, "priority": priority})
        })
        .collect()
}

/// Saves ratings through the API as the token's holder; their answer.
async fn rate(w: &World, token: &str, ratings: Value) -> (u16, Value) {
    call(
        &w.app,
        token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/ratings"),
        Some(json!({ "ratings": ratings })),
    )
    .await
}

/// The lead agrees phase 2 everywhere (high priority on the first
/// element, with its reflections) and freezes it as the baseline.
async fn agreed_baseline(w: &World) {
    let indicators = indicators(w).await;
    let (status, view) = call(
        &w.app,
        &w.lead_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/consensus"),
        Some(json!({"ratings": all(&indicators, 2), "reflections": {"partnerships": {"now": "Separate plans.", "goal": "One plan.", "ta_needs": "Facilitation.", "next_steps": "Monthly meeting."}}})),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    let (status, body) = call(
        &w.app,
        &w.lead_token,
        "POST",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/snapshots"),
        Some(json!({"kind": "baseline"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// The id of CO's baseline snapshot.
async fn baseline_id(w: &World) -> i64 {
    let (_, snaps) = call(
        &w.app,
        &w.lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/snapshots"),
        None,
    )
    .await;
    snaps[0]["id"].as_i64().unwrap()
}

/// Each of these actions is in the audit log.
async fn assert_audited(app: &TestApp, actions: &[&str]) {
    for action in actions {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(n > 0, "{action} is audited");
    }
}

/// The overview lists the six elements by their canonical names.
async fn the_overview_lists_the_six_elements_by_their_names(backend: Backend) {
    let w = world(backend).await;
    let overview = w.lead.get(&w.base).await;
    assert_eq!(overview.status, 200);
    for name in [
        "1. Build Cross-Agency Partnerships",
        "6. Measure System Change and Performance",
    ] {
        assert!(overview.body.contains(name), "{name}");
    }
    assert!(overview.body.contains("Initiation"));
    w.app.stop().await;
}

/// Jo rates the first element on the page; a bad phase is refused next
/// to its indicator and nothing is saved.
async fn a_member_rates_an_element_on_the_page_and_a_bad_phase_saves_nothing(backend: Backend) {
    let w = world(backend).await;
    let World { app, jo, base, .. } = &w;
    let rate = format!("{base}/rate/partnerships");
    let form = jo.get(&rate).await;
    assert_eq!(form.status, 200);
    let ids = indicator_ids(&form.body);
    assert!(ids.len() >= 3, "{ids:?}");
    let bad = jo
        .submit(&rate, &rate, &[(&format!("level-{}", ids[0]), "9")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains(&format!("id=\"rating-{}-error\"", ids[0]))
    );
    assert_eq!(app.count("member_ratings").await, 0);
    let mut fields: Vec<(String, String)> = ids
        .iter()
        .map(|id| (format!("level-{id}"), "1".to_owned()))
        .collect();
    fields.push((format!("priority-{}", ids[0]), "high".into()));
    fields.push((
        format!("evidence-{}", ids[0]),
        "We have never met as a group.".into(),
    ));
    fields.push(("then".into(), "stay".into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let saved = jo.submit(&rate, &rate, &borrowed).await;
    assert_eq!(saved.status, 303);
    let confirmed = jo.get(saved.location.as_deref().unwrap()).await;
    assert!(
        confirmed.body.contains("Your ratings are saved."),
        "{}",
        confirmed.body
    );
    let again = jo.get(&rate).await;
    assert!(
        again
            .body
            .contains(&format!("You have rated {} of", ids.len()))
    );
    assert!(again.body.contains("We have never met as a group."));
    assert_audited(app, &["save_ratings"]).await;
    w.app.stop().await;
}

/// The lead rates through the API; "not sure" with a phase is refused by
/// the rating's name.
async fn the_lead_rates_through_the_api_and_not_sure_takes_no_phase(backend: Backend) {
    let w = world(backend).await;
    let first = indicators(&w).await[0]["id"].as_i64().unwrap();
    let (status, mine) = rate(
        &w,
        &w.lead_token,
        json!([{"indicator_id": first, "level": 4, "priority": "low"}]),
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["answered"], 1);
    let (status, body) = rate(
        &w,
        &w.lead_token,
        json!([{"indicator_id": first, "level": 2, "not_sure": true}]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["fields"][0]["field"],
        format!("rating-{first}")
    );
    assert_audited(&w.app, &["save_ratings"]).await;
    w.app.stop().await;
}

/// The coach sees both ratings with sectors and the disagreement flag (the
/// lead three phases above Jo), and does not set the consensus.
async fn the_coach_sees_the_members_ratings_and_where_they_disagree(backend: Backend) {
    let w = world(backend).await;
    let indicators = indicators(&w).await;
    let first = indicators[0]["id"].as_i64().unwrap();
    let jos: Vec<Value> = indicators
        .iter()
        .filter(|i| i["element_key"] == "partnerships")
        .map(|i| {
            if i["id"] == first {
                json!({"indicator_id": first, "level": 1, "priority": "high", "evidence": "We have never met as a group."})
            } else {
                json!({"indicator_id": i["id"], "level": 1})
            }
        })
        .collect();
    assert_eq!(rate(&w, &w.jo_token, json!(jos)).await.0, 200);
    let leads = json!([{"indicator_id": first, "level": 4, "priority": "low"}]);
    assert_eq!(rate(&w, &w.lead_token, leads).await.0, 200);
    let consensus = w
        .coach
        .get(&format!("{}/consensus/partnerships", w.base))
        .await;
    assert_eq!(consensus.status, 200);
    assert!(consensus.body.contains("Members disagree"));
    assert!(
        consensus
            .body
            .contains("Secondary career and technical education")
    );
    assert!(consensus.body.contains("We have never met as a group."));
    assert!(
        !consensus.body.contains("name=\"level-"),
        "the coach does not set the consensus"
    );
    w.app.stop().await;
}

/// A snapshot before the consensus is complete is refused.
async fn a_snapshot_before_the_consensus_is_complete_is_refused(backend: Backend) {
    let w = world(backend).await;
    let (status, body) = call(
        &w.app,
        &w.lead_token,
        "POST",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/snapshots"),
        Some(json!({"kind": "baseline"})),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("still need a consensus rating")
    );
    w.app.stop().await;
}

/// The lead agrees phase 2 everywhere (high priority on the first
/// element), then freezes the baseline on the page; the results show it.
async fn the_lead_agrees_the_consensus_and_freezes_the_baseline(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        base,
        ..
    } = &w;
    let indicators = indicators(&w).await;
    let (status, view) = call(
        app,
        lead_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/consensus"),
        Some(json!({"ratings": all(&indicators, 2), "reflections": {"partnerships": {"now": "Separate plans.", "goal": "One plan.", "ta_needs": "Facilitation.", "next_steps": "Monthly meeting."}}})),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["agreed"].as_u64().unwrap() as usize, indicators.len());
    let taken = lead
        .submit(base, &format!("{base}/snapshots"), &[("kind", "baseline")])
        .await;
    assert_eq!(taken.status, 303);
    let results = lead.get(&format!("{base}/results")).await;
    assert_eq!(results.status, 200);
    assert!(results.body.contains("role=\"img\""));
    assert!(results.body.contains("Baseline snapshot"));
    assert!(
        results.body.contains("<td>33</td>"),
        "phase 2 of 4 scores 33"
    );
    assert_audited(app, &["save_consensus", "take_snapshot"]).await;
    w.app.stop().await;
}

/// Snapshots never change, even by hand.
async fn snapshots_never_change_even_by_hand(backend: Backend) {
    let w = world(backend).await;
    agreed_baseline(&w).await;
    let tampered = sqlx::query("UPDATE snapshot_ratings SET level = 4")
        .execute(&w.app.state.db.pool)
        .await;
    assert!(tampered.is_err());
    let removed = sqlx::query("DELETE FROM snapshots")
        .execute(&w.app.state.db.pool)
        .await;
    assert!(removed.is_err());
    w.app.stop().await;
}

/// The next round starts fresh; a second baseline is refused; the
/// mid-year consensus is higher and the results give the change.
async fn the_next_round_starts_fresh_and_the_mid_year_gives_the_change(backend: Backend) {
    let w = world(backend).await;
    let World {
        app, lead_token, ..
    } = &w;
    agreed_baseline(&w).await;
    let indicators = indicators(&w).await;
    let (_, fresh) = call(
        app,
        lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/consensus"),
        None,
    )
    .await;
    assert_eq!(fresh["agreed"], 0);
    assert_eq!(fresh["round"], 2);
    let (status, _) = call(
        app,
        lead_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/consensus"),
        Some(json!({"ratings": all(&indicators, 4)})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = call(
        app,
        lead_token,
        "POST",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/snapshots"),
        Some(json!({"kind": "baseline"})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = call(
        app,
        lead_token,
        "POST",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/snapshots"),
        Some(json!({"kind": "mid_year"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, r) = call(
        app,
        lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/results"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(r["snapshot"]["kind"], "mid_year");
    assert_eq!(r["previous"]["kind"], "baseline");
    let change = r["element_changes"][0]["change"].as_f64().unwrap();
    assert!((change - 200.0 / 3.0).abs() < 0.01, "{change}");
    assert_eq!(
        r["indicator_changes"].as_array().unwrap().len(),
        indicators.len()
    );
    assert!(
        r["priorities"].as_array().unwrap().is_empty(),
        "no gaps at the top phase"
    );
    w.app.stop().await;
}

/// The baseline's priorities: the high-priority element first, with its
/// reflections and the components it maps to.
async fn the_baselines_priorities_put_the_high_priority_element_first(backend: Backend) {
    let w = world(backend).await;
    agreed_baseline(&w).await;
    let baseline = baseline_id(&w).await;
    let (_, r) = call(
        &w.app,
        &w.lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/results?snapshot={baseline}"),
        None,
    )
    .await;
    assert_eq!(r["priorities"][0]["element_key"], "partnerships");
    assert_eq!(r["reflections"]["partnerships"]["goal"], "One plan.");
    assert!(
        r["components"].as_array().unwrap().len() >= 5,
        "through the crosswalk"
    );
    w.app.stop().await;
}

/// Another state sees the results only once CO shares them, without
/// notes; members' ratings stay with the team.
async fn another_state_sees_the_results_once_shared_without_notes(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead_token,
        ks_token,
        ..
    } = &w;
    agreed_baseline(&w).await;
    let baseline = baseline_id(&w).await;
    let results_path = format!("/api/v1/programs/{SLUG}/assessment/CO/results?snapshot={baseline}");
    let (status, _) = call(app, ks_token, "GET", &results_path, None).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        app,
        lead_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/sharing"),
        Some(json!({"shared": true})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, shared) = call(app, ks_token, "GET", &results_path, None).await;
    assert_eq!(status, 200);
    assert_eq!(shared["reflections"], json!({}));
    assert_eq!(shared["priorities"][0]["element_key"], "partnerships");
    let (status, _) = call(
        app,
        ks_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/consensus"),
        None,
    )
    .await;
    assert_eq!(status, 403, "members' ratings stay with the team");
    assert_audited(app, &["share_results"]).await;
    w.app.stop().await;
}

/// Bodies of the wrong shape are refused by name and reset nothing.
async fn misshapen_bodies_are_refused_by_name_and_reset_nothing(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead_token,
        ks_token,
        ..
    } = &w;
    agreed_baseline(&w).await;
    let baseline = baseline_id(&w).await;
    let results_path = format!("/api/v1/programs/{SLUG}/assessment/CO/results?snapshot={baseline}");
    let sharing = format!("/api/v1/programs/{SLUG}/assessment/CO/sharing");
    let (status, _) = call(
        app,
        lead_token,
        "PUT",
        &sharing,
        Some(json!({"shared": true})),
    )
    .await;
    assert_eq!(status, 204);
    for (body, field) in [
        (json!({}), "shared"),
        (json!([]), "body"),
        (json!([false]), "body"),
        (json!({"shared": true, "share": false}), "share"),
    ] {
        let (status, v) = call(app, lead_token, "PUT", &sharing, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(v["error"]["fields"][0]["field"], field, "{body}: {v}");
    }
    let ratings = format!("/api/v1/programs/{SLUG}/assessment/CO/ratings");
    for (body, field) in [
        (json!([[1]]), "body"),
        (json!({"ratings": [[1, 2]]}), "ratings[0]"),
        (
            json!({"ratings": [{"indicator_id": 1, "lvl": 2}]}),
            "ratings[0].lvl",
        ),
    ] {
        let (status, v) = call(app, lead_token, "PUT", &ratings, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(v["error"]["fields"][0]["field"], field, "{body}: {v}");
    }
    let (status, _) = call(app, ks_token, "GET", &results_path, None).await;
    assert_eq!(status, 200, "still shared");
    w.app.stop().await;
}

/// The text of a roster row's Account cell, for the member named `name`.
fn account_cell(body: &str, name: &str) -> String {
    let row = body
        .find(&format!("data-label=\"Name\">{name}"))
        .unwrap_or_else(|| panic!("{name} on the roster: {body}"));
    let rest = &body[row..];
    let cell = rest.find("data-label=\"Account\">").unwrap() + "data-label=\"Account\">".len();
    let end = rest[cell..].find("</td>").unwrap();
    rest[cell..cell + end].trim().to_owned()
}

async fn the_roster_shows_members_who_accepted_or_rated_as_joined(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("run_jobs", "false")]).await;
    let program_id = future_program(&app, SLUG).await;
    team(&app, program_id, "CO").await;
    let (_, lead, _) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let roster = format!("/programs/{SLUG}/teams/CO");
    for (name, email) in [
        ("Pat Accepts", "pat@co.gov"),
        ("Lee Rates", "lee@co.gov"),
        ("Sam Waits", "sam@co.gov"),
    ] {
        let added = lead
            .submit(
                &roster,
                &format!("{roster}/members"),
                &[
                    ("name", name),
                    ("email", email),
                    ("agency", "Labor"),
                    ("sector", "workforce_development"),
                    ("level", "state"),
                    ("role", "member"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
    }
    let page = lead.get(&roster).await;
    assert_eq!(
        account_cell(&page.body, "Pat Accepts"),
        "Invited, not yet accepted"
    );
    assert_eq!(account_cell(&page.body, "Name of lead@co.gov"), "Joined");

    // Pat accepts the invitation (chooses a password), signs in and rates.
    let invite: String =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE to_addr = 'pat@co.gov'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let link = set_password_link(&invite).expect("an invitation link");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let pat = app.browser();
    let set = pat
        .submit(
            &link,
            "/password/set",
            &[
                ("token", &token),
                ("password", "colorado pathways team"),
                ("confirm", "colorado pathways team"),
            ],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    pat.sign_in("pat@co.gov", "colorado pathways team").await;
    let rate = format!("/programs/{SLUG}/assessment/CO/rate/partnerships");
    let form = pat.get(&rate).await;
    assert_eq!(form.status, 200);
    let first = indicator_ids(&form.body)[0].clone();
    let saved = pat
        .submit(&rate, &rate, &[(&format!("level-{first}"), "2")])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // Lee never chose a password but was given a token (`waymark token
    // create`) and rated through the API.
    let lee_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'lee@co.gov'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let lee_token = app.token_for(lee_id, "lee@co.gov").await;
    let (status, body) = call(
        &app,
        &lee_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/ratings"),
        Some(json!({"ratings": [{"indicator_id": first.parse::<i64>().unwrap(), "level": 3}]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let page = lead.get(&roster).await;
    assert_eq!(account_cell(&page.body, "Pat Accepts"), "Joined");
    assert_eq!(account_cell(&page.body, "Lee Rates"), "Joined");
    assert_eq!(
        account_cell(&page.body, "Sam Waits"),
        "Invited, not yet accepted"
    );
    // Only Sam can be sent a new invitation.
    assert_eq!(page.body.matches("/reinvite\"").count(), 1, "{}", page.body);
    let (status, roster_json) = call(
        &app,
        &lee_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/teams/CO"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{roster_json}");
    let joined: Vec<&str> = roster_json["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true)
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(joined.len(), 3, "{roster_json}");
    app.stop().await;
}
