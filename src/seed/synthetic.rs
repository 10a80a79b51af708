//! Large synthetic data for benchmarks: `waymark seed synthetic`. A program
//! whose states each have a team of raters, every rater's ratings of the
//! full instrument, the consensus and frozen snapshots.

use indicatif::{ProgressBar, ProgressStyle};

use crate::seed::mix;

use crate::assessment::{Priority, Rating, SnapshotKind, service, store as assess};
use crate::auth::{Grant, Role};
use crate::state::AppState;

pub struct Sizes {
    pub program: String,
    pub states: usize,
    pub snapshots: usize,
    pub raters: usize,
    /// Also fill the program year: activities, plans, peer groups.
    pub year: bool,
}

/// Makes the program and its cohort; refuses if the program exists.
pub async fn assessment_cohort(state: &AppState, sizes: &Sizes) -> anyhow::Result<()> {
    if !(1..=56).contains(&sizes.states)
        || !(1..=3).contains(&sizes.snapshots)
        || !(1..=50).contains(&sizes.raters)
    {
        anyhow::bail!("--states is 1 to 56, --snapshots 1 to 3, --raters 1 to 50");
    }
    let request = crate::program::create::NewProgramRequest {
        name: format!("Synthetic cohort ({} states)", sizes.states),
        slug: sizes.program.clone(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "Synthetic".into(),
        provider: "Synthetic".into(),
    };
    crate::program::service::create_program(state, (None, "seed".into()), "", &request)
        .await
        .map_err(|e| anyhow::anyhow!("program: {e:?}"))?;
    let pool = &state.db.pool;
    let program = crate::program::store::find_by_slug(pool, &sizes.program)
        .await?
        .expect("just created");
    let instrument = service::instrument(state, &state.frameworks, &program)
        .await
        .map_err(|e| anyhow::anyhow!("instrument: {e:?}"))?;
    let the_year = year::place_the_year(state, &program, crate::time::now_ms()).await?;
    let codes: Vec<String> = crate::program::store::jurisdictions(pool)
        .await?
        .into_iter()
        .map(|j| j.code)
        .take(sizes.states)
        .collect();
    let bar = ProgressBar::new((codes.len() * sizes.snapshots) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} snapshots ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("seeding");
    let kinds = SnapshotKind::ALL;
    let now = crate::time::now_ms();
    let mut leads = Vec::new();
    for (s, code) in codes.iter().enumerate() {
        let mut tx = state.db.begin().await?;
        sqlx::query(
            "INSERT INTO state_teams (program_id, state_code, created_at) VALUES ($1, $2, $3)",
        )
        .bind(program.id)
        .bind(code)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let mut raters = Vec::new();
        for r in 0..sizes.raters {
            let email = format!(
                "rater{r}.{}@{}.synthetic.test",
                code.to_lowercase(),
                sizes.program
            );
            let id = crate::auth::store::insert_user(
                &mut *tx,
                &email,
                &format!("Rater {r} ({code})"),
                None,
                now,
            )
            .await?;
            let role = if r == 0 {
                Role::StateLead
            } else {
                Role::StateMember
            };
            crate::auth::store::add_grant(
                &mut *tx,
                id,
                &Grant {
                    role,
                    program_id: Some(program.id),
                    state_code: Some(code.clone()),
                },
                now,
            )
            .await?;
            let sector = crate::team::Sector::ALL[r % crate::team::Sector::ALL.len()];
            sqlx::query(
                "INSERT INTO team_members (program_id, state_code, user_id, name, email, agency, sector, level, role, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'Agency', $6, 'state', $7, $8)",
            )
            .bind(program.id)
            .bind(code)
            .bind(id)
            .bind(format!("Rater {r} ({code})"))
            .bind(&email)
            .bind(sector.as_str())
            .bind(if r == 0 { "lead" } else { "member" })
            .bind(now)
            .execute(&mut *tx)
            .await?;
            raters.push(id);
        }
        leads.push((code.clone(), raters[0]));
        let round_id = assess::start_round(&mut tx, program.id, code, 1, now).await?;
        tx.commit().await?;
        let mut round = (round_id, 1);
        for (k, kind) in kinds.iter().take(sizes.snapshots).enumerate() {
            let mut tx = state.db.begin().await?;
            let mut consensus = Vec::new();
            let mut per_rater: Vec<Vec<(i64, Rating)>> = vec![Vec::new(); raters.len()];
            for i in &instrument.indicators {
                let mut levels = Vec::new();
                for (r, answers) in per_rater.iter_mut().enumerate() {
                    let h = mix(&[s as u64, k as u64, r as u64, i.id as u64]);
                    let base = 1 + (mix(&[s as u64, i.element_number as u64]) % 3) as i64;
                    let level = (base + k as i64 + (h % 3) as i64 - 1).clamp(1, 4);
                    let rating = Rating {
                        level: (!h.is_multiple_of(19)).then_some(level),
                        not_sure: h.is_multiple_of(19),
                        priority: Some(Priority::ALL[(h % 3) as usize]),
                        evidence: String::new(),
                    };
                    if let Some(l) = rating.level {
                        levels.push(l);
                    }
                    answers.push((i.id, rating));
                }
                levels.sort();
                consensus.push((
                    i.id,
                    Rating {
                        level: levels.get(levels.len() / 2).copied(),
                        not_sure: levels.is_empty(),
                        priority: Some(Priority::Medium),
                        evidence: String::new(),
                    },
                ));
            }
            for (r, id) in raters.iter().enumerate() {
                assess::save_member_ratings(&mut tx, round.0, *id, &per_rater[r], now).await?;
            }
            assess::save_consensus(&mut tx, round.0, &consensus, raters[0], now).await?;
            let at = now - ((sizes.snapshots - k) as i64) * 86_400_000 * 90;
            assess::take_snapshot(&mut tx, program.id, code, round, *kind, raters[0], at).await?;
            let next = assess::open_round(&mut *tx, program.id, code)
                .await?
                .expect("take_snapshot opens the next round");
            assess::set_shared(&mut tx, program.id, code, true, now).await?;
            tx.commit().await?;
            round = next;
            bar.inc(1);
        }
    }
    bar.finish_with_message("snapshots done");
    if sizes.year {
        year::fill(state, &program, &instrument, &leads, &the_year, now).await?;
    }
    Ok(())
}

/// The program year: the program's dates placed around today, then every
/// state's activities, plan and peer group, inserted in bulk.
pub mod year {
    use std::collections::BTreeMap;

    use indicatif::{ProgressBar, ProgressStyle};
    use jiff::ToSpan;
    use jiff::civil::{Date, time};

    use crate::assessment::instrument::Instrument;
    use crate::db::Tx;
    use crate::program::store::Program;
    use crate::seed::mix;
    use crate::state::AppState;

    /// What one state does in the year.
    pub const COACHING_CALLS: usize = 11;
    pub const SITE_VISITS: usize = 2;
    pub const WEBINARS: usize = 4;
    pub const PLANNING_SESSIONS: usize = 11;
    /// Peer sessions per group (every other month).
    pub const PEER_SESSIONS: usize = 5;
    /// States per coach.
    pub const STATES_PER_COACH: usize = 8;

    /// The program year's dates.
    pub struct Year {
        /// The day of the kick-off meeting.
        pub kickoff: Date,
        /// The first day of each month with coaching calls.
        pub months: Vec<Date>,
    }

    /// Moves the program's dates by whole months so that its last month of
    /// coaching calls is the month after `now`: most of the year has
    /// happened and a little is still ahead. Answers the months of the
    /// coaching calls and the kick-off.
    pub async fn place_the_year(
        state: &AppState,
        program: &Program,
        now: i64,
    ) -> anyhow::Result<Year> {
        let pool = &state.db.pool;
        let tz = crate::program::deadline::zone(&program.time_zone)?;
        let today = jiff::Timestamp::from_millisecond(now)?.to_zoned(tz).date();
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, key, starts_on, ends_on FROM program_milestones WHERE program_id = $1",
        )
        .bind(program.id)
        .fetch_all(pool)
        .await?;
        let calls = rows
            .iter()
            .find(|r| r.1 == "coaching_calls")
            .ok_or_else(|| anyhow::anyhow!("the program has no coaching calls in its timeline"))?;
        let first: Date = calls.2.parse()?;
        let last: Date = calls.3.as_deref().unwrap_or(&calls.2).parse()?;
        let target = today.first_of_month().checked_add(1.month())?;
        let shift = (i32::from(target.year()) * 12 + i32::from(target.month()))
            - (i32::from(last.year()) * 12 + i32::from(last.month()));
        let moved = |d: Date| -> anyhow::Result<Date> { Ok(d.checked_add(shift.months())?) };
        let mut tx = state.db.begin().await?;
        for (id, _, starts, ends) in &rows {
            let starts = moved(starts.parse()?)?;
            let ends = match ends {
                Some(e) => Some(moved(e.parse()?)?.to_string()),
                None => None,
            };
            sqlx::query("UPDATE program_milestones SET starts_on = $1, ends_on = $2 WHERE id = $3")
                .bind(starts.to_string())
                .bind(ends)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let date_of = |key: &str| -> anyhow::Result<Date> {
            let row = rows
                .iter()
                .find(|r| r.1 == key)
                .ok_or_else(|| anyhow::anyhow!("the program has no {key} in its timeline"))?;
            moved(row.2.parse()?)
        };
        // The deadline keeps its time of day (3:00 pm on the program's clock).
        let due = date_of("application_due")?;
        sqlx::query("UPDATE programs SET start_year = $1, applications_due_at = $2 WHERE id = $3")
            .bind(i64::from(due.year()))
            .bind(
                crate::program::deadline::local_deadline(
                    due,
                    time(15, 0, 0, 0),
                    &program.time_zone,
                )?
                .as_millisecond(),
            )
            .bind(program.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let start = moved(first)?.first_of_month();
        Ok(Year {
            kickoff: date_of("kickoff")?.checked_add(14.days())?,
            months: (0..COACHING_CALLS as i32)
                .map(|m| start.checked_add(m.months()))
                .collect::<Result<_, _>>()?,
        })
    }

    /// A value to insert.
    enum V {
        I(i64),
        S(String),
        NI(Option<i64>),
        NS(Option<String>),
    }

    /// Inserts rows many at a time.
    async fn bulk(
        tx: &mut Tx<'_>,
        table: &str,
        cols: &[&str],
        rows: Vec<Vec<V>>,
    ) -> sqlx::Result<()> {
        let per = (4000 / cols.len()).max(1);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<V>> = rows.by_ref().take(per).collect();
            let mut n = 0;
            let values: Vec<String> = chunk
                .iter()
                .map(|r| {
                    let marks: Vec<String> = r
                        .iter()
                        .map(|_| {
                            n += 1;
                            format!("${n}")
                        })
                        .collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            // Table and column names are ours; every value is bound.
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {}",
                cols.join(", "),
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                for v in row {
                    q = match v {
                        V::I(i) => q.bind(i),
                        V::S(s) => q.bind(s),
                        V::NI(i) => q.bind(i),
                        V::NS(s) => q.bind(s),
                    };
                }
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    struct Activity {
        uid: String,
        kind: &'static str,
        title: String,
        starts_at: i64,
        ends_at: i64,
        place: String,
        agenda: String,
        notes: String,
        status: &'static str,
        created_by: Option<i64>,
        /// (state code, attended)
        states: Vec<(String, Option<i64>)>,
        /// (user id, role, attended)
        people: Vec<(i64, &'static str, Option<i64>)>,
        /// (state code, text, owner, due on, done at)
        items: Vec<(String, String, i64, String, Option<i64>)>,
    }

    /// Fills the year for every state (`leads`: state code and its lead).
    pub async fn fill(
        state: &AppState,
        program: &Program,
        instrument: &Instrument,
        leads: &[(String, i64)],
        year: &Year,
        now: i64,
    ) -> anyhow::Result<()> {
        let months = &year.months;
        let pool = &state.db.pool;
        let tz = program.time_zone.clone();
        let at = |d: Date, hour: i8, minute: i8| -> anyhow::Result<i64> {
            Ok(
                crate::program::deadline::local_deadline(d, time(hour, minute, 0, 0), &tz)?
                    .as_millisecond(),
            )
        };
        let today = jiff::Timestamp::from_millisecond(now)?
            .to_zoned(crate::program::deadline::zone(&tz)?)
            .date();
        let names: BTreeMap<String, String> = crate::program::store::jurisdictions(pool)
            .await?
            .into_iter()
            .map(|j| (j.code, j.name))
            .collect();
        let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_owned());
        let elements = instrument.elements();
        let bar = ProgressBar::new(4);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} parts of the year")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message("the year");

        // Peer groups from the snapshots, as the admin would confirm them.
        let cohort = crate::mentoring::service::cohort(state, program)
            .await
            .map_err(|e| anyhow::anyhow!("peer groups: {e:?}"))?;
        let proposal = crate::mentoring::propose(&cohort.states, &cohort.elements);
        let groups: Vec<(Vec<String>, String)> = proposal
            .groups
            .iter()
            .map(|g| (g.codes(), g.reason.clone()))
            .collect();
        let priorities: BTreeMap<String, Vec<String>> = cohort
            .states
            .iter()
            .map(|s| {
                (
                    s.code.clone(),
                    s.assessed
                        .as_ref()
                        .map(|a| a.priorities.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();

        let mut tx = state.db.begin().await?;
        // Coaches, each with a few states.
        let mut coach_of: BTreeMap<String, i64> = BTreeMap::new();
        for (k, chunk) in leads.chunks(STATES_PER_COACH).enumerate() {
            let email = format!("coach{k}@{}.synthetic.test", program.slug);
            let id =
                crate::auth::store::insert_user(&mut *tx, &email, &format!("Coach {k}"), None, now)
                    .await?;
            for (code, _) in chunk {
                crate::auth::store::add_grant(
                    &mut *tx,
                    id,
                    &crate::auth::Grant {
                        role: crate::auth::Role::Coach,
                        program_id: Some(program.id),
                        state_code: Some(code.clone()),
                    },
                    now,
                )
                .await?;
                coach_of.insert(code.clone(), id);
            }
        }
        crate::mentoring::store::replace(&mut tx, program.id, &groups, None, now).await?;
        bar.inc(1);

        // ----- activities -----
        let held = |ends_at: i64| ends_at < now;
        let mut acts: Vec<Activity> = Vec::new();
        let uid = |n: usize| format!("synthetic-{}-{n}@waymark", program.slug);
        let all_states = |attended: &dyn Fn(usize) -> Option<i64>| -> Vec<(String, Option<i64>)> {
            leads
                .iter()
                .enumerate()
                .map(|(s, (c, _))| (c.clone(), attended(s)))
                .collect()
        };
        // The kick-off, on the program's timeline.
        let kickoff = year.kickoff;
        let (k0, k1) = (at(kickoff, 13, 0)?, at(kickoff, 15, 0)?);
        acts.push(Activity {
            uid: uid(acts.len()),
            kind: "kickoff",
            title: "Kick-off meeting for all state teams".into(),
            starts_at: k0,
            ends_at: k1,
            place: "Online meeting".into(),
            agenda: "Welcome; the year ahead; the readiness assessment.".into(),
            notes: if held(k1) {
                "Every team introduced itself.".into()
            } else {
                String::new()
            },
            status: if held(k1) { "held" } else { "scheduled" },
            created_by: None,
            states: all_states(&|_| held(k1).then_some(1)),
            people: leads
                .iter()
                .map(|(_, l)| (*l, "participant", held(k1).then_some(1)))
                .collect(),
            items: vec![],
        });
        // Quarterly webinars on the elements, in months 1, 4, 7 and 10.
        for q in 0..WEBINARS {
            let d = months[q * 3].checked_add(20.days())?;
            let (a, b) = (at(d, 14, 0)?, at(d, 15, 30)?);
            let topic = &elements[q % elements.len()].name;
            acts.push(Activity {
                uid: uid(acts.len()),
                kind: "webinar",
                title: format!("Webinar: {topic}"),
                starts_at: a,
                ends_at: b,
                place: "Online meeting".into(),
                agenda: format!("Lessons from the states on {topic}."),
                notes: String::new(),
                status: if held(b) { "held" } else { "scheduled" },
                created_by: None,
                states: all_states(&|s| {
                    held(b).then(|| i64::from(!mix(&[s as u64, q as u64, 41]).is_multiple_of(6)))
                }),
                people: vec![],
                items: vec![],
            });
        }
        for (s, (code, lead)) in leads.iter().enumerate() {
            let su = s as u64;
            let coach = coach_of.get(code).copied();
            let state_name = name(code);
            let mut people = vec![(*lead, "participant")];
            if let Some(c) = coach {
                people.insert(0, (c, "organizer"));
            }
            let visit_months = [2usize, 7];
            for (m, month) in months.iter().enumerate() {
                let mu = m as u64;
                // The monthly coaching call.
                let d = month.checked_add(((4 + s % 18) as i64).days())?;
                let hour = 9 + (s % 7) as i8;
                let (a, b) = (at(d, hour, 0)?, at(d, hour + 1, 0)?);
                let h = mix(&[su, mu, 1]);
                let status = if !held(b) {
                    "scheduled"
                } else if h.is_multiple_of(13) {
                    "cancelled"
                } else {
                    "held"
                };
                let mut items = Vec::new();
                if status == "held" {
                    for i in 0..(2 + h % 2) {
                        let due = d.checked_add(14.days())?;
                        let done = !mix(&[su, mu, i, 2]).is_multiple_of(4) && due < today;
                        items.push((
                            code.clone(),
                            format!(
                                "Follow up on item {} from the {} call",
                                i + 1,
                                month.strftime("%B")
                            ),
                            *lead,
                            due.to_string(),
                            done.then(|| b + 10 * 86_400_000),
                        ));
                    }
                }
                let attended = (status == "held").then_some(1);
                acts.push(Activity {
                    uid: uid(acts.len()),
                    kind: "coaching_call",
                    title: format!("Coaching call with {state_name}"),
                    starts_at: a,
                    ends_at: b,
                    place: "Phone".into(),
                    agenda: "Progress on the plan; next steps.".into(),
                    notes: if status == "held" {
                        "Went through the plan's steps; see the action items.".into()
                    } else {
                        String::new()
                    },
                    status,
                    created_by: coach,
                    states: vec![(code.clone(), attended)],
                    people: people.iter().map(|(u, r)| (*u, *r, attended)).collect(),
                    items,
                });
                // Two two-day site visits.
                if visit_months.contains(&m) {
                    let d = month.checked_add(((10 + s % 10) as i64).days())?;
                    let (a, b) = (at(d, 9, 0)?, at(d.checked_add(1.day())?, 16, 0)?);
                    let attended = held(b).then_some(1);
                    acts.push(Activity {
                        uid: uid(acts.len()),
                        kind: "site_visit",
                        title: format!("Site visit to {state_name}"),
                        starts_at: a,
                        ends_at: b,
                        place: format!("Community college campus, {state_name}"),
                        agenda: "Day 1: partners and employers. Day 2: the plan.".into(),
                        notes: String::new(),
                        status: if held(b) { "held" } else { "scheduled" },
                        created_by: coach,
                        states: vec![(code.clone(), attended)],
                        people: people.iter().map(|(u, r)| (*u, *r, attended)).collect(),
                        items: vec![],
                    });
                }
                // The team's monthly planning time.
                let d = month.checked_add(((20 + s % 6) as i64).days())?;
                let (a, b) = (at(d, 13, 0)?, at(d, 16, 0)?);
                let attended = held(b).then(|| i64::from(!mix(&[su, mu, 3]).is_multiple_of(9)));
                acts.push(Activity {
                    uid: uid(acts.len()),
                    kind: "planning_session",
                    title: format!("{state_name} team planning time"),
                    starts_at: a,
                    ends_at: b,
                    place: "State office".into(),
                    agenda: "Work on the plan.".into(),
                    notes: String::new(),
                    status: if held(b) { "held" } else { "scheduled" },
                    created_by: Some(*lead),
                    states: vec![(code.clone(), attended)],
                    people: vec![(*lead, "organizer", attended)],
                    items: vec![],
                });
            }
        }
        // Peer sessions, every other month from the second.
        for (g, (codes, _)) in groups.iter().enumerate() {
            let title = crate::mentoring::join(
                &codes
                    .iter()
                    .map(|c| names.get(c).map(String::as_str).unwrap_or(c))
                    .collect::<Vec<_>>(),
            );
            for k in 0..PEER_SESSIONS {
                let d = months[1 + 2 * k].checked_add(((8 + g % 10) as i64).days())?;
                let (a, b) = (at(d, 11, 0)?, at(d, 12, 0)?);
                acts.push(Activity {
                    uid: uid(acts.len()),
                    kind: "peer_session",
                    title: format!("Peer session: {title}"),
                    starts_at: a,
                    ends_at: b,
                    place: "Online meeting".into(),
                    agenda: "What each state is trying; where the other can help.".into(),
                    notes: String::new(),
                    status: if held(b) { "held" } else { "scheduled" },
                    created_by: None,
                    states: codes
                        .iter()
                        .map(|c| (c.clone(), held(b).then_some(1)))
                        .collect(),
                    people: vec![],
                    items: vec![],
                });
            }
        }
        let mut rows = Vec::new();
        for a in &acts {
            rows.push(vec![
                V::I(program.id),
                V::S(a.kind.into()),
                V::S(a.title.clone()),
                V::I(a.starts_at),
                V::I(a.ends_at),
                V::S(a.place.clone()),
                V::S(a.agenda.clone()),
                V::S(a.notes.clone()),
                V::S(a.status.into()),
                V::S(a.uid.clone()),
                V::NI(a.created_by),
                V::I(now),
                V::I(now),
            ]);
        }
        bulk(
            &mut tx,
            "activities",
            &[
                "program_id",
                "kind",
                "title",
                "starts_at",
                "ends_at",
                "place",
                "agenda",
                "notes",
                "status",
                "uid",
                "created_by",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .await?;
        let ids: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
            "SELECT uid, id FROM activities WHERE program_id = $1",
        )
        .bind(program.id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let (mut st, mut pe, mut it) = (Vec::new(), Vec::new(), Vec::new());
        for a in &acts {
            let id = ids[&a.uid];
            for (code, attended) in &a.states {
                st.push(vec![
                    V::I(id),
                    V::I(program.id),
                    V::S(code.clone()),
                    V::NI(*attended),
                ]);
            }
            for (user, role, attended) in &a.people {
                pe.push(vec![
                    V::I(id),
                    V::I(*user),
                    V::S((*role).into()),
                    V::NI(*attended),
                ]);
            }
            for (code, text, owner, due, done) in &a.items {
                it.push(vec![
                    V::I(id),
                    V::S(code.clone()),
                    V::S(text.clone()),
                    V::I(*owner),
                    V::S(due.clone()),
                    V::NI(*done),
                    V::I(now),
                ]);
            }
        }
        bulk(
            &mut tx,
            "activity_states",
            &["activity_id", "program_id", "state_code", "attended"],
            st,
        )
        .await?;
        bulk(
            &mut tx,
            "activity_people",
            &["activity_id", "user_id", "role", "attended"],
            pe,
        )
        .await?;
        bulk(
            &mut tx,
            "action_items",
            &[
                "activity_id",
                "state_code",
                "text",
                "owner_id",
                "due_on",
                "done_at",
                "created_at",
            ],
            it,
        )
        .await?;
        bar.inc(1);

        // ----- plans -----
        let plan_rows = leads
            .iter()
            .map(|(code, _)| vec![V::I(program.id), V::S(code.clone()), V::I(now), V::I(now)])
            .collect();
        bulk(
            &mut tx,
            "plans",
            &["program_id", "state_code", "created_at", "updated_at"],
            plan_rows,
        )
        .await?;
        let plans: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
            "SELECT state_code, id FROM plans WHERE program_id = $1",
        )
        .bind(program.id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        // Each state's goals: (state, position, element index).
        let mut goals: Vec<(String, i64, usize)> = Vec::new();
        let mut goal_rows = Vec::new();
        for (s, (code, _)) in leads.iter().enumerate() {
            let n = 3 + (mix(&[s as u64, 5]) % 3) as usize;
            let mut chosen: Vec<usize> = priorities[code]
                .iter()
                .filter_map(|k| elements.iter().position(|e| &e.key == k))
                .take(n)
                .collect();
            for e in 0..elements.len() {
                if chosen.len() >= n {
                    break;
                }
                if !chosen.contains(&e) {
                    chosen.push(e);
                }
            }
            for (p, e) in chosen.into_iter().enumerate() {
                let el = &elements[e];
                goal_rows.push(vec![
                    V::I(plans[code]),
                    V::I(p as i64),
                    V::S(format!("Advance: {}", el.name)),
                    V::S(format!("Move {} a phase forward this year.", el.name)),
                    V::S(el.key.clone()),
                    V::NS(el.indicators.first().map(|i| i.strategy_key.clone())),
                    V::I(now),
                    V::I(now),
                ]);
                goals.push((code.clone(), p as i64, e));
            }
        }
        bulk(
            &mut tx,
            "plan_goals",
            &[
                "plan_id",
                "position",
                "title",
                "description",
                "element_key",
                "strategy_key",
                "created_at",
                "updated_at",
            ],
            goal_rows,
        )
        .await?;
        let goal_ids: BTreeMap<(i64, i64), i64> = sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT g.plan_id, g.position, g.id FROM plan_goals g JOIN plans p ON p.id = g.plan_id WHERE p.program_id = $1",
        )
        .bind(program.id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(plan, pos, id)| ((plan, pos), id))
        .collect();
        let lead_of: BTreeMap<&String, i64> = leads.iter().map(|(c, l)| (c, *l)).collect();
        // The coaching call of a state in a month, where a step was agreed.
        let call_uid: BTreeMap<(String, usize), i64> = acts
            .iter()
            .filter(|a| a.kind == "coaching_call")
            .map(|a| {
                let m = months
                    .iter()
                    .rposition(|d| at(*d, 0, 0).is_ok_and(|t| t <= a.starts_at))
                    .unwrap_or(0);
                ((a.states[0].0.clone(), m), ids[&a.uid])
            })
            .collect();
        let (mut steps, mut milestones, mut updates) = (Vec::new(), Vec::new(), Vec::new());
        let mut per_plan_updates: BTreeMap<String, usize> = BTreeMap::new();
        for (g, (code, pos, e)) in goals.iter().enumerate() {
            let gu = g as u64;
            let goal = goal_ids[&(plans[code], *pos)];
            let el = &elements[*e];
            let lead = lead_of[code];
            for k in 0..(4 + mix(&[gu, 6]) % 3) as usize {
                let m = (k * 2 + g) % months.len();
                let due = months[m].checked_add(27.days())?;
                let h = mix(&[gu, k as u64, 7]);
                let status = if due < today {
                    match h % 6 {
                        0 => "in_progress",
                        1 => "blocked",
                        _ => "done",
                    }
                } else {
                    match h % 3 {
                        0 => "in_progress",
                        _ => "not_started",
                    }
                };
                let strategy = &el.indicators[k % el.indicators.len()];
                steps.push(vec![
                    V::I(goal),
                    V::I(k as i64),
                    V::S(format!("Step {}: {}", k + 1, strategy.text)),
                    V::I(lead),
                    V::S(due.to_string()),
                    V::S(status.into()),
                    V::NS((status == "done").then(|| {
                        due.checked_sub(3.days())
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    })),
                    V::NI(call_uid.get(&(code.clone(), m)).copied()),
                    V::I(now),
                    V::I(now),
                ]);
            }
            for (k, strategy) in el.indicators.iter().take(2).enumerate() {
                let target = months[(4 + 5 * k).min(months.len() - 1)].checked_add(27.days())?;
                let reached =
                    (target < today && !mix(&[gu, k as u64, 8]).is_multiple_of(3)).then(|| {
                        target
                            .checked_sub(5.days())
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    });
                milestones.push(vec![
                    V::I(goal),
                    V::S(strategy.strategy_key.clone()),
                    V::S(strategy.text.clone()),
                    V::S(target.to_string()),
                    V::NS(reached),
                ]);
            }
            // Progress updates: 6 to 10 per plan, spread over its goals.
            let wanted = 6 + (mix(&[plans[code] as u64, 9]) % 5) as usize;
            let goals_of_plan = goals.iter().filter(|x| &x.0 == code).count();
            let done = per_plan_updates.entry(code.clone()).or_default();
            let share =
                wanted / goals_of_plan + usize::from(*pos < (wanted % goals_of_plan) as i64);
            for u in 0..share {
                let written = months[(u * 3 + *pos as usize) % 9].checked_add(25.days())?;
                updates.push(vec![
                    V::I(goal),
                    V::S(written.min(today).to_string()),
                    V::S(format!("Update {}: progress on {}.", *done + 1, el.name)),
                    V::I(lead),
                    V::I(now),
                ]);
                *done += 1;
            }
        }
        bulk(
            &mut tx,
            "plan_steps",
            &[
                "goal_id",
                "position",
                "text",
                "owner_id",
                "due_on",
                "status",
                "done_on",
                "activity_id",
                "created_at",
                "updated_at",
            ],
            steps,
        )
        .await?;
        bulk(
            &mut tx,
            "plan_milestones",
            &["goal_id", "strategy_key", "text", "target_on", "reached_on"],
            milestones,
        )
        .await?;
        bulk(
            &mut tx,
            "plan_updates",
            &["goal_id", "written_on", "body", "author_id", "created_at"],
            updates,
        )
        .await?;
        bar.inc(1);
        tx.commit().await?;
        bar.inc(1);
        bar.finish_with_message("the year is filled");
        Ok(())
    }
}
