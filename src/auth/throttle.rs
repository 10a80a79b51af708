//! Sign-in throttling: attempts are counted per account and per network
//! address in a table, so the limit holds across instances, and counted
//! before the password is checked, in one atomic upsert, so attempts made
//! together cannot all slip in under the limit. The counting rule is a
//! plain function; the store does the same. (The `failures` column holds
//! attempts: a right one is taken back or the count cleared.)

use sqlx::{Any, Executor};

/// A counting window as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_ms: i64,
    pub failures: i64,
}

/// The window after one more attempt: a fresh window once the old one ended.
/// Attempts are counted before they are checked, so attempts in flight
/// together each see their own count and no more than the limit get past.
pub fn after_attempt(window: Option<Window>, now_ms: i64, window_ms: i64) -> Window {
    match window {
        Some(w) if w.start_ms + window_ms > now_ms => Window {
            start_ms: w.start_ms,
            failures: w.failures + 1,
        },
        _ => Window {
            start_ms: now_ms,
            failures: 1,
        },
    }
}

/// Whether the attempt that brought the window to where it stands is one
/// too many; if so, the seconds until the window ends.
pub fn refused(window: Window, now_ms: i64, window_ms: i64, max_attempts: i64) -> Option<u64> {
    let ends = window.start_ms + window_ms;
    if ends > now_ms && window.failures > max_attempts {
        Some(((ends - now_ms) as u64).div_ceil(1000).max(1))
    } else {
        None
    }
}

pub fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        super::secret::sha256_hex(&super::store::normalize_email(email))
    )
}

pub fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

/// Counts one attempt atomically (the rule of `after_attempt`) and returns
/// the window with it counted.
pub async fn count<'c, E: Executor<'c, Database = Any>>(
    e: E,
    key: &str,
    now_ms: i64,
    window_ms: i64,
) -> sqlx::Result<Window> {
    let (start_ms, failures): (i64, i64) = sqlx::query_as(
        "INSERT INTO signin_throttle (key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN signin_throttle.window_start + $3 > $2 THEN signin_throttle.failures + 1 ELSE 1 END,
           window_start = CASE WHEN signin_throttle.window_start + $3 > $2 THEN signin_throttle.window_start ELSE $2 END
         RETURNING window_start, failures",
    )
    .bind(key)
    .bind(now_ms)
    .bind(window_ms)
    .fetch_one(e)
    .await?;
    Ok(Window { start_ms, failures })
}

/// Counts one attempt under each key, each with its limit; the seconds to
/// wait if any limit is passed.
pub async fn admit(
    pool: &sqlx::AnyPool,
    keys: &[(&str, i64)],
    now_ms: i64,
    window_ms: i64,
) -> sqlx::Result<Option<u64>> {
    let mut wait = None;
    for (key, max) in keys {
        let window = count(pool, key, now_ms, window_ms).await?;
        wait = wait.max(refused(window, now_ms, window_ms, *max));
    }
    Ok(wait)
}

/// Takes back one counted attempt (one that turned out right, which should
/// not count against the network address it came from).
pub async fn forgive<'c, E: Executor<'c, Database = Any>>(e: E, key: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE signin_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
    )
    .bind(key)
    .execute(e)
    .await
    .map(|_| ())
}

pub async fn clear<'c, E: Executor<'c, Database = Any>>(e: E, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM signin_throttle WHERE key = $1")
        .bind(key)
        .execute(e)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: i64 = 900_000;

    #[test]
    fn the_attempt_past_the_limit_is_refused_however_many_are_in_flight() {
        let mut w = None;
        for i in 0..5 {
            let counted = after_attempt(w, 1_000 + i, WINDOW);
            assert_eq!(
                refused(counted, 1_000 + i, WINDOW, 5),
                None,
                "attempt {i} should be allowed"
            );
            w = Some(counted);
        }
        let sixth = after_attempt(w, 2_000, WINDOW);
        assert_eq!(refused(sixth, 2_000, WINDOW, 5), Some(899));
    }

    #[test]
    fn lifts_when_the_window_ends() {
        let w = Window {
            start_ms: 0,
            failures: 50,
        };
        assert!(refused(w, WINDOW - 1, WINDOW, 5).is_some());
        assert_eq!(refused(w, WINDOW, WINDOW, 5), None);
        assert_eq!(
            after_attempt(Some(w), WINDOW, WINDOW),
            Window {
                start_ms: WINDOW,
                failures: 1
            }
        );
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let w = Window {
            start_ms: 0,
            failures: 6,
        };
        assert_eq!(refused(w, WINDOW - 10, WINDOW, 5), Some(1));
    }

    #[test]
    fn keys_do_not_hold_the_email() {
        let k = account_key(" Lead@Example.gov ");
        assert_eq!(k, account_key("lead@example.gov"));
        assert!(!k.contains("example"));
    }
}
