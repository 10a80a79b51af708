//! Action plans through the pages and the API: a goal from the state's
//! priorities, steps with owners, due dates and statuses, what is overdue
//! on the program's clock, milestones, progress updates with evidence files
//! (accepted and refused), downloads, the spreadsheet and the timeline, and
//! who may do what.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::applications::future_program;
use crate::assessment::{baseline, member, team};
use crate::both_backends;
use crate::helpers::{Backend, Browser, MilestoneFixture, StepFixture, TestApp, call};

both_backends!(
    goals_are_suggested_from_the_baseline_and_the_plan_is_made_on_first_write,
    a_member_cannot_add_goals_and_the_lead_adds_a_suggested_one,
    a_bad_goal_is_refused_next_to_the_field_and_changes_nothing,
    the_coach_adds_a_named_goal_through_the_api,
    steps_are_added_with_owners_and_dates_and_bad_ones_change_nothing,
    progress_counts_the_steps_done_and_those_overdue,
    a_member_moves_a_step_along_but_cannot_change_it,
    another_states_member_sees_and_changes_nothing,
    overdue_is_on_the_programs_clock_across_the_date_line,
    a_milestone_is_a_strategy_of_the_goals_element_reached_once,
    a_progress_update_carries_its_evidence_file,
    evidence_is_downloaded_by_the_team_its_coach_and_the_federal_officer_only,
    a_web_page_renamed_as_a_pdf_is_refused_and_nothing_is_stored,
    the_api_takes_an_update_then_its_files_checked_by_content,
    the_spreadsheet_has_goals_steps_milestones_and_updates,
    the_timeline_puts_steps_and_milestones_in_their_months,
    steps_goals_and_milestones_are_changed_on_their_own_pages,
    a_goal_goes_with_its_evidence_and_a_step_can_be_removed,
    the_demo_year_has_plans_in_progress
);

const SLUG: &str = "acp";
const PDF_NAME: &str = "Partnership charter.pdf";

/// A raw GET with a token or the browser's cookies: (status, headers, bytes).
async fn fetch(
    app: &TestApp,
    who: Result<&Browser, &str>,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let token = match who {
        Ok(b) => return b.download(path).await,
        Err(token) => token,
    };
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn cell(sheet: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match sheet.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        other => format!("{other:?}"),
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.count(table).await
}

/// Files under the uploads folder's plans part.
fn stored_files(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        match std::fs::read_dir(p) {
            Ok(rd) => rd
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum(),
            Err(_) => 0,
        }
    }
    walk(&app.dir.path().join("uploads").join("plans"))
}

fn day(d: jiff::civil::Date, days: i64) -> String {
    d.checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

/// A program with CO and KS teams: CO's lead, CO's member Jo and CO's
/// coach, a KS member, and the federal officer, each signed in and with a
/// token; CO's plan page and API.
struct World {
    app: TestApp,
    program_id: i64,
    lead: Browser,
    lead_token: String,
    jo_id: i64,
    jo: Browser,
    jo_token: String,
    coach_id: i64,
    coach_token: String,
    ks_id: i64,
    ks: Browser,
    ks_token: String,
    federal: Browser,
    fed_token: String,
    base: String,
    api: String,
    /// Today on the program's clock, the day before and a month ahead.
    today: jiff::civil::Date,
    today_s: String,
    yesterday: String,
    next_month: String,
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
    let (jo_id, jo, jo_token) = member(
        &app,
        program_id,
        "jo@co.gov",
        "state_member",
        "CO",
        "secondary_cte",
    )
    .await;
    let (coach_id, _, coach_token) =
        member(&app, program_id, "coach@ta.org", "coach", "CO", "").await;
    let (ks_id, ks, ks_token) = member(
        &app,
        program_id,
        "kim@ks.gov",
        "state_member",
        "KS",
        "justice",
    )
    .await;
    let (fed_id, fed_pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    let fed_token = app.token_for(fed_id, "officer@ed.gov").await;
    let federal = app.browser();
    federal.sign_in("officer@ed.gov", &fed_pw).await;
    let today = waymark::plan::today("America/New_York", waymark::time::now_ms());
    World {
        app,
        program_id,
        lead,
        lead_token,
        jo_id,
        jo,
        jo_token,
        coach_id,
        coach_token,
        ks_id,
        ks,
        ks_token,
        federal,
        fed_token,
        base: format!("/programs/{SLUG}/plans/CO"),
        api: format!("/api/v1/programs/{SLUG}/plans/CO"),
        today,
        today_s: today.to_string(),
        yesterday: day(today, -1),
        next_month: day(today, 31),
    }
}

/// CO's consensus (partnerships weak and high priority, the rest strong)
/// frozen as its baseline.
async fn partnerships_weak(w: &World) {
    baseline(&w.app, &w.lead_token, "CO", "", |i, _| {
        if i["element_key"] == "partnerships" {
            (1, "high")
        } else {
            (4, "low")
        }
    })
    .await;
}

/// CO's plan with its first goal, on partnerships; the goal's id.
async fn partnerships_goal(w: &World) -> i64 {
    let co = w.app.in_program(w.program_id);
    let plan = co.plan("CO").await;
    co.goal(plan, "Build Cross-Agency Partnerships", "partnerships")
        .await
}

/// The goal's four steps, as the lead and the coach set them: Jo's
/// "Convene the agency heads" due yesterday and under way, the coach's
/// "Draft the partnership charter" due today, Jo's "List the partners"
/// done yesterday and Jo's formula-like step a month ahead, blocked. With
/// `moved`, as they stand once Jo has moved the first two along (done,
/// under way). Their ids.
async fn four_steps(w: &World, goal: i64, moved: bool) -> Vec<i64> {
    let (convene, draft) = if moved {
        ("done", "in_progress")
    } else {
        ("in_progress", "not_started")
    };
    let mut ids = Vec::new();
    for (text, owner, due_on, status) in [
        ("Convene the agency heads", w.jo_id, &w.yesterday, convene),
        (
            "Draft the partnership charter",
            w.coach_id,
            &w.today_s,
            draft,
        ),
        ("List the partners", w.jo_id, &w.yesterday, "done"),
        (
            "=SUM(A1) looks like a formula",
            w.jo_id,
            &w.next_month,
            "blocked",
        ),
    ] {
        let step = StepFixture {
            text,
            owner: Some(owner),
            due_on,
            status,
        };
        ids.push(w.app.in_program(w.program_id).step(goal, step).await);
    }
    ids
}

/// The partnerships strategies of the program's instrument: (key, text).
async fn partnership_strategies(w: &World) -> Vec<(String, String)> {
    let (_, instrument) = call(
        &w.app,
        &w.lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/instrument"),
        None,
    )
    .await;
    instrument["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["element_key"] == "partnerships")
        .map(|i| {
            (
                i["strategy_key"].as_str().unwrap().to_owned(),
                i["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A plan well under way, written as the pages and the API leave it: the
/// partnerships goal with its four steps moved along, a milestone reached
/// today and Jo's update with the charter; the coach's "Shared measures"
/// goal with yesterday's update and a sign-in sheet. (goal, second goal,
/// milestone, step ids.)
async fn a_plan_under_way(w: &World) -> (i64, i64, i64, Vec<i64>) {
    let co = w.app.in_program(w.program_id);
    let goal = partnerships_goal(w).await;
    let ids = four_steps(w, goal, true).await;
    let strategy = &partnership_strategies(w).await[0];
    let reached = MilestoneFixture {
        strategy_key: &strategy.0,
        text: &strategy.1,
        target_on: &w.next_month,
        reached_on: Some(&w.today_s),
    };
    let milestone = co.milestone(goal, reached).await;
    let update = co
        .update(goal, &w.today_s, "All four agencies signed the charter.")
        .await;
    let pdf = waymark::application::letter::sample_pdf("Charter signed by four agencies");
    co.evidence(update, PDF_NAME, "application/pdf", &pdf).await;
    let plan: i64 = sqlx::query_scalar("SELECT plan_id FROM plan_goals WHERE id = $1")
        .bind(goal)
        .fetch_one(&w.app.state.db.pool)
        .await
        .unwrap();
    let goal2 = co.goal(plan, "Shared measures", "measurement").await;
    let update2 = co
        .update(goal2, &w.yesterday, "Data leads met twice.")
        .await;
    let png = waymark::plan::evidence::sample_png();
    co.evidence(update2, "sign-in sheet.png", "image/png", &png)
        .await;
    (goal, goal2, milestone, ids)
}

/// The plan actions written to the audit log (refusals left out).
async fn audited(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT DISTINCT action FROM audit_log WHERE action LIKE '%plan%' AND outcome <> 'refused' ORDER BY action",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

/// Each of these actions is in the audit log.
async fn assert_audited(app: &TestApp, actions: &[&str]) {
    let audited = audited(app).await;
    for a in actions {
        assert!(audited.iter().any(|x| x == a), "{a} in {audited:?}");
    }
}

/// With no snapshot there is nothing to suggest; CO's baseline suggests a
/// goal on its weak, high-priority element; the plan is made on first write.
async fn goals_are_suggested_from_the_baseline_and_the_plan_is_made_on_first_write(
    backend: Backend,
) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        base,
        api,
        ..
    } = &w;
    let page = lead.get(base).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("There are no priorities to suggest yet"));
    partnerships_weak(&w).await;
    let page = lead.get(base).await;
    assert!(
        page.body.contains("Suggested goals from Colorado"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Add as a goal"));
    let (status, plan) = call(app, lead_token, "GET", api, None).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["goals"], json!([]));
    assert_eq!(plan["suggestions"][0]["element_key"], "partnerships");
    assert_eq!(
        plan["suggestions"][0]["element_name"],
        "Build Cross-Agency Partnerships"
    );
    assert!(plan["suggestions"][0]["strategy_key"].is_string());
    assert_eq!(
        count(app, "plans").await,
        0,
        "the plan is made on first write"
    );
    w.app.stop().await;
}

/// A member reads the plan but cannot add goals; the lead clicks "Add as a goal".
async fn a_member_cannot_add_goals_and_the_lead_adds_a_suggested_one(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        jo,
        jo_token,
        base,
        api,
        ..
    } = &w;
    partnerships_weak(&w).await;
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    let strategy = plan["suggestions"][0]["strategy_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!jo.get(base).await.body.contains("Add as a goal"));
    let refused = jo
        .submit(
            base,
            &format!("{base}/goals"),
            &[("element_key", "partnerships")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let (status, _) = call(
        app,
        jo_token,
        "POST",
        &format!("{api}/goals"),
        Some(json!({"element_key": "partnerships"})),
    )
    .await;
    assert_eq!(status, 403);
    let added = lead
        .submit(
            base,
            &format!("{base}/goals"),
            &[("element_key", "partnerships"), ("strategy_key", &strategy)],
        )
        .await;
    assert_eq!(added.status, 303);
    assert!(added.location.unwrap().contains("done=goal-added"));
    let page = lead.get(base).await;
    assert!(
        page.body
            .contains("Goal 1: Build Cross-Agency Partnerships")
    );
    assert!(page.body.contains("No steps yet"));
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    assert!(plan["goals"][0]["id"].is_i64());
    assert_eq!(plan["goals"][0]["strategy_key"], strategy.as_str());
    assert_eq!(plan["suggestions"], json!([]));
    assert_audited(app, &["add_plan_goal"]).await;
    w.app.stop().await;
}

/// Bad input: next to the field on the page, named by the API; nothing changes.
async fn a_bad_goal_is_refused_next_to_the_field_and_changes_nothing(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        coach_token,
        base,
        api,
        ..
    } = &w;
    partnerships_goal(&w).await;
    let bad = lead
        .submit(
            base,
            &format!("{base}/goals"),
            &[("element_key", "nonsense"), ("title", "Keep this title")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"goal-element_key-error\""));
    assert!(
        bad.body.contains("There is no element &#34;nonsense&#34;"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"Keep this title\""));
    assert!(bad.body.contains("href=\"#goal-element_key\""));
    let (status, body) = call(
        app,
        coach_token,
        "POST",
        &format!("{api}/goals"),
        Some(json!({"element_key": "partnerships", "strategy_key": "not-a-strategy"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "strategy_key");
    let (status, body) = call(
        app,
        coach_token,
        "POST",
        &format!("{api}/goals"),
        Some(json!({"element_key": "partnerships", "title": "Shared\r\nmeasures"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "title");
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Use one line, with no line breaks or tabs."
    );
    assert_eq!(count(app, "plan_goals").await, 1);
    w.app.stop().await;
}

/// The coach adds a goal through the API, with a name.
async fn the_coach_adds_a_named_goal_through_the_api(backend: Backend) {
    let w = world(backend).await;
    let (status, body) = call(
        &w.app,
        &w.coach_token,
        "POST",
        &format!("{}/goals", w.api),
        Some(json!({"element_key": "measurement", "title": "Shared measures", "description": "One set of measures."})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["id"].is_i64());
    w.app.stop().await;
}

/// Steps with owners, due dates and statuses, by the page and the API; bad
/// steps change nothing: a date we cannot read (page), an owner from
/// another state and an unknown status (API).
async fn steps_are_added_with_owners_and_dates_and_bad_ones_change_nothing(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        jo_id,
        coach_id,
        ks_id,
        base,
        api,
        yesterday,
        today_s,
        next_month,
        ..
    } = &w;
    let goal = partnerships_goal(&w).await;
    let step_page = lead
        .submit(
            base,
            &format!("{base}/goals/{goal}/steps"),
            &[
                ("text", "Convene the agency heads"),
                ("owner_id", &jo_id.to_string()),
                ("due_on", yesterday),
                ("status", "in_progress"),
            ],
        )
        .await;
    assert_eq!(step_page.status, 303, "{}", step_page.body);
    for (text, due, status, owner) in [
        (
            "Draft the partnership charter",
            today_s,
            "not_started",
            *coach_id,
        ),
        ("List the partners", yesterday, "done", *jo_id),
        (
            "=SUM(A1) looks like a formula",
            next_month,
            "blocked",
            *jo_id,
        ),
    ] {
        let (s, body) = call(
            app,
            lead_token,
            "POST",
            &format!("{api}/goals/{goal}/steps"),
            Some(json!({"text": text, "due_on": due, "status": status, "owner_id": owner})),
        )
        .await;
        assert_eq!(s, 201, "{body}");
        assert!(body["id"].is_i64());
    }
    let bad = lead
        .submit(
            base,
            &format!("{base}/goals/{goal}/steps"),
            &[("text", "Keep this step"), ("due_on", "31/12/2017")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains(&format!("id=\"step-{goal}-due_on-error\""))
    );
    assert!(bad.body.contains("is not a date we can read"));
    assert!(bad.body.contains(">Keep this step</textarea>"));
    let (status, body) = call(
        app,
        lead_token,
        "POST",
        &format!("{api}/goals/{goal}/steps"),
        Some(json!({"text": "x", "due_on": today_s, "owner_id": ks_id, "status": "finished"})),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["owner_id", "status"]);
    assert_eq!(count(app, "plan_steps").await, 4);
    assert_audited(app, &["add_plan_step"]).await;
    w.app.stop().await;
}

/// Progress: one of four done; the step due yesterday and not done is
/// overdue, the one due today is not, the one done yesterday is not.
async fn progress_counts_the_steps_done_and_those_overdue(backend: Backend) {
    let w = world(backend).await;
    let goal = partnerships_goal(&w).await;
    four_steps(&w, goal, false).await;
    let (_, plan) = call(&w.app, &w.jo_token, "GET", &w.api, None).await;
    let g = &plan["goals"][0];
    assert_eq!(
        g["progress"],
        json!({"steps": 4, "done": 1, "overdue": 1, "percent_done": 25})
    );
    let overdue: Vec<&str> = g["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["overdue"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["Convene the agency heads"]);
    assert_eq!(g["steps"][0]["owner_name"], "Test state_member");
    assert_eq!(plan["progress"]["steps"], 4);
    let page = w.jo.get(&w.base).await;
    assert!(page.body.contains("1 of 4 steps done (25%), 1 overdue"));
    assert!(page.body.contains("(overdue)"));
    w.app.stop().await;
}

/// A member moves a step along (done today) but cannot change or remove it.
async fn a_member_moves_a_step_along_but_cannot_change_it(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead_token,
        jo,
        jo_token,
        base,
        api,
        today_s,
        ..
    } = &w;
    let goal = partnerships_goal(&w).await;
    let ids = four_steps(&w, goal, false).await;
    let first_step = ids[0];
    let moved = jo
        .submit(
            base,
            &format!("{base}/steps/{first_step}/status"),
            &[("status", "done")],
        )
        .await;
    assert_eq!(moved.status, 303);
    let (status, _) = call(
        app,
        jo_token,
        "PUT",
        &format!("{api}/steps/{first_step}"),
        Some(json!({"text": "Mine now", "due_on": today_s})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        app,
        jo_token,
        "PUT",
        &format!("{api}/steps/{}/status", ids[1]),
        Some(json!({"status": "finished"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "status");
    let (status, _) = call(
        app,
        jo_token,
        "PUT",
        &format!("{api}/steps/{}/status", ids[1]),
        Some(json!({"status": "in_progress"})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    let g = &plan["goals"][0];
    assert_eq!(g["steps"][0]["status"], "done");
    assert_eq!(g["steps"][0]["done_on"], today_s.as_str());
    assert_eq!(g["steps"][1]["status"], "in_progress");
    assert_eq!(
        g["progress"],
        json!({"steps": 4, "done": 2, "overdue": 0, "percent_done": 50})
    );
    assert_audited(app, &["set_plan_step_status"]).await;
    w.app.stop().await;
}

/// Another state's member sees nothing and changes nothing.
async fn another_states_member_sees_and_changes_nothing(backend: Backend) {
    let w = world(backend).await;
    let goal = partnerships_goal(&w).await;
    let ids = four_steps(&w, goal, false).await;
    assert_eq!(w.ks.get(&w.base).await.status, 403);
    assert_eq!(call(&w.app, &w.ks_token, "GET", &w.api, None).await.0, 403);
    let (status, _) = call(
        &w.app,
        &w.ks_token,
        "PUT",
        &format!("{}/steps/{}/status", w.api, ids[1]),
        Some(json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, 403);
    w.app.stop().await;
}

/// The same instant is a day later in Kiritimati (UTC+14) than in Pago
/// Pago (UTC-11): a step due on Pago Pago's today is overdue on a
/// Kiritimati clock and not on a Pago Pago one.
async fn overdue_is_on_the_programs_clock_across_the_date_line(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        program_id,
        lead_token,
        api,
        ..
    } = &w;
    let goal = partnerships_goal(&w).await;
    let plan: i64 = sqlx::query_scalar("SELECT plan_id FROM plan_goals WHERE id = $1")
        .bind(goal)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let goal2 = app
        .in_program(*program_id)
        .goal(plan, "Shared measures", "measurement")
        .await;
    let now = waymark::time::now_ms();
    let pago = waymark::plan::today("Pacific/Pago_Pago", now);
    assert!(pago < waymark::plan::today("Pacific/Kiritimati", now));
    let (status, body) = call(
        app,
        lead_token,
        "POST",
        &format!("{api}/goals/{goal2}/steps"),
        Some(json!({"text": "Agree the measures", "due_on": pago.to_string()})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let program_id = *program_id;
    let overdue_in = |zone: &'static str| async move {
        sqlx::query("UPDATE programs SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(program_id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let (_, plan) = call(app, lead_token, "GET", api, None).await;
        (
            plan["goals"][1]["steps"][0]["overdue"].clone(),
            plan["goals"][1]["progress"]["overdue"].clone(),
        )
    };
    assert_eq!(
        overdue_in("Pacific/Kiritimati").await,
        (json!(true), json!(1))
    );
    assert_eq!(
        overdue_in("Pacific/Pago_Pago").await,
        (json!(false), json!(0))
    );
    overdue_in("America/New_York").await;
    w.app.stop().await;
}

/// A milestone is one of the strategies of the goal's element, once: the
/// lead adds and reaches it, a member may not change it.
async fn a_milestone_is_a_strategy_of_the_goals_element_reached_once(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        jo_token,
        base,
        api,
        today_s,
        next_month,
        ..
    } = &w;
    let goal = partnerships_goal(&w).await;
    let (_, instrument) = call(
        app,
        lead_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/instrument"),
        None,
    )
    .await;
    let strategies = |element: &str| -> Vec<(String, String)> {
        instrument["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["element_key"] == element)
            .map(|i| {
                (
                    i["strategy_key"].as_str().unwrap().to_owned(),
                    i["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let partnership = strategies("partnerships");
    let (status, body) = call(
        app,
        lead_token,
        "POST",
        &format!("{api}/goals/{goal}/milestones"),
        Some(json!({"strategy_key": partnership[0].0, "target_on": next_month})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let milestone = body["id"].as_i64().unwrap();
    for (key, field) in [
        (partnership[0].0.clone(), "strategy_key"),
        (strategies("measurement")[0].0.clone(), "strategy_key"),
    ] {
        let (status, body) = call(
            app,
            lead_token,
            "POST",
            &format!("{api}/goals/{goal}/milestones"),
            Some(json!({"strategy_key": key, "target_on": next_month})),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], field);
    }
    let bad = lead
        .submit(
            base,
            &format!("{base}/goals/{goal}/milestones"),
            &[("strategy_key", &partnership[1].0), ("target_on", "")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains(&format!("id=\"milestone-{goal}-target_on-error\""))
    );
    assert_eq!(count(app, "plan_milestones").await, 1);
    let reached = lead
        .submit(
            base,
            &format!("{base}/milestones/{milestone}/reached"),
            &[("reached", "yes")],
        )
        .await;
    assert_eq!(reached.status, 303);
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    assert_eq!(
        plan["goals"][0]["milestones"][0]["reached_on"],
        today_s.as_str()
    );
    assert_eq!(
        plan["goals"][0]["milestones"][0]["text"],
        partnership[0].1.as_str()
    );
    assert_eq!(
        call(
            app,
            jo_token,
            "PUT",
            &format!("{api}/milestones/{milestone}"),
            Some(json!({"target_on": next_month})),
        )
        .await
        .0,
        403
    );
    assert_audited(app, &["add_plan_milestone"]).await;
    w.app.stop().await;
}

/// A member's progress update about a step, with a PDF as evidence.
async fn a_progress_update_carries_its_evidence_file(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        jo,
        base,
        api,
        today_s,
        ..
    } = &w;
    let goal = partnerships_goal(&w).await;
    let first_step = four_steps(&w, goal, false).await[0];
    let pdf = waymark::application::letter::sample_pdf("Charter signed by four agencies");
    let token = jo.get(base).await.csrf_token().unwrap();
    let sent = jo
        .post_multipart(
            &format!("{base}/goals/{goal}/updates"),
            &[
                ("csrf_token", &token),
                ("body", "All four agencies signed the charter."),
                ("step_id", &first_step.to_string()),
            ],
            Some(("evidence", PDF_NAME, pdf.clone())),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(count(app, "plan_evidence").await, 1);
    assert_eq!(stored_files(app), 1);
    let page = lead.get(base).await;
    assert!(page.body.contains("All four agencies signed the charter."));
    assert!(
        page.body
            .contains("about the step: Convene the agency heads")
    );
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    let update = &plan["goals"][0]["updates"][0];
    assert_eq!(update["written_on"], today_s.as_str());
    assert_eq!(update["author_name"], "Test state_member");
    let file = update["evidence"][0]["id"].as_i64().unwrap();
    assert_eq!(update["evidence"][0]["filename"], PDF_NAME);
    assert!(update["evidence"][0].get("storage_key").is_none());
    assert!(
        page.body
            .contains(&format!("href=\"{base}/evidence/{file}\""))
    );
    assert_audited(app, &["add_plan_update"]).await;
    w.app.stop().await;
}

/// Evidence downloads: the team, the coach's API, the federal officer; not
/// another state; an id from nowhere is not found.
async fn evidence_is_downloaded_by_the_team_its_coach_and_the_federal_officer_only(
    backend: Backend,
) {
    let w = world(backend).await;
    let World {
        app,
        program_id,
        lead,
        coach_token,
        ks,
        ks_token,
        federal,
        fed_token,
        base,
        api,
        today_s,
        ..
    } = &w;
    let co = app.in_program(*program_id);
    let goal = partnerships_goal(&w).await;
    let update = co
        .update(goal, today_s, "All four agencies signed the charter.")
        .await;
    let pdf = waymark::application::letter::sample_pdf("Charter signed by four agencies");
    let file = co.evidence(update, PDF_NAME, "application/pdf", &pdf).await;
    for who in [
        Ok(lead),
        Ok(federal),
        Err(fed_token.as_str()),
        Err(coach_token.as_str()),
    ] {
        let path = match who {
            Ok(_) => format!("{base}/evidence/{file}"),
            Err(_) => format!("{api}/evidence/{file}"),
        };
        let (status, headers, bytes) = fetch(app, who, &path).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(
            headers["content-disposition"],
            format!("attachment; filename=\"{PDF_NAME}\"").as_str()
        );
        assert_eq!(bytes, pdf);
    }
    assert_eq!(
        fetch(app, Ok(ks), &format!("{base}/evidence/{file}"))
            .await
            .0,
        403
    );
    assert_eq!(
        fetch(
            app,
            Err(ks_token.as_str()),
            &format!("{api}/evidence/{file}")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        fetch(app, Ok(lead), &format!("{base}/evidence/999"))
            .await
            .0,
        404
    );
    w.app.stop().await;
}

/// A web page renamed as a PDF is refused next to the field; nothing is
/// stored beside the update already there.
async fn a_web_page_renamed_as_a_pdf_is_refused_and_nothing_is_stored(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        program_id,
        jo,
        base,
        today_s,
        ..
    } = &w;
    let co = app.in_program(*program_id);
    let goal = partnerships_goal(&w).await;
    let update = co
        .update(goal, today_s, "All four agencies signed the charter.")
        .await;
    let pdf = waymark::application::letter::sample_pdf("Charter signed by four agencies");
    co.evidence(update, PDF_NAME, "application/pdf", &pdf).await;
    let token = jo.get(base).await.csrf_token().unwrap();
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    let refused = jo
        .post_multipart(
            &format!("{base}/goals/{goal}/updates"),
            &[("csrf_token", &token), ("body", "Keep this update")],
            Some(("evidence", "minutes.pdf", html)),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains(&format!("id=\"update-{goal}-evidence-error\""))
    );
    assert!(
        refused
            .body
            .contains("minutes: This file is not one we accept.")
    );
    assert!(refused.body.contains(">Keep this update</textarea>"));
    assert_eq!(count(app, "plan_updates").await, 1);
    assert_eq!(count(app, "plan_evidence").await, 1);
    assert_eq!(stored_files(app), 1);
    w.app.stop().await;
}

/// Through the API: the update as JSON (not dated in the future), then its
/// files as multipart, checked by their content.
async fn the_api_takes_an_update_then_its_files_checked_by_content(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        program_id,
        jo,
        coach_token,
        base,
        api,
        today,
        today_s,
        yesterday,
        ..
    } = &w;
    let co = app.in_program(*program_id);
    let goal = partnerships_goal(&w).await;
    let update = co
        .update(goal, today_s, "All four agencies signed the charter.")
        .await;
    let pdf = waymark::application::letter::sample_pdf("Charter signed by four agencies");
    co.evidence(update, PDF_NAME, "application/pdf", &pdf).await;
    let plan: i64 = sqlx::query_scalar("SELECT plan_id FROM plan_goals WHERE id = $1")
        .bind(goal)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let goal2 = co.goal(plan, "Shared measures", "measurement").await;
    let (status, body) = call(
        app,
        coach_token,
        "POST",
        &format!("{api}/goals/{goal2}/updates"),
        Some(json!({"body": "Data leads met twice.", "written_on": day(*today, 1)})),
    )
    .await;
    assert_eq!(status, 422, "no updates dated in the future");
    assert_eq!(body["error"]["fields"][0]["field"], "written_on");
    let (status, body) = call(
        app,
        coach_token,
        "POST",
        &format!("{api}/goals/{goal2}/updates"),
        Some(json!({"body": "Data leads met twice.", "written_on": yesterday})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let update2 = body["id"].as_i64().unwrap();
    let attach = |name: &'static str, bytes: Vec<u8>| {
        let url = format!("{}{api}/updates/{update2}/evidence", app.base);
        let token = coach_token.clone();
        async move {
            let form = reqwest::multipart::Form::new().part(
                "evidence",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    let (status, body) = attach("notes.png", html).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "evidence");
    assert_eq!(stored_files(app), 1);
    let (status, body) = attach("sign-in sheet.png", waymark::plan::evidence::sample_png()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(stored_files(app), 2);
    let png = body["ids"][0].as_i64().unwrap();
    let (status, headers, _) = fetch(app, Ok(jo), &format!("{base}/evidence/{png}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert_audited(app, &["add_plan_update", "attach_plan_evidence"]).await;
    w.app.stop().await;
}

/// The plan as a spreadsheet: goals, steps (a formula-like one kept as
/// text), milestones and updates with their files; not for another state.
async fn the_spreadsheet_has_goals_steps_milestones_and_updates(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        ks,
        fed_token,
        base,
        api,
        today_s,
        ..
    } = &w;
    a_plan_under_way(&w).await;
    let partnership = partnership_strategies(&w).await;
    let (status, headers, bytes) = fetch(app, Ok(lead), &format!("{base}/plan.xlsx")).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("waymark-acp-CO-action-plan.xlsx")
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Goals", "Steps", "Milestones", "Updates"]
    );
    let goals = book.worksheet_range("Goals").unwrap();
    assert_eq!(cell(&goals, 0, 0), "Goal");
    assert_eq!(cell(&goals, 1, 0), "Build Cross-Agency Partnerships");
    assert_eq!(cell(&goals, 1, 4), "4");
    assert_eq!(cell(&goals, 1, 5), "2");
    assert_eq!(cell(&goals, 2, 0), "Shared measures");
    let steps = book.worksheet_range("Steps").unwrap();
    assert_eq!(cell(&steps, 1, 0), "Convene the agency heads");
    assert_eq!(cell(&steps, 1, 4), "Done");
    assert_eq!(cell(&steps, 4, 0), "'=SUM(A1) looks like a formula");
    assert_eq!(cell(&steps, 4, 4), "Blocked");
    let milestones = book.worksheet_range("Milestones").unwrap();
    assert_eq!(cell(&milestones, 1, 0), partnership[0].1);
    assert_eq!(cell(&milestones, 1, 4), *today_s);
    let updates = book.worksheet_range("Updates").unwrap();
    assert_eq!(
        cell(&updates, 1, 0),
        "All four agencies signed the charter."
    );
    assert_eq!(cell(&updates, 1, 5), PDF_NAME);
    assert_eq!(cell(&updates, 2, 5), "sign-in sheet.png");
    let (status, _, _) = fetch(app, Err(fed_token.as_str()), &format!("{api}/plan.xlsx")).await;
    assert_eq!(status, 200);
    assert_eq!(
        fetch(app, Ok(ks), &format!("{base}/plan.xlsx")).await.0,
        403
    );
    w.app.stop().await;
}

/// The timeline: each step and milestone in its month.
async fn the_timeline_puts_steps_and_milestones_in_their_months(backend: Backend) {
    let w = world(backend).await;
    let World {
        jo,
        base,
        today,
        today_s,
        ..
    } = &w;
    let today = *today;
    a_plan_under_way(&w).await;
    let page = jo.get(&format!("{base}/timeline")).await;
    assert_eq!(page.status, 200);
    let month = |d: jiff::civil::Date| format!("id=\"month-{}-{:02}\"", d.year(), d.month());
    let later = today.checked_add(jiff::Span::new().days(31)).unwrap();
    let this_month = page.body.find(&month(today)).expect("this month");
    let that_month = page.body.find(&month(later)).expect("next month");
    let convene = page.body.find("Convene the agency heads").unwrap();
    let formula = page.body.find("=SUM(A1) looks like a formula").unwrap();
    assert!(this_month < formula && that_month < formula);
    assert!(
        convene
            > page
                .body
                .find(&month(
                    today.checked_sub(jiff::Span::new().days(1)).unwrap()
                ))
                .unwrap()
    );
    assert!(page.body.contains("Blocked"));
    assert!(
        page.body
            .contains(&format!("Reached on {}", waymark::plan::long_date(today_s)))
    );
    w.app.stop().await;
}

/// A step, a goal and a milestone changed on their own pages, by the lead
/// (a member may not), dates we cannot read refused next to the field.
async fn steps_goals_and_milestones_are_changed_on_their_own_pages(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        lead_token,
        jo,
        coach_id,
        base,
        api,
        next_month,
        ..
    } = &w;
    let (goal, _, milestone, ids) = a_plan_under_way(&w).await;
    let edit_step = format!("{base}/steps/{}/edit", ids[1]);
    assert_eq!(jo.get(&edit_step).await.status, 403);
    let form = lead.get(&edit_step).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains(">Draft the partnership charter</textarea>")
    );
    let coach = coach_id.to_string();
    let mut fields = vec![
        ("text", "Draft the charter with legal counsel"),
        ("due_on", "2017-02-30"),
        ("owner_id", coach.as_str()),
        ("status", "in_progress"),
    ];
    let bad = lead.submit(&edit_step, &edit_step, &fields).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"edit-due_on-error\""));
    assert!(
        bad.body
            .contains(">Draft the charter with legal counsel</textarea>")
    );
    fields[1].1 = next_month;
    let saved = lead.submit(&edit_step, &edit_step, &fields).await;
    assert_eq!(saved.status, 303);
    let edit_goal = format!("{base}/goals/{goal}/edit");
    let saved = lead
        .submit(
            &edit_goal,
            &edit_goal,
            &[
                ("element_key", "partnerships"),
                ("title", "Partners at one table"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let edit_milestone = format!("{base}/milestones/{milestone}/edit");
    let bad = lead
        .submit(&edit_milestone, &edit_milestone, &[("target_on", "soon")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"edit-target_on-error\""));
    let saved = lead
        .submit(
            &edit_milestone,
            &edit_milestone,
            &[("target_on", next_month.as_str()), ("reached_on", "")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let (_, plan) = call(app, lead_token, "GET", api, None).await;
    let g = &plan["goals"][0];
    assert_eq!(g["title"], "Partners at one table");
    assert_eq!(
        g["steps"][1]["text"],
        "Draft the charter with legal counsel"
    );
    assert_eq!(g["steps"][1]["owner_name"], "Test coach");
    assert_eq!(g["steps"][1]["due_on"], next_month.as_str());
    assert_eq!(g["milestones"][0]["reached_on"], Value::Null);
    assert_audited(
        app,
        &[
            "change_plan_goal",
            "change_plan_milestone",
            "change_plan_step",
        ],
    )
    .await;
    w.app.stop().await;
}

/// A goal removed by the coach (not a member) takes its evidence with it;
/// the lead removes a step.
async fn a_goal_goes_with_its_evidence_and_a_step_can_be_removed(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        lead,
        jo_token,
        coach_token,
        base,
        api,
        ..
    } = &w;
    let (_, goal2, _, ids) = a_plan_under_way(&w).await;
    assert_eq!(stored_files(app), 2);
    assert_eq!(
        call(
            app,
            jo_token,
            "DELETE",
            &format!("{api}/goals/{goal2}"),
            None
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(
            app,
            coach_token,
            "DELETE",
            &format!("{api}/goals/{goal2}"),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(stored_files(app), 1, "the goal's evidence goes with it");
    assert_eq!(count(app, "plan_goals").await, 1);
    let removed = lead
        .submit(base, &format!("{base}/steps/{}/delete", ids[3]), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(count(app, "plan_steps").await, 3);
    assert_audited(app, &["remove_plan_goal", "remove_plan_step"]).await;
    w.app.stop().await;
}

async fn the_demo_year_has_plans_in_progress(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let db = &app.state.db.pool;
    // The 2016 program's (the demo's current program has plans too).
    let program: i64 = sqlx::query_scalar("SELECT id FROM programs WHERE slug = 'acp-2016'")
        .fetch_one(db)
        .await
        .unwrap();
    const IN_2016: &str =
        "SELECT g.id FROM plan_goals g JOIN plans p ON p.id = g.plan_id WHERE p.program_id = $1";
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT state_code FROM plans WHERE program_id = $1 ORDER BY state_code",
    )
    .bind(program)
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(states, ["CO", "KS", "MA", "MN", "OR"]);
    let per_plan: Vec<i64> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM plan_goals g JOIN plans p ON p.id = g.plan_id WHERE p.program_id = $1 GROUP BY g.plan_id",
    )
    .bind(program)
    .fetch_all(db)
        .await
        .unwrap();
    assert!(per_plan.iter().all(|n| (2..=4).contains(n)), "{per_plan:?}");
    let per_goal: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM plan_steps WHERE goal_id IN ({IN_2016}) GROUP BY goal_id"
    )))
    .bind(program)
    .fetch_all(db)
    .await
    .unwrap();
    assert!(per_goal.iter().all(|n| (3..=6).contains(n)), "{per_goal:?}");
    let statuses: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT status FROM plan_steps WHERE goal_id IN ({IN_2016}) ORDER BY status"
    )))
    .bind(program)
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(statuses, ["blocked", "done", "in_progress", "not_started"]);
    let (first, last): (String, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT MIN(written_on), MAX(written_on) FROM plan_updates WHERE goal_id IN ({IN_2016})"
    )))
    .bind(program)
    .fetch_one(db)
    .await
    .unwrap();
    assert!(
        first.as_str() >= "2016-11-01" && last.as_str() <= "2017-07-31",
        "{first} {last}"
    );
    let reached: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM plan_milestones WHERE reached_on IS NOT NULL AND goal_id IN ({IN_2016})"
        )))
        .bind(program)
            .fetch_one(db)
            .await
            .unwrap();
    assert!(reached > 0);
    // The coach reads Colorado's plan, its timeline and an evidence file.
    let coach = sign_ins
        .iter()
        .find(|s| s.email == "coach@demo.waymark.test")
        .unwrap();
    let b = app.browser();
    b.sign_in(&coach.email, &coach.password).await;
    let base = "/programs/acp-2016/plans/CO";
    let page = b.get(base).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Goal 1: "));
    assert!(page.body.contains("(overdue)"));
    assert!(
        page.body
            .contains("Evidence: <a href=\"/programs/acp-2016/plans/CO/evidence/")
    );
    let timeline = b.get(&format!("{base}/timeline")).await;
    assert!(timeline.body.contains("March 2017"));
    let file: i64 = sqlx::query_scalar(
        "SELECT MIN(e.id) FROM plan_evidence e JOIN plan_updates u ON u.id = e.update_id
         JOIN plan_goals g ON g.id = u.goal_id JOIN plans p ON p.id = g.plan_id WHERE p.state_code = 'CO'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let (status, headers, bytes) = fetch(&app, Ok(&b), &format!("{base}/evidence/{file}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    // The home page leads the coach to the plan.
    assert!(b.get("/").await.body.contains("CO&#39;s action plan in"));
    app.stop().await;
}
