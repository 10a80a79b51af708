//! The one vocabulary for "this was not done": every operation answers
//! with a [`Refusal`], and the page side (`AppError`) and the API side
//! (`ApiError`) both turn it into a response with the status
//! [`Refusal::status`] gives, so a refusal reads the same to a browser and
//! to a client.

use axum::http::StatusCode;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_has_a_name_for_the_api() {
        assert_eq!(Refusal::field("title", "Enter a title.").code(), "invalid");
        assert_eq!(Refusal::TooLate("x".into()).code(), "too_late");
    }
}
