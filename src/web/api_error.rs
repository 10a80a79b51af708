//! The error type for `/api/v1`: JSON bodies that say what went wrong and,
//! for bad input, which field.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::web::refusal::Refusal;
use crate::web::request_id;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable kind: unauthorized, forbidden, not_found, invalid, conflict, too_late, too_many_requests, internal.
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
    /// No valid token: the one answer the page side has no twin for (a
    /// page sends the person to sign in).
    #[error("unauthorized")]
    Unauthorized,
    /// Not found because a value in the address fits no record (a
    /// non-numeric id, say): names that part of the address.
    #[error("not found: {}", .0.field)]
    NotFoundAt(FieldError),
    #[error(transparent)]
    Refused(Refusal),
}

impl ApiError {
    pub const NOT_FOUND: ApiError = ApiError::Refused(Refusal::NotFound);
    pub const FORBIDDEN: ApiError = ApiError::Refused(Refusal::NotAllowed(None));

    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Refused(Refusal::field(field, message))
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> ApiError {
        ApiError::Refused(Refusal::Internal(e.into()))
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::internal(e)
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
            ApiError::NotFoundAt(field) => (
                StatusCode::NOT_FOUND,
                "not_found",
                field.message.clone(),
                vec![field],
            ),
            ApiError::Refused(refusal) => {
                let (status, code, fields) =
                    (refusal.status(), refusal.code(), field_errors(&refusal));
                let message = match &refusal {
                    Refusal::Invalid(_) => {
                        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
                        format!("Check these fields: {}.", names.join(", "))
                    }
                    Refusal::NotAllowed(None) => "Your account may not do this.".to_owned(),
                    Refusal::NotFound => "No such record.".to_owned(),
                    Refusal::TooManyRequests {
                        retry_after_secs, ..
                    } => {
                        retry_after = Some(*retry_after_secs);
                        refusal.sentences().unwrap_or_default()
                    }
                    Refusal::Internal(err) => {
                        tracing::error!(request_id = %request_id, error = format!("{err:#}"), "internal error");
                        "Something went wrong on our side; it has been logged.".to_owned()
                    }
                    _ => refusal.sentences().unwrap_or_default(),
                };
                (status, code, message, fields)
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

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> ApiJson<T> {
    pub fn parse(self) -> Result<T, Refusal> {
        if !self.is_json {
            return Err(Refusal::field(
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
            return Err(Refusal::field(&field, crate::web::text::NO_NUL));
        }
        let describe = |e: serde_json::Error| {
            let (field, message) = describe_json_error(&e);
            Refusal::field(&field, message)
        };
        // The shape first (objects, lists, known fields), then the values.
        let value: serde_json::Value = serde_json::from_slice(&self.bytes).map_err(describe)?;
        crate::web::strict::check::<T>(&value)
            .map_err(|(field, message)| Refusal::field(&field, message))?;
        serde_json::from_value::<T>(value).map_err(describe)
    }
}

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> crate::web::Input<T> for ApiJson<T> {
    fn read(self) -> Result<T, Refusal> {
        self.parse()
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

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError::Refused(r)
    }
}

/// The field problems of a refusal as the API names them.
pub fn field_errors(refusal: &Refusal) -> Vec<FieldError> {
    match refusal {
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

#[cfg(test)]
mod same_status_tests {
    use super::*;
    use crate::web::AppError;
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
        assert_eq!(field_errors(&r)[0].field, "title");
    }
}
