//! State teams: the sectors a cross-sector team draws from, the team's
//! coverage of the sectors its program requires, and the roster a selected
//! state's lead manages (formed from the application's proposed team).

pub mod api;
pub mod handlers;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::web::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    SecondaryCte,
    PostsecondaryCte,
    AdultEducation,
    WorkforceDevelopment,
    EconomicDevelopment,
    BusinessAndIndustry,
    HumanAndSocialServices,
    Justice,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 9] = [
        Sector::SecondaryCte,
        Sector::PostsecondaryCte,
        Sector::AdultEducation,
        Sector::WorkforceDevelopment,
        Sector::EconomicDevelopment,
        Sector::BusinessAndIndustry,
        Sector::HumanAndSocialServices,
        Sector::Justice,
        Sector::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::SecondaryCte => "secondary_cte",
            Sector::PostsecondaryCte => "postsecondary_cte",
            Sector::AdultEducation => "adult_education",
            Sector::WorkforceDevelopment => "workforce_development",
            Sector::EconomicDevelopment => "economic_development",
            Sector::BusinessAndIndustry => "business_and_industry",
            Sector::HumanAndSocialServices => "human_and_social_services",
            Sector::Justice => "justice",
            Sector::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Sector::SecondaryCte => "Secondary career and technical education",
            Sector::PostsecondaryCte => "Postsecondary career and technical education",
            Sector::AdultEducation => "Adult education",
            Sector::WorkforceDevelopment => "Workforce development",
            Sector::EconomicDevelopment => "Economic development",
            Sector::BusinessAndIndustry => "Business and industry",
            Sector::HumanAndSocialServices => "Human and social services",
            Sector::Justice => "Justice",
            Sector::Other => "Other",
        }
    }
}

/// The sectors seed 000 asks every state team to include.
pub const DEFAULT_REQUIRED: [Sector; 6] = [
    Sector::SecondaryCte,
    Sector::PostsecondaryCte,
    Sector::WorkforceDevelopment,
    Sector::EconomicDevelopment,
    Sector::BusinessAndIndustry,
    Sector::HumanAndSocialServices,
];

/// Required sectors that no team member comes from, in the required order.
pub fn missing_sectors(required: &[Sector], members: &[Sector]) -> Vec<Sector> {
    required
        .iter()
        .copied()
        .filter(|s| !members.contains(s))
        .collect()
}

/// A member's role on the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Lead,
    Member,
}

impl TeamRole {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Lead => "lead",
            TeamRole::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<TeamRole> {
        match s.trim() {
            "lead" => Some(TeamRole::Lead),
            "member" => Some(TeamRole::Member),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TeamRole::Lead => "Team lead",
            TeamRole::Member => "Team member",
        }
    }

    /// The access role that goes with it.
    pub fn grant_role(self) -> crate::auth::Role {
        match self {
            TeamRole::Lead => crate::auth::Role::StateLead,
            TeamRole::Member => crate::auth::Role::StateMember,
        }
    }
}

/// A person the lead adds to the roster, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewMemberRequest {
    #[serde(flatten)]
    pub member: MemberRequest,
    /// lead or member (member if empty).
    #[schema(value_type = TeamRole)]
    pub role: String,
}

pub struct ValidMember {
    pub member: Member,
    pub role: TeamRole,
}

/// Like a proposed member, but the email is needed: it is how the person
/// is invited and signs in.
pub fn check_new_member(req: &NewMemberRequest) -> Result<ValidMember, FieldErrors> {
    let checked = check_member(&req.member);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if req.member.email.trim().is_empty() {
        errors.push((
            "member_email",
            "Enter the member's email address: the invitation goes there.".into(),
        ));
    }
    let role = if req.role.trim().is_empty() {
        Some(TeamRole::Member)
    } else {
        TeamRole::parse(&req.role)
    };
    if role.is_none() {
        errors.push(("member_role", "Choose team lead or team member.".into()));
    }
    match (checked, role, errors.is_empty()) {
        (Ok(member), Some(role), true) => Ok(ValidMember { member, role }),
        _ => Err(errors),
    }
}

/// Would the team still have a lead if `member_id` left or took `new_role`?
/// Every team keeps at least one lead, who manages the roster.
pub fn keeps_a_lead(roles: &[(i64, TeamRole)], member_id: i64, new_role: Option<TeamRole>) -> bool {
    roles.iter().any(|(id, role)| {
        let role = if *id == member_id {
            new_role
        } else {
            Some(*role)
        };
        role == Some(TeamRole::Lead)
    })
}

/// Where a member's account stands, as the roster shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// Accepted the invitation: set a password, signed in, or took part.
    Joined,
    /// Invited by email, not yet accepted.
    Invited,
    /// Proposed with no email address, so never invited.
    NoEmail,
}

impl Account {
    pub fn label(self) -> &'static str {
        match self {
            Account::Joined => "Joined",
            Account::Invited => "Invited, not yet accepted",
            Account::NoEmail => "No email address: add them again with one to invite them",
        }
    }
}

/// What is known of a member's account (all false when they have none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountFacts {
    pub has_email: bool,
    pub has_password: bool,
    /// The account is switched on.
    pub user_active: bool,
    /// The person has signed in at least once, or used a personal access token.
    pub signed_in: bool,
    /// The person has rated the assessment (only someone using their account can).
    pub rated: bool,
}

/// A member has joined once they have set a password (which is how an
/// invitation is accepted), or their active account shows they have used
/// it: a sign-in or a rating. Otherwise they are invited if they have an
/// email address to be invited at.
pub fn account_status(f: &AccountFacts) -> Account {
    if f.has_password || (f.user_active && (f.signed_in || f.rated)) {
        Account::Joined
    } else if f.has_email {
        Account::Invited
    } else {
        Account::NoEmail
    }
}

/// A person proposed for a state's team (in an application, or added to
/// the roster later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = MemberLevel)]
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
#[schema(as = ProposedMember)]
pub struct Member {
    pub name: String,
    pub agency: String,
    pub email: String,
    pub sector: Sector,
    pub level: Level,
}

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
    crate::web::text::check_one_line(
        &mut errors,
        &[("member_name", &name), ("member_agency", &agency)],
    );
    let email = crate::auth::store::normalize_email(&req.email);
    if !email.is_empty() && !crate::web::text::valid_email(&email) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_who_accepted_or_took_part_has_joined() {
        let invited = AccountFacts {
            has_email: true,
            user_active: true,
            ..Default::default()
        };
        assert_eq!(account_status(&invited), Account::Invited);
        let accepted = AccountFacts {
            has_password: true,
            ..invited
        };
        assert_eq!(account_status(&accepted), Account::Joined);
        let signed_in = AccountFacts {
            signed_in: true,
            ..invited
        };
        assert_eq!(account_status(&signed_in), Account::Joined);
        let rated = AccountFacts {
            rated: true,
            ..invited
        };
        assert_eq!(account_status(&rated), Account::Joined);
        let rated_and_signed_in = AccountFacts {
            has_password: true,
            signed_in: true,
            rated: true,
            ..invited
        };
        assert_eq!(account_status(&rated_and_signed_in), Account::Joined);
        // A switched-off account's old sign-ins do not make it joined.
        let switched_off = AccountFacts {
            user_active: false,
            signed_in: true,
            rated: true,
            ..invited
        };
        assert_eq!(account_status(&switched_off), Account::Invited);
        assert_eq!(account_status(&AccountFacts::default()), Account::NoEmail);
        assert_eq!(Account::Joined.label(), "Joined");
        assert_eq!(Account::Invited.label(), "Invited, not yet accepted");
    }

    #[test]
    fn a_team_always_keeps_a_lead() {
        let roles = [(1, TeamRole::Lead), (2, TeamRole::Member)];
        assert!(!keeps_a_lead(&roles, 1, None), "removing the only lead");
        assert!(!keeps_a_lead(&roles, 1, Some(TeamRole::Member)));
        assert!(keeps_a_lead(&roles, 2, None));
        assert!(keeps_a_lead(&roles, 2, Some(TeamRole::Lead)));
        let two = [(1, TeamRole::Lead), (2, TeamRole::Lead)];
        assert!(keeps_a_lead(&two, 1, None));
    }

    #[test]
    fn a_new_member_needs_an_email_and_a_known_role() {
        let mut req = NewMemberRequest {
            member: MemberRequest {
                name: "Ana".into(),
                agency: "CDE".into(),
                email: "".into(),
                sector: "secondary_cte".into(),
                level: "state".into(),
            },
            role: "".into(),
        };
        let fields = |r: &NewMemberRequest| {
            check_new_member(r)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&req), ["member_email"]);
        req.member.email = "ana@cde.gov".into();
        assert!(check_new_member(&req).is_ok());
        assert_eq!(check_new_member(&req).unwrap().role, TeamRole::Member);
        req.role = "boss".into();
        assert_eq!(fields(&req), ["member_role"]);
        req.role = "lead".into();
        req.member.sector = "".into();
        assert_eq!(fields(&req), ["member_sector"]);
    }

    #[test]
    fn coverage_lists_what_is_missing_in_order() {
        let members = [
            Sector::BusinessAndIndustry,
            Sector::SecondaryCte,
            Sector::Justice,
            Sector::SecondaryCte,
        ];
        assert_eq!(
            missing_sectors(&DEFAULT_REQUIRED, &members),
            vec![
                Sector::PostsecondaryCte,
                Sector::WorkforceDevelopment,
                Sector::EconomicDevelopment,
                Sector::HumanAndSocialServices
            ]
        );
        assert!(missing_sectors(&DEFAULT_REQUIRED, &DEFAULT_REQUIRED).is_empty());
        assert_eq!(missing_sectors(&[], &[]), vec![]);
    }

    #[test]
    fn sectors_round_trip() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.as_str()), Some(s));
        }
        assert_eq!(Sector::parse("astronomy"), None);
    }
}
