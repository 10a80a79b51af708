//! Accounts and access: passwords, sessions, personal access tokens,
//! invitations and resets, sign-in throttling, and the policy module that
//! answers every permission question.

pub mod actor;
pub mod api;
pub mod api_user;
pub mod guard;
pub mod handlers;
pub mod invite;
pub mod password;
pub mod people;
pub mod policy;
pub mod secret;
pub mod session;
pub mod sessions;
pub mod sign_in;
pub mod sso;
pub mod sso_pages;
pub mod standing;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod two_step;
pub mod two_step_pages;

pub use actor::Actor;
use serde::Serialize;

/// What a person may be, always scoped (DESIGN section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Reviewer,
    Coach,
    Sme,
    Federal,
    StateLead,
    StateMember,
    Partner,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Reviewer,
        Role::Coach,
        Role::Sme,
        Role::Federal,
        Role::StateLead,
        Role::StateMember,
        Role::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Coach => "coach",
            Role::Sme => "sme",
            Role::Federal => "federal",
            Role::StateLead => "state_lead",
            Role::StateMember => "state_member",
            Role::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Reviewer => "Reviewer",
            Role::Coach => "Coach",
            Role::Sme => "Subject-matter expert",
            Role::Federal => "Federal program officer",
            Role::StateLead => "State team lead",
            Role::StateMember => "State team member",
            Role::Partner => "Partner organization",
        }
    }

    /// Roles that only make sense for one state in one program.
    pub fn needs_state(self) -> bool {
        matches!(self, Role::StateLead | Role::StateMember | Role::Coach)
    }
}

/// One role held by a person, with its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Grant {
    pub role: Role,
    pub program_id: Option<i64>,
    pub state_code: Option<String>,
}

impl Grant {
    pub fn describe(&self) -> String {
        match &self.state_code {
            Some(code) => format!("{} ({})", self.role.label(), code),
            None => self.role.label().to_owned(),
        }
    }
}

/// The signed-in person, as every handler sees them.
#[derive(Debug, Clone, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub grants: Vec<Grant>,
    /// The (program, state) of each of this person's state-team grants
    /// whose state is not in the program's cohort: it applied and was not
    /// selected (yet), or never applied. Such a grant opens the state's own
    /// application and nothing of the cohort.
    pub outside_cohort: Vec<(i64, String)>,
}

impl CurrentUser {
    /// Is this grant a state-team grant of a state outside the program's cohort?
    pub fn is_outside_cohort(&self, grant: &Grant) -> bool {
        matches!(grant.role, Role::StateLead | Role::StateMember)
            && self.outside_cohort.iter().any(|(program, state)| {
                grant.program_id == Some(*program) && grant.state_code.as_deref() == Some(state)
            })
    }

    /// The person as the cohort sees them: state-team grants of states
    /// outside the cohort left out.
    pub fn within_cohort(&self) -> std::borrow::Cow<'_, CurrentUser> {
        if self.outside_cohort.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut inside = self.clone();
        inside.grants.retain(|g| !self.is_outside_cohort(g));
        inside.outside_cohort.clear();
        std::borrow::Cow::Owned(inside)
    }

    /// Who did it, as the audit log records it.
    pub fn actor(&self) -> (Option<i64>, String) {
        (Some(self.id), self.email.clone())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}
