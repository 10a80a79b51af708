//! The error type for pages. Every variant becomes a styled page with the
//! right status; a 500 logs its cause with the request id and shows only
//! the id.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::web::layout::Chrome;
use crate::web::request_id;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("form token missing or wrong")]
    CsrfRejected,
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, message, request_id) = match self {
            AppError::SignInRequired { next } => {
                let target = format!("/signin?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "We could not find that page. Check the address, or go back to the home page.".to_owned(),
                None,
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                "Your account is not allowed to see or change this. If you think it should be, ask your program administrator.".to_owned(),
                None,
            ),
            AppError::BadRequest(msg) => (StatusCode::BAD_REQUEST, "Something in the request was not right", msg, None),
            AppError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your security, forms expire. Go back, reload the page, and try again.".to_owned(),
                None,
            ),
            AppError::TooManyRequests { retry_after_secs, message } => {
                let page = ErrorPage { chrome: Chrome::bare("Too many attempts"), heading: "Too many attempts", message, request_id: None };
                let mut res = (StatusCode::TOO_MANY_REQUESTS, Html(page.render().unwrap_or_default())).into_response();
                res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                return res;
            }
            AppError::Internal(err) => {
                let id = request_id::current();
                tracing::error!(request_id = %id, error = format!("{err:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side",
                    "The problem has been logged. Please try again in a few minutes. If it keeps happening, tell your program administrator and give them the reference below.".to_owned(),
                    Some(id),
                )
            }
        };
        let page = ErrorPage {
            chrome: Chrome::bare(heading),
            heading,
            message,
            request_id,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}
