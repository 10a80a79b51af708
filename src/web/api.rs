//! Shapes the API's answers share across areas.

use serde::Serialize;

/// A record just made: its id (with 201 Created).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A string the server takes only as one of these words, for a request
/// field's schema (`#[schema(schema_with = …)]`) where no Rust enum stands
/// for exactly those words.
pub fn one_of(words: &[&str]) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(words.iter().copied()))
        .build()
}
