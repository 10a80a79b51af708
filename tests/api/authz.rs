//! The authorization matrix: every route, as every role, anonymous and a
//! member of another state. The expected answers are written here, apart
//! from the policy module, so a mistake in either shows up. A route that
//! the application serves but this table does not name fails the test.

use std::collections::BTreeSet;

use crate::both_backends;
use crate::helpers::{Backend, Browser, TestApp};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Everyone, signed in or not.
    Anyone,
    /// Anyone signed in (pages) or holding a token (API).
    SignedIn,
    /// Administrators only.
    Admin,
    /// The lead of the state (CO) in the program, and nobody else.
    StateLead,
    /// Those who may read CO's application: its team, the admin, the federal officer.
    ApplicationReaders,
    /// The reviewer assigned to CO's application, and nobody else.
    AssignedReviewer,
    /// The program's reviewers and the admin.
    Reviewers,
    /// Those who see CO's team: its members, its coach, the admin, the federal officer.
    TeamReaders,
    /// CO's team lead and the admin.
    TeamManagers,
    /// CO's lead and members: those who rate CO's assessment.
    TeamMembers,
    /// Anyone with a role in the program, the admin and the federal officer.
    ProgramPeople,
    /// Those who see every state's results side by side: the admin, the
    /// federal officer and the program's coaches.
    CohortReaders,
    /// Subject-matter experts, saying what they know.
    Sme,
    // ----- action plans -----
    /// Those who write CO's plan's goals, steps and milestones: its lead,
    /// its coach, the admin.
    PlanEditors,
    /// Those who move CO's steps along and add progress updates: its whole
    /// team, its coach, the admin.
    PlanUpdaters,
    /// Those who see the program's peer-mentoring groups: every state's
    /// team, the coaches, the admin and the federal officer.
    PeerReaders,
    // --- activities (issue 5) ---
    /// Those who open a program's activity list: anyone with a role in the
    /// program, the admin, the federal officer, and an expert invited to
    /// one of its activities.
    ActivityListReaders,
    /// Those who schedule activities: the admin and coaches.
    Schedulers,
    /// Those who see CO's consultation: CO's team and coach, the expert
    /// asked, the admin and the federal officer.
    ActivityViewers,
    /// Those who change and record CO's activity: its coach and the admin.
    Organizers,
    // --- forum (issue 6) ---
    /// Those who take part in the program's forum: its state teams (CO and
    /// KS), its coaches, subject-matter experts, the federal officer, the admin.
    ForumPeople,
    /// Those who read CO's private forum category: CO's team, its coach,
    /// the admin (not another state, not the federal officer, not an expert).
    ForumCoReaders,
    /// Those who moderate the forum (here CO's private category): CO's
    /// coach and the admin.
    ForumModerators,
    /// The author of the post (CO's lead), and nobody else: not the admin.
    ForumAuthor,
    // --- the Exchange (issue 6) ---
    /// Those who share items in the Exchange: partners and the admin.
    ExchangeEditors,
}

/// `other_state_member` is a member of Kansas, in the cohort beside CO;
/// `outsider_lead` leads Wyoming, which applied and was declined: it keeps
/// its own application and sees nothing of the cohort.
const PERSONAS: &[&str] = &[
    "anonymous",
    "admin",
    "reviewer",
    "coach",
    "sme",
    "federal",
    "state_lead",
    "state_member",
    "other_state_member",
    "partner",
    "outsider_lead",
    // An administrator whose API token may only read: refused on every
    // API write, whatever the administrator may do.
    "read_only_admin",
];

/// Every route and who may use it.
const MATRIX: &[(&str, &str, Who)] = &[
    // --- the Exchange (issue 6) ---
    ("GET", "/exchange", Who::Anyone),
    ("GET", "/exchange/search", Who::Anyone),
    ("GET", "/exchange/topics/{framework}/{topic}", Who::Anyone),
    ("GET", "/exchange/items/{entry}", Who::Anyone),
    ("GET", "/exchange/items/{entry}/file", Who::Anyone),
    ("GET", "/exchange/items/{entry}/event.ics", Who::Anyone),
    ("POST", "/exchange/items/{entry}/moderate", Who::Admin),
    ("GET", "/exchange/items/{entry}/edit", Who::ExchangeEditors),
    ("POST", "/exchange/items/{entry}/edit", Who::ExchangeEditors),
    ("GET", "/exchange/submit", Who::ExchangeEditors),
    ("POST", "/exchange/submit", Who::ExchangeEditors),
    ("GET", "/exchange/submissions", Who::ExchangeEditors),
    ("GET", "/exchange/moderation", Who::Admin),
    ("GET", "/exchange/partners/apply", Who::Anyone),
    ("POST", "/exchange/partners/apply", Who::Anyone),
    ("GET", "/exchange/partners", Who::Admin),
    ("GET", "/exchange/partners/{partner}", Who::Admin),
    ("POST", "/exchange/partners/{partner}", Who::Admin),
    ("GET", "/api/v1/exchange/items", Who::Anyone),
    ("POST", "/api/v1/exchange/items", Who::ExchangeEditors),
    ("GET", "/api/v1/exchange/items/{id}", Who::Anyone),
    ("PUT", "/api/v1/exchange/items/{id}", Who::ExchangeEditors),
    ("POST", "/api/v1/exchange/items/{id}/moderation", Who::Admin),
    ("GET", "/api/v1/exchange/topics", Who::Anyone),
    ("GET", "/api/v1/exchange/events", Who::Anyone),
    ("GET", "/api/v1/exchange/submissions", Who::ExchangeEditors),
    ("GET", "/api/v1/exchange/partners", Who::Admin),
    ("POST", "/api/v1/exchange/partners", Who::Anyone),
    (
        "POST",
        "/api/v1/exchange/partners/{id}/decision",
        Who::Admin,
    ),
    ("GET", "/", Who::Anyone),
    ("GET", "/programs", Who::Anyone),
    ("GET", "/programs/{slug}", Who::Anyone),
    ("GET", "/admin/programs/new", Who::Admin),
    ("GET", "/programs/{slug}/settings", Who::Admin),
    ("POST", "/programs/{slug}/settings", Who::Admin),
    ("PUT", "/api/v1/programs/{slug}", Who::Admin),
    ("GET", "/api/v1/programs/{slug}/settings", Who::Admin),
    (
        "POST",
        "/programs/{slug}/applications/{state}/extension",
        Who::Admin,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/applications/{state}/extension",
        Who::Admin,
    ),
    ("POST", "/admin/programs", Who::Admin),
    ("GET", "/healthz", Who::Anyone),
    ("GET", "/api/openapi.json", Who::Anyone),
    ("GET", "/assets/{hash}/{*path}", Who::Anyone),
    ("GET", "/signin", Who::Anyone),
    ("POST", "/signin", Who::Anyone),
    ("POST", "/signout", Who::Anyone),
    ("GET", "/password/forgot", Who::Anyone),
    ("POST", "/password/forgot", Who::Anyone),
    ("GET", "/password/set", Who::Anyone),
    ("POST", "/password/set", Who::Anyone),
    ("GET", "/account", Who::SignedIn),
    ("GET", "/api/v1/me/work", Who::SignedIn),
    ("POST", "/account/password", Who::SignedIn),
    ("POST", "/account/tokens", Who::SignedIn),
    ("POST", "/account/tokens/{id}/revoke", Who::SignedIn),
    ("GET", "/admin/people", Who::Admin),
    ("POST", "/admin/people", Who::Admin),
    ("POST", "/admin/people/{id}/reinvite", Who::Admin),
    ("GET", "/admin/audit", Who::Admin),
    ("GET", "/register", Who::Anyone),
    ("POST", "/register", Who::Anyone),
    ("GET", "/programs/{slug}/application", Who::StateLead),
    ("POST", "/programs/{slug}/application/start", Who::StateLead),
    (
        "POST",
        "/programs/{slug}/application/answers",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/members",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/members/{id}/remove",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/letter",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/letter-file",
        Who::StateLead,
    ),
    (
        "GET",
        "/programs/{slug}/applications/{state}/letter",
        Who::ApplicationReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/applications/{state}/letter",
        Who::ApplicationReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/applications/{state}/letter",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/submit",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/application/withdraw",
        Who::StateLead,
    ),
    (
        "GET",
        "/programs/{slug}/applications/{state}",
        Who::ApplicationReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/applications/{state}",
        Who::ApplicationReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/applications/{state}",
        Who::StateLead,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/applications/{state}/submit",
        Who::StateLead,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/applications/{state}/withdraw",
        Who::StateLead,
    ),
    ("GET", "/programs/{slug}/reviews", Who::Reviewers),
    (
        "GET",
        "/programs/{slug}/reviews/{state}",
        Who::AssignedReviewer,
    ),
    (
        "POST",
        "/programs/{slug}/reviews/{state}",
        Who::AssignedReviewer,
    ),
    (
        "GET",
        "/programs/{slug}/reviews/{state}/letter",
        Who::AssignedReviewer,
    ),
    ("GET", "/programs/{slug}/selection", Who::Admin),
    ("POST", "/programs/{slug}/selection/assign", Who::Admin),
    ("POST", "/programs/{slug}/selection/unassign", Who::Admin),
    ("POST", "/programs/{slug}/selection/auto-assign", Who::Admin),
    ("POST", "/programs/{slug}/selection/ranking", Who::Admin),
    ("POST", "/programs/{slug}/selection/decision", Who::Admin),
    ("GET", "/api/v1/programs/{slug}/reviews", Who::Reviewers),
    (
        "GET",
        "/api/v1/programs/{slug}/reviews/{state}",
        Who::AssignedReviewer,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/reviews/{state}",
        Who::AssignedReviewer,
    ),
    ("GET", "/api/v1/programs/{slug}/selection", Who::Admin),
    (
        "POST",
        "/api/v1/programs/{slug}/selection/assignments",
        Who::Admin,
    ),
    (
        "DELETE",
        "/api/v1/programs/{slug}/selection/assignments/{state}/{reviewer_id}",
        Who::Admin,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/selection/auto-assign",
        Who::Admin,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/selection/ranking",
        Who::Admin,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/applications/{state}/decision",
        Who::Admin,
    ),
    ("GET", "/programs/{slug}/teams/{state}", Who::TeamReaders),
    (
        "POST",
        "/programs/{slug}/teams/{state}/members",
        Who::TeamManagers,
    ),
    (
        "POST",
        "/programs/{slug}/teams/{state}/members/{id}/role",
        Who::TeamManagers,
    ),
    (
        "POST",
        "/programs/{slug}/teams/{state}/members/{id}/remove",
        Who::TeamManagers,
    ),
    (
        "POST",
        "/programs/{slug}/teams/{state}/members/{id}/reinvite",
        Who::TeamManagers,
    ),
    ("POST", "/programs/{slug}/teams/{state}/coach", Who::Admin),
    (
        "GET",
        "/api/v1/programs/{slug}/teams/{state}",
        Who::TeamReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/teams/{state}/members",
        Who::TeamManagers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/teams/{state}/members/{id}",
        Who::TeamManagers,
    ),
    (
        "DELETE",
        "/api/v1/programs/{slug}/teams/{state}/members/{id}",
        Who::TeamManagers,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/teams/{state}/members/{id}/reinvite",
        Who::TeamManagers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/teams/{state}/coach",
        Who::Admin,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}/rate/{element}",
        Who::TeamMembers,
    ),
    (
        "POST",
        "/programs/{slug}/assessment/{state}/rate/{element}",
        Who::TeamMembers,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}/consensus/{element}",
        Who::TeamReaders,
    ),
    (
        "POST",
        "/programs/{slug}/assessment/{state}/consensus/{element}",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/assessment/{state}/snapshots",
        Who::StateLead,
    ),
    (
        "POST",
        "/programs/{slug}/assessment/{state}/sharing",
        Who::StateLead,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}/results",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/instrument",
        Who::ProgramPeople,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/assessment/{state}/ratings",
        Who::TeamMembers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/assessment/{state}/ratings",
        Who::TeamMembers,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/assessment/{state}/consensus",
        Who::TeamReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/assessment/{state}/consensus",
        Who::StateLead,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/assessment/{state}/snapshots",
        Who::TeamReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/assessment/{state}/snapshots",
        Who::StateLead,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/assessment/{state}/results",
        Who::TeamReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/assessment/{state}/sharing",
        Who::StateLead,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}/export.xlsx",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/programs/{slug}/assessment/{state}/export.csv",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/assessment/{state}/export",
        Who::TeamReaders,
    ),
    ("GET", "/programs/{slug}/cohort", Who::CohortReaders),
    ("GET", "/api/v1/programs/{slug}/cohort", Who::CohortReaders),
    ("GET", "/account/expertise", Who::Sme),
    ("POST", "/account/expertise", Who::Sme),
    ("GET", "/api/v1/me/expertise", Who::Sme),
    ("PUT", "/api/v1/me/expertise", Who::Sme),
    ("GET", "/api/v1/me", Who::SignedIn),
    ("GET", "/api/v1/me/sessions", Who::SignedIn),
    ("DELETE", "/api/v1/me/sessions", Who::SignedIn),
    ("DELETE", "/api/v1/me/sessions/{id}", Who::SignedIn),
    ("POST", "/api/v1/people/{id}/disable", Who::Admin),
    ("POST", "/api/v1/people/{id}/enable", Who::Admin),
    ("GET", "/signin/sso/{key}", Who::Anyone),
    ("GET", "/signin/sso/{key}/callback", Who::Anyone),
    ("GET", "/signin/code", Who::Anyone),
    ("POST", "/signin/code", Who::Anyone),
    ("GET", "/signin/setup", Who::Anyone),
    ("POST", "/signin/setup", Who::Anyone),
    ("GET", "/account/two-step", Who::SignedIn),
    ("POST", "/account/two-step", Who::SignedIn),
    ("POST", "/account/two-step/recovery-codes", Who::SignedIn),
    ("POST", "/account/two-step/off", Who::SignedIn),
    ("GET", "/api/v1/me/two-step", Who::SignedIn),
    ("GET", "/account/sessions", Who::SignedIn),
    ("POST", "/account/sessions/end-others", Who::SignedIn),
    ("POST", "/account/sessions/{id}/end", Who::SignedIn),
    ("POST", "/admin/people/{id}/disable", Who::Admin),
    ("POST", "/admin/people/{id}/enable", Who::Admin),
    ("GET", "/api/v1/me/tokens", Who::SignedIn),
    ("POST", "/api/v1/me/tokens", Who::SignedIn),
    ("DELETE", "/api/v1/me/tokens/{id}", Who::SignedIn),
    ("GET", "/api/v1/programs", Who::SignedIn),
    ("POST", "/api/v1/programs", Who::Admin),
    ("GET", "/api/v1/programs/{slug}", Who::SignedIn),
    ("GET", "/api/v1/jurisdictions", Who::SignedIn),
    ("GET", "/api/v1/people", Who::Admin),
    ("POST", "/api/v1/people", Who::Admin),
    ("GET", "/api/v1/audit", Who::Admin),
    ("GET", "/frameworks", Who::Anyone),
    ("GET", "/frameworks/{slug}", Who::Anyone),
    ("GET", "/glossary", Who::Anyone),
    ("GET", "/api/v1/frameworks", Who::SignedIn),
    ("GET", "/api/v1/frameworks/{slug}", Who::SignedIn),
    ("GET", "/api/v1/crosswalk", Who::SignedIn),
    // ----- action plans (removals last: they take the rows others use) -----
    ("GET", "/programs/{slug}/plans/{state}", Who::TeamReaders),
    (
        "GET",
        "/programs/{slug}/plans/{state}/timeline",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/programs/{slug}/plans/{state}/plan.xlsx",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/programs/{slug}/plans/{state}/evidence/{evidence}",
        Who::TeamReaders,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals/{goal}/steps",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/steps/{step}/status",
        Who::PlanUpdaters,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals/{goal}/milestones",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/milestones/{milestone}/reached",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals/{goal}/updates",
        Who::PlanUpdaters,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/plans/{state}",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/plans/{state}/plan.xlsx",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/plans/{state}/evidence/{evidence}",
        Who::TeamReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/plans/{state}/goals",
        Who::PlanEditors,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/plans/{state}/goals/{goal}",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/steps",
        Who::PlanEditors,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/plans/{state}/steps/{step}",
        Who::PlanEditors,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/plans/{state}/steps/{step}/status",
        Who::PlanUpdaters,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/milestones",
        Who::PlanEditors,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/plans/{state}/milestones/{milestone}",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/plans/{state}/goals/{goal}/updates",
        Who::PlanUpdaters,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/plans/{state}/updates/{update}/evidence",
        Who::PlanUpdaters,
    ),
    (
        "GET",
        "/programs/{slug}/plans/{state}/goals/{goal}/edit",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals/{goal}/edit",
        Who::PlanEditors,
    ),
    (
        "GET",
        "/programs/{slug}/plans/{state}/steps/{step}/edit",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/steps/{step}/edit",
        Who::PlanEditors,
    ),
    (
        "GET",
        "/programs/{slug}/plans/{state}/milestones/{milestone}/edit",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/milestones/{milestone}/edit",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/steps/{step}/delete",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/milestones/{milestone}/delete",
        Who::PlanEditors,
    ),
    (
        "DELETE",
        "/api/v1/programs/{slug}/plans/{state}/steps/{step}",
        Who::PlanEditors,
    ),
    (
        "DELETE",
        "/api/v1/programs/{slug}/plans/{state}/milestones/{milestone}",
        Who::PlanEditors,
    ),
    (
        "POST",
        "/programs/{slug}/plans/{state}/goals/{goal}/delete",
        Who::PlanEditors,
    ),
    (
        "DELETE",
        "/api/v1/programs/{slug}/plans/{state}/goals/{goal}",
        Who::PlanEditors,
    ),
    // Peer mentoring.
    ("GET", "/programs/{slug}/peers", Who::PeerReaders),
    ("POST", "/programs/{slug}/peers", Who::Admin),
    ("GET", "/api/v1/programs/{slug}/peers", Who::PeerReaders),
    ("PUT", "/api/v1/programs/{slug}/peers", Who::Admin),
    // Dashboards and reports (src/report): the program-wide views are the
    // admin's, the federal officer's and the program's coaches' (a coach
    // sees their own states in them); a state's report is its team's too.
    ("GET", "/programs/{slug}/participation", Who::CohortReaders),
    (
        "GET",
        "/api/v1/programs/{slug}/participation",
        Who::CohortReaders,
    ),
    ("GET", "/programs/{slug}/dashboard", Who::CohortReaders),
    (
        "GET",
        "/api/v1/programs/{slug}/dashboard",
        Who::CohortReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/priorities",
        Who::CohortReaders,
    ),
    ("GET", "/programs/{slug}/report", Who::CohortReaders),
    ("GET", "/programs/{slug}/report.xlsx", Who::CohortReaders),
    ("GET", "/api/v1/programs/{slug}/report", Who::CohortReaders),
    (
        "GET",
        "/api/v1/programs/{slug}/report.xlsx",
        Who::CohortReaders,
    ),
    ("GET", "/programs/{slug}/reports/{state}", Who::TeamReaders),
    (
        "GET",
        "/programs/{slug}/reports/{state}/report.xlsx",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/reports/{state}",
        Who::TeamReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/reports/{state}/report.xlsx",
        Who::TeamReaders,
    ),
    // --- activities (issue 5) ---
    (
        "GET",
        "/programs/{slug}/activities",
        Who::ActivityListReaders,
    ),
    ("GET", "/programs/{slug}/activities/new", Who::Schedulers),
    ("POST", "/programs/{slug}/activities", Who::Schedulers),
    (
        "GET",
        "/programs/{slug}/activities/{activity}",
        Who::ActivityViewers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}",
        Who::Organizers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}/record",
        Who::Organizers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}/action-items",
        Who::Organizers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}/action-items/{item}/done",
        Who::Organizers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}/action-items/{item}/plan-step",
        Who::Organizers,
    ),
    (
        "POST",
        "/programs/{slug}/activities/{activity}/cancel",
        Who::Organizers,
    ),
    (
        "GET",
        "/programs/{slug}/activities/{activity}/calendar.ics",
        Who::ActivityViewers,
    ),
    ("GET", "/account/calendar", Who::SignedIn),
    ("POST", "/account/calendar", Who::SignedIn),
    ("POST", "/account/calendar/off", Who::SignedIn),
    ("GET", "/calendar/{token}/feed.ics", Who::Anyone),
    (
        "GET",
        "/api/v1/programs/{slug}/activities",
        Who::ActivityListReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/activities",
        Who::Schedulers,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/activities/{activity}",
        Who::ActivityViewers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/activities/{activity}",
        Who::Organizers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/activities/{activity}/record",
        Who::Organizers,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/activities/{activity}/action-items",
        Who::Organizers,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/activities/{activity}/action-items/{item}",
        Who::Organizers,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/activities/{activity}/action-items/{item}/plan-step",
        Who::Organizers,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/activities/{activity}/cancel",
        Who::Organizers,
    ),
    ("POST", "/api/v1/me/calendar", Who::SignedIn),
    ("DELETE", "/api/v1/me/calendar", Who::SignedIn),
    // --- Exchange subscribers and digests (issue 6): no account needed;
    // a subscription's link token is the permission.
    ("GET", "/exchange/subscribe", Who::Anyone),
    ("POST", "/exchange/subscribe", Who::Anyone),
    ("GET", "/exchange/subscription/{token}", Who::Anyone),
    ("POST", "/exchange/subscription/{token}", Who::Anyone),
    (
        "POST",
        "/exchange/subscription/{token}/confirm",
        Who::Anyone,
    ),
    ("GET", "/exchange/unsubscribe/{token}", Who::Anyone),
    ("POST", "/exchange/unsubscribe/{token}", Who::Anyone),
    ("GET", "/exchange/digests", Who::Anyone),
    ("GET", "/exchange/digests/{id}", Who::Anyone),
    ("GET", "/admin/exchange/digests", Who::Admin),
    ("POST", "/api/v1/exchange/subscriptions", Who::Anyone),
    ("GET", "/api/v1/exchange/subscriptions/{token}", Who::Anyone),
    ("PUT", "/api/v1/exchange/subscriptions/{token}", Who::Anyone),
    (
        "DELETE",
        "/api/v1/exchange/subscriptions/{token}",
        Who::Anyone,
    ),
    (
        "POST",
        "/api/v1/exchange/subscriptions/{token}/confirm",
        Who::Anyone,
    ),
    ("GET", "/api/v1/exchange/digests", Who::Anyone),
    ("GET", "/api/v1/exchange/digests/{id}", Who::Anyone),
    ("GET", "/api/v1/exchange/digest-runs", Who::Admin),
    // --- forum (issue 6): {category}, {thread}, {post} and {flag} are CO's
    // private category, thread, first post and a flag on it ---
    ("GET", "/forum", Who::SignedIn),
    // The stop link in a watch email: no account needed; its token is
    // the permission (here a token that does not work: 404 for everyone).
    ("GET", "/forum/unwatch/{token}", Who::Anyone),
    ("POST", "/forum/unwatch/{token}", Who::Anyone),
    ("GET", "/programs/{slug}/forum", Who::ForumPeople),
    ("GET", "/programs/{slug}/forum/search", Who::ForumPeople),
    ("GET", "/programs/{slug}/forum/flags", Who::ForumModerators),
    (
        "POST",
        "/programs/{slug}/forum/flags/{flag}/resolve",
        Who::ForumModerators,
    ),
    (
        "GET",
        "/programs/{slug}/forum/categories/{category}",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/programs/{slug}/forum/categories/{category}",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/programs/{slug}/forum/categories/{category}/new",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/programs/{slug}/forum/categories/{category}/watch",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/programs/{slug}/forum/threads/{thread}",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/programs/{slug}/forum/threads/{thread}",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/programs/{slug}/forum/threads/{thread}/watch",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/programs/{slug}/forum/threads/{thread}/moderate",
        Who::ForumModerators,
    ),
    (
        "POST",
        "/programs/{slug}/forum/threads/{thread}/moderate",
        Who::ForumModerators,
    ),
    (
        "GET",
        "/programs/{slug}/forum/posts/{post}/edit",
        Who::ForumAuthor,
    ),
    (
        "POST",
        "/programs/{slug}/forum/posts/{post}",
        Who::ForumAuthor,
    ),
    (
        "GET",
        "/programs/{slug}/forum/posts/{post}/history",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/programs/{slug}/forum/posts/{post}/flag",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/programs/{slug}/forum/posts/{post}/flag",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/programs/{slug}/forum/posts/{post}/moderate",
        Who::ForumModerators,
    ),
    (
        "POST",
        "/programs/{slug}/forum/posts/{post}/moderate",
        Who::ForumModerators,
    ),
    ("GET", "/api/v1/programs/{slug}/forum", Who::ForumPeople),
    (
        "GET",
        "/api/v1/programs/{slug}/forum/search",
        Who::ForumPeople,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/forum/flags",
        Who::ForumModerators,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/flags/{flag}/resolve",
        Who::ForumModerators,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/forum/categories/{category}",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/categories/{category}/threads",
        Who::ForumCoReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/forum/categories/{category}/watch",
        Who::ForumCoReaders,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/forum/threads/{thread}",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/threads/{thread}/posts",
        Who::ForumCoReaders,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/forum/threads/{thread}/watch",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/threads/{thread}/moderate",
        Who::ForumModerators,
    ),
    (
        "PUT",
        "/api/v1/programs/{slug}/forum/posts/{post}",
        Who::ForumAuthor,
    ),
    (
        "GET",
        "/api/v1/programs/{slug}/forum/posts/{post}/history",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/posts/{post}/flag",
        Who::ForumCoReaders,
    ),
    (
        "POST",
        "/api/v1/programs/{slug}/forum/posts/{post}/moderate",
        Who::ForumModerators,
    ),
];

fn allowed(who: Who, persona: &str, template: &str) -> bool {
    if persona == "outsider_lead" {
        // Its own application (the page routes name no state), and what
        // anyone signed in may open.
        return match who {
            Who::Anyone | Who::SignedIn => true,
            Who::StateLead => template.starts_with("/programs/{slug}/application"),
            _ => false,
        };
    }
    match who {
        Who::Anyone => true,
        Who::SignedIn => persona != "anonymous",
        Who::Admin => persona == "admin",
        Who::StateLead => persona == "state_lead",
        Who::ApplicationReaders => {
            matches!(persona, "admin" | "federal" | "state_lead" | "state_member")
        }
        Who::AssignedReviewer => persona == "reviewer",
        Who::Reviewers => matches!(persona, "admin" | "reviewer"),
        Who::TeamReaders => matches!(
            persona,
            "admin" | "federal" | "state_lead" | "state_member" | "coach"
        ),
        Who::TeamManagers => matches!(persona, "admin" | "state_lead"),
        Who::TeamMembers => matches!(persona, "state_lead" | "state_member"),
        Who::ProgramPeople => !matches!(persona, "anonymous" | "sme" | "partner"),
        Who::CohortReaders => matches!(persona, "admin" | "federal" | "coach"),
        Who::Sme => persona == "sme",
        Who::PlanEditors => matches!(persona, "admin" | "state_lead" | "coach"),
        Who::PlanUpdaters => {
            matches!(persona, "admin" | "state_lead" | "state_member" | "coach")
        }
        Who::PeerReaders => matches!(
            persona,
            "admin" | "federal" | "coach" | "state_lead" | "state_member" | "other_state_member"
        ),
        // --- activities (issue 5) ---
        Who::ActivityListReaders => !matches!(persona, "anonymous" | "partner"),
        Who::Schedulers | Who::Organizers => matches!(persona, "admin" | "coach"),
        Who::ExchangeEditors => matches!(persona, "admin" | "partner"),
        Who::ActivityViewers => matches!(
            persona,
            "admin" | "federal" | "state_lead" | "state_member" | "coach" | "sme"
        ),
        // --- forum (issue 6) ---
        Who::ForumPeople => !matches!(persona, "anonymous" | "reviewer" | "partner"),
        Who::ForumCoReaders => {
            matches!(persona, "admin" | "coach" | "state_lead" | "state_member")
        }
        Who::ForumModerators => matches!(persona, "admin" | "coach"),
        Who::ForumAuthor => persona == "state_lead",
    }
}

#[test]
fn the_matrix_names_every_route_exactly_once() {
    let served: BTreeSet<(String, String)> = waymark::app::route_table()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    let listed: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(listed.len(), MATRIX.len(), "a route is listed twice");
    let missing: Vec<_> = served.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the authorization matrix: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "matrix rows for routes that do not exist: {extra:?}"
    );
}

struct Persona {
    name: &'static str,
    browser: Browser,
    token: Option<String>,
}

async fn personas(app: &TestApp) -> Vec<Persona> {
    app.add_program("p1").await;
    let mut out = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for name in PERSONAS {
        let browser = app.browser();
        let token = if *name == "anonymous" {
            None
        } else {
            let (role, state) = match *name {
                "other_state_member" => ("state_member", Some("KS")),
                "outsider_lead" => ("state_lead", Some("WY")),
                "read_only_admin" => ("admin", None),
                "coach" | "state_lead" | "state_member" => (*name, Some("CO")),
                other => (other, None),
            };
            let program = matches!(role, "reviewer" | "coach" | "state_lead" | "state_member")
                .then_some("p1");
            let email = format!("{name}@matrix.test");
            let (id, pw) = app.add_user(&email, role, program, state).await;
            ids.insert(*name, id);
            let res = browser.sign_in(&email, &pw).await;
            assert_eq!(res.status, 303, "{name} signs in");
            let scope = if *name == "read_only_admin" {
                "read"
            } else {
                "read_write"
            };
            Some(app.token_with(id, &email, scope).await)
        };
        out.push(Persona {
            name,
            browser,
            token,
        });
    }
    // CO has applied, the reviewer is assigned to it, and CO has a team:
    // so the review and team routes have something to answer with.
    let db = &app.state.db.pool;
    let program_id: i64 = sqlx::query_scalar("SELECT id FROM programs WHERE slug = 'p1'")
        .fetch_one(db)
        .await
        .unwrap();
    let program = app.in_program(program_id);
    let colorado = crate::helpers::ApplicationFixture {
        code: "CO",
        status: "submitted",
        created_by: Some(ids["state_lead"]),
        decision: None,
    };
    let application_id = program.application(colorado).await;
    program.review(application_id, ids["reviewer"]).await;
    program.team_from("CO", application_id).await;
    // Kansas is in the cohort too; Wyoming applied and was declined.
    app.in_program(program_id).team("KS").await;
    let wyoming = crate::helpers::ApplicationFixture {
        code: "WY",
        status: "submitted",
        created_by: Some(ids["outsider_lead"]),
        decision: Some("declined"),
    };
    program.application(wyoming).await;
    plan_rows(app, program_id).await;
    // --- activities (issue 5) ---
    // A held consultation for CO (organized by its coach, the expert asked)
    // with one action item: activity 1 and item 1 in `concrete()`.
    let fixture = app.in_program(program_id);
    let activity = fixture
        .activity(crate::helpers::ActivityFixture {
            kind: "sme_consultation",
            title: "Consultation for CO",
            starts_at: 1000,
            status: "held",
            created_by: Some(ids["coach"]),
            states: &[("CO", None)],
        })
        .await;
    assert_eq!(activity, 1);
    for (who, role) in [("coach", "organizer"), ("sme", "expert")] {
        fixture.takes_part(activity, ids[who], role).await;
    }
    let item = fixture
        .action_item(
            activity,
            crate::helpers::ActionItemFixture {
                code: "CO",
                text: "Draft the data agreement",
                owner: Some(ids["state_lead"]),
                due_on: "2016-12-01",
            },
        )
        .await;
    assert_eq!(item, 1);
    forum_rows(app, &ids).await;
    // --- the Exchange (issue 6) ---
    // An interest form waiting (partner 1) and the partner persona's item
    // waiting for moderation (item 1).
    let waiting = crate::helpers::PartnerFixture {
        organization: "Org",
        contact_name: "Ana",
        contact_email: "ana@org.example",
        user: None,
    };
    assert_eq!(app.partner(waiting).await, 1);
    let guide = crate::helpers::ItemFixture {
        title: "Guide",
        status: "pending",
        published_at: None,
        submitted_by: Some(ids["partner"]),
        topics: &[],
    };
    assert_eq!(app.exchange_item(guide).await, 1);
    out
}

/// --- forum (issue 6) --- The forum's categories (CO's private one is
/// `FORUM_CO_CATEGORY`), a thread there by CO's lead (thread 1, post 1)
/// with a flag by CO's member (flag 1), and a General thread by Kansas's
/// member (thread 2, post 2).
async fn forum_rows(app: &TestApp, ids: &std::collections::HashMap<&str, i64>) {
    use waymark::forum::store;
    let program = waymark::program::store::find_by_slug(&app.state.db.pool, "p1")
        .await
        .unwrap()
        .unwrap();
    waymark::forum::service::ensure_categories(&app.state, &program)
        .await
        .unwrap();
    let cats = store::categories(&app.state.db.pool, program.id)
        .await
        .unwrap();
    let co = cats.iter().find(|c| c.key == "CO").unwrap().id;
    assert_eq!(co, FORUM_CO_CATEGORY);
    let general = cats.iter().find(|c| c.kind == "general").unwrap().id;
    let mut tx = app.state.db.begin().await.unwrap();
    for (n, (category, author, body)) in [
        (co, ids["state_lead"], "Colorado's own words"),
        (general, ids["other_state_member"], "Everyone's words"),
    ]
    .into_iter()
    .enumerate()
    {
        let thread = store::insert_thread(&mut tx, program.id, category, "A thread", author, 1)
            .await
            .unwrap();
        let post = store::insert_post(&mut tx, thread, author, body, body, 1)
            .await
            .unwrap();
        assert_eq!((thread, post), (n as i64 + 1, n as i64 + 1));
    }
    let flag = store::insert_flag(&mut tx, 1, ids["state_member"], "Check this", 1)
        .await
        .unwrap();
    assert_eq!(flag, 1);
    tx.commit().await.unwrap();
}

/// CO's private category in the matrix's program: General comes first.
const FORUM_CO_CATEGORY: i64 = 2;

/// CO's plan with one of everything, each the first of its table (id 1),
/// and the evidence file in storage.
async fn plan_rows(app: &TestApp, program_id: i64) {
    let co = app.in_program(program_id);
    let plan = co.plan("CO").await;
    assert_eq!(plan, 1);
    let goal = co.goal(plan, "Partnerships", "partnerships").await;
    let meet = crate::helpers::StepFixture {
        text: "Meet",
        owner: None,
        due_on: "2017-01-10",
        status: "not_started",
    };
    let step = co.step(goal, meet).await;
    let charter = crate::helpers::MilestoneFixture {
        strategy_key: "x",
        text: "Charter",
        target_on: "2017-05-01",
        reached_on: None,
    };
    let milestone = co.milestone(goal, charter).await;
    let update = co.update(goal, "2017-01-11", "Met").await;
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let evidence = co
        .evidence(update, "minutes.pdf", "application/pdf", pdf)
        .await;
    for (what, id) in [
        ("goal", goal),
        ("step", step),
        ("milestone", milestone),
        ("update", update),
        ("evidence", evidence),
    ] {
        assert_eq!(id, 1, "{what}");
    }
}

fn concrete(path: &str, id: i64) -> String {
    if path.contains("{*path}") {
        return format!("{}/uswds/css/uswds.min.css", waymark::web::assets::base());
    }
    // A framework's address names a framework, not a program.
    let path = if path.contains("/frameworks/{slug}") {
        path.replace("{slug}", "six-key-elements")
    } else {
        path.to_owned()
    };
    path.replace("{id}", &id.to_string())
        .replace("{reviewer_id}", &id.to_string())
        .replace("{element}", "partnerships")
        .replace("{goal}", "1")
        .replace("{step}", "1")
        .replace("{milestone}", "1")
        .replace("{update}", "1")
        .replace("{evidence}", "1")
        .replace("{slug}", "p1")
        .replace("{state}", "CO")
        // --- activities (issue 5) ---
        .replace("{activity}", "1")
        .replace("{item}", "1")
        .replace("{token}", "not-a-feed-token")
        // --- forum (issue 6) ---
        .replace("{category}", &FORUM_CO_CATEGORY.to_string())
        .replace("{thread}", "1")
        .replace("{post}", "1")
        .replace("{flag}", "1")
        // --- the Exchange (issue 6) ---
        .replace("{framework}", "six-key-elements")
        .replace("{topic}", "partnerships")
        .replace("{entry}", "1")
        .replace("{partner}", "1")
}

both_backends!(every_route_answers_every_persona_as_the_matrix_says);

async fn every_route_answers_every_persona_as_the_matrix_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let people = personas(&app).await;
    let some_user: i64 = sqlx::query_scalar("SELECT MIN(id) FROM users")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut failures = Vec::new();

    // Withdrawing CO's application closes its review, and signing out
    // ends the personas' sessions, so those go last.
    let mut rows: Vec<_> = MATRIX.iter().collect();
    rows.sort_by_key(|(method, path, _)| {
        (
            *path == "/signout" || (*path == "/api/v1/me/sessions" && *method == "DELETE"),
            path.ends_with("/withdraw"),
        )
    });
    for (method, template, who) in rows {
        // No such token or person: the answer still shows whether the
        // route let the persona in, and no one is turned off mid-run.
        let id = if template.starts_with("/account/tokens/")
            || template.starts_with("/api/v1/me/tokens/")
            || template.ends_with("/disable")
            || template.ends_with("/enable")
        {
            999_999
        } else {
            some_user
        };
        let path = concrete(template, id);
        for p in &people {
            let expect_ok = if p.name == "read_only_admin" {
                // Its pages are an administrator's; through the API it
                // reads, and writes only to a subscription (whose link's
                // token is all those routes look at).
                allowed(*who, "admin", template)
                    && (!path.starts_with("/api/v1/")
                        || *method == "GET"
                        || template.starts_with("/api/v1/exchange/subscriptions"))
            } else {
                allowed(*who, p.name, template)
            };
            let (status, to_signin) = if path.starts_with("/api/v1/") {
                let url = format!("{}{path}", app.base);
                let mut req = match *method {
                    "GET" => client.get(url),
                    "PUT" => client
                        .put(url)
                        .header("content-type", "application/json")
                        .body("{}"),
                    "DELETE" => client.delete(url),
                    _ => client
                        .post(url)
                        .header("content-type", "application/json")
                        .body("{}"),
                };
                if let Some(t) = &p.token {
                    req = req.bearer_auth(t);
                }
                let res = req.send().await.unwrap();
                (crate::contract::read(method, &path, res).await.0, false)
            } else if *method == "GET" {
                let page = p.browser.get(&path).await;
                (page.status.as_u16(), page.redirects_to_signin())
            } else {
                // A valid CSRF token from a page the persona can open.
                let token = p.browser.get("/signin?next=/").await.csrf_token().or(p
                    .browser
                    .get("/")
                    .await
                    .csrf_token());
                let token = token.expect("a page with a form");
                let page = if path.ends_with("/letter-file")
                    || path.ends_with("/updates")
                    // The Exchange's item forms carry files.
                    || path == "/exchange/submit"
                    || (path.starts_with("/exchange/items/") && path.ends_with("/edit"))
                {
                    p.browser
                        .post_multipart(&path, &[("csrf_token", &token)], None)
                        .await
                } else {
                    p.browser.post_raw(&path, &[("csrf_token", &token)]).await
                };
                (page.status.as_u16(), page.redirects_to_signin())
            };
            // A page refuses with 403 or a trip to the sign-in page (a 401 there
            // is a failed sign-in, not a refusal); the API with 401 or 403.
            let refused = if path.starts_with("/api/v1/") {
                status == 401 || status == 403
            } else {
                status == 403 || to_signin
            };
            let ok = if expect_ok {
                !refused && status < 500
            } else if p.name == "anonymous" {
                status == 401 || to_signin
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {}: got {status}{}, expected {}",
                    p.name,
                    if to_signin { " (to sign-in)" } else { "" },
                    if expect_ok { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n{}",
        failures.join("\n")
    );

    // Refusals are in the audit log.
    let refused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE outcome = 'refused' AND action = 'access'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(refused > 0);
    app.stop().await;
}
