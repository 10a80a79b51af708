//! Review, selection and state teams: recusal, scoring, the side-by-side
//! comparison, ranking, decisions emailed through a real SMTP server, the
//! team formed on selection, and the lead's roster changes.

use serde_json::{Value, json};

use crate::applications::{complete_draft, future_program, outbox};
use crate::both_backends;
use crate::helpers::{Backend, Browser, SmtpSink, TestApp, unfold_qp};

both_backends!(review_selection_and_the_team_it_forms);

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

async fn review_selection_and_the_team_it_forms(backend: Backend) {
    let Some(smtp) = SmtpSink::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, &[("smtp_url", &smtp.url())]).await;
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

    // Recusal: the Kansan cannot be given Kansas, on the page or the API.
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

    // Automatic assignment: two per application, never the Kansan on Kansas.
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

    // A reviewer sees only what they are assigned.
    let kansan_b = app.browser();
    kansan_b.sign_in("rev@kansas.edu", &kansan_pw).await;
    let mine = kansan_b.get(&format!("/programs/{SLUG}/reviews")).await;
    assert!(mine.body.contains("Colorado") && !mine.body.contains("Kansas</a>"));
    assert_eq!(
        kansan_b
            .get(&format!("/programs/{SLUG}/reviews/KS"))
            .await
            .status,
        403
    );

    // Reviewer A scores Kansas through the page: a submission with gaps is
    // refused next to the criteria, a draft is kept, then the whole review.
    let ra = app.browser();
    ra.sign_in("a@review.org", &rev_a_pw).await;
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

    // Reviewer B scores both through the API, lower on Kansas.
    let rb_api = api_for(&app, rev_b, "b@review.org").await;
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

    // The comparison: Kansas averages (100 + 60) / 2 with a wide spread.
    let (status, cmp) = admin_api
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
    let page = admin.get(&selection).await;
    assert!(page.body.contains("(wide: discuss)"));

    // Ranking: each rank once.
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
    // A body that is not the ranking's shape is refused and clears nothing.
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

    // Decisions: a form without a choice is refused next to the choice.
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

    // Kansas selected on the page, Colorado declined through the API.
    let res = admin
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
    let (status, _) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/applications/CO/decision"),
            Some(json!({"decision": "declined", "message": "Please apply again next year."})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = admin_api
        .call(
            "PUT",
            &format!("/api/v1/programs/{SLUG}/applications/KS/decision"),
            Some(json!({"decision": "declined"})),
        )
        .await;
    assert_eq!(status, 409, "a selection is final: {body}");
    let mails = outbox(&app).await;
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
    // ... and they arrive at the SMTP server.
    let arrived = smtp.wait_for(mails.len(), 20).await;
    let decisions: Vec<_> = arrived
        .iter()
        .map(|m| unfold_qp(m))
        .filter(|m| {
            m.contains("Welcome to the cohort.") || m.contains("Please apply again next year.")
        })
        .collect();
    assert_eq!(decisions.len(), 2, "both decision emails arrive");

    // The team: the lead, the proposed members; the one with an email is invited.
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

    // The lead sees the decision on the application, through the page and the API.
    let own = ks_lead.get(&format!("/programs/{SLUG}/application")).await;
    assert!(own.body.contains("Decision: Selected"));
    assert!(own.body.contains("Welcome to the cohort."));
    assert!(own.body.contains(&format!("href=\"{team_path}\"")));

    // Each person's home page leads to their part.
    let home = ks_lead.get("/").await;
    assert!(home.body.contains(&format!("href=\"{team_path}\"")));
    let home = admin.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/programs/{SLUG}/selection\""))
    );
    let home = ra.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/programs/{SLUG}/reviews\""))
    );
    assert!(!home.body.contains("/selection\""));

    // The lead manages the roster: a bad add is refused next to its field.
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
    let ks_api = api_for(
        &app,
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'lead@ks.gov'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        "lead@ks.gov",
    )
    .await;
    let (_, own) = ks_api
        .call(
            "GET",
            &format!("/api/v1/programs/{SLUG}/applications/KS"),
            None,
        )
        .await;
    assert_eq!(own["decision"], "selected");
    assert_eq!(own["decision_message"], "Welcome to the cohort.");
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
    // The only lead cannot step down or leave.
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
    // Re-invite, then remove: Hal's access goes with him.
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

    // The admin assigns a coach, who then sees the team.
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

    // Every change is in the audit log.
    for action in [
        "assign_reviewers_automatically",
        "submit_review",
        "rank_applications",
        "decide_application",
        "form_team",
        "add_team_member",
        "reinvite_team_member",
        "remove_team_member",
        "assign_coach",
    ] {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND outcome = 'ok'",
        )
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(n > 0, "{action} is audited");
    }
    let _ = admin_id;
    app.stop().await;
}
