//! The confirmation a page shows after a change: the change redirects with
//! a [`Done`] in the address (`?done=application-saved`, from
//! [`Done::at`]), and the page it lands on reads the word back through
//! [`DoneQuery`] and shows its sentence. One table holds every word and its
//! sentence, so a redirect can only name a confirmation that exists.

use serde::Deserialize;

macro_rules! confirmations {
    ($($variant:ident = $code:literal => $message:literal,)*) => {
        /// A change that went through, told on the page it lands on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Done {
            $($variant,)*
        }

        impl Done {
            /// Every confirmation.
            pub const ALL: &'static [Done] = &[$(Done::$variant,)*];

            /// The word in the address.
            pub fn code(self) -> &'static str {
                match self {
                    $(Done::$variant => $code,)*
                }
            }

            /// What the person reads.
            pub fn message(self) -> &'static str {
                match self {
                    $(Done::$variant => $message,)*
                }
            }

            /// The confirmation a word in the address names, if any.
            pub fn parse(code: &str) -> Option<Done> {
                Done::ALL.iter().copied().find(|d| d.code() == code)
            }
        }
    };
}

confirmations! {
    SignedOut = "signed-out" => "You have signed out.",
    SignInAgain = "signin-again" => "Sign in again: the page waited too long, or the sign-in was started in another browser.",
    PasswordSet = "password-set" => "Your password is set. Sign in with it now.",
    PasswordChanged = "password-changed" => "Your password is changed. You have been signed out everywhere else.",
    Invited = "invited" => "Invitation sent.",
    Reinvited = "reinvited" => "A new invitation link has been sent.",
    TokenRevoked = "token-revoked" => "The token no longer works.",
    TwoStepOn = "two-step-on" => "Two-step sign-in is on. Next time you sign in, have your phone with you.",
    TwoStepOff = "two-step-off" => "Two-step sign-in is off. Your password alone signs you in.",
    RecoveryCodesRenewed = "recovery-codes-renewed" => "You have new recovery codes. The old ones no longer work.",
    AccountOff = "account-off" => "The account is turned off: its sessions have ended and its tokens no longer work.",
    AccountOn = "account-on" => "The account is on again. The person can sign in.",
    SessionEnded = "session-ended" => "That device is signed out.",
    SessionsEnded = "sessions-ended" => "You are signed out everywhere except on this device.",
    FeedOff = "feed-off" => "Your calendar feed is turned off. The old address no longer works.",
    ApplicationStarted = "application-started" => "Your application is started. Fill it in below.",
    ApplicationSaved = "application-saved" => "Saved.",
    ApplicationSubmitted = "application-submitted" => "Your application is submitted. A confirmation with a copy is on its way by email.",
    ApplicationWithdrawn = "application-withdrawn" => "Your application is withdrawn.",
    SettingsSaved = "settings-saved" => "The program's settings are saved.",
    ExtensionSaved = "extension-saved" => "The extension is saved.",
    ExtensionCleared = "extension-cleared" => "The extension is removed; the program's deadline applies.",
    ProgramCreated = "program-created" => "The program is created from its template. Its dates, questions and rubric can be changed.",
    ReviewSaved = "review-saved" => "Your draft review is saved.",
    ReviewSubmitted = "review-submitted" => "Your review is submitted. Thank you.",
    ReviewerAssigned = "reviewer-assigned" => "The reviewer is assigned.",
    ReviewerRemoved = "reviewer-removed" => "The reviewer is removed from that application.",
    ReviewersAssigned = "reviewers-assigned" => "Reviewers are assigned.",
    RankingSaved = "ranking-saved" => "The ranking is saved.",
    DecisionSent = "decision-sent" => "The decision is recorded and emailed to the state's lead.",
    MemberAdded = "member-added" => "The member is added and invited by email.",
    MemberRemoved = "member-removed" => "The member is removed from the team.",
    RoleChanged = "role-changed" => "The member's role is changed.",
    CoachAssigned = "coach-assigned" => "The coach is assigned and told by email.",
    ExpertiseSaved = "expertise-saved" => "The elements you know are saved.",
    RatingsSaved = "ratings-saved" => "Your ratings are saved.",
    ConsensusSaved = "consensus-saved" => "The team's consensus is saved.",
    SnapshotTaken = "snapshot-taken" => "The snapshot is taken. Its ratings are frozen and will not change.",
    SharingSaved = "sharing-saved" => "Your choice about sharing results with other states is saved.",
    PeersConfirmed = "peers-confirmed" => "The peer-mentoring groups are confirmed.",
    ActivityScheduled = "scheduled" => "The activity is scheduled.",
    ActivityChanged = "activity-changed" => "The activity is changed.",
    ActivityCancelled = "cancelled" => "The activity is cancelled. Calendars that follow it will show it as cancelled.",
    ActivityRecorded = "recorded" => "What happened is recorded.",
    ItemAdded = "item-added" => "The action item is added.",
    ItemDone = "item-done" => "The action item is marked done.",
    ItemOpen = "item-open" => "The action item is open again.",
    ItemPlanned = "item-planned" => "The action item is now a step of the state's action plan.",
    GoalAdded = "goal-added" => "The goal is added to the plan.",
    GoalSaved = "goal-saved" => "The goal is saved.",
    GoalRemoved = "goal-removed" => "The goal is removed, with its steps, milestones and updates.",
    StepAdded = "step-added" => "The step is added.",
    StepSaved = "step-saved" => "The step is saved.",
    StatusSaved = "status-saved" => "The step's status is saved.",
    StepRemoved = "step-removed" => "The step is removed.",
    MilestoneAdded = "milestone-added" => "The milestone is added.",
    MilestoneSaved = "milestone-saved" => "The milestone is saved.",
    MilestoneRemoved = "milestone-removed" => "The milestone is removed.",
    UpdateAdded = "update-added" => "The progress update is added.",
    Posted = "posted" => "Your post is up.",
    Edited = "edited" => "Your post is changed. The earlier version is kept in its history.",
    Flagged = "flagged" => "Thank you. A moderator will look at the post.",
    Watching = "watching" => "You are watching. You will get an email for each new post.",
    Unwatched = "unwatched" => "You stopped watching. No more emails about it.",
    Moderated = "moderated" => "Done. The change is in the audit log.",
    FlagResolved = "resolved" => "The flag is resolved.",
    SubscriptionConfirmed = "confirmed" => "Your subscription is confirmed. Your first digest comes with the next new items on your topics.",
    SubscriptionSaved = "saved" => "Your choices are saved.",
    ItemSubmitted = "submitted" => "Thank you. Your item waits for a moderator; you will get an email when it is published.",
    ItemPublished = "published" => "The item is published in the library.",
    ItemChanged = "changed" => "Your changes are saved.",
    ItemRejected = "rejected" => "The item is rejected; its partner has been told why.",
    ItemWithdrawn = "withdrawn" => "The item is withdrawn from the library.",
    PartnerApplied = "applied" => "Thank you. We will write to you about sharing on the Exchange.",
    PartnerDecided = "decided" => "The decision is saved and the organization has been told.",
}

/// The word in the address, for `format!("{path}?done={done}")`.
impl std::fmt::Display for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Done {
    /// `path` with this confirmation in its address (before the
    /// `#fragment`, if it has one).
    pub fn at(self, path: &str) -> String {
        match path.split_once('#') {
            Some((path, fragment)) => format!("{path}?done={}#{fragment}", self.code()),
            None => format!("{path}?done={}", self.code()),
        }
    }

    /// A redirect (303 See Other) to `path`, saying this was done.
    pub fn redirect(self, path: &str) -> axum::response::Response {
        use axum::response::IntoResponse;
        axum::response::Redirect::to(&self.at(path)).into_response()
    }
}

/// The `?done=` word of the address, as the page reads it.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

impl DoneQuery {
    /// The sentence to show, if the word names a confirmation.
    pub fn notice(&self) -> Option<&'static str> {
        notice(&self.done)
    }
}

/// The sentence for a `?done=` word (none for a word that names nothing).
pub fn notice(code: &str) -> Option<&'static str> {
    Done::parse(code).map(Done::message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_names_one_confirmation_and_reads_back() {
        let mut codes: Vec<&str> = Done::ALL.iter().map(|d| d.code()).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), before, "a word is used twice");
        for done in Done::ALL {
            assert_eq!(Done::parse(done.code()), Some(*done));
            assert!(!done.message().is_empty());
        }
    }

    #[test]
    fn an_unknown_word_shows_nothing() {
        assert_eq!(notice("hacked"), None);
        assert_eq!(notice(""), None);
        assert_eq!(
            Done::RatingsSaved.at("/programs/x/assessment/CO"),
            "/programs/x/assessment/CO?done=ratings-saved"
        );
    }

    #[test]
    fn the_confirmation_goes_before_the_fragment() {
        assert_eq!(
            Done::Posted.at("/programs/x/forum/threads/3#post-9"),
            "/programs/x/forum/threads/3?done=posted#post-9"
        );
    }
}
