//! Sessions: a random id in a cookie, its SHA-256 in the `sessions` table.
//! A middleware resolves every page request to a `Visitor`: who they are
//! (if signed in), their CSRF token and their address. Sessions end after
//! an idle period and an absolute lifetime, at sign-out, and for every
//! device when the password changes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{CurrentUser, secret, store};
use crate::config::Config;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::AppError;
use crate::web::client::{client_ip, client_ip_of};

#[derive(Debug, Clone)]
pub struct Visitor {
    pub user: Option<CurrentUser>,
    /// SHA-256 of the session cookie, when signed in.
    pub session_hash: Option<String>,
    pub csrf_token: String,
    pub ip: String,
    pub user_agent: String,
    /// The address the request was sent to, without its query and with
    /// any token in it left out (for the audit log).
    pub path: String,
    /// Where to come back to after signing in: the page asked for, or for
    /// a form sent from a page of this site, that page.
    pub return_to: String,
}

/// For a page: its own address. For a form: the page of this site it was
/// sent from (its `Referer` on this host), since a form's own address
/// often answers only to the form.
fn return_to(req: &Request, path: &str) -> String {
    if matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return path.to_owned();
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    req.headers()
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| host.is_some_and(|h| u.authority() == h))
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|| path.to_owned())
}

impl Visitor {
    /// The signed-in user, or a redirect to the sign-in page.
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or_else(|| AppError::SignInRequired {
            next: self.return_to.clone(),
        })
    }

    /// Who to name in the audit log.
    pub fn actor(&self) -> (Option<i64>, String) {
        match &self.user {
            Some(u) => (Some(u.id), u.email.clone()),
            None => (None, "anonymous".to_owned()),
        }
    }
}

pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.is_https() {
        "__Host-waymark_session"
    } else {
        "waymark_session"
    }
}

pub fn visitor_cookie_name(config: &Config) -> &'static str {
    if config.is_https() {
        "__Host-waymark_visitor"
    } else {
        "waymark_visitor"
    }
}

/// A `Set-Cookie` value; `max_age` of `Some(0)` deletes the cookie.
pub fn cookie(config: &Config, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if config.is_https() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe base64")
}

pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 1024)
}

/// The client's network address (see `client_address`), for handlers that
/// have no `Visitor`: the API's.
pub struct ClientAddress(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_ip_of(
            &parts.headers,
            &parts.extensions,
            state.config.trusted_proxies,
        )))
    }
}

/// Is a session still alive? Plain rule, tested below.
pub fn session_alive(
    created_at: i64,
    last_seen_at: i64,
    now: i64,
    idle_ms: i64,
    max_ms: i64,
) -> bool {
    now - last_seen_at < idle_ms && now - created_at < max_ms
}

pub async fn load_user(state: &AppState, user_id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let Some(row) = store::find_user(&state.db.pool, user_id).await? else {
        return Ok(None);
    };
    if row.active == 0 {
        return Ok(None);
    }
    let (grants, outside_cohort) = store::access_for(&state.db.pool, user_id).await?;
    Ok(Some(CurrentUser {
        id: row.id,
        email: row.email,
        name: row.name,
        grants,
        outside_cohort,
    }))
}

pub async fn middleware(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let config = &state.config;
    let now = now_ms();
    let ip = client_ip(&req, config.trusted_proxies);
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();

    let mut user = None;
    let mut session_hash = None;
    let mut clear_session_cookie = false;
    let raw_session = read_cookie(req.headers(), session_cookie_name(config)).map(str::to_owned);
    if let Some(raw) = &raw_session {
        let hash = secret::sha256_hex(raw);
        match store::load_session(&state.db.pool, &hash).await? {
            Some(s)
                if session_alive(
                    s.created_at,
                    s.last_seen_at,
                    now,
                    config.session_idle_minutes as i64 * 60_000,
                    config.session_max_hours as i64 * 3_600_000,
                ) =>
            {
                if s.active != 0 {
                    user = Some(CurrentUser {
                        id: s.user_id,
                        email: s.email,
                        name: s.name,
                        grants: s.grants,
                        outside_cohort: s.outside_cohort,
                    });
                    if now - s.last_seen_at > 30_000 {
                        store::touch_session(&state.db.pool, &hash, now).await?;
                    }
                    session_hash = Some(hash);
                }
            }
            Some(_) => {
                store::delete_session(&state.db.pool, &hash).await?;
                clear_session_cookie = true;
            }
            None => clear_session_cookie = true,
        }
    }

    let mut new_visitor_cookie = None;
    let csrf_token = match (&session_hash, &raw_session) {
        (Some(_), Some(raw)) => secret::sign(&state.keys.csrf, &format!("session:{raw}")),
        _ => {
            let visitor_id = match read_cookie(req.headers(), visitor_cookie_name(config)) {
                Some(v) => v.to_owned(),
                None => {
                    let v = secret::random_token();
                    new_visitor_cookie = Some(v.clone());
                    v
                }
            };
            secret::sign(&state.keys.csrf, &format!("visitor:{visitor_id}"))
        }
    };

    if user.is_none() && crate::web::limit::is_write(req.method()) {
        crate::web::limit::anonymous_write(&state.db, &state.config, &ip).await?;
    }

    let return_to = return_to(&req, req.uri().path());
    // As the audit log keeps it: tokens in links from emails and calendar
    // feeds left out, as for the API.
    let path = crate::web::request_id::loggable_path(req.uri().path()).into_owned();
    req.extensions_mut().insert(Visitor {
        user,
        session_hash,
        csrf_token,
        ip,
        user_agent,
        path,
        return_to,
    });
    let mut res = next.run(req).await;
    if let Some(v) = new_visitor_cookie {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie(config, visitor_cookie_name(config), &v, None),
        );
    }
    if clear_session_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie(config, session_cookie_name(config), "", Some(0)),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let idle = 60_000;
        let max = 3_600_000;
        assert!(session_alive(0, 0, 59_999, idle, max));
        assert!(!session_alive(0, 0, 60_000, idle, max));
        assert!(session_alive(0, 3_599_000, 3_599_999, idle, max));
        assert!(!session_alive(0, 3_599_999, 3_600_000, idle, max));
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; waymark_session=abc; waymark_sessionx=no"
                .parse()
                .unwrap(),
        );
        assert_eq!(read_cookie(&h, "waymark_session"), Some("abc"));
        assert_eq!(read_cookie(&h, "b"), None);
    }

    #[test]
    fn cookie_attributes_follow_the_base_url() {
        let http = Config::from_pairs(&[]).unwrap();
        let c = cookie(&http, session_cookie_name(&http), "v", None);
        assert_eq!(
            c.to_str().unwrap(),
            "waymark_session=v; Path=/; HttpOnly; SameSite=Lax"
        );
        let https = Config::from_pairs(&[("base_url", "https://waymark.example.gov")]).unwrap();
        let c = cookie(&https, session_cookie_name(&https), "v", Some(0));
        assert_eq!(
            c.to_str().unwrap(),
            "__Host-waymark_session=v; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0"
        );
    }
}
