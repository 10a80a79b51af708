//! State leads register themselves to apply: name, email, state and
//! program. The account starts without a password; the confirmation email
//! carries a one-time link to choose one. An address that already has an
//! account gets a "you already have an account" email instead, and the
//! page answers the same either way.

use crate::web::Query;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::{self, Entry};
use crate::auth::handlers::Errors;
use crate::auth::invite::{self, LinkEmail};
use crate::auth::session::Visitor;
use crate::auth::{Grant, Role, store, throttle};
use crate::program::store::{Jurisdiction, Program};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

/// Registrations allowed from one address per hour.
const PER_ADDRESS_PER_HOUR: i64 = 10;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub name: String,
    pub email: String,
    pub program: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "application/register.html")]
struct RegisterPage {
    chrome: Chrome,
    form: RegisterForm,
    errors: Errors,
    programs: Vec<Program>,
    jurisdictions: Vec<Jurisdiction>,
    sent: bool,
}

impl RegisterPage {
    fn selected_program(&self, slug: &str) -> bool {
        self.form.program == slug
    }

    fn selected_state(&self, code: &str) -> bool {
        self.form.state == code
    }
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    form: RegisterForm,
    errors: Errors,
    sent: bool,
) -> Result<RegisterPage, AppError> {
    Ok(RegisterPage {
        chrome: Chrome::new(visitor, "Register to apply", "/register"),
        form,
        errors,
        programs: crate::program::store::list(&state.db.pool).await?,
        jurisdictions: crate::program::store::jurisdictions(&state.db.pool).await?,
        sent,
    })
}

#[derive(Deserialize, Default)]
pub struct ProgramQuery {
    #[serde(default)]
    program: String,
}

pub async fn register_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(q): Query<ProgramQuery>,
) -> Result<Response, AppError> {
    let form = RegisterForm {
        program: q.program,
        ..Default::default()
    };
    Ok(render(page(&state, &visitor, form, Errors::default(), false).await?)?.into_response())
}

pub async fn register(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, AppError> {
    let now = now_ms();
    let key = format!("register:{}", visitor.ip);
    // Counted before anything else, so registrations sent together cannot
    // all get past the limit.
    let window = throttle::count(&state.db.pool, &key, now, 3_600_000).await?;
    if let Some(secs) = throttle::refused(window, now, 3_600_000, PER_ADDRESS_PER_HOUR) {
        return Err(Refusal::TooManyRequests {
            retry_after_secs: secs,
            message:
                "There have been many registrations from your network. Please try again later."
                    .into(),
        }
        .into());
    }

    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(("name", "Enter your name.".to_owned()));
    }
    crate::web::text::check_one_line(&mut errors, &[("name", name)]);
    if !crate::web::text::valid_email(&form.email) {
        errors.push((
            "email",
            "Enter an email address like name@agency.gov.".to_owned(),
        ));
    }
    let program = crate::program::store::find_by_slug(&state.db.pool, form.program.trim()).await?;
    if program.is_none() {
        errors.push((
            "program",
            "Choose the program you are applying for.".to_owned(),
        ));
    }
    let code = form.state.trim().to_uppercase();
    if !crate::program::store::jurisdiction_exists(&state.db.pool, &code).await? {
        errors.push(("state", "Choose your state.".to_owned()));
    }
    let Some(program) = program.filter(|_| errors.is_empty()) else {
        let page = page(&state, &visitor, form, Errors::from(errors), false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    };

    let mut tx = state.db.begin().await?;
    match store::find_user_by_email(&mut *tx, &form.email).await? {
        Some(existing) => {
            let email = crate::mail::templates::already_registered(
                &existing.email,
                &state.config.link("/signin"),
                &state.config.link("/password/forgot"),
            )
            .map_err(|e| AppError::internal(anyhow::anyhow!("email template: {e}")))?;
            crate::mail::enqueue(&mut tx, &email).await?;
            audit::write(
                &mut *tx,
                &Entry::new((None, "anonymous".into()), &visitor.ip, "register")
                    .record("user", existing.id)
                    .detail("address already registered")
                    .refused(),
            )
            .await?;
        }
        None => {
            let user_id = store::insert_user(&mut *tx, &form.email, name, None, now).await?;
            let grant = Grant {
                role: Role::StateLead,
                program_id: Some(program.id),
                state_code: Some(code.clone()),
            };
            store::add_grant(&mut *tx, user_id, &grant, now).await?;
            invite::send_link(
                &state,
                &mut tx,
                user_id,
                &store::normalize_email(&form.email),
                name,
                LinkEmail::Register {
                    program: &program.name,
                },
            )
            .await
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
            audit::write(
                &mut *tx,
                &Entry::new(
                    (Some(user_id), store::normalize_email(&form.email)),
                    &visitor.ip,
                    "register",
                )
                .record("user", user_id)
                .detail(format!("state lead for {code} in {}", program.slug)),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(render(
        page(
            &state,
            &visitor,
            RegisterForm::default(),
            Errors::default(),
            true,
        )
        .await?,
    )?
    .into_response())
}
