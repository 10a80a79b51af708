//! The pages of single sign-on: leaving for the provider, and coming back.

use crate::state::Routes;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::handlers::{SignInPage, safe_next, start_session};
use super::session::{self, Visitor};
use super::sso::{self, Refused};
use super::store;
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{AppError, Path, Query, render};

/// The single sign-on pages.
pub fn routes() -> Routes {
    Routes::new()
        .get("/signin/sso/{key}", start)
        .get("/signin/sso/{key}/callback", callback)
}

#[derive(Deserialize, Default)]
pub(super) struct StartQuery {
    #[serde(default)]
    next: String,
}

fn callback_url(state: &AppState, key: &str) -> String {
    state.config.link(&format!("/signin/sso/{key}/callback"))
}

/// The sign-in page again, with a problem at the top.
fn refused_page(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    message: String,
) -> Result<Response, AppError> {
    let page = SignInPage::new(state, visitor, String::new(), String::new(), Some(message));
    let mut res = (status, render(page)?).into_response();
    let config = &state.config;
    res.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(
            config,
            sso::flow_cookie_name(config.is_https()),
            "",
            Some(0),
        ),
    );
    Ok(res)
}

pub(super) async fn start(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(key): Path<String>,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let Some(provider) = state.sso.find(&key) else {
        return Err(AppError::NOT_FOUND);
    };
    let next = safe_next(&q.next).to_owned();
    match state
        .sso
        .start(provider, &callback_url(&state, &key), &next, now_ms())
        .await
    {
        Ok((url, flow)) => {
            let config = &state.config;
            let mut res = Redirect::to(&url).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                session::cookie(
                    config,
                    sso::flow_cookie_name(config.is_https()),
                    &sso::seal(&state.keys.csrf, &flow),
                    Some(sso::FLOW_MS / 1000),
                ),
            );
            Ok(res)
        }
        Err(reason) => {
            tracing::warn!(provider = %key, reason = %reason, "single sign-on provider unreachable");
            refused_page(
                &state,
                &visitor,
                StatusCode::BAD_GATEWAY,
                format!(
                    "We could not reach {} just now. Try again in a few minutes, or sign in with your password.",
                    provider.label
                ),
            )
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
}

pub(super) async fn callback(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let Some(provider) = state.sso.find(&key) else {
        return Err(AppError::NOT_FOUND);
    };
    let label = provider.label.clone();
    let refuse = |detail: String| {
        let state = state.clone();
        let ip = visitor.ip.clone();
        async move {
            audit::write(
                &state.db.pool,
                &Entry::new((None, "anonymous".into()), &ip, "sign_in")
                    .detail(detail)
                    .refused(),
            )
            .await
        }
    };
    let config = &state.config;
    let flow = session::read_cookie(&headers, sso::flow_cookie_name(config.is_https()))
        .and_then(|v| sso::open(&state.keys.csrf, v, now_ms()));
    let start_again = format!(
        "This sign-in with {label} was not started here, or took too long. Start again with the button below."
    );
    let Some(flow) = flow else {
        refuse(format!("{key}: no sign-in in progress")).await?;
        return refused_page(&state, &visitor, StatusCode::BAD_REQUEST, start_again);
    };
    if !q.error.is_empty() {
        refuse(format!(
            "{key}: the provider said {}",
            q.error.chars().take(60).collect::<String>()
        ))
        .await?;
        return refused_page(
            &state,
            &visitor,
            StatusCode::UNAUTHORIZED,
            format!("{label} did not sign you in. Start again, or sign in with your password."),
        );
    }
    let email = match state
        .sso
        .finish(
            provider,
            &flow,
            &callback_url(&state, &key),
            &q.code,
            &q.state,
        )
        .await
    {
        Ok(email) => email,
        Err(Refused::NotStartedHere) => {
            refuse(format!("{key}: the state did not match")).await?;
            return refused_page(&state, &visitor, StatusCode::BAD_REQUEST, start_again);
        }
        Err(Refused::Provider(reason)) => {
            tracing::warn!(provider = %key, reason = %reason, "single sign-on refused by the provider");
            refuse(format!("{key}: the provider refused the code")).await?;
            return refused_page(
                &state,
                &visitor,
                StatusCode::UNAUTHORIZED,
                format!("{label} did not confirm the sign-in. Start again with the button below."),
            );
        }
        Err(Refused::BadIdToken(reason)) => {
            tracing::warn!(provider = %key, reason = %reason, "single sign-on ID token refused");
            refuse(format!("{key}: the ID token did not check out")).await?;
            return refused_page(
                &state,
                &visitor,
                StatusCode::UNAUTHORIZED,
                format!(
                    "The answer from {label} did not check out, so you are not signed in. Start again with the button below."
                ),
            );
        }
        Err(Refused::NoVerifiedEmail) => {
            refuse(format!("{key}: no verified email address")).await?;
            return refused_page(
                &state,
                &visitor,
                StatusCode::FORBIDDEN,
                format!(
                    "{label} did not give Waymark a confirmed email address, so we cannot tell which account is yours. Confirm your email address with {label}, or sign in with your password."
                ),
            );
        }
    };
    // Matched to an account that exists; a provider never makes one.
    let user = store::find_user_by_email(&state.db.pool, &email).await?;
    let Some(user) = user else {
        refuse(format!("{key}: no account uses the address")).await?;
        return refused_page(
            &state,
            &visitor,
            StatusCode::FORBIDDEN,
            format!(
                "No Waymark account uses {email}. Ask your program administrator to invite you with this address."
            ),
        );
    };
    if user.active == 0 {
        refuse(format!("{key}: account turned off")).await?;
        return refused_page(
            &state,
            &visitor,
            StatusCode::FORBIDDEN,
            super::standing::turned_off_words(
                user.disabled_reason.as_deref(),
                config.inactive_days,
            ),
        );
    }
    let cookie = start_session(
        &state,
        &visitor,
        user.id,
        &user.email,
        &format!("sso:{key}"),
    )
    .await?;
    let mut res = Redirect::to(safe_next(&flow.next)).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(
            config,
            sso::flow_cookie_name(config.is_https()),
            "",
            Some(0),
        ),
    );
    Ok(res)
}
