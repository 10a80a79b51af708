//! Issue 15: each person's work queue on the home page and at
//! `GET /api/v1/me/work`, and a state outside the cohort kept out of it.

use serde_json::Value;

use crate::both_backends;
use crate::helpers::{
    ActivityFixture, ApplicationFixture, Backend, MemberFixture, StepFixture, TestApp, call,
    call_at,
};

both_backends!(
    a_state_outside_the_cohort_keeps_its_application_and_sees_nothing_of_the_cohort,
    a_member_is_asked_to_rate_the_assessment_from_its_first_element,
    once_both_rate_an_element_the_lead_is_asked_for_its_consensus,
    the_members_queue_puts_the_overdue_first_and_the_next_call_last,
    the_coach_is_asked_for_the_notes_of_last_weeks_call,
    a_submitted_application_waits_for_its_reviewer_and_the_admins_decision,
    home_shows_the_same_queue_and_the_api_wants_a_token,
    a_queue_kept_in_memory_follows_a_change_made_through_another_instance,
    every_table_moves_the_data_version_or_is_left_out_on_purpose,
    the_account_page_names_each_role_once_with_its_program,
);

async fn sign_in_demo(app: &TestApp, email: &str) -> crate::helpers::Browser {
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let s = sign_ins.iter().find(|s| s.email == email).unwrap();
    let browser = app.browser();
    assert_eq!(browser.sign_in(&s.email, &s.password).await.status, 303);
    browser
}

/// The demo's Wyoming lead registered and never applied: before this
/// issue they read the cohort's shared results, peer groups, forum and
/// activities.
async fn a_state_outside_the_cohort_keeps_its_application_and_sees_nothing_of_the_cohort(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let wy = sign_in_demo(&app, "lead.wy@demo.waymark.test").await;
    let slug = waymark::seed::demo::PROGRAM_SLUG;
    // A state that shares its results with the cohort.
    let shared: String = sqlx::query_scalar(
        "SELECT r.state_code FROM result_sharing r JOIN programs p ON p.id = r.program_id
         WHERE p.slug = $1 AND r.shared = 1 ORDER BY r.state_code LIMIT 1",
    )
    .bind(slug)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    for path in [
        format!("/programs/{slug}/assessment/{shared}/results"),
        format!("/programs/{slug}/peers"),
        format!("/programs/{slug}/forum"),
        format!("/programs/{slug}/activities"),
        format!("/programs/{slug}/participation"),
    ] {
        let page = wy.get(&path).await;
        assert_eq!(page.status, 403, "{path} as Wyoming's lead");
    }
    // Its own application, and the public program page.
    assert_eq!(
        wy.get(&format!("/programs/{slug}/application"))
            .await
            .status,
        200
    );
    assert_eq!(wy.get(&format!("/programs/{slug}")).await.status, 200);
    // Home names the role once, as applying, and links nothing of the cohort.
    let home = wy.get("/").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body
            .contains("State team lead for Wyoming, applying to"),
        "{}",
        home.body
    );
    for cohort_page in ["/peers", "/activities", "/forum"] {
        assert!(
            !home
                .body
                .contains(&format!("/programs/{slug}{cohort_page}\"")),
            "home links {cohort_page}"
        );
    }
    // The forum's index offers none of the program's categories.
    let forum = wy.get("/forum").await;
    assert!(!forum.body.contains(&format!("/programs/{slug}/forum")));

    // A coach reading another state's shared results is not offered a
    // link to that state's assessment, which they may not open.
    let other: String = sqlx::query_scalar(
        "SELECT r.state_code FROM result_sharing r JOIN programs p ON p.id = r.program_id
         WHERE p.slug = $1 AND r.shared = 1
           AND r.state_code NOT IN (SELECT g.state_code FROM role_grants g JOIN users u ON u.id = g.user_id
                                    WHERE u.email = 'coach@demo.waymark.test' AND g.state_code IS NOT NULL)
         ORDER BY r.state_code LIMIT 1",
    )
    .bind(slug)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let coach = sign_in_demo(&app, "coach@demo.waymark.test").await;
    let results = coach
        .get(&format!("/programs/{slug}/assessment/{other}/results"))
        .await;
    assert_eq!(results.status, 200);
    let overview = format!("/programs/{slug}/assessment/{other}");
    assert!(!results.body.contains(&format!("href=\"{overview}\"")));
    assert_eq!(coach.get(&overview).await.status, 403);
    app.stop().await;
}

/// A program whose year is under way today: its "coaching_calls" period
/// runs from three months ago to eight months ahead.
async fn current_program(app: &TestApp) -> i64 {
    let id = app.add_program("now").await;
    let today = jiff::Zoned::now().date();
    let first = today
        .first_of_month()
        .saturating_sub(jiff::Span::new().months(3));
    let last = today
        .first_of_month()
        .saturating_add(jiff::Span::new().months(8));
    let program = app.in_program(id);
    program
        .coaching_calls_on_timeline(&first.to_string(), &last.to_string())
        .await;
    program.team("CO").await;
    id
}

async fn person(app: &TestApp, email: &str, role: &str, state: Option<&str>) -> (i64, String) {
    let program = (role != "admin").then_some("now");
    let (id, _) = app.add_user(email, role, program, state).await;
    (id, app.token_for(id, email).await)
}

async fn work(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = call(app, token, "GET", "/api/v1/me/work", None).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn texts(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            format!(
                "{}: {}",
                i["urgency"].as_str().unwrap(),
                i["text"].as_str().unwrap()
            )
        })
        .collect()
}

/// The program under way with CO's team: its lead Lee and member Mo, its
/// coach, a reviewer and the admin, each with a token.
struct World {
    app: TestApp,
    program_id: i64,
    lead: i64,
    lead_token: String,
    member: i64,
    member_token: String,
    coach: i64,
    coach_token: String,
    reviewer: i64,
    reviewer_token: String,
    admin_token: String,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let program_id = current_program(&app).await;
    let (lead, lead_token) = person(&app, "lead@co.gov", "state_lead", Some("CO")).await;
    let (member, member_token) = person(&app, "member@co.gov", "state_member", Some("CO")).await;
    let (coach, coach_token) = person(&app, "coach@ta.org", "coach", Some("CO")).await;
    let (reviewer, reviewer_token) = person(&app, "rev@ta.org", "reviewer", None).await;
    let (_, admin_token) = person(&app, "admin@ta.org", "admin", None).await;
    let program = app.in_program(program_id);
    for (user, name, role) in [(lead, "Lee Lead", "lead"), (member, "Mo Member", "member")] {
        let sector = "workforce_development";
        let (user, email) = (Some(user), None);
        let m = MemberFixture {
            user,
            name,
            email,
            sector,
            role,
        };
        program.member("CO", m).await;
    }
    World {
        app,
        program_id,
        lead,
        lead_token,
        member,
        member_token,
        coach,
        coach_token,
        reviewer,
        reviewer_token,
        admin_token,
    }
}

/// The member's "rate the assessment" item.
async fn rate_item(w: &World) -> Value {
    let items = work(&w.app, &w.member_token).await;
    items
        .iter()
        .find(|i| i["kind"] == "rate_assessment")
        .unwrap_or_else(|| panic!("{:?}", texts(&items)))
        .clone()
}

/// A plan step the member owns, overdue; another due in three days; one
/// far off (not shown).
async fn the_members_steps(w: &World) {
    let today = jiff::Zoned::now().date();
    let fixture = w.app.in_program(w.program_id);
    let plan = fixture.plan("CO").await;
    let goal = fixture.goal(plan, "Goal", "e1").await;
    for (text, days) in [("Late step", -5), ("Soon step", 3), ("Far step", 40)] {
        let due_on = today
            .saturating_add(jiff::Span::new().days(days))
            .to_string();
        let step = StepFixture {
            text,
            owner: Some(w.member),
            due_on: &due_on,
            status: "not_started",
        };
        fixture.step(goal, step).await;
    }
}

/// A coaching call tomorrow, and one last week with no notes, both the
/// coach's.
async fn the_coachs_calls(w: &World) {
    let fixture = w.app.in_program(w.program_id);
    let now = waymark::time::now_ms();
    for (title, at) in [
        ("Call tomorrow", now + 86_400_000),
        ("Call last week", now - 7 * 86_400_000),
    ] {
        let call = ActivityFixture {
            kind: "coaching_call",
            title,
            starts_at: at,
            status: "scheduled",
            created_by: Some(w.coach),
            states: &[("CO", None)],
        };
        let id = fixture.activity(call).await;
        fixture.takes_part(id, w.coach, "organizer").await;
    }
}

/// The member has the assessment to rate, from its first element.
async fn a_member_is_asked_to_rate_the_assessment_from_its_first_element(backend: Backend) {
    let w = world(backend).await;
    let rate = rate_item(&w).await;
    assert_eq!(
        rate["text"],
        "Rate Colorado's readiness assessment: 0 of 6 elements done"
    );
    let href = rate["href"].as_str().unwrap().to_owned();
    assert!(
        href.starts_with("/programs/now/assessment/CO/rate/"),
        "{href}"
    );
    w.app.stop().await;
}

/// Both rate every indicator of the first element: the member's count
/// moves on, and the lead (not the member) is asked for the consensus on it.
async fn once_both_rate_an_element_the_lead_is_asked_for_its_consensus(backend: Backend) {
    let w = world(backend).await;
    let World {
        app,
        program_id,
        lead,
        lead_token,
        member,
        member_token,
        ..
    } = &w;
    let db = &app.state.db.pool;
    let program = app.in_program(*program_id);
    let href = rate_item(&w).await["href"].as_str().unwrap().to_owned();
    let instrument_id: i64 = sqlx::query_scalar("SELECT id FROM instruments WHERE program_id = $1")
        .bind(program_id)
        .fetch_one(db)
        .await
        .unwrap();
    let first_element = href.rsplit('/').next().unwrap().to_owned();
    let round = program.round("CO", 1, None).await;
    let indicators: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM indicators WHERE instrument_id = $1 AND element_key = $2",
    )
    .bind(instrument_id)
    .bind(&first_element)
    .fetch_all(db)
    .await
    .unwrap();
    for user in [*lead, *member] {
        for i in &indicators {
            program.rating(round, user, *i, 2).await;
        }
    }
    let items = work(app, member_token).await;
    assert!(
        texts(&items).contains(
            &"to_do: Rate Colorado's readiness assessment: 1 of 6 elements done".to_owned()
        ),
        "{:?}",
        texts(&items)
    );
    let lead_items = work(app, lead_token).await;
    let consensus = lead_items
        .iter()
        .find(|i| i["kind"] == "agree_consensus")
        .unwrap_or_else(|| panic!("{:?}", texts(&lead_items)));
    assert_eq!(
        consensus["href"],
        format!("/programs/now/assessment/CO/consensus/{first_element}")
    );
    assert!(
        !work(app, member_token)
            .await
            .iter()
            .any(|i| i["kind"] == "agree_consensus"),
        "the consensus is the lead's"
    );
    w.app.stop().await;
}

/// The member's queue: overdue first, then due this week, the
/// assessment, then the call coming up with its calendar file.
async fn the_members_queue_puts_the_overdue_first_and_the_next_call_last(backend: Backend) {
    let w = world(backend).await;
    the_members_steps(&w).await;
    the_coachs_calls(&w).await;
    let items = work(&w.app, &w.member_token).await;
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["plan_step", "plan_step", "rate_assessment", "activity"],
        "{:?}",
        texts(&items)
    );
    assert_eq!(items[0]["urgency"], "overdue");
    assert!(items[0]["text"].as_str().unwrap().ends_with("Late step"));
    assert_eq!(items[1]["urgency"], "due_this_week");
    assert!(items[1]["text"].as_str().unwrap().ends_with("Soon step"));
    assert!(
        items[3]["text"]
            .as_str()
            .unwrap()
            .starts_with("Call tomorrow: ")
    );
    assert!(
        items[3]["calendar"]
            .as_str()
            .unwrap()
            .ends_with("/calendar.ics")
    );
    w.app.stop().await;
}

/// The coach: the notes of last week's call, and tomorrow's call.
async fn the_coach_is_asked_for_the_notes_of_last_weeks_call(backend: Backend) {
    let w = world(backend).await;
    the_coachs_calls(&w).await;
    let items = work(&w.app, &w.coach_token).await;
    let notes = items
        .iter()
        .find(|i| i["kind"] == "record_notes")
        .unwrap_or_else(|| panic!("{:?}", texts(&items)));
    assert!(
        notes["text"]
            .as_str()
            .unwrap()
            .starts_with("Call last week on ")
    );
    assert!(
        notes["href"]
            .as_str()
            .unwrap()
            .starts_with("/programs/now/activities/")
    );
    w.app.stop().await;
}

/// The reviewer: Wyoming's application to score; the admin: it waits for
/// a decision.
async fn a_submitted_application_waits_for_its_reviewer_and_the_admins_decision(backend: Backend) {
    let w = world(backend).await;
    let program = w.app.in_program(w.program_id);
    let wyoming = ApplicationFixture {
        code: "WY",
        status: "submitted",
        created_by: None,
        decision: None,
    };
    let application = program.application(wyoming).await;
    program.review(application, w.reviewer).await;
    let items = work(&w.app, &w.reviewer_token).await;
    assert_eq!(
        texts(&items),
        ["to_do: Score 1 application still to review: Wyoming"]
    );
    assert_eq!(items[0]["href"], "/programs/now/reviews/WY");
    let items = work(&w.app, &w.admin_token).await;
    assert!(
        texts(&items).contains(&"to_do: 1 application is waiting for a decision".to_owned()),
        "{:?}",
        texts(&items)
    );
    w.app.stop().await;
}

/// The home page shows the same queue, with its status words; without a
/// token the API refuses.
async fn home_shows_the_same_queue_and_the_api_wants_a_token(backend: Backend) {
    let w = world(backend).await;
    let app = &w.app;
    let (_, pw) = app
        .add_user("member2@co.gov", "state_member", Some("now"), Some("CO"))
        .await;
    let browser = app.browser();
    assert_eq!(browser.sign_in("member2@co.gov", &pw).await.status, 303);
    let home = browser.get("/").await;
    assert!(home.body.contains("What is waiting for you"));
    assert!(
        home.body
            .contains("Rate Colorado&#39;s readiness assessment: 0 of 6 elements done")
            || home
                .body
                .contains("Rate Colorado&#x27;s readiness assessment: 0 of 6 elements done"),
        "{}",
        home.body
    );
    assert!(home.body.contains(">To do</span>"));
    let (status, _) = call(app, "nope", "GET", "/api/v1/me/work", None).await;
    assert_eq!(status, 401);
    w.app.stop().await;
}

both_backends!(
    the_demo_lives_in_the_present,
    every_demo_role_has_something_waiting
);

/// The current program's year follows the day the demo is made: its
/// monthly calls start the month after a kick-off three months back.
async fn the_demo_lives_in_the_present(backend: Backend) {
    for (made, calls_from, name) in [
        (
            "2027-03-15T15:00:00Z",
            "2027-01-01",
            "Advancing Career Pathways 2026-27",
        ),
        (
            "2028-08-02T15:00:00Z",
            "2028-06-01",
            "Advancing Career Pathways 2028-29",
        ),
    ] {
        let app = TestApp::spawn(backend).await;
        waymark::seed::demo::ensure_at(&app.state, made.parse().unwrap())
            .await
            .unwrap();
        let db = &app.state.db.pool;
        let (program, starts): (String, String) = sqlx::query_as(
            "SELECT p.name, m.starts_on FROM programs p JOIN program_milestones m ON m.program_id = p.id
             WHERE p.slug = $1 AND m.key = 'coaching_calls'",
        )
        .bind(waymark::seed::demo::CURRENT_SLUG)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(
            (program.as_str(), starts.as_str()),
            (name, calls_from),
            "made {made}"
        );
        // What has happened is recorded, what has not is still to come.
        let made_ms = made.parse::<jiff::Timestamp>().unwrap().as_millisecond();
        let (held_later, scheduled_before): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM activities a JOIN programs p ON p.id = a.program_id
                     WHERE p.slug = $1 AND a.status = 'held' AND a.starts_at > $2),
                    (SELECT COUNT(*) FROM activities a JOIN programs p ON p.id = a.program_id
                     WHERE p.slug = $1 AND a.status = 'scheduled' AND a.starts_at > $2)",
        )
        .bind(waymark::seed::demo::CURRENT_SLUG)
        .bind(made_ms)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(held_later, 0, "nothing after {made} is held");
        assert!(scheduled_before > 5, "the rest of the year is scheduled");
        let baselines: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM snapshots s JOIN programs p ON p.id = s.program_id
             WHERE p.slug = $1 AND s.kind = 'baseline'",
        )
        .bind(waymark::seed::demo::CURRENT_SLUG)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(baselines, 4, "every state but Kansas froze its baseline");
        app.stop().await;
    }
}

/// Made today, the demo gives every role with work in the program year
/// something on its home page.
async fn every_demo_role_has_something_waiting(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let mut empty = Vec::new();
    for s in &sign_ins {
        if s.email == "lead.wy@demo.waymark.test" {
            continue; // registered, never applied: nothing of the cohort
        }
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&s.email)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let token = app.token_for(id, &s.email).await;
        let items = work(&app, &token).await;
        if items.is_empty() {
            empty.push(s.email.clone());
        }
        // What each role is asked for, beyond the obvious.
        let wanted = match s.email.split('@').next().unwrap() {
            "coach" => Some("state_attention"),
            "admin" => Some("state_attention"),
            "lead.ks" => Some("freeze_snapshot"),
            "reviewer" => Some("score_application"),
            "sme" => Some("consultation"),
            "member.co" => Some("plan_step"),
            _ => None,
        };
        if let Some(kind) = wanted {
            assert!(
                items.iter().any(|i| i["kind"] == kind),
                "{} has no {kind}: {:?}",
                s.email,
                texts(&items)
            );
        }
    }
    assert!(empty.is_empty(), "nothing waiting for {empty:?}");
    app.stop().await;
}

both_backends!(each_program_is_judged_as_of_the_right_day);

/// An ended year is judged as of its last day and says so; a year under
/// way as of today; a year not started shows only what is to come.
async fn each_program_is_judged_as_of_the_right_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    waymark::seed::demo::ensure(&app.state).await.unwrap();
    let (_, admin_token) = person(&app, "judge@ta.org", "admin", None).await;
    let (status, d) = call(
        &app,
        &admin_token,
        "GET",
        "/api/v1/programs/acp-2016/dashboard",
        None,
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["year_ended"], "August 31, 2017");
    assert_eq!(d["today"], "2017-08-31");
    let (_, d) = call(
        &app,
        &admin_token,
        "GET",
        &format!(
            "/api/v1/programs/{}/dashboard",
            waymark::seed::demo::CURRENT_SLUG
        ),
        None,
    )
    .await;
    assert_eq!(d["year_ended"], Value::Null);
    assert_eq!(
        d["today"],
        waymark::report::participation::local_date(
            waymark::time::now_ms(),
            &jiff::tz::TimeZone::get("America/New_York").unwrap()
        )
        .to_string()
    );

    // A program whose year starts next year: nothing is missed yet.
    let id = app.add_program("later").await;
    let next = jiff::Zoned::now()
        .date()
        .first_of_month()
        .saturating_add(jiff::Span::new().months(14));
    let program = app.in_program(id);
    let last = next.saturating_add(jiff::Span::new().months(10));
    program
        .coaching_calls_on_timeline(&next.to_string(), &last.to_string())
        .await;
    program.monthly_calls_committed().await;
    program.team("CO").await;
    let (status, p) = call(
        &app,
        &admin_token,
        "GET",
        "/api/v1/programs/later/participation",
        None,
    )
    .await;
    assert_eq!(status, 200, "{p}");
    let text = p.to_string();
    assert!(
        !text.contains(":\"missed\""),
        "nothing missed before the year: {text}"
    );
    assert!(text.contains(":\"upcoming\""), "{text}");

    // The 2016 pages say the year is over.
    let (_, pw) = app.add_user("judge2@ta.org", "admin", None, None).await;
    let b = app.browser();
    b.sign_in("judge2@ta.org", &pw).await;
    for page in ["dashboard", "participation", "report"] {
        let body = b.get(&format!("/programs/acp-2016/{page}")).await.body;
        assert!(
            body.contains("This program's year ended on August 31, 2017")
                || body.contains("This program&#39;s year ended on August 31, 2017")
                || body.contains("This program&#x27;s year ended on August 31, 2017"),
            "{page}"
        );
    }
    app.stop().await;
}

/// The links a page offers: same-site addresses in `href`s, without their
/// fragment, `&amp;` read as `&`.
fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("href=\"/") {
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap_or(rest.len());
        let link = rest[..end].replace("&amp;", "&");
        let link = link.split('#').next().unwrap_or_default().to_owned();
        if !link.is_empty() && !link.starts_with("//") {
            out.push(link);
        }
        rest = &rest[end..];
    }
    out
}

/// As every demo role, following every link from home (up to a few
/// hundred pages each): none answers 403. A link is only shown to a page
/// the person may open. SQLite only: this is about links, not storage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_link_shown_to_a_demo_role_answers_403() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let sign_ins = waymark::seed::demo::ensure(&app.state).await.unwrap();
    let mut refused = Vec::new();
    for s in &sign_ins {
        let b = app.browser();
        assert_eq!(b.sign_in(&s.email, &s.password).await.status, 303);
        let mut seen = std::collections::BTreeSet::new();
        let mut queue = std::collections::VecDeque::from([("/".to_owned(), "/".to_owned())]);
        while let Some((path, from)) = queue.pop_front() {
            if seen.len() >= 250 || !seen.insert(path.clone()) {
                continue;
            }
            let page = b.get(&path).await;
            if page.status == 403 {
                refused.push(format!("{}: {path} (linked from {from})", s.email));
                continue;
            }
            let html = page
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            if !html || page.status != 200 {
                continue;
            }
            for link in links(&page.body) {
                // Leaving is not a page; assets and files are not pages.
                if link.starts_with("/signout") || link.starts_with("/assets/") {
                    continue;
                }
                if !seen.contains(&link) {
                    queue.push_back((link, path.clone()));
                }
            }
        }
        assert!(seen.len() > 20, "{} reached only {seen:?}", s.email);
    }
    assert!(
        refused.is_empty(),
        "links that answer 403:\n{}",
        refused.join("\n")
    );
    app.stop().await;
}

both_backends!(each_program_page_is_the_hub_of_its_year);

/// A program's page leads each person to its parts, with where each
/// stands; a state outside the cohort sees only its application there.
async fn each_program_page_is_the_hub_of_its_year(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let current = format!("/programs/{}", waymark::seed::demo::CURRENT_SLUG);
    let member = sign_in_demo(&app, "member.co@demo.waymark.test").await;
    let page = member.get(&current).await;
    assert_eq!(page.status, 200);
    for text in [
        "Your part in this program",
        "readiness assessment</a><span class=\"waymark-hub-status\">Baseline frozen ",
        "; mid-year due in ",
        "action plan</a>",
        " overdue</span>",
        "Paired with ",
        "Applications closed at",
    ] {
        assert!(page.body.contains(text), "member's hub lacks {text:?}");
    }
    assert!(
        !page.body.contains("/dashboard\""),
        "no dashboard for a member"
    );
    // Kansas is still rating.
    let ks = sign_in_demo(&app, "lead.ks@demo.waymark.test").await;
    let page = ks.get(&current).await;
    assert!(
        page.body.contains("Rating under way; baseline due in "),
        "{}",
        page.body
    );
    // The coach names each state.
    let coach = sign_in_demo(&app, "coach@demo.waymark.test").await;
    let page = coach.get(&current).await;
    assert!(
        page.body.contains("Colorado&#39;s action plan")
            || page.body.contains("Colorado's action plan")
    );
    assert!(page.body.contains("Program dashboard"));
    // Wyoming, outside the cohort: its application, nothing else.
    let wy = sign_in_demo(&app, "lead.wy@demo.waymark.test").await;
    let page = wy.get("/programs/acp-2016").await;
    assert!(
        page.body
            .contains("/programs/acp-2016/application\">Your state")
    );
    for part in ["/peers\"", "/activities\"", "/forum\"", "/assessment/"] {
        assert!(!page.body.contains(part), "Wyoming is offered {part}");
    }
    app.stop().await;
}

/// Queues are kept between requests under the data version: a rating
/// saved through another instance, and a role withdrawn straight in the
/// database, show in this instance's next answer, page and API alike.
async fn a_queue_kept_in_memory_follows_a_change_made_through_another_instance(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let program_id = current_program(&app).await;
    let db = &app.state.db.pool;
    let (member, token) = person(&app, "member@co.gov", "state_member", Some("CO")).await;
    let mo = MemberFixture {
        user: Some(member),
        name: "Mo Member",
        email: None,
        sector: "workforce_development",
        role: "member",
    };
    app.in_program(program_id).member("CO", mo).await;
    let (_, password) = app
        .add_user("reader@co.gov", "state_member", Some("now"), Some("CO"))
        .await;
    let page_reader = app.browser();
    assert_eq!(
        page_reader.sign_in("reader@co.gov", &password).await.status,
        303
    );
    let other = app.another_instance().await;
    let other_base = format!("http://{}", other.addr);

    let rate_text = |items: &[Value]| {
        items
            .iter()
            .find(|i| i["kind"] == "rate_assessment")
            .map(|i| i["text"].as_str().unwrap().to_owned())
    };
    let zero = "Rate Colorado's readiness assessment: 0 of 6 elements done";
    // Asked twice on each instance: the second answer is the kept one.
    for _ in 0..2 {
        assert_eq!(rate_text(&work(&app, &token).await).as_deref(), Some(zero));
        let (status, body) = call_at(&other_base, &token, "GET", "/api/v1/me/work", None).await;
        assert_eq!(status, 200);
        assert_eq!(
            rate_text(body["items"].as_array().unwrap()).as_deref(),
            Some(zero)
        );
        assert!(
            page_reader
                .get("/")
                .await
                .body
                .contains("0 of 6 elements done")
        );
    }

    // The member rates a whole element through the other instance.
    let element: String = sqlx::query_scalar(
        "SELECT i.element_key FROM indicators i JOIN instruments n ON n.id = i.instrument_id
         WHERE n.program_id = $1 ORDER BY i.id LIMIT 1",
    )
    .bind(program_id)
    .fetch_one(db)
    .await
    .unwrap();
    let indicators: Vec<i64> = sqlx::query_scalar(
        "SELECT i.id FROM indicators i JOIN instruments n ON n.id = i.instrument_id
         WHERE n.program_id = $1 AND i.element_key = $2",
    )
    .bind(program_id)
    .bind(&element)
    .fetch_all(db)
    .await
    .unwrap();
    let ratings: Vec<Value> = indicators
        .iter()
        .map(|id| serde_json::json!({"indicator_id": id, "level": 2}))
        .collect();
    let (status, body) = call_at(
        &other_base,
        &token,
        "PUT",
        "/api/v1/programs/now/assessment/CO/ratings",
        Some(serde_json::json!({ "ratings": ratings })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        rate_text(&work(&app, &token).await).as_deref(),
        Some("Rate Colorado's readiness assessment: 1 of 6 elements done")
    );

    // The reader's role is withdrawn by another process: their home page
    // no longer offers Colorado's assessment.
    assert!(page_reader.get("/").await.body.contains("Rate Colorado"));
    sqlx::query("DELETE FROM role_grants WHERE user_id = (SELECT id FROM users WHERE email = 'reader@co.gov')")
        .execute(&other.state.db.pool)
        .await
        .unwrap();
    let home = page_reader.get("/").await;
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("Rate Colorado"), "{}", home.body);
    other.stop().await;
    app.stop().await;
}

/// A table whose changes do not move the data version must be named as
/// such (src/work/kept.rs); any other has the version's triggers.
async fn every_table_moves_the_data_version_or_is_left_out_on_purpose(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.state.db.pool;
    let (tables, followed): (Vec<String>, Vec<String>) = match backend {
        Backend::Sqlite => (
            sqlx::query_scalar(
                // Full-text indexes (virtual tables and their shadow
                // tables) follow their tables, which are followed.
                "SELECT t.name FROM sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite%'
                   AND t.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
                   AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'
                                   AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND substr(t.name, 1, length(v.name) + 1) = v.name || '_')
                 ORDER BY t.name",
            )
            .fetch_all(db)
            .await
            .unwrap(),
            sqlx::query_scalar(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%UPDATE data_version%'",
            )
            .fetch_all(db)
            .await
            .unwrap(),
        ),
        Backend::Postgres => (
            sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
            )
            .fetch_all(db)
            .await
            .unwrap(),
            sqlx::query_scalar(
                "SELECT DISTINCT CAST(event_object_table AS TEXT) FROM information_schema.triggers WHERE action_statement LIKE '%data_changed%'",
            )
            .fetch_all(db)
            .await
            .unwrap(),
        ),
    };
    let unplaced: Vec<&String> = tables
        .iter()
        .filter(|t| {
            !followed.contains(t) && !waymark::work::kept::UNVERSIONED_TABLES.contains(&t.as_str())
        })
        .collect();
    assert!(
        unplaced.is_empty(),
        "tables neither followed nor left out: {unplaced:?}"
    );
    let both: Vec<&String> = followed
        .iter()
        .filter(|t| waymark::work::kept::UNVERSIONED_TABLES.contains(&t.as_str()))
        .collect();
    assert!(
        both.is_empty(),
        "followed, yet listed as left out: {both:?}"
    );
    assert!(followed.len() > 40, "{followed:?}");

    // A change moves it; staying signed in does not.
    let before = waymark::work::kept::data_version(db).await.unwrap();
    app.add_program("moved").await;
    let after = waymark::work::kept::data_version(db).await.unwrap();
    assert!(after > before);
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at + 1")
        .execute(db)
        .await
        .unwrap();
    assert_eq!(waymark::work::kept::data_version(db).await.unwrap(), after);
    app.stop().await;
}

/// The demo's Colorado member holds the same role in two programs: the
/// account page (and the People page) read "State team member (CO), State
/// team member (CO)".
async fn the_account_page_names_each_role_once_with_its_program(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let member = sign_in_demo(&app, "member.co@demo.waymark.test").await;
    let page = member.get("/account").await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("State team member (CO)"),
        "{}",
        page.body
    );
    for program in [
        "Advancing Career Pathways 2016",
        "Advancing Career Pathways 2026-27",
    ] {
        let line = format!("<li>State team member for Colorado in {program}</li>");
        assert_eq!(page.body.matches(&line).count(), 1, "{line}: {}", page.body);
    }
    // The People page too: each of the member's roles once, with its program.
    let admin = sign_in_demo(&app, "admin@demo.waymark.test").await;
    let people = admin.get("/admin/people").await.body;
    assert!(
        people.contains(
            "State team member (CO) in Advancing Career Pathways 2016, State team member (CO) in Advancing Career Pathways 2026-27"
        ),
        "{people}"
    );
    app.stop().await;
}
