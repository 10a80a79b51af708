//! `/api/v1/exchange`: the public library (search, items, topics, events:
//! no token needed), the partners' interest form (public), submitting and
//! changing items (partners, administrators), moderation and partners
//! (administrators).

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{Draft, Interest};
use super::search::{self, Hit, Results, SearchQuery};
use super::service::{self, Decision, ItemView, Moderation};
use super::store::{Listed, Partner};
use super::topics::Topic;
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, submit_item))
        .routes(routes!(get_item, put_item))
        .routes(routes!(moderate_item))
        .routes(routes!(list_topics))
        .routes(routes!(list_events))
        .routes(routes!(list_submissions))
        .routes(routes!(list_partners, apply))
        .routes(routes!(decide_partner))
}

/// The token's user when a token is sent (a bad token is refused), or
/// nobody: the library is public.
pub struct MaybeApiUser(pub Option<ApiUser>, pub String);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default();
        if parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .is_none()
        {
            return Ok(MaybeApiUser(None, ip));
        }
        Ok(MaybeApiUser(
            Some(ApiUser::from_request_parts(parts, state).await?),
            ip,
        ))
    }
}

/// Searches the published items (best matches first), or lists them
/// newest first when `q` is empty; filter by topic and kind. Public.
#[utoipa::path(get, path = "/api/v1/exchange/items", tag = "exchange", params(SearchQuery), security((), ("bearer" = [])),
    responses((status = 200, body = Results)))]
async fn list_items(
    State(state): State<AppState>,
    _who: MaybeApiUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Results>, ApiError> {
    Ok(Json(search::search(&state.db, &state.search, &q).await?))
}

/// One item. Public for published items; an unpublished one only for
/// administrators and the partner who sent it (404 for everyone else).
#[utoipa::path(get, path = "/api/v1/exchange/items/{id}", tag = "exchange", security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "The item's id")),
    responses((status = 200, body = ItemView), (status = 404, body = ErrorResponse)))]
async fn get_item(
    State(state): State<AppState>,
    who: MaybeApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ItemView>, ApiError> {
    let user = who.0.as_ref().map(|a| &a.user);
    Ok(Json(service::item(&state, user, id).await?))
}

/// Adds a resource or event with a link (files: on the page). An
/// administrator's is published at once; a partner's waits for
/// moderation. Bad fields are named; nothing is saved.
#[utoipa::path(post, path = "/api/v1/exchange/items", tag = "exchange", request_body = Draft,
    responses((status = 201, body = ItemView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn submit_item(
    State(state): State<AppState>,
    api: ApiUser,
    body: ApiJson<Draft>,
) -> Result<(axum::http::StatusCode, Json<ItemView>), ApiError> {
    let id = service::submit(&state, &api, body, None).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(service::item(&state, Some(&api.user), id).await?),
    ))
}

/// Changes an item: administrators any, a partner their own while it waits for moderation.
#[utoipa::path(put, path = "/api/v1/exchange/items/{id}", tag = "exchange", request_body = Draft,
    params(("id" = i64, Path, description = "The item's id")),
    responses((status = 200, body = ItemView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_item(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<Draft>,
) -> Result<Json<ItemView>, ApiError> {
    service::edit(&state, &api, id, body, None).await?;
    Ok(Json(service::item(&state, Some(&api.user), id).await?))
}

/// Publishes, rejects (with a note, emailed to the partner) or withdraws an item (administrators).
#[utoipa::path(post, path = "/api/v1/exchange/items/{id}/moderation", tag = "exchange", request_body = Moderation,
    params(("id" = i64, Path, description = "The item's id")),
    responses((status = 200, body = ItemView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn moderate_item(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<Moderation>,
) -> Result<Json<ItemView>, ApiError> {
    service::moderate(&state, &api, id, body).await?;
    Ok(Json(service::item(&state, Some(&api.user), id).await?))
}

/// A topic with how many published items it has.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopicCount {
    #[serde(flatten)]
    pub topic: Topic,
    pub items: i64,
}

/// The 23 topics (Six Key Elements, Programs of Study components, Moving Pathways Forward components) with their published item counts. Public.
#[utoipa::path(get, path = "/api/v1/exchange/topics", tag = "exchange", security((), ("bearer" = [])),
    responses((status = 200, body = Vec<TopicCount>)))]
async fn list_topics(
    State(state): State<AppState>,
    _who: MaybeApiUser,
) -> Result<Json<Vec<TopicCount>>, ApiError> {
    let counts = search::topic_counts(&state.db, &state.search).await?;
    Ok(Json(
        super::topics::all(&state.frameworks)
            .into_iter()
            .map(|t| TopicCount {
                items: counts
                    .iter()
                    .find(|(k, _)| *k == t.key)
                    .map_or(0, |(_, n)| *n),
                topic: t,
            })
            .collect(),
    ))
}

/// Published events that have not ended, soonest first (at most 100). Public.
#[utoipa::path(get, path = "/api/v1/exchange/events", tag = "exchange", security((), ("bearer" = [])),
    responses((status = 200, body = Vec<Hit>)))]
async fn list_events(
    State(state): State<AppState>,
    _who: MaybeApiUser,
) -> Result<Json<Vec<Hit>>, ApiError> {
    Ok(Json(
        search::upcoming_events(&state.db, crate::time::now_ms(), 100).await?,
    ))
}

/// A partner's own submissions with their status and the moderator's note; for administrators, everything waiting for moderation.
#[utoipa::path(get, path = "/api/v1/exchange/submissions", tag = "exchange",
    responses((status = 200, body = Vec<Listed>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn list_submissions(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<Listed>>, ApiError> {
    Ok(Json(service::submissions(&state, &api).await?))
}

/// Every partner organization and interest form, those waiting first (administrators).
#[utoipa::path(get, path = "/api/v1/exchange/partners", tag = "exchange",
    responses((status = 200, body = Vec<Partner>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn list_partners(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<Partner>>, ApiError> {
    Ok(Json(service::partners(&state, &api).await?))
}

/// The answer to an interest form.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Received {
    pub id: i64,
    pub message: String,
}

/// The partners' interest form (public; at most three an hour from one email address).
#[utoipa::path(post, path = "/api/v1/exchange/partners", tag = "exchange", request_body = Interest, security((), ("bearer" = [])),
    responses((status = 201, body = Received), (status = 422, body = ErrorResponse)))]
async fn apply(
    State(state): State<AppState>,
    who: MaybeApiUser,
    body: ApiJson<Interest>,
) -> Result<(axum::http::StatusCode, Json<Received>), ApiError> {
    let form = body.parse()?;
    let actor = match &who.0 {
        Some(a) => a.user.actor(),
        None => (None, "anonymous".to_owned()),
    };
    let id = service::apply(&state, actor, &who.1, &form).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Received {
            id,
            message: "Thank you. We will write to you about sharing on the Exchange.".into(),
        }),
    ))
}

/// Approves (the contact gets a partner account and an email) or declines (a note is needed; it is emailed) an interest form (administrators).
#[utoipa::path(post, path = "/api/v1/exchange/partners/{id}/decision", tag = "exchange", request_body = Decision,
    params(("id" = i64, Path, description = "The partner's id")),
    responses((status = 200, body = Partner), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn decide_partner(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<Decision>,
) -> Result<Json<Partner>, ApiError> {
    Ok(Json(service::decide(&state, &api, id, body).await?))
}
