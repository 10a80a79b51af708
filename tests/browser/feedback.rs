//! Feedback that holds (issue 15, part 8), in a real browser: a form
//! refused by the server, sent by keyboard, opens with the keyboard focus
//! on its error summary, whose links each lead to a field on the page; the
//! page passes axe on a desktop (1280 px) and on a phone (375 px), and so
//! does the confirmation once the form is right.

use super::*;

/// Makes the page's viewport `width` CSS pixels wide (the window's frame,
/// if any, added).
async fn viewport(client: &Client, width: u32) {
    let inner = || async {
        let v: Value = client
            .execute("return window.innerWidth", vec![])
            .await
            .unwrap();
        v.as_u64().unwrap() as u32
    };
    client.set_window_size(width, 900).await.unwrap();
    let now = inner().await;
    if now != width {
        client
            .set_window_size(width + width.saturating_sub(now), 900)
            .await
            .unwrap();
    }
    assert_eq!(inner().await, width, "the viewport's width");
}

/// What has the focus once the page has loaded: its tag, id and whether
/// it is the error summary.
async fn focus_after_load(client: &Client) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = client
            .execute(
                r#"const e = document.activeElement;
                   return [document.readyState, e ? e.tagName.toLowerCase() : "", e ? e.id : "",
                           !!e && e.matches("[data-error-summary]")];"#,
                vec![],
            )
            .await
            .unwrap();
        if last[0] == "complete" && last[3] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_sent_by_keyboard_opens_on_its_focused_error_summary() {
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
    let roster = format!(
        "{base}/programs/{}/teams/CO",
        waymark::seed::demo::PROGRAM_SLUG
    );

    for (width, who) in [(1280, "Rita Vance"), (375, "Omar Reyes")] {
        viewport(client, width).await;
        client.goto(&roster).await.unwrap();
        // No sector chosen: the browser lets it through, the server refuses.
        let email = format!(
            "{}@co.demo.waymark.test",
            who.to_lowercase().replace(' ', ".")
        );
        tab_to(client, "#member_name").await;
        keys(client, who).await;
        tab_to(client, "#member_email").await;
        keys(client, &email).await;
        tab_to(client, "#member_agency").await;
        keys(client, "Colorado Department of Corrections").await;
        tab_to(client, "form[action$='/members'] button[type=submit]").await;
        press(client, Key::Enter).await;
        client
            .wait()
            .for_element(Locator::Id("member_sector-error"))
            .await
            .expect("the roster's error");

        let focus = focus_after_load(client).await;
        assert_eq!(
            focus[3], true,
            "at {width} px the focus is on the error summary, not {focus}"
        );
        // Each of the summary's links leads to a field on the page, and
        // the next Tab goes to the first of them.
        let links: Value = client
            .execute(
                r#"return [...document.querySelectorAll("[data-error-summary] a")].map(a =>
                     [a.getAttribute("href"), !!document.getElementById(a.getAttribute("href").slice(1))]);"#,
                vec![],
            )
            .await
            .unwrap();
        let links = links.as_array().unwrap();
        assert!(!links.is_empty(), "the summary links to the fields");
        for l in links {
            assert_eq!(l[1], true, "{} is on the page", l[0]);
        }
        assert!(links.iter().any(|l| l[0] == "#member_sector"), "{links:?}");
        press(client, Key::Tab).await;
        let next: Value = client
            .execute("return document.activeElement.getAttribute('href')", vec![])
            .await
            .unwrap();
        assert_eq!(next, links[0][0], "Tab goes on to the first link");
        // Following it puts the focus in the field itself.
        press(client, Key::Enter).await;
        let focused: Value = client
            .execute(
                "return document.activeElement.id || document.activeElement.tagName",
                vec![],
            )
            .await
            .unwrap();
        let wanted = links[0][0]
            .as_str()
            .unwrap()
            .trim_start_matches('#')
            .to_owned();
        let target_is_group: bool = client
            .execute(
                &format!(
                    "return !document.getElementById('{wanted}').matches('input, select, textarea')"
                ),
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap();
        if target_is_group {
            let inside: bool = client
                .execute(
                    &format!(
                        "return document.getElementById('{wanted}').contains(document.activeElement)"
                    ),
                    vec![],
                )
                .await
                .unwrap()
                .as_bool()
                .unwrap();
            assert!(inside, "the focus is in {wanted}'s choices, not {focused}");
        } else {
            assert_eq!(focused, wanted, "following the link focuses the field");
        }
        // Back to the summary for axe, as the page opened.
        client
            .execute(
                "document.querySelector('[data-error-summary]').focus()",
                vec![],
            )
            .await
            .unwrap();
        for v in axe_violations(client, &axe).await {
            failures.push(format!("roster with a mistake at {width} px: {v}"));
        }
        // Nothing was added.
        let added: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE name = $1")
            .bind(who)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(added, 0);

        // Put right, the form is taken and the roster confirms it aloud.
        tab_to(client, "#member_sector").await;
        keys(client, "Justice").await;
        tab_to(client, "#level-state").await;
        press(client, Key::Space).await;
        tab_to(client, "form[action$='/members'] button[type=submit]").await;
        press(client, Key::Enter).await;
        let landed = wait_for_url(client, "done=member-added").await;
        assert!(landed.contains("done=member-added"), "{landed}");
        let status = client
            .find(Locator::Css("main .usa-alert--success[role=status]"))
            .await
            .expect("the confirmation, read out")
            .text()
            .await
            .unwrap();
        assert!(status.contains("The member is added"), "{status}");
        let focus: Value = client
            .execute(
                "return !!document.querySelector('[data-error-summary]')",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(focus, false, "no summary once the form is right");
        for v in axe_violations(client, &axe).await {
            failures.push(format!("roster with a new member at {width} px: {v}"));
        }
    }

    chrome.stop().await;
    app.stop().await;
    assert!(failures.is_empty(), "{failures:#?}");
}
