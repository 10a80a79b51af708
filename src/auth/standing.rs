//! Whether an account is on: an administrator turns one off (its sessions
//! and tokens end at once) or back on; an account unused for a while (the
//! `inactive_days` setting) is warned a week ahead by email, then turned
//! off, and an administrator turns it back on.

use super::policy::Action;
use super::{Actor, store};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

const DAY_MS: i64 = 86_400_000;
/// How long before an account is turned off its owner is warned.
pub const WARNING_DAYS: i64 = 7;

/// Why an account is off.
pub const BY_ADMIN: &str = "admin";
pub const INACTIVE: &str = "inactive";

/// What an unused account is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    /// An email saying it will be turned off in a week unless used.
    Warning,
    /// Turned off: unused for `inactive_days`, and warned at least a week ago.
    TurnOff,
}

/// The rule, as a plain function: `inactive_days` 0 turns nothing off.
/// An account is never turned off without a warning a week before, even
/// when the setting was lowered in between.
pub fn due(last_active: i64, warned_at: Option<i64>, now: i64, inactive_days: i64) -> Due {
    if inactive_days <= 0 {
        return Due::Nothing;
    }
    let idle = now - last_active;
    let limit = inactive_days * DAY_MS;
    let warn_from = (limit - WARNING_DAYS * DAY_MS).max(0);
    match warned_at {
        Some(w) if idle >= limit && now - w >= WARNING_DAYS * DAY_MS => Due::TurnOff,
        None if idle >= warn_from => Due::Warning,
        _ => Due::Nothing,
    }
}

/// An administrator turns an account off: its sessions end and its tokens
/// are revoked in the same transaction.
pub async fn turn_off(state: &AppState, actor: &Actor, user_id: i64) -> Result<(), Refusal> {
    actor.may(state, Action::ManagePeople).await?;
    let (admin, ip) = (&actor.user, &actor.ip);
    if admin.id == user_id {
        return Err(Refusal::Conflict(
            "You cannot turn off your own account. Ask another administrator.".into(),
        ));
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let Some((active, _, _)) = store::standing_of(&mut *tx, user_id).await? else {
        return Err(Refusal::NotFound);
    };
    if active == 0 {
        return Err(Refusal::Conflict(
            "That account is already turned off.".into(),
        ));
    }
    store::disable_user(&mut *tx, user_id, BY_ADMIN, now).await?;
    let sessions = store::delete_sessions_for_user(&mut *tx, user_id).await?;
    let tokens = store::revoke_all_api_tokens(&mut *tx, user_id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(
            (Some(admin.id), admin.email.clone()),
            ip,
            "account_disabled",
        )
        .record("user", user_id)
        .detail(format!(
            "{sessions} sessions ended, {tokens} tokens revoked"
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator turns an account back on (turned off by anyone, or
/// for being unused); its unused time counts from now.
pub async fn turn_on(state: &AppState, actor: &Actor, user_id: i64) -> Result<(), Refusal> {
    actor.may(state, Action::ManagePeople).await?;
    let (admin, ip) = (&actor.user, &actor.ip);
    let mut tx = state.db.begin().await?;
    let Some((active, _, reason)) = store::standing_of(&mut *tx, user_id).await? else {
        return Err(Refusal::NotFound);
    };
    if active != 0 {
        return Err(Refusal::Conflict("That account is already on.".into()));
    }
    store::enable_user(&mut *tx, user_id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new((Some(admin.id), admin.email.clone()), ip, "account_enabled")
            .record("user", user_id)
            .detail(format!("was off: {}", reason.unwrap_or_default())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub warned: usize,
    pub turned_off: usize,
}

/// Warns and turns off unused accounts. Each is warned once, however many
/// processes sweep: the warning is claimed by the update that records it.
pub async fn sweep(state: &AppState, now: i64) -> anyhow::Result<SweepReport> {
    let days = state.config.inactive_days as i64;
    let mut report = SweepReport::default();
    if days == 0 {
        return Ok(report);
    }
    let warn_from = (days - WARNING_DAYS).max(0) * DAY_MS;
    for row in store::unused_since(&state.db.pool, now - warn_from).await? {
        match due(row.last_active(), row.inactivity_warned_at, now, days) {
            Due::Nothing => {}
            Due::Warning => {
                let mut tx = state.db.begin().await?;
                if store::mark_inactivity_warned(&mut *tx, row.id, now).await? {
                    let off_on = crate::time::format_in_zone(
                        now + WARNING_DAYS * DAY_MS,
                        crate::exchange::TIME_ZONE,
                    );
                    let paragraphs = vec![
                        format!(
                            "Your Waymark account ({}) has not been used for a while. To keep your state plans and program records safe, accounts unused for {days} days are turned off.",
                            row.email
                        ),
                        format!(
                            "Sign in before {off_on} to keep it. If you do not need it any more, you need not do anything; an administrator can turn it back on later."
                        ),
                        "If you have forgotten your password, use \"Forgot your password?\" on the sign-in page.".to_owned(),
                    ];
                    let mail = crate::mail::templates::notice(
                        &row.email,
                        &row.name,
                        "Your Waymark account will be turned off in a week",
                        &paragraphs,
                        Some(("Sign in", &state.config.link("/signin"))),
                    )?;
                    crate::mail::enqueue(&mut tx, &mail).await?;
                    audit::write(
                        &mut *tx,
                        &Entry::new((None, "system".into()), "", "inactivity_warning")
                            .record("user", row.id),
                    )
                    .await?;
                    report.warned += 1;
                }
                tx.commit().await?;
            }
            Due::TurnOff => {
                let mut tx = state.db.begin().await?;
                if store::disable_user(&mut *tx, row.id, INACTIVE, now).await? {
                    store::delete_sessions_for_user(&mut *tx, row.id).await?;
                    store::revoke_all_api_tokens(&mut *tx, row.id, now).await?;
                    audit::write(
                        &mut *tx,
                        &Entry::new((None, "system".into()), "", "account_disabled")
                            .record("user", row.id)
                            .detail(format!("unused for {days} days")),
                    )
                    .await?;
                    report.turned_off += 1;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(report)
}

/// What a person whose account is off is told once their password is right.
pub fn turned_off_words(reason: Option<&str>, inactive_days: u64) -> String {
    match reason {
        Some(INACTIVE) => format!(
            "Your account was turned off because it was not used for {inactive_days} days. Ask your program administrator to turn it back on."
        ),
        _ => "Your account is turned off. Ask your program administrator if you need it again."
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn an_unused_account_is_warned_a_week_ahead_then_turned_off() {
        let days_ago = |d: i64| NOW - d * DAY_MS;
        assert_eq!(due(days_ago(82), None, NOW, 90), Due::Nothing);
        assert_eq!(due(days_ago(83), None, NOW, 90), Due::Warning);
        // Warned, and not used since: off once 90 days and a week of warning have passed.
        assert_eq!(due(days_ago(89), Some(days_ago(6)), NOW, 90), Due::Nothing);
        assert_eq!(due(days_ago(90), Some(days_ago(7)), NOW, 90), Due::TurnOff);
        // Never without a week's warning, even long unused (the setting lowered).
        assert_eq!(due(days_ago(200), None, NOW, 90), Due::Warning);
        assert_eq!(due(days_ago(200), Some(days_ago(3)), NOW, 90), Due::Nothing);
        // A short setting warns at once.
        assert_eq!(due(days_ago(1), None, NOW, 5), Due::Warning);
        // 0: never.
        assert_eq!(
            due(days_ago(1000), Some(days_ago(100)), NOW, 0),
            Due::Nothing
        );
    }

    #[test]
    fn the_latest_stamp_is_the_last_use() {
        let row = store::ActivityRow {
            id: 1,
            email: "a@b.gov".into(),
            name: "A".into(),
            created_at: 10,
            enabled_at: None,
            last_signed_in_at: Some(30),
            last_token_use: Some(50),
            inactivity_warned_at: None,
        };
        assert_eq!(row.last_active(), 50);
        assert_eq!(
            store::ActivityRow {
                last_token_use: None,
                last_signed_in_at: None,
                ..row
            }
            .last_active(),
            10
        );
    }
}
