//! The error type for `/api/v1`: JSON bodies that say what went wrong and,
//! for bad input, which field.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::web::request_id;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable kind: unauthorized, forbidden, not_found, invalid, conflict, too_many_requests, internal.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    pub request_id: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden, for a reason the caller can act on.
    #[error("forbidden: {0}")]
    ForbiddenWith(String),
    #[error("not found")]
    NotFound,
    /// Not found because a value in the address fits no record (a
    /// non-numeric id, say): names that part of the address.
    #[error("not found: {}", .0.field)]
    NotFoundAt(FieldError),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    /// Over a limit: the answer carries `Retry-After`.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = request_id::current();
        let mut retry_after = None;
        let (status, code, message, fields) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send a valid personal access token as 'Authorization: Bearer <token>'.".to_owned(),
                vec![],
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account may not do this.".to_owned(),
                vec![],
            ),
            ApiError::ForbiddenWith(message) => {
                (StatusCode::FORBIDDEN, "forbidden", message, vec![])
            }
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "No such record.".to_owned(),
                vec![],
            ),
            ApiError::NotFoundAt(field) => (
                StatusCode::NOT_FOUND,
                "not_found",
                field.message.clone(),
                vec![field],
            ),
            ApiError::Invalid(fields) => {
                let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!("Check these fields: {}.", names.join(", ")),
                    fields,
                )
            }
            ApiError::Conflict(msg) => (StatusCode::CONFLICT, "conflict", msg, vec![]),
            ApiError::TooManyRequests {
                retry_after_secs,
                message,
            } => {
                retry_after = Some(retry_after_secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    message,
                    vec![],
                )
            }
            ApiError::Internal(err) => {
                tracing::error!(request_id = %request_id, error = format!("{err:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side; it has been logged.".to_owned(),
                    vec![],
                )
            }
        };
        let mut res = (
            status,
            axum::Json(ErrorResponse {
                error: ErrorBody {
                    code,
                    message,
                    fields,
                    request_id,
                },
            }),
        )
            .into_response();
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// A JSON body, read but not yet parsed: handlers authorize first and
/// parse after, so a caller who may not use a route learns nothing from
/// its input checks. Parse errors name the field that was wrong.
pub struct ApiJson<T> {
    bytes: axum::body::Bytes,
    is_json: bool,
    _type: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> ApiJson<T> {
    pub fn parse(self) -> Result<T, ApiError> {
        if !self.is_json {
            return Err(ApiError::field(
                "body",
                "Send JSON with 'Content-Type: application/json'.",
            ));
        }
        // A NUL in any text is refused by name, before anything reads it.
        if self
            .bytes
            .windows(6)
            .any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&self.bytes)
            && let Some(path) = crate::web::text::json_path_with_nul(&value)
        {
            let field = if path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            return Err(ApiError::field(&field, crate::web::text::NO_NUL));
        }
        serde_json::from_slice::<T>(&self.bytes).map_err(|e| {
            let (field, message) = describe_json_error(&e);
            ApiError::field(&field, message)
        })
    }
}

impl<T, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::field("body", "The body could not be read."))?;
        Ok(ApiJson {
            bytes,
            is_json,
            _type: std::marker::PhantomData,
        })
    }
}

/// Pulls the field name out of serde's message ("missing field `email`").
fn describe_json_error(e: &serde_json::Error) -> (String, String) {
    let text = e.to_string();
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.contains("field"))
        .unwrap_or("body")
        .to_owned();
    let message = text.split(" at line").next().unwrap_or(&text).to_owned();
    (field, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Invite {
        email: String,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = serde_json::from_str::<Invite>("{}").unwrap_err();
        assert_eq!(describe_json_error(&e).0, "email");
        let e = serde_json::from_str::<Invite>("not json").unwrap_err();
        assert_eq!(describe_json_error(&e).0, "body");
    }
}
