//! The confirmation email, with a copy of what was submitted.

use askama::Template;

use super::LETTER_COMMITMENTS;
use super::store::Application;
use crate::mail::Email;
use crate::program::store::Program;

struct MemberLine {
    name: String,
    agency: String,
    sector: &'static str,
    level: &'static str,
}

#[derive(Template)]
#[template(path = "mail/application/confirmation.txt")]
struct Text<'a> {
    name: &'a str,
    program: &'a str,
    state: &'a str,
    when: &'a str,
    app: &'a Application,
    members: &'a [MemberLine],
    commitments: [&'static str; 3],
    /// General track: the priority components' names; no letter.
    general: bool,
    priorities: &'a [&'static str],
}

#[derive(Template)]
#[template(path = "mail/application/confirmation.html")]
struct Html<'a> {
    name: &'a str,
    program: &'a str,
    state: &'a str,
    when: &'a str,
    app: &'a Application,
    members: &'a [MemberLine],
    commitments: [&'static str; 3],
    /// General track: the priority components' names; no letter.
    general: bool,
    priorities: &'a [&'static str],
}

pub fn confirmation(
    to: &str,
    name: &str,
    program: &Program,
    app: &Application,
    when: &str,
) -> askama::Result<Email> {
    let members: Vec<MemberLine> = app
        .members
        .iter()
        .map(|m| MemberLine {
            name: m.member.name.clone(),
            agency: m.member.agency.clone(),
            sector: m.member.sector.label(),
            level: m.member.level.as_str(),
        })
        .collect();
    let (program_name, state) = (program.name.as_str(), app.state_code.as_str());
    let general = program.track == "general";
    let priorities: Vec<&'static str> = app
        .priorities
        .iter()
        .filter_map(|k| super::component_name(k))
        .collect();
    Ok(Email {
        to: to.to_owned(),
        subject: format!("We received {state}'s application to {program_name}"),
        text: Text {
            name,
            program: program_name,
            state,
            when,
            app,
            members: &members,
            commitments: LETTER_COMMITMENTS,
            general,
            priorities: &priorities,
        }
        .render()?,
        html: Html {
            name,
            program: program_name,
            state,
            when,
            app,
            members: &members,
            commitments: LETTER_COMMITMENTS,
            general,
            priorities: &priorities,
        }
        .render()?,
        headers: vec![],
    })
}
