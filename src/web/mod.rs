//! The shared web layer: page chrome, static assets, errors, CSRF,
//! request ids and security headers.

pub mod api;
pub mod api_error;
pub mod assets;
pub mod client;
pub mod csrf;
pub mod download;
pub mod error;
pub mod form;
pub mod headers;
pub mod input;
pub mod layout;
pub mod limit;
pub mod markdown;
pub mod notice;
pub mod path;
pub mod query;
pub mod refusal;
pub mod request_id;
#[cfg(test)]
mod schema_names;
pub mod strict;
pub mod text;

pub use api_error::{ApiError, ApiJson};
pub use csrf::{CsrfForm, CsrfMultipart};
pub use error::AppError;
pub use input::{Given, Input};
pub use layout::{Chrome, render};
pub use notice::{Done, DoneQuery};
pub use path::Path;
pub use query::Query;
pub use refusal::{FieldErrors, Refusal};
