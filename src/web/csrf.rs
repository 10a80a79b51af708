//! CSRF protection for every form: a hidden `csrf_token` field that must
//! match the visitor's token (an HMAC of their session or visitor cookie),
//! plus a same-origin check on `Origin` and `Sec-Fetch-Site`. The token is
//! derived, not stored, so it works across instances.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::audit::{self, Entry};
use crate::auth::secret;
use crate::auth::session::Visitor;
use crate::state::AppState;
use crate::web::AppError;

/// A form body whose CSRF token has been checked.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

/// Same-origin check: a cross-site browser request is refused even before
/// the token is looked at.
pub fn same_origin(headers: &HeaderMap, base_url: &url::Url) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return false;
    }
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return true; // non-browser clients; the token still has to match
    };
    if origin == base_url.origin().ascii_serialization() {
        return true;
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host)
}

/// Records the refusal in the audit log, then refuses.
async fn refuse(state: &AppState, visitor: &Visitor, path: &str, why: &str) -> AppError {
    let entry = Entry::new(visitor.actor(), &visitor.ip, "form_refused")
        .detail(format!("{why} at {path}"))
        .refused();
    if let Err(e) = audit::write(&state.db.pool, &entry).await {
        return AppError::internal(e);
    }
    AppError::CsrfRejected
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let visitor = req
            .extensions()
            .get::<Visitor>()
            .cloned()
            .ok_or(AppError::CsrfRejected)?;
        let path = super::request_id::loggable_path(req.uri().path()).into_owned();
        if !same_origin(req.headers(), &state.config.base_url) {
            return Err(refuse(state, &visitor, &path, "cross-site request").await);
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
        let token = serde_urlencoded::from_bytes::<TokenField>(&body)
            .map(|t| t.csrf_token)
            .unwrap_or_default();
        if token.is_empty() || !secret::same(&token, &visitor.csrf_token) {
            return Err(refuse(state, &visitor, &path, "missing or wrong form token").await);
        }
        if let Some(field) = super::text::field_with_nul(url::form_urlencoded::parse(&body)) {
            return Err(nul_in(&field));
        }
        let value = serde_urlencoded::from_bytes(&body)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))?;
        Ok(CsrfForm(value))
    }
}

/// A form field holding a NUL: refused whole, naming the field, before
/// anything reads it.
fn nul_in(field: &str) -> AppError {
    AppError::BadRequest(format!(
        "The field \u{201c}{field}\u{201d} holds a NUL character, which cannot be stored. Go back, remove it and try again."
    ))
}

/// A file sent with a form.
pub struct UploadedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form (with files) whose CSRF token has been checked.
pub struct CsrfMultipart {
    pub fields: std::collections::HashMap<String, String>,
    pub files: Vec<UploadedFile>,
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let visitor = req
            .extensions()
            .get::<Visitor>()
            .cloned()
            .ok_or(AppError::CsrfRejected)?;
        let path = super::request_id::loggable_path(req.uri().path()).into_owned();
        if !same_origin(req.headers(), &state.config.base_url) {
            return Err(refuse(state, &visitor, &path, "cross-site request").await);
        }
        let is_multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            // Not an upload from our form, so it cannot carry our token.
            return Err(refuse(state, &visitor, &path, "missing or wrong form token").await);
        }
        let unreadable = || {
            AppError::BadRequest(
                "The upload could not be read. Try again, or choose a smaller file.".into(),
            )
        };
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let mut fields = std::collections::HashMap::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|_| unreadable())?.to_vec();
                    files.push(UploadedFile {
                        field: name,
                        file_name,
                        bytes,
                    });
                }
                None => {
                    let text = field.text().await.map_err(|_| unreadable())?;
                    fields.insert(name, text);
                }
            }
        }
        let token = fields.get("csrf_token").cloned().unwrap_or_default();
        if token.is_empty() || !secret::same(&token, &visitor.csrf_token) {
            return Err(refuse(state, &visitor, &path, "missing or wrong form token").await);
        }
        let named = fields
            .iter()
            .map(|(k, v)| (k.as_str().into(), v.as_str().into()));
        if let Some(field) = super::text::field_with_nul(named) {
            return Err(nul_in(&field));
        }
        Ok(CsrfMultipart { fields, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_rules() {
        let base = url::Url::parse("http://127.0.0.1:8080").unwrap();
        assert!(same_origin(&headers(&[]), &base));
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:8080")]),
            &base
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://localhost:8080"),
                ("host", "localhost:8080")
            ]),
            &base
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            &base
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &base
        ));
    }
}
