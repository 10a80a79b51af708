//! Applications: a state's request to join a program. The rules here are
//! plain functions; `store.rs` holds the SQL, `handlers.rs` the pages and
//! `api.rs` the API.

pub mod api;
pub mod handlers;
pub mod letter;
pub mod mail;
pub mod register;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::team::Sector;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Status {
        match s {
            "submitted" => Status::Submitted,
            "withdrawn" => Status::Withdrawn,
            _ => Status::Draft,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft: not yet submitted",
            Status::Submitted => "Submitted",
            Status::Withdrawn => "Withdrawn",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    State,
    Local,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::State => "state",
            Level::Local => "local",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s.trim() {
            "state" => Some(Level::State),
            "local" => Some(Level::Local),
            _ => None,
        }
    }
}

/// A proposed team member, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberRequest {
    pub name: String,
    pub agency: String,
    /// Optional: used to invite the member if the state is selected.
    pub email: String,
    /// One of the sector codes, e.g. secondary_cte.
    pub sector: String,
    /// state or local.
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub name: String,
    pub agency: String,
    pub email: String,
    pub sector: Sector,
    pub level: Level,
}

pub type FieldErrors = Vec<(&'static str, String)>;

pub fn check_member(req: &MemberRequest) -> Result<Member, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push((
            "member_name",
            "Enter the member's name (up to 120 characters).".into(),
        ));
    }
    let agency = req.agency.trim().to_owned();
    if agency.is_empty() || agency.chars().count() > 200 {
        errors.push((
            "member_agency",
            "Enter the member's agency or organization.".into(),
        ));
    }
    let email = crate::auth::store::normalize_email(&req.email);
    if !email.is_empty() && !crate::auth::invite::valid_email(&email) {
        errors.push((
            "member_email",
            "Enter an email address like name@agency.gov, or leave it empty.".into(),
        ));
    }
    let sector = Sector::parse(&req.sector);
    if sector.is_none() {
        errors.push((
            "member_sector",
            "Choose the sector the member represents.".into(),
        ));
    }
    let level = Level::parse(&req.level);
    if level.is_none() {
        errors.push(("member_level", "Choose state or local.".into()));
    }
    match (errors.is_empty(), sector, level) {
        (true, Some(sector), Some(level)) => Ok(Member {
            name,
            agency,
            email,
            sector,
            level,
        }),
        _ => Err(errors),
    }
}

pub const MAX_ANSWER: usize = 5000;

/// What stops a draft from being submitted, field by field.
pub struct Draft<'a> {
    /// (question id, answer) for every key question of the program.
    pub answers: &'a [(i64, String)],
    pub members: &'a [Member],
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub commitments: [bool; 3],
    pub has_letter: bool,
}

pub fn submission_problems(d: &Draft<'_>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let unanswered = d
        .answers
        .iter()
        .filter(|(_, a)| a.trim().is_empty())
        .count();
    if unanswered > 0 {
        errors.push((
            "answers",
            format!(
                "Answer every key question ({unanswered} {} still empty).",
                if unanswered == 1 { "is" } else { "are" }
            ),
        ));
    }
    if d.members.is_empty() {
        errors.push((
            "members",
            "Add the members of your proposed state team.".into(),
        ));
    }
    if !d.has_letter {
        errors.push((
            "letter",
            "Upload the signed letter of commitment as a PDF.".into(),
        ));
    }
    if d.signer_name.trim().is_empty() || d.signer_title.trim().is_empty() {
        errors.push((
            "signer",
            "Give the name and title of the person who signed the letter of commitment.".into(),
        ));
    }
    if d.commitments.iter().any(|c| !c) {
        errors.push((
            "commitments",
            "Confirm all three commitments of the letter.".into(),
        ));
    }
    errors
}

/// The three commitments the letter must express (seed 000).
pub const LETTER_COMMITMENTS: [&str; 3] = [
    "Support travel and release time for participation in the outlined TA activities",
    "Provide support for the convening of a state team",
    "Give consideration to implementing the career pathways plan developed by the team",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> MemberRequest {
        MemberRequest {
            name: "Ana Ruiz".into(),
            agency: "Colorado Community College System".into(),
            email: "".into(),
            sector: "postsecondary_cte".into(),
            level: "state".into(),
        }
    }

    #[test]
    fn members_are_checked_by_field() {
        assert_eq!(
            check_member(&member()).unwrap().sector,
            Sector::PostsecondaryCte
        );
        let fields = |r: MemberRequest| {
            check_member(&r)
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(MemberRequest {
                sector: "astrology".into(),
                ..member()
            }),
            ["member_sector"]
        );
        assert_eq!(
            fields(MemberRequest {
                level: "federal".into(),
                ..member()
            }),
            ["member_level"]
        );
        assert_eq!(
            fields(MemberRequest {
                email: "nope".into(),
                ..member()
            }),
            ["member_email"]
        );
        assert_eq!(
            fields(MemberRequest::default()),
            [
                "member_name",
                "member_agency",
                "member_sector",
                "member_level"
            ]
        );
    }

    #[test]
    fn a_draft_is_ready_only_when_complete() {
        let members = vec![check_member(&member()).unwrap()];
        let answers = vec![(1, "Because".to_owned()), (2, " ".to_owned())];
        let draft = Draft {
            answers: &answers,
            members: &members,
            signer_name: "",
            signer_title: "Commissioner",
            commitments: [true, false, true],
            has_letter: false,
        };
        let fields: Vec<_> = submission_problems(&draft)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["answers", "letter", "signer", "commitments"]);
        let answers = vec![(1, "Because".to_owned()), (2, "We are ready".to_owned())];
        let ready = Draft {
            answers: &answers,
            members: &members,
            signer_name: "Dr. Lee",
            signer_title: "Commissioner",
            commitments: [true; 3],
            has_letter: true,
        };
        assert!(submission_problems(&ready).is_empty());
        let empty = Draft {
            answers: &answers,
            members: &[],
            ..ready
        };
        assert_eq!(submission_problems(&empty)[0].0, "members");
    }
}
