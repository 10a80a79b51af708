//! The demo program's year for this area: the 2016-17 activities of the
//! Advancing Career Pathways cohort (kick-off, monthly coaching calls and
//! planning sessions, two site visits a state, quarterly webinars, peer
//! mentoring, an expert's consultation), recorded with notes, attendance
//! and action items. The year under way (`Year::current`) places the same
//! script from its kick-off: what has happened is recorded, what has not is
//! scheduled, and a follow-up call and a consultation come in the next days.
//!
//! The kick-off is the first activity made (id 1 in a new database) and
//! Colorado's October 2016 coaching call, with its action items, the second.

use jiff::civil::{Date, Weekday};

use crate::activity::store;
use crate::activity::{Checked, Kind, Status, to_utc_ms};
use crate::db::Tx;
use crate::seed::{Year, mix};
use crate::state::AppState;

const NY: &str = "America/New_York";

fn at(date: Date, hhmm: &str) -> anyhow::Result<i64> {
    let t = crate::activity::parse_time(hhmm).ok_or_else(|| anyhow::anyhow!("bad time {hhmm}"))?;
    to_utc_ms(date, t, NY).map_err(|e| anyhow::anyhow!(e))
}

struct Demo<'a> {
    program_id: i64,
    tx: Tx<'a>,
    year: &'a Year,
    /// State code -> (name, coach id).
    states: Vec<(String, String, i64)>,
    /// Activities made so far (for their calendar UIDs).
    made: u64,
}

impl Demo<'_> {
    fn name(&self, code: &str) -> String {
        self.states
            .iter()
            .find(|s| s.0 == code)
            .map(|s| s.1.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    fn coach(&self, code: &str) -> i64 {
        self.states
            .iter()
            .find(|s| s.0 == code)
            .map(|s| s.2)
            .unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    async fn add(
        &mut self,
        kind: Kind,
        states: &[&str],
        (day, start, last_day, end): (Date, &str, Date, &str),
        title: String,
        place: &str,
        agenda: &str,
        organizer: i64,
        expert: Option<i64>,
    ) -> anyhow::Result<i64> {
        let starts_at = at(day, start)?;
        let c = Checked {
            kind,
            states: states.iter().map(|s| s.to_string()).collect(),
            starts_at,
            ends_at: at(last_day, end)?,
            title,
            agenda: agenda.to_owned(),
            place: place.to_owned(),
            expert_id: expert,
        };
        self.made += 1;
        let uid = format!(
            "demo-{}-{}-{:x}@waymark.demo",
            self.made,
            kind.as_str(),
            mix(&[starts_at as u64, self.made])
        );
        // Scheduled two weeks before (and never in the future).
        let made = (starts_at - 14 * 24 * 3_600_000).min(crate::time::now_ms());
        Ok(store::insert(&mut self.tx, self.program_id, &c, &uid, organizer, made).await?)
    }

    /// Records it as held: the states that came, the people (everyone of
    /// the states that came, all but one in a few cases), the notes.
    async fn held(
        &mut self,
        id: i64,
        states: &[&str],
        absent: &[&str],
        notes: &str,
    ) -> anyhow::Result<bool> {
        let a = store::load(&mut self.tx, self.program_id, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("activity {id}"))?;
        // What has not happened yet stays scheduled.
        if !self.year.happened(a.ends_at) {
            return Ok(false);
        }
        store::set_outcome(
            &mut self.tx,
            id,
            Status::Held,
            notes,
            false,
            a.ends_at + 3_600_000,
        )
        .await?;
        let codes: Vec<String> = states.iter().map(|s| s.to_string()).collect();
        for code in &codes {
            store::set_state_attended(
                &mut self.tx,
                id,
                code,
                Some(!absent.contains(&code.as_str())),
            )
            .await?;
        }
        let people = store::team_people(&mut *self.tx, self.program_id, &codes).await?;
        for (n, (user, _, code)) in people.iter().enumerate() {
            let skipped = mix(&[id as u64, n as u64]).is_multiple_of(5);
            let came = !absent.contains(&code.as_str()) && !skipped;
            store::set_person_attended(&mut self.tx, id, *user, came).await?;
        }
        for p in &a.people {
            store::set_person_attended(&mut self.tx, id, p.user_id, true).await?;
        }
        Ok(true)
    }

    async fn cancelled(&mut self, id: i64, notes: &str) -> anyhow::Result<()> {
        let a = store::load(&mut self.tx, self.program_id, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("activity {id}"))?;
        if !self.year.happened(a.starts_at) {
            return Ok(());
        }
        store::set_outcome(
            &mut self.tx,
            id,
            Status::Cancelled,
            notes,
            true,
            a.starts_at - 24 * 3_600_000,
        )
        .await?;
        Ok(())
    }

    /// An action item owned by the state's lead (or its first member with
    /// an account), or by its coach.
    async fn item(
        &mut self,
        activity: i64,
        code: &str,
        text: &str,
        by_coach: bool,
        due: &str,
        done_on: Option<&str>,
    ) -> anyhow::Result<i64> {
        let owner = if by_coach {
            self.coach(code)
        } else {
            let people =
                store::team_people(&mut *self.tx, self.program_id, &[code.to_owned()]).await?;
            let lead: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM team_members WHERE program_id = $1 AND state_code = $2 AND role = 'lead' AND user_id IS NOT NULL",
            )
            .bind(self.program_id)
            .bind(code)
            .fetch_optional(&mut *self.tx)
            .await?;
            lead.or(people.first().map(|p| p.0))
                .unwrap_or(self.coach(code))
        };
        let due = self.year.ymd(due);
        let id = store::insert_item(
            &mut self.tx,
            activity,
            (text, owner, &due, Some(code)),
            at(self.year.date(2016, 9, 1), "12:00")?,
        )
        .await?;
        if let Some(d) = done_on {
            let d =
                crate::activity::parse_date(d).ok_or_else(|| anyhow::anyhow!("bad date {d}"))?;
            let done_at = at(self.year.place(d), "17:00")?;
            if self.year.happened(done_at) {
                store::set_item_done(&mut self.tx, id, Some(done_at)).await?;
            }
        }
        Ok(id)
    }
}

/// (code, weekday rank, weekday, start and end on the program clock).
const CALLS: &[(&str, i8, Weekday, &str, &str)] = &[
    ("CO", 2, Weekday::Tuesday, "14:00", "15:00"),
    ("KS", 1, Weekday::Wednesday, "11:00", "12:00"),
    ("MA", 2, Weekday::Thursday, "10:00", "11:00"),
    ("MN", 3, Weekday::Tuesday, "13:00", "14:00"),
    ("OR", 3, Weekday::Thursday, "15:00", "16:00"),
];

const MONTHS: &[(i16, i8)] = &[
    (2016, 10),
    (2016, 11),
    (2016, 12),
    (2017, 1),
    (2017, 2),
    (2017, 3),
    (2017, 4),
    (2017, 5),
    (2017, 6),
    (2017, 7),
    (2017, 8),
];

/// What a coaching call in a given month was about.
fn call_notes(month: usize) -> (&'static str, &'static str) {
    let topics: [(&str, &str); 11] = [
        (
            "Baseline assessment and team roles",
            "The team walked through its baseline ratings. The widest disagreement was on measuring system change: the agencies use different outcome measures. Agreed the lead will own the action plan and each agency will name a contact for data questions.",
        ),
        (
            "Priorities from the baseline",
            "We chose two priorities for the year from the baseline gaps. The team wants examples from states that share data across agencies; the coach will look for two.",
        ),
        (
            "Drafting the first goals",
            "The team brought a first draft of its goals. Two are clear; the third is too broad and will be split into steps the team can finish this year.",
        ),
        (
            "Site visit follow-up",
            "We went over what came out of the site visit. Employers asked for one contact at the state instead of four; the team will discuss who that should be.",
        ),
        (
            "Employer engagement",
            "Discussed how regional sector partnerships can feed the state plan. The workforce board will share its list of active partnerships.",
        ),
        (
            "Mid-year check",
            "The team is on track on two goals and behind on the data agreement, which is waiting on legal review. The mid-year assessment is scheduled for March.",
        ),
        (
            "Mid-year results",
            "Read the mid-year snapshot together. Scores rose on engaging employers; alignment of policies has not moved yet. Agreed to focus the next three months there.",
        ),
        (
            "Policy alignment",
            "Walked through the policies that block stackable credentials. The team will bring a short list of changes that need no legislation.",
        ),
        (
            "Funding",
            "Talked through braiding WIOA and Perkins funds for the pathway navigators. The coach shared what two other states have done.",
        ),
        (
            "Sustaining the work",
            "Planned how the team keeps meeting after the year ends. The commissioners will be briefed in August.",
        ),
        (
            "Year in review",
            "Looked back at the year: what moved, what did not, and what to ask for in the final report.",
        ),
    ];
    topics[month % topics.len()]
}

pub async fn fill(state: &AppState, year: &Year) -> anyhow::Result<()> {
    let pool = &state.db.pool;
    let Some(program) = crate::program::store::find_by_slug(pool, year.slug).await? else {
        return Ok(());
    };
    let find = |email: &'static str| async move {
        crate::auth::store::find_user_by_email(pool, email)
            .await
            .map(|u| u.map(|u| u.id))
    };
    let (Some(admin), Some(renee), Some(sme)) = (
        find("admin@demo.waymark.test").await?,
        find("coach@demo.waymark.test").await?,
        find("sme@demo.waymark.test").await?,
    ) else {
        return Ok(());
    };
    let teams = crate::team::store::teams(pool, program.id).await?;
    let mut states = Vec::new();
    for (code, name) in &teams {
        let coach = crate::team::store::coach(pool, program.id, code)
            .await?
            .map(|c| c.0)
            .unwrap_or(admin);
        states.push((code.clone(), name.clone(), coach));
    }
    let all: Vec<&str> = ["CO", "KS", "MA", "MN", "OR"]
        .into_iter()
        .filter(|c| teams.iter().any(|t| t.0 == *c))
        .collect();
    if all.len() < 5 {
        return Ok(());
    }
    // The script's dates, placed in the year.
    let date = |y: i16, m: i8, day: i8| year.date(y, m, day);
    let nth = |y: i16, m: i8, n: i8, w: Weekday| year.nth(y, m, n, w);
    let mut d = Demo {
        program_id: program.id,
        tx: state.db.begin().await?,
        year,
        states,
        made: 0,
    };

    // 1. The kick-off: virtual, all five states.
    let kickoff = d
        .add(
            Kind::Kickoff,
            &all,
            (date(2016, 9, 20), "13:00", date(2016, 9, 20), "16:00"),
            "Kick-off meeting".into(),
            "Video conference (link sent by email)",
            "Welcome from OCTAE\nThe year at a glance: calls, site visits, webinars, peer mentoring\nHow the readiness assessment works\nEach state introduces its team",
            admin,
            None,
        )
        .await?;
    d.held(kickoff, &all, &[], "All five states joined. OCTAE opened with the goals of the initiative. Each team introduced itself and named one thing it hopes to get from the year. Questions were mostly about the assessment: who rates, and how the consensus works. Slides and the recording are on the program page.").await?;

    // 2. Monthly coaching calls, October 2016 to August 2017.
    for (m, (y, mo)) in MONTHS.iter().enumerate() {
        for (code, rank, weekday, start, end) in CALLS {
            let day = nth(*y, *mo, *rank, *weekday);
            let name = d.name(code);
            let coach = d.coach(code);
            let (topic, notes) = call_notes(m);
            let id = d
                .add(
                    Kind::CoachingCall,
                    &[code],
                    (day, start, day, end),
                    format!("Coaching call with {name}: {topic}"),
                    "Phone bridge (number in the invitation)",
                    &format!("{topic}\nAction items from last month\nNext steps"),
                    coach,
                    None,
                )
                .await?;
            // In the year under way Kansas missed November too.
            let missed = matches!(
                (*code, *y, *mo),
                ("MA", 2017, 1) | ("MA", 2017, 2) | ("OR", 2016, 12)
            ) || (year.current && (*code, *y, *mo) == ("KS", 2016, 11));
            if missed {
                d.cancelled(id, &format!("{name}'s team could not meet this month (legislative session and staff leave); no other date worked before the month ended.")).await?;
                continue;
            }
            // In the year under way Minnesota's latest call is over but its
            // coach has not written it up yet.
            let ends = at(day, end)?;
            if year.current
                && *code == "MN"
                && year.happened(ends)
                && !year.happened(ends + 30 * 86_400_000)
            {
                continue;
            }
            if !d.held(id, &[code], &[], notes).await? {
                continue;
            }
            // Action items: a few done, some open and now overdue.
            match (*code, m) {
                ("CO", 0) => {
                    d.item(id, code, "Draft a data-sharing agreement between the Department of Education and the community college system", false, "2016-12-01", Some("2016-11-28")).await?;
                    d.item(
                        id,
                        code,
                        "Share the map of regional sector partnerships with the whole team",
                        false,
                        "2016-11-01",
                        Some("2016-10-25"),
                    )
                    .await?;
                    d.item(
                        id,
                        code,
                        "Find two examples of states that share data across agencies",
                        true,
                        "2016-11-08",
                        Some("2016-11-07"),
                    )
                    .await?;
                }
                ("CO", 8) => {
                    d.item(
                        id,
                        code,
                        "Send the coach the draft crosswalk of credentials to programs of study",
                        false,
                        "2017-07-14",
                        None,
                    )
                    .await?;
                }
                ("KS", 4) => {
                    d.item(
                        id,
                        code,
                        "Invite three employers to the spring site visit",
                        false,
                        "2017-03-20",
                        Some("2017-03-17"),
                    )
                    .await?;
                }
                ("KS", 9) => {
                    d.item(
                        id,
                        code,
                        "Collect written commitments from the aviation sector partnership",
                        false,
                        "2017-08-31",
                        None,
                    )
                    .await?;
                }
                ("MN", 5) => {
                    d.item(
                        id,
                        code,
                        "Share the braided-funding examples from two other states",
                        true,
                        "2017-04-14",
                        None,
                    )
                    .await?;
                }
                ("OR", 6) => {
                    d.item(
                        id,
                        code,
                        "Name one state contact for employers",
                        false,
                        "2017-05-31",
                        Some("2017-05-22"),
                    )
                    .await?;
                }
                _ => {}
            }
        }
    }

    // 3. Site visits: two days each, at the place the state chose (Oregon's
    //    second is still to be planned). Times are on the program's clock.
    let visits: &[(&str, Date, &str, &str, &str)] = &[
        (
            "CO",
            date(2016, 11, 15),
            "11:00",
            "18:00",
            "Colorado Community College System, 9101 E. Lowry Blvd, Denver",
        ),
        (
            "CO",
            date(2017, 4, 18),
            "11:00",
            "18:00",
            "Pikes Peak Community College, Colorado Springs",
        ),
        (
            "KS",
            date(2016, 12, 6),
            "10:00",
            "17:00",
            "WSU Tech, National Center for Aviation Training, Wichita",
        ),
        (
            "KS",
            date(2017, 5, 9),
            "10:00",
            "17:00",
            "Kansas Board of Regents, Topeka",
        ),
        (
            "MA",
            date(2016, 11, 29),
            "09:00",
            "16:00",
            "Massachusetts Department of Higher Education, Boston",
        ),
        (
            "MA",
            date(2017, 4, 25),
            "09:00",
            "16:00",
            "Quinsigamond Community College, Worcester",
        ),
        (
            "MN",
            date(2016, 11, 8),
            "10:00",
            "17:00",
            "Minnesota State system office, St. Paul",
        ),
        (
            "MN",
            date(2017, 6, 6),
            "10:00",
            "17:00",
            "Saint Paul College, St. Paul",
        ),
        (
            "OR",
            date(2017, 3, 7),
            "12:00",
            "19:00",
            "Portland Community College, Sylvania campus",
        ),
    ];
    for (code, day, start, end, place) in visits {
        let name = d.name(code);
        let coach = d.coach(code);
        let id = d
            .add(
                Kind::SiteVisit,
                &[code],
                (*day, start, day.tomorrow()?, end),
                format!("Site visit to {name}"),
                place,
                "Day 1: the team's priorities; meeting with employers and college partners\nDay 2: working session on the action plan; wrap-up with agency leaders",
                coach,
                None,
            )
            .await?;
        d.held(id, &[code], &[], &format!("Two full days in {name}. Employers told us what they need from the pathways; the team worked through its action plan goals and agreed the next steps with its agency leaders. The team chose the site and arranged the employer panel.")).await?;
    }

    // 4. Quarterly webinars for every state; Kansas missed June.
    let webinars: &[(Date, &str, &str)] = &[
        (
            date(2016, 12, 14),
            "Engaging employers in sector partnerships",
            "",
        ),
        (
            date(2017, 3, 15),
            "Measuring system change: shared outcome measures",
            "",
        ),
        (
            date(2017, 6, 14),
            "Braiding funds for career pathways",
            "KS",
        ),
    ];
    for (day, topic, absent) in webinars {
        let id = d
            .add(
                Kind::Webinar,
                &all,
                (*day, "14:00", *day, "15:30"),
                format!("Webinar: {topic}"),
                "Webinar platform (link sent by email)",
                &format!("{topic}\nA state presents its work\nQuestions and discussion"),
                admin,
                Some(sme),
            )
            .await?;
        let absent: Vec<&str> = if absent.is_empty() {
            vec![]
        } else {
            vec![*absent]
        };
        d.held(id, &all, &absent, &format!("Priya Natarajan presented on {}. Questions from the states focused on getting started with limited staff. Slides and recording shared afterwards.", topic.to_lowercase())).await?;
    }

    // 5. Monthly planning sessions (the team's own time; a few not logged).
    for (m, (y, mo)) in MONTHS.iter().enumerate().take(10) {
        for (s, code) in all.iter().enumerate() {
            // In the year under way Massachusetts and Oregon log every one,
            // from the first month (they are the states on track).
            let on_track = d.year.current && matches!(*code, "MA" | "OR");
            if !on_track && (m == 0 || mix(&[m as u64, s as u64, 17]).is_multiple_of(6)) {
                continue;
            }
            let day = nth(*y, *mo, 4, Weekday::Monday);
            let name = d.name(code);
            let coach = d.coach(code);
            let id = d
                .add(
                    Kind::PlanningSession,
                    &[code],
                    (day, "10:00", day, "12:00"),
                    format!("Planning session: {name}"),
                    "Team's own meeting room",
                    "Update the action plan\nPrepare for the next coaching call",
                    coach,
                    None,
                )
                .await?;
            d.held(
                id,
                &[code],
                &[],
                "The team updated its action plan steps and prepared questions for the coach.",
            )
            .await?;
        }
    }

    // 6. Peer mentoring: Kansas with Minnesota; Colorado, Massachusetts and Oregon.
    let groups: [&[&str]; 2] = [&["KS", "MN"], &["CO", "MA", "OR"]];
    for (g, group) in groups.iter().enumerate() {
        let organizer = d.coach(group[0]);
        let names: Vec<String> = group.iter().map(|c| d.name(c)).collect();
        for (n, (y, mo)) in [(2017, 2), (2017, 4), (2017, 6)].iter().enumerate() {
            let day = nth(*y, *mo, 1, Weekday::Friday);
            let id = d
                .add(
                    Kind::PeerSession,
                    group,
                    (day, "13:00", day, "14:30"),
                    format!("Peer-mentoring session: {}", crate::activity::and_list(&names)),
                    "Video conference",
                    "Each state shares one success and one obstacle\nWhat we can borrow from each other",
                    organizer,
                    None,
                )
                .await?;
            let absent: Vec<&str> = if g == 1 && n == 1 { vec!["OR"] } else { vec![] };
            d.held(id, group, &absent, &format!("{} compared how they engage employers and measure progress. Each state took away one practice to try before the next session.", crate::activity::and_list(&names))).await?;
        }
    }

    // 7. An expert's consultation for Colorado.
    let consult = d
        .add(
            Kind::SmeConsultation,
            &["CO"],
            (date(2017, 1, 24), "15:00", date(2017, 1, 24), "16:00"),
            "Consultation with Priya Natarajan for Colorado: shared outcome measures".into(),
            "Video conference",
            "Which outcome measures the agencies could share\nWhat data agreements other states used",
            renee,
            Some(sme),
        )
        .await?;
    if d.held(consult, &["CO"], &[], "Priya walked the team through three shared measures other states use (credential attainment, employment in the second quarter after exit, median earnings) and what each needs in a data agreement. The team will start with credential attainment.").await? {
    d.item(
            consult,
            "CO",
            "List the data elements each agency holds for credential attainment",
            false,
            "2017-02-28",
            None,
        )
        .await?;
    }

    // 8. The year under way: a welcome webinar held five weeks after the
    //    kick-off, a follow-up call with Colorado in the coming days, and
    //    an expert's consultation for Kansas next week.
    if year.current {
        let welcome = date(2016, 10, 26);
        let id = d
            .add(
                Kind::Webinar,
                &all,
                (welcome, "14:00", welcome, "15:00"),
                "Webinar: Reading your baseline results".into(),
                "Webinar platform (link sent by email)",
                "What the element scores mean\nFrom gaps to priorities\nQuestions",
                admin,
                Some(sme),
            )
            .await?;
        d.held(id, &all, &[], "Priya Natarajan walked the states through their baseline results and how to turn the largest gaps into the first goals of the action plan. Slides and recording shared afterwards.").await?;
        let today = year.today();
        // Working days only.
        let weekday = |d: Date| {
            let mut d = d;
            while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                d = d.tomorrow().unwrap_or(d);
            }
            d
        };
        let call_day = weekday(today.checked_add(jiff::Span::new().days(1))?);
        let consult_day = weekday(today.checked_add(jiff::Span::new().days(6))?);
        let co = d.name("CO");
        d.add(
            Kind::CoachingCall,
            &["CO"],
            (call_day, "10:00", call_day, "10:30"),
            format!("Short call with {co}: the data agreement"),
            "Phone bridge (number in the invitation)",
            "Where the data-sharing agreement stands\nOpen action items\nThe site visit in the spring",
            d.coach("CO"),
            None,
        )
        .await?;
        let ks = d.name("KS");
        d.add(
            Kind::SmeConsultation,
            &["KS"],
            (consult_day, "11:00", consult_day, "12:00"),
            format!("Consultation with Priya Natarajan for {ks}: finishing the baseline"),
            "Video conference",
            "Where the team disagrees on its ratings\nHow to reach a consensus in one meeting",
            d.coach("KS"),
            Some(sme),
        )
        .await?;
    }
    d.tx.commit().await?;
    Ok(())
}
