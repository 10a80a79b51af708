//! Limits on how often one network address, and one API token, may call
//! Waymark: every route has a generous limit per address; the API, each
//! token and searches have stricter ones. They are counted in this
//! process's memory, so they cost no database round trip on the busiest
//! pages; with several instances behind a balancer each counts its own
//! share. Writes by people who are not signed in (sign-in, registration,
//! subscriptions, interest forms) are also counted in the database, shared
//! by every instance, because those are the ones that send mail and add
//! rows (see `anonymous_write`).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Config;
use crate::db::Db;
use crate::web::Refusal;

/// What a request is counted as. One request may count in several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Every request, per address.
    Every,
    /// Requests to `/api/`, per address.
    Api,
    /// Requests to `/api/` carrying a bearer token, per token.
    Token,
    /// Searches (the Exchange's and the forum's, pages and API), per address.
    Search,
}

/// The most requests allowed in one window, per class (0: no limit).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub window_ms: u64,
    pub every: u32,
    pub api: u32,
    pub token: u32,
    pub search: u32,
}

impl Limits {
    pub fn from_config(c: &Config) -> Limits {
        Limits {
            window_ms: c.limit_window_seconds * 1000,
            every: c.limit_requests_per_address,
            api: c.limit_api_per_address,
            token: c.limit_api_per_token,
            search: c.limit_searches_per_address,
        }
    }

    fn max(&self, class: Class) -> u32 {
        match class {
            Class::Every => self.every,
            Class::Api => self.api,
            Class::Token => self.token,
            Class::Search => self.search,
        }
    }
}

/// The classes a request counts in, each with whom it is counted against
/// (the address, or for `Token` the token as sent).
pub fn classes<'a>(
    method: &Method,
    path: &str,
    address: &'a str,
    bearer: Option<&'a str>,
) -> Vec<(Class, &'a str)> {
    let mut out = vec![(Class::Every, address)];
    if path.starts_with("/api/") {
        out.push((Class::Api, address));
        if let Some(token) = bearer {
            out.push((Class::Token, token));
        }
    }
    if is_search(method, path) {
        out.push((Class::Search, address));
    }
    out
}

fn is_search(method: &Method, path: &str) -> bool {
    method == Method::GET
        && (path.ends_with("/search")
            || path == "/api/v1/exchange/items"
            || path == "/api/v1/exchange/items/")
}

const SHARDS: usize = 16;

/// Requests counted per key in the current and the previous window. The
/// count that decides is a sliding estimate: the previous window's count,
/// weighted by how much of it still lies within one window of now, plus
/// the current one's. So a burst at the turn of a window is not let
/// through twice.
pub struct Counter {
    hasher: RandomState,
    shards: Vec<Mutex<Shard>>,
}

#[derive(Default)]
struct Shard {
    window: u64,
    current: HashMap<u64, u32>,
    previous: HashMap<u64, u32>,
}

impl Default for Counter {
    fn default() -> Self {
        Counter {
            // Keys are kept as keyed hashes: no token is held in memory,
            // and no one can choose keys that collide.
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
        }
    }
}

impl Counter {
    /// Counts one request for `who` in `class`, or answers how many whole
    /// seconds to wait when `max` are already counted (a refused request is
    /// not counted).
    pub fn hit(
        &self,
        class: Class,
        who: &str,
        max: u32,
        window_ms: u64,
        now_ms: u64,
    ) -> Result<(), u64> {
        if max == 0 || window_ms == 0 {
            return Ok(());
        }
        let key = self.hasher.hash_one((class, who));
        let window = now_ms / window_ms;
        let mut shard = self.shards[key as usize % SHARDS]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if shard.window != window {
            // Only the window just before counts towards the estimate; the
            // rest is dropped, which keeps memory to the addresses of the
            // last two windows.
            let just_before = shard.window + 1 == window;
            let current = std::mem::take(&mut shard.current);
            shard.previous = if just_before { current } else { HashMap::new() };
            shard.window = window;
        }
        let into_window = now_ms % window_ms;
        let previous = *shard.previous.get(&key).unwrap_or(&0) as u64;
        let current = *shard.current.get(&key).unwrap_or(&0);
        // previous × (share of the previous window still within reach), in
        // whole requests rounded up.
        let carried = (previous * (window_ms - into_window)).div_ceil(window_ms);
        if carried + current as u64 >= max as u64 {
            let wait_ms = window_ms - into_window;
            return Err(wait_ms.div_ceil(1000).max(1));
        }
        shard.current.insert(key, current + 1);
        Ok(())
    }
}

/// What the limit on every route needs: the limits, this process's counts
/// and how many proxies to trust for the caller's address.
#[derive(Clone)]
pub struct Gate {
    pub limits: Limits,
    pub counter: Arc<Counter>,
    pub trusted_proxies: u32,
}

/// The limit on every route, before anything else is done with the request.
pub async fn middleware(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    let limits = gate.limits;
    let address = crate::web::client::client_ip(&req, gate.trusted_proxies);
    let bearer = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let now = crate::time::now_ms().max(0) as u64;
    let path = req.uri().path();
    for (class, who) in classes(req.method(), path, &address, bearer) {
        if let Err(wait) = gate
            .counter
            .hit(class, who, limits.max(class), limits.window_ms, now)
        {
            tracing::info!(?class, address = %address, wait, "request limit reached");
            return refusal(path, wait);
        }
    }
    next.run(req).await
}

/// The same refusal as pages and the API give for other limits.
fn refusal(path: &str, wait_secs: u64) -> Response {
    let message = format!(
        "There have been too many requests from your network in a short time. Wait {} and try again.",
        crate::web::text::wait_words(wait_secs)
    );
    let refusal = crate::web::Refusal::TooManyRequests {
        retry_after_secs: wait_secs,
        message,
    };
    if path.starts_with("/api/") {
        crate::web::ApiError::from(refusal).into_response()
    } else {
        crate::web::AppError::from(refusal).into_response()
    }
}

/// Counts a write by someone not signed in, per address, in the database
/// so every instance shares the count; refused when over the hour's limit.
pub async fn anonymous_write(db: &Db, config: &Config, address: &str) -> Result<(), Refusal> {
    let max = config.limit_anonymous_writes_per_hour;
    if max == 0 {
        return Ok(());
    }
    let wait = crate::auth::throttle::admit(
        &db.pool,
        &[(&format!("anonymous-write:{address}"), max as i64)],
        crate::time::now_ms(),
        3_600_000,
    )
    .await?;
    match wait {
        None => Ok(()),
        Some(secs) => {
            tracing::info!(address = %address, wait = secs, "anonymous write limit reached");
            Err(Refusal::TooManyRequests {
                retry_after_secs: secs,
                message: format!(
                    "Too many forms have been sent from your network without signing in. Wait {} and try again, or sign in first.",
                    crate::web::text::wait_words(secs)
                ),
            })
        }
    }
}

/// Whether a method changes something (and so counts as a write).
pub fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn the_limit_refuses_the_request_over_it_and_says_how_long_to_wait() {
        let c = Counter::default();
        let t = 10 * MINUTE + 15_000;
        for _ in 0..3 {
            assert_eq!(c.hit(Class::Every, "203.0.113.7", 3, MINUTE, t), Ok(()));
        }
        assert_eq!(c.hit(Class::Every, "203.0.113.7", 3, MINUTE, t), Err(45));
        // Another address, another class: counted apart.
        assert_eq!(c.hit(Class::Every, "203.0.113.8", 3, MINUTE, t), Ok(()));
        assert_eq!(c.hit(Class::Search, "203.0.113.7", 3, MINUTE, t), Ok(()));
        // No limit at all when the setting is 0.
        for _ in 0..10 {
            assert_eq!(c.hit(Class::Api, "x", 0, MINUTE, t), Ok(()));
        }
    }

    #[test]
    fn a_burst_at_the_turn_of_a_window_is_not_let_through_twice() {
        let c = Counter::default();
        let end_of_first = 11 * MINUTE - 1;
        for _ in 0..10 {
            assert!(c.hit(Class::Every, "a", 10, MINUTE, end_of_first).is_ok());
        }
        // Just after the turn, nearly all of the previous window still counts.
        assert!(
            c.hit(Class::Every, "a", 10, MINUTE, 11 * MINUTE + 1)
                .is_err()
        );
        // Half-way through, half of it does: five more are allowed.
        let half = 11 * MINUTE + 30_000;
        for _ in 0..5 {
            assert!(c.hit(Class::Every, "a", 10, MINUTE, half).is_ok());
        }
        assert_eq!(c.hit(Class::Every, "a", 10, MINUTE, half), Err(30));
        // Two windows on, all is forgotten.
        for _ in 0..10 {
            assert!(c.hit(Class::Every, "a", 10, MINUTE, 13 * MINUTE).is_ok());
        }
    }

    #[test]
    fn requests_count_by_where_they_go() {
        let get = Method::GET;
        assert_eq!(
            classes(&get, "/", "1.2.3.4", None),
            [(Class::Every, "1.2.3.4")]
        );
        assert_eq!(
            classes(&get, "/api/v1/me", "1.2.3.4", Some("tok")),
            [
                (Class::Every, "1.2.3.4"),
                (Class::Api, "1.2.3.4"),
                (Class::Token, "tok")
            ]
        );
        assert_eq!(
            classes(&get, "/exchange/search", "a", None),
            [(Class::Every, "a"), (Class::Search, "a")]
        );
        assert_eq!(
            classes(&get, "/api/v1/exchange/items", "a", None),
            [(Class::Every, "a"), (Class::Api, "a"), (Class::Search, "a")]
        );
        assert!(classes(&Method::POST, "/programs/p/forum/search", "a", None).len() == 1);
        assert!(is_write(&Method::POST) && is_write(&Method::DELETE));
        assert!(!is_write(&Method::GET) && !is_write(&Method::HEAD));
    }
}
