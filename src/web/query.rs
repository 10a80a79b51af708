//! The query-string extractor every handler uses instead of axum's own: a
//! value that does not fit (`?page=abc`) answers with the site's own page
//! naming the part of the address that was wrong, or for `/api/` a JSON
//! error naming the field, never axum's bare text.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::web::path::AddressError;
use crate::web::{ApiError, AppError};

/// Like `axum::extract::Query`, with the site's own answers for bad values.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AddressError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AddressError> {
        let api = parts.uri.path().starts_with("/api/");
        let query = parts.uri.query().unwrap_or_default();
        if let Some(field) =
            crate::web::text::field_with_nul(url::form_urlencoded::parse(query.as_bytes()))
        {
            return Err(refusal(api, field));
        }
        parse(query).map(Query).map_err(|field| refusal(api, field))
    }
}

/// The query string's values, or the name of the first that does not fit.
fn parse<T: DeserializeOwned>(query: &str) -> Result<T, String> {
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        if field == "." || field.is_empty() {
            "query".to_owned()
        } else {
            field
        }
    })
}

fn refusal(api: bool, field: String) -> AddressError {
    if api {
        AddressError::Api(ApiError::field(
            &field,
            format!("The value of '{field}' in the address is not one we can read."),
        ))
    } else {
        AddressError::Page(AppError::BadRequest(format!(
            "The address has a value we cannot read (\u{201c}{field}\u{201d}). Check the link, or go back and try again."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Default)]
    #[serde(default)]
    struct Listing {
        q: String,
        page: Option<i64>,
    }

    #[test]
    fn good_values_are_read() {
        let l: Listing = parse("q=bridge+programs&page=2").unwrap();
        assert_eq!((l.q.as_str(), l.page), ("bridge programs", Some(2)));
        let l: Listing = parse("").unwrap();
        assert_eq!(l.page, None);
    }

    #[test]
    fn a_bad_value_is_named() {
        assert_eq!(parse::<Listing>("q=x&page=abc").unwrap_err(), "page");
        assert_eq!(
            parse::<Listing>("page=99999999999999999999").unwrap_err(),
            "page"
        );
    }
}
