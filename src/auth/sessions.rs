//! Where a person is signed in: their sessions listed (device, address,
//! last seen), and ended one at a time or all at once; the account page
//! and the API both use these.

use serde::Serialize;

use super::policy::Action;
use super::{Actor, store};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// One live session, as its owner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Names the session when ending it (not the session's secret).
    pub id: String,
    /// The browser and system, in words: "Firefox on Windows".
    pub device: String,
    /// The network address it was last used from.
    pub address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    /// Whether this is the session the request came with.
    pub current: bool,
}

/// The handle of a session: the start of its hash, which is already a
/// one-way function of the secret cookie.
pub fn handle(id_hash: &str) -> String {
    id_hash.chars().take(16).collect()
}

/// A browser and system named from the User-Agent header, in plain words.
pub fn device(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("iPhone") {
        "an iPhone"
    } else if ua.contains("iPad") {
        "an iPad"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("CrOS") {
        "a Chromebook"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "a Mac"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => "An unknown browser".to_owned(),
        ("", s) => format!("A browser on {s}"),
        (b, "") => b.to_owned(),
        (b, s) => format!("{b} on {s}"),
    }
}

/// The person's live sessions, the most recently used first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    current_hash: Option<&str>,
) -> Result<Vec<SessionInfo>, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let user_id = actor.user.id;
    let now = now_ms();
    let config = &state.config;
    Ok(store::list_sessions(&state.db.pool, user_id)
        .await?
        .into_iter()
        .filter(|s| {
            super::session::session_alive(
                s.created_at,
                s.last_seen_at,
                now,
                config.session_idle_minutes as i64 * 60_000,
                config.session_max_hours as i64 * 3_600_000,
            )
        })
        .map(|s| SessionInfo {
            id: handle(&s.id_hash),
            device: device(&s.user_agent),
            address: s.ip,
            signed_in_at: s.created_at,
            last_seen_at: s.last_seen_at,
            current: current_hash == Some(s.id_hash.as_str()),
        })
        .collect())
}

/// Ends one of the person's sessions (not found: not theirs, or ended).
pub async fn end(state: &AppState, actor: &Actor, id: &str) -> Result<(), Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let (user, ip) = (&actor.user, &actor.ip);
    let id = id.trim();
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::NotFound);
    }
    let mut tx = state.db.begin().await?;
    if !store::delete_session_by_handle(&mut *tx, user.id, id).await? {
        return Err(Refusal::NotFound);
    }
    audit::write(
        &mut *tx,
        &Entry::new((Some(user.id), user.email.clone()), ip, "session_ended")
            .record("user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of the person but `keep` (the one in use, on a
/// page; none through the API); answers how many ended.
pub async fn end_all(state: &AppState, actor: &Actor, keep: Option<&str>) -> Result<u64, Refusal> {
    actor.may(state, Action::UseOwnAccount).await?;
    let (user, ip) = (&actor.user, &actor.ip);
    let mut tx = state.db.begin().await?;
    let ended = match keep {
        Some(k) => store::delete_other_sessions(&mut *tx, user.id, k).await?,
        None => store::delete_sessions_for_user(&mut *tx, user.id).await?,
    };
    audit::write(
        &mut *tx,
        &Entry::new((Some(user.id), user.email.clone()), ip, "sessions_ended")
            .record("user", user.id)
            .detail(format!("{ended} ended")),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_in_plain_words() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on an iPhone",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on a Mac",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("curl/8.5.0", "An unknown browser"),
            ("", "An unknown browser"),
        ];
        for (ua, words) in cases {
            assert_eq!(device(ua), words, "{ua}");
        }
    }

    #[test]
    fn a_handle_is_the_start_of_the_hash() {
        assert_eq!(handle(&"ab".repeat(32)), "abababababababab");
    }
}
