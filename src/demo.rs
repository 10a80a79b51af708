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
    ("Administrator", "admin@demo.waymark.test", "Dana Whitfield", "admin", None),
    ("Reviewer", "reviewer@demo.waymark.test", "Marcus Bell", "reviewer", None),
    ("Coach", "coach@demo.waymark.test", "Renee Alvarez", "coach", Some("CO")),
    ("Subject-matter expert", "sme@demo.waymark.test", "Priya Natarajan", "sme", None),
    ("Federal program officer", "federal@demo.waymark.test", "Thomas Greer", "federal", None),
    ("State team lead", "lead.co@demo.waymark.test", "Ana Ruiz", "state_lead", Some("CO")),
    ("State team member", "member.co@demo.waymark.test", "Jordan Kim", "state_member", Some("CO")),
    ("State team lead (Kansas)", "lead.ks@demo.waymark.test", "Beth Lindqvist", "state_lead", Some("KS")),
];

/// Creates the demo data if it is not there; returns the sign-ins to print.
pub async fn ensure(state: &AppState) -> anyhow::Result<Vec<SignIn>> {
    let file = sign_ins_file(&state.config);
    if store::find_by_slug(&state.db.pool, PROGRAM_SLUG).await?.is_some() {
        return read_sign_ins(&file);
    }
    let program = crate::program::create::NewProgramRequest {
        name: "Advancing Career Pathways 2016".into(),
        slug: PROGRAM_SLUG.into(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "U.S. Department of Education, Office of Career, Technical, and Adult Education (OCTAE)".into(),
        provider: "Manhattan Strategy Group".into(),
    };
    crate::program::create::create(state, (None, "demo".into()), "", &program)
        .await?
        .map_err(|errors| anyhow::anyhow!("demo program: {errors:?}"))?;
    let mut sign_ins = Vec::new();
    for (label, email, name, role, st) in PEOPLE {
        let password = crate::auth::secret::random_token()[..16].to_owned();
        let program = matches!(*role, "reviewer" | "coach" | "state_lead" | "state_member").then(|| PROGRAM_SLUG.to_owned());
        let req = InviteRequest {
            email: (*email).into(),
            name: (*name).into(),
            role: (*role).into(),
            program,
            state: st.map(Into::into),
        };
        crate::cli::add_user(state, &req, &password).await?;
        sign_ins.push(SignIn { role: (*label).into(), email: (*email).into(), password });
    }
    write_sign_ins(&file, &sign_ins)?;
    Ok(sign_ins)
}

fn write_sign_ins(file: &PathBuf, sign_ins: &[SignIn]) -> anyhow::Result<()> {
    let text: String = sign_ins.iter().map(|s| format!("{}\t{}\t{}\n", s.role, s.email, s.password)).collect();
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
            Some(SignIn { role: parts.next()?.into(), email: parts.next()?.into(), password: parts.next()?.into() })
        })
        .collect())
}
