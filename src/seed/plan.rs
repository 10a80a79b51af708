//! The demo program's action plans: CO, KS, MA, MN and OR each answer
//! their top priorities from the baseline snapshot with goals, steps (some
//! done, some under way, a few late), milestones from the element's
//! strategies (some reached) and dated progress updates from November 2016
//! to July 2017, one with a signed charter attached as a PDF.

use crate::plan::StepStatus;
use crate::plan::store::{self, GoalFields, StepFields};
use crate::seed::{Year, mix};
use crate::state::AppState;

const STATES: [&str; 5] = ["CO", "KS", "MA", "MN", "OR"];

/// A dated update: (date, text, the step it is about).
type DemoUpdate = ((i16, i8, i8), &'static str, Option<usize>);

/// What a goal on one element says: a description, its steps (text, due
/// date), and its updates (date, text, about which step).
struct Script {
    element: &'static str,
    description: &'static str,
    steps: [(&'static str, (i16, i8, i8)); 5],
    updates: [DemoUpdate; 3],
}

const SCRIPTS: &[Script] = &[
    Script {
        element: "partnerships",
        description: "The agencies that fund and run career pathways plan together, under a charter their leaders sign.",
        steps: [
            (
                "Invite the heads of education, workforce, human services and economic development to a first joint meeting",
                (2016, 12, 9),
            ),
            (
                "Draft a partnership charter naming each agency's role",
                (2017, 1, 27),
            ),
            ("Get the charter signed by each agency head", (2017, 3, 17)),
            (
                "Agree a standing monthly meeting with a shared agenda",
                (2017, 4, 28),
            ),
            (
                "Bring two regional workforce boards into the partnership",
                (2017, 7, 14),
            ),
        ],
        updates: [
            (
                (2016, 12, 12),
                "All four agency heads came to the first meeting and agreed to write a charter together.",
                Some(0),
            ),
            (
                (2017, 3, 20),
                "The charter is signed by all four agencies. A copy is attached.",
                Some(2),
            ),
            (
                (2017, 6, 2),
                "Monthly meetings are on the calendar through December. One regional board has said yes.",
                Some(4),
            ),
        ],
    },
    Script {
        element: "employers",
        description: "Employers in the state's target sectors help design and test the pathways.",
        steps: [
            (
                "Pick three target sectors from the labor market report",
                (2016, 12, 16),
            ),
            (
                "Hold a listening session with employers in each sector",
                (2017, 2, 24),
            ),
            (
                "Write up the skills employers say they cannot find",
                (2017, 3, 31),
            ),
            (
                "Form an employer advisory group for each sector",
                (2017, 5, 26),
            ),
            (
                "Sign work-based learning agreements with five employers",
                (2017, 8, 18),
            ),
        ],
        updates: [
            (
                (2016, 12, 19),
                "We chose advanced manufacturing, health care and information technology.",
                Some(0),
            ),
            (
                (2017, 3, 3),
                "Two of three listening sessions are done; the health care session moved to March.",
                Some(1),
            ),
            (
                (2017, 7, 7),
                "Advisory groups meet for manufacturing and IT. Health care is still recruiting members.",
                Some(3),
            ),
        ],
    },
    Script {
        element: "programs",
        description: "Programs of study connect secondary, postsecondary and adult education, with stackable credentials.",
        steps: [
            (
                "Map existing programs of study in the target sectors",
                (2016, 12, 23),
            ),
            (
                "Find where credits do not transfer between high school and college",
                (2017, 2, 17),
            ),
            (
                "Draft one model pathway with stackable credentials",
                (2017, 4, 14),
            ),
            (
                "Add an adult education on-ramp to the model pathway",
                (2017, 6, 9),
            ),
            ("Share the model pathway with every region", (2017, 8, 25)),
        ],
        updates: [
            (
                (2017, 1, 6),
                "The program map is done: 42 programs of study, 11 in the target sectors.",
                Some(0),
            ),
            (
                (2017, 4, 21),
                "The model pathway draft is with the community college system for review.",
                Some(2),
            ),
            (
                (2017, 7, 21),
                "Adult education wants a bridge course before the first credential; we are pricing it.",
                Some(3),
            ),
        ],
    },
    Script {
        element: "policies",
        description: "State policies and program rules point the same way, so pathways are not blocked by conflicting requirements.",
        steps: [
            (
                "List the policies that touch career pathways in each agency",
                (2016, 12, 16),
            ),
            ("Mark where policies conflict or leave gaps", (2017, 2, 10)),
            (
                "Propose one joint policy change to the agency heads",
                (2017, 4, 7),
            ),
            (
                "Align the definition of a credential of value across agencies",
                (2017, 6, 30),
            ),
            (
                "Brief the governor's office on the aligned policies",
                (2017, 8, 11),
            ),
        ],
        updates: [
            (
                (2016, 12, 20),
                "Each agency sent its list; there are 37 policies in all.",
                Some(0),
            ),
            (
                (2017, 2, 14),
                "Nine conflicts found, most about eligibility and data sharing.",
                Some(1),
            ),
            (
                (2017, 6, 16),
                "The agencies agreed a shared definition of a credential of value, pending legal review.",
                Some(3),
            ),
        ],
    },
    Script {
        element: "funding",
        description: "Pathways have steady funding, with each agency's funds braided to one plan.",
        steps: [
            (
                "List every funding stream that supports pathways",
                (2016, 12, 30),
            ),
            (
                "Estimate what the model pathway costs per student",
                (2017, 2, 24),
            ),
            ("Agree which costs each agency will cover", (2017, 4, 28)),
            (
                "Apply for one foundation grant for the employer work",
                (2017, 6, 16),
            ),
            (
                "Put pathway costs into each agency's next budget request",
                (2017, 8, 31),
            ),
        ],
        updates: [
            (
                (2017, 1, 9),
                "Funding streams listed: WIOA Titles I and II, Perkins, TANF and two state funds.",
                Some(0),
            ),
            (
                (2017, 5, 5),
                "Cost sharing is agreed for advising and tuition; equipment is still open.",
                Some(2),
            ),
            (
                (2017, 6, 19),
                "The grant application went in on June 15.",
                Some(3),
            ),
        ],
    },
    Script {
        element: "measurement",
        description: "The agencies share measures and data, so the team can see students move through the pathway.",
        steps: [
            (
                "Agree five shared measures of pathway success",
                (2016, 12, 16),
            ),
            (
                "Sign a data-sharing agreement between education and labor",
                (2017, 3, 10),
            ),
            (
                "Match student records to wage records for one cohort",
                (2017, 5, 19),
            ),
            (
                "Build a first dashboard of the shared measures",
                (2017, 7, 28),
            ),
            ("Set targets for each measure for next year", (2017, 8, 25)),
        ],
        updates: [
            (
                (2016, 11, 18),
                "The data leads met twice and have a draft list of eight measures to cut to five.",
                Some(0),
            ),
            (
                (2017, 3, 24),
                "The data-sharing agreement is with the attorneys general's office for review.",
                Some(1),
            ),
            (
                (2017, 7, 14),
                "The first record match worked for 83 percent of students.",
                Some(2),
            ),
        ],
    },
];

/// Adds the plans (once; a state that has a plan already is left alone).
pub async fn fill(state: &AppState, year: &Year) -> anyhow::Result<()> {
    use crate::assessment::store as assess;
    let pool = &state.db.pool;
    let Some(program) = crate::program::store::find_by_slug(pool, year.slug).await? else {
        return Ok(());
    };
    // The script's dates placed in the year, and the day it is seen from.
    let date = |y: i16, m: i8, day: i8| year.date(y, m, day);
    let d = |(y, m, day): (i16, i8, i8)| year.date(y, m, day);
    let today = year.today();
    let instrument = crate::assessment::service::instrument(state, &state.frameworks, &program)
        .await
        .map_err(|e| anyhow::anyhow!("demo instrument: {e:?}"))?;
    let coach = crate::auth::store::find_user_by_email(pool, "coach@demo.waymark.test")
        .await?
        .map(|u| u.id);
    let member_co = crate::auth::store::find_user_by_email(pool, "member.co@demo.waymark.test")
        .await?
        .map(|u| u.id);
    for (n, code) in STATES.iter().enumerate() {
        if !crate::team::store::exists(pool, program.id, code).await?
            || store::plan_id(pool, program.id, code).await?.is_some()
        {
            continue;
        }
        // The goals answer the baseline's top priorities (the plan was
        // written in November 2016).
        let snapshots = assess::snapshots(pool, program.id, code).await?;
        let Some(baseline) = snapshots.first() else {
            continue;
        };
        let ratings = assess::snapshot_ratings(pool, baseline.id).await?;
        let frozen = crate::assessment::instrument::frozen(&instrument, &ratings);
        let priorities = crate::assessment::ranked_priorities(&instrument.scale, &frozen);
        let goals = 2 + (mix(&[n as u64, 41]) % 3) as usize; // 2 to 4
        let mut owners: Vec<i64> = store::owners(pool, program.id, code)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        if let Some(c) = coach
            && owners.is_empty()
        {
            owners.push(c);
        }
        let activities = store::activities(pool, program.id, code).await?;
        let author = owners.first().copied();
        let created = crate::program::deadline::local_deadline(
            date(2016, 11, 15),
            jiff::civil::time(10, 0, 0, 0),
            &program.time_zone,
        )?
        .as_millisecond();
        let mut evidence_done = false;
        let mut tx = state.db.begin().await?;
        let plan = store::ensure_plan(&mut tx, program.id, code, created).await?;
        for (g, p) in priorities.iter().take(goals).enumerate() {
            let Some(script) = SCRIPTS.iter().find(|s| s.element == p.element_key) else {
                continue;
            };
            let top = p
                .indicators
                .first()
                .and_then(|(id, _)| instrument.indicators.iter().find(|i| i.id == *id));
            let goal = store::insert_goal(
                &mut tx,
                plan,
                &GoalFields {
                    title: &p.element_name,
                    description: script.description,
                    element_key: &p.element_key,
                    strategy_key: top.map(|i| i.strategy_key.as_str()),
                },
                created,
            )
            .await?;
            // 3 to 6 steps: the script's five, less one or plus a follow-up.
            let count = 3 + (mix(&[n as u64, g as u64, 7]) % 4) as usize;
            let mut step_ids = Vec::new();
            for s in 0..count {
                let (text, due) = match script.steps.get(s) {
                    Some((t, due)) => (t.to_string(), d(*due)),
                    None => (
                        "Report progress on this goal to the agency heads".to_owned(),
                        date(2017, 8, 31),
                    ),
                };
                // Earlier steps are mostly done, a few are late; later ones
                // are under way or not started; now and then one is blocked.
                let h = mix(&[n as u64, g as u64, s as u64]);
                let status = if due > today {
                    // Not due yet: under way or not started, never done.
                    if h.is_multiple_of(3) {
                        StepStatus::InProgress
                    } else {
                        StepStatus::NotStarted
                    }
                } else if due < date(2017, 3, 1) {
                    if h.is_multiple_of(5) {
                        StepStatus::InProgress
                    } else {
                        StepStatus::Done
                    }
                } else if due < date(2017, 6, 1) {
                    match h % 4 {
                        0 => StepStatus::Blocked,
                        1 => StepStatus::Done,
                        _ => StepStatus::InProgress,
                    }
                } else {
                    StepStatus::NotStarted
                };
                let done_on = (status == StepStatus::Done).then(|| {
                    due.checked_sub(jiff::Span::new().days((h % 6) as i64))
                        .unwrap_or(due)
                        .to_string()
                });
                let owner = (!owners.is_empty()).then(|| owners[(h as usize) % owners.len()]);
                // The activity where it was agreed: the state's latest one
                // in the six weeks before it was due, if any.
                let due_ms = crate::program::deadline::local_deadline(
                    due,
                    jiff::civil::time(0, 0, 0, 0),
                    &program.time_zone,
                )?
                .as_millisecond();
                let activity = activities
                    .iter()
                    .find(|(_, _, at)| *at < due_ms && *at > due_ms - 42 * 86_400_000)
                    .map(|(id, _, _)| *id);
                let id = store::insert_step(
                    &mut tx,
                    goal,
                    &StepFields {
                        text: &text,
                        owner_id: owner,
                        due_on: &due.to_string(),
                        status,
                        done_on: done_on.as_deref(),
                        activity_id: activity,
                    },
                    created,
                )
                .await?;
                step_ids.push(id);
            }
            // The year under way: on the first goal, one step late and one
            // due this week, for a member of the team (Colorado's is the
            // demo member).
            if year.current && g == 0 {
                let owner = member_co
                    .filter(|m| *code == "CO" && owners.contains(m))
                    .or_else(|| owners.last().copied());
                for (text, days, done) in [
                    ("Name a contact for the plan in each agency", -24, true),
                    (
                        "Share the baseline results with each agency head",
                        -10,
                        true,
                    ),
                    (
                        "Confirm who from your agency joins the spring site visit",
                        -4,
                        // Massachusetts and Oregon are on track.
                        matches!(*code, "MA" | "OR"),
                    ),
                    (
                        "Send your agency's comments on the draft charter to the lead",
                        3,
                        false,
                    ),
                ] {
                    let due = today.checked_add(jiff::Span::new().days(days))?;
                    let done_on = done
                        .then(|| due.checked_sub(jiff::Span::new().days(2)).ok())
                        .flatten()
                        .map(|d| d.to_string());
                    store::insert_step(
                        &mut tx,
                        goal,
                        &StepFields {
                            text,
                            owner_id: owner,
                            due_on: &due.to_string(),
                            status: if done {
                                StepStatus::Done
                            } else {
                                StepStatus::NotStarted
                            },
                            done_on: done_on.as_deref(),
                            activity_id: None,
                        },
                        created,
                    )
                    .await?;
                }
            }
            // Milestones: two strategies of the element, the first reached.
            let strategies: Vec<_> = instrument
                .indicators
                .iter()
                .filter(|i| i.element_key == p.element_key)
                .take(2)
                .collect();
            for (m, i) in strategies.iter().enumerate() {
                let reached_on = date(2017, 4, 21);
                let (target, reached) = if m == 0 {
                    (
                        date(2017, 4, 30),
                        (reached_on <= today).then(|| reached_on.to_string()),
                    )
                } else {
                    (date(2017, 8, 31), None)
                };
                store::insert_milestone(
                    &mut tx,
                    goal,
                    (&i.strategy_key, &i.text),
                    &target.to_string(),
                    reached.as_deref(),
                )
                .await?;
            }
            for (u, (written, body, step)) in script.updates.iter().enumerate() {
                let written = d(*written);
                if written > today {
                    continue;
                }
                let at = crate::program::deadline::local_deadline(
                    written,
                    jiff::civil::time(16, 30, 0, 0),
                    &program.time_zone,
                )?
                .as_millisecond();
                let step = step.and_then(|s| step_ids.get(s).copied());
                let update = store::insert_update(
                    &mut tx,
                    goal,
                    step,
                    &written.to_string(),
                    body,
                    (author, at),
                )
                .await?;
                // The signed charter where the update says it is attached,
                // and a meeting note on each state's first goal.
                let charter = body.contains("attached");
                if charter || (g == 0 && u == 1 && !evidence_done) {
                    let (text, name) = if charter {
                        (
                            format!("{code} partnership charter, signed March 2017"),
                            "Signed partnership charter.pdf".to_owned(),
                        )
                    } else {
                        (
                            format!("{code} {}: meeting notes", p.element_name),
                            "Meeting notes.pdf".to_owned(),
                        )
                    };
                    let pdf = crate::application::letter::sample_pdf(&text);
                    let key = crate::storage::new_key(&format!("plans/{plan}"), "pdf");
                    let size = pdf.len() as i64;
                    state.storage.put(&key, pdf).await?;
                    store::insert_evidence(
                        &mut tx,
                        update,
                        (&key, &name, "application/pdf"),
                        size,
                        at,
                    )
                    .await?;
                    evidence_done = true;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(())
}
