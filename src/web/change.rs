//! The error of a change refused or failed in the review and team areas,
//! shared by their pages and their API.

use super::ApiError;
use super::api_error::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Bad input: (field, the sentence a person reads).
    #[error("invalid")]
    Invalid(Vec<(String, String)>),
    /// The change does not fit the record's state (already decided, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// Over a limit on how often this may be done.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Refusal {
    pub fn field(field: &str, message: impl Into<String>) -> Refusal {
        Refusal::Invalid(vec![(field.to_owned(), message.into())])
    }

    pub fn fields(errors: Vec<(&'static str, String)>) -> Refusal {
        Refusal::Invalid(errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect())
    }
}

impl From<crate::auth::invite::InviteError> for Refusal {
    fn from(e: crate::auth::invite::InviteError) -> Self {
        match e {
            crate::auth::invite::InviteError::Invalid(errors) => Refusal::fields(errors),
            crate::auth::invite::InviteError::Internal(e) => Refusal::Other(e),
        }
    }
}

/// For pages that have no form to show the problem next to: a field
/// problem or a conflict becomes a 400 page with the sentences, a missing
/// record the 404 page, anything else a logged 500.
impl From<Refusal> for super::AppError {
    fn from(r: Refusal) -> Self {
        use super::AppError;
        match r {
            Refusal::NotFound => AppError::NotFound,
            Refusal::Conflict(m) => AppError::BadRequest(m),
            Refusal::Invalid(errors) => AppError::BadRequest(
                errors
                    .into_iter()
                    .map(|(_, m)| m)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Refusal::TooManyRequests {
                retry_after_secs,
                message,
            } => AppError::TooManyRequests {
                retry_after_secs,
                message,
            },
            Refusal::Db(e) => e.into(),
            Refusal::Other(e) => AppError::Internal(e),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid(errors) => ApiError::Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| FieldError { field, message })
                    .collect(),
            ),
            Refusal::Conflict(message) => ApiError::Conflict(message),
            Refusal::NotFound => ApiError::NotFound,
            Refusal::TooManyRequests {
                retry_after_secs,
                message,
            } => ApiError::TooManyRequests {
                retry_after_secs,
                message,
            },
            Refusal::Db(e) => ApiError::Internal(e.into()),
            Refusal::Other(e) => ApiError::Internal(e),
        }
    }
}
