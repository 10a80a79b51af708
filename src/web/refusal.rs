//! The one vocabulary for "this was not done": every operation answers
//! with a [`Refusal`], and the page side ([`AppError`]) and the API side
//! ([`ApiError`]) both turn it into a response with the status
//! [`Refusal::status`] gives, so a refusal reads the same to a browser and
//! to a client.

use axum::http::StatusCode;

use super::api_error::FieldError;
use super::{ApiError, AppError};

/// Problems with named fields of the input: (field, the sentence a person
/// reads). Rules return these; pages show each next to its field and the
/// API names the field.
pub type FieldErrors = Vec<(&'static str, String)>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Bad input: (field, the sentence a person reads).
    #[error("invalid")]
    Invalid(Vec<(String, String)>),
    /// The person may not do this; with a reason they can act on, or none.
    #[error("not allowed")]
    NotAllowed(Option<String>),
    #[error("not found")]
    NotFound,
    /// The change does not fit the record's state (already decided, hidden, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A deadline has passed.
    #[error("too late: {0}")]
    TooLate(String),
    /// Over a limit on how often this may be done.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    /// Our fault: logged with its context and the request id, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Internal(e.into())
    }
}

impl Refusal {
    pub fn field(field: &str, message: impl Into<String>) -> Refusal {
        Refusal::Invalid(vec![(field.to_owned(), message.into())])
    }

    pub fn fields(errors: FieldErrors) -> Refusal {
        Refusal::Invalid(errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect())
    }

    /// The status both sides answer with.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NotAllowed(_) => StatusCode::FORBIDDEN,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Conflict(_) | Refusal::TooLate(_) => StatusCode::CONFLICT,
            Refusal::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable kind in the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Invalid(_) => "invalid",
            Refusal::NotAllowed(_) => "forbidden",
            Refusal::NotFound => "not_found",
            Refusal::Conflict(_) => "conflict",
            Refusal::TooLate(_) => "too_late",
            Refusal::TooManyRequests { .. } => "too_many_requests",
            Refusal::Internal(_) => "internal",
        }
    }

    /// The field problems as the API names them.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Refusal::Invalid(errors) => errors
                .iter()
                .map(|(field, message)| FieldError {
                    field: field.clone(),
                    message: message.clone(),
                })
                .collect(),
            _ => vec![],
        }
    }

    /// The sentences a person reads, for a page with no form to show them
    /// next to.
    pub fn sentences(&self) -> Option<String> {
        match self {
            Refusal::Invalid(errors) => Some(
                errors
                    .iter()
                    .map(|(_, m)| m.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Refusal::NotAllowed(reason) => reason.clone(),
            Refusal::Conflict(m) | Refusal::TooLate(m) => Some(m.clone()),
            Refusal::TooManyRequests { message, .. } => Some(message.clone()),
            Refusal::NotFound | Refusal::Internal(_) => None,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError::Refused(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    fn every_kind() -> Vec<fn() -> Refusal> {
        vec![
            || Refusal::field("title", "Enter a title."),
            || Refusal::NotAllowed(None),
            || Refusal::NotAllowed(Some("This token may only read.".into())),
            || Refusal::NotFound,
            || Refusal::Conflict("Already decided.".into()),
            || Refusal::TooLate("The deadline was June 1.".into()),
            || Refusal::TooManyRequests {
                retry_after_secs: 30,
                message: "Wait.".into(),
            },
            || Refusal::Internal(anyhow::anyhow!("disk full")),
        ]
    }

    #[test]
    fn every_refusal_answers_with_the_same_status_on_a_page_and_in_the_api() {
        for make in every_kind() {
            let expected = make().status();
            let page = AppError::from(make()).into_response();
            let api = ApiError::from(make()).into_response();
            assert_eq!(page.status(), expected, "page for {:?}", make());
            assert_eq!(api.status(), expected, "API for {:?}", make());
        }
    }

    #[test]
    fn a_wait_is_told_on_both_sides() {
        let wait = || Refusal::TooManyRequests {
            retry_after_secs: 30,
            message: "Wait.".into(),
        };
        for res in [
            AppError::from(wait()).into_response(),
            ApiError::from(wait()).into_response(),
        ] {
            assert_eq!(res.headers()["retry-after"], "30");
        }
    }

    #[test]
    fn the_api_names_the_kind_and_the_fields() {
        let r = Refusal::fields(vec![("title", "Enter a title.".into())]);
        assert_eq!(r.code(), "invalid");
        assert_eq!(r.field_errors()[0].field, "title");
        assert_eq!(Refusal::TooLate("x".into()).code(), "too_late");
    }
}
