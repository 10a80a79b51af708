//! Signing in with a password: the throttle, the password, the account's
//! standing, a required provider and the second step, in that order. The
//! sign-in page only renders what this decides.

use axum::http::StatusCode;

use super::store::{self, UserRow};
use super::two_step::{self, Step};
use super::{Role, password, throttle};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;
use crate::web::text::wait_words;

/// What a password sign-in comes to.
pub enum Outcome {
    /// Let in: a session starts.
    Welcome(UserRow),
    /// The password is right, and a second step follows.
    SecondStep(UserRow, Step),
    /// Not let in: the status and the sentence the form shows.
    Turned(StatusCode, String),
}

/// Checks a password sign-in from `ip`. Attempts are counted before the
/// password is checked, so attempts sent together cannot all get past the
/// limit; over it, the refusal says how long to wait. Every refusal is
/// written to the audit log.
pub async fn with_password(
    state: &AppState,
    ip: &str,
    email: &str,
    given: String,
) -> Result<Outcome, Refusal> {
    let config = &state.config;
    let pool = &state.db.pool;
    let account_key = throttle::account_key(email);
    let address_key = throttle::address_key(ip);
    let limits = [
        (account_key.as_str(), config.signin_max_failures as i64),
        (
            address_key.as_str(),
            config.signin_max_failures_per_address as i64,
        ),
    ];
    let window_ms = config.signin_window_seconds as i64 * 1000;
    let refused = |who: (Option<i64>, String), why: &str| {
        Entry::new(who, ip, "sign_in").detail(why).refused()
    };
    let nobody = || (None, "anonymous".to_owned());
    if let Some(secs) = throttle::admit(pool, &limits, now_ms(), window_ms).await? {
        audit::write(pool, &refused(nobody(), "throttled")).await?;
        return Err(Refusal::TooManyRequests {
            retry_after_secs: secs,
            message: format!(
                "There have been too many sign-in attempts. Wait {} and try again, or reset your password.",
                wait_words(secs)
            ),
        });
    }

    let user = store::find_user_by_email(pool, email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = password::verify(given, hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        audit::write(pool, &refused(nobody(), "wrong email or password")).await?;
        return Ok(Outcome::Turned(
            StatusCode::UNAUTHORIZED,
            "The email address or password is not right. Check both and try again.".into(),
        ));
    };

    throttle::clear(pool, &account_key).await?;
    throttle::forgive(pool, &address_key).await?;
    let them = (Some(user.id), user.email.clone());
    if user.active == 0 {
        // Said only to someone who knows the password.
        audit::write(pool, &refused(them, "account turned off")).await?;
        let words = super::standing::turned_off_words(
            user.disabled_reason.as_deref(),
            config.inactive_days,
        );
        return Ok(Outcome::Turned(StatusCode::FORBIDDEN, words));
    }
    let roles: Vec<Role> = store::grants_for(pool, user.id)
        .await?
        .into_iter()
        .map(|g| g.role)
        .collect();
    if roles.iter().any(|r| config.sso_required_for.contains(r)) {
        audit::write(pool, &refused(them, "a provider is required")).await?;
        let labels: Vec<&str> = state
            .sso
            .providers
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        return Ok(Outcome::Turned(
            StatusCode::FORBIDDEN,
            format!(
                "Your role signs in with {}, not a password. Use the button below.",
                labels.join(" or ")
            ),
        ));
    }
    // With two-step sign-in, the password only leads to the second step.
    let step = if two_step::is_on(state, user.id).await? {
        Some(Step::Code)
    } else if two_step::required_for(&roles, config) {
        Some(Step::Setup)
    } else {
        None
    };
    Ok(match step {
        Some(step) => Outcome::SecondStep(user, step),
        None => Outcome::Welcome(user),
    })
}
