//! The pages of two-step sign-in: the code after the password, setting up
//! an app (at sign-in when a role requires it, or from the account page),
//! the recovery codes, and turning it off.

use crate::state::Routes;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::handlers::{safe_next, start_session};
use super::policy::Action;
use super::session::{self, Visitor};
use super::two_step::{self, Pending, Step};
use super::{guard, store, throttle};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::notice::notice;
use crate::web::text::wait_words;
use crate::web::{AppError, Chrome, CsrfForm, Query, Refusal, render};

/// The second step of signing in, and setting it up.
pub fn routes() -> Routes {
    Routes::new()
        .get("/signin/code", code_page)
        .post("/signin/code", code)
        .get("/signin/setup", setup_at_signin_page)
        .post("/signin/setup", setup_at_signin)
        .get("/account/two-step", account_page)
        .post("/account/two-step", confirm_from_account)
        .post("/account/two-step/recovery-codes", renew_codes)
        .post("/account/two-step/off", turn_off)
}

#[derive(Deserialize, Default)]
pub(super) struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

#[derive(Template)]
#[template(path = "auth/signin_code.html")]
struct CodePage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/two_step_setup.html")]
struct SetupPage {
    chrome: Chrome,
    /// Where the code is sent.
    action: &'static str,
    /// At sign-in: the role requires it.
    at_sign_in: bool,
    next: String,
    secret_grouped: String,
    qr_data_uri: String,
    error: Option<String>,
}

/// The setup page: the person's app key (made on first sight, kept until
/// confirmed) as a QR code and as text, with any problem with the code.
async fn setup_page(
    state: &AppState,
    visitor: &Visitor,
    (user_id, email): (i64, &str),
    at_sign_in: bool,
    next: String,
    error: Option<String>,
) -> Result<SetupPage, AppError> {
    let setup = two_step::begin(state, user_id, email).await?;
    Ok(SetupPage {
        chrome: Chrome::new(
            visitor,
            "Set up two-step sign-in",
            if at_sign_in { "/signin" } else { "/account" },
        ),
        action: if at_sign_in {
            "/signin/setup"
        } else {
            "/account/two-step"
        },
        at_sign_in,
        next,
        secret_grouped: setup.secret_grouped,
        qr_data_uri: setup.qr_data_uri,
        error,
    })
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    codes: Vec<String>,
    continue_to: String,
}

#[derive(Template)]
#[template(path = "auth/two_step.html")]
struct StatusPage {
    chrome: Chrome,
    codes_left: i64,
    required: bool,
    error: Option<String>,
}

/// The pending second step this browser holds, if any and of this kind.
fn pending_of(
    state: &AppState,
    visitor_headers: &axum::http::HeaderMap,
    step: Step,
) -> Option<Pending> {
    let config = &state.config;
    let value = session::read_cookie(visitor_headers, two_step::pending_cookie_name(config))?;
    two_step::open(&state.keys.csrf, value, now_ms()).filter(|p| p.step == step)
}

fn clear_pending(state: &AppState, res: &mut Response) {
    let config = &state.config;
    res.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(config, two_step::pending_cookie_name(config), "", Some(0)),
    );
}

fn back_to_signin() -> Response {
    Redirect::to(&Done::SignInAgain.at("/signin")).into_response()
}

/// Counts a second-step attempt against the same limits as a password.
async fn admit(state: &AppState, visitor: &Visitor, email: &str) -> Result<(), AppError> {
    let config = &state.config;
    let wait = throttle::admit(
        &state.db.pool,
        &[
            (
                &throttle::account_key(email),
                config.signin_max_failures as i64,
            ),
            (
                &throttle::address_key(&visitor.ip),
                config.signin_max_failures_per_address as i64,
            ),
        ],
        now_ms(),
        config.signin_window_seconds as i64 * 1000,
    )
    .await?;
    match wait {
        None => Ok(()),
        Some(secs) => Err(Refusal::TooManyRequests {
            retry_after_secs: secs,
            message: format!(
                "There have been too many sign-in attempts. Wait {} and try again.",
                wait_words(secs)
            ),
        }
        .into()),
    }
}

async fn account_email(state: &AppState, user_id: i64) -> Result<Option<String>, AppError> {
    Ok(store::find_user(&state.db.pool, user_id)
        .await?
        .filter(|u| u.active != 0)
        .map(|u| u.email))
}

// ----- at sign-in: the code -----

pub(super) async fn code_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: axum::http::HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if pending_of(&state, &headers, Step::Code).is_none() {
        return Ok(back_to_signin());
    }
    Ok(render(CodePage {
        chrome: Chrome::new(&visitor, "Enter your code", "/signin"),
        next: q.next,
        error: None,
    })?
    .into_response())
}

pub(super) async fn code(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let Some(pending) = pending_of(&state, &headers, Step::Code) else {
        return Ok(back_to_signin());
    };
    let Some(email) = account_email(&state, pending.user_id).await? else {
        return Ok(back_to_signin());
    };
    admit(&state, &visitor, &email).await?;
    if !two_step::check_code(&state, pending.user_id, &form.code).await? {
        audit::write(
            &state.db.pool,
            &Entry::new((Some(pending.user_id), email), &visitor.ip, "sign_in")
                .detail("wrong second-step code")
                .refused(),
        )
        .await?;
        let page = CodePage {
            chrome: Chrome::new(&visitor, "Enter your code", "/signin"),
            next: form.next,
            error: Some(
                "That code is not right. Type the 6 digits your app shows now, or one of your recovery codes.".into(),
            ),
        };
        return Ok((StatusCode::UNAUTHORIZED, render(page)?).into_response());
    }
    throttle::clear(&state.db.pool, &throttle::account_key(&email)).await?;
    throttle::forgive(&state.db.pool, &throttle::address_key(&visitor.ip)).await?;
    let cookie = start_session(&state, &visitor, pending.user_id, &email, "two-step").await?;
    let mut res = Redirect::to(safe_next(&form.next)).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    clear_pending(&state, &mut res);
    Ok(res)
}

// ----- at sign-in: setting up, when a role requires it -----

pub(super) async fn setup_at_signin_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: axum::http::HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let Some(pending) = pending_of(&state, &headers, Step::Setup) else {
        return Ok(back_to_signin());
    };
    let Some(email) = account_email(&state, pending.user_id).await? else {
        return Ok(back_to_signin());
    };
    let page = setup_page(
        &state,
        &visitor,
        (pending.user_id, &email),
        true,
        q.next,
        None,
    )
    .await?;
    Ok(render(page)?.into_response())
}

pub(super) async fn setup_at_signin(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let Some(pending) = pending_of(&state, &headers, Step::Setup) else {
        return Ok(back_to_signin());
    };
    let Some(email) = account_email(&state, pending.user_id).await? else {
        return Ok(back_to_signin());
    };
    admit(&state, &visitor, &email).await?;
    match two_step::confirm(&state, (pending.user_id, &email), &visitor.ip, &form.code).await {
        Ok(codes) => {
            throttle::clear(&state.db.pool, &throttle::account_key(&email)).await?;
            let cookie =
                start_session(&state, &visitor, pending.user_id, &email, "two-step set up").await?;
            let page = RecoveryCodesPage {
                chrome: Chrome::new(&visitor, "Save your recovery codes", "/signin"),
                codes,
                continue_to: safe_next(&form.next).to_owned(),
            };
            let mut res = render(page)?.into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie);
            clear_pending(&state, &mut res);
            Ok(res)
        }
        Err(Refusal::Invalid(problems)) => {
            let error = problems.into_iter().next().map(|(_, m)| m);
            let page = setup_page(
                &state,
                &visitor,
                (pending.user_id, &email),
                true,
                form.next,
                error,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

// ----- from the account page -----

async fn status_view(
    state: &AppState,
    visitor: &Visitor,
    done: &str,
    error: Option<String>,
) -> Result<Option<StatusPage>, AppError> {
    let user = guard::page(state, visitor, Action::UseOwnAccount).await?;
    if !two_step::is_on(state, user.id).await? {
        return Ok(None);
    }
    let roles: Vec<_> = user.grants.iter().map(|g| g.role).collect();
    Ok(Some(StatusPage {
        chrome: Chrome::new(visitor, "Two-step sign-in", "/account").with_notice(notice(done)),
        codes_left: store::recovery_codes_left(&state.db.pool, user.id).await?,
        required: two_step::required_for(&roles, &state.config),
        error,
    }))
}

pub(super) async fn account_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    if let Some(page) = status_view(&state, &visitor, &done.done, None).await? {
        return render(page);
    }
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    render(
        setup_page(
            &state,
            &visitor,
            (user.id, &user.email),
            false,
            String::new(),
            None,
        )
        .await?,
    )
}

pub(super) async fn confirm_from_account(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    match two_step::confirm(&state, (user.id, &user.email), &visitor.ip, &form.code).await {
        Ok(codes) => Ok(render(RecoveryCodesPage {
            chrome: Chrome::new(&visitor, "Save your recovery codes", "/account"),
            codes,
            continue_to: Done::TwoStepOn.at("/account/two-step"),
        })?
        .into_response()),
        Err(Refusal::Invalid(problems)) => {
            let error = problems.into_iter().next().map(|(_, m)| m);
            let page = setup_page(
                &state,
                &visitor,
                (user.id, &user.email),
                false,
                String::new(),
                error,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct Empty {}

pub(super) async fn renew_codes(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    let codes = two_step::renew_recovery_codes(&state, &user, &visitor.ip).await?;
    Ok(render(RecoveryCodesPage {
        chrome: Chrome::new(&visitor, "Save your recovery codes", "/account"),
        codes,
        continue_to: Done::RecoveryCodesRenewed.at("/account/two-step"),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct OffForm {
    #[serde(default)]
    password: String,
}

/// Turning it off asks for the password again: an open session alone is
/// not enough to take the second step away.
pub(super) async fn turn_off(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<OffForm>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    if !two_step::is_on(&state, user.id).await? {
        return Ok(Redirect::to("/account/two-step").into_response());
    }
    if !super::handlers::password_again(&state, &user, form.password).await? {
        let page = status_view(
            &state,
            &visitor,
            "",
            Some("This is not your password.".into()),
        )
        .await?
        .ok_or(AppError::NOT_FOUND)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    match two_step::turn_off(&state, &user, &visitor.ip).await {
        Ok(()) => Ok(Redirect::to(&Done::TwoStepOff.at("/account")).into_response()),
        Err(Refusal::Conflict(message)) => {
            let page = status_view(&state, &visitor, "", Some(message))
                .await?
                .ok_or(AppError::NOT_FOUND)?;
            Ok((StatusCode::CONFLICT, render(page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
