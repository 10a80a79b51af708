//! Review, selection and state teams: recusal, scoring, the side-by-side
//! comparison, ranking, decisions emailed through a real SMTP server, the
//! team formed on selection, and the lead's roster changes.

use serde_json::{Value, json};

use crate::applications::{complete_draft, future_program, outbox};
use crate::both_backends;
use crate::helpers::{Backend, Browser, SmtpSink, TestApp, unfold_qp};

both_backends!(
    a_reviewer_is_never_given_their_own_states_application,
    automatic_assignment_gives_two_reviewers_each_never_one_from_the_state,
    a_reviewer_sees_only_the_applications_assigned_to_them,
    a_review_with_gaps_is_refused_a_draft_is_kept_then_it_is_submitted,
    a_reviewer_scores_their_assignment_through_the_api,
    the_comparison_shows_each_applications_average_and_a_wide_spread,
    each_rank_is_given_once_and_a_misshapen_ranking_clears_nothing,
    decisions_are_emailed_and_a_selection_is_final,
    the_selected_state_gets_its_team_and_its_members_are_invited,
    the_lead_sees_the_decision_and_home_leads_each_to_their_part,
    the_lead_manages_the_roster_and_a_removed_member_loses_access,
    the_admin_assigns_a_coach_who_then_sees_the_team,
);

const SLUG: &str = "acp";

/// A lead who has applied for their state, with one proposed member who
/// has an email address.
async fn applicant(app: &TestApp, state: &str, member_email: &str) -> (i64, Browser) {
    let email = format!("lead@{}.gov", state.to_lowercase());
    let (id, pw) = app
        .add_user(&email, "state_lead", Some(SLUG), Some(state))
        .await;
    let b = app.browser();
    b.sign_in(&email, &pw).await;
    complete_draft(&b, SLUG).await;
    let page = format!("/programs/{SLUG}/application");
    let res = b
        .submit(
            &page,
            &format!("{page}/members"),
            &[
                ("name", "Gil Member"),
                ("agency", "Adult Education Office"),
                ("email", member_email),
                ("sector", "adult_education"),
                ("level", "local"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let res = b.submit(&page, &format!("{page}/submit"), &[]).await;
    assert_eq!(res.status, 303, "{state} submits: {}", res.body);
    (id, b)
}

struct Api {
    base: String,
    token: String,
}

impl Api {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        crate::helpers::call_at(&self.base, &self.token, method, path, body).await
    }
}

async fn api_for(app: &TestApp, id: i64, email: &str) -> Api {
    Api {
        base: app.base.clone(),
        token: app.token_for(id, email).await,
    }
}

fn field_names(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// KS and CO have applied (each lead with one proposed member who has an
/// email address); the admin; three reviewers: one from Kansas, A and B.
struct World {
    app: TestApp,
    program_id: i64,
    ks_lead: Browser,
    admin: Browser,
    admin_api: Api,
    kansan: i64,
    kansan_pw: String,
    rev_a: i64,
    rev_a_pw: String,
    rev_b: i64,
}

async fn world(app: TestApp) -> World {
    let program_id = future_program(&app, SLUG).await;
    let (_, ks_lead) = applicant(&app, "KS", "gil@ks.gov").await;
    let (_, _co_lead) = applicant(&app, "CO", "gil@co.gov").await;
    let (admin_id, admin_pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &admin_pw).await;
    let admin_api = api_for(&app, admin_id, "admin@ta.org").await;
    let (kansan, kansan_pw) = app
        .add_user("rev@kansas.edu", "reviewer", Some(SLUG), Some("KS"))
        .await;
    let (rev_a, rev_a_pw) = app
        .add_user("a@review.org", "reviewer", Some(SLUG), None)
        .await;
    let (rev_b, _) = app
        .add_user("b@review.org", "reviewer", Some(SLUG), None)
        .await;
    World {
        app,
        program_id,
        ks_lead,
        admin,
        admin_api,
        kansan,
        kansan_pw,
        rev_a,
        rev_a_pw,
        rev_b,
    }
}

/// The id of the state's application.
async fn application_of(w: &World, state: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM applications WHERE program_id = $1 AND state_code = $2")
        .bind(w.program_id)
        .bind(state)
        .fetch_one(&w.app.state.db.pool)
        .await
        .unwrap()
}

/// The assignments automatic assignment makes here: Kansas to A and B,
/// Colorado to the Kansan and A.
async fn assigned(w: &World) {
    let (ks, co) = (application_of(w, "KS").await, application_of(w, "CO").await);
    let program = w.app.in_program(w.program_id);
    for (application, reviewer) in [(ks, w.rev_a), (ks, w.rev_b), (co, w.kansan), (co, w.rev_a)] {
        program.review(application, reviewer).await;
    }
}

/// Kansas reviewed: all fives from A (100), all threes from B (60).
async fn kansas_reviewed(w: &World) {
    let ks = application_of(w, "KS").await;
    let program = w.app.in_program(w.program_id);
    program.submitted_review(ks, w.rev_a, 5).await;
    program.submitted_review(ks, w.rev_b, 3).await;
}

/// The decisions: Kansas selected on the page (with a welcome), Colorado
/// declined through the API.
async fn decided(w: &World) {
    let selection = format!("/programs/{SLUG}/selection");
    let res = w
        .admin
        .submit(
            &selection,
            &format!("{selection}/decision"),
            &[
                ("state", "KS"),
                ("decision", "selected"),
                ("message", "Welcome to the cohort."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (status, _) = w
        .admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/applications/CO/decision"),
            Some(json!({"decision": "declined", "message": "Please apply again next year."})),
        )
        .await;
    assert_eq!(status, 204);
}

/// Each of these actions is in the audit log, done.
async fn assert_audited(app: &TestApp, actions: &[&str]) {
    for action in actions {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND outcome = 'ok'",
        )
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(n > 0, "{action} is audited");
    }
}

/// Recusal: the Kansan cannot be given Kansas, on the page or the API.
async fn a_reviewer_is_never_given_their_own_states_application(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        app,
        admin,
        admin_api,
        kansan,
        ..
    } = &w;
    let selection = format!("/programs/{SLUG}/selection");
    let page = admin.get(&selection).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Test reviewer (does not review KS)"));
    let refused = admin
        .submit(
            &selection,
            &format!("{selection}/assign"),
            &[("state", "KS"), ("reviewer_id", &kansan.to_string())],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("is from KS and cannot review KS&#39;s application.")
            || refused
                .body
                .contains("is from KS and cannot review KS's application."),
        "{}",
        refused.body
    );
    let (status, body) = admin_api
        .call(
            "POST",
            &format!("/api/v1/programs/{SLUG}/selection/assignments"),
            Some(json!({"state": "KS", "reviewer_id": kansan})),
        )
        .await;
    assert_eq!(
        (status, field_names(&body)),
        (422, vec!["reviewer_id".into()])
    );
    assert_eq!(app.count("review_assignments").await, 0);
    w.app.stop().await;
}

/// Automatic assignment: two per application, never the Kansan on Kansas.
async fn automatic_assignment_gives_two_reviewers_each_never_one_from_the_state(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        app,
        admin_api,
        kansan,
        ..
    } = &w;
    let (status, body) = admin_api
        .call(
            "POST",
            &format!("/api/v1/programs/{SLUG}/selection/auto-assign"),
            Some(json!({"per_application": 2})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["assigned"], 4);
    let kansan_on_kansas: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_assignments ra JOIN applications a ON a.id = ra.application_id
         WHERE a.state_code = 'KS' AND ra.reviewer_id = $1",
    )
    .bind(kansan)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(kansan_on_kansas, 0);
    assert_audited(app, &["assign_reviewers_automatically"]).await;
    w.app.stop().await;
}

/// A reviewer sees only what they are assigned.
async fn a_reviewer_sees_only_the_applications_assigned_to_them(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    assigned(&w).await;
    let kansan_b = w.app.browser();
    kansan_b.sign_in("rev@kansas.edu", &w.kansan_pw).await;
    let mine = kansan_b.get(&format!("/programs/{SLUG}/reviews")).await;
    assert!(mine.body.contains("Colorado") && !mine.body.contains("Kansas</a>"));
    assert_eq!(
        kansan_b
            .get(&format!("/programs/{SLUG}/reviews/KS"))
            .await
            .status,
        403
    );
    w.app.stop().await;
}

/// Reviewer A scores Kansas through the page: a submission with gaps is
/// refused next to the criteria, a draft is kept, then the whole review.
async fn a_review_with_gaps_is_refused_a_draft_is_kept_then_it_is_submitted(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    assigned(&w).await;
    let ra = w.app.browser();
    ra.sign_in("a@review.org", &w.rev_a_pw).await;
    let review = format!("/programs/{SLUG}/reviews/KS");
    let form = ra.get(&review).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Our answer to question"));
    let criteria: Vec<String> = form
        .body
        .match_indices("name=\"score-")
        .map(|(i, _)| {
            let rest = &form.body[i + "name=\"score-".len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(criteria.len(), 3, "the default rubric's three criteria");
    let first = format!("score-{}", criteria[0]);
    let gap = ra
        .submit(&review, &review, &[(&first, "5"), ("intent", "submit")])
        .await;
    assert_eq!(gap.status, 422);
    assert!(gap.body.contains("before submitting the review"));
    assert!(
        gap.body
            .contains(&format!("href=\"#score-{}\"", criteria[1]))
    );
    let comment = format!("comment-{}", criteria[0]);
    let draft = ra
        .submit(
            &review,
            &review,
            &[
                (&first, "5"),
                (&comment, "Clear, specific answers."),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(draft.status, 303);
    let fields: Vec<(String, String)> = criteria
        .iter()
        .map(|c| (format!("score-{c}"), "5".to_owned()))
        .chain([("intent".to_owned(), "submit".to_owned())])
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let done = ra.submit(&review, &review, &borrowed).await;
    assert_eq!(done.status, 303);
    assert!(ra.get(&review).await.body.contains("100 out of 100"));
    assert_audited(&w.app, &["submit_review"]).await;
    w.app.stop().await;
}

/// Reviewer B scores through the API: only Kansas is theirs, a score out
/// of range is refused by name.
async fn a_reviewer_scores_their_assignment_through_the_api(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    assigned(&w).await;
    let rb_api = api_for(&w.app, w.rev_b, "b@review.org").await;
    let (status, mine) = rb_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/reviews"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["state_code"], "KS");
    let (status, _) = rb_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/reviews/CO"), None)
        .await;
    assert_eq!(status, 403, "not assigned to Colorado");
    let (_, review_json) = rb_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/reviews/KS"), None)
        .await;
    let ids: Vec<i64> = review_json["rubric"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let bad = json!({"scores": [{"criterion_id": ids[0], "score": 9}], "submit": true});
    let (status, body) = rb_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/reviews/KS"),
            Some(bad),
        )
        .await;
    assert_eq!(status, 422);
    assert!(field_names(&body).contains(&format!("score-{}", ids[0])));
    for (state, score) in [("KS", 3)] {
        let scores: Vec<Value> = ids
            .iter()
            .map(|id| json!({"criterion_id": id, "score": score, "comment": "Solid."}))
            .collect();
        let (status, body) = rb_api
            .call(
                "PUT",
                &format!("/api/v1/programs/{SLUG}/reviews/{state}"),
                Some(json!({"scores": scores, "submit": true})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_audited(&w.app, &["submit_review"]).await;
    w.app.stop().await;
}

/// The comparison: Kansas averages (100 + 60) / 2 with a wide spread.
async fn the_comparison_shows_each_applications_average_and_a_wide_spread(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    kansas_reviewed(&w).await;
    let selection = format!("/programs/{SLUG}/selection");
    let (status, cmp) = w
        .admin_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/selection"), None)
        .await;
    assert_eq!(status, 200);
    let ks = cmp["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["state_code"] == "KS")
        .unwrap()
        .clone();
    assert_eq!(ks["summary"]["reviews"], 2);
    assert_eq!(ks["summary"]["average"], 80.0);
    assert_eq!(ks["summary"]["spread"], 40.0);
    assert_eq!(ks["wide_spread"], true);
    assert_eq!(ks["members"], 7);
    assert_eq!(ks["letter_name"], "Signed letter.pdf");
    let page = w.admin.get(&selection).await;
    assert!(page.body.contains("(wide: discuss)"));
    w.app.stop().await;
}

/// Ranking: each rank once; a body that is not the ranking's shape is
/// refused and clears nothing.
async fn each_rank_is_given_once_and_a_misshapen_ranking_clears_nothing(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        admin, admin_api, ..
    } = &w;
    let selection = format!("/programs/{SLUG}/selection");
    let (status, body) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/selection/ranking"),
            Some(json!({"ranks": {"KS": 1, "CO": 1}})),
        )
        .await;
    assert_eq!((status, field_names(&body)), (422, vec!["ranking".into()]));
    let res = admin
        .submit(
            &selection,
            &format!("{selection}/ranking"),
            &[("rank-KS", "2"), ("rank-CO", "1")],
        )
        .await;
    assert_eq!(res.status, 303);
    let (_, cmp) = admin_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/selection"), None)
        .await;
    assert_eq!(cmp["applications"][0]["state_code"], "CO", "ranked first");
    for body in [
        json!({}),
        json!([]),
        json!({"ranks": []}),
        json!({"rank": {"CO": 2}}),
    ] {
        let (status, v) = admin_api
            .call(
                "PUT",
                &format!("/api/v1/programs/{SLUG}/selection/ranking"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 422, "{body}: {v}");
    }
    let (_, cmp) = admin_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/selection"), None)
        .await;
    assert_eq!(
        cmp["applications"][0]["state_code"], "CO",
        "still ranked first"
    );
    assert_audited(&w.app, &["rank_applications"]).await;
    w.app.stop().await;
}

/// Decisions: a form without a choice is refused next to the choice; a
/// selection is final; the decisions are emailed and arrive at the SMTP
/// server.
async fn decisions_are_emailed_and_a_selection_is_final(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let w = world(TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await).await;
    let World {
        app,
        admin,
        admin_api,
        ..
    } = &w;
    let selection = format!("/programs/{SLUG}/selection");
    let before = app.count("outbox").await;
    let none = admin
        .submit(
            &selection,
            &format!("{selection}/decision"),
            &[("state", "CO")],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("id=\"decision-CO-error\""));
    assert_eq!(app.count("outbox").await, before, "nothing sent");
    decided(&w).await;
    let (status, body) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/applications/KS/decision"),
            Some(json!({"decision": "declined"})),
        )
        .await;
    assert_eq!(status, 409, "a selection is final: {body}");
    let mails = outbox(app).await;
    let new: Vec<_> = mails[before as usize..].to_vec();
    let subjects: Vec<&str> = new.iter().map(|m| m.1.as_str()).collect();
    assert!(
        subjects.contains(&"Kansas is selected for Advancing Career Pathways"),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&"You are invited to Waymark"),
        "{subjects:?}"
    );
    assert!(
        new.iter()
            .any(|m| m.0 == "lead@co.gov" && m.2.contains("Please apply again next year."))
    );
    let arrived = smtp.wait_for(mails.len(), 20).await;
    let decisions: Vec<_> = arrived
        .iter()
        .map(|m| unfold_qp(m))
        .filter(|m| {
            m.contains("Welcome to the cohort.") || m.contains("Please apply again next year.")
        })
        .collect();
    assert_eq!(decisions.len(), 2, "both decision emails arrive");
    assert_audited(app, &["decide_application"]).await;
    w.app.stop().await;
}

/// The team: the lead, the proposed members; the one with an email is
/// invited; only the selected state has a team.
async fn the_selected_state_gets_its_team_and_its_members_are_invited(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        app,
        program_id,
        ks_lead,
        ..
    } = &w;
    decided(&w).await;
    let team_path = format!("/programs/{SLUG}/teams/KS");
    let team = ks_lead.get(&team_path).await;
    assert_eq!(team.status, 200);
    assert!(
        team.body
            .contains("Every sector the program requires is on the team.")
    );
    assert!(team.body.contains("Gil Member") && team.body.contains("Invited, not yet accepted"));
    let gil: (i64, String) = sqlx::query_as(
        "SELECT u.id, g.role FROM users u JOIN role_grants g ON g.user_id = u.id WHERE u.email = 'gil@ks.gov' AND g.program_id = $1",
    )
    .bind(program_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(gil.1, "state_member");
    assert_eq!(
        app.count("state_teams").await,
        1,
        "only the selected state has a team"
    );
    assert_audited(app, &["form_team"]).await;
    w.app.stop().await;
}

/// The lead sees the decision on the application, through the page and
/// the API; each person's home page leads to their part.
async fn the_lead_sees_the_decision_and_home_leads_each_to_their_part(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        app,
        ks_lead,
        admin,
        rev_a_pw,
        ..
    } = &w;
    decided(&w).await;
    let team_path = format!("/programs/{SLUG}/teams/KS");
    let own = ks_lead.get(&format!("/programs/{SLUG}/application")).await;
    assert!(own.body.contains("Decision: Selected"));
    assert!(own.body.contains("Welcome to the cohort."));
    assert!(own.body.contains(&format!("href=\"{team_path}\"")));
    let ks_api = ks_lead_api(app).await;
    let (_, own) = ks_api
        .call(
            "GET",
            &format!("/api/v1/programs/{SLUG}/applications/KS"),
            None,
        )
        .await;
    assert_eq!(own["decision"], "selected");
    assert_eq!(own["decision_message"], "Welcome to the cohort.");
    let home = ks_lead.get("/").await;
    assert!(home.body.contains(&format!("href=\"{team_path}\"")));
    let home = admin.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/programs/{SLUG}/selection\""))
    );
    let ra = app.browser();
    ra.sign_in("a@review.org", rev_a_pw).await;
    let home = ra.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/programs/{SLUG}/reviews\""))
    );
    assert!(!home.body.contains("/selection\""));
    w.app.stop().await;
}

/// The Kansas lead's API.
async fn ks_lead_api(app: &TestApp) -> Api {
    api_for(
        app,
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'lead@ks.gov'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        "lead@ks.gov",
    )
    .await
}

/// The lead manages the roster: a bad add is refused next to its field;
/// the only lead cannot step down or leave; a member re-invited, then
/// removed, loses their access.
async fn the_lead_manages_the_roster_and_a_removed_member_loses_access(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World { app, ks_lead, .. } = &w;
    decided(&w).await;
    let team_path = format!("/programs/{SLUG}/teams/KS");
    let bad = ks_lead
        .submit(
            &team_path,
            &format!("{team_path}/members"),
            &[
                ("name", "Hal New"),
                ("agency", "Commerce"),
                ("sector", "justice"),
                ("level", "state"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"member_email-error\""));
    let good = ks_lead
        .submit(
            &team_path,
            &format!("{team_path}/members"),
            &[
                ("name", "Hal New"),
                ("email", "hal@ks.gov"),
                ("agency", "Commerce"),
                ("sector", "justice"),
                ("level", "state"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(good.status, 303);
    let ks_api = ks_lead_api(app).await;
    let (_, view) = ks_api
        .call("GET", &format!("/api/v1/programs/{SLUG}/teams/KS"), None)
        .await;
    let members = view["members"].as_array().unwrap();
    let id_of = |email: &str| {
        members.iter().find(|m| m["email"] == email).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (lead_member, hal) = (id_of("lead@ks.gov"), id_of("hal@ks.gov"));
    let (status, _) = ks_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/teams/KS/members/{lead_member}"),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_eq!(status, 409);
    let res = ks_lead
        .submit(
            &team_path,
            &format!("{team_path}/members/{lead_member}/remove"),
            &[],
        )
        .await;
    assert_eq!(res.status, 409);
    assert!(
        res.body.contains("the team&#39;s only lead") || res.body.contains("the team's only lead")
    );
    let res = ks_lead
        .submit(
            &team_path,
            &format!("{team_path}/members/{hal}/reinvite"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    let (status, _) = ks_api
        .call(
            "DELETE",
            &format!("/api/v1/programs/{SLUG}/teams/KS/members/{hal}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let hal_grants: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.email = 'hal@ks.gov'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(hal_grants, 0);
    assert_audited(
        app,
        &[
            "add_team_member",
            "reinvite_team_member",
            "remove_team_member",
        ],
    )
    .await;
    w.app.stop().await;
}

/// The admin assigns a coach (not a reviewer), who then sees the team.
async fn the_admin_assigns_a_coach_who_then_sees_the_team(backend: Backend) {
    let w = world(TestApp::spawn(backend).await).await;
    let World {
        app,
        admin_api,
        rev_a,
        ..
    } = &w;
    decided(&w).await;
    let team_path = format!("/programs/{SLUG}/teams/KS");
    let (coach, coach_pw) = app
        .add_user("coach@ta.org", "coach", Some(SLUG), Some("MA"))
        .await;
    let (status, body) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/teams/KS/coach"),
            Some(json!({"user_id": rev_a})),
        )
        .await;
    assert_eq!((status, field_names(&body)), (422, vec!["coach".into()]));
    let (status, _) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/teams/KS/coach"),
            Some(json!({"user_id": coach})),
        )
        .await;
    assert_eq!(status, 204);
    let cb = app.browser();
    cb.sign_in("coach@ta.org", &coach_pw).await;
    let seen = cb.get(&team_path).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("Test coach"));
    assert_audited(app, &["assign_coach"]).await;
    w.app.stop().await;
}
