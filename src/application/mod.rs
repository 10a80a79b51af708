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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationStatus)]
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

pub use crate::team::{Level, Member, MemberRequest, check_member};
pub use crate::web::FieldErrors;

/// The longest answer to one key question, in characters.
pub const MAX_ANSWER: usize = 5000;

/// The components of a career pathways system a general-track state can
/// choose as its priorities (seed 002), by stable key.
pub const PRIORITY_COMPONENTS: [(&str, &str); 7] = [
    (
        "partnerships",
        "Cross-agency Partnerships and Industry Engagement",
    ),
    (
        "vision",
        "State Vision of a Career Pathways System and Communications about this Vision",
    ),
    ("alignment", "Alignment of Policies and Programs"),
    ("services", "Education, Training, and Support Services"),
    (
        "professional_development",
        "Professional Development and Technical Assistance",
    ),
    ("data", "Data Systems and Evaluation"),
    ("funding", "Funding and Sustainability"),
];

pub fn component_name(key: &str) -> Option<&'static str> {
    PRIORITY_COMPONENTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, n)| *n)
}

/// The chosen components, known and each once, in the seed's order.
/// Only general-track programs ask for them.
pub fn check_priorities(keys: &[String], general_track: bool) -> Result<Vec<String>, FieldErrors> {
    if !general_track {
        if keys.is_empty() {
            return Ok(vec![]);
        }
        return Err(vec![(
            "priorities",
            "Priority components are chosen only in general technical assistance programs.".into(),
        )]);
    }
    if let Some(bad) = keys.iter().find(|k| component_name(k.trim()).is_none()) {
        return Err(vec![(
            "priorities",
            format!("'{bad}' is not one of the components; choose from the list."),
        )]);
    }
    Ok(PRIORITY_COMPONENTS
        .iter()
        .filter(|(k, _)| keys.iter().any(|x| x.trim() == *k))
        .map(|(k, _)| (*k).to_owned())
        .collect())
}

/// What stops a draft from being submitted, field by field.
pub struct Draft<'a> {
    /// (question id, answer) for every key question of the program.
    pub answers: &'a [(i64, String)],
    pub members: &'a [Member],
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub commitments: [bool; 3],
    pub has_letter: bool,
    /// A general TA program: priorities are required, the letter is not
    /// (general TA is virtual mentoring, with no travel or release time to commit).
    pub general_track: bool,
    /// The chosen priority components (general track).
    pub priorities: &'a [String],
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
    if d.general_track && d.priorities.is_empty() {
        errors.push((
            "priorities",
            "Choose at least one component of a career pathways system your state wants help with."
                .into(),
        ));
    }
    if d.members.is_empty() {
        errors.push((
            "members",
            "Add the members of your proposed state team.".into(),
        ));
    }
    if d.general_track {
        return errors;
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
    crate::web::text::check_one_line(
        &mut errors,
        &[("signer", d.signer_name), ("signer", d.signer_title)],
    );
    if d.commitments.iter().any(|c| !c) {
        errors.push((
            "commitments",
            "Confirm all three commitments of the letter.".into(),
        ));
    }
    errors
}

/// A later deadline for one state, as the admin typed it; both empty
/// takes the extension back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ExtensionRequest {
    /// YYYY-MM-DD, or empty to remove the extension.
    pub until_date: String,
    /// HH:MM (24-hour) on the program's clock, or empty to remove the extension.
    pub until_time: String,
}

/// The extension's end as an instant (None: no extension). It must be
/// later than the program's deadline; an earlier one would change nothing.
pub fn check_extension(
    req: &ExtensionRequest,
    time_zone: &str,
    due_ms: Option<i64>,
) -> Result<Option<i64>, FieldErrors> {
    use crate::program::deadline;
    let (date, time) = (req.until_date.trim(), req.until_time.trim());
    if date.is_empty() && time.is_empty() {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    let d: Option<jiff::civil::Date> = date.parse().ok();
    if d.is_none() {
        errors.push((
            "until_date",
            "Enter the date as YYYY-MM-DD, like 2016-06-08.".into(),
        ));
    }
    let t: Option<jiff::civil::Time> = time.parse().ok();
    if t.is_none() {
        errors.push((
            "until_time",
            "Enter the time as HH:MM on a 24-hour clock, like 15:00.".into(),
        ));
    }
    let (Some(d), Some(t)) = (d, t) else {
        return Err(errors);
    };
    let until = deadline::local_deadline(d, t, time_zone)
        .map_err(|e| vec![("until_time", format!("{e}; choose another time."))])?;
    let Some(due) = due_ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()) else {
        return Err(vec![(
            "until_date",
            "This program has no application deadline, so there is nothing to extend.".into(),
        )]);
    };
    if until <= due {
        return Err(vec![(
            "until_date",
            format!(
                "An extension must end after the program's deadline, {}.",
                deadline::describe(due, time_zone)
            ),
        )]);
    }
    Ok(Some(until.as_millisecond()))
}

/// The three commitments the letter must express (seed 000).
pub const LETTER_COMMITMENTS: [&str; 3] = [
    "Support travel and release time for participation in the outlined TA activities",
    "Provide support for the convening of a state team",
    "Give consideration to implementing the career pathways plan developed by the team",
];

/// What a program's page offers a visitor about applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOffer {
    /// Not signed in, and applications are open: "Register to apply".
    Register,
    /// A state's team lead in this program: a link to their state's application.
    OwnApplication,
    /// Nothing to offer: applications are closed, or the person signed in
    /// (an admin, reviewer, coach, ...) does not apply for a state.
    Nothing,
}

/// The registration invitation goes only to people who can use it: the
/// signed-in already have an account, so they see it never, and a state
/// lead sees their own state's application instead.
pub fn apply_offer(
    user: Option<&crate::auth::CurrentUser>,
    program_id: i64,
    due_at: Option<i64>,
    now: i64,
) -> ApplyOffer {
    match user {
        Some(u) => {
            let leads_here = u.grants.iter().any(|g| {
                g.role == crate::auth::Role::StateLead
                    && g.program_id == Some(program_id)
                    && g.state_code.is_some()
            });
            if leads_here {
                ApplyOffer::OwnApplication
            } else {
                ApplyOffer::Nothing
            }
        }
        None if due_at.is_some_and(|due| now < due) => ApplyOffer::Register,
        None => ApplyOffer::Nothing,
    }
}

/// [`apply_offer`] on a program's page, now.
pub fn apply_offer_now(
    user: Option<&crate::auth::CurrentUser>,
    program: &crate::program::store::Program,
) -> ApplyOffer {
    apply_offer(
        user,
        program.id,
        program.applications_due_at,
        crate::time::now_ms(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::Sector;

    fn person(
        grants: &[(crate::auth::Role, Option<i64>, Option<&str>)],
    ) -> crate::auth::CurrentUser {
        crate::auth::CurrentUser {
            id: 1,
            email: "someone@example.org".into(),
            name: "Someone".into(),
            grants: grants
                .iter()
                .map(|(role, program_id, state)| crate::auth::Grant {
                    role: *role,
                    program_id: *program_id,
                    state_code: state.map(str::to_owned),
                })
                .collect(),
            outside_cohort: vec![],
        }
    }

    #[test]
    fn only_anonymous_visitors_are_invited_to_register_and_only_while_open() {
        use crate::auth::Role;
        let open = Some(2_000);
        assert_eq!(apply_offer(None, 7, open, 1_000), ApplyOffer::Register);
        assert_eq!(
            apply_offer(None, 7, open, 2_000),
            ApplyOffer::Nothing,
            "closed at the deadline"
        );
        assert_eq!(
            apply_offer(None, 7, None, 1_000),
            ApplyOffer::Nothing,
            "no deadline set"
        );
        for role in [
            Role::Admin,
            Role::Reviewer,
            Role::Coach,
            Role::Sme,
            Role::Federal,
            Role::Partner,
        ] {
            let who = person(&[(role, Some(7), None)]);
            assert_eq!(
                apply_offer(Some(&who), 7, open, 1_000),
                ApplyOffer::Nothing,
                "{role:?}"
            );
        }
        let lead = person(&[(Role::StateLead, Some(7), Some("CO"))]);
        assert_eq!(
            apply_offer(Some(&lead), 7, open, 1_000),
            ApplyOffer::OwnApplication
        );
        assert_eq!(
            apply_offer(Some(&lead), 7, open, 3_000),
            ApplyOffer::OwnApplication,
            "still theirs to read after the deadline"
        );
        assert_eq!(
            apply_offer(Some(&lead), 8, open, 1_000),
            ApplyOffer::Nothing,
            "another program"
        );
        let member = person(&[(Role::StateMember, Some(7), Some("CO"))]);
        assert_eq!(
            apply_offer(Some(&member), 7, open, 1_000),
            ApplyOffer::Nothing
        );
    }

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
    fn extensions_end_after_the_deadline_on_the_program_clock() {
        const NY: &str = "America/New_York";
        let due = 1_464_807_600_000; // 3:00 pm EDT on June 1, 2016
        let ext = |date: &str, time: &str| {
            check_extension(
                &ExtensionRequest {
                    until_date: date.into(),
                    until_time: time.into(),
                },
                NY,
                Some(due),
            )
        };
        assert_eq!(ext("", ""), Ok(None), "empty clears the extension");
        assert_eq!(
            ext("2016-06-08", "17:00"),
            Ok(Some(due + (7 * 24 + 2) * 3_600_000))
        );
        let e = ext("2016-06-01", "15:00").unwrap_err();
        assert_eq!(e[0].0, "until_date");
        assert!(
            e[0].1
                .contains("after the program's deadline, 3:00 pm EDT on June 1, 2016")
        );
        assert_eq!(ext("June 8", "5pm").unwrap_err().len(), 2);
        assert_eq!(ext("2016-06-08", "").unwrap_err()[0].0, "until_time");
        assert_eq!(ext("2017-03-12", "02:30").unwrap_err()[0].0, "until_time");
        assert_eq!(
            check_extension(
                &ExtensionRequest {
                    until_date: "2016-06-08".into(),
                    until_time: "17:00".into()
                },
                NY,
                None
            )
            .unwrap_err()[0]
                .0,
            "until_date"
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
            general_track: false,
            priorities: &[],
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
            general_track: false,
            priorities: &[],
        };
        assert!(submission_problems(&ready).is_empty());
        let empty = Draft {
            answers: &answers,
            members: &[],
            ..ready
        };
        assert_eq!(submission_problems(&empty)[0].0, "members");
    }

    #[test]
    fn the_general_track_needs_priorities_not_a_letter() {
        let members = vec![check_member(&member()).unwrap()];
        let answers = vec![(1, "Because".to_owned())];
        let general = Draft {
            answers: &answers,
            members: &members,
            signer_name: "",
            signer_title: "",
            commitments: [false; 3],
            has_letter: false,
            general_track: true,
            priorities: &[],
        };
        let problems = submission_problems(&general);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "priorities");
        assert!(problems[0].1.contains("at least one component"));
        let chosen = vec!["data".to_owned()];
        assert!(
            submission_problems(&Draft {
                priorities: &chosen,
                ..general
            })
            .is_empty()
        );
    }

    #[test]
    fn priorities_are_seed_002s_components_by_key() {
        let seed = include_str!("../../docs/seeds/002_1fd02930a84c53ac.txt");
        for (_, name) in PRIORITY_COMPONENTS {
            assert!(seed.contains(name), "{name} is in seed 002 word for word");
        }
        let keys = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_priorities(&keys(&["funding", "partnerships", "funding"]), true).unwrap(),
            keys(&["partnerships", "funding"]),
            "once each, in the seed's order"
        );
        assert_eq!(
            check_priorities(&keys(&["astrology"]), true).unwrap_err()[0].0,
            "priorities"
        );
        assert_eq!(
            check_priorities(&keys(&["data"]), false).unwrap_err()[0].0,
            "priorities"
        );
        assert_eq!(check_priorities(&[], false).unwrap(), Vec::<String>::new());
        assert_eq!(
            component_name("vision"),
            Some("State Vision of a Career Pathways System and Communications about this Vision")
        );
    }
}
