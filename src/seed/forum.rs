//! The demo program's forum in the autumn of 2016: threads among the
//! states (Colorado, Kansas, Massachusetts, Minnesota, Oregon) and their
//! coaches in General, two topic categories and Colorado's private
//! category, with replies, a mention, an edited post and a hidden post.
//! Written straight to the tables with 2016 times (no emails are sent
//! for the demo's posts).

use crate::audit::{self, Entry};
use crate::state::AppState;

/// (author's email, minutes after the thread starts, Markdown).
type Post = (&'static str, i64, &'static str);

/// (category key, title, day in October 2016, posts).
const THREADS: &[(&str, &str, i8, &[Post])] = &[
    (
        "general",
        "Who is coming to the December convening?",
        11,
        &[
            (
                "lead.ks@demo.waymark.test",
                0,
                "Kansas is sending three people to the December convening: our lead, someone from the workforce board and a community college dean. Who else is going, and is anyone bringing an employer?",
            ),
            (
                "lead.mn@demo.waymark.test",
                95,
                "Minnesota is sending four. We asked our manufacturing sector partner to come for the employer panel on day two.",
            ),
            (
                "lead.or@demo.waymark.test",
                240,
                "Oregon is sending two, maybe three. It would help to have the agenda before our travel request goes in — @Renee, do you know when it comes out?",
            ),
            (
                "coach@demo.waymark.test",
                300,
                "The draft agenda goes out on **November 1**. Travel requests can go in now; the dates will not change.",
            ),
        ],
    ),
    (
        "partnerships",
        "Getting the workforce board to the table",
        17,
        &[
            (
                "lead.ma@demo.waymark.test",
                0,
                "Our workforce board sends someone different to every meeting, so nothing carries over. How have other states kept the same person coming?",
            ),
            (
                "lead.co@demo.waymark.test",
                180,
                "What worked for us:\n\n1. A short written charter that names each agency's seat.\n2. Meetings on the board's own calendar, not ours.\n3. Asking the board chair (not staff) to name the person.\n\nIt took two months, but the same deputy director now comes every time.",
            ),
            (
                "lead.ma@demo.waymark.test",
                400,
                "Thank you, the charter idea is useful. Would you share yours?",
            ),
            (
                "lead.co@demo.waymark.test",
                460,
                "Yes — I will post it in the resources once our legal office clears it.",
            ),
        ],
    ),
    (
        "funding",
        "Braiding WIOA and Perkins for navigators",
        24,
        &[
            (
                "lead.mn@demo.waymark.test",
                0,
                "We want two pathway navigators paid partly from WIOA Title I and partly from Perkins. Has anyone done this, and how did you split the time records?",
            ),
            (
                "lead.ks@demo.waymark.test",
                130,
                "We did it last year. Time records by activity, not by person: each navigator logs which students they served and under which program. Our auditors accepted that.",
            ),
            (
                "lead.or@demo.waymark.test",
                200,
                "Check out this amazing deal on cheap conference travel, click here now!",
            ),
        ],
    ),
    (
        "CO",
        "Before the November coaching call",
        26,
        &[
            (
                "lead.co@demo.waymark.test",
                0,
                "Before our call with Renee: we still need the community college system's data contact. @Jordan.Kim, can you ask at Tuesday's meeting?",
            ),
            (
                "member.co@demo.waymark.test",
                60,
                "I will ask on Tuesday and post the name here.",
            ),
            (
                "coach@demo.waymark.test",
                120,
                "Good. Please also bring the draft charter to the call; we can go through the open questions together.",
            ),
        ],
    ),
];

/// The Oregon post (the third thread's third) a coach hid, and why.
const HIDDEN: (usize, usize, &str) = (
    2,
    2,
    "Advertising, posted by mistake from a shared account.",
);

/// The Colorado lead's post (second thread, second post) edited later.
const EDITED: (usize, usize, &str) = (
    1,
    1,
    "What worked for us:\n\n1. A short written charter that names each agency's seat.\n2. Meetings on the board's own calendar, not ours.\n3. Asking the board chair (not staff) to name the person.\n\nIt took two months, but the same deputy director now comes every time. Our charter is one page; the length mattered.",
);

pub async fn fill(state: &AppState) -> anyhow::Result<()> {
    let pool = &state.db.pool;
    let Some(program) =
        crate::program::store::find_by_slug(pool, crate::seed::PROGRAM_SLUG).await?
    else {
        return Ok(());
    };
    crate::forum::service::ensure_categories(state, &program)
        .await
        .map_err(|e| anyhow::anyhow!("forum categories: {e:?}"))?;
    let categories = crate::forum::store::categories(pool, program.id).await?;
    let people = crate::forum::store::people(pool, program.id).await?;
    let names: Vec<(i64, String)> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let user = |email: &str| people.iter().find(|p| p.email == email).map(|p| p.id);
    let at = |day: i8, minutes: i64| -> anyhow::Result<i64> {
        Ok(crate::program::deadline::local_deadline(
            jiff::civil::date(2016, 10, day),
            jiff::civil::time(9, 30, 0, 0),
            &program.time_zone,
        )?
        .as_millisecond()
            + minutes * 60_000)
    };
    let mut tx = state.db.begin().await?;
    let mut post_ids: Vec<Vec<i64>> = Vec::new();
    for (key, title, day, posts) in THREADS {
        let Some(category) = categories.iter().find(|c| c.key == *key) else {
            post_ids.push(vec![]);
            continue;
        };
        let Some(author) = user(posts[0].0) else {
            post_ids.push(vec![]);
            continue;
        };
        let thread = crate::forum::store::insert_thread(
            &mut tx,
            program.id,
            category.id,
            title,
            author,
            at(*day, 0)?,
        )
        .await?;
        crate::forum::store::set_watch(&mut tx, author, "thread", thread, true, at(*day, 0)?)
            .await?;
        let mut ids = Vec::new();
        for (email, minutes, body) in *posts {
            let Some(by) = user(email) else { continue };
            let (mentioned, md) = crate::forum::apply_mentions(body, &names);
            let html = crate::web::markdown::to_safe_html(&md);
            let when = at(*day, *minutes)?;
            let post =
                crate::forum::store::insert_post(&mut tx, thread, by, body, &html, when).await?;
            for person in mentioned.into_iter().filter(|p| *p != by) {
                crate::forum::store::record_mention(&mut tx, post, person, when).await?;
            }
            ids.push(post);
        }
        post_ids.push(ids);
    }
    if let Some(&id) = post_ids.get(EDITED.0).and_then(|p| p.get(EDITED.1))
        && let Some(post) = crate::forum::store::post(&mut *tx, id).await?
    {
        let (_, md) = crate::forum::apply_mentions(EDITED.2, &names);
        let html = crate::web::markdown::to_safe_html(&md);
        crate::forum::store::edit_post(&mut tx, &post, EDITED.2, &html, at(18, 30)?).await?;
    }
    if let Some(&id) = post_ids.get(HIDDEN.0).and_then(|p| p.get(HIDDEN.1)) {
        crate::forum::store::set_post_hidden(&mut tx, id, true, HIDDEN.2).await?;
        // Minnesota's lead reported it first; the report still waits.
        if let Some(by) = user("lead.mn@demo.waymark.test") {
            crate::forum::store::insert_flag(
                &mut tx,
                id,
                by,
                "This looks like spam.",
                at(24, 215)?,
            )
            .await?;
        }
    }
    audit::write(
        &mut *tx,
        &Entry::new((None, "demo".into()), "", "forum_demo")
            .record("program", program.id)
            .detail(format!("{} forum threads (demo)", THREADS.len())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
