//! What one asks the forum to do, as the API's JSON bodies spell it; the
//! pages fill the same types from their forms.

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewThread {
    /// Up to 150 characters.
    pub title: String,
    /// Markdown, up to 20,000 characters. `@Ana.Ruiz` (or `@Ana` when
    /// only one Ana reads the category) mentions and emails a person.
    pub body: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewPost {
    /// Markdown, up to 20,000 characters; `@Name.Surname` mentions.
    pub body: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Watch {
    /// true to get an email for each new post, false to stop.
    pub watching: bool,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ThreadModerationRequest {
    /// lock, unlock, hide, unhide or move.
    #[schema(schema_with = thread_actions)]
    pub action: String,
    /// Needed to hide.
    #[serde(default)]
    pub reason: String,
    /// Needed to move: a category of the same program you moderate.
    #[serde(default)]
    pub category_id: Option<i64>,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FlagRequest {
    /// What is wrong with the post, up to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PostModerationRequest {
    /// hide or unhide.
    #[schema(schema_with = post_actions)]
    pub action: String,
    /// Needed to hide.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ResolveRequest {
    /// What was done, up to 500 characters (may be empty).
    #[serde(default)]
    pub resolution: String,
}

/// What a moderator can do to a thread (as `ThreadModeration::parse` takes it).
fn thread_actions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["lock", "unlock", "hide", "unhide", "move"])
}

/// What a moderator can do to a post.
fn post_actions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["hide", "unhide"])
}
