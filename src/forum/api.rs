//! `/api/v1` for the forum: categories, threads, posts, posting,
//! replying, editing with history, flags, watching, moderation and search.
//! Each handler calls the forum's operation and renders its answer.

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::WatchTarget;
use super::requests::{
    FlagRequest, NewPost, NewThread, PostModerationRequest, ResolveRequest,
    ThreadModerationRequest, Watch,
};
use super::service::{self, CategoryThreads, History, SearchHit, ThreadPosts};
use super::store::{self, Category, Flag, Post, Thread};
use crate::auth::api::ApiUser;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_categories))
        .routes(routes!(get_category))
        .routes(routes!(post_thread))
        .routes(routes!(put_category_watch))
        .routes(routes!(get_thread))
        .routes(routes!(post_reply))
        .routes(routes!(put_thread_watch))
        .routes(routes!(moderate_thread))
        .routes(routes!(put_post))
        .routes(routes!(get_history))
        .routes(routes!(post_flag))
        .routes(routes!(moderate_post))
        .routes(routes!(get_flags))
        .routes(routes!(resolve_flag))
        .routes(routes!(get_search))
}

/// The categories of a program's forum the caller may read.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Vec<Category>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_categories(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(service::categories(&state, &api, &slug).await?.1))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PageParams {
    /// 1 for the latest threads (25 to a page).
    page: Option<i64>,
}

/// A category with a page of its threads, latest activity first.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum/categories/{category}", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name"), ("category" = i64, Path, description = "The category's id"), PageParams),
    responses((status = 200, body = CategoryThreads), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_category(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PageParams>,
) -> Result<Json<CategoryThreads>, ApiError> {
    Ok(Json(
        service::category_threads(&state, &api, (&slug, id), q.page)
            .await?
            .1,
    ))
}

/// Starts a thread in a category (the caller then watches it). Mentioned readers of the category get an email; so do the category's watchers. Refused naming `title` or `body`; nothing changes then.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/categories/{category}/threads", tag = "forum", request_body = NewThread,
    params(("slug" = String, Path, description = "The program's short name"), ("category" = i64, Path, description = "The category's id")),
    responses((status = 200, body = ThreadPosts), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn post_thread(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<NewThread>,
) -> Result<Json<ThreadPosts>, ApiError> {
    let (thread, _) = service::start_thread(&state, &api, (&slug, id), body).await?;
    Ok(Json(
        service::thread(&state, &api, (&slug, thread)).await?.1,
    ))
}

/// Starts or stops watching a category.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/forum/categories/{category}/watch", tag = "forum", request_body = Watch,
    params(("slug" = String, Path, description = "The program's short name"), ("category" = i64, Path, description = "The category's id")),
    responses((status = 200, body = Watch), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_category_watch(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<Watch>,
) -> Result<Json<Watch>, ApiError> {
    let watching = service::watch(&state, &api, (&slug, id), WatchTarget::Category, body).await?;
    Ok(Json(Watch { watching }))
}

/// A thread with its posts.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum/threads/{thread}", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name"), ("thread" = i64, Path, description = "The thread's id")),
    responses((status = 200, body = ThreadPosts), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_thread(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Json<ThreadPosts>, ApiError> {
    Ok(Json(service::thread(&state, &api, (&slug, id)).await?.1))
}

/// Replies in a thread (a locked thread takes replies from moderators only). Mentioned readers and the watchers of the thread or its category get an email. Refused naming `body`.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/threads/{thread}/posts", tag = "forum", request_body = NewPost,
    params(("slug" = String, Path, description = "The program's short name"), ("thread" = i64, Path, description = "The thread's id")),
    responses((status = 200, body = ThreadPosts), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn post_reply(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<NewPost>,
) -> Result<Json<ThreadPosts>, ApiError> {
    service::reply(&state, &api, (&slug, id), body).await?;
    Ok(Json(service::thread(&state, &api, (&slug, id)).await?.1))
}

/// Starts or stops watching a thread.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/forum/threads/{thread}/watch", tag = "forum", request_body = Watch,
    params(("slug" = String, Path, description = "The program's short name"), ("thread" = i64, Path, description = "The thread's id")),
    responses((status = 200, body = Watch), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_thread_watch(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<Watch>,
) -> Result<Json<Watch>, ApiError> {
    let watching = service::watch(&state, &api, (&slug, id), WatchTarget::Thread, body).await?;
    Ok(Json(Watch { watching }))
}

/// Locks, unlocks, hides (with a reason), shows again or moves a thread (moderators: the admin and coaches; in a private category, the state's coach). Audited.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/threads/{thread}/moderate", tag = "forum", request_body = ThreadModerationRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("thread" = i64, Path, description = "The thread's id")),
    responses((status = 200, body = Thread), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn moderate_thread(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<ThreadModerationRequest>,
) -> Result<Json<Thread>, ApiError> {
    service::moderate_thread(&state, &api, (&slug, id), body).await?;
    let thread = store::thread(&state.db.pool, id).await?;
    Ok(Json(thread.ok_or(ApiError::NOT_FOUND)?))
}

/// Changes your own post; the earlier text is kept in its history. Refused naming `body`.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/forum/posts/{post}", tag = "forum", request_body = NewPost,
    params(("slug" = String, Path, description = "The program's short name"), ("post" = i64, Path, description = "The post's id")),
    responses((status = 200, body = Post), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_post(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<NewPost>,
) -> Result<Json<Post>, ApiError> {
    let was = service::edit(&state, &api, (&slug, id), body).await?;
    let post = store::post(&state.db.pool, id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    Ok(Json(service::shown(&api.user, &was.category, post)))
}

/// A post's earlier versions, newest first.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum/posts/{post}/history", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name"), ("post" = i64, Path, description = "The post's id")),
    responses((status = 200, body = History), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_history(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Json<History>, ApiError> {
    Ok(Json(service::history(&state, &api, (&slug, id)).await?.1))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Flagged {
    pub id: i64,
}

/// Reports a post to the moderators. Refused naming `reason`.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/posts/{post}/flag", tag = "forum", request_body = FlagRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("post" = i64, Path, description = "The post's id")),
    responses((status = 200, body = Flagged), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn post_flag(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<FlagRequest>,
) -> Result<Json<Flagged>, ApiError> {
    let (id, _) = service::flag(&state, &api, (&slug, id), body).await?;
    Ok(Json(Flagged { id }))
}

/// Hides a post (with a reason) or shows it again (moderators). Audited.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/posts/{post}/moderate", tag = "forum", request_body = PostModerationRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("post" = i64, Path, description = "The post's id")),
    responses((status = 200, body = Post), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn moderate_post(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<PostModerationRequest>,
) -> Result<Json<Post>, ApiError> {
    service::moderate_post(&state, &api, (&slug, id), body).await?;
    let post = store::post(&state.db.pool, id).await?;
    Ok(Json(post.ok_or(ApiError::NOT_FOUND)?))
}

/// The reports waiting in the categories the caller moderates, oldest first.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum/flags", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Vec<Flag>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_flags(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Flag>>, ApiError> {
    Ok(Json(service::flags(&state, &api, &slug).await?.1))
}

/// Resolves a report (moderators of the post's category). Audited.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/forum/flags/{flag}/resolve", tag = "forum", request_body = ResolveRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("flag" = i64, Path, description = "The report's id")),
    responses((status = 200, body = Flagged), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn resolve_flag(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<ResolveRequest>,
) -> Result<Json<Flagged>, ApiError> {
    service::resolve_flag(&state, &api, (&slug, id), body).await?;
    Ok(Json(Flagged { id }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// The words to look for (all of them).
    #[serde(default)]
    q: String,
}

/// Searches the posts the caller may read: one result per thread.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/forum/search", tag = "forum",
    params(("slug" = String, Path, description = "The program's short name"), SearchParams),
    responses((status = 200, body = Vec<SearchHit>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_search(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    Query(q): Query<SearchParams>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    Ok(Json(service::search_in(&state, &api, &slug, &q.q).await?.1))
}
