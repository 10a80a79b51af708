//! The demo instance: the 2016 Advancing Career Pathways program (seed 000)
//! and one account per role. Created once; later runs reuse it.

use std::path::PathBuf;

use crate::app::AppState;
use crate::auth::invite::InviteRequest;
use crate::config::Config;
use crate::program::store;

pub const PROGRAM_SLUG: &str = "acp-2016";

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
];

/// Creates the demo data if it is not there; returns the sign-ins to print.
pub async fn ensure(state: &AppState) -> anyhow::Result<Vec<SignIn>> {
    let file = sign_ins_file(&state.config);
    if store::find_by_slug(&state.db.pool, PROGRAM_SLUG)
        .await?
        .is_some()
    {
        return read_sign_ins(&file);
    }
    let program = crate::program::create::NewProgramRequest {
        name: "Advancing Career Pathways 2016".into(),
        slug: PROGRAM_SLUG.into(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor:
            "U.S. Department of Education, Office of Career, Technical, and Adult Education (OCTAE)"
                .into(),
        provider: "Manhattan Strategy Group".into(),
    };
    crate::program::create::create(state, (None, "demo".into()), "", &program)
        .await?
        .map_err(|errors| anyhow::anyhow!("demo program: {errors:?}"))?;
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
        crate::cli::add_user(state, &req, &password).await?;
        sign_ins.push(SignIn {
            role: (*label).into(),
            email: (*email).into(),
            password,
        });
    }
    applications(state).await?;
    write_sign_ins(&file, &sign_ins)?;
    Ok(sign_ins)
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

/// Applications of 2016 as they were submitted before the deadline
/// (entered directly: the deadline has long passed).
async fn applications(state: &AppState) -> anyhow::Result<()> {
    use crate::application::store as apps;
    use crate::application::{Level, Member};
    use crate::team::Sector;
    let program = store::find_by_slug(&state.db.pool, PROGRAM_SLUG)
        .await?
        .expect("created above");
    let lead = crate::auth::store::find_user_by_email(&state.db.pool, "lead.co@demo.waymark.test")
        .await?
        .expect("created above");
    let submitted_at = crate::program::deadline::local_deadline(
        jiff::civil::date(2016, 5, 27),
        jiff::civil::time(11, 42, 0, 0),
        &program.time_zone,
    )?
    .as_millisecond();
    let team: [(&str, &str, Sector, Level); 7] = [
        (
            "Ana Ruiz",
            "Colorado Community College System",
            Sector::PostsecondaryCte,
            Level::State,
        ),
        (
            "Jordan Kim",
            "Colorado Department of Education",
            Sector::SecondaryCte,
            Level::State,
        ),
        (
            "Luis Ortega",
            "Colorado Department of Labor and Employment",
            Sector::WorkforceDevelopment,
            Level::State,
        ),
        (
            "Maya Chen",
            "Office of Economic Development and International Trade",
            Sector::EconomicDevelopment,
            Level::State,
        ),
        (
            "Grace Holt",
            "Colorado Advanced Manufacturing Alliance",
            Sector::BusinessAndIndustry,
            Level::Local,
        ),
        (
            "Sam Rivera",
            "Colorado Department of Human Services",
            Sector::HumanAndSocialServices,
            Level::State,
        ),
        (
            "Pat Nguyen",
            "Adult Education Initiatives, CDE",
            Sector::AdultEducation,
            Level::State,
        ),
    ];
    let answers = [
        "Colorado has sector partnerships in most regions, but its education and workforce agencies plan separately. We want one state career pathways system that regions can build on.",
        "The Colorado Workforce Development Council leads sector partnerships; the community college system and CDE run programs of study; the Talent Pipeline Report guides priorities.",
        "Align Policies and Programs, and Measure System Change and Performance: our agencies use different measures and data systems, and we cannot see students move from one to the next.",
        "The team has agreed to meet for two hours on the second Tuesday of each month, and our commissioners have approved travel for the site visits.",
    ];
    let mut tx = state.db.begin().await?;
    let id = apps::find_or_create(&mut tx, program.id, "CO", lead.id, submitted_at).await?;
    let questions: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM program_key_questions WHERE program_id = $1 ORDER BY position",
    )
    .bind(program.id)
    .fetch_all(&mut *tx)
    .await?;
    for (qid, answer) in questions.iter().zip(answers) {
        apps::save_answer(&mut tx, id, *qid, answer).await?;
    }
    for (name, agency, sector, level) in team {
        apps::add_member(
            &mut tx,
            id,
            &Member {
                name: name.into(),
                agency: agency.into(),
                email: String::new(),
                sector,
                level,
            },
            submitted_at,
        )
        .await?;
    }
    apps::save_letter_details(
        &mut tx,
        id,
        "Dr. Katy Anthes",
        "Commissioner of Education",
        [true; 3],
    )
    .await?;
    let key = crate::storage::new_key(&format!("letters/{id}"), "pdf");
    let pdf = crate::application::letter::sample_pdf(
        "Colorado commits to the Advancing Career Pathways TA. Signed: Dr. Katy Anthes, Commissioner of Education",
    );
    let size = pdf.len() as i64;
    state.storage.put(&key, pdf).await?;
    apps::set_letter(
        &mut tx,
        id,
        &key,
        "Colorado letter of commitment.pdf",
        size,
        submitted_at,
    )
    .await?;
    apps::mark_submitted(&mut tx, id, submitted_at).await?;
    tx.commit().await?;
    Ok(())
}
