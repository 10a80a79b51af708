//! The path extractor every handler uses instead of axum's own: a value in
//! the address that does not fit (`/exchange/items/abc`, an id too large
//! for a number) is a page or record that does not exist, so it answers
//! with the site's "Page not found" page, or for `/api/` a JSON 404 naming
//! the part of the address that was wrong, never axum's bare text.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::web::api_error::FieldError;
use crate::web::{ApiError, AppError};

/// Like `axum::extract::Path`, with the site's own answers for bad values.
#[derive(Debug)]
pub struct Path<T>(pub T);

/// Why a value in the address (path or query string) was refused: a page
/// error or an API error, by the address.
#[derive(Debug)]
pub enum AddressError {
    Page(AppError),
    Api(ApiError),
}

impl IntoResponse for AddressError {
    fn into_response(self) -> Response {
        match self {
            AddressError::Page(e) => e.into_response(),
            AddressError::Api(e) => e.into_response(),
        }
    }
}

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AddressError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AddressError> {
        // No slug, id or token holds a NUL: no such page or record.
        if parts.uri.path().to_ascii_lowercase().contains("%00") {
            return Err(if parts.uri.path().starts_with("/api/") {
                AddressError::Api(ApiError::NOT_FOUND)
            } else {
                AddressError::Page(AppError::NOT_FOUND)
            });
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let params: Vec<(String, String)> =
                    match RawPathParams::from_request_parts(parts, state).await {
                        Ok(raw) => raw
                            .iter()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect(),
                        Err(_) => Vec::new(),
                    };
                Err(refusal(
                    parts.uri.path().starts_with("/api/"),
                    &rejection,
                    &params,
                ))
            }
        }
    }
}

/// What a refused path answers. A value that does not parse is "not
/// found"; a mismatch between route and handler is our bug (500).
fn refusal(api: bool, rejection: &PathRejection, params: &[(String, String)]) -> AddressError {
    let field = match rejection {
        PathRejection::FailedToDeserializePathParams(e) => bad_field(e.kind(), params),
        _ => None,
    };
    match (field, api) {
        (Some(field), true) => AddressError::Api(ApiError::NotFoundAt(FieldError {
            message: format!("No such record: check '{field}' in the address."),
            field,
        })),
        (Some(_), false) => AddressError::Page(AppError::NOT_FOUND),
        (None, true) => AddressError::Api(ApiError::internal(anyhow::anyhow!(
            "path does not fit its handler: {rejection}"
        ))),
        (None, false) => AddressError::Page(AppError::internal(anyhow::anyhow!(
            "path does not fit its handler: {rejection}"
        ))),
    }
}

/// The name of the path parameter whose value was wrong, or None when the
/// route and the handler disagree (a programming error).
fn bad_field(kind: &ErrorKind, params: &[(String, String)]) -> Option<String> {
    let by_value = |value: &str| {
        params
            .iter()
            .find(|(_, v)| v == value)
            .or(params.first())
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| "path".to_owned())
    };
    match kind {
        ErrorKind::ParseErrorAtKey { key, .. }
        | ErrorKind::InvalidUtf8InPathParam { key }
        | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
        ErrorKind::ParseErrorAtIndex { index, value, .. } => Some(
            params
                .get(*index)
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| by_value(value)),
        ),
        ErrorKind::ParseError { value, .. } => Some(by_value(value)),
        ErrorKind::Message(_) => Some(by_value("")),
        ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. } => None,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_wrong_value_is_named_by_its_parameter() {
        let p = params(&[("slug", "cp-2016"), ("id", "abc")]);
        let kind = ErrorKind::ParseErrorAtIndex {
            index: 1,
            value: "abc".into(),
            expected_type: "i64",
        };
        assert_eq!(bad_field(&kind, &p).as_deref(), Some("id"));
        let kind = ErrorKind::ParseError {
            value: "abc".into(),
            expected_type: "i64",
        };
        assert_eq!(bad_field(&kind, &p).as_deref(), Some("id"));
        let kind = ErrorKind::ParseErrorAtKey {
            key: "code".into(),
            value: "zz".into(),
            expected_type: "u8",
        };
        assert_eq!(bad_field(&kind, &p).as_deref(), Some("code"));
    }

    #[test]
    fn a_route_that_does_not_fit_its_handler_is_our_error() {
        let kind = ErrorKind::WrongNumberOfParameters {
            got: 1,
            expected: 2,
        };
        assert_eq!(bad_field(&kind, &[]), None);
    }
}
