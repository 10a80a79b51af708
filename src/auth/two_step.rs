//! Two-step sign-in: after the password, a code from an authenticator app
//! (or a recovery code). Between the two steps the browser holds a signed,
//! short-lived "pending" cookie naming the account, not a session; the
//! second step is counted by the same throttle as the password.

use super::{CurrentUser, Role, secret, store, totp};
use crate::audit::{self, Entry};
use crate::config::Config;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// How long the second step may wait after the password.
const PENDING_MS: i64 = 10 * 60_000;

/// What the browser is to do between the password and a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Type a code (the app is set up).
    Code,
    /// Set the app up now (required for one of the person's roles).
    Setup,
}

impl Step {
    fn as_str(self) -> &'static str {
        match self {
            Step::Code => "code",
            Step::Setup => "setup",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub user_id: i64,
    pub step: Step,
    pub expires_at: i64,
}

pub fn pending_cookie_name(config: &Config) -> &'static str {
    if config.is_https() {
        "__Host-waymark_pending"
    } else {
        "waymark_pending"
    }
}

/// The cookie's value: the account, the step, the end, and a MAC over them.
pub fn seal(key: &[u8], p: &Pending) -> String {
    let body = format!("{}.{}.{}", p.user_id, p.step.as_str(), p.expires_at);
    let mac = secret::sign(key, &format!("pending:{body}"));
    format!("{body}.{mac}")
}

/// The pending state in a cookie, if it is ours and not past its end.
pub fn open(key: &[u8], value: &str, now: i64) -> Option<Pending> {
    let (body, mac) = value.rsplit_once('.')?;
    if !secret::same(&secret::sign(key, &format!("pending:{body}")), mac) {
        return None;
    }
    let mut parts = body.split('.');
    let user_id = parts.next()?.parse().ok()?;
    let step = match parts.next()? {
        "code" => Step::Code,
        "setup" => Step::Setup,
        _ => return None,
    };
    let expires_at: i64 = parts.next()?.parse().ok()?;
    (parts.next().is_none() && expires_at > now).then_some(Pending {
        user_id,
        step,
        expires_at,
    })
}

pub fn pending(user_id: i64, step: Step, now: i64) -> Pending {
    Pending {
        user_id,
        step,
        expires_at: now + PENDING_MS,
    }
}

/// Whether a person's roles oblige them to use a second step.
pub fn required_for(roles: &[Role], config: &Config) -> bool {
    roles
        .iter()
        .any(|r| config.second_step_required_for.contains(r))
}

/// Whether the person's app is set up (and so asked for at sign-in).
pub async fn is_on(state: &AppState, user_id: i64) -> Result<bool, sqlx::Error> {
    Ok(store::totp_of(&state.db.pool, user_id)
        .await?
        .is_some_and(|t| t.confirmed_at.is_some()))
}

/// A person's two-step sign-in, as the API tells it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = TwoStepStatus)]
pub struct Status {
    /// Whether a code from an authenticator app is asked after the password.
    pub on: bool,
    /// Whether one of the person's roles requires it.
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

pub async fn status(state: &AppState, user: &CurrentUser) -> Result<Status, Refusal> {
    let roles: Vec<Role> = user.grants.iter().map(|g| g.role).collect();
    Ok(Status {
        on: is_on(state, user.id).await?,
        required: required_for(&roles, &state.config),
        recovery_codes_left: store::recovery_codes_left(&state.db.pool, user.id).await?,
    })
}

/// What the setup page shows: the secret as a QR code and as text.
pub struct Setup {
    pub secret_grouped: String,
    pub qr_data_uri: String,
}

/// Starts setting up an app for the person (a new secret each time the
/// setup is begun, until a code confirms it).
pub async fn begin(state: &AppState, user_id: i64, email: &str) -> Result<Setup, Refusal> {
    if is_on(state, user_id).await? {
        return Err(Refusal::Conflict(
            "Two-step sign-in is already on for your account.".into(),
        ));
    }
    let secret_b32 = match store::totp_of(&state.db.pool, user_id).await? {
        Some(t) => t.secret,
        None => {
            let s = totp::base32(&totp::new_secret());
            store::begin_totp(&state.db.pool, user_id, &s, now_ms()).await?;
            s
        }
    };
    Ok(setup_of(&secret_b32, email))
}

fn setup_of(secret_b32: &str, email: &str) -> Setup {
    use base64::Engine;
    let svg = totp::qr_svg(&totp::setup_uri("Waymark", email, secret_b32));
    Setup {
        secret_grouped: totp::grouped(secret_b32),
        qr_data_uri: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        ),
    }
}

const WRONG_SETUP_CODE: &str =
    "That code is not right. Type the 6 digits your app shows now for Waymark.";

/// Confirms the app with a code it shows, turns the second step on and
/// answers the ten recovery codes (shown once, stored hashed).
pub async fn confirm(
    state: &AppState,
    (user_id, email): (i64, &str),
    ip: &str,
    code: &str,
) -> Result<Vec<String>, Refusal> {
    let Some(t) = store::totp_of(&state.db.pool, user_id).await? else {
        return Err(Refusal::Conflict(
            "Start setting up two-step sign-in again: the page has expired.".into(),
        ));
    };
    if t.confirmed_at.is_some() {
        return Err(Refusal::Conflict(
            "Two-step sign-in is already on for your account.".into(),
        ));
    }
    let secret = totp::from_base32(&t.secret).unwrap_or_default();
    let now = now_ms();
    let Some(step) = totp::check(&secret, code, now, t.last_step) else {
        return Err(Refusal::field("code", WRONG_SETUP_CODE));
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| secret::sha256_hex(&totp::normalize_recovery(c)))
        .collect();
    let mut tx = state.db.begin().await?;
    if !store::take_totp_step(&mut *tx, user_id, step).await? {
        return Err(Refusal::field("code", WRONG_SETUP_CODE));
    }
    store::confirm_totp(&mut *tx, user_id, now).await?;
    store::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    audit::write(
        &mut *tx,
        &Entry::new((Some(user_id), email.to_owned()), ip, "two_step_on").record("user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Checks a second-step code at sign-in: six digits from the app (each
/// taken once), or a recovery code (each used once).
pub async fn check_code(state: &AppState, user_id: i64, typed: &str) -> Result<bool, Refusal> {
    let Some(t) = store::totp_of(&state.db.pool, user_id).await? else {
        return Ok(false);
    };
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let secret = totp::from_base32(&t.secret).unwrap_or_default();
        return Ok(match totp::check(&secret, &digits, now_ms(), t.last_step) {
            Some(step) => store::take_totp_step(&state.db.pool, user_id, step).await?,
            None => false,
        });
    }
    let hash = secret::sha256_hex(&totp::normalize_recovery(typed));
    Ok(store::use_recovery_code(&state.db.pool, user_id, &hash, now_ms()).await?)
}

/// Ten new recovery codes in place of the old ones.
pub async fn renew_recovery_codes(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
) -> Result<Vec<String>, Refusal> {
    if !is_on(state, user.id).await? {
        return Err(Refusal::Conflict("Turn on two-step sign-in first.".into()));
    }
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| secret::sha256_hex(&totp::normalize_recovery(c)))
        .collect();
    let mut tx = state.db.begin().await?;
    store::replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    audit::write(
        &mut *tx,
        &Entry::new(
            (Some(user.id), user.email.clone()),
            ip,
            "recovery_codes_renewed",
        )
        .record("user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns the second step off, unless one of the person's roles requires it.
pub async fn turn_off(state: &AppState, user: &CurrentUser, ip: &str) -> Result<(), Refusal> {
    let roles: Vec<Role> = user.grants.iter().map(|g| g.role).collect();
    if required_for(&roles, &state.config) {
        return Err(Refusal::Conflict(
            "Your role requires two-step sign-in, so it cannot be turned off.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    store::remove_totp(&mut *tx, user.id).await?;
    store::replace_recovery_codes(&mut tx, user.id, &[]).await?;
    audit::write(
        &mut *tx,
        &Entry::new((Some(user.id), user.email.clone()), ip, "two_step_off")
            .record("user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a key for the tests, long enough";

    #[test]
    fn the_pending_cookie_is_signed_and_ends() {
        let p = pending(42, Step::Code, 1_000);
        let value = seal(KEY, &p);
        assert_eq!(open(KEY, &value, 2_000), Some(p.clone()));
        assert_eq!(open(KEY, &value, 1_000 + PENDING_MS), None, "ended");
        assert_eq!(
            open(b"another key entirely, just as long", &value, 2_000),
            None
        );
        let forged = value.replacen("42.", "43.", 1);
        assert_eq!(open(KEY, &forged, 2_000), None, "another account");
        let other_step = value.replacen(".code.", ".setup.", 1);
        assert_eq!(open(KEY, &other_step, 2_000), None);
        assert_eq!(open(KEY, "garbage", 2_000), None);
    }

    #[test]
    fn roles_named_in_the_setting_require_it() {
        let config = Config::from_pairs(&[("second_step_required_for", "admin, federal")]).unwrap();
        assert!(required_for(&[Role::Coach, Role::Federal], &config));
        assert!(!required_for(&[Role::Coach], &config));
        let none = Config::from_pairs(&[]).unwrap();
        assert!(!required_for(&[Role::Admin], &none));
    }
}
