//! The confirmation a page shows after a change: the change redirects
//! with a fixed word in the address (`?done=application-saved`), and the
//! page it lands on reads it through [`Done`] and words it here (or in its
//! area's own table, which falls back on this one).

use serde::Deserialize;

/// The `?done=` word of the address.
#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

/// Confirmations shown after a change, keyed by a fixed word in the address.
pub fn common(done: &str) -> Option<&'static str> {
    Some(match done {
        "signed-out" => "You have signed out.",
        "password-set" => "Your password is set. Sign in with it now.",
        "password-changed" => "Your password is changed. You have been signed out everywhere else.",
        "invited" => "Invitation sent.",
        "reinvited" => "A new invitation link has been sent.",
        "token-revoked" => "The token no longer works.",
        "two-step-on" => "Two-step sign-in is on. Next time you sign in, have your phone with you.",
        "two-step-off" => "Two-step sign-in is off. Your password alone signs you in.",
        "recovery-codes-renewed" => "You have new recovery codes. The old ones no longer work.",
        "signin-again" => {
            "Sign in again: the page waited too long, or the sign-in was started in another browser."
        }
        "account-off" => {
            "The account is turned off: its sessions have ended and its tokens no longer work."
        }
        "account-on" => "The account is on again. The person can sign in.",
        "session-ended" => "That device is signed out.",
        "sessions-ended" => "You are signed out everywhere except on this device.",
        "application-started" => "Your application is started. Fill it in below.",
        "application-saved" => "Saved.",
        "application-submitted" => {
            "Your application is submitted. A confirmation with a copy is on its way by email."
        }
        "application-withdrawn" => "Your application is withdrawn.",
        "settings-saved" => "The program's settings are saved.",
        "extension-saved" => "The extension is saved.",
        "extension-cleared" => "The extension is removed; the program's deadline applies.",
        "program-created" => {
            "The program is created from its template. Its dates, questions and rubric can be changed."
        }
        "review-saved" => "Your draft review is saved.",
        "review-submitted" => "Your review is submitted. Thank you.",
        "reviewer-assigned" => "The reviewer is assigned.",
        "reviewer-removed" => "The reviewer is removed from that application.",
        "reviewers-assigned" => "Reviewers are assigned.",
        "ranking-saved" => "The ranking is saved.",
        "decision-sent" => "The decision is recorded and emailed to the state's lead.",
        "member-added" => "The member is added and invited by email.",
        "member-removed" => "The member is removed from the team.",
        "role-changed" => "The member's role is changed.",
        "coach-assigned" => "The coach is assigned and told by email.",
        "expertise-saved" => "The elements you know are saved.",
        _ => return None,
    })
}
