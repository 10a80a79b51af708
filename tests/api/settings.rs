//! Program settings after creation, one state's deadline extension, and
//! the general TA track's priority components: through the pages and the
//! API, on both databases.

use serde_json::{Value, json};

use crate::applications::{complete_draft, future_program, outbox};
use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp};

both_backends!(
    only_administrators_open_the_settings_page,
    refused_settings_keep_what_was_typed_and_change_nothing,
    an_answered_question_cannot_be_removed,
    saved_settings_show_on_the_program_page_and_keep_the_answers,
    settings_through_the_api,
    after_the_deadline_a_submission_is_refused,
    only_the_admin_extends_a_deadline,
    an_extension_must_end_after_the_deadline,
    an_extension_lets_one_state_submit_late,
    the_api_grants_an_extension_to_the_admin_only,
    an_ended_extension_refuses_and_names_its_end,
    an_extension_is_cleared_with_empty_values,
    the_general_track_asks_for_priorities_not_a_letter,
);

async fn question_ids(app: &TestApp, program: i64) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT id, question FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn criterion_ids(app: &TestApp, program: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM program_rubric WHERE program_id = $1 ORDER BY position")
        .bind(program)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// A state lead answers the program's first key question.
async fn answer_first_question(app: &TestApp, slug: &str, state: &str) -> Browser {
    let email = format!("lead@{}.gov", state.to_lowercase());
    let (_, pw) = app
        .add_user(&email, "state_lead", Some(slug), Some(state))
        .await;
    let b = app.browser();
    b.sign_in(&email, &pw).await;
    let page = format!("/programs/{slug}/application");
    b.submit(&page, &format!("{page}/start"), &[]).await;
    let first: i64 = sqlx::query_scalar(
        "SELECT q.id FROM program_key_questions q JOIN programs p ON p.id = q.program_id WHERE p.slug = $1 ORDER BY q.position LIMIT 1",
    )
    .bind(slug)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let res = b
        .submit(
            &page,
            &format!("{page}/answers"),
            &[(&format!("answer_{first}"), "We are ready now.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    b
}

async fn admin(app: &TestApp) -> (Browser, String) {
    let (id, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let b = app.browser();
    b.sign_in("admin@ta.org", &pw).await;
    (b, app.token_for(id, "admin@ta.org").await)
}

/// A program whose first key question Colorado's lead has answered, and
/// the admin signed in: (app, program id, the lead's browser, the admin's).
async fn answered(backend: Backend) -> (TestApp, i64, Browser, Browser) {
    let app = TestApp::spawn(backend).await;
    let program = future_program(&app, "acp").await;
    let lead = answer_first_question(&app, "acp", "CO").await;
    let (b, _) = admin(&app).await;
    (app, program, lead, b)
}

/// The settings form as the admin sends it, weights left out: the
/// answered question reworded and moved last, question 2 removed, a new
/// question, two required sectors, the criteria renamed.
fn settings_form(qs: &[(i64, String)], cs: &[i64]) -> Vec<(&'static str, String)> {
    let q: Vec<String> = qs.iter().map(|(id, _)| id.to_string()).collect();
    let c: Vec<String> = cs.iter().map(|id| id.to_string()).collect();
    let fixed = [
        ("name", "Advancing Career Pathways 2099"),
        ("sponsor", "OCTAE"),
        ("provider", "Manhattan Strategy Group"),
        ("time_zone", "America/Chicago"),
        ("deadline_date", "2099-06-15"),
        ("deadline_time", "17:00"),
        ("framework", "programs-of-study"),
        ("ms_starts_application_available", "2099-04-14"),
        ("ms_starts_recruitment_webinar", "2099-04-20"),
        ("ms_starts_application_due", "2099-06-15"),
        ("ms_starts_selection", "2099-07-01"),
        ("ms_starts_kickoff", "2099-08-01"),
        ("ms_starts_readiness_assessment", "2099-09-01"),
        ("ms_starts_first_coaching_call", "2099-09-01"),
        ("ms_starts_coaching_calls", "2099-10-01"),
        ("ms_ends_coaching_calls", "2100-08-01"),
        ("ms_starts_peer_mentoring", "2099-10-01"),
        ("ms_ends_peer_mentoring", "2100-08-01"),
        ("ms_starts_site_visits", "2099-10-01"),
        ("ms_ends_site_visits", "2100-07-01"),
        ("ms_starts_webinars", "2099-10-01"),
        ("ms_ends_webinars", "2100-08-01"),
    ];
    let mut form: Vec<(&'static str, String)> =
        fixed.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    form.extend([
        // The answered question is reworded and moved last; question 2 is removed.
        ("q_id_0", q[0].clone()),
        (
            "q_text_0",
            "Why does your state want help now, in a few sentences?".to_owned(),
        ),
        ("q_order_0", "4".to_owned()),
        ("q_id_1", q[1].clone()),
        ("q_text_1", qs[1].1.clone()),
        ("q_order_1", "2".to_owned()),
        ("q_remove_1", "yes".to_owned()),
        ("q_id_2", q[2].clone()),
        ("q_text_2", qs[2].1.clone()),
        ("q_order_2", "1".to_owned()),
        ("q_id_3", q[3].clone()),
        ("q_text_3", qs[3].1.clone()),
        ("q_order_3", "2".to_owned()),
        ("q_new", "Who will coordinate your state team?".to_owned()),
        ("required_sectors", "secondary_cte".to_owned()),
        ("required_sectors", "adult_education".to_owned()),
        ("c_id_0", c[0].clone()),
        ("c_name_0", "Responses to key questions".to_owned()),
        ("c_id_1", c[1].clone()),
        ("c_name_1", "Team composition".to_owned()),
        ("c_id_2", c[2].clone()),
        ("c_name_2", "Commitment".to_owned()),
    ]);
    form
}

/// The form with these fields added.
fn with(
    form: &[(&'static str, String)],
    more: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut out = form.to_vec();
    out.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
    out
}

fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The program page links the settings for administrators only; the
/// page shows the deadline, how many states answered each question and
/// how each milestone is shown, and offers no removal of an answered
/// question.
async fn only_administrators_open_the_settings_page(backend: Backend) {
    let (app, _, lead, b) = answered(backend).await;
    let public = b.get("/programs/acp").await;
    assert!(
        public
            .body
            .contains("<dt>Framework</dt><dd>Career Pathways Six Key Elements</dd>")
    );
    assert!(public.body.contains("href=\"/programs/acp/settings\""));
    assert!(
        !app.browser()
            .get("/programs/acp")
            .await
            .body
            .contains("/programs/acp/settings"),
        "only administrators see the link"
    );
    assert_eq!(lead.get("/programs/acp/settings").await.status, 403);
    let page = b.get("/programs/acp/settings").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"2099-06-01\"") && page.body.contains("value=\"15:00\""));
    assert!(page.body.contains("(answered by 1 state)"));
    assert!(
        page.body
            .contains("id=\"ms_hint_selection\">Shown as a month"),
        "a month milestone says so"
    );
    assert!(
        !page.body.contains("id=\"q_remove_0\""),
        "an answered question offers no remove box"
    );
    app.stop().await;
}

/// Weights adding up to 90 and an end before its start: refused, what was
/// typed kept, nothing changed.
async fn refused_settings_keep_what_was_typed_and_change_nothing(backend: Backend) {
    let (app, program, _, b) = answered(backend).await;
    let qs = question_ids(&app, program).await;
    let cs = criterion_ids(&app, program).await;
    let mut bad = with(
        &settings_form(&qs, &cs),
        &[
            ("c_weight_0", "40"),
            ("c_weight_1", "30"),
            ("c_weight_2", "20"),
        ],
    );
    for f in bad.iter_mut() {
        if f.0 == "ms_ends_site_visits" {
            f.1 = "2099-09-01".to_owned();
        }
    }
    let audit_before = app.count("audit_log").await;
    let res = b
        .submit(
            "/programs/acp/settings",
            "/programs/acp/settings",
            &fields(&bad),
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.body
            .contains("The weights add up to 90%; make them add up to 100%.")
    );
    assert!(res.body.contains(
        "The end of &#39;Two site visits (scheduled by state and coach)&#39; is before its start"
    ) || res.body.contains("The end of 'Two site visits (scheduled by state and coach)' is before its start"), "{}", res.body);
    assert!(res.body.contains("id=\"settings-rubric-error\""));
    assert!(
        res.body
            .contains("aria-describedby=\"settings-rubric-error\"")
    );
    assert!(
        res.body.contains("Who will coordinate your state team?"),
        "what was typed is kept"
    );
    assert!(
        res.body.contains(
            "id=\"q_remove_1\" type=\"checkbox\" name=\"q_remove_1\" value=\"yes\" checked"
        ),
        "the removal is kept too"
    );
    let name: String = sqlx::query_scalar("SELECT name FROM programs WHERE id = $1")
        .bind(program)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Advancing Career Pathways");
    assert_eq!(question_ids(&app, program).await, qs);
    assert_eq!(app.count("audit_log").await, audit_before);
    app.stop().await;
}

/// Removing the answered question (a hand-made form) is refused with the reason.
async fn an_answered_question_cannot_be_removed(backend: Backend) {
    let (app, program, _, b) = answered(backend).await;
    let qs = question_ids(&app, program).await;
    let cs = criterion_ids(&app, program).await;
    let removing = with(
        &settings_form(&qs, &cs),
        &[
            ("c_weight_0", "50"),
            ("c_weight_1", "25"),
            ("c_weight_2", "25"),
            ("q_remove_0", "yes"),
        ],
    );
    let res = b
        .submit(
            "/programs/acp/settings",
            "/programs/acp/settings",
            &fields(&removing),
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.body
            .contains("cannot be removed: 1 application has already answered it")
    );
    app.stop().await;
}

/// Saved settings: the questions reordered (the reworded one keeps its id
/// and its answer), the program page shows the rest; audited once.
async fn saved_settings_show_on_the_program_page_and_keep_the_answers(backend: Backend) {
    let (app, program, lead, b) = answered(backend).await;
    let qs = question_ids(&app, program).await;
    let cs = criterion_ids(&app, program).await;
    let good = with(
        &settings_form(&qs, &cs),
        &[
            ("c_weight_0", "50"),
            ("c_weight_1", "25"),
            ("c_weight_2", "25"),
        ],
    );
    let res = b
        .submit(
            "/programs/acp/settings",
            "/programs/acp/settings",
            &fields(&good),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        res.location.as_deref(),
        Some("/programs/acp?done=settings-saved")
    );
    let after = question_ids(&app, program).await;
    assert_eq!(
        after.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        [
            qs[2].1.as_str(),
            qs[3].1.as_str(),
            "Why does your state want help now, in a few sentences?",
            "Who will coordinate your state team?"
        ]
    );
    assert_eq!(after[2].0, qs[0].0, "the reworded question keeps its id");
    let answer: String = sqlx::query_scalar("SELECT answer FROM application_answers")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(answer, "We are ready now.");
    let public = app.browser().get("/programs/acp").await;
    for text in [
        "Advancing Career Pathways 2099",
        "<dd>Programs of Study Ten Essential Components</dd>",
        "5:00 pm CDT on June 15, 2099",
        "<th scope=\"row\">April 20, 2099</th><td>Recruitment webinar</td>",
        "Responses to key questions: 50% of the score",
        "Adult education",
        "Who will coordinate your state team?",
    ] {
        assert!(
            public.body.contains(text),
            "the program page shows {text:?}"
        );
    }
    assert!(!public.body.contains("Human and social services"));
    let lead_page = lead.get("/programs/acp/application").await;
    assert!(lead_page.body.contains("We are ready now."));
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action = 'update_program_settings'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(actions.len(), 1);
    app.stop().await;
}

async fn settings_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program = future_program(&app, "acp").await;
    answer_first_question(&app, "acp", "CO").await;
    let (_, token) = admin(&app).await;
    let (lead_id, _) = app
        .add_user("lead@ks.gov", "state_lead", Some("acp"), Some("KS"))
        .await;
    let lead = app.token_for(lead_id, "lead@ks.gov").await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/programs/acp", app.base);

    let settings: Value = client
        .get(format!("{url}/settings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["framework"], "six-key-elements");
    assert_eq!(settings["deadline_time"], "15:00");
    assert_eq!(settings["rubric"][0]["weight"], 40);
    assert_eq!(settings["key_questions"].as_array().unwrap().len(), 4);
    assert_eq!(
        client
            .get(format!("{url}/settings"))
            .bearer_auth(&lead)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let put = |body: Value, token: String| {
        let client = client.clone();
        let url = url.clone();
        async move {
            client
                .put(&url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(put(settings.clone(), lead.clone()).await.status(), 403);

    let refused = |field: &'static str, change: Box<dyn Fn(&mut Value)>| {
        let mut body = settings.clone();
        change(&mut body);
        (field, body)
    };
    let cases = vec![
        refused("rubric", Box::new(|b| b["rubric"][0]["weight"] = json!(41))),
        refused(
            "key_questions",
            Box::new(|b| {
                b["key_questions"].as_array_mut().unwrap().remove(0);
            }),
        ),
        refused(
            "milestones",
            Box::new(|b| b["milestones"][7]["ends"] = json!("2099-01-01")),
        ),
        refused(
            "framework",
            Box::new(|b| b["framework"] = json!("astrology")),
        ),
        refused(
            "required_sectors",
            Box::new(|b| b["required_sectors"] = json!([])),
        ),
    ];
    let fingerprint = app.fingerprint().await;
    for (field, body) in cases {
        let res = put(body, token.clone()).await;
        assert_eq!(res.status(), 422, "{field}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["fields"][0]["field"], field, "{err}");
    }
    let unchanged: Value = client
        .get(format!("{url}/settings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged, settings, "a refused change changes nothing");
    assert_eq!(app.fingerprint().await, fingerprint);

    // A good change: weights as numbers, a new question, a new criterion.
    let mut body = settings.clone();
    body["framework"] = json!("programs-of-study");
    body["rubric"] = json!([
        {"id": settings["rubric"][0]["id"], "criterion": "Responses to key questions", "weight": 40},
        {"id": settings["rubric"][1]["id"], "criterion": "Team composition", "weight": 30},
        {"id": settings["rubric"][2]["id"], "criterion": "Commitment", "weight": 20},
        {"criterion": "Readiness", "weight": 10}
    ]);
    body["key_questions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"question": "What would success look like?"}));
    let res = put(body.clone(), token.clone()).await;
    assert_eq!(res.status(), 200);
    let detail: Value = res.json().await.unwrap();
    assert_eq!(detail["framework"], "programs-of-study");
    assert_eq!(
        detail["framework_name"],
        "Programs of Study Ten Essential Components"
    );
    assert_eq!(detail["rubric"][3]["criterion"], "Readiness");
    assert_eq!(detail["key_questions"][4], "What would success look like?");

    // Once a reviewer has scored, criteria stay; weights may still move.
    let criteria = criterion_ids(&app, program).await;
    let (reviewer, _) = app
        .add_user("reviewer@ta.org", "reviewer", Some("acp"), None)
        .await;
    let application: i64 = sqlx::query_scalar("SELECT id FROM applications")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let assignment = app.in_program(program).review(application, reviewer).await;
    app.in_program(program)
        .score(assignment, criteria[0], 4)
        .await;
    let now: Value = client
        .get(format!("{url}/settings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut removing = now.clone();
    removing["rubric"].as_array_mut().unwrap().pop();
    removing["rubric"][0]["weight"] = json!(50);
    let res = put(removing, token.clone()).await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "rubric");
    assert!(
        err["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("criteria cannot be added or removed")
    );
    let mut reweighed = now.clone();
    reweighed["rubric"][0]["weight"] = json!(25);
    reweighed["rubric"][3]["weight"] = json!(25);
    assert_eq!(put(reweighed, token.clone()).await.status(), 200);
    assert_eq!(criterion_ids(&app, program).await, criteria);
    let weight: i64 = sqlx::query_scalar("SELECT weight FROM program_rubric WHERE id = $1")
        .bind(criteria[0])
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(weight, 25);
    let scores = app.count("review_scores").await;
    assert_eq!(scores, 1, "scores are kept");
    app.stop().await;
}

/// The program's clock as (date, HH:MM) some minutes from now.
fn local_in(minutes: i64) -> (String, String) {
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let z = (jiff::Timestamp::now() + jiff::SignedDuration::from_mins(minutes)).to_zoned(tz);
    (
        z.strftime("%Y-%m-%d").to_string(),
        z.strftime("%H:%M").to_string(),
    )
}

/// Kansas's lead with a complete draft, Minnesota's lead, the admin; the
/// program's deadline passed two hours ago.
struct Late {
    app: TestApp,
    lead: Browser,
    lead_mn: i64,
    admin: Browser,
    token: String,
    /// The deadline that passed.
    due: i64,
}

async fn late(backend: Backend) -> Late {
    let app = TestApp::spawn(backend).await;
    let program = future_program(&app, "acp").await;
    let (_, pw) = app
        .add_user("lead@ks.gov", "state_lead", Some("acp"), Some("KS"))
        .await;
    let (lead_mn, _) = app
        .add_user("lead@mn.gov", "state_lead", Some("acp"), Some("MN"))
        .await;
    let lead = app.browser();
    lead.sign_in("lead@ks.gov", &pw).await;
    complete_draft(&lead, "acp").await;
    let (admin, token) = admin(&app).await;
    let due = waymark::time::now_ms() - 2 * 3_600_000;
    sqlx::query("UPDATE programs SET applications_due_at = $1 WHERE id = $2")
        .bind(due)
        .bind(program)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    Late {
        app,
        lead,
        lead_mn,
        admin,
        token,
        due,
    }
}

/// Minnesota's complete draft, written through the API; its lead's token.
async fn minnesota_ready(l: &Late) -> String {
    let client = reqwest::Client::new();
    let mn_token = l.app.token_for(l.lead_mn, "lead@mn.gov").await;
    let url = format!("{}/api/v1/programs/acp/applications/MN", l.app.base);
    let whole = json!({"answers": [], "members": [{"name": "Ana", "agency": "MDE", "sector": "secondary_cte", "level": "state"}],
        "signer_name": "Dr. Lee", "signer_title": "Commissioner", "commitments": [true, true, true]});
    let draft: Value = client
        .put(&url)
        .bearer_auth(&mn_token)
        .json(&whole)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answers: Vec<Value> = draft["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| json!({"question_id": a["question_id"], "answer": "Yes."}))
        .collect();
    let mut whole = whole;
    whole["answers"] = json!(answers);
    assert_eq!(
        client
            .put(&url)
            .bearer_auth(&mn_token)
            .json(&whole)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let pdf = waymark::application::letter::sample_pdf("Minnesota commits.");
    client
        .put(format!("{url}/letter?filename=l.pdf"))
        .bearer_auth(&mn_token)
        .header("content-type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .unwrap();
    mn_token
}

/// The admin's extension of Minnesota's deadline through the API.
async fn extend_minnesota(l: &Late, until_date: &str, until_time: &str) -> reqwest::Response {
    reqwest::Client::new()
        .put(format!(
            "{}/api/v1/programs/acp/applications/MN/extension",
            l.app.base
        ))
        .bearer_auth(&l.token)
        .json(&json!({"until_date": until_date, "until_time": until_time}))
        .send()
        .await
        .unwrap()
}

/// The extension actions in the audit log, in order.
async fn extension_audits(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action IN ('grant_extension', 'clear_extension') ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

/// Once the deadline has passed, a submission is refused and says when it was.
async fn after_the_deadline_a_submission_is_refused(backend: Backend) {
    let l = late(backend).await;
    let refused = l
        .lead
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("The deadline was"));
    l.app.stop().await;
}

/// The admin's page has the extension form; the lead's does not and may
/// not post to it.
async fn only_the_admin_extends_a_deadline(backend: Backend) {
    let l = late(backend).await;
    let page = l.admin.get("/programs/acp/applications/KS").await;
    assert!(page.body.contains("Deadline extension") && page.body.contains("has no extension"));
    assert!(
        !l.lead
            .get("/programs/acp/applications/KS")
            .await
            .body
            .contains("Save the extension")
    );
    let (date, time) = local_in(10);
    assert_eq!(
        l.lead
            .submit(
                "/programs/acp/application",
                "/programs/acp/applications/KS/extension",
                &[("until_date", &date), ("until_time", &time)],
            )
            .await
            .status,
        403
    );
    l.app.stop().await;
}

/// Before the deadline is no extension: refused next to the field.
async fn an_extension_must_end_after_the_deadline(backend: Backend) {
    let l = late(backend).await;
    let (early_date, early_time) = local_in(-3 * 60);
    let bad = l
        .admin
        .submit(
            "/programs/acp/applications/KS",
            "/programs/acp/applications/KS/extension",
            &[("until_date", &early_date), ("until_time", &early_time)],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"until_date-error\""));
    assert!(
        bad.body
            .contains("An extension must end after the program&#39;s deadline")
            || bad
                .body
                .contains("An extension must end after the program's deadline")
    );
    let ext: Option<i64> = sqlx::query_scalar("SELECT extension_until FROM applications")
        .fetch_one(&l.app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(ext, None);
    l.app.stop().await;
}

/// An extension saved on the admin's page lets the state submit late.
async fn an_extension_lets_one_state_submit_late(backend: Backend) {
    let l = late(backend).await;
    let (date, time) = local_in(10);
    let ok = l
        .admin
        .submit(
            "/programs/acp/applications/KS",
            "/programs/acp/applications/KS/extension",
            &[("until_date", &date), ("until_time", &time)],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(
        ok.location.as_deref(),
        Some("/programs/acp/applications/KS?done=extension-saved#extension")
    );
    let page = l
        .admin
        .get("/programs/acp/applications/KS?done=extension-saved")
        .await;
    assert!(page.body.contains("The extension is saved."));
    assert!(page.body.contains("Kansas has an extension until"));
    assert!(page.body.contains(&format!("value=\"{time}\"")));
    let accepted = l
        .lead
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert_eq!(extension_audits(&l.app).await, ["grant_extension"]);
    l.app.stop().await;
}

/// Through the API: a state does not extend its own deadline, a time we
/// cannot read is named, then the extension is granted.
async fn the_api_grants_an_extension_to_the_admin_only(backend: Backend) {
    let l = late(backend).await;
    let mn_token = minnesota_ready(&l).await;
    let url = format!("{}/api/v1/programs/acp/applications/MN", l.app.base);
    let (date, time) = local_in(10);
    assert_eq!(
        reqwest::Client::new()
            .put(format!("{url}/extension"))
            .bearer_auth(&mn_token)
            .json(&json!({"until_date": date, "until_time": time}))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "a state does not extend its own deadline"
    );
    let bad = extend_minnesota(&l, &date, "5pm").await;
    assert_eq!(bad.status(), 422);
    let err: Value = bad.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "until_time");
    let granted = extend_minnesota(&l, &date, &time).await;
    assert_eq!(granted.status(), 200);
    let body: Value = granted.json().await.unwrap();
    let until = body["extension_until"].as_i64().unwrap();
    assert!(until > l.due);
    l.app.stop().await;
}

/// The extension ended a second ago: refused, and the message names its end.
async fn an_ended_extension_refuses_and_names_its_end(backend: Backend) {
    let l = late(backend).await;
    let mn_token = minnesota_ready(&l).await;
    let (date, time) = local_in(10);
    assert_eq!(extend_minnesota(&l, &date, &time).await.status(), 200);
    let ended = waymark::time::now_ms() - 1_001;
    sqlx::query("UPDATE applications SET extension_until = $1 WHERE state_code = 'MN'")
        .bind(ended)
        .execute(&l.app.state.db.pool)
        .await
        .unwrap();
    let late = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/programs/acp/applications/MN/submit",
            l.app.base
        ))
        .bearer_auth(&mn_token)
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 409);
    let err: Value = late.json().await.unwrap();
    assert_eq!(err["error"]["code"], "too_late");
    let expected = waymark::program::deadline::describe(
        jiff::Timestamp::from_millisecond(ended).unwrap(),
        "America/New_York",
    );
    assert!(expected.contains(" EST ") || expected.contains(" EDT "));
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("The deadline was {expected}.")),
        "{message}"
    );
    l.app.stop().await;
}

/// An extension is cleared with empty values; a state that did not apply
/// has nothing to extend.
async fn an_extension_is_cleared_with_empty_values(backend: Backend) {
    let l = late(backend).await;
    minnesota_ready(&l).await;
    let (date, time) = local_in(10);
    assert_eq!(extend_minnesota(&l, &date, &time).await.status(), 200);
    let cleared: Value = extend_minnesota(&l, "", "").await.json().await.unwrap();
    assert_eq!(cleared["extension_until"], Value::Null);
    assert_eq!(
        reqwest::Client::new()
            .put(format!(
                "{}/api/v1/programs/acp/applications/OR/extension",
                l.app.base
            ))
            .bearer_auth(&l.token)
            .json(&json!({"until_date": date, "until_time": time}))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "no application, nothing to extend"
    );
    assert_eq!(
        extension_audits(&l.app).await,
        ["grant_extension", "clear_extension"]
    );
    l.app.stop().await;
}

async fn the_general_track_asks_for_priorities_not_a_letter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let req = waymark::program::create::NewProgramRequest {
        name: "Moving Pathways Forward: general TA".into(),
        slug: "gta".into(),
        template: "general".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2099-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "OCTAE".into(),
        provider: "Provider".into(),
    };
    waymark::program::service::create_program(&app.state, (None, "test".into()), "", &req)
        .await
        .unwrap();
    let (_, pw) = app
        .add_user("lead@co.gov", "state_lead", Some("gta"), Some("CO"))
        .await;
    let b = app.browser();
    b.sign_in("lead@co.gov", &pw).await;
    let page = "/programs/gta/application";
    b.submit(page, "/programs/gta/application/start", &[]).await;
    let form = b.get(page).await;
    for (_, name) in waymark::application::PRIORITY_COMPONENTS {
        assert!(form.body.contains(name), "{name} is offered");
    }
    assert!(form.body.contains("name=\"priorities\" value=\"funding\""));
    assert!(!form.body.contains("Letter of commitment"));
    assert!(form.body.contains("Choose at least one component"));

    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT q.id FROM program_key_questions q JOIN programs p ON p.id = q.program_id WHERE p.slug = 'gta' ORDER BY q.position",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let names: Vec<String> = ids.iter().map(|id| format!("answer_{id}")).collect();
    let mut fields: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "Our answer.")).collect();
    let res = b
        .submit(
            page,
            "/programs/gta/application/members",
            &[
                ("name", "Ana Ruiz"),
                ("agency", "CDE"),
                ("sector", "secondary_cte"),
                ("level", "state"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let res = b
        .submit(page, "/programs/gta/application/answers", &fields)
        .await;
    assert_eq!(res.status, 303);
    let early = b
        .submit(page, "/programs/gta/application/submit", &[])
        .await;
    assert_eq!(early.status, 422);
    assert!(early.body.contains(
        "Choose at least one component of a career pathways system your state wants help with."
    ));

    let mut bad = fields.clone();
    bad.push(("priorities", "astrology"));
    let res = b
        .submit(page, "/programs/gta/application/answers", &bad)
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"priorities-error\""));
    assert_eq!(app.count("application_priorities").await, 0);

    fields.extend([("priorities", "data"), ("priorities", "partnerships")]);
    let res = b
        .submit(page, "/programs/gta/application/answers", &fields)
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(app.count("application_priorities").await, 2);
    let ready = b.get(page).await;
    assert!(
        ready.body.contains("Everything needed is here."),
        "no letter needed"
    );
    assert!(ready.body.contains(
        "id=\"priority-data\" type=\"checkbox\" name=\"priorities\" value=\"data\" checked"
    ));
    let done = b
        .submit(page, "/programs/gta/application/submit", &[])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    let (_, subject, text) = outbox(&app).await.pop().unwrap();
    assert!(subject.contains("Moving Pathways Forward"));
    assert!(text.contains("PRIORITY COMPONENTS"));
    assert!(
        text.contains(
            "- Cross-agency Partnerships and Industry Engagement\n- Data Systems and Evaluation"
        ),
        "{text}"
    );
    assert!(!text.contains("LETTER OF COMMITMENT"));

    let (admin, admin_token) = admin(&app).await;
    let read = admin.get("/programs/gta/applications/CO").await;
    assert_eq!(read.status, 200);
    assert!(read.body.contains("<li>Data Systems and Evaluation</li>"));
    assert!(!read.body.contains("<li>Funding and Sustainability</li>"));
    let client = reqwest::Client::new();
    let got: Value = client
        .get(format!("{}/api/v1/programs/gta/applications/CO", app.base))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["priorities"], json!(["partnerships", "data"]));

    // The API: priorities with the draft; only on the general track.
    let (ks_id, _) = app
        .add_user("lead@ks.gov", "state_lead", Some("gta"), Some("KS"))
        .await;
    let ks = app.token_for(ks_id, "lead@ks.gov").await;
    let url = format!("{}/api/v1/programs/gta/applications/KS", app.base);
    let bad = client
        .put(&url)
        .bearer_auth(&ks)
        .json(&json!({"priorities": ["vision", "astrology"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let err: Value = bad.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "priorities");
    let ok: Value = client
        .put(&url)
        .bearer_auth(&ks)
        .json(&json!({"priorities": ["funding", "vision"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["priorities"], json!(["vision", "funding"]));
    let submit: Value = client
        .post(format!("{url}/submit"))
        .bearer_auth(&ks)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields: Vec<&str> = submit["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["answers", "members"],
        "no letter on the general track"
    );

    let (co_intensive, _) = app
        .add_user("lead2@co.gov", "state_lead", Some("acp"), Some("CO"))
        .await;
    let intensive = app.token_for(co_intensive, "lead2@co.gov").await;
    let res = client
        .put(format!("{}/api/v1/programs/acp/applications/CO", app.base))
        .bearer_auth(&intensive)
        .json(&json!({"priorities": ["data"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "priorities");
    app.stop().await;
}
