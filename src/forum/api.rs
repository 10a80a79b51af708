//! `/api/v1` for the forum: categories, threads, posts, posting,
//! replying, editing with history, flags, watching, moderation and search.

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, SearchHit, ThreadModeration};
use super::store::{self, Category, Flag, Post, Thread, Version};
use crate::auth::CurrentUser;
use crate::auth::api::ApiUser;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::program::store::Program;
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

async fn forum(state: &AppState, api: &ApiUser, slug: &str) -> Result<Program, ApiError> {
    let program = crate::program::load(state, slug).await?;
    guard::api(
        state,
        api,
        Action::ViewForum {
            program_id: program.id,
        },
    )
    .await?;
    Ok(program)
}

async fn category_for(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
    id: i64,
    action: impl Fn(&Category) -> Action,
) -> Result<(Program, Category), ApiError> {
    let program = crate::program::load(state, slug).await?;
    let category = service::category_in(state, &program, id).await?;
    guard::api(state, api, action(&category)).await?;
    Ok((program, category))
}

async fn thread_for(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
    id: i64,
    action: impl Fn(&Category, &Thread) -> Action,
) -> Result<(Program, Thread, Category), ApiError> {
    let program = crate::program::load(state, slug).await?;
    let (thread, category) = service::thread_in(state, &program, id).await?;
    guard::api(state, api, action(&category, &thread)).await?;
    Ok((program, thread, category))
}

async fn post_for(
    state: &AppState,
    api: &ApiUser,
    slug: &str,
    id: i64,
    action: impl Fn(&CurrentUser, &Category, &Post) -> Action,
) -> Result<(Program, Post, Thread, Category), ApiError> {
    let program = crate::program::load(state, slug).await?;
    let (post, thread, category) = service::post_in(state, &program, id).await?;
    guard::api(state, api, action(&api.user, &category, &post)).await?;
    Ok((program, post, thread, category))
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
    let program = forum(&state, &api, &slug).await?;
    Ok(Json(
        service::readable_categories(&state, &api.user, &program).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PageParams {
    /// 1 for the latest threads (25 to a page).
    page: Option<i64>,
}

/// A category and a page of its threads.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryThreads {
    pub category: Category,
    /// Latest activity first; hidden threads only for moderators.
    pub threads: Vec<Thread>,
    pub page: i64,
    pub pages: i64,
    /// Whether the caller watches the category.
    pub watching: bool,
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
    let (_, category) = category_for(&state, &api, &slug, id, service::view_action).await?;
    let with_hidden = service::moderates(&api.user, &category);
    let total = store::thread_count(&state.db.pool, id, with_hidden).await?;
    let pages = ((total + super::THREADS_PER_PAGE - 1) / super::THREADS_PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let threads = store::threads(
        &state.db.pool,
        id,
        with_hidden,
        super::THREADS_PER_PAGE,
        (page - 1) * super::THREADS_PER_PAGE,
    )
    .await?
    .into_iter()
    .map(|t| service::shown_thread(&api.user, &category, t))
    .collect();
    let watching = store::watching(&state.db.pool, api.user.id, "category", id).await?;
    Ok(Json(CategoryThreads {
        category,
        threads,
        page,
        pages,
        watching,
    }))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewThread {
    /// Up to 150 characters.
    pub title: String,
    /// Markdown, up to 20,000 characters. `@Ana.Ruiz` (or `@Ana` when
    /// only one Ana reads the category) mentions and emails a person.
    pub body: String,
}

/// The thread and its posts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadPosts {
    pub thread: Thread,
    pub category: Category,
    /// Oldest first. A hidden post's words are empty except for moderators.
    pub posts: Vec<Post>,
    /// Whether the caller watches the thread.
    pub watching: bool,
}

async fn thread_posts(
    state: &AppState,
    user: &CurrentUser,
    thread_id: i64,
    category: Category,
) -> Result<ThreadPosts, ApiError> {
    let thread = store::thread(&state.db.pool, thread_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    let posts = service::thread_posts(state, user, &category, &thread).await?;
    let watching = store::watching(&state.db.pool, user.id, "thread", thread_id).await?;
    Ok(ThreadPosts {
        thread: service::shown_thread(user, &category, thread),
        category,
        posts,
        watching,
    })
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
    let (program, category) =
        category_for(&state, &api, &slug, id, |c| service::post_action(c, false)).await?;
    let req = body.parse()?;
    let (thread, _) = service::create_thread(
        &state, &api.user, &api.ip, &program, &category, &req.title, &req.body,
    )
    .await?;
    Ok(Json(
        thread_posts(&state, &api.user, thread, category).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Watch {
    /// true to get an email for each new post, false to stop.
    pub watching: bool,
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
    category_for(&state, &api, &slug, id, service::view_action).await?;
    let req = body.parse()?;
    service::watch(&state, &api.user, &api.ip, "category", id, req.watching).await?;
    Ok(Json(req))
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
    let (_, _, category) =
        thread_for(&state, &api, &slug, id, |c, _| service::view_action(c)).await?;
    Ok(Json(thread_posts(&state, &api.user, id, category).await?))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewPost {
    /// Markdown, up to 20,000 characters; `@Name.Surname` mentions.
    pub body: String,
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
    let (program, thread, category) = thread_for(&state, &api, &slug, id, |c, t| {
        service::post_action(c, t.locked != 0)
    })
    .await?;
    let req = body.parse()?;
    service::reply(
        &state, &api.user, &api.ip, &program, &category, &thread, &req.body,
    )
    .await?;
    Ok(Json(thread_posts(&state, &api.user, id, category).await?))
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
    thread_for(&state, &api, &slug, id, |c, _| service::view_action(c)).await?;
    let req = body.parse()?;
    service::watch(&state, &api.user, &api.ip, "thread", id, req.watching).await?;
    Ok(Json(req))
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
    let (program, thread, _) =
        thread_for(&state, &api, &slug, id, |c, _| service::moderate_action(c)).await?;
    let req = body.parse()?;
    let m = ThreadModeration::parse(&req.action, &req.reason, req.category_id)?;
    service::moderate_thread(&state, &api.user, &api.ip, &program, &thread, &m).await?;
    Ok(Json(
        store::thread(&state.db.pool, id)
            .await?
            .ok_or(ApiError::NOT_FOUND)?,
    ))
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
    let (program, post, thread, category) = post_for(&state, &api, &slug, id, |u, c, p| {
        service::edit_action(c, u, p)
    })
    .await?;
    let req = body.parse()?;
    service::edit(
        &state, &api.user, &api.ip, &program, &category, &thread, &post, &req.body,
    )
    .await?;
    let post = store::post(&state.db.pool, id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    Ok(Json(service::shown(&api.user, &category, post)))
}

/// A post and its earlier versions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    pub post: Post,
    /// Newest first; empty when the post is hidden from you.
    pub versions: Vec<Version>,
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
    let (_, post, thread, category) =
        post_for(&state, &api, &slug, id, |_, c, _| service::view_action(c)).await?;
    let hidden =
        (post.hidden != 0 || thread.hidden != 0) && !service::moderates(&api.user, &category);
    let versions = if hidden {
        vec![]
    } else {
        store::versions(&state.db.pool, id).await?
    };
    Ok(Json(History {
        post: service::shown(&api.user, &category, post),
        versions,
    }))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FlagRequest {
    /// What is wrong with the post, up to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
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
    let (_, post, _, _) =
        post_for(&state, &api, &slug, id, |_, c, _| service::view_action(c)).await?;
    let req = body.parse()?;
    let id = service::flag(&state, &api.user, &api.ip, &post, &req.reason).await?;
    Ok(Json(Flagged { id }))
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
    let (_, post, _, _) = post_for(&state, &api, &slug, id, |_, c, _| {
        service::moderate_action(c)
    })
    .await?;
    let req = body.parse()?;
    service::moderate_post(&state, &api.user, &api.ip, &post, &req.action, &req.reason).await?;
    Ok(Json(
        store::post(&state.db.pool, id)
            .await?
            .ok_or(ApiError::NOT_FOUND)?,
    ))
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
    let program = crate::program::load(&state, &slug).await?;
    guard::api(
        &state,
        &api,
        Action::ModerateForum {
            program_id: program.id,
            private_to: None,
        },
    )
    .await?;
    Ok(Json(
        service::open_flags(&state, &api.user, &program).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ResolveRequest {
    /// What was done, up to 500 characters (may be empty).
    #[serde(default)]
    pub resolution: String,
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
    let program = crate::program::load(&state, &slug).await?;
    let flag = store::flag(&state.db.pool, id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    let category = service::category_in(&state, &program, flag.category_id).await?;
    guard::api(&state, &api, service::moderate_action(&category)).await?;
    let req = body.parse()?;
    service::resolve_flag(&state, &api.user, &api.ip, &flag, &req.resolution).await?;
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
    let program = forum(&state, &api, &slug).await?;
    Ok(Json(
        service::search(&state, &api.user, &program, &q.q).await?,
    ))
}

/// What a moderator can do to a thread (as `ThreadModeration::parse` takes it).
fn thread_actions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["lock", "unlock", "hide", "unhide", "move"])
}

/// What a moderator can do to a post.
fn post_actions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["hide", "unhide"])
}
