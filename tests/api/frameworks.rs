//! Frameworks as data: the API, the public pages, the glossary, the
//! program's choice of framework, and extra files from `frameworks_dir`.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    frameworks_through_the_api,
    framework_pages_are_public,
    a_program_links_to_its_framework_and_the_glossary,
    a_providers_own_framework_is_loaded_and_can_be_chosen,
);

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn frameworks_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = app.add_user("fed@ed.gov", "federal", None, None).await;
    let token = app.token_for(id, "fed@ed.gov").await;
    let token = Some(token.as_str());

    assert_eq!(get(&app, None, "/api/v1/frameworks").await.0, 401);
    assert_eq!(get(&app, None, "/api/v1/crosswalk").await.0, 401);

    let (status, list) = get(&app, token, "/api/v1/frameworks").await;
    assert_eq!(status, 200);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "six-key-elements",
            "programs-of-study",
            "moving-pathways-forward"
        ]
    );

    let (status, six) = get(&app, token, "/api/v1/frameworks/six-key-elements").await;
    assert_eq!(status, 200);
    assert_eq!(six["name"], "Career Pathways Six Key Elements");
    assert_eq!(six["elements"].as_array().unwrap().len(), 6);
    let first = &six["elements"][0];
    assert_eq!(first["number"], 1);
    assert_eq!(first["name"], "Build Cross-Agency Partnerships");
    assert_eq!(first["strategies"][0]["key"], "partnerships-1");
    assert!(
        first["strategies"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Establish a career pathways team")
    );
    assert_eq!(first["components"], json!(["pos-partnerships"]));
    assert_eq!(
        six["elements"][3]["alternate_names"][0],
        json!({"name": "Align Programs and Policies", "source": "seed 003, Table 2"})
    );

    let (status, pos) = get(&app, token, "/api/v1/frameworks/programs-of-study").await;
    assert_eq!(status, 200);
    assert_eq!(pos["components"].as_array().unwrap().len(), 10);
    assert_eq!(pos["components"][9]["name"], "Technical Skills Assessment");

    let (status, err) = get(&app, token, "/api/v1/frameworks/astrology").await;
    assert_eq!(status, 404);
    assert!(err["error"]["code"].is_string(), "{err}");

    let (status, crosswalk) = get(&app, token, "/api/v1/crosswalk").await;
    assert_eq!(status, 200);
    let rows = crosswalk.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows[3],
        json!({
            "element": "Align Policies and Programs",
            "components": ["Legislation and Policies", "Professional Development"],
            "common_features": ["Emphasis on the role of federal, state, and local policies in promoting and sustaining CP and POS; and in helping students access CP and POS services"]
        })
    );
    assert_eq!(
        rows[5]["components"],
        json!([
            "Accountability and Evaluation Systems",
            "Technical Skills Assessment"
        ])
    );

    let (_, doc) = get(&app, None, "/api/openapi.json").await;
    for path in [
        "/api/v1/frameworks",
        "/api/v1/frameworks/{slug}",
        "/api/v1/crosswalk",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    app.stop().await;
}

async fn framework_pages_are_public(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anon = app.browser();

    let list = anon.get("/frameworks").await;
    assert_eq!(list.status, 200);
    for slug in [
        "six-key-elements",
        "programs-of-study",
        "moving-pathways-forward",
    ] {
        assert!(
            list.body.contains(&format!("href=\"/frameworks/{slug}\"")),
            "{slug}"
        );
    }
    assert!(
        list.body
            .contains("href=\"/glossary#career-pathways-system\"")
    );

    let six = anon.get("/frameworks/six-key-elements").await;
    assert_eq!(six.status, 200);
    let body = &six.body;
    assert!(
        body.contains("<h2 id=\"partnerships\">Element 1: Build Cross-Agency Partnerships</h2>")
    );
    assert!(body.contains("Pursue Needed Funding, Sustainability and Scale"));
    assert!(body.contains("id=\"measurement-8\""));
    assert!(body.contains("href=\"/glossary#career-pathways\""));
    // The crosswalk is a real table: caption, header cells with scope.
    assert!(body.contains(
        "<caption id=\"table-framework-show-1\">Career Pathways Six Key Elements and Programs of Study Ten Essential Components"
    ));
    assert!(body.contains("<th scope=\"col\">Common features</th>"));
    assert!(body.contains("<th scope=\"row\">6. Measure System Change and Performance</th>"));
    assert!(body.contains("3. Professional Development (policy implications)"));

    let pos = anon.get("/frameworks/programs-of-study").await;
    assert_eq!(pos.status, 200);
    assert!(
        pos.body
            .contains("id=\"component-8\">8. Guidance, Counseling, Academic Advisement</h3>")
    );

    assert_eq!(anon.get("/frameworks/astrology").await.status, 404);

    let glossary = anon.get("/glossary").await;
    assert_eq!(glossary.status, 200);
    for id in [
        "career-pathways",
        "career-pathways-system",
        "cte-programs-of-study",
    ] {
        assert!(glossary.body.contains(&format!("<h2 id=\"{id}\">")), "{id}");
    }
    assert!(
        glossary
            .body
            .contains("Workforce Innovation and Opportunity Act")
    );
    assert!(
        glossary
            .body
            .contains("Lead to an industry-recognized credential or certificate")
    );

    let home = anon.get("/").await;
    assert!(home.body.contains("href=\"/frameworks\""));
    assert!(home.body.contains("href=\"/glossary\""));
    app.stop().await;
}

async fn a_program_links_to_its_framework_and_the_glossary(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_program("p1").await;
    let page = app.browser().get("/programs/p1").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<dt>Framework</dt><dd>Career Pathways Six Key Elements</dd>")
    );
    assert!(page.body.contains("href=\"/frameworks/six-key-elements\""));
    assert!(
        page.body
            .contains("href=\"/glossary#career-pathways-system\"")
    );
    // The key terms are the glossary's, worded as in seed 001.
    assert!(page.body.contains(
        "A combination of rigorous and high quality education, training, and other service that:"
    ));
    app.stop().await;
}

const OWN: &str = r#"slug = "state-pathways"
name = "Our State Pathways Model"
version = "1"
source = "The provider"
description = "A provider's own framework."
crosswalk_with = "programs-of-study"

[[elements]]
number = 1
key = "leadership"
name = "Shared Leadership"
short_name = "Leadership"
definition = "Leaders share the work."
components = ["pos-partnerships"]
common_features = ["Partners lead together"]

[[elements.strategies]]
key = "leadership-1"
text = "Name a lead for each partner."
source = "The provider"
"#;

async fn a_providers_own_framework_is_loaded_and_can_be_chosen(backend: Backend) {
    let extra = tempfile::tempdir().unwrap();
    std::fs::write(extra.path().join("state-pathways.toml"), OWN).unwrap();
    std::fs::write(extra.path().join("notes.txt"), "not a framework").unwrap();
    let dir = extra.path().display().to_string();
    let app = TestApp::spawn_with(backend, &[("frameworks_dir", &dir)]).await;
    assert_eq!(app.state.frameworks.frameworks.len(), 4);
    let page = app.browser().get("/frameworks/state-pathways").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Shared Leadership"));

    // The admin can choose it for a program; the program page names it.
    let (admin_id, _) = app.add_user("admin@ta.org", "admin", None, None).await;
    let token = app.token_for(admin_id, "admin@ta.org").await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/api/v1/programs", app.base))
        .bearer_auth(&token)
        .json(&json!({
            "name": "General TA 2027", "slug": "general-2027", "template": "general", "time_zone": "America/Chicago",
            "deadline_date": "2027-06-01", "deadline_time": "17:00", "sponsor": "OCTAE", "provider": "Provider"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let mut settings: Value = client
        .get(format!(
            "{}/api/v1/programs/general-2027/settings",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["framework"], "six-key-elements", "the default");
    settings["framework"] = json!("state-pathways");
    let res = client
        .put(format!("{}/api/v1/programs/general-2027", app.base))
        .bearer_auth(&token)
        .json(&settings)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["framework_name"], "Our State Pathways Model");
    let page = app.browser().get("/programs/general-2027").await;
    assert!(page.body.contains("<dd>Our State Pathways Model</dd>"));
    assert!(page.body.contains("href=\"/frameworks/state-pathways\""));

    // One that is not loaded is refused, by field.
    settings["framework"] = json!("astrology");
    let res = client
        .put(format!("{}/api/v1/programs/general-2027", app.base))
        .bearer_auth(&token)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "framework");
    app.stop().await;
}

#[tokio::test]
async fn a_bad_framework_file_stops_the_start_with_its_problems() {
    let extra = tempfile::tempdir().unwrap();
    let bad = OWN.replace("number = 1", "number = 3");
    let file = extra.path().join("state-pathways.toml");
    std::fs::write(&file, bad).unwrap();
    let data = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/waymark.db", data.path().display());
    let dir = extra.path().display().to_string();
    let data_dir = data.path().display().to_string();
    let config = waymark::config::Config::from_pairs(&[
        ("database_url", &db),
        ("data_dir", &data_dir),
        ("frameworks_dir", &dir),
    ])
    .unwrap();
    let err = match waymark::state::AppState::build(config).await {
        Ok(_) => panic!("a bad framework file must stop the start"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        err.contains(&format!(
            "{}:9: element number 3 is out of order",
            file.display()
        )),
        "{err}"
    );
    assert!(
        !data.path().join("waymark.db").exists(),
        "nothing was created"
    );
}
