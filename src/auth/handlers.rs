//! Pages for signing in and out, passwords, invitations, personal access
//! tokens and the list of people.

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Given;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::invite::{self, InviteRequest};
use super::policy::Action;
use super::session::{self, Visitor};
use super::sign_in::Outcome;
use super::store;
use super::{Role, guard, password, secret, throttle};
use crate::audit::{self, Entry};
use crate::state::{AppState, Routes};
use crate::time::now_ms;
use crate::web::{AppError, Chrome, CsrfForm, render};
use crate::web::{FieldErrors, Refusal};

pub fn routes() -> Routes {
    Routes::new()
        .get("/signin", signin_page)
        .post("/signin", signin)
        .post("/signout", signout)
        .get("/password/forgot", forgot_page)
        .post("/password/forgot", forgot)
        .get("/password/set", set_password_page)
        .post("/password/set", set_password)
        .get("/account", account_page)
        .post("/account/password", change_password)
        .post("/account/tokens", create_token)
        .post("/account/tokens/{id}/revoke", revoke_token)
        .get("/admin/people", people_page)
        .post("/admin/people", invite_person)
        .post("/admin/people/{id}/reinvite", reinvite)
        .post("/admin/people/{id}/disable", turn_off_person)
        .post("/admin/people/{id}/enable", turn_on_person)
        .get("/account/sessions", sessions_page)
        .post("/account/sessions/end-others", end_other_sessions)
        .post("/account/sessions/{id}/end", end_session)
}

pub use crate::web::form::Errors;

/// Only a path on this site is followed after sign-in, never another site:
/// it starts with one `/` and holds no backslash, control character or
/// space, as given and once percent-decoded. (Browsers drop tabs and line
/// breaks from a URL and read `\\` as `/`, so `/<tab>/evil.example` would
/// land on `//evil.example`; a line break would also break the header.)
pub fn safe_next(next: &str) -> &str {
    fn same_site(path: &str, spaces_allowed: bool) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path
                .chars()
                .any(|c| c == '\\' || c.is_control() || (!spaces_allowed && c.is_whitespace()))
    }
    let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy();
    if same_site(next, false) && same_site(&decoded, true) {
        next
    } else {
        "/"
    }
}

/// A throttle's wait in whole minutes, in words: "1 minute", "15 minutes".
use crate::web::text::wait_words;

// ----- sign in and out -----

#[derive(Template)]
#[template(path = "auth/signin.html")]
pub(super) struct SignInPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
    /// (key, label) of each single sign-on provider: a button each.
    providers: Vec<(String, String)>,
    /// (label, address) of the providers' own sign-out, offered once
    /// signed out here.
    provider_sign_outs: Vec<(String, String)>,
}

impl SignInPage {
    pub(super) fn new(
        state: &AppState,
        visitor: &Visitor,
        email: String,
        next: String,
        error: Option<String>,
    ) -> SignInPage {
        SignInPage {
            chrome: Chrome::new(visitor, "Sign in", "/signin"),
            email,
            next,
            error,
            providers: state
                .sso
                .providers
                .iter()
                .map(|p| (p.key.clone(), p.label.clone()))
                .collect(),
            provider_sign_outs: Vec::new(),
        }
    }

    /// The address that starts signing in with a provider, keeping `next`.
    fn provider_link(&self, key: &str) -> String {
        if self.next.is_empty() {
            format!("/signin/sso/{key}")
        } else {
            format!(
                "/signin/sso/{key}?next={}",
                url::form_urlencoded::byte_serialize(self.next.as_bytes()).collect::<String>()
            )
        }
    }
}

#[derive(Deserialize, Default)]
struct SignInQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    done: String,
}

async fn signin_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, AppError> {
    if visitor.user.is_some() {
        return Ok(Redirect::to(safe_next(&q.next)).into_response());
    }
    let mut page = SignInPage::new(&state, &visitor, String::new(), q.next, None);
    page.chrome = page.chrome.with_notice(notice(&q.done));
    if q.done == "signed-out" {
        // Signed out here; a provider's own session may still be open.
        for p in &state.sso.providers {
            if let Some(url) = state.sso.end_session_url(p).await {
                page.provider_sign_outs.push((p.label.clone(), url));
            }
        }
    }
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn signin(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let config = &state.config;
    let outcome =
        super::sign_in::with_password(&state, &visitor.ip, &form.email, form.password.clone())
            .await?;
    let (user, step) = match outcome {
        Outcome::Welcome(user) => (user, None),
        Outcome::SecondStep(user, step) => (user, Some(step)),
        Outcome::Turned(status, words) => {
            let page = SignInPage::new(&state, &visitor, form.email, form.next, Some(words));
            return Ok((status, render(page)?).into_response());
        }
    };
    if let Some(step) = step {
        let pending = super::two_step::pending(user.id, step, now_ms());
        let page = match step {
            super::two_step::Step::Code => "/signin/code",
            super::two_step::Step::Setup => "/signin/setup",
        };
        let to = format!(
            "{page}?next={}",
            url::form_urlencoded::byte_serialize(safe_next(&form.next).as_bytes())
                .collect::<String>()
        );
        let mut res = Redirect::to(&to).into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            session::cookie(
                config,
                super::two_step::pending_cookie_name(config),
                &super::two_step::seal(&state.keys.csrf, &pending),
                Some(600),
            ),
        );
        return Ok(res);
    }
    let cookie = start_session(&state, &visitor, user.id, &user.email, "password").await?;
    let mut res = Redirect::to(safe_next(&form.next)).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Signs a person in: a new session (any old one on this browser ended),
/// their last sign-in noted, the audit entry; answers the session cookie.
pub(super) async fn start_session(
    state: &AppState,
    visitor: &Visitor,
    user_id: i64,
    email: &str,
    how: &str,
) -> Result<axum::http::HeaderValue, AppError> {
    let now = now_ms();
    if let Some(old) = &visitor.session_hash {
        store::delete_session(&state.db.pool, old).await?;
    }
    let raw = secret::random_token();
    let mut tx = state.db.begin().await?;
    store::create_session(
        &mut *tx,
        &secret::sha256_hex(&raw),
        user_id,
        now,
        &visitor.ip,
        &visitor.user_agent,
    )
    .await?;
    store::mark_signed_in(&mut *tx, user_id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new((Some(user_id), email.to_owned()), &visitor.ip, "sign_in").detail(how),
    )
    .await?;
    tx.commit().await?;
    let config = &state.config;
    Ok(session::cookie(
        config,
        session::session_cookie_name(config),
        &raw,
        None,
    ))
}

#[derive(Deserialize)]
struct Empty {}

async fn signout(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    if let Some(hash) = &visitor.session_hash {
        let mut tx = state.db.begin().await?;
        store::delete_session(&mut *tx, hash).await?;
        audit::write(
            &mut *tx,
            &Entry::new(visitor.actor(), &visitor.ip, "sign_out"),
        )
        .await?;
        tx.commit().await?;
    }
    let config = &state.config;
    let mut res = Redirect::to(&Done::SignedOut.at("/signin")).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(config, session::session_cookie_name(config), "", Some(0)),
    );
    Ok(res)
}

// ----- forgotten password and one-time links -----

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
    sent: bool,
}

async fn forgot_page(Extension(visitor): Extension<Visitor>) -> Result<Html<String>, AppError> {
    render(ForgotPage {
        chrome: Chrome::new(&visitor, "Reset your password", "/password/forgot"),
        email: String::new(),
        error: None,
        sent: false,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

const HOUR_MS: i64 = 3_600_000;
/// Password reset requests allowed per network address per hour.
const RESETS_PER_ADDRESS_PER_HOUR: i64 = 20;
/// Reset emails sent to one account per hour.
const RESETS_PER_ACCOUNT_PER_HOUR: i64 = 3;

async fn forgot(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, AppError> {
    let chrome = Chrome::new(&visitor, "Reset your password", "/password/forgot");
    if !crate::web::text::valid_email(&form.email) {
        let page = ForgotPage {
            chrome,
            email: form.email,
            error: Some("Enter an email address like name@agency.gov.".into()),
            sent: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    // Requests are counted per network address (a refusal says so) and per
    // account (past the limit no more emails go out, and the page says the
    // same as ever, so nobody learns whether an account exists).
    let now = crate::time::now_ms();
    let address = format!("reset:{}", throttle::address_key(&visitor.ip));
    let address_window = throttle::count(&state.db.pool, &address, now, HOUR_MS).await?;
    if let Some(secs) = throttle::refused(address_window, now, HOUR_MS, RESETS_PER_ADDRESS_PER_HOUR)
    {
        return Err(Refusal::TooManyRequests {
            retry_after_secs: secs,
            message: "There have been many password reset requests from your network. Please try again later.".into(),
        }.into());
    }
    let account = format!("reset:{}", throttle::account_key(&form.email));
    let account_window = throttle::count(&state.db.pool, &account, now, HOUR_MS).await?;
    let account_allowed =
        throttle::refused(account_window, now, HOUR_MS, RESETS_PER_ACCOUNT_PER_HOUR).is_none();
    // The same answer whether or not the account exists.
    if let Some(user) = store::find_user_by_email(&state.db.pool, &form.email)
        .await?
        .filter(|u| u.active != 0 && account_allowed)
    {
        let mut tx = state.db.begin().await?;
        invite::send_link(
            &state,
            &mut tx,
            user.id,
            &user.email,
            &user.name,
            invite::LinkEmail::Reset,
        )
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
        audit::write(
            &mut *tx,
            &Entry::new(
                (Some(user.id), user.email.clone()),
                &visitor.ip,
                "password_reset_requested",
            )
            .record("user", user.id),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(render(ForgotPage {
        chrome,
        email: String::new(),
        error: None,
        sent: true,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "auth/set_password.html")]
struct SetPasswordPage {
    chrome: Chrome,
    token: String,
    welcome: bool,
    errors: Errors,
}

#[derive(Template)]
#[template(path = "auth/link_invalid.html")]
struct LinkInvalidPage {
    chrome: Chrome,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn link_invalid(visitor: &Visitor) -> Result<Response, AppError> {
    let page = LinkInvalidPage {
        chrome: Chrome::new(visitor, "This link no longer works", "/password/set"),
    };
    Ok((StatusCode::GONE, render(page)?).into_response())
}

async fn set_password_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    match store::peek_one_time_link(&state.db.pool, &secret::sha256_hex(&q.token), now_ms()).await?
    {
        Some((_, purpose)) => {
            let chrome = Chrome::new(&visitor, "Choose your password", "/password/set");
            Ok(render(SetPasswordPage {
                chrome,
                token: q.token,
                welcome: purpose == "invite",
                errors: Errors::default(),
            })?
            .into_response())
        }
        None => link_invalid(&visitor),
    }
}

#[derive(Deserialize)]
struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn check_new_password(password: &str, confirm: &str, field: &'static str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(e) = password::check_new(password) {
        errors.push((field, e.to_owned()));
    } else if password != confirm {
        errors.push(("confirm", "The two passwords are not the same.".to_owned()));
    }
    errors
}

async fn set_password(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> Result<Response, AppError> {
    let hash = secret::sha256_hex(&form.token);
    let now = now_ms();
    let Some((_, purpose)) = store::peek_one_time_link(&state.db.pool, &hash, now).await? else {
        return link_invalid(&visitor);
    };
    let errors = check_new_password(&form.password, &form.confirm, "password");
    if !errors.is_empty() {
        let chrome = Chrome::new(&visitor, "Choose your password", "/password/set");
        let page = SetPasswordPage {
            chrome,
            token: form.token,
            welcome: purpose == "invite",
            errors: Errors::from(errors),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    let password_hash = password::hash(form.password).await?;
    let mut tx = state.db.begin().await?;
    let Some((user_id, _)) = store::consume_one_time_link(&mut *tx, &hash, now).await? else {
        tx.rollback().await?;
        return link_invalid(&visitor);
    };
    store::set_password(&mut *tx, user_id, &password_hash, now).await?;
    store::delete_sessions_for_user(&mut *tx, user_id).await?;
    let email = store::find_user(&mut *tx, user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    audit::write(
        &mut *tx,
        &Entry::new((Some(user_id), email), &visitor.ip, "password_set")
            .record("user", user_id)
            .detail(format!("by {purpose} link")),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&Done::PasswordSet.at("/signin")).into_response())
}

// ----- your account: password and tokens -----

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    roles: Vec<String>,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    errors: Errors,
    two_step_on: bool,
}

struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    scope: &'static str,
    created: String,
    ends: String,
    last_used: String,
    status: &'static str,
}

impl TokenView {
    fn from(t: super::tokens::Token) -> TokenView {
        let show = |ms: i64| crate::time::format_in_zone(ms, "America/New_York");
        TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scope: t.scope.words(),
            created: show(t.created_at),
            ends: t
                .expires_at
                .map(show)
                .unwrap_or_else(|| "No end date".into()),
            last_used: t.last_used_at.map(show).unwrap_or_else(|| "Never".into()),
            status: t.status,
        }
    }
}

async fn account_view(
    state: &AppState,
    visitor: &Visitor,
    done: &str,
    new_token: Option<String>,
    errors: Errors,
) -> Result<AccountPage, AppError> {
    let actor = visitor.signed_in()?;
    let user = &actor.user;
    let tokens = super::tokens::list(state, &actor)
        .await?
        .into_iter()
        .map(TokenView::from)
        .collect();
    Ok(AccountPage {
        chrome: Chrome::new(visitor, "Your account", "/account").with_notice(notice(done)),
        // A role held in two programs reads as two lines, not the same twice.
        roles: crate::work::role_lines(
            user,
            &crate::program::store::list(&state.db.pool).await?,
            &state.places,
        ),
        two_step_on: super::two_step::is_on(state, user.id).await?,
        name: user.name.clone(),
        email: user.email.clone(),
        tokens,
        new_token,
        errors,
    })
}

async fn account_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    render(account_view(&state, &visitor, &done.done, None, Errors::default()).await?)
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

/// Checks the signed-in person's password again (to change it, or to turn
/// off two-step sign-in). Guessing it from a session left open is held to
/// the sign-in limit; a right answer clears the count.
pub(super) async fn password_again(
    state: &AppState,
    user: &super::CurrentUser,
    typed: String,
) -> Result<bool, AppError> {
    let config = &state.config;
    let window_ms = config.signin_window_seconds as i64 * 1000;
    let key = format!("change:{}", throttle::account_key(&user.email));
    let now = now_ms();
    let window = throttle::count(&state.db.pool, &key, now, window_ms).await?;
    if let Some(secs) = throttle::refused(window, now, window_ms, config.signin_max_failures as i64)
    {
        return Err(Refusal::TooManyRequests {
            retry_after_secs: secs,
            message: format!(
                "Your password was typed wrong too many times. Wait {} and try again.",
                wait_words(secs)
            ),
        }
        .into());
    }
    let stored = store::find_user(&state.db.pool, user.id)
        .await?
        .and_then(|u| u.password_hash);
    let right = password::verify(typed, stored).await?;
    if right {
        throttle::clear(&state.db.pool, &key).await?;
    }
    Ok(right)
}

async fn change_password(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::UseOwnAccount).await?;
    let right = password_again(&state, &user, form.current_password).await?;
    let now = now_ms();
    let mut errors = FieldErrors::new();
    if !right {
        errors.push((
            "current_password",
            "This is not your current password.".into(),
        ));
    }
    errors.extend(check_new_password(
        &form.new_password,
        &form.confirm,
        "new_password",
    ));
    if !errors.is_empty() {
        let page = account_view(&state, &visitor, "", None, Errors::from(errors)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    let hash = password::hash(form.new_password).await?;
    let raw = secret::random_token();
    let mut tx = state.db.begin().await?;
    store::set_password(&mut *tx, user.id, &hash, now).await?;
    // Every session ends, this one included; this device gets a fresh one.
    store::delete_sessions_for_user(&mut *tx, user.id).await?;
    store::create_session(
        &mut *tx,
        &secret::sha256_hex(&raw),
        user.id,
        now,
        &visitor.ip,
        &visitor.user_agent,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(
            (Some(user.id), user.email.clone()),
            &visitor.ip,
            "password_changed",
        )
        .record("user", user.id),
    )
    .await?;
    tx.commit().await?;
    let config = &state.config;
    let mut res = Redirect::to(&Done::PasswordChanged.at("/account")).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(config, session::session_cookie_name(config), &raw, None),
    );
    Ok(res)
}

#[derive(Deserialize)]
struct NewTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires_in_days: String,
}

async fn create_token(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = super::tokens::NewToken {
        name: form.name,
        scope: form.scope,
        // Left out: the default; not a number: refused like one out of range.
        expires_in_days: match form.expires_in_days.trim() {
            "" => None,
            days => Some(days.parse().unwrap_or(0)),
        },
    };
    match super::tokens::create(&state, &actor, Given(asked)).await {
        Ok(created) => {
            let page =
                account_view(&state, &visitor, "", Some(created.token), Errors::default()).await?;
            Ok((StatusCode::CREATED, render(page)?).into_response())
        }
        Err(Refusal::Invalid(problems)) => {
            let errors = Errors(
                problems
                    .into_iter()
                    .map(|(field, message)| (token_field(&field).to_owned(), message))
                    .collect(),
            );
            let page = account_view(&state, &visitor, "", None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The id of the token form's field a problem belongs to.
fn token_field(field: &str) -> &'static str {
    match field {
        "scope" => "token_scope",
        "expires_in_days" => "token_expires",
        _ => "token_name",
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    super::tokens::revoke(&state, &visitor.signed_in()?, id).await?;
    Ok(Redirect::to(&Done::TokenRevoked.at("/account")).into_response())
}

// ----- people (administrators) -----

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    chrome: Chrome,
    people: Vec<super::people::Person>,
    roles: Vec<(&'static str, &'static str)>,
    programs: Vec<crate::program::store::Program>,
    jurisdictions: Vec<crate::program::store::Jurisdiction>,
    form: InviteRequest,
    errors: Errors,
    /// The administrator looking: not offered to turn themselves off.
    chrome_user_id: i64,
}

impl PeoplePage {
    fn selected_role(&self, role: &str) -> bool {
        self.form.role == role
    }

    fn selected_program(&self, slug: &str) -> bool {
        self.form.program.as_deref() == Some(slug)
    }

    fn selected_state(&self, code: &str) -> bool {
        self.form
            .state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(code))
    }

    /// Each role once, with its program where it has one: a role held in
    /// two programs reads as two, not as the same words twice.
    fn role_list(&self, person: &super::people::Person) -> String {
        let mut names: Vec<String> = Vec::new();
        for g in &person.roles {
            let mut name = g.describe();
            if let Some(p) = g
                .program_id
                .and_then(|id| self.programs.iter().find(|p| p.id == id))
            {
                name.push_str(&format!(" in {}", p.name));
            }
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if names.is_empty() {
            "No role".into()
        } else {
            names.join(", ")
        }
    }
}

async fn people_view(
    state: &AppState,
    visitor: &Visitor,
    done: &str,
    form: InviteRequest,
    errors: Errors,
) -> Result<PeoplePage, AppError> {
    let actor = visitor.signed_in()?;
    actor.may(state, Action::ManagePeople).await?;
    let people = super::people::everyone(state, &actor).await?;
    Ok(PeoplePage {
        chrome_user_id: actor.user.id,
        chrome: Chrome::new(visitor, "People", "/admin/people").with_notice(notice(done)),
        people,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        programs: crate::program::store::list(&state.db.pool).await?,
        jurisdictions: crate::program::store::jurisdictions(&state.db.pool).await?,
        form,
        errors,
    })
}

async fn people_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    render(
        people_view(
            &state,
            &visitor,
            &done.done,
            InviteRequest::default(),
            Errors::default(),
        )
        .await?,
    )
}

async fn invite_person(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<InviteRequest>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    match invite::invite(&state, &actor, Given(form.clone())).await {
        Ok(_) => Ok(Redirect::to(&Done::Invited.at("/admin/people")).into_response()),
        Err(Refusal::Invalid(errors)) => {
            let page = people_view(&state, &visitor, "", form, Errors(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn reinvite(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    invite::reinvite(&state, &visitor.signed_in()?, id).await?;
    Ok(Redirect::to(&Done::Reinvited.at("/admin/people")).into_response())
}

/// Turns an account off or back on from the People page: a refusal
/// (oneself, already so) is said at the top of the page.
async fn change_standing(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    on: bool,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let result = if on {
        super::standing::turn_on(state, &actor, id).await
    } else {
        super::standing::turn_off(state, &actor, id).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(
            &if on {
                Done::AccountOn
            } else {
                Done::AccountOff
            }
            .at("/admin/people"),
        )
        .into_response()),
        Err(Refusal::Conflict(message)) => {
            let page = people_view(
                state,
                visitor,
                "",
                InviteRequest::default(),
                Errors(vec![(String::new(), message)]),
            )
            .await?;
            Ok((StatusCode::CONFLICT, render(page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn turn_off_person(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    change_standing(&state, &visitor, id, false).await
}

async fn turn_on_person(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    change_standing(&state, &visitor, id, true).await
}

// ----- where one is signed in -----

struct SessionLine {
    id: String,
    device: String,
    address: String,
    signed_in: String,
    last_seen: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "auth/sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<SessionLine>,
}

async fn sessions_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let actor = visitor.signed_in()?;
    let show = |ms: i64| crate::time::format_in_zone(ms, crate::exchange::TIME_ZONE);
    let sessions = super::sessions::list(&state, &actor, visitor.session_hash.as_deref())
        .await?
        .into_iter()
        .map(|s| SessionLine {
            signed_in: show(s.signed_in_at),
            last_seen: show(s.last_seen_at),
            id: s.id,
            device: s.device,
            address: s.address,
            current: s.current,
        })
        .collect();
    render(SessionsPage {
        chrome: Chrome::new(&visitor, "Where you are signed in", "/account")
            .with_notice(notice(&done.done)),
        sessions,
    })
}

async fn end_session(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let this_one = visitor
        .session_hash
        .as_deref()
        .is_some_and(|h| super::sessions::handle(h) == id);
    super::sessions::end(&state, &actor, &id).await?;
    if this_one {
        // Ending the session in use is signing out here.
        let config = &state.config;
        let mut res = Redirect::to("/signin").into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            session::cookie(config, session::session_cookie_name(config), "", Some(0)),
        );
        return Ok(res);
    }
    Ok(Redirect::to(&Done::SessionEnded.at("/account/sessions")).into_response())
}

async fn end_other_sessions(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let keep = visitor.session_hash.as_deref().unwrap_or("");
    super::sessions::end_all(&state, &visitor.signed_in()?, Some(keep)).await?;
    Ok(Redirect::to(&Done::SessionsEnded.at("/account/sessions")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_told_in_whole_minutes() {
        assert_eq!(wait_words(1), "1 minute");
        assert_eq!(wait_words(60), "1 minute");
        assert_eq!(wait_words(61), "2 minutes");
        assert_eq!(wait_words(900), "15 minutes");
    }

    #[test]
    fn next_is_only_ever_a_local_path() {
        assert_eq!(safe_next("/account"), "/account");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        // Found from outside: a tab (or line break) the browser drops.
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/account\r\nSet-Cookie: x=1"), "/");
        assert_eq!(safe_next("/%09/evil.example"), "/");
        assert_eq!(safe_next("/%5Cevil.example"), "/");
        assert_eq!(safe_next("/%2F/evil.example"), "/");
        assert_eq!(safe_next(" //evil.example"), "/");
        assert_eq!(
            safe_next("/exchange/search?q=career%20pathways"),
            "/exchange/search?q=career%20pathways"
        );
    }
}
