//! `/api/v1` for Exchange subscribers and digests. Subscribing, the
//! subscription links' actions and the archive need no token (the link's
//! token is the permission); the runs are for the admin.

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::State;

use crate::auth::session::ClientAddress;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Subscriber;
use crate::auth::api::ApiUser;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::exchange::digest::{self, Archived, Item, Run};
use crate::exchange::subscription as subscribe;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(subscribe_api))
        .routes(routes!(
            get_subscription,
            put_subscription,
            delete_subscription
        ))
        .routes(routes!(confirm_subscription))
        .routes(routes!(list_digests))
        .routes(routes!(get_digest))
        .routes(routes!(list_runs))
}

fn invalid(errors: subscribe::FieldErrors) -> ApiError {
    crate::web::Refusal::fields(errors).into()
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SubscribeRequest {
    #[schema(example = "ana@example.org")]
    #[schema(format = Email)]
    pub email: String,
    /// Topic keys, e.g. `six-key-elements/partnerships` (as on the subscribe page).
    #[schema(example = json!(["six-key-elements/partnerships"]))]
    #[serde(default)]
    pub topics: Vec<String>,
    /// daily or weekly.
    #[serde(default)]
    #[schema(schema_with = frequencies)]
    pub frequency: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub message: String,
}

/// Subscribes an address to digests (no token needed). The answer is the same whether or not the address is known; a confirmation link is emailed (or, if already subscribed, the manage link), at most once every ten minutes per address. Nothing is sent before the link is confirmed.
#[utoipa::path(post, path = "/api/v1/exchange/subscriptions", tag = "exchange", request_body = SubscribeRequest, security(()),
    responses((status = 202, body = Accepted), (status = 422, body = ErrorResponse), (status = 429, body = ErrorResponse)))]
async fn subscribe_api(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    body: ApiJson<SubscribeRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    crate::web::limit::anonymous_write(&state.db, &state.config, &address).await?;
    let req = body.parse()?;
    let choice = subscribe::check(&state.frameworks, &req.email, &req.topics, &req.frequency)
        .map_err(invalid)?;
    subscribe::subscribe(&state, &address, &choice).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: "Check your email: open the link in it to confirm.".into(),
        }),
    ))
}

async fn by_token(state: &AppState, token: &str) -> Result<Subscriber, ApiError> {
    subscribe::by_token(state, token)
        .await?
        .ok_or(ApiError::NOT_FOUND)
}

/// The subscription a link's token names.
#[utoipa::path(get, path = "/api/v1/exchange/subscriptions/{token}", tag = "exchange", security(()),
    params(("token" = String, Path, description = "The token from the subscriber's links")),
    responses((status = 200, body = Subscriber), (status = 404, body = ErrorResponse)))]
async fn get_subscription(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Subscriber>, ApiError> {
    Ok(Json(by_token(&state, &token).await?))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChangeRequest {
    #[serde(default)]
    pub topics: Vec<String>,
    /// daily or weekly.
    #[serde(default)]
    pub frequency: String,
}

/// Changes a subscription's topics and frequency.
#[utoipa::path(put, path = "/api/v1/exchange/subscriptions/{token}", tag = "exchange", request_body = ChangeRequest, security(()),
    params(("token" = String, Path, description = "The token from the subscriber's links")),
    responses((status = 200, body = Subscriber), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_subscription(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    body: ApiJson<ChangeRequest>,
) -> Result<Json<Subscriber>, ApiError> {
    crate::web::limit::anonymous_write(&state.db, &state.config, &address).await?;
    let sub = by_token(&state, &token).await?;
    let req = body.parse()?;
    let (topics, frequency) =
        subscribe::check_choice(&state.frameworks, &req.topics, &req.frequency).map_err(invalid)?;
    subscribe::change(&state, &address, &sub, &topics, &frequency).await?;
    Ok(Json(by_token(&state, &token).await?))
}

/// Unsubscribes at once: no digest goes out to the address after this, even one already queued.
#[utoipa::path(delete, path = "/api/v1/exchange/subscriptions/{token}", tag = "exchange", security(()),
    params(("token" = String, Path, description = "The token from the subscriber's links")),
    responses((status = 200, body = Subscriber), (status = 404, body = ErrorResponse)))]
async fn delete_subscription(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
) -> Result<Json<Subscriber>, ApiError> {
    crate::web::limit::anonymous_write(&state.db, &state.config, &address).await?;
    let sub = by_token(&state, &token).await?;
    subscribe::unsubscribe(&state, &address, &sub).await?;
    Ok(Json(by_token(&state, &token).await?))
}

/// Confirms a subscription (or renews it after unsubscribing).
#[utoipa::path(post, path = "/api/v1/exchange/subscriptions/{token}/confirm", tag = "exchange", security(()),
    params(("token" = String, Path, description = "The token from the subscriber's links")),
    responses((status = 200, body = Subscriber), (status = 404, body = ErrorResponse)))]
async fn confirm_subscription(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
) -> Result<Json<Subscriber>, ApiError> {
    crate::web::limit::anonymous_write(&state.db, &state.config, &address).await?;
    let sub = by_token(&state, &token).await?;
    subscribe::activate(&state, &address, &sub).await?;
    Ok(Json(by_token(&state, &token).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicQuery {
    /// Only this topic's digests.
    #[serde(default)]
    pub topic: String,
}

/// Past digests (the public archive), newest first, each one topic's items of one day or week.
#[utoipa::path(get, path = "/api/v1/exchange/digests", tag = "exchange", security(()), params(TopicQuery),
    responses((status = 200, body = Vec<Archived>), (status = 422, body = ErrorResponse)))]
async fn list_digests(
    State(state): State<AppState>,
    Query(q): Query<TopicQuery>,
) -> Result<Json<Vec<Archived>>, ApiError> {
    let topic = q.topic.trim();
    if !topic.is_empty() && crate::exchange::topics::find(&state.frameworks, topic).is_none() {
        return Err(ApiError::field(
            "topic",
            format!("There is no topic called {topic}."),
        ));
    }
    Ok(Json(digest::archive_list(&state, Some(topic), 500).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DigestWithItems {
    pub digest: Archived,
    pub items: Vec<Item>,
}

/// One past digest and its items.
#[utoipa::path(get, path = "/api/v1/exchange/digests/{id}", tag = "exchange", security(()),
    params(("id" = i64, Path, description = "The archived digest")),
    responses((status = 200, body = DigestWithItems), (status = 404, body = ErrorResponse)))]
async fn get_digest(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<DigestWithItems>, ApiError> {
    let (digest, items) = digest::archive_one(&state, id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    Ok(Json(DigestWithItems { digest, items }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Runs {
    pub runs: Vec<Run>,
    /// "<status> <frequency>" -> subscribers.
    pub subscribers: std::collections::BTreeMap<String, i64>,
    /// Digest messages waiting to go out.
    pub unsent: i64,
}

/// Digest runs, newest first, and subscriber counts (the admin).
#[utoipa::path(get, path = "/api/v1/exchange/digest-runs", tag = "exchange",
    responses((status = 200, body = Runs), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn list_runs(State(state): State<AppState>, api: ApiUser) -> Result<Json<Runs>, ApiError> {
    guard::api(&state, &api, Action::ManageExchange).await?;
    Ok(Json(Runs {
        runs: digest::runs(&state, 50).await?,
        subscribers: subscribe::counts(&state).await?,
        unsent: digest::unsent(&state).await?,
    }))
}

fn frequencies() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&subscribe::FREQUENCIES)
}
