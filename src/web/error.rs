//! The error type for pages. Every variant becomes a styled page with the
//! right status; a 500 logs its cause with the request id and shows only
//! the id.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::session::Visitor;
use crate::web::layout::Chrome;
use crate::web::refusal::Refusal;
use crate::web::request_id;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Pages send a visitor who is not signed in to sign in, then back.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// The request itself could not be read (a broken form).
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("form token missing or wrong")]
    CsrfRejected,
    #[error(transparent)]
    Refused(Refusal),
}

impl AppError {
    pub const NOT_FOUND: AppError = AppError::Refused(Refusal::NotFound);
    pub const FORBIDDEN: AppError = AppError::Refused(Refusal::NotAllowed(None));

    pub fn internal(e: impl Into<anyhow::Error>) -> AppError {
        AppError::Refused(Refusal::Internal(e.into()))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(e)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::internal(e)
    }
}

#[derive(Template, Clone)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let refusal = match self {
            AppError::SignInRequired { next } => {
                let target = format!(
                    "/signin?next={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return Redirect::to(&target).into_response();
            }
            AppError::BadRequest(msg) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Something in the request was not right",
                    msg,
                    None,
                );
            }
            AppError::CsrfRejected => {
                return error_page(
                    StatusCode::FORBIDDEN,
                    "This form has expired",
                    "For your security, forms expire. Go back, reload the page, and try again."
                        .to_owned(),
                    None,
                );
            }
            AppError::Refused(refusal) => refusal,
        };
        let status = refusal.status();
        let said = refusal.sentences();
        let (heading, message, request_id) = match refusal {
            Refusal::NotFound => (
                "Page not found",
                "We could not find that page. Check the address, or go back to the home page.".to_owned(),
                None,
            ),
            Refusal::NotAllowed(None) => (
                "You do not have access to this page",
                "Your account is not allowed to see or change this. If you think it should be, ask your program administrator.".to_owned(),
                None,
            ),
            Refusal::NotAllowed(Some(reason)) => ("You cannot do this", reason, None),
            Refusal::Invalid(_) => ("Something in the request was not right", said.unwrap_or_default(), None),
            Refusal::Conflict(m) => ("This cannot be done now", m, None),
            Refusal::TooLate(m) => ("The deadline has passed", m, None),
            Refusal::TooManyRequests { retry_after_secs, message } => {
                let mut res = error_page(status, "Too many attempts", message, None);
                res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                return res;
            }
            Refusal::Internal(err) => {
                let id = request_id::current();
                tracing::error!(request_id = %id, error = format!("{err:#}"), "internal error");
                (
                    "Something went wrong on our side",
                    "The problem has been logged. Please try again in a few minutes. If it keeps happening, tell your program administrator and give them the reference below.".to_owned(),
                    Some(id),
                )
            }
        };
        error_page(status, heading, message, request_id)
    }
}

fn error_page(
    status: StatusCode,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
) -> Response {
    let page = ErrorPage {
        chrome: Chrome::bare(heading),
        heading,
        message,
        request_id,
    };
    let mut res = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => return (status, heading).into_response(),
    };
    res.extensions_mut().insert(page);
    res
}

/// Error pages are made where the visitor is not at hand; this layer
/// (inside the session's) makes them again with the signed-in person's
/// header and menu, so someone refused or lost is not shown "Sign in".
pub async fn with_visitor_chrome(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let visitor = req.extensions().get::<Visitor>().cloned();
    let mut res = next.run(req).await;
    let Some(visitor) = visitor.filter(|v| v.user.is_some()) else {
        return res;
    };
    let Some(mut page) = res.extensions_mut().remove::<ErrorPage>() else {
        return res;
    };
    page.chrome = Chrome::new(&visitor, page.heading, &visitor.path);
    if let Ok(html) = page.render() {
        res.headers_mut().remove(header::CONTENT_LENGTH);
        *res.body_mut() = axum::body::Body::from(html);
    }
    res
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}
