//! Pages in real headless Chromium: axe-core finds no accessibility
//! violation on any page of the demo, signed in as each role, and the
//! sign-in works by keyboard alone.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

#[path = "../api/contract.rs"]
#[allow(dead_code)]
mod contract;

mod feedback;

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use helpers::{free_port, prerequisite};

struct Chrome {
    /// Killed when the `Chrome` goes, however the test ends (a failed
    /// test used to leave its chromedriver running).
    _driver: helpers::KillOnDrop,
    client: Client,
    _profile: tempfile::TempDir,
}

impl Chrome {
    async fn start() -> Option<Chrome> {
        let driver_path = prerequisite("WAYMARK_TEST_CHROMEDRIVER", "chromedriver")?;
        let chromium = prerequisite("WAYMARK_TEST_CHROMIUM", "Chromium")?;
        // Another process can take the free port between our finding it and
        // chromedriver binding it (the check below then reaches the wrong
        // listener): start over on a new port, a few times, before failing.
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let mut driver = helpers::KillOnDrop(
                std::process::Command::new(&driver_path)
                    .arg(format!("--port={port}"))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("start chromedriver"),
            );
            // On a busy machine chromedriver can take a while to listen: wait
            // for it (up to a minute) rather than connect too soon.
            let mut listening = false;
            for _ in 0..1200 {
                if matches!(driver.0.try_wait(), Ok(Some(_))) {
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    listening = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if !listening {
                last_error = format!("chromedriver did not listen on port {port}");
                continue;
            }
            let profile = tempfile::tempdir().unwrap();
            let mut caps = serde_json::Map::new();
            caps.insert(
                "goog:chromeOptions".into(),
                json!({
                    "binary": chromium,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                        "--window-size=1280,900", "--lang=en-US", format!("--user-data-dir={}", profile.path().display()),
                    ]
                }),
            );
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => {
                    return Some(Chrome {
                        _driver: driver,
                        client,
                        _profile: profile,
                    });
                }
                Err(e) => {
                    last_error = format!("connect to chromedriver on port {port}: {e:?}");
                    driver.stop();
                }
            }
        }
        panic!("{last_error}");
    }

    async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

/// What every browser test starts from: axe-core, a Chromium of its own,
/// and Waymark on SQLite (with the demo's accounts, for `with_demo`). None
/// when a prerequisite is missing outside CI (the test prints SKIPPED).
/// Each part ends its own processes when dropped, so a failed test leaves
/// nothing running.
struct Scene {
    axe: String,
    chrome: Chrome,
    app: helpers::TestApp,
    sign_ins: Vec<waymark::seed::demo::SignIn>,
}

impl Scene {
    async fn start(settings: &[(&str, &str)]) -> Option<Scene> {
        let axe_path = prerequisite("WAYMARK_TEST_AXE", "axe-core")?;
        let axe = std::fs::read_to_string(&axe_path).expect("read axe.min.js");
        let chrome = Chrome::start().await?;
        let app = helpers::TestApp::spawn_with(helpers::Backend::Sqlite, settings).await;
        Some(Scene {
            axe,
            chrome,
            app,
            sign_ins: Vec::new(),
        })
    }

    async fn with_demo() -> Option<Scene> {
        let mut scene = Scene::start(&[]).await?;
        scene.sign_ins = waymark::seed::demo::ensure(&scene.app.state)
            .await
            .expect("the demo is made");
        Some(scene)
    }
}

/// The demo account whose email starts with `prefix` ("coach@").
fn account<'a>(
    sign_ins: &'a [waymark::seed::demo::SignIn],
    prefix: &str,
) -> &'a waymark::seed::demo::SignIn {
    sign_ins
        .iter()
        .find(|s| s.email.starts_with(prefix))
        .unwrap_or_else(|| panic!("no demo account starts with {prefix}"))
}

/// Runs axe-core on the current page; returns the violations in words.
async fn axe_violations(client: &Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document).then(r => done(r.violations.map(v =>
            v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")
        ))).catch(e => done(["axe failed: " + e]));
    "#;
    let result: Value = client
        .execute_async(script, vec![])
        .await
        .expect("run axe-core");
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// Waits for a navigation to land on `path` (a click does not wait).
async fn wait_for_path(client: &Client, path: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        last = client.current_url().await.unwrap().path().to_owned();
        let ready: Value = client
            .execute("return document.readyState", vec![])
            .await
            .unwrap_or(Value::Null);
        if last == path && ready == "complete" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

async fn sign_in_with_the_form(client: &Client, base: &str, email: &str, password: &str) {
    client.goto(&format!("{base}/signin")).await.unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("form.usa-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(wait_for_path(client, "/").await, "/", "{email} signed in");
}

async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    if let Ok(button) = client
        .find(Locator::Css("form.waymark-signout button"))
        .await
    {
        button.click().await.unwrap();
        wait_for_path(client, "/signin").await;
    }
}

/// Stands for the demo Exchange reader's link token, known once the
/// demo is made.
const DEMO_READER: &str = "DEMO-READER-TOKEN";

/// Stands for the stop link of a demo person's forum watch (issue 6),
/// known once the demo is made.
const FORUM_STOP: &str = "FORUM-STOP-TOKEN";

/// The pages every persona visits: every page route that answers GET.
fn pages() -> Vec<String> {
    let mut out: Vec<String> = waymark::app::route_table()
        .into_iter()
        .filter(|(m, p)| {
            m == "GET"
                && !p.starts_with("/api/")
                && !p.starts_with("/assets/")
                && p != "/healthz"
                // Downloads, not pages.
                && !p.ends_with(".xlsx")
                && !p.ends_with(".csv")
                // An action plan's evidence files are downloads too.
                && !p.contains("{evidence}")
                && !p.ends_with(".ics")
                // An Exchange item's file is a download.
                && !(p.starts_with("/exchange/") && p.ends_with("/file"))
        })
        .flat_map(|(_, p)| {
            if p == "/password/set" {
                vec!["/password/set?token=not-a-real-token".to_owned()]
            } else if p == "/frameworks/{slug}" {
                // Every built-in framework: elements, crosswalk, components.
                waymark::framework::load::builtin()
                    .frameworks
                    .iter()
                    .map(|f| format!("/frameworks/{}", f.slug))
                    .collect()
            } else if p == "/exchange/digests/{id}" {
                // The demo's first archived digest (none: the not-found page).
                vec!["/exchange/digests/1".to_owned()]
            } else if p == "/forum/unwatch/{token}" {
                // A demo person's stop link, and one that does not work.
                vec![
                    p.replace("{token}", FORUM_STOP),
                    p.replace("{token}", "1.t1.not-a-signature"),
                ]
            } else if p.contains("{token}") {
                // The demo reader's subscription links (see below).
                vec![p.replace("{token}", DEMO_READER)]
            } else if p.contains("/forum/") && p.contains('{') {
                // The forum (issue 6): General (1) and Colorado's private
                // category (2); the partnerships thread with its edited post
                // (2, post 6) and Colorado's thread (4); the hidden post (11).
                let ids: &[&str] = if p.contains("{category}") {
                    &["1", "2"]
                } else if p.contains("{thread}") {
                    &["2", "4"]
                } else {
                    &["6", "11"]
                };
                ids.iter()
                    .map(|id| {
                        p.replace("{slug}", waymark::seed::demo::PROGRAM_SLUG)
                            .replace("{category}", id)
                            .replace("{thread}", id)
                            .replace("{post}", id)
                    })
                    .collect()
            } else if p.contains("{entry}") || p.contains("{partner}") {
                // The Exchange (issue 6): the demo's first resource (1), an
                // event (11) and the demo partner's item waiting for
                // moderation (279); the demo partner (1, approved) and the
                // interest form waiting (2).
                let ids: &[&str] = if p.contains("{entry}") {
                    &["1", "11", "279"]
                } else {
                    &["1", "2"]
                };
                ids.iter()
                    .map(|id| p.replace("{entry}", id).replace("{partner}", id))
                    .collect()
            } else if p.contains("{activity}") {
                // Activities (issue 5): the demo's kick-off (1) and
                // Colorado's first coaching call, with its action items (2).
                ["1", "2"]
                    .iter()
                    .map(|id| {
                        p.replace("{slug}", waymark::seed::demo::PROGRAM_SLUG)
                            .replace("{activity}", id)
                    })
                    .collect()
            } else if p.contains("{slug}")
                && !p.contains("{goal}")
                && !p.contains("{step}")
                && !p.contains("{milestone}")
            {
                // Both demo programs: the 2016 record and the year under way.
                [
                    waymark::seed::demo::PROGRAM_SLUG,
                    waymark::seed::demo::CURRENT_SLUG,
                ]
                .iter()
                .map(|slug| {
                    p.replace("{slug}", slug)
                        .replace("{state}", "CO")
                        .replace("{element}", "partnerships")
                })
                .collect()
            } else {
                vec![
                    p.replace("{slug}", waymark::seed::demo::PROGRAM_SLUG)
                        .replace("{state}", "CO")
                        .replace("{element}", "partnerships")
                        // The demo's first goal, step and milestone (Colorado's plan).
                        .replace("{goal}", "1")
                        .replace("{step}", "1")
                        .replace("{milestone}", "1")
                        // The Exchange (issue 6): a topic's page.
                        .replace("{framework}", "six-key-elements")
                        .replace("{topic}", "partnerships"),
                ]
            }
        })
        .collect();
    out.push("/no/such/page".into());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_as_every_role_and_sign_in_works_by_keyboard() {
    let Some(Scene {
        axe, chrome, app, ..
    }) = Scene::start(&[]).await
    else {
        return;
    };
    // The demo holds snapshots, shared results and an expert's elements,
    // so the cohort and results pages show their colours and
    // recommendations to axe.
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let reader = waymark::seed::exchange_digest::reader_token(&app.state)
        .await
        .unwrap();
    let (user_id, target, target_id): (i64, String, i64) = sqlx::query_as(
        "SELECT user_id, target, target_id FROM forum_watches ORDER BY user_id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("the demo forum has a watch");
    let forum_stop = waymark::forum::unwatch_token(
        &app.state.keys.csrf,
        &waymark::forum::WatchRef {
            user_id,
            target: waymark::forum::WatchTarget::parse(&target).unwrap(),
            target_id,
        },
    );
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();

    // The check can fail: a page with an image without text has a violation.
    client
        .goto("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>")
        .await
        .unwrap();
    let found = axe_violations(client, &axe).await;
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "axe-core reports violations: {found:?}"
    );

    // Anonymous, then each demo role; every page at 1280 px and on a
    // phone (375 px), where nothing may scroll sideways. A page already
    // checked (the same words, as another role: refusals, public pages) is
    // not checked again.
    let mut checked = std::collections::HashSet::new();
    let mut who: Vec<Option<&waymark::seed::demo::SignIn>> = vec![None];
    who.extend(sign_ins.iter().map(Some));
    for person in who {
        let label = person.map(|p| p.role.as_str()).unwrap_or("anonymous");
        if let Some(p) = person {
            sign_in_with_the_form(client, &base, &p.email, &p.password).await;
        }
        for page in pages() {
            let page = page
                .replace(DEMO_READER, &reader)
                .replace(FORUM_STOP, &forum_stop);
            client.goto(&format!("{base}{page}")).await.unwrap();
            let main: Value = client
                .execute(
                    "const m = document.querySelector('main'); return (document.title + (m ? m.innerText : ''));",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            if !checked.insert(main.to_string()) {
                continue;
            }
            for v in axe_violations(client, &axe).await {
                failures.push(format!("{label} {page}: {v}"));
            }
            set_viewport_width(client, 375).await;
            let (over, wide) = sideways_scroll(client).await;
            if over > 0 {
                failures.push(format!(
                    "{label} {page} at 375 px scrolls sideways by {over} px: {wide}"
                ));
            }
            for v in axe_violations(client, &axe).await {
                failures.push(format!("{label} {page} at 375 px: {v}"));
            }
            set_viewport_width(client, 1280).await;
        }
        if person.is_some() {
            sign_out(client, &base).await;
        }
    }

    // Pages in their error states.
    client.goto(&format!("{base}/signin")).await.unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("nobody@demo.waymark.test")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("wrong")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.usa-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css(".usa-alert--error"))
        .await
        .expect("the sign-in error is shown");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("failed sign-in: {v}"));
    }
    let admin = account(&sign_ins, "admin@");
    sign_in_with_the_form(client, &base, &admin.email, &admin.password).await;
    client.goto(&format!("{base}/admin/people")).await.unwrap();
    // The browser checks the required fields; the server checks the role.
    client
        .find(Locator::Id("invite-email"))
        .await
        .unwrap()
        .send_keys("new.person@demo.waymark.test")
        .await
        .unwrap();
    client
        .find(Locator::Id("invite-name"))
        .await
        .unwrap()
        .send_keys("New Person")
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "form[action='/admin/people'] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css(".usa-alert--error"))
        .await
        .expect("the form errors are shown");
    let body = client.source().await.unwrap();
    assert!(
        body.contains("There is a problem"),
        "the invitation form shows its errors"
    );
    for v in axe_violations(client, &axe).await {
        failures.push(format!("invite form with errors: {v}"));
    }
    client.goto(&format!("{base}/account")).await.unwrap();
    client
        .find(Locator::Id("token_name"))
        .await
        .unwrap()
        .send_keys("Report script")
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/account/tokens'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, "/account/tokens").await;
    client
        .wait()
        .for_element(Locator::Id("new-token"))
        .await
        .expect("the new token is shown");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("account with a new token: {v}"));
    }
    // The program settings and a state's extension, each with a mistake.
    for (page, script, label) in [
        (
            "/programs/acp-2016/settings",
            "document.getElementById('c_weight_0').value = 'forty';",
            "program settings with errors",
        ),
        (
            "/programs/acp-2016/applications/CO",
            "document.getElementById('until_date').value = '2016-05-01'; document.getElementById('until_time').value = '12:00';",
            "extension form with errors",
        ),
    ] {
        client.goto(&format!("{base}{page}")).await.unwrap();
        client.execute(script, vec![]).await.unwrap();
        client
            .find(Locator::Css(&format!(
                "form[action$='{}'] button[type=submit]",
                if page.ends_with("/settings") {
                    "/settings"
                } else {
                    "/extension"
                }
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .for_element(Locator::Css(".usa-error-message"))
            .await
            .expect("the form errors are shown");
        for v in axe_violations(client, &axe).await {
            failures.push(format!("{label}: {v}"));
        }
    }
    sign_out(client, &base).await;

    // The selection page with a decision sent without a choice, and a
    // team roster with a mistake in its add form.
    let admin = account(&sign_ins, "admin@");
    sign_in_with_the_form(client, &base, &admin.email, &admin.password).await;
    client
        .goto(&format!("{base}/programs/acp-2016/selection"))
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action$='/selection/decision'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("[id^=decision-][id$=-error]"))
        .await
        .expect("the decision error");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("selection with a mistake: {v}"));
    }
    client
        .goto(&format!("{base}/programs/acp-2016/teams/CO"))
        .await
        .unwrap();
    for (id, text) in [
        ("member_name", "Rita Vance"),
        ("member_email", "rita.vance@co.demo.waymark.test"),
        ("member_agency", "Colorado Department of Corrections"),
    ] {
        client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    client
        .find(Locator::Css("form[action$='/members'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("member_sector-error"))
        .await
        .expect("the roster error");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("team roster with a mistake: {v}"));
    }
    sign_out(client, &base).await;

    // A draft application, and the same with a mistake in the team form.
    let wyoming = account(&sign_ins, "lead.wy@");
    sign_in_with_the_form(client, &base, &wyoming.email, &wyoming.password).await;
    client
        .goto(&format!("{base}/programs/acp-2016/application"))
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action$='/application/start'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("member_name"))
        .await
        .expect("the draft form");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("draft application: {v}"));
    }
    client
        .find(Locator::Id("member_name"))
        .await
        .unwrap()
        .send_keys("Cody Marsh")
        .await
        .unwrap();
    client
        .find(Locator::Id("member_agency"))
        .await
        .unwrap()
        .send_keys("Wyoming Community College Commission")
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "form[action$='/application/members'] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("member_sector-error"))
        .await
        .expect("the sector error");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("draft application with a mistake: {v}"));
    }
    sign_out(client, &base).await;

    // Sign in by keyboard alone: Tab to the skip link, into the form, Enter.
    client.goto(&format!("{base}/signin")).await.unwrap();
    let body = client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&Key::Tab.to_string()).await.unwrap();
    let focused: Value = client
        .execute("return document.activeElement.textContent.trim()", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "Skip to main content", "the skip link comes first");
    let mut reached = false;
    for _ in 0..20 {
        let id: Value = client
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        if id == "email" {
            reached = true;
            break;
        }
        client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
    }
    assert!(reached, "the email field can be reached with Tab");
    let member = account(&sign_ins, "member.co@");
    let field = client.active_element().await.unwrap();
    field
        .send_keys(&format!("{}{}", member.email, Key::Tab))
        .await
        .unwrap();
    let field = client.active_element().await.unwrap();
    field
        .send_keys(&format!("{}{}", member.password, Key::Enter))
        .await
        .unwrap();
    assert_eq!(
        wait_for_path(client, "/").await,
        "/",
        "signed in by keyboard"
    );
    let heading = client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Welcome, Jordan Kim");

    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}

/// Presses Tab until the element matching `selector` has focus: proof that
/// the keyboard reaches it, in page order.
async fn tab_to(client: &Client, selector: &str) {
    for _ in 0..400 {
        let hit: Value = client
            .execute(
                "return !!document.activeElement && document.activeElement.matches(arguments[0])",
                vec![json!(selector)],
            )
            .await
            .unwrap();
        if hit == Value::Bool(true) {
            return;
        }
        // A real key press (sending keys to a file field would type a path).
        press(client, Key::Tab).await;
    }
    panic!("Tab never reached {selector}");
}

/// Presses and releases one key, wherever the focus is.
async fn press(client: &Client, key: Key) {
    let key: char = key.into();
    client
        .perform_actions(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key }),
        )
        .await
        .unwrap();
}

/// Types into whatever has focus.
async fn keys(client: &Client, text: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// Waits for a navigation whose address contains `part`.
async fn wait_for_url(client: &Client, part: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        last = client.current_url().await.unwrap().to_string();
        let ready: Value = client
            .execute("return document.readyState", vec![])
            .await
            .unwrap_or(Value::Null);
        if last.contains(part) && ready == "complete" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_lead_completes_and_submits_an_application_by_keyboard() {
    let Some(Scene {
        axe, chrome, app, ..
    }) = Scene::start(&[]).await
    else {
        return;
    };
    let req = waymark::program::create::NewProgramRequest {
        name: "Advancing Career Pathways 2099".into(),
        slug: "acp-2099".into(),
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
    let (_, password) = app
        .add_user("lead@wy.gov", "state_lead", Some("acp-2099"), Some("WY"))
        .await;
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let mut check = |stage: &str, found: Vec<String>| {
        for v in found {
            failures.push(format!("{stage}: {v}"));
        }
    };
    sign_in_with_the_form(client, &base, "lead@wy.gov", &password).await;
    let page = format!("{base}/programs/acp-2099/application");
    client.goto(&page).await.unwrap();
    check("not started", axe_violations(client, &axe).await);

    tab_to(client, "form[action$='/application/start'] button").await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=").await;
    check("started", axe_violations(client, &axe).await);

    // 1. The key questions.
    let ids: Value = client
        .execute(
            "return Array.from(document.querySelectorAll('textarea[name^=answer_]')).map(e => e.id)",
            vec![],
        )
        .await
        .unwrap();
    let ids: Vec<String> = ids
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    client.goto(&page).await.unwrap();
    for (n, id) in ids.iter().enumerate() {
        tab_to(client, &format!("#{id}")).await;
        keys(client, &format!("Wyoming's answer to question {}.", n + 1)).await;
    }
    tab_to(
        client,
        "form[action$='/application/answers'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=application-saved").await;

    // 2. The proposed team, one sector at a time.
    for (name, sector) in [
        ("Avery Secondary", "Secondary"),
        ("Blair Postsecondary", "Postsecondary"),
        ("Casey Workforce", "Workforce"),
        ("Drew Economic", "Economic"),
        ("Emery Business", "Business"),
        ("Finley Human", "Human"),
    ] {
        client.goto(&page).await.unwrap();
        tab_to(client, "#member_name").await;
        keys(client, name).await;
        tab_to(client, "#member_agency").await;
        keys(client, "Wyoming state agency").await;
        tab_to(client, "#member_sector").await;
        keys(client, sector).await;
        tab_to(client, "#level-state").await;
        keys(client, " ").await;
        tab_to(
            client,
            "form[action$='/application/members'] button[type=submit]",
        )
        .await;
        keys(client, &Key::Enter.to_string()).await;
        wait_for_url(client, "done=application-saved").await;
    }
    let text = client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Every required sector is on the team."),
        "the sectors were chosen by keyboard: {text}"
    );
    check("team complete", axe_violations(client, &axe).await);

    // 3. The letter: the file chosen in the file field, then the signer
    // and the three commitments (Space ticks a box).
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("Wyoming letter.pdf");
    std::fs::write(&pdf, waymark::application::letter::sample_pdf("We commit.")).unwrap();
    tab_to(client, "#letter_file").await;
    keys(client, pdf.to_str().unwrap()).await;
    tab_to(
        client,
        "form[action$='/application/letter-file'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=application-saved").await;
    client.goto(&page).await.unwrap();
    tab_to(client, "#signer_name").await;
    keys(client, "Dr. Jillian Balow").await;
    tab_to(client, "#signer_title").await;
    keys(client, "Superintendent of Public Instruction").await;
    for n in 0..3 {
        tab_to(client, &format!("#commit_{n}")).await;
        keys(client, " ").await;
    }
    tab_to(
        client,
        "form[action$='/application/letter'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=application-saved").await;
    check("ready to submit", axe_violations(client, &axe).await);

    // 4. Submit.
    tab_to(client, "form[action$='/application/submit'] button").await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=application-submitted").await;
    let status = client
        .find(Locator::Id("status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("Submitted"), "{status}");
    check("submitted", axe_violations(client, &axe).await);
    let stored: String =
        sqlx::query_scalar("SELECT status FROM applications WHERE state_code = 'WY'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, "submitted");

    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_rates_and_the_lead_agrees_by_keyboard() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let who = |prefix: &str| account(&sign_ins, prefix);
    let pool = &app.state.db.pool;
    // The first indicator of the first element, in the open round.
    let indicator: i64 = sqlx::query_scalar(
        "SELECT i.id FROM indicators i JOIN instruments n ON n.id = i.instrument_id
         JOIN programs p ON p.id = n.program_id WHERE p.slug = 'acp-2016' ORDER BY i.position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();

    // A member rates the first indicator: arrows choose the phase in the
    // radio group, typing picks the priority, Enter saves.
    let member = who("member.co@");
    sign_in_with_the_form(client, &base, &member.email, &member.password).await;
    let rate = format!("{base}/programs/acp-2016/assessment/CO/rate/partnerships");
    client.goto(&rate).await.unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("rating form: {v}"));
    }
    tab_to(client, &format!("input[name='level-{indicator}']")).await;
    keys(client, " ").await;
    for _ in 0..2 {
        press(client, Key::Right).await;
    }
    tab_to(client, &format!("#priority-{indicator}")).await;
    keys(client, "High").await;
    tab_to(client, &format!("#evidence-{indicator}")).await;
    keys(client, "Agreed by keyboard.").await;
    tab_to(client, "button[name=then][value=stay]").await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=ratings-saved").await;
    let (level, priority, evidence): (Option<i64>, Option<String>, String) = sqlx::query_as(
        "SELECT r.level, r.priority, r.evidence FROM member_ratings r JOIN users u ON u.id = r.user_id
         JOIN assessment_rounds a ON a.id = r.round_id
         WHERE u.email = $1 AND r.indicator_id = $2 AND a.closed_at IS NULL",
    )
    .bind(&member.email)
    .bind(indicator)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(level, Some(3), "Space on the first phase, then two arrows");
    assert_eq!(priority.as_deref(), Some("high"));
    assert_eq!(evidence, "Agreed by keyboard.");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("rating form, saved: {v}"));
    }
    sign_out(client, &base).await;

    // The lead sees it on the consensus page and records the team's answer.
    let lead = who("lead.co@");
    sign_in_with_the_form(client, &base, &lead.email, &lead.password).await;
    let consensus = format!("{base}/programs/acp-2016/assessment/CO/consensus/partnerships");
    client.goto(&consensus).await.unwrap();
    let text = client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Agreed by keyboard."),
        "the member's note is shown"
    );
    for v in axe_violations(client, &axe).await {
        failures.push(format!("consensus page: {v}"));
    }
    tab_to(client, &format!("input[name='level-{indicator}']")).await;
    keys(client, " ").await;
    press(client, Key::Right).await;
    tab_to(client, "#now").await;
    keys(client, "We meet monthly now.").await;
    tab_to(
        client,
        "form[action$='/consensus/partnerships'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=consensus-saved").await;
    let agreed: Option<i64> = sqlx::query_scalar(
        "SELECT c.level FROM consensus_ratings c JOIN assessment_rounds a ON a.id = c.round_id
         WHERE c.indicator_id = $1 AND a.closed_at IS NULL",
    )
    .bind(indicator)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(agreed, Some(2));
    for v in axe_violations(client, &axe).await {
        failures.push(format!("consensus page, saved: {v}"));
    }
    client
        .goto(&format!("{base}/programs/acp-2016/assessment/CO/results"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("results page: {v}"));
    }

    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}

/// The year's everyday work by keyboard alone: a coach schedules a coaching
/// call (a radio for the kind, a checkbox for the state, the date and times
/// typed into their fields), and the lead marks a step of the action plan
/// done. Both pages are axe-clean before and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_schedules_a_call_and_the_lead_moves_the_plan_by_keyboard() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let who = |prefix: &str| account(&sign_ins, prefix);
    let pool = &app.state.db.pool;

    let coach = who("coach@");
    sign_in_with_the_form(client, &base, &coach.email, &coach.password).await;
    client
        .goto(&format!("{base}/programs/acp-2016/activities/new"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("schedule form: {v}"));
    }
    tab_to(client, "#kind-coaching_call").await;
    keys(client, " ").await;
    tab_to(client, "#state-CO").await;
    keys(client, " ").await;
    // Typed as the browser shows the fields in U.S. English: month, day, year; hour, minute, AM/PM.
    tab_to(client, "#date").await;
    keys(client, "03152027").await;
    tab_to(client, "#start").await;
    keys(client, "0200PM").await;
    tab_to(client, "#end").await;
    keys(client, "0300PM").await;
    tab_to(client, "#agenda").await;
    keys(client, "Next steps on the data agreement.").await;
    tab_to(client, "form[action$='/activities'] button[type=submit]").await;
    keys(client, &Key::Enter.to_string()).await;
    let landed = wait_for_url(client, "/activities/").await;
    let (kind, starts_at, id): (String, i64, i64) = sqlx::query_as(
        "SELECT kind, starts_at, id FROM activities WHERE agenda = 'Next steps on the data agreement.'",
    )
    .fetch_one(pool)
    .await
    .expect("the call was scheduled");
    assert_eq!(kind, "coaching_call");
    // 2 pm in New York on March 15, 2027 (daylight time) is 6 pm UTC.
    let expected = jiff::civil::date(2027, 3, 15)
        .at(18, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_millisecond();
    assert_eq!(
        starts_at, expected,
        "the time typed is on the program's clock"
    );
    assert!(
        landed.ends_with(&format!("/activities/{id}"))
            || landed.contains(&format!("/activities/{id}?")),
        "{landed}"
    );
    for v in axe_violations(client, &axe).await {
        failures.push(format!("the new activity: {v}"));
    }
    sign_out(client, &base).await;

    // The lead marks an open step of Colorado's plan done.
    let lead = who("lead.co@");
    let (step, text): (i64, String) = sqlx::query_as(
        "SELECT s.id, s.text FROM plan_steps s JOIN plan_goals g ON g.id = s.goal_id JOIN plans p ON p.id = g.plan_id
         JOIN programs pr ON pr.id = p.program_id
         WHERE pr.slug = 'acp-2016' AND p.state_code = 'CO' AND s.status <> 'done'
         ORDER BY g.position, s.position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sign_in_with_the_form(client, &base, &lead.email, &lead.password).await;
    client
        .goto(&format!("{base}/programs/acp-2016/plans/CO"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("plan: {v}"));
    }
    tab_to(client, &format!("#status-{step}-status")).await;
    keys(client, "Done").await;
    tab_to(
        client,
        &format!("form[action$='/steps/{step}/status'] button[type=submit]"),
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    // The plan page is where the form is too: wait for the answer's
    // redirect, or the database is read before the change is saved.
    wait_for_url(client, "done=").await;
    let (status, done_on): (String, Option<String>) =
        sqlx::query_as("SELECT status, done_on FROM plan_steps WHERE id = $1")
            .bind(step)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(status, "done", "{text}");
    assert!(done_on.is_some());
    for v in axe_violations(client, &axe).await {
        failures.push(format!("plan after the change: {v}"));
    }

    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}

/// The forum (issue 6), by keyboard: Colorado's member replies in the
/// team's private thread and mentions the coach; the coach opens the
/// thread, sees the mention, and hides a post with a reason. Every page on
/// the way passes axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_replies_and_the_coach_moderates_in_the_forum_by_keyboard() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let who = |prefix: &str| account(&sign_ins, prefix);
    let pool = &app.state.db.pool;
    let (thread,): (i64,) = sqlx::query_as(
        "SELECT t.id FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id WHERE c.key = 'CO'",
    )
    .fetch_one(pool)
    .await
    .unwrap();

    let member = who("member.co@");
    sign_in_with_the_form(client, &base, &member.email, &member.password).await;
    client
        .goto(&format!("{base}/programs/acp-2016/forum"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("forum: {v}"));
    }
    client
        .goto(&format!("{base}/programs/acp-2016/forum/threads/{thread}"))
        .await
        .unwrap();
    tab_to(client, "#body").await;
    keys(
        client,
        "The data contact is Lee Park. @Renee, can you invite Lee to the call?",
    )
    .await;
    tab_to(
        client,
        &format!("form[action$='/threads/{thread}'] button[type=submit]"),
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=posted").await;
    let (post, html): (i64, String) = sqlx::query_as(
        "SELECT id, html FROM forum_posts WHERE body LIKE 'The data contact is Lee Park.%'",
    )
    .fetch_one(pool)
    .await
    .expect("the reply was posted");
    assert!(html.contains("<em>@Renee Alvarez</em>"), "{html}");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("thread after the reply: {v}"));
    }
    sign_out(client, &base).await;

    let coach = who("coach@");
    sign_in_with_the_form(client, &base, &coach.email, &coach.password).await;
    client
        .goto(&format!(
            "{base}/programs/acp-2016/forum/posts/{post}/moderate"
        ))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("moderate a post: {v}"));
    }
    tab_to(client, "#action-hide").await;
    keys(client, " ").await;
    tab_to(client, "#reason").await;
    keys(client, "Shares a person's name before they agreed.").await;
    tab_to(client, "form[action$='/moderate'] button[type=submit]").await;
    keys(client, &Key::Enter.to_string()).await;
    wait_for_url(client, "done=moderated").await;
    let hidden: i64 = sqlx::query_scalar("SELECT hidden FROM forum_posts WHERE id = $1")
        .bind(post)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(hidden, 1, "the coach hid the post");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("thread after hiding: {v}"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Waits until the page's main part shows `text`; answers that part.
async fn wait_for_text(client: &Client, text: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(main) = client.find(Locator::Css("main")).await {
            last = main.text().await.unwrap_or_default();
            if last.contains(text) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

/// The Exchange by email (issue 6), by keyboard alone: a visitor with no
/// account types an address, ticks two topics with Space, moves the
/// frequency to "Every day" with an arrow key, submits with Enter, and is
/// told to check their email. Every page on the way passes axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_subscribes_to_the_exchange_by_keyboard() {
    let Some(Scene {
        axe, chrome, app, ..
    }) = Scene::start(&[]).await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();

    client
        .goto(&format!("{base}/exchange/subscribe"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("subscribe form: {v}"));
    }
    tab_to(client, "#email").await;
    keys(client, "reader@plains.example.org").await;
    for topic in [
        "#topic-six-key-elements-partnerships",
        "#topic-six-key-elements-programs",
    ] {
        tab_to(client, topic).await;
        keys(client, " ").await;
    }
    // Tab enters the group on the chosen frequency (every week); the
    // arrow key moves the choice to every day.
    tab_to(client, "#frequency-weekly").await;
    press(client, Key::Up).await;
    tab_to(
        client,
        "form[action='/exchange/subscribe'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    let text = wait_for_text(client, "Check your email").await;
    assert!(text.contains("Check your email"), "{text}");
    assert!(
        text.contains("We sent a message to reader@plains.example.org."),
        "{text}"
    );
    for v in axe_violations(client, &axe).await {
        failures.push(format!("check your email: {v}"));
    }

    let pool = &app.state.db.pool;
    let (id, frequency, status): (i64, String, String) = sqlx::query_as(
        "SELECT id, frequency, status FROM exchange_subscribers WHERE email = 'reader@plains.example.org'",
    )
    .fetch_one(pool)
    .await
    .expect("the subscription was saved");
    assert_eq!(frequency, "daily", "the arrow key chose every day");
    assert_eq!(status, "pending", "waits for the emailed confirmation");
    let topics: Vec<String> = sqlx::query_scalar(
        "SELECT topic FROM exchange_subscriber_topics WHERE subscriber_id = $1 ORDER BY topic",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        topics,
        ["six-key-elements/partnerships", "six-key-elements/programs"]
    );

    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The demo's approved partner shares a resource by keyboard alone: title,
/// summary, a slide deck chosen in the file field, the date, an audience
/// and a topic ticked with Space, Enter to send; the item page says it
/// waits for a moderator, and so does their list of submissions. Every
/// page on the way passes axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_partner_submits_a_resource_by_keyboard() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let partner = account(&sign_ins, "partner@demo.waymark.test");
    let pool = &app.state.db.pool;
    let approved: String = sqlx::query_scalar(
        "SELECT p.status FROM exchange_partners p JOIN users u ON u.id = p.user_id WHERE u.email = $1",
    )
    .bind(&partner.email)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(approved, "approved");

    // A slide deck: a zip with the parts PowerPoint writes.
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("Bridge programs.pptx");
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&deck).unwrap());
        for part in ["[Content_Types].xml", "ppt/presentation.xml"] {
            w.start_file(part, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap();
    }

    sign_in_with_the_form(client, &base, &partner.email, &partner.password).await;
    client
        .goto(&format!("{base}/exchange/submit"))
        .await
        .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("share a resource: {v}"));
    }
    tab_to(client, "#kind-resource").await;
    keys(client, " ").await;
    tab_to(client, "#title").await;
    keys(client, "Bridge programs by keyboard").await;
    tab_to(client, "#summary").await;
    keys(
        client,
        "How four colleges built bridge programs, in slides.",
    )
    .await;
    tab_to(client, "#file").await;
    keys(client, deck.to_str().unwrap()).await;
    tab_to(client, "#source_org").await;
    let organization: Value = client
        .execute("return document.activeElement.value", vec![])
        .await
        .unwrap();
    if organization.as_str().unwrap_or("").is_empty() {
        keys(client, "Plains Pathways").await;
    }
    // Typed as the browser shows the field in U.S. English: month, day, year.
    tab_to(client, "#issued_on").await;
    keys(client, "09012016").await;
    tab_to(client, "#audience-educators").await;
    keys(client, " ").await;
    tab_to(client, "[id='topic-six-key-elements.programs']").await;
    keys(client, " ").await;
    tab_to(
        client,
        "form[action='/exchange/submit'] button[type=submit]",
    )
    .await;
    keys(client, &Key::Enter.to_string()).await;
    let landed = wait_for_url(client, "done=submitted").await;
    assert!(landed.contains("/exchange/items/"), "{landed}");
    let text = wait_for_text(client, "waits for a moderator").await;
    assert!(text.contains("Your item waits for a moderator"), "{text}");
    assert!(text.contains("Bridge programs by keyboard"), "{text}");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("item sent: {v}"));
    }

    let (status, file_name, issued_on): (String, String, String) = sqlx::query_as(
        "SELECT status, file_name, issued_on FROM exchange_items WHERE title = 'Bridge programs by keyboard'",
    )
    .fetch_one(pool)
    .await
    .expect("the item was saved");
    assert_eq!(status, "pending");
    assert_eq!(file_name, "Bridge programs.pptx");
    assert_eq!(issued_on, "2016-09-01");

    client
        .goto(&format!("{base}/exchange/submissions"))
        .await
        .unwrap();
    let row = client
        .find(Locator::XPath(
            "//tr[contains(., 'Bridge programs by keyboard')]",
        ))
        .await
        .expect("the item is in their submissions")
        .text()
        .await
        .unwrap();
    assert!(row.contains("Waiting for a moderator"), "{row}");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("your submissions: {v}"));
    }

    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Sets the page's viewport to `width` CSS pixels (the window's frame,
/// if any, added).
async fn set_viewport_width(client: &Client, width: u32) {
    client.set_window_size(width, 800).await.unwrap();
    let inner: Value = client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    let inner = inner.as_u64().unwrap() as u32;
    if inner != width {
        client
            .set_window_size(width + (width.saturating_sub(inner)), 800)
            .await
            .unwrap();
    }
    let inner: Value = client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    assert_eq!(inner.as_u64(), Some(width as u64), "the viewport's width");
}

/// How far the page scrolls sideways, in CSS pixels (0: it fits), and
/// the innermost elements that stick out past the right edge.
async fn sideways_scroll(client: &Client) -> (i64, Value) {
    let v: Value = client
        .execute(
            r#"const over = document.documentElement.scrollWidth - window.innerWidth;
               const wide = [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
                 .slice(0, 5)
                 .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                           + ' right ' + Math.round(e.getBoundingClientRect().right)
                           + ': ' + (e.textContent || '').trim().slice(0, 60));
               return [over, wide];"#,
            vec![],
        )
        .await
        .unwrap();
    (v[0].as_i64().unwrap(), v[1].clone())
}

/// The Exchange and forum searches on a phone (375 px) and on a desktop:
/// each search button has a name at every width (axe's button-name; the
/// USWDS search hides the button's text on narrow screens and shows its
/// icon instead), and the Exchange's results fit the screen, with no
/// sideways scrolling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_work_on_a_phone_with_named_buttons_and_no_sideways_scroll() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    // A resource whose title, source and summary hold long unbroken
    // strings (a file name, a web address), as real submissions do.
    let admin_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@demo.waymark.test'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let token = app.token_for(admin_id, "admin@demo.waymark.test").await;
    let (status, body) = helpers::call(
        &app,
        &token,
        "POST",
        "/api/v1/exchange/items",
        Some(json!({
            "kind": "resource",
            "title": "Perkins_V_and_WIOA_Combined_State_Plan_Crosswalk_Template_2024_final.xlsx",
            "summary": "The crosswalk is at https://www.example.org/resources/perkins-v-and-wioa-combined-state-plan-crosswalk-template-2024-final.xlsx for every state team.",
            "url": "https://www.example.org/resources/perkins-v-and-wioa-combined-state-plan-crosswalk-template-2024-final.xlsx",
            "source_org": "GreatLakesCareerPathwaysCollaborative.example.org",
            "issued_on": "2016-09-01",
            "audience": ["state_leaders"],
            "topics": ["six-key-elements/partnerships"],
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let long_item = format!("/exchange/items/{}", body["id"]);
    let member = account(&sign_ins, "member.co@");
    sign_in_with_the_form(client, &base, &member.email, &member.password).await;
    let slug = waymark::seed::demo::PROGRAM_SLUG;
    let pages = [
        "/exchange".to_owned(),
        "/exchange/search".to_owned(),
        "/exchange/search?q=career+pathways".to_owned(),
        "/exchange/search?q=partnerships&kind=resource".to_owned(),
        "/exchange/search?q=crosswalk".to_owned(),
        long_item,
        "/exchange/search?q=career&topic=six-key-elements%2Fpartnerships&kind=event".to_owned(),
        "/exchange/search?q=funding&page=2".to_owned(),
        "/exchange/topics/six-key-elements/partnerships".to_owned(),
        format!("/programs/{slug}/forum"),
        format!("/programs/{slug}/forum/search"),
        format!("/programs/{slug}/forum/search?q=partners"),
    ];
    for width in [375, 1280] {
        set_viewport_width(client, width).await;
        for page in &pages {
            client.goto(&format!("{base}{page}")).await.unwrap();
            for v in axe_violations(client, &axe).await {
                failures.push(format!("{page} at {width} px: {v}"));
            }
            // Every search button says what it does, at this width too.
            let names: Value = client
                .execute(
                    r#"return [...document.querySelectorAll('form[role=search] button[type=submit]')].map(b =>
                        [...b.childNodes].filter(n => n.nodeType === 3 || (n.offsetParent !== null || n.getClientRects().length > 0))
                          .map(n => n.nodeType === 3 ? n.textContent : (n.alt || n.innerText || '')).join('').trim())"#,
                    vec![],
                )
                .await
                .unwrap();
            for name in names.as_array().unwrap() {
                if name.as_str().unwrap_or("").is_empty() {
                    failures.push(format!(
                        "{page} at {width} px: a search button shows nothing"
                    ));
                }
            }
            let (over, wide) = sideways_scroll(client).await;
            if over > 0 {
                failures.push(format!(
                    "{page} at {width} px: scrolls sideways by {over} px ({wide})"
                ));
            }
        }
    }

    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Follows the link of the home page's work item whose text contains
/// `item`, by keyboard: Tab to it, Enter.
async fn follow_from_home(client: &Client, base: &str, item: &str) -> String {
    client.goto(&format!("{base}/")).await.unwrap();
    let href: Value = client
        .execute(
            "for (const li of document.querySelectorAll('.waymark-work > li')) {
               if (li.textContent.includes(arguments[0])) {
                 return li.querySelector('.waymark-work-links a').getAttribute('href');
               }
             }
             return null;",
            vec![json!(item)],
        )
        .await
        .unwrap();
    let href = href
        .as_str()
        .unwrap_or_else(|| panic!("no work item on home mentions {item:?}"))
        .to_owned();
    tab_to(client, &format!(".waymark-work-links a[href='{href}']")).await;
    press(client, Key::Enter).await;
    let path = href.split('#').next().unwrap().to_owned();
    wait_for_url(client, &path).await;
    href
}

/// Issue 15: people are led from home to their work, one step each, by
/// keyboard, on the demo's current program; a declined state is kept out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_led_from_home_to_their_work_by_keyboard() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let pool = &app.state.db.pool;
    let mut failures = Vec::new();
    let current = waymark::seed::demo::CURRENT_SLUG;

    // A Kansas member invited to the current program who has not rated:
    // accepts the invitation, signs in, and is one step from the rating.
    let (email, user_id): (String, i64) = sqlx::query_as(
        "SELECT u.email, u.id FROM team_members m JOIN users u ON u.id = m.user_id
         JOIN programs p ON p.id = m.program_id
         WHERE p.slug = $1 AND m.state_code = 'KS' AND m.role = 'member'
           AND u.password_hash IS NULL
           AND NOT EXISTS (SELECT 1 FROM member_ratings r JOIN assessment_rounds a ON a.id = r.round_id
                           WHERE r.user_id = u.id AND a.program_id = p.id)
         ORDER BY u.id LIMIT 1",
    )
    .bind(current)
    .fetch_one(pool)
    .await
    .expect("a Kansas member who has not rated");
    let invite: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&email)
    .fetch_one(pool)
    .await
    .expect("an invitation");
    let link = helpers::set_password_link(&invite).expect("an invitation link");
    client.goto(&format!("{base}{link}")).await.unwrap();
    tab_to(client, "#password").await;
    keys(client, "kansas pathways team").await;
    tab_to(client, "#confirm").await;
    keys(client, "kansas pathways team").await;
    press(client, Key::Enter).await;
    wait_for_url(client, "/signin").await;
    sign_in_with_the_form(client, &base, &email, "kansas pathways team").await;
    for v in axe_violations(client, &axe).await {
        failures.push(format!("member's home: {v}"));
    }
    let href = follow_from_home(client, &base, "Rate Kansas's readiness assessment: 0 of 6").await;
    assert!(href.starts_with(&format!("/programs/{current}/assessment/KS/rate/")));
    let element = href.rsplit('/').next().unwrap().to_owned();
    // Every indicator of the element: the first phase, by Space.
    let indicators: Vec<i64> = sqlx::query_scalar(
        "SELECT i.id FROM indicators i JOIN instruments n ON n.id = i.instrument_id
         JOIN programs p ON p.id = n.program_id WHERE p.slug = $1 AND i.element_key = $2
         ORDER BY i.position",
    )
    .bind(current)
    .bind(&element)
    .fetch_all(pool)
    .await
    .unwrap();
    for v in axe_violations(client, &axe).await {
        failures.push(format!("rating from home: {v}"));
    }
    for id in &indicators {
        tab_to(client, &format!("input[name='level-{id}']")).await;
        keys(client, " ").await;
    }
    tab_to(client, "button[name=then][value=stay]").await;
    press(client, Key::Enter).await;
    wait_for_url(client, "done=ratings-saved").await;
    let saved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM member_ratings r JOIN assessment_rounds a ON a.id = r.round_id
         JOIN programs p ON p.id = a.program_id
         WHERE r.user_id = $1 AND r.level IS NOT NULL AND p.slug = $2",
    )
    .bind(user_id)
    .bind(current)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        saved as usize,
        indicators.len(),
        "the first element is rated"
    );
    client.goto(&format!("{base}/")).await.unwrap();
    let home = client.source().await.unwrap();
    assert!(
        home.contains("readiness assessment: 1 of 6 elements done"),
        "home counts the element done"
    );
    sign_out(client, &base).await;

    let who = |prefix: &str| account(&sign_ins, prefix);
    // The coach: from home to the notes of Minnesota's last call.
    let coach = who("coach@");
    sign_in_with_the_form(client, &base, &coach.email, &coach.password).await;
    let href = follow_from_home(client, &base, "write its notes").await;
    assert!(href.ends_with("#record"), "{href}");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("activity from home: {v}"));
    }
    tab_to(client, "#status-held").await;
    keys(client, " ").await;
    tab_to(client, "#record-notes").await;
    keys(client, "The team agreed its first two goals.").await;
    press(client, Key::Tab).await;
    press(client, Key::Enter).await;
    wait_for_url(client, "done=").await;
    let activity: i64 = href
        .split('/')
        .nth(4)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (status, notes): (String, String) =
        sqlx::query_as("SELECT status, notes FROM activities WHERE id = $1")
            .bind(activity)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), notes.as_str()),
        ("held", "The team agreed its first two goals.")
    );
    sign_out(client, &base).await;

    // The reviewer: from home to New Mexico's application, still to score.
    let reviewer = who("reviewer@");
    sign_in_with_the_form(client, &base, &reviewer.email, &reviewer.password).await;
    let href = follow_from_home(client, &base, "still to review").await;
    assert_eq!(href, format!("/programs/{current}/reviews/NM"));
    let page = client.source().await.unwrap();
    assert!(page.contains("New Mexico"), "the score form for New Mexico");
    for v in axe_violations(client, &axe).await {
        failures.push(format!("review from home: {v}"));
    }
    sign_out(client, &base).await;

    // Alabama's lead, declined in 2016: the cohort's forum and a shared
    // result are refused, its own application is there.
    let al: i64 = sqlx::query_scalar(
        "SELECT a.created_by FROM applications a JOIN programs p ON p.id = a.program_id
         WHERE p.slug = 'acp-2016' AND a.state_code = 'AL' AND a.decision = 'declined'",
    )
    .fetch_one(pool)
    .await
    .expect("Alabama was declined");
    let hash = waymark::auth::password::hash("alabama applies again".into())
        .await
        .unwrap();
    waymark::auth::store::set_password(pool, al, &hash, waymark::time::now_ms())
        .await
        .unwrap();
    let al_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(al)
        .fetch_one(pool)
        .await
        .unwrap();
    sign_in_with_the_form(client, &base, &al_email, "alabama applies again").await;
    for path in [
        "/programs/acp-2016/forum".to_owned(),
        "/programs/acp-2016/assessment/CO/results".to_owned(),
        "/programs/acp-2016/peers".to_owned(),
    ] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        let title = client.title().await.unwrap();
        assert!(
            title.starts_with("You do not have access to this page"),
            "{path} refused to Alabama: {title}"
        );
    }
    client
        .goto(&format!("{base}/programs/acp-2016/application"))
        .await
        .unwrap();
    let page = client.source().await.unwrap();
    assert!(
        page.contains("Alabama"),
        "Alabama reads its own application"
    );
    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}

/// The program dashboard is read at a glance on any screen: from 1024 px
/// up it is a table that fits the page, with nothing scrolling sideways
/// (neither the page nor the table inside it); on a phone each state is a
/// card. The reasons a state needs attention open from the keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_fits_from_1024_px_up_and_is_cards_on_a_phone() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let admin = account(&sign_ins, "admin@");
    sign_in_with_the_form(client, &base, &admin.email, &admin.password).await;

    // How much the page, or any part of the dashboard, is wider than it
    // may be: the page's scroll width past the window, the table's past
    // its own box, any cell's content past its cell.
    let overflow = r#"
        const doc = document.documentElement.scrollWidth - document.documentElement.clientWidth;
        const t = document.querySelector('table.waymark-glance');
        const table = t ? t.scrollWidth - t.clientWidth : -1;
        const cells = t ? [...t.querySelectorAll('th, td')]
            .filter(c => c.scrollWidth > c.clientWidth + 1)
            .map(c => c.textContent.trim().slice(0, 40)) : [];
        const rows = t ? [...t.querySelectorAll('tbody tr')].map(r => getComputedStyle(r).display) : [];
        const head = t ? t.querySelector('thead').getBoundingClientRect().right : 0;
        return [doc, table, cells, rows, head];"#;

    // The check can fail: a page made too wide is caught.
    client
        .goto(&format!(
            "{base}/programs/{}/dashboard",
            waymark::seed::demo::CURRENT_SLUG
        ))
        .await
        .unwrap();
    set_viewport_width(client, 1024).await;
    client
        .execute(
            "const d = document.createElement('div'); d.style.width = '1400px'; d.style.height = '1px';
             document.querySelector('main').append(d);",
            vec![],
        )
        .await
        .unwrap();
    let v: Value = client.execute(overflow, vec![]).await.unwrap();
    assert!(v[0].as_i64().unwrap() > 0, "a page too wide is found: {v}");

    for slug in [
        waymark::seed::demo::CURRENT_SLUG,
        waymark::seed::demo::PROGRAM_SLUG,
    ] {
        let page = format!("/programs/{slug}/dashboard");
        for width in [1024u32, 1280, 375] {
            set_viewport_width(client, width).await;
            client.goto(&format!("{base}{page}")).await.unwrap();
            let v: Value = client.execute(overflow, vec![]).await.unwrap();
            let (doc, table) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
            if doc != 0 || table != 0 || !v[2].as_array().unwrap().is_empty() {
                failures.push(format!(
                    "{page} at {width} px scrolls sideways: page by {doc} px, table by {table} px, cells too narrow: {}",
                    v[2]
                ));
            }
            let displays: Vec<&str> = v[3]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
                .collect();
            assert!(!displays.is_empty(), "{page} lists its states");
            if width == 375 {
                // Cards: each state stacked, the column heads out of sight.
                if displays.contains(&"table-row") {
                    failures.push(format!("{page} at 375 px is not cards: {displays:?}"));
                }
                if v[4].as_f64().unwrap() > 0.0 {
                    failures.push(format!("{page} at 375 px shows the column heads"));
                }
            } else if displays.iter().any(|d| *d != "table-row") {
                failures.push(format!(
                    "{page} at {width} px is not one row per state: {displays:?}"
                ));
            }
            for v in axe_violations(client, &axe).await {
                failures.push(format!("{page} at {width} px: {v}"));
            }
        }
    }

    // A state's reasons are short until opened, by keyboard.
    set_viewport_width(client, 1280).await;
    client
        .goto(&format!(
            "{base}/programs/{}/dashboard",
            waymark::seed::demo::PROGRAM_SLUG
        ))
        .await
        .unwrap();
    let first = "details.waymark-attention summary";
    let summary: Value = client
        .execute(
            "return document.querySelector(arguments[0]).textContent",
            vec![json!(first)],
        )
        .await
        .unwrap();
    assert!(
        summary.as_str().unwrap().starts_with("Needs attention: "),
        "{summary}"
    );
    let shown = r#"const d = document.querySelector('details.waymark-attention');
        const li = d.querySelector('li');
        return [d.open, li.checkVisibility()];"#;
    let before: Value = client.execute(shown, vec![]).await.unwrap();
    assert_eq!(before, json!([false, false]), "the reasons start closed");
    tab_to(client, first).await;
    press(client, Key::Enter).await;
    let after: Value = client.execute(shown, vec![]).await.unwrap();
    assert_eq!(after, json!([true, true]), "Enter opens the reasons");

    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Issue 15, part 6: the charts explain themselves on a phone (375 px) and
/// a desktop. On the 2016 results page and state report (Colorado: a
/// baseline and a mid-year snapshot) the radar names its elements, and
/// every text of every chart, as the browser draws it, lies inside its
/// chart, overlaps no other text of the chart, and is at least 10 px tall;
/// nothing scrolls sideways and axe finds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_are_labelled_in_words_that_fit_on_a_phone() {
    let Some(Scene {
        axe,
        chrome,
        app,
        sign_ins,
    }) = Scene::with_demo().await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    let lead = account(&sign_ins, "lead.co@");
    sign_in_with_the_form(client, &base, &lead.email, &lead.password).await;
    let slug = waymark::seed::demo::PROGRAM_SLUG;
    let pages = [
        (format!("/programs/{slug}/assessment/CO/results"), 2),
        (format!("/programs/{slug}/reports/CO"), 1),
    ];
    for width in [375, 1280] {
        set_viewport_width(client, width).await;
        for (page, charts) in &pages {
            client.goto(&format!("{base}{page}")).await.unwrap();
            let found: Value = client
                .execute(
                    r#"const out = [];
                       for (const svg of document.querySelectorAll('svg[role=img]')) {
                         const box = svg.getBoundingClientRect();
                         const texts = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
                         const problems = [];
                         for (const [s, r] of texts) {
                           if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
                             problems.push(`"${s}" is cut (${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(box.left)}..${Math.round(box.right)})`);
                           }
                           if (r.height < 10) { problems.push(`"${s}" is ${r.height.toFixed(1)} px tall`); }
                         }
                         for (let i = 0; i < texts.length; i++) {
                           for (let j = i + 1; j < texts.length; j++) {
                             const [a, p] = texts[i], [b, q] = texts[j];
                             const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
                             const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                             if (x > 1 && y > 1) { problems.push(`"${a}" overlaps "${b}"`); }
                           }
                         }
                         out.push([svg.getAttribute('class'), texts.map(t => t[0]), problems]);
                       }
                       return out;"#,
                    vec![],
                )
                .await
                .unwrap();
            let found = found.as_array().unwrap();
            if found.len() != *charts {
                failures.push(format!(
                    "{page} at {width} px: {} charts, not {charts}",
                    found.len()
                ));
            }
            for c in found {
                for p in c[2].as_array().unwrap() {
                    failures.push(format!("{page} at {width} px, {}: {p}", c[0]));
                }
                if c[0] == "waymark-radar" {
                    let labels: Vec<&str> = c[1]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|t| t.as_str())
                        .collect();
                    for name in ["Partnerships", "Funding", "Measurement"] {
                        if !labels.contains(&name) {
                            failures.push(format!("{page}: the radar lacks {name}: {labels:?}"));
                        }
                    }
                }
            }
            let (over, wide) = sideways_scroll(client).await;
            if over > 0 {
                failures.push(format!(
                    "{page} at {width} px scrolls sideways by {over} px: {wide}"
                ));
            }
            for v in axe_violations(client, &axe).await {
                failures.push(format!("{page} at {width} px: {v}"));
            }
        }
    }
    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every page of a check at both widths: axe's violations and any sideways
/// scroll on a phone, each named with `label`.
async fn check_both_widths(client: &Client, axe: &str, label: &str, failures: &mut Vec<String>) {
    for v in axe_violations(client, axe).await {
        failures.push(format!("{label}: {v}"));
    }
    set_viewport_width(client, 375).await;
    let (over, wide) = sideways_scroll(client).await;
    if over > 0 {
        failures.push(format!(
            "{label} at 375 px scrolls sideways by {over} px: {wide}"
        ));
    }
    for v in axe_violations(client, axe).await {
        failures.push(format!("{label} at 375 px: {v}"));
    }
    set_viewport_width(client, 1280).await;
}

/// Types the email and password by keyboard alone and presses Enter.
async fn password_by_keyboard(client: &Client, base: &str, email: &str, password: &str) {
    client.goto(&format!("{base}/signin")).await.unwrap();
    tab_to(client, "#email").await;
    keys(client, &format!("{email}{}", Key::Tab)).await;
    keys(client, &format!("{password}{}", Key::Enter)).await;
}

/// Two-step sign-in (issue 16) by keyboard alone: the code after the
/// password, and setting up an app when a role requires it; each of its
/// pages, and the sign-in page with a single sign-on button, passes
/// axe-core at desktop and phone widths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_step_sign_in_works_by_keyboard_and_its_pages_pass_axe() {
    // A provider on the sign-in page, so its buttons are checked too (it
    // is not asked anything here).
    let sso = tempfile::tempdir().unwrap();
    let sso_file = sso.path().join("sso.toml");
    std::fs::write(
        &sso_file,
        "[[provider]]\nkey = \"logingov\"\nlabel = \"Login.gov\"\nissuer = \"https://idp.example.gov\"\nclient_id = \"waymark\"\nclient_secret = \"not used\"\n",
    )
    .unwrap();
    let sso_path = sso_file.display().to_string();
    let settings = [
        ("second_step_required_for", "federal"),
        ("sso_providers_file", sso_path.as_str()),
    ];
    let Some(Scene {
        axe, chrome, app, ..
    }) = Scene::start(&settings).await
    else {
        return;
    };
    let base = app.base.clone();
    let client = &chrome.client;
    let mut failures = Vec::new();
    client.goto(&format!("{base}/signin")).await.unwrap();
    let button = client
        .find(Locator::Css("a[href='/signin/sso/logingov']"))
        .await
        .expect("a button for the provider");
    assert_eq!(button.text().await.unwrap(), "Sign in with Login.gov");
    check_both_widths(client, &axe, "sign-in with a provider", &mut failures).await;
    use waymark::auth::totp;
    let code_now = |key: &[u8], ahead: i64| {
        totp::code_for(
            key,
            totp::step_at(waymark::time::now_ms()) + ahead,
            totp::DIGITS,
        )
    };

    // An expert whose app is set up already.
    let (ana, ana_pw) = app.add_user("ana@co.gov", "sme", None, None).await;
    waymark::auth::two_step::begin(&app.state, ana, "ana@co.gov")
        .await
        .unwrap();
    let secret = waymark::auth::store::totp_of(&app.state.db.pool, ana)
        .await
        .unwrap()
        .unwrap()
        .secret;
    let key = totp::from_base32(&secret).unwrap();
    waymark::auth::two_step::confirm(
        &app.state,
        (ana, "ana@co.gov"),
        "127.0.0.1",
        &code_now(&key, 0),
    )
    .await
    .unwrap();

    password_by_keyboard(client, &base, "ana@co.gov", &ana_pw).await;
    assert_eq!(wait_for_path(client, "/signin/code").await, "/signin/code");
    check_both_widths(client, &axe, "the code page", &mut failures).await;
    tab_to(client, "#code").await;
    keys(client, &format!("{}{}", code_now(&key, 1), Key::Enter)).await;
    assert_eq!(
        wait_for_path(client, "/").await,
        "/",
        "signed in by keyboard"
    );
    client
        .goto(&format!("{base}/account/two-step"))
        .await
        .unwrap();
    check_both_widths(client, &axe, "two-step settings", &mut failures).await;
    tab_to(
        client,
        "form[action='/account/two-step/recovery-codes'] button",
    )
    .await;
    press(client, Key::Enter).await;
    wait_for_url(client, "/account/two-step/recovery-codes").await;
    let codes = client
        .find_all(Locator::Css("#recovery-codes code"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    check_both_widths(client, &axe, "new recovery codes", &mut failures).await;
    sign_out(client, &base).await;

    // A federal officer must set it up: led through it at sign-in.
    let (_, fed_pw) = app.add_user("officer@ed.gov", "federal", None, None).await;
    password_by_keyboard(client, &base, "officer@ed.gov", &fed_pw).await;
    assert_eq!(
        wait_for_path(client, "/signin/setup").await,
        "/signin/setup"
    );
    check_both_widths(client, &axe, "setup at sign-in", &mut failures).await;
    let shown = client
        .find(Locator::Id("setup-key"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = totp::from_base32(&shown).unwrap();
    tab_to(client, "#code").await;
    keys(client, &format!("{}{}", code_now(&key, 0), Key::Enter)).await;
    wait_for_url(client, "/signin/setup").await;
    client
        .wait()
        .for_element(Locator::Id("recovery-codes"))
        .await
        .expect("the recovery codes are shown");
    check_both_widths(client, &axe, "recovery codes at sign-in", &mut failures).await;
    tab_to(client, "a.usa-button").await;
    press(client, Key::Enter).await;
    assert_eq!(wait_for_path(client, "/").await, "/");
    let heading = client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.starts_with("Welcome"), "{heading}");

    chrome.stop().await;
    app.stop().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}
