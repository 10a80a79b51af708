//! The policy module: the one place that answers "may this person do
//! this?". Handlers name an `Action`; nothing else decides access.
//! The authorization matrix test (tests/api/authz.rs) runs every route as
//! every role against these answers.

use super::tokens::Scope;
use super::{CurrentUser, Role};

/// What an API token may be used for, whatever its owner may do: a
/// read-only token makes GET (and HEAD) requests only.
pub fn token_may(scope: Scope, method: &axum::http::Method) -> bool {
    match scope {
        Scope::ReadWrite => true,
        Scope::Read => matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// See one's own home page and account; manage one's own password and tokens.
    UseOwnAccount,
    /// Invite people and give roles.
    ManagePeople,
    /// Create programs and change their timelines, questions and rubric.
    ManagePrograms,
    /// Read the audit log.
    ViewAuditLog,
    /// See the list of everyone with an account.
    ListPeople,
    /// See a program's internal pages.
    ViewProgram { program_id: i64 },
    /// See a state's team pages in a program.
    ViewStateTeam { program_id: i64, state_code: String },
    /// Fill in, submit and withdraw a state's application.
    EditApplication { program_id: i64, state_code: String },
    /// Read a state's application.
    ViewApplication { program_id: i64, state_code: String },
    /// See one's review assignments in a program.
    ViewReviews { program_id: i64 },
    /// Read and score one application; `assigned` is whether the person is
    /// assigned to it (a reviewer sees only what they are assigned).
    ReviewApplication { program_id: i64, assigned: bool },
    /// Assign reviewers, compare, rank and decide on applications.
    RunSelection { program_id: i64 },
    /// Add, remove, re-invite and change the roles of a state team's members.
    ManageTeam { program_id: i64, state_code: String },
    /// Give one state's application a later deadline, or take it back.
    GrantExtension { program_id: i64 },
    /// Rate the state's readiness assessment as a member of its team.
    RateAssessment { program_id: i64, state_code: String },
    /// See the state's assessment: every member's ratings, the consensus,
    /// the results (its team, its coach, the admin, the federal officer).
    ViewAssessment { program_id: i64, state_code: String },
    /// Set the consensus, freeze snapshots and choose whether to share the
    /// results: the state's lead.
    LeadAssessment { program_id: i64, state_code: String },
    /// See a state's results; `shared` is whether the state shares them
    /// with the other states in its program.
    ViewResults {
        program_id: i64,
        state_code: String,
        shared: bool,
    },
    /// See every state's results side by side.
    ViewCohort { program_id: i64 },
    /// Say which elements one knows (subject-matter experts).
    SetOwnExpertise,
    /// Schedule, change, cancel and record (attendance, notes, action items)
    /// a TA activity for these states. `program_wide` activities (kick-off,
    /// webinars) are the administrator's; a coach schedules for the states
    /// they coach (all of them, or at least one for a peer-mentoring session,
    /// which joins another coach's state).
    ScheduleActivity {
        program_id: i64,
        states: Vec<String>,
        program_wide: bool,
        peer: bool,
    },
    /// See one activity; `involved` is whether the person is invited to it
    /// (organizer, participant, or the expert asked for a consultation).
    ViewActivity {
        program_id: i64,
        states: Vec<String>,
        involved: bool,
    },
    /// See every state's participation month by month.
    ViewParticipation { program_id: i64 },
    /// Read a state's action plan.
    ViewPlan { program_id: i64, state_code: String },
    /// Write the plan's goals, steps and milestones: the lead, who owns the
    /// plan, and the coach, who helps shape it.
    EditPlan { program_id: i64, state_code: String },
    /// Move steps along and add dated progress updates with evidence: the
    /// whole team and its coach.
    UpdatePlan { program_id: i64, state_code: String },
    /// See the program's peer-mentoring groups.
    ViewPeerGroups { program_id: i64 },
    /// Confirm or change the peer-mentoring groups.
    ManagePeerGroups { program_id: i64 },
    /// See the program dashboard and the program report (a coach sees their
    /// own states on the dashboard).
    ViewDashboard { program_id: i64 },
    /// See and download a state's progress report.
    ViewStateReport { program_id: i64, state_code: String },
    /// Read a program's forum (its program-wide and topic categories),
    /// start threads there, reply, flag and watch: the program's state
    /// teams, coaches, subject-matter experts and the federal officer.
    ViewForum { program_id: i64 },
    /// Take part in some program's forum, whichever (the "Forum" link in
    /// the menu): whoever `ViewForum` lets in for at least one program.
    TakePartInAForum,
    /// Read a category and its threads; `private_to` is the state whose
    /// team alone (with its coach) sees a private category.
    ViewForumCategory {
        program_id: i64,
        private_to: Option<String>,
    },
    /// Start a thread or reply in a category; a locked thread takes
    /// replies from moderators only.
    PostInForum {
        program_id: i64,
        private_to: Option<String>,
        locked: bool,
    },
    /// Change a post: its author only (administrators included in the
    /// "no": moderators hide a post, they do not put words in it).
    EditForumPost {
        program_id: i64,
        private_to: Option<String>,
        author: bool,
    },
    /// Hide, lock and move threads and posts, and clear flags: the
    /// administrator, and coaches in the program (in a private category,
    /// the state's own coach).
    ModerateForum {
        program_id: i64,
        private_to: Option<String>,
    },
    /// Add and change Exchange items directly, moderate submissions,
    /// decide on partner organizations, see subscribers and digests.
    ManageExchange,
    /// Submit resources and events to the Exchange for moderation: an
    /// approved partner organization.
    SubmitExchangeItem,
    /// See a submission that is not public yet; `own` is whether the
    /// person submitted it.
    ViewExchangeSubmission { own: bool },
}

impl Action {
    /// A short name for the audit log.
    pub fn name(&self) -> String {
        match self {
            Action::UseOwnAccount => "use_own_account".into(),
            Action::ManagePeople => "manage_people".into(),
            Action::ManagePrograms => "manage_programs".into(),
            Action::ViewAuditLog => "view_audit_log".into(),
            Action::ListPeople => "list_people".into(),
            Action::ViewProgram { program_id } => format!("view_program:{program_id}"),
            Action::ViewStateTeam {
                program_id,
                state_code,
            } => format!("view_state_team:{program_id}:{state_code}"),
            Action::EditApplication {
                program_id,
                state_code,
            } => format!("edit_application:{program_id}:{state_code}"),
            Action::ViewApplication {
                program_id,
                state_code,
            } => format!("view_application:{program_id}:{state_code}"),
            Action::ViewReviews { program_id } => format!("view_reviews:{program_id}"),
            Action::ReviewApplication {
                program_id,
                assigned,
            } => format!("review_application:{program_id}:assigned={assigned}"),
            Action::RunSelection { program_id } => format!("run_selection:{program_id}"),
            Action::ManageTeam {
                program_id,
                state_code,
            } => format!("manage_team:{program_id}:{state_code}"),
            Action::GrantExtension { program_id } => format!("grant_extension:{program_id}"),
            Action::RateAssessment {
                program_id,
                state_code,
            } => format!("rate_assessment:{program_id}:{state_code}"),
            Action::ViewAssessment {
                program_id,
                state_code,
            } => format!("view_assessment:{program_id}:{state_code}"),
            Action::LeadAssessment {
                program_id,
                state_code,
            } => format!("lead_assessment:{program_id}:{state_code}"),
            Action::ViewResults {
                program_id,
                state_code,
                shared,
            } => format!("view_results:{program_id}:{state_code}:shared={shared}"),
            Action::ViewCohort { program_id } => format!("view_cohort:{program_id}"),
            Action::SetOwnExpertise => "set_own_expertise".into(),
            Action::ScheduleActivity {
                program_id,
                states,
                program_wide,
                peer,
            } => format!(
                "schedule_activity:{program_id}:{}:program_wide={program_wide}:peer={peer}",
                states.join(",")
            ),
            Action::ViewActivity {
                program_id,
                states,
                involved,
            } => format!(
                "view_activity:{program_id}:{}:involved={involved}",
                states.join(",")
            ),
            Action::ViewParticipation { program_id } => format!("view_participation:{program_id}"),
            Action::ViewPlan {
                program_id,
                state_code,
            } => format!("view_plan:{program_id}:{state_code}"),
            Action::EditPlan {
                program_id,
                state_code,
            } => format!("edit_plan:{program_id}:{state_code}"),
            Action::UpdatePlan {
                program_id,
                state_code,
            } => format!("update_plan:{program_id}:{state_code}"),
            Action::ViewPeerGroups { program_id } => format!("view_peer_groups:{program_id}"),
            Action::ManagePeerGroups { program_id } => format!("manage_peer_groups:{program_id}"),
            Action::ViewDashboard { program_id } => format!("view_dashboard:{program_id}"),
            Action::ViewStateReport {
                program_id,
                state_code,
            } => format!("view_state_report:{program_id}:{state_code}"),
            Action::ViewForum { program_id } => format!("view_forum:{program_id}"),
            Action::TakePartInAForum => "take_part_in_a_forum".into(),
            Action::ViewForumCategory {
                program_id,
                private_to,
            } => format!(
                "view_forum_category:{program_id}:{}",
                private_to.as_deref().unwrap_or("")
            ),
            Action::PostInForum {
                program_id,
                private_to,
                locked,
            } => format!(
                "post_in_forum:{program_id}:{}:locked={locked}",
                private_to.as_deref().unwrap_or("")
            ),
            Action::EditForumPost {
                program_id,
                private_to,
                author,
            } => format!(
                "edit_forum_post:{program_id}:{}:author={author}",
                private_to.as_deref().unwrap_or("")
            ),
            Action::ModerateForum {
                program_id,
                private_to,
            } => format!(
                "moderate_forum:{program_id}:{}",
                private_to.as_deref().unwrap_or("")
            ),
            Action::ManageExchange => "manage_exchange".into(),
            Action::SubmitExchangeItem => "submit_exchange_item".into(),
            Action::ViewExchangeSubmission { own } => format!("view_exchange_submission:own={own}"),
        }
    }
}

pub fn allows(user: &CurrentUser, action: &Action) -> bool {
    // A state's application is the state's own words: only its lead writes
    // it, administrators included in the "no".
    if let Action::EditApplication {
        program_id,
        state_code,
    } = action
    {
        return holds(user, Role::StateLead, *program_id, state_code);
    }
    // A state reads its own application, decision and message whether or
    // not it was selected.
    if let Action::ViewApplication {
        program_id,
        state_code,
    } = action
    {
        return user.has_role(Role::Admin)
            || user.has_role(Role::Federal)
            || holds(user, Role::StateLead, *program_id, state_code)
            || holds(user, Role::StateMember, *program_id, state_code);
    }
    // Everything else of a program is its cohort's: the team grants of a
    // state that applied and was not selected (or never applied) count for
    // nothing here.
    let cohort_view = user.within_cohort();
    let user: &CurrentUser = &cohort_view;
    let is = |role: Role| user.has_role(role);
    // Scores are the reviewer's own judgement: only an assigned reviewer
    // gives them, administrators included in the "no".
    if let Action::ReviewApplication {
        program_id,
        assigned,
    } = action
    {
        return *assigned && reviews_in(user, *program_id);
    }
    // The ratings and the consensus are the team's own judgement.
    match action {
        Action::RateAssessment {
            program_id,
            state_code,
        } => {
            return holds(user, Role::StateLead, *program_id, state_code)
                || holds(user, Role::StateMember, *program_id, state_code);
        }
        Action::LeadAssessment {
            program_id,
            state_code,
        } => return holds(user, Role::StateLead, *program_id, state_code),
        Action::SetOwnExpertise => return is(Role::Sme),
        Action::EditForumPost {
            program_id,
            private_to,
            author,
        } => {
            return *author && reads_category(user, *program_id, private_to.as_deref());
        }
        _ => {}
    }
    if is(Role::Admin) {
        return true;
    }
    match action {
        Action::UseOwnAccount => true,
        Action::ManagePeople | Action::ManagePrograms | Action::ViewAuditLog => false,
        Action::ListPeople => false,
        Action::ViewProgram { program_id } => {
            is(Role::Federal)
                || user
                    .grants
                    .iter()
                    .any(|g| g.program_id == Some(*program_id))
        }
        Action::EditApplication { .. } | Action::ReviewApplication { .. } => false, // answered above
        Action::ViewReviews { program_id } => reviews_in(user, *program_id),
        Action::RunSelection { .. } => false,
        Action::ManageTeam {
            program_id,
            state_code,
        } => holds(user, Role::StateLead, *program_id, state_code),
        // Deadlines are the administrator's alone: not the state, not its coach.
        Action::GrantExtension { .. } => false,
        Action::RateAssessment { .. } | Action::LeadAssessment { .. } | Action::SetOwnExpertise => {
            false
        } // answered above
        Action::ViewAssessment {
            program_id,
            state_code,
        } => is(Role::Federal) || on_team_or_coach(user, *program_id, state_code),
        Action::ViewResults {
            program_id,
            state_code,
            shared,
        } => {
            is(Role::Federal)
                || on_team_or_coach(user, *program_id, state_code)
                || (*shared
                    && user
                        .grants
                        .iter()
                        .any(|g| g.program_id == Some(*program_id)))
        }
        Action::ViewCohort { program_id } => {
            is(Role::Federal)
                || user
                    .grants
                    .iter()
                    .any(|g| g.role == Role::Coach && g.program_id == Some(*program_id))
        }
        Action::ScheduleActivity {
            program_id,
            states,
            program_wide,
            peer,
        } => {
            let coached = states
                .iter()
                .filter(|s| holds(user, Role::Coach, *program_id, s))
                .count();
            !*program_wide
                && !states.is_empty()
                && if *peer {
                    coached > 0
                } else {
                    coached == states.len()
                }
        }
        Action::ViewActivity {
            program_id,
            states,
            involved,
        } => {
            is(Role::Federal)
                || *involved
                || states
                    .iter()
                    .any(|s| on_team_or_coach(user, *program_id, s))
        }
        Action::ViewParticipation { program_id } | Action::ViewDashboard { program_id } => {
            is(Role::Federal) || coaches_in(user, *program_id)
        }
        Action::UpdatePlan {
            program_id,
            state_code,
        } => on_team_or_coach(user, *program_id, state_code),
        Action::ViewPlan {
            program_id,
            state_code,
        }
        | Action::ViewStateReport {
            program_id,
            state_code,
        } => is(Role::Federal) || on_team_or_coach(user, *program_id, state_code),
        Action::EditPlan {
            program_id,
            state_code,
        } => {
            holds(user, Role::StateLead, *program_id, state_code)
                || holds(user, Role::Coach, *program_id, state_code)
        }
        Action::ViewPeerGroups { program_id } => {
            is(Role::Federal)
                || user.grants.iter().any(|g| {
                    g.program_id == Some(*program_id)
                        && matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach)
                })
        }
        Action::ManagePeerGroups { .. } => false,
        Action::ViewApplication { .. } => false, // answered above
        Action::ViewStateTeam {
            program_id,
            state_code,
        } => {
            is(Role::Federal)
                || user.grants.iter().any(|g| {
                    g.program_id == Some(*program_id)
                        && g.state_code.as_deref() == Some(state_code.as_str())
                        && matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach)
                })
        }
        Action::ViewForum { program_id } => in_forum(user, *program_id),
        Action::TakePartInAForum => {
            is(Role::Federal)
                || is(Role::Sme)
                || user
                    .grants
                    .iter()
                    .filter_map(|g| g.program_id)
                    .any(|p| in_forum(user, p))
        }
        Action::ViewForumCategory {
            program_id,
            private_to,
        } => reads_category(user, *program_id, private_to.as_deref()),
        Action::PostInForum {
            program_id,
            private_to,
            locked,
        } => {
            reads_category(user, *program_id, private_to.as_deref())
                && (!*locked || moderates(user, *program_id, private_to.as_deref()))
        }
        Action::EditForumPost { .. } => false, // answered above
        Action::ModerateForum {
            program_id,
            private_to,
        } => moderates(user, *program_id, private_to.as_deref()),
        Action::ManageExchange => false,
        Action::SubmitExchangeItem => is(Role::Partner),
        Action::ViewExchangeSubmission { own } => *own && is(Role::Partner),
    }
}

/// Who takes part in a program's forum: its state teams and coaches, the
/// subject-matter experts, the federal officer (and the administrator).
fn in_forum(user: &CurrentUser, program_id: i64) -> bool {
    user.has_role(Role::Admin)
        || user.has_role(Role::Federal)
        || user.has_role(Role::Sme)
        || user.grants.iter().any(|g| {
            g.program_id == Some(program_id)
                && matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach)
        })
}

/// A private category is the state team's and its coach's alone (and the
/// administrator's, who moderates); the others are the whole forum's.
fn reads_category(user: &CurrentUser, program_id: i64, private_to: Option<&str>) -> bool {
    match private_to {
        Some(state) => user.has_role(Role::Admin) || on_team_or_coach(user, program_id, state),
        None => in_forum(user, program_id),
    }
}

fn moderates(user: &CurrentUser, program_id: i64, private_to: Option<&str>) -> bool {
    user.has_role(Role::Admin)
        || match private_to {
            Some(state) => holds(user, Role::Coach, program_id, state),
            None => coaches_in(user, program_id),
        }
}

/// A lead, member or coach of this state in this program.
fn on_team_or_coach(user: &CurrentUser, program_id: i64, state_code: &str) -> bool {
    user.grants.iter().any(|g| {
        g.program_id == Some(program_id)
            && g.state_code.as_deref() == Some(state_code)
            && matches!(g.role, Role::StateLead | Role::StateMember | Role::Coach)
    })
}

fn coaches_in(user: &CurrentUser, program_id: i64) -> bool {
    user.grants
        .iter()
        .any(|g| g.role == Role::Coach && g.program_id == Some(program_id))
}

fn reviews_in(user: &CurrentUser, program_id: i64) -> bool {
    user.grants
        .iter()
        .any(|g| g.role == Role::Reviewer && g.program_id == Some(program_id))
}

/// Does the person hold `role` for this state in this program?
fn holds(user: &CurrentUser, role: Role, program_id: i64, state_code: &str) -> bool {
    user.grants.iter().any(|g| {
        g.role == role
            && g.program_id == Some(program_id)
            && g.state_code.as_deref() == Some(state_code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    fn user(grants: &[(Role, Option<i64>, Option<&str>)]) -> CurrentUser {
        CurrentUser {
            id: 1,
            email: "a@b.gov".into(),
            name: "A".into(),
            grants: grants
                .iter()
                .map(|(role, p, s)| Grant {
                    role: *role,
                    program_id: *p,
                    state_code: s.map(str::to_owned),
                })
                .collect(),
            outside_cohort: vec![],
        }
    }

    /// A lead or member of a state outside the cohort (registered, or
    /// applied and not selected) keeps the state's own application and
    /// nothing of the cohort.
    #[test]
    fn a_state_outside_the_cohort_sees_its_application_and_nothing_of_the_cohort() {
        for role in [Role::StateLead, Role::StateMember] {
            let mut outsider = user(&[(role, Some(1), Some("WY"))]);
            outsider.outside_cohort = vec![(1, "WY".into())];
            let wy = || "WY".to_owned();
            assert!(allows(
                &outsider,
                &Action::ViewApplication {
                    program_id: 1,
                    state_code: wy()
                }
            ));
            assert_eq!(
                allows(
                    &outsider,
                    &Action::EditApplication {
                        program_id: 1,
                        state_code: wy()
                    }
                ),
                role == Role::StateLead
            );
            let cohort = [
                Action::ViewProgram { program_id: 1 },
                Action::ViewResults {
                    program_id: 1,
                    state_code: "CO".into(),
                    shared: true,
                },
                Action::ViewPeerGroups { program_id: 1 },
                Action::ViewForum { program_id: 1 },
                Action::TakePartInAForum,
                Action::PostInForum {
                    program_id: 1,
                    private_to: None,
                    locked: false,
                },
                Action::ViewActivity {
                    program_id: 1,
                    states: vec!["CO".into()],
                    involved: false,
                },
                Action::ViewParticipation { program_id: 1 },
                Action::ViewStateTeam {
                    program_id: 1,
                    state_code: wy(),
                },
                Action::RateAssessment {
                    program_id: 1,
                    state_code: wy(),
                },
                Action::ViewPlan {
                    program_id: 1,
                    state_code: wy(),
                },
            ];
            for action in &cohort {
                assert!(!allows(&outsider, action), "{role:?} {action:?}");
            }
            // The same grants inside the cohort open the cohort's pages.
            let mut selected = outsider.clone();
            selected.outside_cohort.clear();
            for action in &cohort[..6] {
                assert!(allows(&selected, action), "{role:?} {action:?}");
            }
            // Outside one program's cohort is not outside another's.
            let mut two = user(&[(role, Some(1), Some("WY")), (role, Some(2), Some("WY"))]);
            two.outside_cohort = vec![(1, "WY".into())];
            assert!(allows(&two, &Action::ViewForum { program_id: 2 }));
            assert!(!allows(&two, &Action::ViewForum { program_id: 1 }));
        }
    }

    #[test]
    fn only_admins_manage_people_and_read_the_audit_log() {
        for role in Role::ALL {
            let u = user(&[(role, Some(1), Some("CO"))]);
            assert_eq!(
                allows(&u, &Action::ManagePeople),
                role == Role::Admin,
                "{role:?}"
            );
            assert_eq!(
                allows(&u, &Action::ManagePrograms),
                role == Role::Admin,
                "{role:?}"
            );
            assert_eq!(
                allows(&u, &Action::ViewAuditLog),
                role == Role::Admin,
                "{role:?}"
            );
            assert!(allows(&u, &Action::UseOwnAccount));
        }
    }

    #[test]
    fn state_team_pages_are_for_that_state_only() {
        let team = Action::ViewStateTeam {
            program_id: 1,
            state_code: "CO".into(),
        };
        assert!(allows(
            &user(&[(Role::StateMember, Some(1), Some("CO"))]),
            &team
        ));
        assert!(allows(&user(&[(Role::Coach, Some(1), Some("CO"))]), &team));
        assert!(allows(&user(&[(Role::Federal, None, None)]), &team));
        assert!(!allows(
            &user(&[(Role::StateMember, Some(1), Some("KS"))]),
            &team
        ));
        assert!(!allows(
            &user(&[(Role::StateLead, Some(2), Some("CO"))]),
            &team
        ));
        assert!(!allows(&user(&[(Role::Reviewer, Some(1), None)]), &team));
        assert!(!allows(&user(&[]), &team));
    }

    #[test]
    fn only_the_state_lead_edits_the_application() {
        let edit = Action::EditApplication {
            program_id: 1,
            state_code: "CO".into(),
        };
        let view = Action::ViewApplication {
            program_id: 1,
            state_code: "CO".into(),
        };
        let lead = user(&[(Role::StateLead, Some(1), Some("CO"))]);
        let member = user(&[(Role::StateMember, Some(1), Some("CO"))]);
        let other_lead = user(&[(Role::StateLead, Some(1), Some("KS"))]);
        let federal = user(&[(Role::Federal, None, None)]);
        let admin = user(&[(Role::Admin, None, None)]);
        assert!(allows(&lead, &edit) && allows(&lead, &view));
        assert!(!allows(&member, &edit) && allows(&member, &view));
        assert!(!allows(&other_lead, &edit) && !allows(&other_lead, &view));
        assert!(!allows(&federal, &edit) && allows(&federal, &view));
        assert!(allows(&admin, &view));
        assert!(
            !allows(&admin, &edit),
            "administrators do not write a state's application"
        );
        assert!(!allows(&user(&[(Role::Reviewer, Some(1), None)]), &view));
    }

    #[test]
    fn a_reviewer_scores_only_what_they_are_assigned() {
        let reviewer = user(&[(Role::Reviewer, Some(1), Some("KS"))]);
        let assigned = Action::ReviewApplication {
            program_id: 1,
            assigned: true,
        };
        let not_assigned = Action::ReviewApplication {
            program_id: 1,
            assigned: false,
        };
        let other_program = Action::ReviewApplication {
            program_id: 2,
            assigned: true,
        };
        assert!(allows(&reviewer, &assigned));
        assert!(!allows(&reviewer, &not_assigned));
        assert!(!allows(&reviewer, &other_program));
        assert!(!allows(&user(&[(Role::Admin, None, None)]), &not_assigned));
        assert!(allows(&reviewer, &Action::ViewReviews { program_id: 1 }));
        assert!(!allows(&reviewer, &Action::RunSelection { program_id: 1 }));
        assert!(!allows(
            &user(&[(Role::Federal, None, None)]),
            &Action::RunSelection { program_id: 1 }
        ));
        assert!(allows(
            &user(&[(Role::Admin, None, None)]),
            &Action::RunSelection { program_id: 1 }
        ));
        // A reviewer does not read applications outside the review pages.
        assert!(!allows(
            &reviewer,
            &Action::ViewApplication {
                program_id: 1,
                state_code: "CO".into()
            }
        ));
    }

    #[test]
    fn the_lead_and_the_admin_manage_the_team() {
        let manage = Action::ManageTeam {
            program_id: 1,
            state_code: "CO".into(),
        };
        assert!(allows(
            &user(&[(Role::StateLead, Some(1), Some("CO"))]),
            &manage
        ));
        assert!(allows(&user(&[(Role::Admin, None, None)]), &manage));
        assert!(!allows(
            &user(&[(Role::StateMember, Some(1), Some("CO"))]),
            &manage
        ));
        assert!(!allows(
            &user(&[(Role::Coach, Some(1), Some("CO"))]),
            &manage
        ));
        assert!(!allows(
            &user(&[(Role::StateLead, Some(1), Some("KS"))]),
            &manage
        ));
        assert!(!allows(&user(&[(Role::Federal, None, None)]), &manage));
    }

    #[test]
    fn only_admins_grant_extensions() {
        let grant = Action::GrantExtension { program_id: 1 };
        for role in Role::ALL {
            let u = user(&[(role, Some(1), Some("CO"))]);
            assert_eq!(allows(&u, &grant), role == Role::Admin, "{role:?}");
        }
        assert!(!allows(&user(&[]), &grant));
        assert_eq!(grant.name(), "grant_extension:1");
    }

    #[test]
    fn a_states_assessment_belongs_to_its_team() {
        let co = |action: fn(i64, String) -> Action| action(1, "CO".into());
        let rate = co(|p, s| Action::RateAssessment {
            program_id: p,
            state_code: s,
        });
        let view = co(|p, s| Action::ViewAssessment {
            program_id: p,
            state_code: s,
        });
        let lead = co(|p, s| Action::LeadAssessment {
            program_id: p,
            state_code: s,
        });
        let co_lead = user(&[(Role::StateLead, Some(1), Some("CO"))]);
        let co_member = user(&[(Role::StateMember, Some(1), Some("CO"))]);
        let co_coach = user(&[(Role::Coach, Some(1), Some("CO"))]);
        let ks_member = user(&[(Role::StateMember, Some(1), Some("KS"))]);
        let admin = user(&[(Role::Admin, None, None)]);
        let federal = user(&[(Role::Federal, None, None)]);
        for (who, r, v, l) in [
            (&co_lead, true, true, true),
            (&co_member, true, true, false),
            (&co_coach, false, true, false),
            (&ks_member, false, false, false),
            (&admin, false, true, false),
            (&federal, false, true, false),
        ] {
            assert_eq!(allows(who, &rate), r, "rate {:?}", who.grants);
            assert_eq!(allows(who, &view), v, "view {:?}", who.grants);
            assert_eq!(allows(who, &lead), l, "lead {:?}", who.grants);
        }
        // Other states see results only when the state shares them.
        let results = |shared| Action::ViewResults {
            program_id: 1,
            state_code: "CO".into(),
            shared,
        };
        assert!(!allows(&ks_member, &results(false)));
        assert!(allows(&ks_member, &results(true)));
        assert!(!allows(
            &user(&[(Role::StateMember, Some(2), Some("KS"))]),
            &results(true)
        ));
        assert!(allows(&co_member, &results(false)));
        // The cohort: admin, federal officer, the program's coaches.
        let cohort = Action::ViewCohort { program_id: 1 };
        assert!(allows(&co_coach, &cohort) && allows(&federal, &cohort) && allows(&admin, &cohort));
        assert!(!allows(&co_lead, &cohort));
        assert!(allows(
            &user(&[(Role::Sme, None, None)]),
            &Action::SetOwnExpertise
        ));
        assert!(!allows(&admin, &Action::SetOwnExpertise));
    }

    #[test]
    fn program_pages_need_a_role_in_the_program() {
        let p = Action::ViewProgram { program_id: 7 };
        assert!(allows(&user(&[(Role::Reviewer, Some(7), None)]), &p));
        assert!(!allows(&user(&[(Role::Reviewer, Some(8), None)]), &p));
        assert!(!allows(&user(&[(Role::Partner, None, None)]), &p));
    }

    #[test]
    fn coaches_schedule_for_their_states_and_the_admin_for_everyone() {
        let coach = user(&[
            (Role::Coach, Some(1), Some("CO")),
            (Role::Coach, Some(1), Some("MN")),
        ]);
        let schedule = |states: &[&str], program_wide, peer| Action::ScheduleActivity {
            program_id: 1,
            states: states.iter().map(|s| s.to_string()).collect(),
            program_wide,
            peer,
        };
        assert!(allows(&coach, &schedule(&["CO"], false, false)));
        assert!(allows(&coach, &schedule(&["CO", "MN"], false, false)));
        assert!(!allows(&coach, &schedule(&["CO", "KS"], false, false)));
        assert!(
            allows(&coach, &schedule(&["CO", "KS"], false, true)),
            "a peer session joins another coach's state"
        );
        assert!(!allows(&coach, &schedule(&["KS"], false, true)));
        assert!(
            !allows(&coach, &schedule(&["CO"], true, false)),
            "webinars and the kick-off are the admin's"
        );
        assert!(!allows(&coach, &schedule(&[], false, false)));
        let admin = user(&[(Role::Admin, None, None)]);
        assert!(allows(&admin, &schedule(&["CO", "KS", "MN"], true, false)));
        for who in [
            user(&[(Role::StateLead, Some(1), Some("CO"))]),
            user(&[(Role::Federal, None, None)]),
            user(&[(Role::Sme, None, None)]),
            user(&[(Role::Coach, Some(2), Some("CO"))]),
        ] {
            assert!(
                !allows(&who, &schedule(&["CO"], false, false)),
                "{:?}",
                who.grants
            );
        }
        let view = |involved| Action::ViewActivity {
            program_id: 1,
            states: vec!["CO".into()],
            involved,
        };
        let sme = user(&[(Role::Sme, None, None)]);
        assert!(allows(&sme, &view(true)) && !allows(&sme, &view(false)));
        assert!(allows(
            &user(&[(Role::StateMember, Some(1), Some("CO"))]),
            &view(false)
        ));
        assert!(!allows(
            &user(&[(Role::StateMember, Some(1), Some("KS"))]),
            &view(false)
        ));
        assert!(allows(&user(&[(Role::Federal, None, None)]), &view(false)));
    }

    #[test]
    fn the_plan_is_the_teams_the_coach_helps_and_everyone_else_reads_or_not() {
        let co = |f: fn(i64, String) -> Action| f(1, "CO".into());
        let view = co(|p, s| Action::ViewPlan {
            program_id: p,
            state_code: s,
        });
        let edit = co(|p, s| Action::EditPlan {
            program_id: p,
            state_code: s,
        });
        let update = co(|p, s| Action::UpdatePlan {
            program_id: p,
            state_code: s,
        });
        let report = co(|p, s| Action::ViewStateReport {
            program_id: p,
            state_code: s,
        });
        for (who, v, e, u) in [
            (
                user(&[(Role::StateLead, Some(1), Some("CO"))]),
                true,
                true,
                true,
            ),
            (
                user(&[(Role::StateMember, Some(1), Some("CO"))]),
                true,
                false,
                true,
            ),
            (
                user(&[(Role::Coach, Some(1), Some("CO"))]),
                true,
                true,
                true,
            ),
            (
                user(&[(Role::Coach, Some(1), Some("KS"))]),
                false,
                false,
                false,
            ),
            (
                user(&[(Role::StateLead, Some(1), Some("KS"))]),
                false,
                false,
                false,
            ),
            (user(&[(Role::Federal, None, None)]), true, false, false),
            (user(&[(Role::Admin, None, None)]), true, true, true),
            (user(&[(Role::Sme, None, None)]), false, false, false),
        ] {
            assert_eq!(allows(&who, &view), v, "view {:?}", who.grants);
            assert_eq!(allows(&who, &report), v, "report {:?}", who.grants);
            assert_eq!(allows(&who, &edit), e, "edit {:?}", who.grants);
            assert_eq!(allows(&who, &update), u, "update {:?}", who.grants);
        }
    }

    #[test]
    fn dashboards_participation_and_peer_groups() {
        let dash = Action::ViewDashboard { program_id: 1 };
        let part = Action::ViewParticipation { program_id: 1 };
        let peers = Action::ViewPeerGroups { program_id: 1 };
        let manage = Action::ManagePeerGroups { program_id: 1 };
        let coach = user(&[(Role::Coach, Some(1), Some("CO"))]);
        let federal = user(&[(Role::Federal, None, None)]);
        let admin = user(&[(Role::Admin, None, None)]);
        let lead = user(&[(Role::StateLead, Some(1), Some("CO"))]);
        for who in [&coach, &federal, &admin] {
            assert!(allows(who, &dash) && allows(who, &part) && allows(who, &peers));
        }
        assert!(!allows(&lead, &dash) && !allows(&lead, &part));
        assert!(allows(&lead, &peers));
        assert!(!allows(
            &user(&[(Role::StateLead, Some(2), Some("CO"))]),
            &peers
        ));
        assert!(allows(&admin, &manage));
        for who in [&coach, &federal, &lead] {
            assert!(!allows(who, &manage));
        }
    }

    #[test]
    fn a_private_forum_category_is_its_team_and_coach_alone() {
        let private = |s: &str| Action::ViewForumCategory {
            program_id: 1,
            private_to: Some(s.into()),
        };
        let open = Action::ViewForumCategory {
            program_id: 1,
            private_to: None,
        };
        let member = user(&[(Role::StateMember, Some(1), Some("CO"))]);
        let other_state = user(&[(Role::StateLead, Some(1), Some("KS"))]);
        let coach = user(&[(Role::Coach, Some(1), Some("CO"))]);
        let other_coach = user(&[(Role::Coach, Some(1), Some("KS"))]);
        let federal = user(&[(Role::Federal, None, None)]);
        let sme = user(&[(Role::Sme, None, None)]);
        let admin = user(&[(Role::Admin, None, None)]);
        let reviewer = user(&[(Role::Reviewer, Some(1), None)]);
        let elsewhere = user(&[(Role::StateMember, Some(2), Some("CO"))]);
        for who in [&member, &coach, &admin] {
            assert!(allows(who, &private("CO")), "{:?}", who.grants);
        }
        for who in [
            &other_state,
            &other_coach,
            &federal,
            &sme,
            &reviewer,
            &elsewhere,
        ] {
            assert!(!allows(who, &private("CO")), "{:?}", who.grants);
        }
        for who in [&member, &other_state, &coach, &federal, &sme, &admin] {
            assert!(allows(who, &open), "{:?}", who.grants);
            assert!(allows(who, &Action::ViewForum { program_id: 1 }));
        }
        for who in [&reviewer, &elsewhere] {
            assert!(!allows(who, &open), "{:?}", who.grants);
        }
    }

    #[test]
    fn taking_part_in_a_forum_is_taking_part_in_one_programs() {
        // Every role, with a grant in a program, with one for every
        // program, and none: allowed exactly when some program's forum
        // lets the person in.
        for role in Role::ALL {
            for program in [Some(1), None] {
                let u = user(&[(role, program, Some("CO"))]);
                let in_some = [1, 2, 3]
                    .iter()
                    .any(|p| allows(&u, &Action::ViewForum { program_id: *p }));
                assert_eq!(
                    allows(&u, &Action::TakePartInAForum),
                    in_some,
                    "{role:?} {program:?}"
                );
            }
        }
        let member = user(&[(Role::StateMember, Some(3), Some("CO"))]);
        let coach = user(&[(Role::Coach, Some(3), Some("CO"))]);
        let federal = user(&[(Role::Federal, None, None)]);
        let sme = user(&[(Role::Sme, None, None)]);
        let admin = user(&[(Role::Admin, None, None)]);
        for who in [&member, &coach, &federal, &sme, &admin] {
            assert!(allows(who, &Action::TakePartInAForum), "{:?}", who.grants);
        }
        let reviewer = user(&[(Role::Reviewer, Some(3), None)]);
        let partner = user(&[(Role::Partner, None, None)]);
        let nobody = user(&[]);
        for who in [&reviewer, &partner, &nobody] {
            assert!(!allows(who, &Action::TakePartInAForum), "{:?}", who.grants);
        }
    }

    #[test]
    fn moderators_are_admins_and_coaches_and_locked_threads_take_their_replies_only() {
        let moderate = |s: Option<&str>| Action::ModerateForum {
            program_id: 1,
            private_to: s.map(str::to_owned),
        };
        let post = |locked| Action::PostInForum {
            program_id: 1,
            private_to: None,
            locked,
        };
        let coach = user(&[(Role::Coach, Some(1), Some("CO"))]);
        let member = user(&[(Role::StateMember, Some(1), Some("CO"))]);
        let admin = user(&[(Role::Admin, None, None)]);
        assert!(allows(&coach, &moderate(None)) && allows(&coach, &moderate(Some("CO"))));
        assert!(!allows(&coach, &moderate(Some("KS"))));
        assert!(allows(&admin, &moderate(Some("KS"))));
        assert!(!allows(&member, &moderate(None)));
        assert!(allows(&member, &post(false)) && !allows(&member, &post(true)));
        assert!(allows(&coach, &post(true)));
        let edit = |author| Action::EditForumPost {
            program_id: 1,
            private_to: None,
            author,
        };
        assert!(allows(&member, &edit(true)));
        assert!(!allows(&member, &edit(false)));
        assert!(
            !allows(&admin, &edit(false)),
            "moderators hide, they do not rewrite"
        );
        let left_team = user(&[(Role::StateMember, Some(2), Some("CO"))]);
        assert!(!allows(&left_team, &edit(true)));
    }

    #[test]
    fn the_exchange_is_managed_by_admins_and_fed_by_partners() {
        let partner = user(&[(Role::Partner, None, None)]);
        let admin = user(&[(Role::Admin, None, None)]);
        for role in Role::ALL {
            let u = user(&[(role, Some(1), Some("CO"))]);
            assert_eq!(allows(&u, &Action::ManageExchange), role == Role::Admin);
            assert_eq!(
                allows(&u, &Action::SubmitExchangeItem),
                matches!(role, Role::Admin | Role::Partner),
                "{role:?}"
            );
        }
        assert!(allows(
            &partner,
            &Action::ViewExchangeSubmission { own: true }
        ));
        assert!(!allows(
            &partner,
            &Action::ViewExchangeSubmission { own: false }
        ));
        assert!(allows(
            &admin,
            &Action::ViewExchangeSubmission { own: false }
        ));
    }
}
