//! Programs made from the seed 000 template, through the pages and the API.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    an_admin_creates_the_2016_program_and_anyone_reads_it,
    programs_through_the_api,
    only_those_who_can_use_it_are_invited_to_register
);

async fn an_admin_creates_the_2016_program_and_anyone_reads_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pw) = app.add_user("admin@ta.org", "admin", None, None).await;
    let admin = app.browser();
    admin.sign_in("admin@ta.org", &pw).await;
    let form = [
        ("name", "Advancing Career Pathways 2016"),
        ("slug", "acp-2016"),
        ("template", "intensive"),
        ("time_zone", "America/New_York"),
        ("deadline_date", "2016-03-13"),
        ("deadline_time", "02:30"),
        ("sponsor", "OCTAE"),
        ("provider", "Manhattan Strategy Group"),
    ];
    let before = app.fingerprint().await;
    let bad = admin
        .submit("/admin/programs/new", "/admin/programs", &form)
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("that time does not exist in America/New_York"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("id=\"program-deadline_time-error\""));
    assert!(
        bad.body.contains("value=\"acp-2016\""),
        "what was typed is kept"
    );
    assert_eq!(app.fingerprint().await, before);

    let mut good = form.to_vec();
    good[4] = ("deadline_date", "2016-06-01");
    good[5] = ("deadline_time", "15:00");
    let res = admin
        .submit("/admin/programs/new", "/admin/programs", &good)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        res.location.as_deref(),
        Some("/programs/acp-2016?done=program-created")
    );

    let public = app.browser().get("/programs/acp-2016").await;
    assert_eq!(public.status, 200);
    for text in [
        "3:00 pm EDT on June 1, 2016",
        "<th scope=\"row\">April 14, 2016</th><td>Recruitment webinar</td>",
        "<th scope=\"row\">October 2016 to July 2017</th><td>Two site visits (scheduled by state and coach)</td>",
        "Monthly coaching calls (every month)",
        "Two, two-day onsite meetings with the TA coach at a site determined by the state (2 times in the year)",
        "Human and social services",
        "Responses to key questions: 40% of the score",
        "A series of connected education and training strategies and support services",
    ] {
        assert!(
            public.body.contains(text),
            "the program page shows {text:?}"
        );
    }
    let again = admin
        .submit("/admin/programs/new", "/admin/programs", &good)
        .await;
    assert_eq!(again.status, 422);
    assert!(
        again
            .body
            .contains("Another program already uses this short name.")
    );
    assert_eq!(
        app.browser().get("/programs/no-such-program").await.status,
        404
    );
    app.stop().await;
}

async fn programs_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin_id, _) = app.add_user("admin@ta.org", "admin", None, None).await;
    let (fed_id, _) = app.add_user("fed@ed.gov", "federal", None, None).await;
    let admin = app.token_for(admin_id, "admin@ta.org").await;
    let federal = app.token_for(fed_id, "fed@ed.gov").await;
    let client = reqwest::Client::new();
    let body = json!({
        "name": "General TA 2027", "slug": "general-2027", "template": "general", "time_zone": "America/Chicago",
        "deadline_date": "2027-06-01", "deadline_time": "17:00", "sponsor": "OCTAE", "provider": "Provider"
    });
    let refused = client
        .post(format!("{}/api/v1/programs", app.base))
        .bearer_auth(&federal)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let res = client
        .post(format!("{}/api/v1/programs", app.base))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["track"], "general");
    assert_eq!(
        created["applications_due_at"], 1_811_887_200_000i64,
        "5 pm CDT is 22:00 UTC"
    );
    assert_eq!(created["timeline"][0]["starts"], "2027-04-14");
    assert_eq!(created["commitments"][2]["cadence"]["kind"], "quarterly");

    let read: Value = client
        .get(format!("{}/api/v1/programs/general-2027", app.base))
        .bearer_auth(&federal)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created);
    let bad = client
        .post(format!("{}/api/v1/programs", app.base))
        .bearer_auth(&admin)
        .json(&json!({"name": "X", "slug": "general-2027", "template": "general", "time_zone": "Mars/Base", "deadline_date": "2027-06-01", "deadline_time": "17:00", "sponsor": "S", "provider": "P"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let err: Value = bad.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "time_zone");
    let missing = client
        .get(format!("{}/api/v1/programs/nope", app.base))
        .bearer_auth(&federal)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

async fn only_those_who_can_use_it_are_invited_to_register(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    crate::applications::future_program(&app, "acp").await;
    let page = "/programs/acp";
    const REGISTER: &str = "href=\"/register?program=acp\"";
    const OWN: &str = "href=\"/programs/acp/application\"";

    let anonymous = app.browser().get(page).await;
    assert_eq!(anonymous.status, 200);
    assert!(anonymous.body.contains("Register to apply"));
    assert!(anonymous.body.contains(REGISTER));
    assert!(!anonymous.body.contains(OWN), "{}", anonymous.body);

    for (email, role, program, state) in [
        ("admin@ta.org", "admin", None, None),
        ("reviewer@ta.org", "reviewer", Some("acp"), None),
        ("coach@ta.org", "coach", Some("acp"), Some("CO")),
        ("federal@ed.gov", "federal", None, None),
        ("partner@org.org", "partner", None, None),
    ] {
        let (_, pw) = app.add_user(email, role, program, state).await;
        let b = app.browser();
        b.sign_in(email, &pw).await;
        let shown = b.get(page).await;
        assert_eq!(shown.status, 200, "{role}");
        assert!(shown.body.contains("How to apply"), "{role}");
        assert!(!shown.body.contains("Register to apply"), "{role}");
        assert!(!shown.body.contains(REGISTER), "{role}");
        assert!(!shown.body.contains(OWN), "{role}");
    }

    // A state lead of the program is sent to their own application.
    let (_, pw) = app
        .add_user("lead@co.gov", "state_lead", Some("acp"), Some("CO"))
        .await;
    let lead = app.browser();
    lead.sign_in("lead@co.gov", &pw).await;
    lead.submit(OWN_PATH, "/programs/acp/application/start", &[])
        .await;
    let shown = lead.get(page).await;
    assert!(!shown.body.contains("Register to apply"));
    assert!(shown.body.contains(OWN));
    assert!(shown.body.contains("Open your state's application"));

    // Once the deadline has passed, nobody is invited to register.
    let past = waymark::program::create::NewProgramRequest {
        name: "Advancing Career Pathways 2016".into(),
        slug: "acp-2016".into(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "OCTAE".into(),
        provider: "Provider".into(),
    };
    waymark::program::service::create_program(&app.state, (None, "test".into()), "", &past)
        .await
        .unwrap();
    let closed = app.browser().get("/programs/acp-2016").await;
    assert_eq!(closed.status, 200);
    assert!(closed.body.contains("3:00 pm EDT on June 1, 2016"));
    assert!(
        !closed.body.contains("Register to apply"),
        "{}",
        closed.body
    );
    app.stop().await;
}

const OWN_PATH: &str = "/programs/acp/application";
