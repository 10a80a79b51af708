//! Sign-in throttling: failures are counted per account and per network
//! address in a table, so the limit holds across instances. The counting
//! rule is a plain function; the store does the same in one atomic upsert.

use sqlx::{Any, Executor};

/// A counting window as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_ms: i64,
    pub failures: i64,
}

/// If the key is locked out, the seconds until it may try again.
pub fn retry_after(
    window: Option<Window>,
    now_ms: i64,
    window_ms: i64,
    max_failures: i64,
) -> Option<u64> {
    let w = window?;
    let ends = w.start_ms + window_ms;
    if ends > now_ms && w.failures >= max_failures {
        Some(((ends - now_ms) as u64).div_ceil(1000).max(1))
    } else {
        None
    }
}

/// The window after one more failure: a fresh window once the old one ended.
pub fn after_failure(window: Option<Window>, now_ms: i64, window_ms: i64) -> Window {
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

pub fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        super::secret::sha256_hex(&super::store::normalize_email(email))
    )
}

pub fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

pub async fn load<'c, E: Executor<'c, Database = Any>>(
    e: E,
    key: &str,
) -> sqlx::Result<Option<Window>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT window_start, failures FROM signin_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(e)
            .await?;
    Ok(row.map(|(start_ms, failures)| Window { start_ms, failures }))
}

/// Records one failure atomically (same rule as `after_failure`).
pub async fn record_failure<'c, E: Executor<'c, Database = Any>>(
    e: E,
    key: &str,
    now_ms: i64,
    window_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO signin_throttle (key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN signin_throttle.window_start + $3 > $2 THEN signin_throttle.failures + 1 ELSE 1 END,
           window_start = CASE WHEN signin_throttle.window_start + $3 > $2 THEN signin_throttle.window_start ELSE $2 END",
    )
    .bind(key)
    .bind(now_ms)
    .bind(window_ms)
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
    fn locks_after_the_set_number_of_failures() {
        let mut w = None;
        for i in 0..5 {
            assert_eq!(
                retry_after(w, 1_000 + i, WINDOW, 5),
                None,
                "attempt {i} should be allowed"
            );
            w = Some(after_failure(w, 1_000 + i, WINDOW));
        }
        assert_eq!(retry_after(w, 2_000, WINDOW, 5), Some(899));
    }

    #[test]
    fn lifts_when_the_window_ends() {
        let w = Some(Window {
            start_ms: 0,
            failures: 50,
        });
        assert!(retry_after(w, WINDOW - 1, WINDOW, 5).is_some());
        assert_eq!(retry_after(w, WINDOW, WINDOW, 5), None);
        assert_eq!(
            after_failure(w, WINDOW, WINDOW),
            Window {
                start_ms: WINDOW,
                failures: 1
            }
        );
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let w = Some(Window {
            start_ms: 0,
            failures: 5,
        });
        assert_eq!(retry_after(w, WINDOW - 10, WINDOW, 5), Some(1));
    }

    #[test]
    fn keys_do_not_hold_the_email() {
        let k = account_key(" Lead@Example.gov ");
        assert_eq!(k, account_key("lead@example.gov"));
        assert!(!k.contains("example"));
    }
}
