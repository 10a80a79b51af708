//! The forum's pages: the forums one takes part in, a program's
//! categories, a category's threads, a thread with its posts and the reply
//! form, the small forms (new thread, edit, flag, moderate), a post's
//! history, the flag queue and search.

use std::collections::BTreeMap;

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, ThreadModeration};
use super::store::{self, Category, Post, Thread, Version};
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::auth::{CurrentUser, guard};
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/forum", forums)
        .get("/forum/unwatch/{token}", unwatch_page)
        .post("/forum/unwatch/{token}", unwatch_now)
        .get("/programs/{slug}/forum", program_forum)
        .get("/programs/{slug}/forum/search", search)
        .get("/programs/{slug}/forum/flags", flags)
        .post("/programs/{slug}/forum/flags/{flag}/resolve", resolve_flag)
        .get("/programs/{slug}/forum/categories/{category}", category)
        .post(
            "/programs/{slug}/forum/categories/{category}",
            create_thread,
        )
        .get(
            "/programs/{slug}/forum/categories/{category}/new",
            new_thread,
        )
        .post(
            "/programs/{slug}/forum/categories/{category}/watch",
            watch_category,
        )
        .get("/programs/{slug}/forum/threads/{thread}", thread)
        .post("/programs/{slug}/forum/threads/{thread}", reply)
        .post(
            "/programs/{slug}/forum/threads/{thread}/watch",
            watch_thread,
        )
        .get(
            "/programs/{slug}/forum/threads/{thread}/moderate",
            moderate_thread_form,
        )
        .post(
            "/programs/{slug}/forum/threads/{thread}/moderate",
            moderate_thread,
        )
        .get("/programs/{slug}/forum/posts/{post}/edit", edit_form)
        .post("/programs/{slug}/forum/posts/{post}", edit)
        .get("/programs/{slug}/forum/posts/{post}/history", history)
        .get("/programs/{slug}/forum/posts/{post}/flag", flag_form)
        .post("/programs/{slug}/forum/posts/{post}/flag", flag)
        .get(
            "/programs/{slug}/forum/posts/{post}/moderate",
            moderate_post_form,
        )
        .post(
            "/programs/{slug}/forum/posts/{post}/moderate",
            moderate_post,
        )
}

fn when(program: &Program, ms: i64) -> String {
    crate::time::format_in_zone(ms, &program.time_zone)
}

fn base(slug: &str) -> String {
    format!("/programs/{slug}/forum")
}

/// The program, if the person takes part in its forum.
async fn forum_of(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
) -> Result<(CurrentUser, Program), AppError> {
    let program = crate::program::load(state, slug).await?;
    let user = guard::page(
        state,
        visitor,
        Action::ViewForum {
            program_id: program.id,
        },
    )
    .await?;
    Ok((user, program))
}

// ----- the forums one takes part in -----

#[derive(Template)]
#[template(path = "forum/index.html")]
struct ForumsPage {
    chrome: Chrome,
    programs: Vec<Program>,
}

async fn forums(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?.clone();
    let programs = service::my_forums(&state, &user).await?;
    let chrome = Chrome::new(&visitor, "Forum", "/forum");
    Ok(render(ForumsPage { chrome, programs })?.into_response())
}

// ----- the stop link in a watch email (no sign-in) -----

#[derive(Template)]
#[template(path = "forum/unwatch.html")]
struct UnwatchPage {
    chrome: Chrome,
    token: String,
    /// None when the link does not work.
    watch: Option<service::LinkedWatch>,
    /// The emails are stopped (now or before).
    done: bool,
}

/// The page for a link that names no watch: a 404 that says so.
fn bad_unwatch_link(visitor: &Visitor) -> Result<Response, AppError> {
    let page = UnwatchPage {
        chrome: Chrome::new(visitor, "This link does not work", "/forum/unwatch"),
        token: String::new(),
        watch: None,
        done: false,
    };
    Ok((StatusCode::NOT_FOUND, render(page)?).into_response())
}

async fn linked_watch(
    state: &AppState,
    token: &str,
) -> Result<Option<service::LinkedWatch>, AppError> {
    match service::linked_watch(state, token).await {
        Ok(w) => Ok(Some(w)),
        Err(Refusal::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A GET only asks (mail scanners open links): the button stops.
async fn unwatch_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(watch) = linked_watch(&state, &token).await? else {
        return bad_unwatch_link(&visitor);
    };
    let page = UnwatchPage {
        chrome: Chrome::new(&visitor, "Stop emails", "/forum/unwatch"),
        done: !watch.watching,
        watch: Some(watch),
        token,
    };
    Ok(render(page)?.into_response())
}

/// Stops the watch at once. Like the Exchange's unsubscribe link, this
/// takes no CSRF token: a mail client's one-click (RFC 8058) posts with no
/// session, the unguessable link is the permission, and a forged request
/// can only do what the link's owner asked for.
async fn unwatch_now(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(mut watch) = linked_watch(&state, &token).await? else {
        return bad_unwatch_link(&visitor);
    };
    service::unwatch_by_link(&state, &visitor.ip, &watch).await?;
    watch.watching = false;
    let page = UnwatchPage {
        chrome: Chrome::new(&visitor, "Emails stopped", "/forum/unwatch"),
        done: true,
        watch: Some(watch),
        token,
    };
    Ok(render(page)?.into_response())
}

// ----- a program's categories -----

#[derive(Template)]
#[template(path = "forum/program.html")]
struct ProgramPage {
    chrome: Chrome,
    program: Program,
    categories: Vec<Category>,
    moderates: bool,
}

impl ProgramPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
    /// (heading, categories) in the order the page shows them.
    fn sections(&self) -> Vec<(&'static str, Vec<&Category>)> {
        [
            ("general", "For everyone"),
            ("state", "Your team's private space"),
            ("topic", "By topic"),
        ]
        .into_iter()
        .map(|(kind, heading)| {
            (
                heading,
                self.categories.iter().filter(|c| c.kind == kind).collect(),
            )
        })
        .collect()
    }
}

async fn program_forum(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (user, program) = forum_of(&state, &visitor, &slug).await?;
    let categories = service::readable_categories(&state, &user, &program).await?;
    let moderates = categories.iter().any(|c| service::moderates(&user, c));
    let chrome = Chrome::new(&visitor, format!("Forum: {}", program.name), "/forum");
    Ok(render(ProgramPage {
        chrome,
        program,
        categories,
        moderates,
    })?
    .into_response())
}

// ----- search -----

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "forum/search.html")]
struct SearchPage {
    chrome: Chrome,
    program: Program,
    q: String,
    hits: Vec<service::SearchHit>,
}

impl SearchPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
}

async fn search(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let (user, program) = forum_of(&state, &visitor, &slug).await?;
    let hits = service::search(&state, &user, &program, &query.q).await?;
    let chrome = Chrome::new(
        &visitor,
        format!("Search the forum: {}", program.name),
        "/forum",
    );
    Ok(render(SearchPage {
        chrome,
        program,
        q: query.q,
        hits,
    })?
    .into_response())
}

// ----- a category's threads -----

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "forum/category.html")]
struct CategoryPage {
    chrome: Chrome,
    program: Program,
    category: Category,
    threads: Vec<Thread>,
    page: i64,
    pages: i64,
    may_post: bool,
    watching: bool,
}

impl CategoryPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
}

/// The category, if the person may read it.
async fn readable_category(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: i64,
) -> Result<(CurrentUser, Program, Category), AppError> {
    let program = crate::program::load(state, slug).await?;
    let category = service::category_in(state, &program, id).await?;
    let user = guard::page(state, visitor, service::view_action(&category)).await?;
    Ok((user, program, category))
}

async fn category(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let (user, program, category) = readable_category(&state, &visitor, &slug, id).await?;
    let with_hidden = service::moderates(&user, &category);
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
    .await?;
    let may_post = policy::allows(&user, &service::post_action(&category, false));
    let watching = store::watching(&state.db.pool, user.id, "category", id).await?;
    let chrome = Chrome::new(&visitor, format!("{}: forum", category.name), "/forum")
        .with_notice(notice(&q.done));
    Ok(render(CategoryPage {
        chrome,
        program,
        category,
        threads,
        page,
        pages,
        may_post,
        watching,
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
struct WatchForm {
    /// "on" to watch, anything else to stop.
    #[serde(default)]
    watch: String,
}

async fn watch_category(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> Result<Response, AppError> {
    let path = format!("{}/categories/{id}", base(&slug));
    let (user, _, _) = readable_category(&state, &visitor, &slug, id).await?;
    let on = form.watch == "on";
    service::watch(&state, &user, &visitor.ip, "category", id, on).await?;
    let done = if on { Done::Watching } else { Done::Unwatched };
    Ok(Redirect::to(&format!("{path}?done={done}")).into_response())
}

// ----- the small forms -----

/// One field of a small form.
struct Field {
    id: &'static str,
    label: &'static str,
    /// text, textarea, select or radio.
    kind: &'static str,
    value: String,
    hint: &'static str,
    /// (value, label) for select and radio.
    options: Vec<(String, String)>,
    error: Option<String>,
    required: bool,
}

impl Field {
    fn new(id: &'static str, label: &'static str, kind: &'static str, value: String) -> Field {
        Field {
            id,
            label,
            kind,
            value,
            hint: "",
            options: vec![],
            error: None,
            required: true,
        }
    }
    fn hint(mut self, hint: &'static str) -> Field {
        self.hint = hint;
        self
    }
    fn options(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options;
        self
    }
    fn optional(mut self) -> Field {
        self.required = false;
        self
    }
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

#[derive(Template)]
#[template(path = "forum/form.html")]
struct FormPage {
    chrome: Chrome,
    /// Where "Back" goes, and its words.
    back: (String, String),
    heading: String,
    intro: String,
    /// A post shown above the form (sanitised HTML).
    quote: Option<String>,
    action: String,
    fields: Vec<Field>,
    submit: &'static str,
}

impl FormPage {
    fn errors(&self) -> Vec<(&'static str, &str)> {
        self.fields
            .iter()
            .filter_map(|f| f.error.as_deref().map(|e| (f.id, e)))
            .collect()
    }
}

/// Puts each refusal's sentence next to its field; anything else is the
/// page's error.
fn with_errors(mut page: FormPage, refusal: Refusal) -> Result<Response, AppError> {
    match refusal {
        Refusal::Invalid(problems) => {
            let mut left = Vec::new();
            for (field, message) in problems {
                match page.fields.iter_mut().find(|f| f.id == field) {
                    Some(f) => f.error = Some(message),
                    None => left.push(message),
                }
            }
            if let (Some(m), Some(f)) = (left.first(), page.fields.first_mut()) {
                f.error.get_or_insert_with(|| m.clone());
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        other => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
struct ThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

fn new_thread_page(
    visitor: &Visitor,
    program: &Program,
    category: &Category,
    form: &ThreadForm,
) -> FormPage {
    let back = format!("{}/categories/{}", base(&program.slug), category.id);
    FormPage {
        chrome: Chrome::new(
            visitor,
            format!("Start a thread in {}", category.name),
            "/forum",
        ),
        back: (back.clone(), format!("Back to {}", category.name)),
        heading: format!("Start a thread in {}", category.name),
        intro: category.description.clone(),
        quote: None,
        action: back,
        fields: vec![
            Field::new("title", "Title", "text", form.title.clone())
                .hint("A short question or topic, up to 150 characters."),
            Field::new("body", "Your post", "textarea", form.body.clone())
                .hint(super::MENTION_HINT),
        ],
        submit: "Post the thread",
    }
}

async fn may_post_in(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: i64,
) -> Result<(CurrentUser, Program, Category), AppError> {
    let program = crate::program::load(state, slug).await?;
    let category = service::category_in(state, &program, id).await?;
    let user = guard::page(state, visitor, service::post_action(&category, false)).await?;
    Ok((user, program, category))
}

async fn new_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (_, program, category) = may_post_in(&state, &visitor, &slug, id).await?;
    let page = new_thread_page(&visitor, &program, &category, &ThreadForm::default());
    Ok(render(page)?.into_response())
}

async fn create_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ThreadForm>,
) -> Result<Response, AppError> {
    let (user, program, category) = may_post_in(&state, &visitor, &slug, id).await?;
    match service::create_thread(
        &state,
        &user,
        &visitor.ip,
        &program,
        &category,
        &form.title,
        &form.body,
    )
    .await
    {
        Ok((thread, _)) => Ok(Redirect::to(&format!(
            "{}/threads/{thread}?done={done}",
            base(&slug),
            done = Done::Posted
        ))
        .into_response()),
        Err(r) => with_errors(new_thread_page(&visitor, &program, &category, &form), r),
    }
}

// ----- a thread -----

#[derive(Template)]
#[template(path = "forum/thread.html")]
struct ThreadPage {
    chrome: Chrome,
    program: Program,
    category: Category,
    thread: Thread,
    posts: Vec<Post>,
    user_id: i64,
    moderates: bool,
    may_reply: bool,
    watching: bool,
    reply: String,
    reply_error: Option<String>,
    hint: &'static str,
}

impl ThreadPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
    fn mine(&self, p: &Post) -> bool {
        p.author_id == Some(self.user_id)
    }
    fn author(&self, p: &Post) -> String {
        p.author_name
            .clone()
            .unwrap_or_else(|| "A former member".into())
    }
    fn base(&self) -> String {
        base(&self.program.slug)
    }
}

async fn readable_thread(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: i64,
) -> Result<(CurrentUser, Program, Thread, Category), AppError> {
    let program = crate::program::load(state, slug).await?;
    let (thread, category) = service::thread_in(state, &program, id).await?;
    let user = guard::page(state, visitor, service::view_action(&category)).await?;
    Ok((user, program, thread, category))
}

#[allow(clippy::too_many_arguments)]
async fn thread_page(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    thread: Thread,
    category: Category,
    reply: (String, Option<String>),
    done: &str,
) -> Result<ThreadPage, AppError> {
    let posts = service::thread_posts(state, user, &category, &thread).await?;
    let moderates = service::moderates(user, &category);
    let may_reply = policy::allows(user, &service::post_action(&category, thread.locked != 0));
    let watching = store::watching(&state.db.pool, user.id, "thread", thread.id).await?;
    let thread = service::shown_thread(user, &category, thread);
    let chrome = Chrome::new(visitor, thread.title.clone(), "/forum").with_notice(notice(done));
    Ok(ThreadPage {
        chrome,
        program,
        category,
        thread,
        posts,
        user_id: user.id,
        moderates,
        may_reply,
        watching,
        reply: reply.0,
        reply_error: reply.1,
        hint: super::MENTION_HINT,
    })
}

async fn thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (user, program, thread, category) = readable_thread(&state, &visitor, &slug, id).await?;
    let page = thread_page(
        &state,
        &visitor,
        &user,
        program,
        thread,
        category,
        (String::new(), None),
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

#[derive(Deserialize, Default)]
struct BodyForm {
    #[serde(default)]
    body: String,
}

async fn reply(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<BodyForm>,
) -> Result<Response, AppError> {
    let path = format!("{}/threads/{id}", base(&slug));
    let program = crate::program::load(&state, &slug).await?;
    let (thread, category) = service::thread_in(&state, &program, id).await?;
    let user = guard::page(
        &state,
        &visitor,
        service::post_action(&category, thread.locked != 0),
    )
    .await?;
    match service::reply(
        &state,
        &user,
        &visitor.ip,
        &program,
        &category,
        &thread,
        &form.body,
    )
    .await
    {
        Ok(post) => Ok(Redirect::to(&format!(
            "{path}?done={done}#post-{post}",
            done = Done::Posted
        ))
        .into_response()),
        Err(Refusal::Invalid(problems)) => {
            let message = problems.into_iter().map(|(_, m)| m).next();
            let page = thread_page(
                &state,
                &visitor,
                &user,
                program,
                thread,
                category,
                (form.body, message),
                "",
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn watch_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> Result<Response, AppError> {
    let path = format!("{}/threads/{id}", base(&slug));
    let (user, _, _, _) = readable_thread(&state, &visitor, &slug, id).await?;
    let on = form.watch == "on";
    service::watch(&state, &user, &visitor.ip, "thread", id, on).await?;
    let done = if on { Done::Watching } else { Done::Unwatched };
    Ok(Redirect::to(&format!("{path}?done={done}#watch")).into_response())
}

// ----- moderating a thread -----

#[derive(Deserialize, Default)]
struct ModerateThreadForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    category_id: String,
}

async fn moderated_thread(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: i64,
) -> Result<(CurrentUser, Program, Thread, Category), AppError> {
    let program = crate::program::load(state, slug).await?;
    let (thread, category) = service::thread_in(state, &program, id).await?;
    let user = guard::page(state, visitor, service::moderate_action(&category)).await?;
    Ok((user, program, thread, category))
}

async fn moderate_thread_page(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    program: &Program,
    thread: &Thread,
    form: &ModerateThreadForm,
) -> Result<FormPage, AppError> {
    let targets: Vec<(String, String)> = store::categories(&state.db.pool, program.id)
        .await?
        .into_iter()
        .filter(|c| c.id != thread.category_id && service::moderates(user, c))
        .map(|c| (c.id.to_string(), c.name))
        .collect();
    let mut actions = vec![];
    if thread.locked == 0 {
        actions.push((
            "lock".to_string(),
            "Lock it: no more replies (moderators still can)".to_string(),
        ));
    } else {
        actions.push((
            "unlock".to_string(),
            "Unlock it: replies are open again".to_string(),
        ));
    }
    if thread.hidden == 0 {
        actions.push((
            "hide".to_string(),
            "Hide it from everyone but moderators (give the reason)".to_string(),
        ));
    } else {
        actions.push(("unhide".to_string(), "Show it again".to_string()));
    }
    actions.push((
        "move".to_string(),
        "Move it to another category".to_string(),
    ));
    let back = format!("{}/threads/{}", base(&program.slug), thread.id);
    let mut category = Field::new("category_id", "Move to", "select", form.category_id.clone())
        .options(targets)
        .optional();
    category.hint = "Only when moving: the categories you moderate.";
    Ok(FormPage {
        chrome: Chrome::new(visitor, format!("Moderate “{}”", thread.title), "/forum"),
        back: (back.clone(), "Back to the thread".into()),
        heading: format!("Moderate “{}”", thread.title),
        intro: format!(
            "It is {} and {}. Everything you do here goes in the audit log.",
            if thread.locked != 0 { "locked" } else { "open for replies" },
            if thread.hidden != 0 {
                "hidden"
            } else {
                "visible to everyone who reads the category"
            }
        ),
        quote: None,
        action: format!("{back}/moderate"),
        fields: vec![
            Field::new("action", "What to do", "radio", form.action.clone()).options(actions),
            Field::new("reason", "Reason", "textarea", form.reason.clone())
                .hint("Needed to hide it. Moderators see it; others see only that a moderator hid it.")
                .optional(),
            category,
        ],
        submit: "Do it",
    })
}

async fn moderate_thread_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (user, program, thread, _) = moderated_thread(&state, &visitor, &slug, id).await?;
    let page = moderate_thread_page(
        &state,
        &visitor,
        &user,
        &program,
        &thread,
        &ModerateThreadForm::default(),
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn moderate_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ModerateThreadForm>,
) -> Result<Response, AppError> {
    let (user, program, thread, _) = moderated_thread(&state, &visitor, &slug, id).await?;
    let result = match ThreadModeration::parse(
        &form.action,
        &form.reason,
        form.category_id.trim().parse().ok(),
    ) {
        Ok(m) => service::moderate_thread(&state, &user, &visitor.ip, &program, &thread, &m).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/threads/{id}?done={done}",
            base(&slug),
            done = Done::Moderated
        ))
        .into_response()),
        Err(r) => with_errors(
            moderate_thread_page(&state, &visitor, &user, &program, &thread, &form).await?,
            r,
        ),
    }
}

// ----- a post: edit, history, flag, moderate -----

async fn post_for(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: i64,
    action: impl Fn(&CurrentUser, &Category, &Post) -> Action,
) -> Result<(CurrentUser, Program, Post, Thread, Category), AppError> {
    let program = crate::program::load(state, slug).await?;
    let (post, thread, category) = service::post_in(state, &program, id).await?;
    let user = visitor.require_user()?.clone();
    guard::page(state, visitor, action(&user, &category, &post)).await?;
    Ok((user, program, post, thread, category))
}

fn edit_page(visitor: &Visitor, program: &Program, post: &Post, body: String) -> FormPage {
    let back = format!(
        "{}/threads/{}#post-{}",
        base(&program.slug),
        post.thread_id,
        post.id
    );
    FormPage {
        chrome: Chrome::new(visitor, "Change your post", "/forum"),
        back: (back, "Back to the thread".into()),
        heading: "Change your post".into(),
        intro: "The earlier version is kept, and anyone who reads the thread can see it in the post's history.".into(),
        quote: None,
        action: format!("{}/posts/{}", base(&program.slug), post.id),
        fields: vec![Field::new("body", "Your post", "textarea", body).hint(super::MENTION_HINT)],
        submit: "Save the change",
    }
}

async fn edit_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (_, program, post, _, _) = post_for(&state, &visitor, &slug, id, |u, c, p| {
        service::edit_action(c, u, p)
    })
    .await?;
    let body = post.body.clone();
    Ok(render(edit_page(&visitor, &program, &post, body))?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<BodyForm>,
) -> Result<Response, AppError> {
    let (user, program, post, thread, category) =
        post_for(&state, &visitor, &slug, id, |u, c, p| {
            service::edit_action(c, u, p)
        })
        .await?;
    match service::edit(
        &state,
        &user,
        &visitor.ip,
        &program,
        &category,
        &thread,
        &post,
        &form.body,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/threads/{}?done={done}#post-{id}",
            base(&slug),
            post.thread_id,
            done = Done::Edited
        ))
        .into_response()),
        Err(r) => with_errors(edit_page(&visitor, &program, &post, form.body), r),
    }
}

#[derive(Template)]
#[template(path = "forum/history.html")]
struct HistoryPage {
    chrome: Chrome,
    program: Program,
    post: Post,
    /// Earlier versions, newest first, with their HTML.
    versions: Vec<(Version, String)>,
    hidden_from_you: bool,
}

impl HistoryPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
}

async fn history(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (user, program, post, thread, category) =
        post_for(&state, &visitor, &slug, id, |_, c, _| {
            service::view_action(c)
        })
        .await?;
    let hidden_from_you =
        (post.hidden != 0 || thread.hidden != 0) && !service::moderates(&user, &category);
    let versions = if hidden_from_you {
        vec![]
    } else {
        store::versions(&state.db.pool, id)
            .await?
            .into_iter()
            .map(|v| {
                let html = crate::web::markdown::to_safe_html(&v.body);
                (v, html)
            })
            .collect()
    };
    let post = service::shown(&user, &category, post);
    let chrome = Chrome::new(&visitor, "A post's history", "/forum");
    Ok(render(HistoryPage {
        chrome,
        program,
        post,
        versions,
        hidden_from_you,
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
struct ReasonForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

fn flag_page(visitor: &Visitor, program: &Program, post: &Post, reason: String) -> FormPage {
    let back = format!(
        "{}/threads/{}#post-{}",
        base(&program.slug),
        post.thread_id,
        post.id
    );
    FormPage {
        chrome: Chrome::new(visitor, "Report a post", "/forum"),
        back: (back, "Back to the thread".into()),
        heading: "Report a post to the moderators".into(),
        intro: "A moderator (a coach or the administrator) will read your reason and may hide the post. The author is not told who reported it.".into(),
        quote: Some(post.html.clone()),
        action: format!("{}/posts/{}/flag", base(&program.slug), post.id),
        fields: vec![Field::new("reason", "What is wrong with it?", "textarea", reason)
            .hint("For example: it shares a person's private details, or it is advertising.")],
        submit: "Report it",
    }
}

async fn flag_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (user, program, post, _, category) = post_for(&state, &visitor, &slug, id, |_, c, _| {
        service::view_action(c)
    })
    .await?;
    let post = service::shown(&user, &category, post);
    Ok(render(flag_page(&visitor, &program, &post, String::new()))?.into_response())
}

async fn flag(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    let (user, program, post, _, category) = post_for(&state, &visitor, &slug, id, |_, c, _| {
        service::view_action(c)
    })
    .await?;
    match service::flag(&state, &user, &visitor.ip, &post, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}/threads/{}?done={done}#post-{id}",
            base(&slug),
            post.thread_id,
            done = Done::Flagged
        ))
        .into_response()),
        Err(r) => {
            let post = service::shown(&user, &category, post);
            with_errors(flag_page(&visitor, &program, &post, form.reason), r)
        }
    }
}

fn moderate_post_page(
    visitor: &Visitor,
    program: &Program,
    post: &Post,
    form: &ReasonForm,
) -> FormPage {
    let back = format!(
        "{}/threads/{}#post-{}",
        base(&program.slug),
        post.thread_id,
        post.id
    );
    let options = if post.hidden == 0 {
        vec![(
            "hide".to_string(),
            "Hide it from everyone but moderators".to_string(),
        )]
    } else {
        vec![("unhide".to_string(), "Show it again".to_string())]
    };
    FormPage {
        chrome: Chrome::new(visitor, "Moderate a post", "/forum"),
        back: (back, "Back to the thread".into()),
        heading: "Moderate a post".into(),
        intro: if post.hidden != 0 {
            format!("It is hidden: {}", post.hidden_reason)
        } else {
            "Others will see “hidden by a moderator” in its place; moderators still see the text. This goes in the audit log.".into()
        },
        quote: Some(post.html.clone()),
        action: format!("{}/posts/{}/moderate", base(&program.slug), post.id),
        fields: vec![
            Field::new("action", "What to do", "radio", form.action.clone()).options(options),
            Field::new("reason", "Reason", "textarea", form.reason.clone())
                .hint("Needed to hide it.")
                .optional(),
        ],
        submit: "Do it",
    }
}

async fn moderate_post_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (_, program, post, _, _) = post_for(&state, &visitor, &slug, id, |_, c, _| {
        service::moderate_action(c)
    })
    .await?;
    Ok(render(moderate_post_page(
        &visitor,
        &program,
        &post,
        &ReasonForm::default(),
    ))?
    .into_response())
}

async fn moderate_post(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    let (user, program, post, _, _) = post_for(&state, &visitor, &slug, id, |_, c, _| {
        service::moderate_action(c)
    })
    .await?;
    match service::moderate_post(
        &state,
        &user,
        &visitor.ip,
        &post,
        &form.action,
        &form.reason,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/threads/{}?done={done}#post-{id}",
            base(&slug),
            post.thread_id,
            done = Done::Moderated
        ))
        .into_response()),
        Err(r) => with_errors(moderate_post_page(&visitor, &program, &post, &form), r),
    }
}

// ----- the flag queue -----

#[derive(Template)]
#[template(path = "forum/flags.html")]
struct FlagsPage {
    chrome: Chrome,
    program: Program,
    flags: Vec<store::Flag>,
    errors: BTreeMap<i64, String>,
}

impl FlagsPage {
    fn when(&self, ms: &i64) -> String {
        when(&self.program, *ms)
    }
    fn error(&self, id: &i64) -> Option<&String> {
        self.errors.get(id)
    }

    /// The problems, for the summary at the top, each with its field's id.
    fn problems(&self) -> Vec<(String, &str)> {
        self.errors
            .iter()
            .map(|(id, m)| (format!("resolution-{id}"), m.as_str()))
            .collect()
    }
}

async fn flags(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let program = crate::program::load(&state, &slug).await?;
    let user = guard::page(
        &state,
        &visitor,
        Action::ModerateForum {
            program_id: program.id,
            private_to: None,
        },
    )
    .await?;
    let flags = service::open_flags(&state, &user, &program).await?;
    let chrome = Chrome::new(
        &visitor,
        format!("Reported posts: {}", program.name),
        "/forum",
    )
    .with_notice(notice(&done.done));
    Ok(render(FlagsPage {
        chrome,
        program,
        flags,
        errors: BTreeMap::new(),
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
struct ResolveForm {
    #[serde(default)]
    resolution: String,
}

async fn resolve_flag(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> Result<Response, AppError> {
    let program = crate::program::load(&state, &slug).await?;
    let flag = store::flag(&state.db.pool, id)
        .await?
        .ok_or(AppError::NOT_FOUND)?;
    let category = service::category_in(&state, &program, flag.category_id).await?;
    let user = guard::page(&state, &visitor, service::moderate_action(&category)).await?;
    match service::resolve_flag(&state, &user, &visitor.ip, &flag, &form.resolution).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/flags?done={done}",
            base(&slug),
            done = Done::FlagResolved
        ))
        .into_response()),
        Err(Refusal::Invalid(problems)) => {
            let flags = service::open_flags(&state, &user, &program).await?;
            let mut errors = BTreeMap::new();
            if let Some((_, m)) = problems.into_iter().next() {
                errors.insert(id, m);
            }
            let chrome = Chrome::new(
                &visitor,
                format!("Reported posts: {}", program.name),
                "/forum",
            );
            let page = FlagsPage {
                chrome,
                program,
                flags,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
