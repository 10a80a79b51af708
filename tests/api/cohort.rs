//! Results across states: the cohort heat map, recommendations for the top
//! priorities (strategies, experts, peer states that share), the expert's
//! own elements, and the exports of a state's assessment (XLSX, CSV, JSON),
//! through the pages and the API, with the refusals.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::applications::future_program;
use crate::assessment::{baseline, member, team};
use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp, call};

both_backends!(
    an_expert_says_which_elements_they_know_on_their_page,
    the_api_refuses_an_unknown_element_and_anyone_but_an_expert,
    recommendations_name_strategies_experts_and_peers_that_share,
    the_cohort_page_shows_each_states_latest_scores_to_coaches_and_overseers,
    the_cohort_api_scores_each_element_and_names_a_bad_kind,
    a_states_assessment_exports_as_a_spreadsheet,
    a_states_assessment_exports_as_csv_with_no_formula,
    a_states_assessment_exports_as_json_through_the_api,
    another_state_may_not_take_the_assessment_away,
);

const SLUG: &str = "acp";

async fn share(app: &TestApp, token: &str, code: &str) {
    let (status, _) = call(
        app,
        token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/{code}/sharing"),
        Some(json!({"shared": true})),
    )
    .await;
    assert_eq!(status, 204);
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        other => format!("{other:?}"),
    }
}

/// CO, KS, MA and OR in the cohort: CO's lead, CO's member Jo, CO's
/// coach, the KS and MA leads, the federal officer and an expert, each
/// signed in and with a token; the program's instrument.
struct World {
    app: TestApp,
    co_lead: Browser,
    co_token: String,
    jo: Browser,
    jo_token: String,
    coach: Browser,
    coach_token: String,
    ks_lead: Browser,
    ks_token: String,
    ma_token: String,
    fed_pw: String,
    fed_token: String,
    sme_id: i64,
    sme: Browser,
    sme_token: String,
    instrument: Value,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    for code in ["CO", "KS", "MA", "OR"] {
        team(&app, program_id, code).await;
    }
    let (_, co_lead, co_token) = member(
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
    let (_, coach, coach_token) = member(&app, program_id, "coach@ta.org", "coach", "CO", "").await;
    let (_, ks_lead, ks_token) = member(
        &app,
        program_id,
        "lead@ks.gov",
        "state_lead",
        "KS",
        "justice",
    )
    .await;
    let (_, _, ma_token) = member(
        &app,
        program_id,
        "lead@ma.gov",
        "state_lead",
        "MA",
        "justice",
    )
    .await;
    let (fed_id, fed_pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    let fed_token = app.token_for(fed_id, "officer@ed.gov").await;
    let (sme_id, sme_pw) = app.add_user("sme@ta.org", "sme", None, None).await;
    let sme = app.browser();
    sme.sign_in("sme@ta.org", &sme_pw).await;
    let sme_token = app.token_for(sme_id, "sme@ta.org").await;
    let (_, instrument) = call(
        &app,
        &jo_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/instrument"),
        None,
    )
    .await;
    World {
        app,
        co_lead,
        co_token,
        jo,
        jo_token,
        coach,
        coach_token,
        ks_lead,
        ks_token,
        ma_token,
        fed_pw,
        fed_token,
        sme_id,
        sme,
        sme_token,
        instrument,
    }
}

/// The baselines: Jo rates the first indicator with a note that looks
/// like a formula; CO has partnerships at the first phase with high
/// priority (its second strategy already being carried out), the rest at
/// phase 2, low; KS and MA are strong everywhere, KS shares and MA does
/// not; OR has no snapshot.
async fn assessed(w: &World) {
    let app = &w.app;
    let first = w.instrument["indicators"][0]["id"].as_i64().unwrap();
    let (status, _) = call(
        app,
        &w.jo_token,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/ratings"),
        Some(json!({"ratings": [{"indicator_id": first, "level": 1, "priority": "high", "evidence": "=HYPERLINK(\"x\")"}]})),
    )
    .await;
    assert_eq!(status, 200);
    baseline(app, &w.co_token, "CO", "Agreed by all.", |i, n| {
        if i["element_key"] == "partnerships" {
            if n == 1 { (3, "high") } else { (1, "high") }
        } else {
            (2, "low")
        }
    })
    .await;
    baseline(app, &w.ks_token, "KS", "Agreed by all.", |_, _| (4, "low")).await;
    baseline(app, &w.ma_token, "MA", "Agreed by all.", |_, _| (4, "low")).await;
    share(app, &w.ks_token, "KS").await;
}

/// The number of partnerships indicators, and CO's expected score on the
/// first element: phase 3 on one of them, phase 1 on the rest.
fn partnerships(w: &World) -> (usize, f64) {
    let partnership_count = w.instrument["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["element_key"] == "partnerships")
        .count();
    (partnership_count, (200.0 / 3.0) / partnership_count as f64)
}

async fn set_expertise_audits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'set_expertise'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The expert's elements on their account page: an unknown one is
/// refused next to the field and nothing is saved; home links the page.
async fn an_expert_says_which_elements_they_know_on_their_page(backend: Backend) {
    let w = world(backend).await;
    let World { app, sme, .. } = &w;
    let page = sme.get("/account/expertise").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Build Cross-Agency Partnerships"));
    assert!(
        page.body
            .contains("<legend class=\"usa-legend\">Elements you know</legend>")
    );
    let bad = sme
        .submit(
            "/account/expertise",
            "/account/expertise",
            &[("elements", "partnerships"), ("elements", "juggling")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"elements-error\""));
    assert!(bad.body.contains("juggling"));
    assert_eq!(app.count("expertise").await, 0, "nothing is saved");
    let saved = sme
        .submit(
            "/account/expertise",
            "/account/expertise",
            &[("elements", "partnerships"), ("elements", "employers")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = sme.get("/account/expertise?done=expertise-saved").await;
    assert!(page.body.contains("value=\"partnerships\" checked"));
    assert!(page.body.contains("The elements you know are saved."));
    let home = sme.get("/").await;
    assert!(home.body.contains("href=\"/account/expertise\""));
    assert_eq!(
        set_expertise_audits(app).await,
        1,
        "each saved choice is audited"
    );
    w.app.stop().await;
}

/// The API: an unknown key is refused by field and changes nothing; only
/// experts say what they know.
async fn the_api_refuses_an_unknown_element_and_anyone_but_an_expert(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        co_token,
        sme_id,
        sme_token,
        ..
    } = &w;
    app.expertise(*sme_id, &["partnerships", "employers"]).await;
    let (status, body) = call(
        app,
        sme_token,
        "PUT",
        "/api/v1/me/expertise",
        Some(json!({"elements": ["nope"]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "elements");
    assert_eq!(app.count("expertise").await, 2);
    let (status, body) = call(
        app,
        sme_token,
        "PUT",
        "/api/v1/me/expertise",
        Some(json!({"elements": ["partnerships"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let known: Vec<&str> = body["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["known"] == true)
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(known, ["partnerships"]);
    let (status, _) = call(
        app,
        co_token,
        "PUT",
        "/api/v1/me/expertise",
        Some(json!({"elements": []})),
    )
    .await;
    assert_eq!(status, 403, "only experts say what they know");
    assert_eq!(
        set_expertise_audits(app).await,
        1,
        "each saved choice is audited"
    );
    w.app.stop().await;
}

/// Recommendations for the top three priorities: the strategies not yet
/// carried out, the experts on the element, the peer states that share,
/// and the Exchange's topic (no resources in this test).
async fn recommendations_name_strategies_experts_and_peers_that_share(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        co_lead,
        co_token,
        sme_id,
        ..
    } = &w;
    assessed(&w).await;
    app.expertise(*sme_id, &["partnerships"]).await;
    let (partnership_count, _) = partnerships(&w);
    let (status, r) = call(
        app,
        co_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/assessment/CO/results"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let recs = r["recommendations"].as_array().unwrap();
    assert_eq!(recs.len(), 3, "the top three priorities");
    let top = &recs[0];
    assert_eq!(top["element_key"], "partnerships");
    let strategies = top["strategies"].as_array().unwrap();
    assert_eq!(
        strategies.len(),
        partnership_count - 1,
        "the one being carried out is left out"
    );
    assert_eq!(strategies[0]["status"], "Initiation");
    assert!(!strategies[0]["text"].as_str().unwrap().is_empty());
    assert_eq!(
        top["experts"],
        json!([{"name": "Test sme", "email": "sme@ta.org"}])
    );
    let peers: Vec<&str> = top["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["state_code"].as_str().unwrap())
        .collect();
    assert_eq!(peers, ["KS"], "MA does not share; CO is not its own peer");
    assert!(top["resources"].as_array().unwrap().is_empty());
    assert!(
        top["topic"]
            .as_str()
            .unwrap()
            .starts_with("six-key-elements/")
    );
    assert!(recs[1]["experts"].as_array().unwrap().is_empty());
    let page = co_lead
        .get(&format!("/programs/{SLUG}/assessment/CO/results"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Recommendations for the top priorities"));
    assert!(page.body.contains("mailto:sme@ta.org"));
    assert!(page.body.contains("Kansas: 100 of 100"));
    assert!(!page.body.contains("Massachusetts"));
    assert!(
        page.body
            .contains("No resource in the Exchange is tagged with this element yet.")
    );
    assert!(page.body.contains("More on this topic"));
    w.app.stop().await;
}

/// The cohort page: each state's latest scores by element, in words for
/// screen readers, links to the results the reader may open; for coaches
/// and the federal officer, not for a state's people.
async fn the_cohort_page_shows_each_states_latest_scores_to_coaches_and_overseers(
    backend: Backend,
) {
    let w = world(backend).await;
    let World {
        app,
        jo,
        coach,
        ks_lead,
        fed_pw,
        ..
    } = &w;
    assessed(&w).await;
    let cohort = format!("/programs/{SLUG}/cohort");
    let page = coach.get(&cohort).await;
    assert_eq!(page.status, 200);
    for text in [
        "<caption id=\"table-assessment-cohort-1\">Element scores out of 100 by state: each state's latest snapshot</caption>",
        "<th scope=\"col\">1. Build Cross-Agency Partnerships</th>",
        "Kansas",
        "Oregon",
        "No scores",
        "100<span class=\"usa-sr-only\"> (Strong)</span>",
        "33<span class=\"usa-sr-only\"> (Developing)</span>",
        "Strong: 75 to 100",
        "aria-current=\"page\"",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(page.body.contains("scope=\"row\""));
    // The coach may open CO's results and KS's (shared), not MA's.
    assert!(
        page.body
            .contains(&format!("/programs/{SLUG}/assessment/KS/results"))
    );
    assert!(
        !page
            .body
            .contains(&format!("/programs/{SLUG}/assessment/MA/results"))
    );
    let mid = coach.get(&format!("{cohort}?kind=mid_year")).await;
    assert_eq!(mid.status, 200);
    assert!(mid.body.contains("No mid-year snapshot yet"));
    assert!(!mid.body.contains("(Strong)"));
    let bad = coach.get(&format!("{cohort}?kind=yesterday")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"kind-error\""));
    assert_eq!(
        jo.get(&cohort).await.status,
        403,
        "a state member does not see the cohort"
    );
    assert_eq!(ks_lead.get(&cohort).await.status, 403);
    assert!(
        coach
            .get("/")
            .await
            .body
            .contains(&format!("href=\"{cohort}\""))
    );
    assert!(
        !jo.get("/")
            .await
            .body
            .contains(&format!("href=\"{cohort}\""))
    );
    let fed = app.browser();
    fed.sign_in("officer@ed.gov", fed_pw).await;
    assert_eq!(fed.get(&cohort).await.status, 200);
    w.app.stop().await;
}

/// The cohort through the API: scores and bands by element, no scores for
/// a state without a snapshot, a kind we do not know named.
async fn the_cohort_api_scores_each_element_and_names_a_bad_kind(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        jo_token,
        coach_token,
        fed_token,
        ..
    } = &w;
    assessed(&w).await;
    let (_, expected) = partnerships(&w);
    let api = format!("/api/v1/programs/{SLUG}/cohort");
    let (status, c) = call(app, fed_token, "GET", &api, None).await;
    assert_eq!(status, 200);
    assert_eq!(c["showing"], "latest");
    assert_eq!(c["elements"].as_array().unwrap().len(), 6);
    let row = |code: &str| {
        c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["state_code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(row("KS")["cells"][0]["score"], 100.0);
    assert_eq!(row("KS")["cells"][0]["band"], "strong");
    assert_eq!(row("OR")["snapshot"], Value::Null);
    assert_eq!(row("OR")["cells"][0]["score"], Value::Null);
    let co_first = row("CO")["cells"][0]["score"].as_f64().unwrap();
    assert!((co_first - expected).abs() < 0.01, "{co_first}");
    let (status, c) = call(app, coach_token, "GET", &format!("{api}?kind=final"), None).await;
    assert_eq!(status, 200);
    assert_eq!(c["showing"], "final");
    let (status, body) = call(
        app,
        coach_token,
        "GET",
        &format!("{api}?kind=someday"),
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "kind");
    let (status, _) = call(app, jo_token, "GET", &api, None).await;
    assert_eq!(status, 403);
    w.app.stop().await;
}

/// The overview links the exports; the spreadsheet has a summary with the
/// ranked priorities and a sheet per element with each member's rating, a
/// formula-like note kept as text.
async fn a_states_assessment_exports_as_a_spreadsheet(backend: Backend) {
    let w = world(backend).await;
    let World { co_lead, coach, .. } = &w;
    assessed(&w).await;
    let (_, expected) = partnerships(&w);
    let base = format!("/programs/{SLUG}/assessment/CO");
    let overview = co_lead.get(&base).await;
    assert!(
        overview
            .body
            .contains(&format!("href=\"{base}/export.xlsx\""))
    );
    assert!(
        overview
            .body
            .contains(&format!("href=\"{base}/export.csv\""))
    );
    let (status, headers, bytes) = coach.download(&format!("{base}/export.xlsx")).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"waymark-acp-co-assessment.xlsx\""
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(names[0], "Summary");
    assert_eq!(names[1], "1. Build Cross-Agency Partnersh");
    let summary = book.worksheet_range("Summary").unwrap();
    assert!(text(summary.get_value((0, 0))).contains("Colorado"));
    assert_eq!(text(summary.get_value((3, 1))), "Baseline");
    assert_eq!(
        text(summary.get_value((4, 0))),
        "1. Build Cross-Agency Partnerships"
    );
    assert_eq!(
        summary.get_value((4, 1)),
        Some(&Data::Float(expected.round()))
    );
    let mut found_priorities = false;
    for r in 0..summary.height() as u32 {
        if text(summary.get_value((r, 1))) == "Build Cross-Agency Partnerships"
            && text(summary.get_value((r, 0))) == "1"
        {
            found_priorities = true;
        }
    }
    assert!(found_priorities, "the ranked priorities are on the summary");
    let sheet = book.worksheet_range(&names[1]).unwrap();
    assert_eq!(text(sheet.get_value((0, 0))), "Strategy");
    assert_eq!(
        text(sheet.get_value((0, 1))),
        "Name of jo@co.gov (Secondary career and technical education): phase"
    );
    assert_eq!(text(sheet.get_value((0, 7))), "Team consensus: phase");
    assert_eq!(text(sheet.get_value((1, 1))), "1: Initiation");
    assert_eq!(text(sheet.get_value((1, 2))), "High");
    assert_eq!(
        text(sheet.get_value((1, 3))),
        "=HYPERLINK(\"x\")",
        "text, not a formula"
    );
    assert_eq!(
        text(sheet.get_value((1, 4))),
        "Not rated",
        "the lead did not rate it"
    );
    assert_eq!(text(sheet.get_value((1, 7))), "1: Initiation");
    assert_eq!(text(sheet.get_value((2, 7))), "3: Implementation");
    assert_eq!(text(sheet.get_value((1, 9))), "Agreed by all.");
    w.app.stop().await;
}

/// The CSV export: a row per rater and indicator, then the consensus; a
/// note that looks like a formula is defused.
async fn a_states_assessment_exports_as_csv_with_no_formula(backend: Backend) {
    let w = world(backend).await;
    let World {
        co_lead,
        instrument,
        ..
    } = &w;
    assessed(&w).await;
    let base = format!("/programs/{SLUG}/assessment/CO");
    let (status, headers, bytes) = co_lead.download(&format!("{base}/export.csv")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"waymark-acp-co-assessment.csv\""
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[4], "rater");
    assert_eq!(header[6], "row_type");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let indicators = instrument["indicators"].as_array().unwrap().len();
    assert_eq!(rows.len(), indicators * 3, "two raters and the consensus");
    assert_eq!(
        rows.iter().filter(|r| &r[6] == "consensus").count(),
        indicators
    );
    assert_eq!(&rows[0][4], "Name of jo@co.gov");
    assert_eq!(&rows[0][7], "1");
    assert_eq!(&rows[0][10], "'=HYPERLINK(\"x\")", "no formula from a note");
    assert_eq!(&rows[2][4], "Team consensus");
    assert_eq!(&rows[2][6], "consensus");
    w.app.stop().await;
}

/// The export through the API, as JSON: the round, the raters, the
/// snapshots, the priorities and each indicator's ratings.
async fn a_states_assessment_exports_as_json_through_the_api(backend: Backend) {
    let w = world(backend).await;
    let World {
        app, coach_token, ..
    } = &w;
    assessed(&w).await;
    let api = format!("/api/v1/programs/{SLUG}/assessment/CO/export");
    let (status, x) = call(app, coach_token, "GET", &api, None).await;
    assert_eq!(status, 200);
    assert_eq!(x["state_name"], "Colorado");
    assert_eq!(x["round_status"], "frozen as the baseline snapshot");
    assert_eq!(x["raters"].as_array().unwrap().len(), 2);
    assert_eq!(x["snapshots"].as_array().unwrap().len(), 1);
    assert_eq!(x["priorities"][0]["element_key"], "partnerships");
    assert_eq!(
        x["elements"][0]["indicators"][0]["members"][0]["phase"],
        "1: Initiation"
    );
    assert_eq!(x["elements"][0]["indicators"][1]["consensus"]["level"], 3);
    w.app.stop().await;
}

/// Another state's lead may not take CO's assessment away, nor may
/// someone signed out.
async fn another_state_may_not_take_the_assessment_away(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        ks_lead,
        ks_token,
        ..
    } = &w;
    assessed(&w).await;
    let base = format!("/programs/{SLUG}/assessment/CO");
    let api = format!("/api/v1/programs/{SLUG}/assessment/CO/export");
    let (status, _, _) = ks_lead.download(&format!("{base}/export.xlsx")).await;
    assert_eq!(status, 403);
    let (status, _, _) = ks_lead.download(&format!("{base}/export.csv")).await;
    assert_eq!(status, 403);
    let (status, _) = call(app, ks_token, "GET", &api, None).await;
    assert_eq!(status, 403);
    let (status, _, _) = app.browser().download(&format!("{base}/export.csv")).await;
    assert_eq!(status, 303, "to the sign-in page");
    w.app.stop().await;
}
