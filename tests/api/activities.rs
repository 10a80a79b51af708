//! TA activities through the pages and the API: scheduling (refused next
//! to the field, nothing stored), who sees what, recording attendance,
//! notes and action items, an action item becoming a plan step, calendar
//! files and private feeds read by a real iCalendar parser (not our
//! writer), and reminders through a real SMTP server, each exactly once.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::assessment::{member, team};
use crate::both_backends;
use crate::helpers::{
    ActionItemFixture, Backend, Browser, SmtpSink, StepFixture, TestApp, call, unfold_qp,
};

both_backends!(
    scheduling_is_refused_next_to_the_field_and_stores_nothing,
    each_person_sees_their_own_activities,
    a_record_without_whether_it_was_held_changes_nothing_and_is_the_organizers,
    recording_a_call_keeps_its_notes_and_who_attended,
    a_future_activity_cannot_be_recorded_as_held,
    action_items_are_refused_next_to_the_field_then_added,
    an_action_item_becomes_a_step_of_a_goal_of_the_states_plan_once,
    an_action_item_is_done_then_open_again,
    calendar_files_and_private_feeds_parse,
    reminders_and_overdue_notes_arrive_exactly_once
);

const SLUG: &str = "acp";

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A person: (id, signed-in browser, API token).
struct P {
    id: i64,
    b: Browser,
    t: String,
}

/// A program with CO, KS and MN teams; a coach of CO and MN, another of
/// KS; CO's lead and a member; a KS member; an expert; the admin and the
/// federal officer.
struct World {
    app: TestApp,
    program_id: i64,
    admin: P,
    coach: P,
    ks_coach: P,
    co_lead: P,
    co_member: P,
    ks_member: P,
    sme: P,
    federal: P,
}

async fn plain(app: &TestApp, email: &str, role: &str) -> P {
    let (id, pw) = app.add_user(email, role, None, None).await;
    let b = app.browser();
    b.sign_in(email, &pw).await;
    let t = app.token_for(id, email).await;
    P { id, b, t }
}

async fn world(app: TestApp) -> World {
    let program_id = app.add_program(SLUG).await;
    for s in ["CO", "KS", "MN"] {
        team(&app, program_id, s).await;
    }
    let (id, b, t) = member(&app, program_id, "coach@ta.org", "coach", "CO", "").await;
    waymark::auth::store::add_grant(
        &app.state.db.pool,
        id,
        &waymark::auth::Grant {
            role: waymark::auth::Role::Coach,
            program_id: Some(program_id),
            state_code: Some("MN".into()),
        },
        1,
    )
    .await
    .unwrap();
    let coach = P { id, b, t };
    let (id, b, t) = member(&app, program_id, "walt@ta.org", "coach", "KS", "").await;
    let ks_coach = P { id, b, t };
    let (id, b, t) = member(
        &app,
        program_id,
        "lead@co.gov",
        "state_lead",
        "CO",
        "postsecondary_cte",
    )
    .await;
    let co_lead = P { id, b, t };
    let (id, b, t) = member(
        &app,
        program_id,
        "jo@co.gov",
        "state_member",
        "CO",
        "secondary_cte",
    )
    .await;
    let co_member = P { id, b, t };
    let (id, b, t) = member(
        &app,
        program_id,
        "kim@ks.gov",
        "state_member",
        "KS",
        "secondary_cte",
    )
    .await;
    let ks_member = P { id, b, t };
    let admin = plain(&app, "admin@ta.org", "admin").await;
    let sme = plain(&app, "priya@ta.org", "sme").await;
    let federal = plain(&app, "fed@ed.gov", "federal").await;
    World {
        app,
        program_id,
        admin,
        coach,
        ks_coach,
        co_lead,
        co_member,
        ks_member,
        sme,
        federal,
    }
}

fn coaching_call(state: &str, date: &str) -> Value {
    json!({"kind": "coaching_call", "states": [state], "date": date, "start_time": "14:00", "end_time": "15:00"})
}

async fn create(w: &World, who: &P, body: Value) -> i64 {
    let (status, v) = call(
        &w.app,
        &who.t,
        "POST",
        &format!("/api/v1/programs/{SLUG}/activities"),
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn scheduling_is_refused_next_to_the_field_and_stores_nothing(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let new = format!("/programs/{SLUG}/activities/new");
    let action = format!("/programs/{SLUG}/activities");

    // The form offers a coach their kinds, not the administrator's.
    let form = w.coach.b.get(&new).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"coaching_call\""));
    assert!(!form.body.contains("value=\"webinar\""));
    assert!(!form.body.contains("value=\"kickoff\""));
    assert_eq!(w.co_lead.b.get(&new).await.status, 403);
    assert!(w.admin.b.get(&new).await.body.contains("value=\"webinar\""));

    // A site visit without its place, ending before it starts: both
    // problems next to their fields, what was typed kept, nothing stored.
    let bad = w
        .coach
        .b
        .submit(
            &new,
            &action,
            &[
                ("kind", "site_visit"),
                ("states", "CO"),
                ("date", "2016-11-15"),
                ("start", "11:00"),
                ("end", "10:00"),
                ("days", "1"),
                ("agenda", "Meet the employers"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"place-error\""));
    assert!(
        bad.body
            .contains("Enter the place the state chose for the visit.")
    );
    assert!(bad.body.contains("id=\"end-error\""));
    assert!(bad.body.contains("The end must be after the start."));
    assert!(
        bad.body.contains("Meet the employers"),
        "the agenda typed is kept"
    );
    assert_eq!(app.count("activities").await, 0);

    // Another coach's state, or a webinar: refused, nothing stored.
    let other = w
        .coach
        .b
        .submit(
            &new,
            &action,
            &[
                ("kind", "coaching_call"),
                ("states", "KS"),
                ("date", "2016-11-15"),
                ("start", "11:00"),
                ("end", "12:00"),
            ],
        )
        .await;
    assert_eq!(other.status, 403);
    assert!(other.body.contains("only for the states you coach"));
    let (status, _) = call(
        app,
        &w.coach.t,
        "POST",
        &action.replace("/programs", "/api/v1/programs"),
        Some(coaching_call("KS", "2016-11-15")),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(app, &w.coach.t, "POST", &format!("/api/v1/programs/{SLUG}/activities"), Some(json!({"kind": "webinar", "date": "2016-12-14", "start_time": "14:00", "end_time": "15:00"}))).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        app,
        &w.co_lead.t,
        "POST",
        &format!("/api/v1/programs/{SLUG}/activities"),
        Some(coaching_call("CO", "2016-11-15")),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("activities").await, 0);

    // The API names the fields.
    let api = format!("/api/v1/programs/{SLUG}/activities");
    let (status, v) = call(app, &w.coach.t, "POST", &api, Some(json!({"kind": "peer_session", "states": ["CO"], "date": "2017-02-03", "start_time": "25:00", "end_time": "14:00"}))).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(fields(&v), vec!["states", "start_time"]);
    let (status, v) = call(app, &w.coach.t, "POST", &api, Some(json!({"kind": "sme_consultation", "states": ["CO"], "date": "2017-01-24", "start_time": "15:00", "duration_minutes": 60}))).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["expert_id"]);
    let (status, v) = call(app, &w.coach.t, "POST", &api, Some(json!({"kind": "coaching_call", "states": ["WY"], "date": "2017-01-24", "start_time": "15:00", "end_time": "16:00"}))).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["states"]);
    assert_eq!(app.count("activities").await, 0);

    // Done right: by page, by API; a peer session may join another coach's state.
    let ok = w
        .coach
        .b
        .submit(
            &new,
            &action,
            &[
                ("kind", "coaching_call"),
                ("states", "CO"),
                ("date", "2016-10-11"),
                ("start", "14:00"),
                ("end", "15:00"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let location = ok.location.unwrap();
    assert!(location.contains("?done=scheduled"));
    let page = w.coach.b.get(&location).await;
    assert!(
        page.body.contains("Coaching call with CO")
            || page.body.contains("Coaching call with Colorado")
    );
    assert!(
        page.body
            .contains("Tuesday, October 11, 2016, 2 pm to 3 pm Eastern time"),
        "{}",
        page.body
    );
    create(&w, &w.coach, json!({"kind": "peer_session", "states": ["KS", "MN"], "date": "2017-02-03", "start_time": "13:00", "end_time": "14:30"})).await;
    // The administrator's webinar is for every state.
    let webinar = create(&w, &w.admin, json!({"kind": "webinar", "date": "2016-12-14", "start_time": "14:00", "end_time": "15:30"})).await;
    let (_, v) = call(app, &w.admin.t, "GET", &format!("{api}/{webinar}"), None).await;
    assert_eq!(v["states"].as_array().unwrap().len(), 3);
    assert_eq!(v["title"], "Webinar for all states");
    assert_eq!(
        v["starts_at"], 1_481_742_000_000i64,
        "2 pm EST is 19:00 UTC"
    );
    assert_eq!(app.count("activities").await, 3);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'schedule_activity'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(audited, 3);
}

async fn each_person_sees_their_own_activities(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let api = format!("/api/v1/programs/{SLUG}/activities");
    let consult = create(&w, &w.coach, json!({"kind": "sme_consultation", "states": ["CO"], "date": "2017-01-24", "start_time": "15:00", "end_time": "16:00", "expert_id": w.sme.id, "title": "Shared outcome measures"})).await;
    let ks_call = create(&w, &w.ks_coach, json!({"kind": "coaching_call", "states": ["KS"], "date": "2017-01-04", "start_time": "11:00", "end_time": "12:00", "title": "Kansas January call"})).await;
    let list = format!("/programs/{SLUG}/activities");

    // The expert sees the consultation asked of them, and nothing else.
    let page = w.sme.b.get(&list).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Shared outcome measures"));
    assert!(!page.body.contains("Kansas January call"));
    assert_eq!(w.sme.b.get(&format!("{list}/{consult}")).await.status, 200);
    assert_eq!(w.sme.b.get(&format!("{list}/{ks_call}")).await.status, 403);
    let (status, v) = call(app, &w.sme.t, "GET", &api, None).await;
    assert_eq!(status, 200);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (status, _) = call(app, &w.sme.t, "GET", &format!("{api}/{ks_call}"), None).await;
    assert_eq!(status, 403);

    // A state's people see their state's; the coach theirs; federal all.
    let page = w.ks_member.b.get(&list).await;
    assert!(page.body.contains("Kansas January call"));
    assert!(!page.body.contains("Shared outcome measures"));
    assert_eq!(
        w.ks_member.b.get(&format!("{list}/{consult}")).await.status,
        403
    );
    assert_eq!(
        w.co_member.b.get(&format!("{list}/{consult}")).await.status,
        200
    );
    let (_, v) = call(app, &w.coach.t, "GET", &api, None).await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (_, v) = call(app, &w.federal.t, "GET", &api, None).await;
    assert_eq!(v.as_array().unwrap().len(), 2);
    let page = w.federal.b.get(&format!("{list}?state=KS")).await;
    assert!(
        page.body.contains("Kansas January call") && !page.body.contains("Shared outcome measures")
    );
    // The federal officer reads, and changes nothing.
    let (status, _) = call(
        app,
        &w.federal.t,
        "POST",
        &format!("{api}/{ks_call}/cancel"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // Nobody outside the program.
    let stranger = plain(app, "x@partner.org", "partner").await;
    assert_eq!(stranger.b.get(&list).await.status, 403);
    // The home page leads there.
    assert!(
        w.co_member
            .b
            .get("/")
            .await
            .body
            .contains(&format!("href=\"/programs/{SLUG}/activities\""))
    );
}

/// How many times this action is in the audit log.
async fn audits(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The coach's call with CO on October 11, 2016: (id, page, API path).
async fn colorado_call(w: &World) -> (i64, String, String) {
    let id = create(w, &w.coach, coaching_call("CO", "2016-10-11")).await;
    let page = format!("/programs/{SLUG}/activities/{id}");
    let api = format!("/api/v1/programs/{SLUG}/activities/{id}");
    (id, page, api)
}

/// The call, recorded as held by its organizer through the API.
async fn held_call(w: &World) -> (i64, String, String) {
    let (id, page, api) = colorado_call(w).await;
    let (status, v) = call(
        &w.app,
        &w.coach.t,
        "PUT",
        &format!("{api}/record"),
        Some(json!({"status": "held"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    (id, page, api)
}

/// The call's two action items: Jo (CO's member) drafts the data
/// agreement by December 1; the coach shares the partnership map by
/// November 1. Their ids.
async fn two_action_items(w: &World, activity: i64) -> (i64, i64) {
    let fixture = w.app.in_program(w.program_id);
    let mut ids = Vec::new();
    for (text, owner, due_on) in [
        ("Draft the data agreement", w.co_member.id, "2016-12-01"),
        ("Share the partnership map", w.coach.id, "2016-11-01"),
    ] {
        let item = ActionItemFixture {
            code: "CO",
            text,
            owner: Some(owner),
            due_on,
        };
        ids.push(fixture.action_item(activity, item).await);
    }
    (ids[0], ids[1])
}

/// Recording without saying whether it was held changes nothing; only the
/// organizer records.
async fn a_record_without_whether_it_was_held_changes_nothing_and_is_the_organizers(
    backend: Backend,
) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    let (id, page, api) = colorado_call(&w).await;
    let bad = w
        .coach
        .b
        .submit(&page, &format!("{page}/record"), &[("notes", "We met.")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"record-status-error\""));
    assert!(bad.body.contains("We met."));
    let notes: String = sqlx::query_scalar("SELECT notes FROM activities WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(notes, "");
    let (status, _) = call(
        app,
        &w.co_lead.t,
        "PUT",
        &format!("{api}/record"),
        Some(json!({"status": "held"})),
    )
    .await;
    assert_eq!(status, 403);
}

/// The organizer records the call as held: its notes are shown to the
/// team, and who attended (people and states) is kept.
async fn recording_a_call_keeps_its_notes_and_who_attended(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    let (id, page, _) = colorado_call(&w).await;
    let lead = w.co_lead.id.to_string();
    let ok = w
        .coach
        .b
        .submit(
            &page,
            &format!("{page}/record"),
            &[
                ("status", "held"),
                ("states", "CO"),
                ("people", &lead),
                (
                    "notes",
                    "Walked through the baseline.\nAgreed two priorities.",
                ),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let shown = w.co_member.b.get(&page).await.body;
    assert!(shown.contains("Agreed two priorities."));
    let attended: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, attended FROM activity_people WHERE activity_id = $1 ORDER BY user_id",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .unwrap();
    let of = |u: i64| attended.iter().find(|(x, _)| *x == u).map(|(_, a)| *a);
    assert_eq!(of(w.co_lead.id), Some(Some(1)));
    assert_eq!(of(w.co_member.id), Some(Some(0)));
    let state: Option<i64> =
        sqlx::query_scalar("SELECT attended FROM activity_states WHERE activity_id = $1")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(state, Some(1));
    assert_eq!(audits(app, "record_activity").await, 1);
}

/// A future activity cannot be recorded as held yet.
async fn a_future_activity_cannot_be_recorded_as_held(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let later = create(&w, &w.coach, coaching_call("CO", "2099-10-13")).await;
    let (status, v) = call(
        &w.app,
        &w.coach.t,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/activities/{later}/record"),
        Some(json!({"status": "held"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["status"]);
}

/// Action items: refused next to the field (no owner, or an owner from
/// another state), then added on the page and through the API, where a
/// bad one names its fields.
async fn action_items_are_refused_next_to_the_field_then_added(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let (_, page, api) = held_call(&w).await;
    let items = format!("{page}/action-items");
    let member = w.co_member.id.to_string();
    let ks = w.ks_member.id.to_string();
    let bad = w
        .coach
        .b
        .submit(
            &page,
            &items,
            &[
                ("item_text", "Draft the data agreement"),
                ("item_due", "2016-12-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"item_owner-error\""));
    let bad = w
        .coach
        .b
        .submit(
            &page,
            &items,
            &[
                ("item_text", "Draft the data agreement"),
                ("item_owner", &ks),
                ("item_due", "2016-12-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "a Kansas member is not Colorado's");
    assert_eq!(app.count("action_items").await, 0);
    let ok = w
        .coach
        .b
        .submit(
            &page,
            &items,
            &[
                ("item_text", "Draft the data agreement"),
                ("item_owner", &member),
                ("item_due", "2016-12-01"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let (status, v) = call(app, &w.coach.t, "POST", &format!("{api}/action-items"), Some(json!({"text": "Share the partnership map", "owner_id": w.coach.id, "due_on": "2016-11-01"}))).await;
    assert_eq!(status, 201, "{v}");
    assert!(v["id"].is_i64());
    let (status, v) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("{api}/action-items"),
        Some(json!({"text": "", "due_on": "soon"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["text", "owner_id", "due_on"]);
    assert_eq!(audits(app, "add_action_item").await, 2);
}

/// With no goals yet the form says so, with the way to the plan; with a
/// goal of the state's plan (made directly: the plan area is not ours) an
/// action item becomes its next step, once.
async fn an_action_item_becomes_a_step_of_a_goal_of_the_states_plan_once(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    let (id, page, api) = held_call(&w).await;
    let (first, second) = two_action_items(&w, id).await;
    let shown = w.coach.b.get(&page).await.body;
    assert!(
        shown.contains("has no goals in its action plan yet: add one on the plan page first"),
        "{shown}"
    );
    assert!(shown.contains(&format!("href=\"/programs/{SLUG}/plans/CO\"")));
    let (status, v) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("{api}/action-items/{first}/plan-step"),
        Some(json!({"goal_id": 1})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["goal_id"]);
    assert_eq!(app.count("plan_steps").await, 0);
    let fixture = app.in_program(w.program_id);
    let plan = fixture.plan("CO").await;
    let goal = fixture
        .goal(plan, "Share data across agencies", "measure")
        .await;
    let shown = w.coach.b.get(&page).await.body;
    assert!(shown.contains("Share data across agencies"));
    let (status, v) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("{api}/action-items/{first}/plan-step"),
        Some(json!({"goal_id": goal + 100})),
    )
    .await;
    assert_eq!(status, 422, "another state's or no goal: {v}");
    let (status, v) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("{api}/action-items/{first}/plan-step"),
        Some(json!({"goal_id": goal})),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let step = v["plan_step_id"].as_i64().unwrap();
    let row: (i64, i64, String, Option<i64>, String, String, Option<i64>) = sqlx::query_as("SELECT goal_id, position, text, owner_id, due_on, status, activity_id FROM plan_steps WHERE id = $1")
        .bind(step)
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(
        row,
        (
            goal,
            1,
            "Draft the data agreement".into(),
            Some(w.co_member.id),
            "2016-12-01".into(),
            "not_started".into(),
            Some(id)
        )
    );
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT plan_step_id FROM action_items WHERE id = $1")
            .bind(first)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(linked, Some(step));
    let (status, _) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("{api}/action-items/{first}/plan-step"),
        Some(json!({"goal_id": goal})),
    )
    .await;
    assert_eq!(status, 409, "only once");
    // The second by the page: the next position.
    let res = w
        .coach
        .b
        .submit(
            &page,
            &format!("{page}/action-items/{second}/plan-step"),
            &[("goal", &goal.to_string())],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let positions: Vec<i64> =
        sqlx::query_scalar("SELECT position FROM plan_steps ORDER BY position")
            .fetch_all(db)
            .await
            .unwrap();
    assert_eq!(positions, vec![1, 2]);
    assert_eq!(audits(app, "action_item_to_plan_step").await, 2);
}

/// An action item marked done on the page, then open again (with a new
/// date) through the API; the call lists its items.
async fn an_action_item_is_done_then_open_again(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    let (id, page, api) = held_call(&w).await;
    let (first, _) = two_action_items(&w, id).await;
    let res = w
        .coach
        .b
        .submit(
            &page,
            &format!("{page}/action-items/{first}/done"),
            &[("done", "yes")],
        )
        .await;
    assert_eq!(res.status, 303);
    let done: Option<i64> = sqlx::query_scalar("SELECT done_at FROM action_items WHERE id = $1")
        .bind(first)
        .fetch_one(db)
        .await
        .unwrap();
    assert!(done.is_some());
    let (status, _) = call(app, &w.coach.t, "PUT", &format!("{api}/action-items/{first}"), Some(json!({"text": "Draft the data agreement", "owner_id": w.co_member.id, "due_on": "2016-12-15", "done": false}))).await;
    assert_eq!(status, 204);
    let (done, due): (Option<i64>, String) =
        sqlx::query_as("SELECT done_at, due_on FROM action_items WHERE id = $1")
            .bind(first)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!((done, due.as_str()), (None, "2016-12-15"));
    let (_, v) = call(app, &w.co_lead.t, "GET", &api, None).await;
    assert_eq!(v["action_items"].as_array().unwrap().len(), 2);
    assert_eq!(v["status"], "held");
    assert_eq!(audits(app, "change_action_item").await, 2);
}

/// Every VEVENT in a calendar, as property name -> value, read by the
/// `ical` crate.
fn events(text: &str) -> Vec<HashMap<String, String>> {
    let mut out = Vec::new();
    for cal in ical::IcalParser::new(std::io::BufReader::new(text.as_bytes())) {
        let cal = cal.expect("a calendar the parser accepts");
        for e in cal.events {
            out.push(
                e.properties
                    .into_iter()
                    .map(|p| (p.name, p.value.unwrap_or_default()))
                    .collect(),
            );
        }
    }
    out
}

async fn calendar_files_and_private_feeds_parse(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    // Across the fall change: November 5 to 7, 2016.
    let visit = create(&w, &w.coach, json!({"kind": "site_visit", "states": ["CO"], "date": "2016-11-05", "start_time": "09:00", "end_time": "16:00", "days": 3, "place": "Pikes Peak Community College, Colorado Springs", "agenda": "Day 1: employers; day 2: the plan"})).await;
    let ks_call = create(&w, &w.ks_coach, coaching_call("KS", "2017-01-04")).await;
    let webinar = create(&w, &w.admin, json!({"kind": "webinar", "date": "2016-12-14", "start_time": "14:00", "end_time": "15:30"})).await;
    let uid: String = sqlx::query_scalar("SELECT uid FROM activities WHERE id = $1")
        .bind(visit)
        .fetch_one(db)
        .await
        .unwrap();
    let ics = format!("/programs/{SLUG}/activities/{visit}/calendar.ics");

    let file = w.co_member.b.get(&ics).await;
    assert_eq!(file.status, 200);
    assert!(
        file.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(file.body.contains("\r\n") && !file.body.replace("\r\n", "").contains('\n'));
    let e = &events(&file.body)[0];
    assert_eq!(e["UID"], uid);
    assert_eq!(e["DTSTART"], "20161105T130000Z", "9 am EDT");
    assert_eq!(e["DTEND"], "20161107T210000Z", "4 pm EST, after the change");
    assert_eq!(e["SEQUENCE"], "0");
    assert_eq!(e["STATUS"], "CONFIRMED");
    assert_eq!(
        e["LOCATION"],
        "Pikes Peak Community College\\, Colorado Springs"
    );
    assert!(e["DESCRIPTION"].starts_with("Day 1: employers\\; day 2"));
    assert!(e.contains_key("DTSTAMP"));
    assert_eq!(w.ks_member.b.get(&ics).await.status, 403);

    // Moved: SEQUENCE goes up; a new title alone does not move it.
    let api = format!("/api/v1/programs/{SLUG}/activities/{visit}");
    let (status, v) = call(
        app,
        &w.coach.t,
        "PUT",
        &api,
        Some(json!({"date": "2016-11-14", "start_time": "10:00"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (_, _) = call(
        app,
        &w.coach.t,
        "PUT",
        &api,
        Some(json!({"title": "Site visit: Colorado Springs"})),
    )
    .await;
    let (status, v) = call(
        app,
        &w.coach.t,
        "PUT",
        &api,
        Some(json!({"end_time": "09:00", "days": 1})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&v), vec!["end_time"]);
    let e = &events(&w.co_member.b.get(&ics).await.body)[0];
    assert_eq!(e["SEQUENCE"], "1");
    assert_eq!(e["DTSTART"], "20161114T150000Z", "10 am EST");
    assert_eq!(e["DTEND"], "20161116T210000Z");
    assert_eq!(e["SUMMARY"], "Site visit: Colorado Springs");
    let (status, _) = call(app, &w.coach.t, "POST", &format!("{api}/cancel"), None).await;
    assert_eq!(status, 204);
    let e = &events(&w.co_member.b.get(&ics).await.body)[0];
    assert_eq!(e["SEQUENCE"], "2");
    assert_eq!(e["STATUS"], "CANCELLED");
    assert_eq!(e["UID"], uid, "the same event");

    // A private feed, made on the page: the member's state's and the
    // program-wide webinar; not Kansas's.
    let made = w
        .co_member
        .b
        .submit("/account/calendar", "/account/calendar", &[])
        .await;
    assert_eq!(made.status, 200);
    let start = made
        .body
        .find(&format!("{}/calendar/", app.base))
        .expect("the feed address is shown");
    let url = made.body[start..made.body[start..].find('<').unwrap() + start]
        .trim()
        .to_owned();
    let anonymous = reqwest::Client::new();
    let feed = anonymous.get(&url).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    let body = feed.text().await.unwrap();
    let uids: Vec<String> = events(&body)
        .into_iter()
        .map(|e| e["UID"].clone())
        .collect();
    let uid_of = |id: i64| async move {
        sqlx::query_scalar::<_, String>("SELECT uid FROM activities WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap()
    };
    assert!(uids.contains(&uid));
    assert!(uids.contains(&uid_of(webinar).await));
    assert!(!uids.contains(&uid_of(ks_call).await));
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM calendar_feeds")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert!(!url.contains(&hashes[0]), "only the hash is kept");

    // A new address: the old one stops working. Turned off: 404.
    let again = w
        .co_member
        .b
        .submit("/account/calendar", "/account/calendar", &[])
        .await;
    let start = again.body.find(&format!("{}/calendar/", app.base)).unwrap();
    let url2 = again.body[start..again.body[start..].find('<').unwrap() + start]
        .trim()
        .to_owned();
    assert_ne!(url, url2);
    assert_eq!(anonymous.get(&url).send().await.unwrap().status(), 404);
    assert_eq!(anonymous.get(&url2).send().await.unwrap().status(), 200);
    let off = w
        .co_member
        .b
        .submit("/account/calendar", "/account/calendar/off", &[])
        .await;
    assert_eq!(off.status, 303);
    assert_eq!(anonymous.get(&url2).send().await.unwrap().status(), 404);
    assert_eq!(
        anonymous
            .get(format!("{}/calendar/not-a-token/feed.ics", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // By the API: the KS member's feed holds Kansas's call and the webinar.
    let (status, v) = call(app, &w.ks_member.t, "POST", "/api/v1/me/calendar", None).await;
    assert_eq!(status, 201);
    let ks_url = v["url"].as_str().unwrap().to_owned();
    let body = anonymous
        .get(&ks_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let uids: Vec<String> = events(&body)
        .into_iter()
        .map(|e| e["UID"].clone())
        .collect();
    assert_eq!(uids.len(), 2);
    assert!(uids.contains(&uid_of(ks_call).await) && !uids.contains(&uid));
    let (status, _) = call(app, &w.ks_member.t, "DELETE", "/api/v1/me/calendar", None).await;
    assert_eq!(status, 204);
    assert_eq!(anonymous.get(&ks_url).send().await.unwrap().status(), 404);
    // The admin's feed: the program-wide webinar (organized by them).
    let (_, v) = call(app, &w.admin.t, "POST", "/api/v1/me/calendar", None).await;
    let body = anonymous
        .get(v["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let uids: Vec<String> = events(&body)
        .into_iter()
        .map(|e| e["UID"].clone())
        .collect();
    assert_eq!(uids, vec![uid_of(webinar).await]);
}

async fn reminders_and_overdue_notes_arrive_exactly_once(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
    let w = world(app).await;
    let app = &w.app;
    let db = &app.state.db.pool;
    let ms = |date: &str, time: &str| -> i64 {
        waymark::activity::to_utc_ms(
            waymark::activity::parse_date(date).unwrap(),
            waymark::activity::parse_time(time).unwrap(),
            "America/New_York",
        )
        .unwrap()
    };
    // Far from the real clock, so the server's own sweep finds nothing.
    let call_id = create(&w, &w.coach, coaching_call("CO", "2030-01-15")).await;
    let cancelled = create(&w, &w.coach, json!({"kind": "coaching_call", "states": ["CO"], "date": "2030-01-15", "start_time": "17:00", "end_time": "18:00"})).await;
    let (status, _) = call(
        app,
        &w.coach.t,
        "POST",
        &format!("/api/v1/programs/{SLUG}/activities/{cancelled}/cancel"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let now = ms("2030-01-15", "12:00");

    // CO's lead, member and coach: one each, however often it sweeps.
    let first = waymark::activity::reminders::sweep(&app.state, now)
        .await
        .unwrap();
    assert_eq!(first.reminders, 3);
    let again = waymark::activity::reminders::sweep(&app.state, now + 60_000)
        .await
        .unwrap();
    assert_eq!(again.reminders, 0);
    let messages = smtp.wait_for(3, 30).await;
    assert_eq!(messages.len(), 3);
    let text = unfold_qp(&messages[0]);
    assert!(text.contains("Subject: Reminder: Coaching call with"));
    assert!(
        text.contains("Tuesday, January 15, 2030, 2 pm to 3 pm Eastern time"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "/programs/{SLUG}/activities/{call_id}/calendar.ics"
    )));
    let mut to: Vec<String> = messages
        .iter()
        .map(|m| {
            m.lines()
                .find(|l| l.starts_with("To: "))
                .unwrap()
                .trim()
                .to_owned()
        })
        .collect();
    to.sort();
    assert_eq!(
        to,
        vec!["To: coach@ta.org", "To: jo@co.gov", "To: lead@co.gov"]
    );

    // Moved by an hour: one new reminder each; two sweeps at once still once.
    let (status, _) = call(
        app,
        &w.coach.t,
        "PUT",
        &format!("/api/v1/programs/{SLUG}/activities/{call_id}"),
        Some(json!({"start_time": "15:00", "end_time": "16:00"})),
    )
    .await;
    assert_eq!(status, 200);
    let (a, b) = tokio::join!(
        waymark::activity::reminders::sweep(&app.state, now + 120_000),
        waymark::activity::reminders::sweep(&app.state, now + 120_000)
    );
    assert_eq!(a.unwrap().reminders + b.unwrap().reminders, 3);
    assert_eq!(smtp.wait_for(6, 30).await.len(), 6);
    let cancelled_sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity_reminders WHERE activity_id = $1")
            .bind(cancelled)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(cancelled_sent, 0, "no reminder for a cancelled activity");

    // Overdue: one open item and one plan step of the member, late on the
    // program's clock; a done item and a future one say nothing.
    let api = format!("/api/v1/programs/{SLUG}/activities/{call_id}/action-items");
    for (text, due) in [
        ("Send the data agreement", "2030-01-10"),
        ("Book the room", "2030-03-01"),
    ] {
        let (status, _) = call(
            app,
            &w.coach.t,
            "POST",
            &api,
            Some(json!({"text": text, "owner_id": w.co_member.id, "due_on": due})),
        )
        .await;
        assert_eq!(status, 201);
    }
    let (_, v) = call(
        app,
        &w.coach.t,
        "POST",
        &api,
        Some(json!({"text": "Already done", "owner_id": w.co_lead.id, "due_on": "2030-01-02"})),
    )
    .await;
    let done = v["id"].as_i64().unwrap();
    call(app, &w.coach.t, "PUT", &format!("{api}/{done}"), Some(json!({"text": "Already done", "owner_id": w.co_lead.id, "due_on": "2030-01-02", "done": true}))).await;
    let fixture = app.in_program(w.program_id);
    let plan = fixture.plan("CO").await;
    let goal = fixture.goal(plan, "Data", "measure").await;
    let step = StepFixture {
        text: "Map the data elements",
        owner: Some(w.co_member.id),
        due_on: "2030-01-14",
        status: "in_progress",
    };
    fixture.step(goal, step).await;
    let later = now + 3 * 3_600_000; // after the call: no more reminders
    let r = waymark::activity::reminders::sweep(&app.state, later)
        .await
        .unwrap();
    assert_eq!((r.reminders, r.overdue_notes), (0, 1));
    let r = waymark::activity::reminders::sweep(&app.state, later + 3_600_000)
        .await
        .unwrap();
    assert_eq!(r.overdue_notes, 0, "once a week");
    let messages = smtp.wait_for(7, 30).await;
    assert_eq!(messages.len(), 7);
    let note = messages
        .iter()
        .map(|m| unfold_qp(m))
        .find(|m| m.contains("Subject: Overdue action items"))
        .unwrap();
    assert!(note.contains("To: jo@co.gov"));
    assert!(note.contains("Send the data agreement") && note.contains("Map the data elements"));
    assert!(note.contains(&format!("/programs/{SLUG}/plans/CO")));
    assert!(!note.contains("Book the room") && !note.contains("Already done"));
    // The next week: again.
    let r = waymark::activity::reminders::sweep(&app.state, later + 7 * 24 * 3_600_000)
        .await
        .unwrap();
    assert_eq!(r.overdue_notes, 1);
    assert_eq!(smtp.wait_for(8, 30).await.len(), 8);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 8, "nothing twice");
}
