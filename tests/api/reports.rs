//! Participation, the program dashboard, the cohort's priorities and the
//! reports, through the pages and the API, on a 2016 program year whose
//! activities, plans and snapshots are written straight into the tables.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use jiff::civil::date;
use serde_json::Value;

use crate::applications::future_program;
use crate::assessment::{member, team};
use crate::both_backends;
use crate::helpers::{
    ActivityFixture, Backend, Browser, MilestoneFixture, SnapshotFixture, StepFixture, TestApp,
    call,
};

both_backends!(
    participation_counts_each_commitment_month_by_month,
    the_participation_page_shows_the_year_to_its_readers_only,
    the_dashboard_puts_the_states_needing_attention_first_with_their_reasons,
    the_dashboard_page_shows_each_states_reasons_stage_scores_plan_and_months,
    a_webinar_on_a_top_priority_is_one_click_away_and_saved_only_when_submitted,
    a_coach_sees_only_the_states_they_coach_and_a_state_no_dashboard,
    the_cohorts_priorities_name_the_states_that_share_them,
    the_state_report_tells_the_states_year,
    reports_are_refused_outside_the_state_and_a_state_without_a_team_has_none,
    the_program_report_shows_each_state_its_reader_may_see,
    the_state_spreadsheet_has_a_sheet_for_each_part_of_the_report,
    the_program_spreadsheet_ranks_the_states_and_keeps_formulas_as_text,
    the_api_gives_the_reports_and_their_spreadsheets_to_a_token,
    home_leads_overseers_and_leads_to_their_reports,
);
both_backends!(a_new_snapshot_shows_at_once_though_snapshots_are_kept_in_memory);

const SLUG: &str = "acp";
const NY: &str = "America/New_York";

/// Unix milliseconds of a wall-clock time in New York.
fn at(y: i16, m: i8, d: i8, h: i8, mi: i8) -> i64 {
    date(y, m, d)
        .at(h, mi, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get(NY).unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

/// An activity for these (state, attended) pairs; returns its id.
async fn activity(
    app: &TestApp,
    program_id: i64,
    kind: &str,
    title: &str,
    starts: i64,
    status: &str,
    states: &[(&str, Option<i64>)],
) -> i64 {
    app.in_program(program_id)
        .activity(ActivityFixture {
            kind,
            title,
            starts_at: starts,
            status,
            created_by: None,
            states,
        })
        .await
}

/// A frozen snapshot written straight into the tables: each indicator at
/// the phase `level` gives for its element number, with high priority.
async fn snapshot(
    app: &TestApp,
    program: &waymark::program::store::Program,
    code: &str,
    kind: &str,
    taken_at: i64,
    level: impl Fn(i64) -> i64,
) {
    let instrument =
        waymark::assessment::service::instrument(&app.state, &app.state.frameworks, program)
            .await
            .unwrap();
    let db = &app.state.db.pool;
    let round: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assessment_rounds WHERE program_id = $1 AND state_code = $2",
    )
    .bind(program.id)
    .bind(code)
    .fetch_one(db)
    .await
    .unwrap();
    let round_id = app
        .in_program(program.id)
        .round(code, round + 1, Some(taken_at))
        .await;
    let levels: Vec<(i64, i64)> = instrument
        .indicators
        .iter()
        .map(|i| (i.id, level(i.element_number)))
        .collect();
    let frozen = SnapshotFixture {
        code,
        round_id,
        kind,
        taken_at,
        levels: &levels,
    };
    app.in_program(program.id).snapshot(frozen).await;
}

/// A plan with one goal and its steps: (text, due on, status).
async fn plan(
    app: &TestApp,
    program_id: i64,
    code: &str,
    goal: &str,
    element: &str,
    steps: &[(&str, &str, &str)],
) {
    let fixture = app.in_program(program_id);
    let plan_id = fixture.plan(code).await;
    let goal_id = fixture.goal(plan_id, goal, element).await;
    for (text, due_on, status) in steps {
        let step = StepFixture {
            text,
            owner: None,
            due_on,
            status,
        };
        fixture.step(goal_id, step).await;
    }
    let reached = MilestoneFixture {
        strategy_key: "m1",
        text: "A milestone",
        target_on: "2017-05-01",
        reached_on: Some("2017-04-20"),
    };
    fixture.milestone(goal_id, reached).await;
}

/// A download through the signed-in browser's cookies: (status, content type, bytes).
async fn download(b: &Browser, path: &str) -> (u16, String, Vec<u8>) {
    let (status, headers, bytes) = b.download(path).await;
    let kind = headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, bytes)
}

fn cell(rows: &calamine::Range<Data>, r: usize, c: usize) -> String {
    match rows.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        Some(Data::Empty) | None => String::new(),
        other => format!("{other:?}"),
    }
}

fn sheet_rows(rows: &calamine::Range<Data>) -> Vec<Vec<String>> {
    (0..rows.height())
        .map(|r| (0..rows.width()).map(|c| cell(rows, r, c)).collect())
        .collect()
}

/// The statuses of one state's commitment, month by month, from the API's answer.
fn statuses(p: &Value, code: &str, key: &str) -> Vec<String> {
    let s = p["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state_code"] == code)
        .unwrap();
    s["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let c = m["commitments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["key"] == key)
                .unwrap();
            format!("{}:{}", c["held"], c["status"].as_str().unwrap_or("none"))
        })
        .collect()
}

/// The dashboard's row of one state, as the words a person sees (tags
/// dropped, spaces collapsed; what is hidden from sight but read to screen
/// readers stays).
fn dashboard_row(body: &str, state: &str) -> String {
    let start = body
        .find(&format!(">{state}</a></th>"))
        .unwrap_or_else(|| panic!("no row for {state}"));
    let end = start + body[start..].find("</tr>").unwrap();
    words(&body[start + 1..end])
}

fn words(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The raw HTML of one state's dashboard row.
fn dashboard_row_html<'a>(body: &'a str, state: &str) -> &'a str {
    let start = body.find(&format!(">{state}</a></th>")).unwrap();
    let end = start + body[start..].find("</tr>").unwrap();
    &body[start..end]
}

/// The 2016 program year (the template's dates moved from 2099): CO, KS
/// and MA in the cohort; CO's lead, a KS member and CO's coach, the
/// federal officer and the admin, each signed in and with a token.
struct Year {
    app: TestApp,
    co_lead: Browser,
    co_token: String,
    ks_token: String,
    coach: Browser,
    coach_token: String,
    federal: Browser,
    fed_token: String,
    admin: Browser,
    admin_token: String,
    /// The first element's name.
    e1: String,
}

/// The program year and its people, with nothing done yet.
async fn cohort(backend: Backend) -> Year {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    let db = &app.state.db.pool;
    // The 2016 program year: the template's dates moved from 2099 to 2016.
    sqlx::query("UPDATE programs SET start_year = 2016 WHERE id = $1")
        .bind(program_id)
        .execute(db)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE program_milestones SET starts_on = REPLACE(starts_on, '2099', '2016'),
           ends_on = REPLACE(REPLACE(ends_on, '2100', '2017'), '2099', '2016') WHERE program_id = $1",
    )
    .bind(program_id)
    .execute(db)
    .await
    .unwrap();
    let program = waymark::program::store::find_by_slug(db, SLUG)
        .await
        .unwrap()
        .unwrap();
    for code in ["CO", "KS", "MA"] {
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
    let (_, _ks_member, ks_token) = member(
        &app,
        program_id,
        "member@ks.gov",
        "state_member",
        "KS",
        "secondary_cte",
    )
    .await;
    let (_, coach, coach_token) = member(&app, program_id, "coach@ta.org", "coach", "CO", "").await;
    let (fed_id, fed_pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    let federal = app.browser();
    federal.sign_in("officer@ed.gov", &fed_pw).await;
    let fed_token = app.token_for(fed_id, "officer@ed.gov").await;
    let (admin_id, admin_pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &admin_pw).await;
    let admin_token = app.token_for(admin_id, "admin@ta.org").await;
    let instrument =
        waymark::assessment::service::instrument(&app.state, &app.state.frameworks, &program)
            .await
            .unwrap();
    let e1 = instrument.indicators[0].element_name.clone();
    Year {
        app,
        co_lead,
        co_token,
        ks_token,
        coach,
        coach_token,
        federal,
        fed_token,
        admin,
        admin_token,
        e1,
    }
}

/// The year as it was lived: Colorado missed some coaching calls, Kansas
/// a webinar and every snapshot, Massachusetts is on track; snapshots and
/// plans as the comments say.
async fn year(backend: Backend) -> Year {
    let year = cohort(backend).await;
    let app = &year.app;
    let program = waymark::program::store::find_by_slug(&app.state.db.pool, SLUG)
        .await
        .unwrap()
        .unwrap();
    the_years_activities(app, program.id).await;
    the_years_snapshots_and_plans(app, &program).await;
    year
}

/// The year's activities, month by month, and one far ahead.
async fn the_years_activities(app: &TestApp, program_id: i64) {
    let months: [(i16, i8); 11] = [
        (2016, 10),
        (2016, 11),
        (2016, 12),
        (2017, 1),
        (2017, 2),
        (2017, 3),
        (2017, 4),
        (2017, 5),
        (2017, 6),
        (2017, 7),
        (2017, 8),
    ];
    for (y, m) in months {
        // Colorado: a call every month but November (cancelled), January
        // (at 11:30 pm Eastern on the 31st, February 1 in UTC) and
        // February (none).
        match (y, m) {
            (2016, 11) => {
                activity(
                    app,
                    program_id,
                    "coaching_call",
                    "CO call",
                    at(y, m, 12, 14, 0),
                    "cancelled",
                    &[("CO", None)],
                )
                .await;
            }
            (2017, 1) => {
                activity(
                    app,
                    program_id,
                    "coaching_call",
                    "CO late call",
                    at(2017, 1, 31, 23, 30),
                    "held",
                    &[("CO", Some(1))],
                )
                .await;
            }
            (2017, 2) => {}
            _ => {
                activity(
                    app,
                    program_id,
                    "coaching_call",
                    "CO call",
                    at(y, m, 12, 14, 0),
                    "held",
                    &[("CO", Some(1))],
                )
                .await;
            }
        }
        activity(
            app,
            program_id,
            "planning_session",
            "CO planning",
            at(y, m, 20, 10, 0),
            "held",
            &[("CO", None)],
        )
        .await;
        activity(
            app,
            program_id,
            "coaching_call",
            "MA call",
            at(y, m, 13, 14, 0),
            "held",
            &[("MA", Some(1))],
        )
        .await;
        activity(
            app,
            program_id,
            "planning_session",
            "MA planning",
            at(y, m, 21, 10, 0),
            "held",
            &[("MA", None)],
        )
        .await;
    }
    for (m, y) in [(11, 2016), (2, 2017), (5, 2017), (8, 2017)] {
        // Kansas did not attend the February webinar.
        let ks = if m == 2 { Some(0) } else { Some(1) };
        activity(
            app,
            program_id,
            "webinar",
            "Quarterly webinar",
            at(y, m, 3, 13, 0),
            "held",
            &[("CO", Some(1)), ("KS", ks), ("MA", Some(1))],
        )
        .await;
    }
    for (y, m) in [(2016, 12), (2017, 5)] {
        activity(
            app,
            program_id,
            "site_visit",
            "Site visit",
            at(y, m, 8, 9, 0),
            "held",
            &[("CO", Some(1))],
        )
        .await;
        activity(
            app,
            program_id,
            "site_visit",
            "Site visit",
            at(y, m, 9, 9, 0),
            "held",
            &[("MA", Some(1))],
        )
        .await;
    }
    for (y, m) in [(2016, 12), (2017, 3), (2017, 6)] {
        activity(
            app,
            program_id,
            "peer_session",
            "Peer session",
            at(y, m, 15, 11, 0),
            "held",
            &[("CO", None), ("MA", None)],
        )
        .await;
    }
    // Something scheduled far ahead: the next activity.
    activity(
        app,
        program_id,
        "coaching_call",
        "Follow-up call",
        at(2099, 1, 5, 14, 0),
        "scheduled",
        &[("CO", None)],
    )
    .await;
}

/// Snapshots: Colorado baseline and mid-year, Massachusetts all three,
/// Kansas none. Plans: Colorado three steps overdue, Massachusetts all done.
async fn the_years_snapshots_and_plans(app: &TestApp, program: &waymark::program::store::Program) {
    let program_id = program.id;
    // Snapshots: Colorado baseline and mid-year, Massachusetts all three, Kansas none.
    let weak = |e: i64| match e {
        1 | 2 => 1,
        3 => 2,
        _ => 4,
    };
    snapshot(
        app,
        program,
        "CO",
        "baseline",
        at(2016, 10, 20, 12, 0),
        weak,
    )
    .await;
    snapshot(
        app,
        program,
        "CO",
        "mid_year",
        at(2017, 3, 10, 12, 0),
        |e| if e == 1 { 3 } else { weak(e) },
    )
    .await;
    for (kind, when) in [
        ("baseline", at(2016, 10, 21, 12, 0)),
        ("mid_year", at(2017, 3, 11, 12, 0)),
        ("final", at(2017, 8, 20, 12, 0)),
    ] {
        snapshot(app, program, "MA", kind, when, weak).await;
    }
    let instrument =
        waymark::assessment::service::instrument(&app.state, &app.state.frameworks, program)
            .await
            .unwrap();
    let e1_key = instrument.indicators[0].element_key.clone();
    // Plans: Colorado three steps overdue, Massachusetts all done.
    plan(
        app,
        program_id,
        "CO",
        "Employers shape every pathway",
        &e1_key,
        &[
            ("Map regional employers", "2016-12-01", "done"),
            ("Convene sector partnerships", "2017-03-01", "not_started"),
            ("Agree on credentials", "2017-04-01", "in_progress"),
            ("Publish pathway maps", "2017-05-01", "blocked"),
        ],
    )
    .await;
    plan(
        app,
        program_id,
        "MA",
        "=HYPERLINK(\"http://example.test\")",
        &e1_key,
        &[
            ("Hold the summit", "2017-01-10", "done"),
            ("Write the report", "2017-02-10", "done"),
        ],
    )
    .await;
}

/// The dashboard as the API gives it to this token.
async fn dashboard(app: &TestApp, token: &str) -> Value {
    let path = format!("/api/v1/programs/{SLUG}/dashboard");
    let (status, d) = call(app, token, "GET", &path, None).await;
    assert_eq!(status, 200, "{d}");
    d
}

/// Participation through the API: each commitment's status month by month
/// (a call late on a month's last day counts in that month) and the totals.
async fn participation_counts_each_commitment_month_by_month(backend: Backend) {
    let Year {
        app, admin_token, ..
    } = year(backend).await;
    let (status, p) = call(
        &app,
        &admin_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/participation"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["months"][0], "2016-10");
    assert_eq!(p["months"][10], "2017-08");
    let co_calls = statuses(&p, "CO", "coaching_call");
    assert_eq!(co_calls[1], "0:missed", "November's call was cancelled");
    assert_eq!(
        co_calls[3], "1:on_track",
        "11:30 pm on January 31 counts in January"
    );
    assert_eq!(co_calls[4], "0:missed", "and not in February");
    assert_eq!(co_calls[0], "1:on_track");
    assert_eq!(co_calls[10], "1:on_track");
    let ks_webinars = statuses(&p, "KS", "webinar");
    assert_eq!(
        ks_webinars[4], "0:missed",
        "Kansas did not attend February's webinar"
    );
    assert_eq!(ks_webinars[3], "0:missed", "the whole quarter is missed");
    assert_eq!(ks_webinars[1], "1:on_track");
    assert_eq!(
        ks_webinars[0], "0:on_track",
        "a met quarter's months are on track"
    );
    let co_visits = statuses(&p, "CO", "site_visit");
    assert_eq!(co_visits[2], "1:on_track");
    assert_eq!(co_visits[10], "0:none", "outside the site visits' period");
    let co = p["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state_code"] == "CO")
        .unwrap();
    assert_eq!(co["missed"][0], "2 coaching calls missed");
    let totals: Vec<&str> = co["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        totals,
        [
            "coaching calls held: 9 of 11",
            "site visits held: 2 of 2",
            "webinars attended: 4 (asked: one in each of 4 quarters)",
            "planning sessions held: 11 of 11",
            "peer sessions held: 3",
        ]
    );
    app.stop().await;
}

/// The participation page says each month in words; the coach reads it,
/// a state's lead does not.
async fn the_participation_page_shows_the_year_to_its_readers_only(backend: Backend) {
    let Year {
        app,
        admin,
        coach,
        co_lead,
        ..
    } = year(backend).await;
    let page = admin.get(&format!("/programs/{SLUG}/participation")).await;
    assert_eq!(page.status, 200);
    for text in [
        "<strong>Missed</strong><br>1 webinar, 1 planning session<br>Missed: coaching call",
        "<strong>On track</strong><br>1 coaching call, 1 planning session",
        "coaching calls held: 9 of 11; site visits held: 2 of 2",
        "webinars attended: 3 (asked: one in each of 4 quarters)",
        "On track</dt>",
        "11 coaching calls missed",
    ] {
        assert!(
            page.body.contains(text),
            "participation page lacks {text:?}"
        );
    }
    assert_eq!(
        coach
            .get(&format!("/programs/{SLUG}/participation"))
            .await
            .status,
        200
    );
    assert_eq!(
        co_lead
            .get(&format!("/programs/{SLUG}/participation"))
            .await
            .status,
        403
    );
    app.stop().await;
}

/// The dashboard through the API: the states needing attention first, the
/// worst first, each with its reasons, stage, plan, months and scores.
async fn the_dashboard_puts_the_states_needing_attention_first_with_their_reasons(
    backend: Backend,
) {
    let Year { app, fed_token, .. } = year(backend).await;
    let (status, d) = call(
        &app,
        &fed_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/dashboard"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let order: Vec<&str> = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state_code"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["KS", "CO", "MA"],
        "states needing attention first, the worst first"
    );
    let co = &d["rows"][1];
    assert_eq!(co["stage"], "mid_year");
    assert_eq!(
        co["reasons"],
        serde_json::json!([
            "3 plan steps overdue",
            "2 coaching calls missed",
            "no final snapshot"
        ])
    );
    assert_eq!(co["plan"]["steps"], 4);
    assert_eq!(co["plan"]["done"], 1);
    assert_eq!(co["plan"]["overdue"], 3);
    assert_eq!(co["next_activity"]["title"], "Follow-up call");
    // Each month of the TA year with the participation page's status.
    assert_eq!(co["months"].as_array().unwrap().len(), 11);
    assert_eq!(co["months"][1]["month"], "2016-11");
    assert_eq!(co["months"][1]["status"], "missed");
    assert_eq!(co["months"][1]["current"], false, "the year has ended");
    assert!(
        co["elements"][0]["score"].as_f64().unwrap() > 60.0,
        "element 1 at phase 3 in the mid-year"
    );
    let ks = &d["rows"][0];
    assert_eq!(ks["stage"], "not_started");
    let ks_reasons: Vec<&str> = ks["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for r in [
        "11 coaching calls missed",
        "2 site visits short",
        "1 webinar missed",
        "no baseline snapshot",
        "no mid-year snapshot",
        "no final snapshot",
    ] {
        assert!(ks_reasons.contains(&r), "{r} in {ks_reasons:?}");
    }
    assert_eq!(
        d["rows"][2]["reasons"],
        serde_json::json!([]),
        "Massachusetts is on track"
    );
    assert_eq!(d["rows"][2]["stage"], "final");
    // The cohort's priorities: elements 1 to 3 for both states with a snapshot.
    assert_eq!(d["topics"][0]["count"], 2);
    assert_eq!(d["topics"][0]["of"], 2);

    app.stop().await;
}

/// The dashboard page: each state's row in words and bars, the states
/// needing attention first.
async fn the_dashboard_page_shows_each_states_reasons_stage_scores_plan_and_months(
    backend: Backend,
) {
    let Year {
        app,
        fed_token,
        federal,
        e1,
        ..
    } = year(backend).await;
    let d = dashboard(&app, &fed_token).await;
    let page = federal.get(&format!("/programs/{SLUG}/dashboard")).await;
    assert_eq!(page.status, 200);
    let ks_at = page.body.find(">Kansas</a>").unwrap();
    let co_at = page.body.find(">Colorado</a>").unwrap();
    let ma_at = page.body.find(">Massachusetts</a>").unwrap();
    assert!(
        ks_at < co_at && co_at < ma_at,
        "the page lists states needing attention first"
    );
    // Colorado: its reasons behind a short summary, opened on demand.
    let co_row = dashboard_row(&page.body, "Colorado");
    let co_html = dashboard_row_html(&page.body, "Colorado");
    assert!(
        co_html.contains(r#"<details class="waymark-attention">"#)
            && co_html.contains("<summary>Needs attention: 3 reasons</summary>")
            && co_html.contains(
                "<ul><li>3 plan steps overdue</li><li>2 coaching calls missed</li><li>no final snapshot</li></ul>"
            ),
        "{co_html}"
    );
    assert!(
        co_row.contains("Needs attention: 3 reasons 3 plan steps overdue 2 coaching calls missed no final snapshot"),
        "{co_row}"
    );
    // The stage in words, with its three snapshot steps (two taken).
    assert!(co_row.contains("Mid-year frozen"), "{co_row}");
    assert_eq!(
        co_html.matches("waymark-step waymark-step--done").count(),
        2
    );
    // Element scores as bars with their numbers: element 1 at phase 3 of 4
    // (67), element 2 at phase 1 (0), element 4 at phase 4 (100).
    let e1_short = &d["elements"][0]["short_name"];
    assert_eq!(e1_short, "Partnerships");
    assert!(
        co_row.contains(&format!("1 Partnerships 1. {e1}: 67")),
        "{co_row}"
    );
    assert!(co_row.contains("2 Sectors and employers"), "{co_row}");
    assert!(
        co_html.contains(r#"<rect class="waymark-bar-score" x="0" y="0" width="67" height="10"/></svg><span class="waymark-bar-value">67</span>"#),
        "{co_html}"
    );
    assert!(
        co_html
            .contains(r#"width="0" height="10"/></svg><span class="waymark-bar-value">0</span>"#)
    );
    assert!(
        co_html.contains(
            r#"width="100" height="10"/></svg><span class="waymark-bar-value">100</span>"#
        )
    );
    // The plan as a bar, done then overdue after a gap, with its words.
    assert!(co_row.contains("1 of 4 done, 3 overdue"), "{co_row}");
    assert!(
        co_html.contains(r#"<rect class="waymark-bar-done" x="0" y="0" width="25" height="10"/><rect class="waymark-bar-overdue" x="27" y="0" width="73" height="10"/>"#),
        "{co_html}"
    );
    // The month strip: each month's mark and, for screen readers, its words.
    assert!(co_row.contains("November 2016: Missed"), "{co_row}");
    assert!(co_row.contains("February 2017: Missed"), "{co_row}");
    assert!(co_row.contains("October 2016: On track"), "{co_row}");
    assert_eq!(co_html.matches("waymark-mark--missed").count(), 2);
    assert!(
        !co_row.contains("This month:") && !co_row.contains("(this month)"),
        "no current month once the year has ended: {co_row}"
    );
    assert!(co_row.contains("Follow-up call"), "{co_row}");
    // Kansas: no snapshot, no plan.
    let ks_row = dashboard_row(&page.body, "Kansas");
    let ks_count = d["rows"][0]["reasons"].as_array().unwrap().len();
    assert!(ks_count > 3);
    assert!(
        ks_row.contains(&format!("Needs attention: {ks_count} reasons")),
        "{ks_row}"
    );
    assert!(ks_row.contains("Not started"), "{ks_row}");
    assert!(ks_row.contains("No plan steps yet"), "{ks_row}");
    assert!(ks_row.contains("February 2017: Missed"), "{ks_row}");
    // Massachusetts: nothing pressing, every month on track.
    let ma_row = dashboard_row(&page.body, "Massachusetts");
    assert!(ma_row.contains("Nothing pressing"), "{ma_row}");
    assert!(!ma_row.contains("<details"), "{ma_row}");
    assert!(ma_row.contains("2 of 2 done, none overdue"), "{ma_row}");
    for m in ["October 2016", "February 2017", "August 2017"] {
        assert!(ma_row.contains(&format!("{m}: On track")), "{m}: {ma_row}");
    }
    assert!(!ma_row.contains("Missed"), "{ma_row}");
    assert!(
        page.body
            .contains("Participation, October 2016 to August 2017")
    );
    assert!(page.body.contains("Suggested webinar topics"));
    assert!(
        !page.body.contains("Schedule a webinar on"),
        "the federal officer does not schedule"
    );
    app.stop().await;
}

/// The admin schedules webinars: each suggested topic links to the form,
/// filled in; nothing is saved until it is submitted.
async fn a_webinar_on_a_top_priority_is_one_click_away_and_saved_only_when_submitted(
    backend: Backend,
) {
    let Year {
        app,
        fed_token,
        admin,
        ..
    } = year(backend).await;
    let activities_before = app.count("activities").await;
    let d = dashboard(&app, &fed_token).await;
    // The admin schedules webinars: each topic links to the form, filled in.
    let page = admin.get(&format!("/programs/{SLUG}/dashboard")).await;
    let topic = d["topics"][0]["element_name"].as_str().unwrap().to_owned();
    let link_text = format!("Schedule a webinar on {topic}");
    assert!(page.body.contains(&link_text), "{link_text}");
    let form = admin
        .get(&format!(
            "/programs/{SLUG}/activities/new?{}",
            serde_urlencoded::to_string([
                ("kind", "webinar"),
                ("title", &format!("Webinar: {topic}"))
            ])
            .unwrap()
        ))
        .await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains(r#"value="webinar" checked"#),
        "the kind is chosen"
    );
    assert!(
        form.body.contains(&format!(r#"value="Webinar: {topic}""#)),
        "the title is filled in"
    );
    assert_eq!(
        app.count("activities").await,
        activities_before,
        "nothing is saved until submitted"
    );
    app.stop().await;
}

/// A coach's dashboard has only the states they coach; a state's lead has none.
async fn a_coach_sees_only_the_states_they_coach_and_a_state_no_dashboard(backend: Backend) {
    let Year {
        app,
        coach_token,
        coach,
        co_token,
        ..
    } = year(backend).await;
    let (status, d) = call(
        &app,
        &coach_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/dashboard"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let order: Vec<&str> = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state_code"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["CO"]);
    let page = coach.get(&format!("/programs/{SLUG}/dashboard")).await;
    assert!(page.body.contains(">Colorado</a>") && !page.body.contains("Kansas"));
    let (status, _) = call(
        &app,
        &co_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/dashboard"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    app.stop().await;
}

/// The cohort's priorities: the element most states put first, with the states.
async fn the_cohorts_priorities_name_the_states_that_share_them(backend: Backend) {
    let Year {
        app,
        admin_token,
        e1,
        ..
    } = year(backend).await;
    let (status, pr) = call(
        &app,
        &admin_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/priorities"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        pr["topics"][0]["text"],
        format!("{e1}: a top priority for 2 of 2 states")
    );
    assert_eq!(pr["topics"][0]["states"], serde_json::json!(["CO", "MA"]));
    assert!(pr["strategy_topics"].as_array().unwrap().len() >= 3);
    app.stop().await;
}

/// The state report, on the page and through the API: team, results,
/// priorities, plan, participation and the activities held.
async fn the_state_report_tells_the_states_year(backend: Backend) {
    let Year {
        app,
        co_lead,
        co_token,
        ..
    } = year(backend).await;
    let page = co_lead.get(&format!("/programs/{SLUG}/reports/CO")).await;
    assert_eq!(page.status, 200);
    for text in [
        "Team and coach",
        "Test coach",
        "Name of lead@co.gov",
        "Assessment results",
        "Mid-year frozen",
        "change since the baseline",
        "Priorities",
        "Action plan",
        "Employers shape every pathway",
        "1 of 4 steps done (25%), 3 overdue",
        "Convene sector partnerships",
        "1 of 1 milestones reached",
        "Participation",
        "coaching calls held: 9 of 11",
        "Activities held",
        "CO late call",
        "Jan 31, 2017",
        "report.xlsx",
    ] {
        assert!(page.body.contains(text), "state report lacks {text:?}");
    }
    assert!(
        page.body.contains("up "),
        "element 1 went up since the baseline"
    );
    assert!(
        !page.body.contains("Follow-up call"),
        "only activities held"
    );
    let (status, r) = call(
        &app,
        &co_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/reports/CO"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(r["elements"][0]["change"].as_f64().unwrap().round(), 67.0);
    assert_eq!(
        r["activities"].as_array().unwrap().len(),
        9 + 11 + 4 + 2 + 3
    );
    app.stop().await;
}

/// Other states' reports and the program report are refused to a state's
/// people, and another state's to its coach; a state without a team has no report.
async fn reports_are_refused_outside_the_state_and_a_state_without_a_team_has_none(
    backend: Backend,
) {
    let Year {
        app,
        co_lead,
        ks_token,
        coach,
        admin,
        ..
    } = cohort(backend).await;
    // Other states' reports and the program report are refused to a state's people.
    assert_eq!(
        co_lead
            .get(&format!("/programs/{SLUG}/reports/KS"))
            .await
            .status,
        403
    );
    assert_eq!(
        co_lead
            .get(&format!("/programs/{SLUG}/report"))
            .await
            .status,
        403
    );
    assert_eq!(
        download(&co_lead, &format!("/programs/{SLUG}/report.xlsx"))
            .await
            .0,
        403
    );
    assert_eq!(
        download(
            &co_lead,
            &format!("/programs/{SLUG}/reports/KS/report.xlsx")
        )
        .await
        .0,
        403
    );
    let (status, _) = call(
        &app,
        &ks_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/reports/CO"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        &ks_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/report"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        coach
            .get(&format!("/programs/{SLUG}/reports/KS"))
            .await
            .status,
        403
    );
    assert_eq!(
        coach
            .get(&format!("/programs/{SLUG}/reports/CO"))
            .await
            .status,
        200
    );
    // A state without a team has no report.
    assert_eq!(
        admin
            .get(&format!("/programs/{SLUG}/reports/WY"))
            .await
            .status,
        404
    );
    app.stop().await;
}

/// The program report: every state for the federal officer, only the
/// coached ones for a coach, and a print style sheet.
async fn the_program_report_shows_each_state_its_reader_may_see(backend: Backend) {
    let Year {
        app,
        federal,
        coach,
        ..
    } = year(backend).await;
    let page = federal.get(&format!("/programs/{SLUG}/report")).await;
    assert_eq!(page.status, 200);
    for text in [
        "Overview",
        "most common priorities",
        "Colorado",
        "Kansas",
        "Massachusetts",
        "waymark-report-state",
        "Activities held",
    ] {
        assert!(page.body.contains(text), "program report lacks {text:?}");
    }
    assert_eq!(
        page.body.matches("class=\"waymark-report-state\"").count(),
        3
    );
    assert!(page.body.contains("print.css\" media=\"print\""));
    let coach_report = coach.get(&format!("/programs/{SLUG}/report")).await;
    assert_eq!(coach_report.status, 200);
    assert_eq!(
        coach_report
            .body
            .matches("class=\"waymark-report-state\"")
            .count(),
        1
    );
    app.stop().await;
}

/// The state report as a spreadsheet, downloaded by the federal officer.
async fn the_state_spreadsheet_has_a_sheet_for_each_part_of_the_report(backend: Backend) {
    let Year {
        app, federal, e1, ..
    } = year(backend).await;
    let (status, kind, bytes) = download(
        &federal,
        &format!("/programs/{SLUG}/reports/CO/report.xlsx"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Team and coach",
            "Assessment",
            "Priorities",
            "Action plan",
            "Participation",
            "Activities"
        ]
    );
    let summary = sheet_rows(&book.worksheet_range("Summary").unwrap());
    assert_eq!(summary[1], ["State", "Colorado"]);
    assert_eq!(
        summary[7][1],
        "3 plan steps overdue; 2 coaching calls missed; no final snapshot"
    );
    let assessment = sheet_rows(&book.worksheet_range("Assessment").unwrap());
    assert_eq!(
        assessment[0][..6],
        [
            "State",
            "Stage",
            "Element",
            "Baseline",
            "Latest",
            "Change since baseline"
        ]
    );
    assert_eq!(assessment[1][0], "Colorado");
    assert_eq!(assessment[1][2], format!("1. {e1}"));
    assert_eq!(
        (
            assessment[1][3].as_str(),
            assessment[1][4].as_str(),
            assessment[1][5].as_str()
        ),
        ("0", "67", "67")
    );
    let part = sheet_rows(&book.worksheet_range("Participation").unwrap());
    assert_eq!(part[0][..3], ["State", "Month", "Status"]);
    assert_eq!(part[0][3], "Coaching calls held");
    assert_eq!(part[4][..4], ["Colorado", "Jan 2017", "On track", "1"]);
    assert_eq!(part[5][..4], ["Colorado", "Feb 2017", "Missed", "0"]);
    let plan_rows = sheet_rows(&book.worksheet_range("Action plan").unwrap());
    assert_eq!(plan_rows.len(), 5, "a header and a row per step");
    assert_eq!(plan_rows[2][5], "Convene sector partnerships");
    assert_eq!(plan_rows[2][9], "Yes");
    let activities = sheet_rows(&book.worksheet_range("Activities").unwrap());
    assert_eq!(activities.len(), 1 + 29);
    app.stop().await;
}

/// The program report as a spreadsheet: the states needing attention first,
/// the cohort's priorities, and a goal written like a formula kept as text.
async fn the_program_spreadsheet_ranks_the_states_and_keeps_formulas_as_text(backend: Backend) {
    let Year {
        app, federal, e1, ..
    } = year(backend).await;
    let (status, _, bytes) = download(&federal, &format!("/programs/{SLUG}/report.xlsx")).await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Overview",
            "Cohort priorities",
            "Team and coach",
            "Assessment",
            "Priorities",
            "Action plan",
            "Participation",
            "Activities"
        ]
    );
    let overview = sheet_rows(&book.worksheet_range("Overview").unwrap());
    let states: Vec<&str> = overview[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(states, ["Kansas", "Colorado", "Massachusetts"]);
    assert_eq!(overview[3][1], "");
    let topics = sheet_rows(&book.worksheet_range("Cohort priorities").unwrap());
    assert_eq!(
        topics[1][0],
        format!("{e1}: a top priority for 2 of 2 states")
    );
    // A goal written like a formula stays text.
    let plan_rows = sheet_rows(&book.worksheet_range("Action plan").unwrap());
    let ma = plan_rows.iter().find(|r| r[0] == "Massachusetts").unwrap();
    assert_eq!(ma[1], "=HYPERLINK(\"http://example.test\")");
    let formulas = book.worksheet_formula("Action plan").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula in the sheet"
    );
    let part = sheet_rows(&book.worksheet_range("Participation").unwrap());
    assert!(
        part.iter()
            .any(|r| r[..3] == ["Kansas", "Feb 2017", "Missed"])
    );
    app.stop().await;
}

/// The API gives the same spreadsheets, and the program report, to a token.
async fn the_api_gives_the_reports_and_their_spreadsheets_to_a_token(backend: Backend) {
    let Year { app, fed_token, .. } = year(backend).await;
    // The API gives the same spreadsheets to a token.
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/programs/{SLUG}/report.xlsx", app.base))
        .bearer_auth(&fed_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/programs/{SLUG}/reports/CO/report.xlsx",
            app.base
        ))
        .bearer_auth(&fed_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (status, r) = call(
        &app,
        &fed_token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/report"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(r["states"].as_array().unwrap().len(), 3);
    app.stop().await;
}

/// The home page leads the overseers to the dashboard and participation,
/// and a state's lead to its report.
async fn home_leads_overseers_and_leads_to_their_reports(backend: Backend) {
    let Year {
        app,
        federal,
        co_lead,
        ..
    } = year(backend).await;
    let home = federal.get("/").await;
    assert!(home.body.contains(&format!("/programs/{SLUG}/dashboard")));
    assert!(
        home.body
            .contains(&format!("/programs/{SLUG}/participation"))
    );
    let home = co_lead.get("/").await;
    assert!(home.body.contains(&format!("/programs/{SLUG}/reports/CO")));
    assert!(!home.body.contains(&format!("/programs/{SLUG}/dashboard")));
    app.stop().await;
}

/// Snapshots' ratings are kept in memory once read (they never change); a
/// snapshot frozen afterwards still shows on the next request.
async fn a_new_snapshot_shows_at_once_though_snapshots_are_kept_in_memory(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    let program = waymark::program::store::find_by_slug(&app.state.db.pool, SLUG)
        .await
        .unwrap()
        .unwrap();
    team(&app, program_id, "CO").await;
    let (admin, _) = app.add_user("admin@ta.org", "admin", None, None).await;
    let token = app.token_for(admin, "admin@ta.org").await;
    let path = format!("/api/v1/programs/{SLUG}/dashboard");
    let score = |d: &Value| d["rows"][0]["elements"][0]["score"].as_f64();

    snapshot(&app, &program, "CO", "baseline", 1_000, |_| 1).await;
    let (status, d) = call(&app, &token, "GET", &path, None).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["rows"][0]["stage"], "baseline");
    let at_baseline = score(&d).expect("a score at the baseline");
    assert!(
        !app.state.frozen.is_empty(),
        "the baseline's ratings are kept"
    );

    snapshot(&app, &program, "CO", "mid_year", 2_000, |_| 4).await;
    let (_, d) = call(&app, &token, "GET", &path, None).await;
    assert_eq!(d["rows"][0]["stage"], "mid_year");
    let at_mid_year = score(&d).expect("a score at mid-year");
    assert!(
        at_mid_year > at_baseline,
        "the mid-year snapshot is read: {at_baseline} then {at_mid_year}"
    );
    assert_eq!(at_mid_year, 100.0, "every indicator at Sustainability");
    app.stop().await;
}

/// The text between `start` and the next `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("the page lacks {start:?}"));
    let rest = &body[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The text of the element with this id, tags dropped.
fn text_of_id(body: &str, id: &str) -> String {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element has the id {id:?}"));
    let open = body[..at].rfind('<').unwrap();
    let tag: String = body[open + 1..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let inner = &body[at..];
    let inner = &inner[inner.find('>').unwrap() + 1..];
    let inner = &inner[..inner.find(&format!("</{tag}>")).unwrap()];
    let mut out = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'").replace("&#x27;", "'")
}

/// The SVG chart whose title has this id: it is an image named by its
/// title and described by a text that is on the page.
fn chart<'a>(body: &'a str, title_id: &str, desc_id: &str) -> &'a str {
    let svg = between(
        body,
        &format!("role=\"img\" aria-labelledby=\"{title_id}\" aria-describedby=\"{desc_id}\""),
        "</svg>",
    );
    assert!(svg.contains(&format!("<title id=\"{title_id}\">")), "{svg}");
    svg
}

both_backends!(charts_name_the_elements_and_show_every_snapshot);

/// Issue 15, part 6: the radar names the elements by their short names,
/// and the results page and the state report chart each element's score
/// across the baseline and mid-year, with the chart in words and a table.
async fn charts_name_the_elements_and_show_every_snapshot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program_id = future_program(&app, SLUG).await;
    let program = waymark::program::store::find_by_slug(&app.state.db.pool, SLUG)
        .await
        .unwrap()
        .unwrap();
    team(&app, program_id, "CO").await;
    let (_, lead, token) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let results_path = format!("/programs/{SLUG}/assessment/CO/results");

    // Baseline: every element at Development (33) but Partnerships at
    // Initiation (0). Only one snapshot: the radar, no chart across.
    snapshot(&app, &program, "CO", "baseline", 1_000, |n| {
        if n == 1 { 1 } else { 2 }
    })
    .await;
    let page = lead.get(&results_path).await;
    assert_eq!(page.status, 200);
    let radar = chart(&page.body, "radar-title", "radar-desc");
    for name in [
        "Partnerships",
        "Sectors and",
        "employers",
        "Program",
        "design",
        "Policies and programs",
        "Funding",
        "Measurement",
    ] {
        assert!(
            radar.contains(&format!(">{name}</tspan>")),
            "the radar names {name:?}: {radar}"
        );
    }
    for n in 1..=6 {
        assert!(
            !radar.contains(&format!(">{n}</")),
            "the radar's axes are not numbered: {radar}"
        );
    }
    assert_eq!(
        text_of_id(&page.body, "radar-desc"),
        "Baseline scores out of 100: Partnerships 0, Sectors and employers 33, Program design 33, \
         Policies and programs 33, Funding 33, Measurement 33. Highest: Sectors and employers (33), \
         Program design (33), Policies and programs (33), Funding (33), Measurement (33); lowest: \
         Partnerships (0)."
    );
    assert!(!page.body.contains("Element scores across snapshots"));

    // Mid-year: Partnerships at Sustainability (100), Funding back to 0.
    snapshot(&app, &program, "CO", "mid_year", 2_000, |n| match n {
        1 => 4,
        5 => 1,
        _ => 2,
    })
    .await;
    let rose = "Partnerships rose from 0 at baseline to 100 at mid-year.";
    let fell = "Funding fell from 33 at baseline to 0 at mid-year.";
    let same = "Program design stayed at 33 from the baseline to mid-year.";
    let page = lead.get(&results_path).await;
    assert_eq!(page.status, 200);
    let radar = chart(&page.body, "radar-title", "radar-desc");
    assert!(radar.contains("class=\"waymark-radar-before\""), "{radar}");
    let key = between(&page.body, "aria-label=\"Key to the radar chart\"", "</ul>");
    assert!(
        key.contains("Mid-year snapshot (solid line, dots)"),
        "{key}"
    );
    assert!(
        key.contains("Baseline snapshot (dashed line, squares)"),
        "{key}"
    );
    assert!(
        text_of_id(&page.body, "radar-desc").ends_with(
            "Since the baseline snapshot (the dashed shape), 1 element rose, 1 fell and 4 stayed the same."
        ),
        "{}",
        text_of_id(&page.body, "radar-desc")
    );
    assert!(page.body.contains("Element scores across snapshots"));
    let bars = chart(&page.body, "results-trend-title", "results-trend-desc");
    assert!(
        bars.contains(">Bar chart of Colorado's element scores in each snapshot</title>")
            || bars
                .contains(">Bar chart of Colorado&#39;s element scores in each snapshot</title>")
            || bars
                .contains(">Bar chart of Colorado&#x27;s element scores in each snapshot</title>"),
        "{bars}"
    );
    for name in [
        "Partnerships",
        "Sectors and employers",
        "Funding",
        "Measurement",
    ] {
        assert!(bars.contains(&format!(">{name}</text>")), "{name}: {bars}");
    }
    // Twelve bars, the mid-year ones hatched; the values at their ends.
    assert_eq!(
        bars.matches("<rect class=\"waymark-trend-baseline\"")
            .count(),
        6
    );
    assert_eq!(
        bars.matches("<rect class=\"waymark-trend-mid-year\"")
            .count(),
        6
    );
    assert_eq!(
        bars.matches("fill=\"url(#results-trend-hatch)\"").count(),
        6
    );
    assert!(bars.contains(">100</text>"));
    let described = text_of_id(&page.body, "results-trend-desc");
    assert!(
        described.starts_with(
            "Scores out of 100, from the baseline to mid-year: 1 element rose, 1 fell and 4 stayed the same."
        ),
        "{described}"
    );
    for sentence in [rose, fell, same] {
        assert!(described.contains(sentence), "{sentence}: {described}");
    }
    let key = between(&page.body, "aria-label=\"Key to the bars\"", "</ul>");
    assert!(key.contains("Baseline (open bars)"), "{key}");
    assert!(key.contains("Mid-year (hatched bars)"), "{key}");
    let table = between(
        &page.body,
        "<details class=\"waymark-chart-data\">",
        "</details>",
    );
    assert!(
        table.contains("<th scope=\"col\">Change since the baseline</th>"),
        "{table}"
    );
    assert!(
        table.contains(
            "1. Build Cross-Agency Partnerships</th><td>0</td><td>100</td><td>up 100</td>"
        ),
        "{table}"
    );
    assert!(
        table.contains(
            "5. Identify Funding Needs and Strategies</th><td>33</td><td>0</td><td>down 33</td>"
        ),
        "{table}"
    );

    // The state report: the same chart, its words and its table in view.
    let page = lead.get(&format!("/programs/{SLUG}/reports/CO")).await;
    assert_eq!(page.status, 200);
    let bars = chart(&page.body, "CO-trend-title", "CO-trend-desc");
    assert!(bars.contains(">Sectors and employers</text>"), "{bars}");
    assert_eq!(bars.matches("fill=\"url(#CO-trend-hatch)\"").count(), 6);
    let described = text_of_id(&page.body, "CO-trend-desc");
    for sentence in [rose, fell, same] {
        assert!(described.contains(sentence), "{sentence}: {described}");
    }
    assert!(!page.body.contains("<details class=\"waymark-chart-data\">"));
    let table = between(&page.body, "id=\"CO-trend-table\"", "</table>");
    assert!(
        table.contains(
            "1. Build Cross-Agency Partnerships</th><td>0</td><td>100</td><td>up 100</td>"
        ),
        "{table}"
    );

    // The API gives each element's short name and its score in each snapshot.
    let (status, r) = call(
        &app,
        &token,
        "GET",
        &format!("/api/v1/programs/{SLUG}/reports/CO"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["snapshot_kinds"],
        serde_json::json!(["baseline", "mid_year"])
    );
    assert_eq!(r["elements"][0]["short_name"], "Partnerships");
    assert_eq!(
        r["elements"][0]["scores"],
        serde_json::json!([
            {"kind": "baseline", "score": 0.0},
            {"kind": "mid_year", "score": 100.0}
        ])
    );
    app.stop().await;
}
