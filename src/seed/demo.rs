//! The demo instance: the 2016 Advancing Career Pathways program (seed 000)
//! as a closed year, the same year's script laid out again from the day the
//! demo is made (a program under way: kick-off about three months ago), and
//! one account per role. Created once; later runs reuse it.

use std::path::PathBuf;

use crate::auth::invite::InviteRequest;
use crate::config::Config;
use crate::program::store;
use crate::state::AppState;

pub use super::{CURRENT_SLUG, GENERAL_SLUG, PROGRAM_SLUG, Year};

pub struct SignIn {
    pub role: String,
    pub email: String,
    pub password: String,
}

pub fn sign_ins_file(config: &Config) -> PathBuf {
    config.data_dir.join("demo-sign-ins.txt")
}

/// (role label, email, name, role, state) for each demo account.
const PEOPLE: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "Administrator",
        "admin@demo.waymark.test",
        "Dana Whitfield",
        "admin",
        None,
    ),
    (
        "Reviewer",
        "reviewer@demo.waymark.test",
        "Marcus Bell",
        "reviewer",
        None,
    ),
    (
        "Coach",
        "coach@demo.waymark.test",
        "Renee Alvarez",
        "coach",
        Some("CO"),
    ),
    (
        "Subject-matter expert",
        "sme@demo.waymark.test",
        "Priya Natarajan",
        "sme",
        None,
    ),
    (
        "Federal program officer",
        "federal@demo.waymark.test",
        "Thomas Greer",
        "federal",
        None,
    ),
    (
        "State team lead",
        "lead.co@demo.waymark.test",
        "Ana Ruiz",
        "state_lead",
        Some("CO"),
    ),
    (
        "State team member",
        "member.co@demo.waymark.test",
        "Jordan Kim",
        "state_member",
        Some("CO"),
    ),
    (
        "State team lead (Kansas)",
        "lead.ks@demo.waymark.test",
        "Beth Lindqvist",
        "state_lead",
        Some("KS"),
    ),
    (
        "State lead, no application",
        "lead.wy@demo.waymark.test",
        "Cody Marsh",
        "state_lead",
        Some("WY"),
    ),
    (
        "Partner organization",
        "partner@demo.waymark.test",
        "Lena Ortiz",
        "partner",
        None,
    ),
];

/// Creates the demo data if it is not there; returns the sign-ins to print.
pub async fn ensure(state: &AppState) -> anyhow::Result<Vec<SignIn>> {
    ensure_at(state, jiff::Timestamp::now()).await
}

/// The demo as made at `now`: its current program's dates follow that day.
pub async fn ensure_at(state: &AppState, now: jiff::Timestamp) -> anyhow::Result<Vec<SignIn>> {
    let file = sign_ins_file(&state.config);
    if store::find_by_slug(&state.db.pool, PROGRAM_SLUG)
        .await?
        .is_some()
    {
        // A demo made before the current program existed gains it.
        if store::find_by_slug(&state.db.pool, CURRENT_SLUG)
            .await?
            .is_none()
        {
            current_year(state, &Year::current(now)).await?;
        }
        return read_sign_ins(&file);
    }
    let record = Year::record();
    create_program(state, &record).await?;
    let mut sign_ins = Vec::new();
    for (label, email, name, role, st) in PEOPLE {
        let password = crate::auth::secret::random_token()[..16].to_owned();
        let program = matches!(*role, "reviewer" | "coach" | "state_lead" | "state_member")
            .then(|| PROGRAM_SLUG.to_owned());
        let req = InviteRequest {
            email: (*email).into(),
            name: (*name).into(),
            role: (*role).into(),
            program,
            state: st.map(Into::into),
        };
        crate::auth::invite::add_with_password(state, &req, &password)
            .await
            .map_err(|e| anyhow::anyhow!("demo account: {e:?}"))?;
        sign_ins.push(SignIn {
            role: (*label).into(),
            email: (*email).into(),
            password,
        });
    }
    applications(state, &record).await?;
    general_track(state).await?;
    assessments(state, &record).await?;
    // The year itself: activities first (plan steps link to the activity
    // where they were agreed), then plans, then the peer groups.
    super::activity::fill(state, &record).await?;
    super::plan::fill(state, &record).await?;
    super::mentoring::fill(state, &record).await?;
    super::exchange::fill(state).await?;
    super::exchange_digest::fill(state).await?;
    super::forum::fill(state).await?;
    current_year(state, &Year::current(now)).await?;
    write_sign_ins(&file, &sign_ins)?;
    Ok(sign_ins)
}

/// Creates the year's program from the intensive template, its timeline
/// placed in the year.
async fn create_program(state: &AppState, year: &Year) -> anyhow::Result<()> {
    let deadline = year.date(2016, 6, 1);
    let program = crate::program::create::NewProgramRequest {
        name: year.name.clone(),
        slug: year.slug.into(),
        template: "intensive".into(),
        time_zone: super::ZONE.into(),
        deadline_date: deadline.to_string(),
        deadline_time: "15:00".into(),
        sponsor:
            "U.S. Department of Education, Office of Career, Technical, and Adult Education (OCTAE)"
                .into(),
        provider: "Manhattan Strategy Group".into(),
    };
    crate::program::service::create_program(state, (None, "demo".into()), "", &program)
        .await
        .map_err(|e| anyhow::anyhow!("demo program: {e:?}"))?;
    // The template lays the timeline out in the deadline's calendar year;
    // a year whose kick-off is not in September moves it by whole months.
    let p = store::find_by_slug(&state.db.pool, year.slug)
        .await?
        .expect("created above");
    let months = year.shift - 12 * (p.start_year as i32 - 2016);
    if months != 0 {
        let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT id, starts_on, ends_on FROM program_milestones WHERE program_id = $1",
        )
        .bind(p.id)
        .fetch_all(&state.db.pool)
        .await?;
        let moved = |s: &str| -> String {
            s.parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| d.checked_add(jiff::Span::new().months(months)).ok())
                .map(|d| d.to_string())
                .unwrap_or_else(|| s.to_owned())
        };
        let mut tx = state.db.begin().await?;
        for (id, starts, ends) in rows {
            sqlx::query("UPDATE program_milestones SET starts_on = $1, ends_on = $2 WHERE id = $3")
                .bind(moved(&starts))
                .bind(ends.as_deref().map(moved))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The year under way: the cohort chosen, the baseline frozen (but for
/// Kansas, still rating), and the months since kick-off lived.
async fn current_year(state: &AppState, year: &Year) -> anyhow::Result<()> {
    create_program(state, year).await?;
    applications(state, year).await?;
    assessments(state, year).await?;
    super::activity::fill(state, year).await?;
    super::plan::fill(state, year).await?;
    super::mentoring::fill(state, year).await?;
    Ok(())
}

fn write_sign_ins(file: &PathBuf, sign_ins: &[SignIn]) -> anyhow::Result<()> {
    let text: String = sign_ins
        .iter()
        .map(|s| format!("{}\t{}\t{}\n", s.role, s.email, s.password))
        .collect();
    std::fs::write(file, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn read_sign_ins(file: &PathBuf) -> anyhow::Result<Vec<SignIn>> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            Some(SignIn {
                role: parts.next()?.into(),
                email: parts.next()?.into(),
                password: parts.next()?.into(),
            })
        })
        .collect())
}

/// One state's 2016 application, as the demo holds it.
struct DemoApplication {
    state: &'static str,
    /// The lead's email, name (an account is made for leads not in PEOPLE).
    lead: (&'static str, &'static str),
    signer: (&'static str, &'static str),
    answers: [&'static str; 4],
    /// name, agency, sector, level, email ("" for none)
    team: &'static [(&'static str, &'static str, Sector, Level, &'static str)],
    /// Each reviewer's scores on the three criteria, in reviewer order.
    scores: [[i64; 3]; 3],
    decision: Decision,
    message: &'static str,
}

use crate::application::{Level, Member};
use crate::review::Decision;
use crate::team::Sector;

const APPLICATIONS: &[DemoApplication] = &[
    DemoApplication {
        state: "CO",
        lead: ("lead.co@demo.waymark.test", "Ana Ruiz"),
        signer: ("Dr. Katy Anthes", "Commissioner of Education"),
        answers: [
            "Colorado has sector partnerships in most regions, but its education and workforce agencies plan separately. We want one state career pathways system that regions can build on.",
            "The Colorado Workforce Development Council leads sector partnerships; the community college system and CDE run programs of study; the Talent Pipeline Report guides priorities.",
            "Align Policies and Programs, and Measure System Change and Performance: our agencies use different measures and data systems, and we cannot see students move from one to the next.",
            "The team has agreed to meet for two hours on the second Tuesday of each month, and our commissioners have approved travel for the site visits.",
        ],
        team: &[
            (
                "Ana Ruiz",
                "Colorado Community College System",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.co@demo.waymark.test",
            ),
            (
                "Jordan Kim",
                "Colorado Department of Education",
                Sector::SecondaryCte,
                Level::State,
                "member.co@demo.waymark.test",
            ),
            (
                "Luis Ortega",
                "Colorado Department of Labor and Employment",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
            (
                "Maya Chen",
                "Office of Economic Development and International Trade",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
            (
                "Grace Holt",
                "Colorado Advanced Manufacturing Alliance",
                Sector::BusinessAndIndustry,
                Level::Local,
                "",
            ),
            (
                "Sam Rivera",
                "Colorado Department of Human Services",
                Sector::HumanAndSocialServices,
                Level::State,
                "",
            ),
            (
                "Pat Nguyen",
                "Adult Education Initiatives, CDE",
                Sector::AdultEducation,
                Level::State,
                "",
            ),
        ],
        scores: [[5, 4, 5], [4, 5, 5], [5, 4, 4]],
        decision: Decision::Selected,
        message: "Your team's focus on shared measures fits the year well.",
    },
    DemoApplication {
        state: "KS",
        lead: ("lead.ks@demo.waymark.test", "Beth Lindqvist"),
        signer: (
            "Blake Flanders",
            "President and CEO, Kansas Board of Regents",
        ),
        answers: [
            "Kansas has strong employer engagement through its technical colleges, but pathways stop at the boundary between high school and college. We want pathways that carry students and adults through.",
            "The Kansas Board of Regents and the State Department of Education co-lead Excel in CTE; KANSASWORKS and the Department of Commerce convene employers by region.",
            "Identify Funding Needs and Strategies: we braid Perkins, WIOA and state funds by hand each year and want a lasting plan.",
            "Our agencies will give the team a standing monthly half-day and have set aside travel for both site visits.",
        ],
        team: &[
            (
                "Beth Lindqvist",
                "Kansas Board of Regents",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.ks@demo.waymark.test",
            ),
            (
                "Omar Haddad",
                "Kansas State Department of Education",
                Sector::SecondaryCte,
                Level::State,
                "omar.haddad@ks.demo.waymark.test",
            ),
            (
                "Tess Morgan",
                "KANSASWORKS",
                Sector::WorkforceDevelopment,
                Level::State,
                "tess.morgan@ks.demo.waymark.test",
            ),
            (
                "Ray Castillo",
                "Kansas Department of Commerce",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
            (
                "June Park",
                "Wichita Regional Manufacturing Partnership",
                Sector::BusinessAndIndustry,
                Level::Local,
                "",
            ),
            (
                "Will Ames",
                "Kansas Department for Children and Families",
                Sector::HumanAndSocialServices,
                Level::State,
                "",
            ),
        ],
        scores: [[4, 4, 4], [4, 3, 4], [4, 4, 5]],
        decision: Decision::Selected,
        message: "",
    },
    DemoApplication {
        state: "MA",
        lead: ("lead.ma@demo.waymark.test", "Rosa Delgado"),
        signer: ("Carlos Santiago", "Commissioner of Higher Education"),
        answers: [
            "Massachusetts has many strong programs of study and sector partnerships that do not yet add up to a system. We want a shared framework that regions and colleges use.",
            "The Executive Office of Education and the Executive Office of Labor and Workforce Development share a Workforce Skills Cabinet that will sponsor this work.",
            "Design Education and Training Programs: stackable credentials for adults that connect to programs of study.",
            "The Skills Cabinet staff will schedule monthly planning time and host the site visits in Worcester.",
        ],
        team: &[
            (
                "Rosa Delgado",
                "Department of Higher Education",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.ma@demo.waymark.test",
            ),
            (
                "Ken Okafor",
                "Department of Elementary and Secondary Education",
                Sector::SecondaryCte,
                Level::State,
                "",
            ),
            (
                "Irene Walsh",
                "Executive Office of Labor and Workforce Development",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
            (
                "Dev Patel",
                "Massachusetts Office of Business Development",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
            (
                "Nora Quinn",
                "Associated Industries of Massachusetts",
                Sector::BusinessAndIndustry,
                Level::State,
                "",
            ),
            (
                "Hal Brooks",
                "Department of Transitional Assistance",
                Sector::HumanAndSocialServices,
                Level::State,
                "",
            ),
            (
                "Lena Fox",
                "Adult and Community Learning Services",
                Sector::AdultEducation,
                Level::State,
                "",
            ),
        ],
        scores: [[5, 5, 4], [5, 5, 5], [4, 5, 4]],
        decision: Decision::Selected,
        message: "",
    },
    DemoApplication {
        state: "MN",
        lead: ("lead.mn@demo.waymark.test", "Erik Solberg"),
        signer: (
            "Larry Pogemiller",
            "Commissioner, Minnesota Office of Higher Education",
        ),
        answers: [
            "Minnesota's FastTRAC adult pathways are strong; our youth programs of study are separate. We want one system that serves both.",
            "Minnesota State, the Department of Education and DEED share governance of Perkins and WIOA planning through an interagency team.",
            "Identify Industry Sectors and Engage Employers: employers tell us they are asked for the same things by five agencies.",
            "Each agency has named a member and committed two days a month; DEED will host planning sessions.",
        ],
        team: &[
            (
                "Erik Solberg",
                "Minnesota State",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.mn@demo.waymark.test",
            ),
            (
                "Amina Yusuf",
                "Minnesota Department of Education",
                Sector::SecondaryCte,
                Level::State,
                "",
            ),
            (
                "Carl Lund",
                "Department of Employment and Economic Development",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
            (
                "Greta Holm",
                "DEED Economic Development",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
            (
                "Pete Marsh",
                "Minnesota Chamber of Commerce",
                Sector::BusinessAndIndustry,
                Level::State,
                "",
            ),
            (
                "Sue Vang",
                "Minnesota Department of Human Services",
                Sector::HumanAndSocialServices,
                Level::State,
                "",
            ),
        ],
        scores: [[4, 5, 4], [0, 0, 0], [4, 4, 4]],
        decision: Decision::Selected,
        message: "",
    },
    DemoApplication {
        state: "OR",
        lead: ("lead.or@demo.waymark.test", "Mara Quinlan"),
        signer: (
            "Ben Cannon",
            "Executive Director, Higher Education Coordinating Commission",
        ),
        answers: [
            "Oregon has built pathways at every community college; we now need the state policies and data that keep them going.",
            "The Higher Education Coordinating Commission, the Oregon Department of Education and the Workforce Investment Board co-chair our pathways work.",
            "Measure System Change and Performance: we need shared outcome measures across agencies.",
            "The team meets monthly already and will add the site visits to its calendar.",
        ],
        team: &[
            (
                "Mara Quinlan",
                "Higher Education Coordinating Commission",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.or@demo.waymark.test",
            ),
            (
                "Tom Reyes",
                "Oregon Department of Education",
                Sector::SecondaryCte,
                Level::State,
                "",
            ),
            (
                "Ivy Chen",
                "Oregon Workforce Investment Board",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
            (
                "Sal Romero",
                "Business Oregon",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
            (
                "Kay Lind",
                "Oregon Manufacturing Extension Partnership",
                Sector::BusinessAndIndustry,
                Level::Local,
                "",
            ),
            (
                "Ola Berg",
                "Oregon Department of Human Services",
                Sector::HumanAndSocialServices,
                Level::State,
                "",
            ),
        ],
        scores: [[4, 4, 5], [4, 4, 4], [5, 4, 4]],
        decision: Decision::Selected,
        message: "",
    },
    DemoApplication {
        state: "WA",
        lead: ("lead.wa@demo.waymark.test", "Grant Ellison"),
        signer: ("Chris Reykdal", "Superintendent of Public Instruction"),
        answers: [
            "Washington wants to connect its guided pathways work at colleges with high school career and technical education.",
            "The State Board for Community and Technical Colleges and OSPI lead; the Workforce Board advises.",
            "Align Policies and Programs.",
            "The team will meet monthly by video.",
        ],
        team: &[
            (
                "Grant Ellison",
                "State Board for Community and Technical Colleges",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.wa@demo.waymark.test",
            ),
            (
                "Mia Torres",
                "Office of Superintendent of Public Instruction",
                Sector::SecondaryCte,
                Level::State,
                "",
            ),
            (
                "Dale Kim",
                "Workforce Training and Education Coordinating Board",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
            (
                "Ruth Adler",
                "Washington Department of Commerce",
                Sector::EconomicDevelopment,
                Level::State,
                "",
            ),
        ],
        scores: [[3, 3, 4], [4, 2, 3], [3, 3, 3]],
        decision: Decision::Waitlisted,
        message: "Your application was strong; we will write if a place opens.",
    },
    DemoApplication {
        state: "AL",
        lead: ("lead.al@demo.waymark.test", "Dana Coleman"),
        signer: (
            "Jimmy Baker",
            "Chancellor, Alabama Community College System",
        ),
        answers: [
            "Alabama is starting its career pathways work and wants to learn from other states.",
            "The Alabama Community College System leads.",
            "We are not sure yet; the readiness assessment will tell us.",
            "We will find time each month.",
        ],
        team: &[
            (
                "Dana Coleman",
                "Alabama Community College System",
                Sector::PostsecondaryCte,
                Level::State,
                "lead.al@demo.waymark.test",
            ),
            (
                "Lee Hart",
                "Alabama State Department of Education",
                Sector::SecondaryCte,
                Level::State,
                "",
            ),
            (
                "Jo Bates",
                "Alabama Department of Labor",
                Sector::WorkforceDevelopment,
                Level::State,
                "",
            ),
        ],
        scores: [[2, 2, 3], [3, 2, 2], [5, 4, 4]],
        decision: Decision::Declined,
        message: "We encourage Alabama to join the general technical assistance track and to apply again.",
    },
];

/// Reviewers beyond the demo's signed-in one: (email, name, home state).
const MORE_REVIEWERS: &[(&str, &str, Option<&str>)] = &[
    (
        "elena.park@review.demo.waymark.test",
        "Elena Park",
        Some("MN"),
    ),
    ("victor.osei@review.demo.waymark.test", "Victor Osei", None),
];

const COMMENTS: [[&str; 3]; 3] = [
    [
        "Answers name the agencies and what each will do.",
        "The team covers the sectors the program asks for.",
        "The letter and the time set aside show real commitment.",
    ],
    [
        "Clear about the system the state wants; less clear on first steps.",
        "A strong team; local voices could be added.",
        "Commitments are confirmed; travel approval is in place.",
    ],
    [
        "Specific and honest about the gaps.",
        "Good coverage; employer members are well chosen.",
        "Monthly planning time is already on calendars.",
    ],
];

/// A reviewer's comment on one application: their own words on the
/// criterion, then what the score says of this state (so no two reviewers,
/// and no two applications, read the same).
fn review_comment(base: &str, state_name: &str, score: i64) -> String {
    let tail = match score {
        5 => format!("{state_name} could show other states how."),
        4 => format!("{state_name} is well placed here."),
        3 => format!("{state_name} should say more about this."),
        _ => format!("{state_name} needs to be specific here."),
    };
    format!("{base} {tail}")
}

/// Applications of 2016 as they were submitted before the deadline
/// (entered directly: the deadline has long passed), their reviews, the
/// decisions, and the teams of the selected states with their coaches.
async fn applications(state: &AppState, year: &Year) -> anyhow::Result<()> {
    use crate::application::store as apps;
    let pool = &state.db.pool;
    let program = store::find_by_slug(pool, year.slug)
        .await?
        .expect("created above");
    let tz = program.time_zone.clone();
    let at = |day: i8, hour: i8| -> anyhow::Result<i64> {
        Ok(crate::program::deadline::local_deadline(
            year.date(2016, 5, day),
            jiff::civil::time(hour, 42, 0, 0),
            &tz,
        )?
        .as_millisecond())
    };
    let admin = crate::auth::store::find_user_by_email(pool, "admin@demo.waymark.test")
        .await?
        .expect("created above");
    let admin = crate::auth::CurrentUser {
        id: admin.id,
        email: admin.email,
        name: admin.name,
        grants: vec![],
        outside_cohort: vec![],
    };
    let now = at(27, 11)?;
    let mut tx = state.db.begin().await?;
    // Reviewers: the demo one, and two more (one from Minnesota).
    let marcus = crate::auth::store::find_user_by_email(&mut *tx, "reviewer@demo.waymark.test")
        .await?
        .expect("created above")
        .id;
    let mut reviewers = vec![marcus];
    if year.current {
        grant(
            &mut tx,
            marcus,
            crate::auth::Role::Reviewer,
            program.id,
            None,
            now,
        )
        .await?;
    }
    for (email, name, home) in MORE_REVIEWERS {
        let id = user(&mut tx, email, name, now).await?;
        grant(
            &mut tx,
            id,
            crate::auth::Role::Reviewer,
            program.id,
            *home,
            now,
        )
        .await?;
        reviewers.push(id);
    }
    let rubric = crate::review::store::rubric(&mut *tx, program.id).await?;
    let questions: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(&mut *tx)
    .await?;
    let mut ranked: Vec<(f64, i64)> = Vec::new();
    for (n, a) in APPLICATIONS.iter().enumerate() {
        let submitted_at = at(20 + n as i8, 9 + n as i8)?;
        let lead = user(&mut tx, a.lead.0, a.lead.1, now).await?;
        grant(
            &mut tx,
            lead,
            crate::auth::Role::StateLead,
            program.id,
            Some(a.state),
            now,
        )
        .await?;
        let id = apps::find_or_create(&mut tx, program.id, a.state, lead, submitted_at).await?;
        for (qid, answer) in questions.iter().zip(a.answers) {
            apps::save_answer(&mut tx, id, *qid, answer).await?;
        }
        for (name, agency, sector, level, email) in a.team {
            // Selected states' members get addresses so they can rate the
            // assessment; the others' proposed members stay as typed.
            let email = if email.is_empty() && a.decision == Decision::Selected {
                format!(
                    "{}@{}.demo.waymark.test",
                    name.to_lowercase().replace(' ', "."),
                    a.state.to_lowercase()
                )
            } else {
                (*email).to_owned()
            };
            apps::add_member(
                &mut tx,
                id,
                &Member {
                    name: (*name).into(),
                    agency: (*agency).into(),
                    email,
                    sector: *sector,
                    level: *level,
                },
                submitted_at,
            )
            .await?;
        }
        apps::save_letter_details(&mut tx, id, a.signer.0, a.signer.1, [true; 3]).await?;
        let key = crate::storage::new_key(&format!("letters/{id}"), "pdf");
        let pdf = crate::application::letter::sample_pdf(&format!(
            "We commit to the Advancing Career Pathways TA. Signed: {}, {}",
            a.signer.0, a.signer.1
        ));
        let size = pdf.len() as i64;
        state.storage.put(&key, pdf).await?;
        let state_name = store::jurisdiction_name(&mut *tx, a.state)
            .await?
            .unwrap_or_default();
        apps::set_letter(
            &mut tx,
            id,
            &key,
            &format!("{state_name} letter of commitment.pdf"),
            size,
            submitted_at,
        )
        .await?;
        apps::mark_submitted(&mut tx, id, submitted_at).await?;

        // Reviews: a zero row means that reviewer is recused.
        let mut totals = Vec::new();
        for (r, reviewer) in reviewers.iter().enumerate() {
            let given = a.scores[r];
            if given == [0, 0, 0] {
                continue;
            }
            crate::review::store::assign(&mut tx, id, *reviewer, admin.id, now).await?;
            let assignment: i64 = sqlx::query_scalar(
                "SELECT id FROM review_assignments WHERE application_id = $1 AND reviewer_id = $2",
            )
            .bind(id)
            .bind(*reviewer)
            .fetch_one(&mut *tx)
            .await?;
            let scores: Vec<crate::review::ScoreInput> = rubric
                .iter()
                .zip(given)
                .enumerate()
                .map(|(c, (criterion, score))| crate::review::ScoreInput {
                    criterion_id: criterion.id,
                    score: Some(score),
                    comment: review_comment(COMMENTS[r][c], &state_name, score),
                })
                .collect();
            crate::review::store::save_scores(&mut tx, assignment, &scores).await?;
            crate::review::store::set_submitted(&mut tx, assignment, Some(now)).await?;
            totals.extend(crate::review::weighted_total(
                &rubric
                    .iter()
                    .zip(given)
                    .map(|(c, s)| (c.weight, Some(s)))
                    .collect::<Vec<_>>(),
            ));
        }
        let average = crate::review::summarize(&totals).average.unwrap_or(0.0);
        ranked.push((average, id));
        crate::review::store::set_decision(&mut tx, id, a.decision, a.message, admin.id, now)
            .await?;
        if a.decision == Decision::Selected {
            let application = apps::load_in(&mut tx, id).await?.expect("inserted above");
            crate::team::service::form_from_application(
                state,
                &mut tx,
                &admin,
                "",
                &program,
                &application,
                Some(lead),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo team for {}: {e:?}", a.state))?;
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (rank, (_, id)) in ranked.iter().enumerate() {
        crate::review::store::set_rank(&mut tx, *id, Some(rank as i64 + 1)).await?;
    }
    // Coaches: the demo coach (already Colorado's) also coaches Minnesota
    // and Oregon; a second coach takes Kansas and Massachusetts.
    let renee = crate::auth::store::find_user_by_email(&mut *tx, "coach@demo.waymark.test")
        .await?
        .expect("created above")
        .id;
    let walt = user(
        &mut tx,
        "walt.brennan@coach.demo.waymark.test",
        "Walt Brennan",
        now,
    )
    .await?;
    let mut coached = vec![(renee, "MN"), (renee, "OR"), (walt, "KS"), (walt, "MA")];
    if year.current {
        // In 2016 the demo coach's Colorado grant comes with the account.
        coached.push((renee, "CO"));
    }
    for (coach, code) in coached {
        crate::team::store::set_coach(&mut tx, program.id, code, coach, now).await?;
    }
    if year.current {
        late_application(state, &mut tx, &program, (marcus, admin.id), at(31, 14)?).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The account with this email, made (with no password) if there is none.
async fn user(
    tx: &mut crate::db::Tx<'_>,
    email: &str,
    name: &str,
    now: i64,
) -> anyhow::Result<i64> {
    Ok(
        match crate::auth::store::find_user_by_email(&mut **tx, email).await? {
            Some(u) => u.id,
            None => crate::auth::store::insert_user(&mut **tx, email, name, None, now).await?,
        },
    )
}

/// Gives the role unless the person holds it already.
async fn grant(
    tx: &mut crate::db::Tx<'_>,
    user_id: i64,
    role: crate::auth::Role,
    program_id: i64,
    state: Option<&str>,
    now: i64,
) -> anyhow::Result<()> {
    let grant = crate::auth::Grant {
        role,
        program_id: Some(program_id),
        state_code: state.map(str::to_owned),
    };
    let held = crate::auth::store::grants_for(&mut **tx, user_id).await?;
    if !held.contains(&grant) {
        crate::auth::store::add_grant(&mut **tx, user_id, &grant, now).await?;
    }
    Ok(())
}

/// New Mexico, given an extension, submitted after the others: assigned to
/// the demo reviewer, not scored yet, no decision.
async fn late_application(
    state: &AppState,
    tx: &mut crate::db::Tx<'_>,
    program: &store::Program,
    (reviewer, admin): (i64, i64),
    submitted_at: i64,
) -> anyhow::Result<()> {
    use crate::application::store as apps;
    let lead = user(tx, "lead.nm@demo.waymark.test", "Rosa Baca", submitted_at).await?;
    grant(
        tx,
        lead,
        crate::auth::Role::StateLead,
        program.id,
        Some("NM"),
        submitted_at,
    )
    .await?;
    let id = apps::find_or_create(tx, program.id, "NM", lead, submitted_at).await?;
    let questions: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(&mut **tx)
    .await?;
    let answers = [
        "New Mexico's pathways are strong in a few regions and absent in others; we want a state system the rural regions can join.",
        "The Higher Education Department and the Public Education Department lead, with the Workforce Solutions department and two tribal colleges.",
        "Engage Employers, and Design Education and Training Programs: employers in oil, gas and health care want one front door.",
        "The team meets on the first Monday of each month; travel for both site visits is approved.",
    ];
    for (qid, answer) in questions.iter().zip(answers) {
        apps::save_answer(tx, id, *qid, answer).await?;
    }
    apps::save_letter_details(
        tx,
        id,
        "Dr. Kate O'Neill",
        "Cabinet Secretary, Higher Education Department",
        [true; 3],
    )
    .await?;
    let key = crate::storage::new_key(&format!("letters/{id}"), "pdf");
    let pdf = crate::application::letter::sample_pdf(
        "We commit to the Advancing Career Pathways TA. Signed: Dr. Kate O'Neill",
    );
    let size = pdf.len() as i64;
    state.storage.put(&key, pdf).await?;
    apps::set_letter(
        tx,
        id,
        &key,
        "New Mexico letter of commitment.pdf",
        size,
        submitted_at,
    )
    .await?;
    apps::mark_submitted(tx, id, submitted_at).await?;
    crate::review::store::assign(tx, id, reviewer, admin, submitted_at).await?;
    Ok(())
}

/// The general TA track (seed 002): states outside the intensive cohort
/// ask for virtual mentoring on the components they choose.
async fn general_track(state: &AppState) -> anyhow::Result<()> {
    use crate::application::store as apps;
    let request = crate::program::create::NewProgramRequest {
        name: "Moving Pathways Forward: General Technical Assistance 2016".into(),
        slug: GENERAL_SLUG.into(),
        template: "general".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "17:00".into(),
        sponsor:
            "U.S. Department of Education, Office of Career, Technical, and Adult Education (OCTAE)"
                .into(),
        provider: "Manhattan Strategy Group".into(),
    };
    crate::program::service::create_program(state, (None, "demo".into()), "", &request)
        .await
        .map_err(|e| anyhow::anyhow!("demo general program: {e:?}"))?;
    let pool = &state.db.pool;
    let program = store::find_by_slug(pool, GENERAL_SLUG)
        .await?
        .expect("created above");
    let questions: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(pool)
    .await?;
    let requests: [(&str, &str, &str, &[&str], &str); 2] = [
        (
            "AL",
            "lead.al@demo.waymark.test",
            "Dana Coleman",
            &["partnerships", "alignment", "funding"],
            "Alabama wants to bring its agencies together first, then align policies and find lasting funding.",
        ),
        (
            "NV",
            "lead.nv@demo.waymark.test",
            "Reid Tanaka",
            &["data", "services"],
            "Nevada needs to follow students across its systems and to strengthen support services for adults.",
        ),
    ];
    let when = crate::program::deadline::local_deadline(
        jiff::civil::date(2016, 5, 31),
        jiff::civil::time(16, 5, 0, 0),
        &program.time_zone,
    )?
    .as_millisecond();
    let mut tx = state.db.begin().await?;
    for (code, email, name, priorities, answer) in requests {
        let lead = match crate::auth::store::find_user_by_email(&mut *tx, email).await? {
            Some(u) => u.id,
            None => crate::auth::store::insert_user(&mut *tx, email, name, None, when).await?,
        };
        crate::auth::store::add_grant(
            &mut *tx,
            lead,
            &crate::auth::Grant {
                role: crate::auth::Role::StateLead,
                program_id: Some(program.id),
                state_code: Some(code.to_owned()),
            },
            when,
        )
        .await?;
        let id = apps::find_or_create(&mut tx, program.id, code, lead, when).await?;
        for qid in &questions {
            apps::save_answer(&mut tx, id, *qid, answer).await?;
        }
        apps::add_member(
            &mut tx,
            id,
            &Member {
                name: name.into(),
                agency: "State community college system".into(),
                email: email.into(),
                sector: Sector::PostsecondaryCte,
                level: Level::State,
            },
            when,
        )
        .await?;
        let keys: Vec<String> = priorities.iter().map(|k| (*k).to_owned()).collect();
        apps::set_priorities(&mut tx, id, &keys).await?;
        apps::mark_submitted(&mut tx, id, when).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Where each Phase I state stood on the six elements at the baseline
/// (phase 1 to 4, per element in order), and how far each element moved
/// by mid-year.
const PROFILES: &[(&str, [f64; 6], [f64; 6], bool)] = &[
    (
        "CO",
        [2.4, 2.9, 2.6, 1.6, 2.1, 1.5],
        [0.4, 0.2, 0.3, 0.9, 0.3, 0.8],
        true,
    ),
    (
        "KS",
        [2.1, 3.3, 2.8, 2.0, 1.5, 1.9],
        [0.5, 0.1, 0.2, 0.4, 0.9, 0.3],
        true,
    ),
    (
        "MA",
        [3.0, 2.5, 3.1, 2.4, 2.2, 2.0],
        [0.2, 0.6, 0.2, 0.3, 0.4, 0.5],
        false,
    ),
    (
        "MN",
        [2.8, 1.7, 3.2, 2.6, 2.3, 2.4],
        [0.3, 0.9, 0.1, 0.2, 0.3, 0.2],
        true,
    ),
    (
        "OR",
        [2.2, 2.4, 2.7, 2.1, 1.8, 1.4],
        [0.6, 0.3, 0.4, 0.5, 0.4, 1.0],
        false,
    ),
];

/// A member's rating of one indicator around the state's level for the element.
/// Some of the team have rated part of the baseline; the lead has not
/// started, and one member has not rated at all.
async fn still_rating(
    state: &AppState,
    program: &store::Program,
    elements: &[crate::assessment::instrument::ElementGroup],
    base: &[f64; 6],
    raters: &[(i64, String, String)],
    lead: i64,
    year: &Year,
) -> anyhow::Result<()> {
    use crate::assessment::{Rating, service, store as assess};
    let (round_id, _) = service::round(state, program, "KS")
        .await
        .map_err(|e| anyhow::anyhow!("demo round: {e:?}"))?;
    let at = year.now - 2 * 86_400_000;
    let mut tx = state.db.begin().await?;
    let others: Vec<i64> = raters
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| *id != lead)
        .collect();
    // All but the last member rate; the first rates everything, the
    // others the first few elements.
    for (m, user_id) in others
        .iter()
        .enumerate()
        .take(others.len().saturating_sub(1))
    {
        let upto = if m == 0 { elements.len() } else { 2 + m % 3 };
        let mut answers: Vec<(i64, Rating)> = Vec::new();
        for (e, group) in elements.iter().enumerate().take(upto) {
            for i in &group.indicators {
                answers.push((
                    i.id,
                    demo_rating(base[e], *user_id as u64, i.id as u64, 0, e),
                ));
            }
        }
        assess::save_member_ratings(&mut tx, round_id, *user_id, &answers, at).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn demo_rating(
    base: f64,
    member: u64,
    indicator: u64,
    round: u64,
    elements_rank: usize,
) -> crate::assessment::Rating {
    use crate::assessment::{Priority, Rating};
    let h = super::mix(&[member, indicator, round]);
    if h.is_multiple_of(17) {
        return Rating {
            not_sure: true,
            ..Default::default()
        };
    }
    let noise = (h % 5) as f64 / 2.0 - 1.0; // -1, -0.5, 0, 0.5, 1
    let level = (base + noise).round().clamp(1.0, 4.0) as i64;
    let priority = match elements_rank {
        0 | 1 => Priority::High,
        2 | 3 => Priority::Medium,
        _ => Priority::Low,
    };
    Rating {
        level: Some(level),
        not_sure: false,
        priority: Some(priority),
        evidence: if h.is_multiple_of(7) {
            "Discussed at our last team meeting; agencies see this differently.".into()
        } else {
            String::new()
        },
    }
}

/// The five Phase I states' assessments: every member's ratings, the
/// consensus (the members' middle answer), reflections, a baseline in
/// October 2016 and a mid-year snapshot in March 2017; three states share
/// their results. The demo SME knows two elements.
async fn assessments(state: &AppState, year: &Year) -> anyhow::Result<()> {
    use crate::assessment::{Rating, SnapshotKind, service, store as assess};
    let pool = &state.db.pool;
    let program = store::find_by_slug(pool, year.slug)
        .await?
        .expect("created above");
    let instrument = service::instrument(state, &state.frameworks, &program)
        .await
        .map_err(|e| anyhow::anyhow!("demo instrument: {e:?}"))?;
    let elements = instrument.elements();
    let lead_of = |code: &str| format!("lead.{}@demo.waymark.test", code.to_lowercase());
    for (code, base, growth, shares) in PROFILES {
        let lead = crate::auth::store::find_user_by_email(pool, &lead_of(code))
            .await?
            .expect("a lead for each selected state")
            .id;
        let raters = assess::raters(pool, program.id, code).await?;
        // The element the state is weakest on is its first priority.
        let mut order: Vec<usize> = (0..6).collect();
        order.sort_by(|a, b| base[*a].total_cmp(&base[*b]));
        // In the year under way Kansas is behind: still rating its baseline,
        // its lead not yet started.
        if year.current && *code == "KS" {
            still_rating(state, &program, &elements, base, &raters, lead, year).await?;
            continue;
        }
        for (round, (kind, when)) in [
            (SnapshotKind::Baseline, (2016, 10, 20)),
            (SnapshotKind::MidYear, (2017, 3, 16)),
        ]
        .into_iter()
        .enumerate()
        {
            let at = crate::program::deadline::local_deadline(
                year.date(when.0, when.1, when.2),
                jiff::civil::time(14, 0, 0, 0),
                &program.time_zone,
            )?
            .as_millisecond();
            if !year.happened(at) {
                continue;
            }
            let (round_id, round_no) = service::round(state, &program, code)
                .await
                .map_err(|e| anyhow::anyhow!("demo round: {e:?}"))?;
            let mut tx = state.db.begin().await?;
            let mut consensus: Vec<(i64, Rating)> = Vec::new();
            for (e, group) in elements.iter().enumerate() {
                let level = base[e] + if round == 1 { growth[e] } else { 0.0 };
                let rank = order.iter().position(|i| *i == e).unwrap_or(5);
                let mut answers: Vec<Vec<(i64, Rating)>> = vec![Vec::new(); raters.len()];
                for i in &group.indicators {
                    for (m, (user_id, _, _)) in raters.iter().enumerate() {
                        let r =
                            demo_rating(level, *user_id as u64, i.id as u64, round as u64, rank);
                        answers[m].push((i.id, r));
                    }
                    let mut levels: Vec<i64> = answers
                        .iter()
                        .filter_map(|a| a.last().and_then(|(_, r)| r.level))
                        .collect();
                    levels.sort();
                    let agreed = if levels.is_empty() {
                        Rating {
                            not_sure: true,
                            ..Default::default()
                        }
                    } else {
                        Rating {
                            level: Some(levels[levels.len() / 2]),
                            not_sure: false,
                            priority: answers[0].last().and_then(|(_, r)| r.priority),
                            evidence: String::new(),
                        }
                    };
                    consensus.push((i.id, agreed));
                }
                for (m, (user_id, _, _)) in raters.iter().enumerate() {
                    assess::save_member_ratings(&mut tx, round_id, *user_id, &answers[m], at)
                        .await?;
                }
                assess::save_reflection(
                    &mut tx,
                    round_id,
                    &group.key,
                    &assess::Reflection {
                        now: format!(
                            "Our agencies agree on {} in principle; practice differs from region to region.",
                            group.name.to_lowercase()
                        ),
                        goal: "One shared approach that every region uses, written down and funded.".into(),
                        ta_needs: if rank < 2 {
                            "Examples from other states and a facilitated planning session with our coach.".into()
                        } else {
                            "Occasional advice from our coach.".into()
                        },
                        next_steps: "Name an owner in each agency and report back at the next monthly meeting.".into(),
                    },
                    at,
                )
                .await?;
            }
            assess::save_consensus(&mut tx, round_id, &consensus, lead, at).await?;
            assess::take_snapshot(
                &mut tx,
                program.id,
                code,
                (round_id, round_no),
                kind,
                lead,
                at,
            )
            .await?;
            tx.commit().await?;
        }
        let mut tx = state.db.begin().await?;
        assess::set_shared(&mut tx, program.id, code, *shares, crate::time::now_ms()).await?;
        tx.commit().await?;
    }
    let sme = crate::auth::store::find_user_by_email(pool, "sme@demo.waymark.test")
        .await?
        .expect("created above")
        .id;
    let mut tx = state.db.begin().await?;
    assess::set_expertise(
        &mut tx,
        sme,
        &["funding".to_owned(), "measurement".to_owned()],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
