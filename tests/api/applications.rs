//! A state's application from registration to submission, through the
//! pages and the API, with the deadline enforced to the second.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp, call, set_password_link};

both_backends!(
    registration_refuses_a_bad_form_then_confirms_the_address_by_email,
    registering_again_with_the_same_address_changes_nothing,
    a_lead_is_offered_to_start_the_states_application,
    an_empty_draft_is_refused_with_the_reasons,
    a_bad_proposed_member_is_refused_next_to_its_field,
    a_complete_application_is_submitted_and_sent_back_by_email,
    a_submitted_application_is_read_only_and_can_be_withdrawn,
    the_deadline_is_enforced_with_extensions,
    applications_through_the_api,
    letters_are_checked_by_content_and_stored_safely,
);

async fn uploads_on_disk(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|e| {
                e.flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.dir.path().join("uploads"))
}

async fn letters_are_checked_by_content_and_stored_safely(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let (_, pw) = app
        .add_user("lead@mn.gov", "state_lead", Some("acp"), Some("MN"))
        .await;
    let (_, other_pw) = app
        .add_user("lead@ks.gov", "state_lead", Some("acp"), Some("KS"))
        .await;
    let b = app.browser();
    b.sign_in("lead@mn.gov", &pw).await;
    let page = "/programs/acp/application";
    b.submit(page, "/programs/acp/application/start", &[]).await;
    let action = "/programs/acp/application/letter-file";
    let mut exe = b"MZ\x90\x00\x03".to_vec();
    exe.extend(vec![0u8; 4096]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "letter.pdf",
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            "This file is not a PDF.",
        ),
        ("letter.pdf", exe, "This file is not a PDF."),
        ("letter.pdf", vec![], "The file is empty."),
        (
            "letter.pdf",
            vec![b'%'; waymark::application::letter::MAX_BYTES + 1],
            "larger than 10 MB",
        ),
    ];
    for (name, bytes, message) in cases {
        let res = b.upload(page, action, "letter_file", name, bytes).await;
        assert_eq!(res.status, 422, "{message}");
        assert!(res.body.contains(message), "{message}");
        assert!(res.body.contains("id=\"letter_file-error\""));
    }
    assert_eq!(uploads_on_disk(&app).await, 0, "nothing refused is stored");
    let key: Option<String> = sqlx::query_scalar("SELECT letter_key FROM applications")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(key.is_none());

    // A real PDF with a hostile name is stored under our own key.
    let pdf = waymark::application::letter::sample_pdf("Minnesota commits.");
    let res = b
        .upload(
            page,
            action,
            "letter_file",
            "../../../etc/passwd\";.pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (key, name): (String, String) =
        sqlx::query_as("SELECT letter_key, letter_name FROM applications")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(key.starts_with("letters/") && !key.contains(".."), "{key}");
    assert_eq!(name, "passwd.pdf");
    assert_eq!(uploads_on_disk(&app).await, 1);
    let download = b.get("/programs/acp/applications/MN/letter").await;
    assert_eq!(download.status, 200);
    assert_eq!(download.headers["content-type"], "application/pdf");
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"passwd.pdf\""
    );
    assert_eq!(download.body.as_bytes(), &pdf[..]);

    // Replacing the letter removes the old file; another state cannot read it.
    let res = b
        .upload(
            page,
            action,
            "letter_file",
            "v2.pdf",
            waymark::application::letter::sample_pdf("v2"),
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(uploads_on_disk(&app).await, 1);
    let other = app.browser();
    other.sign_in("lead@ks.gov", &other_pw).await;
    assert_eq!(
        other
            .get("/programs/acp/applications/MN/letter")
            .await
            .status,
        403
    );
    app.stop().await;
}

pub async fn future_program(app: &TestApp, slug: &str) -> i64 {
    let req = waymark::program::create::NewProgramRequest {
        name: "Advancing Career Pathways".into(),
        slug: slug.into(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2099-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "OCTAE".into(),
        provider: "Provider".into(),
    };
    waymark::program::service::create_program(&app.state, (None, "test".into()), "", &req)
        .await
        .unwrap();
    waymark::program::store::find_by_slug(&app.state.db.pool, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT to_addr, subject, text_body FROM outbox ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// Fills in a complete draft through the pages.
pub async fn complete_draft(b: &Browser, slug: &str) {
    let page = format!("/programs/{slug}/application");
    let res = b.submit(&page, &format!("{page}/start"), &[]).await;
    assert_eq!(res.status, 303);
    let form = b.get(&page).await;
    let ids: Vec<String> = form
        .body
        .match_indices("name=\"answer_")
        .map(|(i, _)| {
            let rest = &form.body[i + "name=\"answer_".len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 4, "the four default key questions");
    let fields: Vec<(String, String)> = ids
        .iter()
        .map(|id| {
            (
                format!("answer_{id}"),
                format!("Our answer to question {id}."),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        b.submit(&page, &format!("{page}/answers"), &borrowed)
            .await
            .status,
        303
    );
    for (name, sector) in [
        ("Ana Ruiz", "secondary_cte"),
        ("Ben Ode", "postsecondary_cte"),
        ("Cy Park", "workforce_development"),
        ("Di Lane", "economic_development"),
        ("Ed Voss", "business_and_industry"),
        ("Flo Grant", "human_and_social_services"),
    ] {
        let res = b
            .submit(
                &page,
                &format!("{page}/members"),
                &[
                    ("name", name),
                    ("agency", "State agency"),
                    ("sector", sector),
                    ("level", "state"),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{name}");
    }
    let pdf = waymark::application::letter::sample_pdf("We commit.");
    let res = b
        .upload(
            &page,
            &format!("{page}/letter-file"),
            "letter_file",
            "Signed letter.pdf",
            pdf,
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let res = b
        .submit(
            &page,
            &format!("{page}/letter"),
            &[
                ("signer_name", "Dr. Lee Park"),
                ("signer_title", "Commissioner of Education"),
                ("commit_0", "yes"),
                ("commit_1", "yes"),
                ("commit_2", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
}

/// Colorado's lead (ana@co.gov) for the program "acp", signed in.
async fn colorado_lead(app: &TestApp) -> Browser {
    let (_, pw) = app
        .add_user("ana@co.gov", "state_lead", Some("acp"), Some("CO"))
        .await;
    let b = app.browser();
    assert_eq!(b.sign_in("ana@co.gov", &pw).await.status, 303);
    b
}

/// The lead starts the state's application.
async fn start_the_application(b: &Browser) {
    b.submit(
        "/programs/acp/application",
        "/programs/acp/application/start",
        &[],
    )
    .await;
}

/// The lead completes the draft and submits it.
async fn submit_a_complete_application(b: &Browser) {
    complete_draft(b, "acp").await;
    let done = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
}

/// Each of these actions is in the audit log.
async fn assert_audited(app: &TestApp, actions: &[&str]) {
    let audited: Vec<String> = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    for a in actions {
        assert!(audited.iter().any(|x| x == a), "{a} is in the audit log");
    }
}

/// Registration: a bad form is refused with its reasons and adds no one;
/// a good one emails a link to confirm the address and choose a password.
async fn registration_refuses_a_bad_form_then_confirms_the_address_by_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = app.browser();
    let bad = b
        .submit(
            "/register?program=acp",
            "/register",
            &[
                ("name", "Ana Ruiz"),
                ("email", "ana"),
                ("program", "acp"),
                ("state", "ZZ"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Enter an email address like name@agency.gov.")
            && bad.body.contains("Choose your state.")
    );
    assert_eq!(app.count("users").await, 0);
    let ok = b
        .submit(
            "/register?program=acp",
            "/register",
            &[
                ("name", "Ana Ruiz"),
                ("email", "ana@co.gov"),
                ("program", "acp"),
                ("state", "CO"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("Check your email"));
    let mails = outbox(&app).await;
    assert_eq!(mails[0].1, "Confirm your email address for Waymark");
    let link = set_password_link(&mails[0].2).unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let set = b
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
    assert_eq!(set.status, 303);
    assert_eq!(
        b.sign_in("ana@co.gov", "colorado pathways team")
            .await
            .status,
        303
    );
    assert_audited(&app, &["register"]).await;
    app.stop().await;
}

/// Registering again with the same address changes nothing and says the
/// same; the address's owner is told by email.
async fn registering_again_with_the_same_address_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    colorado_lead(&app).await;
    let again = app
        .browser()
        .submit(
            "/register",
            "/register",
            &[
                ("name", "Someone"),
                ("email", "ANA@co.gov"),
                ("program", "acp"),
                ("state", "KS"),
            ],
        )
        .await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("Check your email"));
    assert_eq!(app.count("users").await, 1);
    assert_eq!(
        outbox(&app).await.last().unwrap().1,
        "You already have a Waymark account"
    );
    app.stop().await;
}

/// A state's lead, signed in, is offered to start the state's application.
async fn a_lead_is_offered_to_start_the_states_application(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = colorado_lead(&app).await;
    let page = b.get("/programs/acp/application").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Start Colorado&#39;s application")
            || page.body.contains("Start Colorado's application"),
        "{}",
        page.body
    );
    app.stop().await;
}

/// Submitting an empty draft is refused with the reasons.
async fn an_empty_draft_is_refused_with_the_reasons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = colorado_lead(&app).await;
    start_the_application(&b).await;
    let early = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(early.status, 422);
    assert!(
        early
            .body
            .contains("Answer every key question (4 are still empty).")
    );
    assert!(
        early
            .body
            .contains("Required sectors still missing: Secondary career and technical education")
    );
    assert_audited(&app, &["start_application"]).await;
    app.stop().await;
}

/// A bad member is refused next to its field and not added.
async fn a_bad_proposed_member_is_refused_next_to_its_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = colorado_lead(&app).await;
    start_the_application(&b).await;
    let bad_member = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/members",
            &[
                ("name", "X"),
                ("agency", "Y"),
                ("sector", "astrology"),
                ("level", "state"),
            ],
        )
        .await;
    assert_eq!(bad_member.status, 422);
    assert!(bad_member.body.contains("id=\"member_sector-error\""));
    assert!(
        bad_member.body.contains("value=\"X\""),
        "what was typed is kept"
    );
    assert_eq!(app.count("application_members").await, 0);
    app.stop().await;
}

/// A complete draft says so; submitted, the lead gets the whole
/// application by email.
async fn a_complete_application_is_submitted_and_sent_back_by_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = colorado_lead(&app).await;
    complete_draft(&b, "acp").await;
    let ready = b.get("/programs/acp/application").await;
    assert!(ready.body.contains("Every required sector is on the team."));
    assert!(ready.body.contains("Everything needed is here."));
    let done = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let mails = outbox(&app).await;
    let (to, subject, text) = mails.last().unwrap();
    assert_eq!(to, "ana@co.gov");
    assert_eq!(
        subject,
        "We received CO's application to Advancing Career Pathways"
    );
    assert!(
        text.contains("Our answer to question")
            && text.contains("Flo Grant, State agency (Human and social services, state level)")
    );
    assert!(text.contains("Signed by Dr. Lee Park, Commissioner of Education"));
    assert_audited(&app, &["add_proposed_member", "submit_application"]).await;
    app.stop().await;
}

/// Submitted: read-only, cannot be edited, can be withdrawn.
async fn a_submitted_application_is_read_only_and_can_be_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let b = colorado_lead(&app).await;
    submit_a_complete_application(&b).await;
    let view = b.get("/programs/acp/application").await;
    assert!(view.body.contains("Status: <strong>Submitted</strong>"));
    assert!(!view.body.contains("Save answers"));
    let edit = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/answers",
            &[("answer_1", "changed")],
        )
        .await;
    assert_eq!(edit.status, 409);
    assert!(edit.body.contains("can no longer be changed"));
    let withdrawn = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/withdraw",
            &[],
        )
        .await;
    assert_eq!(withdrawn.status, 303);
    assert!(
        b.get("/programs/acp/application")
            .await
            .body
            .contains("Status: <strong>Withdrawn</strong>")
    );
    assert_audited(&app, &["withdraw_application"]).await;
    app.stop().await;
}

async fn the_deadline_is_enforced_with_extensions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program = future_program(&app, "acp").await;
    let (lead, pw) = app
        .add_user("lead@ks.gov", "state_lead", Some("acp"), Some("KS"))
        .await;
    let b = app.browser();
    b.sign_in("lead@ks.gov", &pw).await;
    complete_draft(&b, "acp").await;
    let token = app.token_for(lead, "lead@ks.gov").await;

    // The deadline passed a second ago.
    let late = waymark::time::now_ms() - 1_001;
    sqlx::query("UPDATE programs SET applications_due_at = $1 WHERE id = $2")
        .bind(late)
        .bind(program)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let refused = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    // The page and the API refuse it alike: 409, in the same words.
    assert_eq!(refused.status, 409);
    assert!(
        refused
            .body
            .contains("Applications that arrive after it cannot be accepted"),
        "{}",
        refused.body
    );
    let (status, v) = call(
        &app,
        &token,
        "POST",
        "/api/v1/programs/acp/applications/KS/submit",
        None,
    )
    .await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"]["code"], "too_late");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Applications that arrive after it cannot be accepted")
    );
    let status: String = sqlx::query_scalar("SELECT status FROM applications")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "draft");
    assert_eq!(app.count("outbox").await, 0);

    // An extension for this state lets it in.
    sqlx::query("UPDATE applications SET extension_until = $1")
        .bind(waymark::time::now_ms() + 60_000)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let accepted = b
        .submit(
            "/programs/acp/application",
            "/programs/acp/application/submit",
            &[],
        )
        .await;
    assert_eq!(accepted.status, 303);
    let status: String = sqlx::query_scalar("SELECT status FROM applications")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "submitted");
    app.stop().await;
}

async fn applications_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    future_program(&app, "acp").await;
    let (lead_id, _) = app
        .add_user("lead@or.gov", "state_lead", Some("acp"), Some("OR"))
        .await;
    let (member_id, _) = app
        .add_user("member@or.gov", "state_member", Some("acp"), Some("OR"))
        .await;
    let lead = app.token_for(lead_id, "lead@or.gov").await;
    let member = app.token_for(member_id, "member@or.gov").await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/programs/acp/applications/OR", app.base);

    let empty = client
        .put(&url)
        .bearer_auth(&lead)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 200);
    let draft: Value = empty.json().await.unwrap();
    let qids: Vec<i64> = draft["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question_id"].as_i64().unwrap())
        .collect();
    assert_eq!(qids.len(), 4);

    let bad = client
        .put(&url)
        .bearer_auth(&lead)
        .json(&json!({"answers": [{"question_id": qids[0], "answer": "A"}], "members": [{"name": "Ana", "agency": "ODE", "sector": "astrology", "level": "state"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let err: Value = bad.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "member_sector");
    let unchanged: Value = client
        .get(&url)
        .bearer_auth(&member)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        unchanged["answers"][0]["answer"], "",
        "a refused change changes nothing"
    );

    let incomplete = client
        .post(format!("{url}/submit"))
        .bearer_auth(&lead)
        .send()
        .await
        .unwrap();
    assert_eq!(incomplete.status(), 422);
    let err: Value = incomplete.json().await.unwrap();
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["answers", "members", "letter", "signer", "commitments"]
    );
    let not_pdf = client
        .put(format!("{url}/letter?filename=x.pdf"))
        .bearer_auth(&lead)
        .body("MZ not a pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(not_pdf.status(), 422);
    let err: Value = not_pdf.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "letter_file");
    let pdf = waymark::application::letter::sample_pdf("Oregon commits.");
    let put = client
        .put(format!("{url}/letter?filename=Oregon%20letter.pdf"))
        .bearer_auth(&lead)
        .header("content-type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let got = client
        .get(format!("{url}/letter"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().to_vec(), pdf);

    let whole = json!({
        "answers": qids.iter().map(|q| json!({"question_id": q, "answer": format!("Answer {q}")})).collect::<Vec<_>>(),
        "members": [{"name": "Ana", "agency": "Oregon Department of Education", "sector": "secondary_cte", "level": "state", "email": "ana@or.gov"}],
        "signer_name": "Colt Gill", "signer_title": "Deputy Superintendent", "commitments": [true, true, true]
    });
    assert_eq!(
        client
            .put(&url)
            .bearer_auth(&member)
            .json(&whole)
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "members read, leads write"
    );
    assert_eq!(
        client
            .put(&url)
            .bearer_auth(&lead)
            .json(&whole)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let submitted = client
        .post(format!("{url}/submit"))
        .bearer_auth(&lead)
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 200);
    let body: Value = submitted.json().await.unwrap();
    assert_eq!(body["status"], "submitted");
    assert_eq!(body["members"][0]["sector"], "secondary_cte");

    assert_eq!(
        client
            .put(&url)
            .bearer_auth(&lead)
            .json(&whole)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        client
            .post(format!("{url}/withdraw"))
            .bearer_auth(&lead)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let other = format!("{}/api/v1/programs/acp/applications/CO", app.base);
    assert_eq!(
        client
            .get(&other)
            .bearer_auth(&lead)
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "another state's application"
    );
    app.stop().await;
}
