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

use super::WatchTarget;
use super::requests::{
    FlagRequest, NewPost, NewThread, PostModerationRequest, ResolveRequest,
    ThreadModerationRequest, Watch,
};
use super::service::{self, ThreadPosts};
use super::store::{self, Category, Post, Thread, Version};
use crate::auth::CurrentUser;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Given, Refusal, render};

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
    let actor = visitor.signed_in()?;
    let (program, categories) = service::categories(&state, &actor, &slug).await?;
    let moderates = categories
        .iter()
        .any(|c| service::moderates(&actor.user, c));
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
    let actor = visitor.signed_in()?;
    let (program, hits) = service::search_in(&state, &actor, &slug, &query.q).await?;
    let heading = format!("Search the forum: {}", program.name);
    let chrome = Chrome::new(&visitor, heading, "/forum");
    let q = query.q;
    Ok(render(SearchPage {
        chrome,
        program,
        q,
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

async fn category(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (program, view) = service::category_threads(&state, &actor, (&slug, id), q.page).await?;
    let may_post = policy::allows(&actor.user, &service::post_action(&view.category, false));
    let chrome = Chrome::new(&visitor, format!("{}: forum", view.category.name), "/forum")
        .with_notice(notice(&q.done));
    Ok(render(CategoryPage {
        chrome,
        program,
        category: view.category,
        threads: view.threads,
        page: view.page,
        pages: view.pages,
        may_post,
        watching: view.watching,
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
    let asked = Given(Watch {
        watching: form.watch == "on",
    });
    let target = WatchTarget::Category;
    let on = service::watch(&state, &visitor.signed_in()?, (&slug, id), target, asked).await?;
    let done = if on { Done::Watching } else { Done::Unwatched };
    Ok(Redirect::to(&format!("{}/categories/{id}?done={done}", base(&slug))).into_response())
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
fn with_errors(mut page: FormPage, problems: Vec<(String, String)>) -> Result<Response, AppError> {
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

/// The problems of input refused as invalid; any other refusal is the
/// page's answer as it is.
fn problems(refusal: Refusal) -> Result<Vec<(String, String)>, AppError> {
    match refusal {
        Refusal::Invalid(problems) => Ok(problems),
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

async fn new_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let at = service::open_category(&state, &visitor.signed_in()?, (&slug, id), may_start).await?;
    let page = new_thread_page(&visitor, &at.program, &at.category, &ThreadForm::default());
    Ok(render(page)?.into_response())
}

fn may_start(c: &Category) -> Action {
    service::post_action(c, false)
}

async fn create_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ThreadForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = Given(NewThread {
        title: form.title.clone(),
        body: form.body.clone(),
    });
    match service::start_thread(&state, &actor, (&slug, id), asked).await {
        Ok((thread, _)) => Ok(Done::Posted.redirect(&format!("{}/threads/{thread}", base(&slug)))),
        Err(r) => {
            let problems = problems(r)?;
            let at = service::open_category(&state, &actor, (&slug, id), may_start).await?;
            with_errors(
                new_thread_page(&visitor, &at.program, &at.category, &form),
                problems,
            )
        }
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

fn thread_page(
    visitor: &Visitor,
    user: &CurrentUser,
    program: Program,
    view: ThreadPosts,
    reply: (String, Option<String>),
    done: &str,
) -> ThreadPage {
    let ThreadPosts {
        thread,
        category,
        posts,
        watching,
    } = view;
    let moderates = service::moderates(user, &category);
    let may_reply = policy::allows(user, &service::may_reply(&category, &thread));
    let chrome = Chrome::new(visitor, thread.title.clone(), "/forum").with_notice(notice(done));
    ThreadPage {
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
    }
}

async fn thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (program, view) = service::thread(&state, &actor, (&slug, id)).await?;
    let page = thread_page(
        &visitor,
        &actor.user,
        program,
        view,
        Default::default(),
        &done.done,
    );
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
    let actor = visitor.signed_in()?;
    let asked = Given(NewPost {
        body: form.body.clone(),
    });
    match service::reply(&state, &actor, (&slug, id), asked).await {
        Ok(post) => Ok(Done::Posted.redirect(&format!("{}/threads/{id}#post-{post}", base(&slug)))),
        Err(r) => {
            let message = problems(r)?.into_iter().map(|(_, m)| m).next();
            let (program, view) = service::thread(&state, &actor, (&slug, id)).await?;
            let page = thread_page(
                &visitor,
                &actor.user,
                program,
                view,
                (form.body, message),
                "",
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn watch_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> Result<Response, AppError> {
    let asked = Given(Watch {
        watching: form.watch == "on",
    });
    let target = WatchTarget::Thread;
    let on = service::watch(&state, &visitor.signed_in()?, (&slug, id), target, asked).await?;
    let done = if on { Done::Watching } else { Done::Unwatched };
    Ok(done.redirect(&format!("{}/threads/{id}#watch", base(&slug))))
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
    let actor = visitor.signed_in()?;
    let at =
        service::open_thread(&state, &actor, (&slug, id), service::may_moderate_thread).await?;
    let form = ModerateThreadForm::default();
    let page = moderate_thread_page(
        &state,
        &visitor,
        &actor.user,
        &at.program,
        &at.thread,
        &form,
    );
    Ok(render(page.await?)?.into_response())
}

async fn moderate_thread(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ModerateThreadForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = Given(ThreadModerationRequest {
        action: form.action.clone(),
        reason: form.reason.clone(),
        category_id: form.category_id.trim().parse().ok(),
    });
    match service::moderate_thread(&state, &actor, (&slug, id), asked).await {
        Ok(()) => Ok(Done::Moderated.redirect(&format!("{}/threads/{id}", base(&slug)))),
        Err(r) => {
            let problems = problems(r)?;
            let at =
                service::open_thread(&state, &actor, (&slug, id), service::may_moderate_thread);
            let at = at.await?;
            let page = moderate_thread_page(
                &state,
                &visitor,
                &actor.user,
                &at.program,
                &at.thread,
                &form,
            );
            with_errors(page.await?, problems)
        }
    }
}

// ----- a post: edit, history, flag, moderate -----

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
    let at = service::open_post(
        &state,
        &visitor.signed_in()?,
        (&slug, id),
        service::may_edit_post,
    )
    .await?;
    let body = at.post.body.clone();
    Ok(render(edit_page(&visitor, &at.program, &at.post, body))?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<BodyForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = Given(NewPost {
        body: form.body.clone(),
    });
    match service::edit(&state, &actor, (&slug, id), asked).await {
        Ok(was) => {
            let thread = was.post.thread_id;
            Ok(Done::Edited.redirect(&format!("{}/threads/{thread}#post-{id}", base(&slug))))
        }
        Err(r) => {
            let problems = problems(r)?;
            let at =
                service::open_post(&state, &actor, (&slug, id), service::may_edit_post).await?;
            with_errors(
                edit_page(&visitor, &at.program, &at.post, form.body),
                problems,
            )
        }
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
    let (program, history) = service::history(&state, &visitor.signed_in()?, (&slug, id)).await?;
    let versions = history
        .versions
        .into_iter()
        .map(|v| {
            let html = crate::web::markdown::to_safe_html(&v.body);
            (v, html)
        })
        .collect();
    let chrome = Chrome::new(&visitor, "A post's history", "/forum");
    Ok(render(HistoryPage {
        chrome,
        program,
        post: history.post,
        versions,
        hidden_from_you: history.hidden_from_you,
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
    let actor = visitor.signed_in()?;
    let at = service::open_post(&state, &actor, (&slug, id), service::may_read_post).await?;
    let post = service::shown(&actor.user, &at.category, at.post);
    Ok(render(flag_page(&visitor, &at.program, &post, String::new()))?.into_response())
}

async fn flag(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = Given(FlagRequest {
        reason: form.reason.clone(),
    });
    match service::flag(&state, &actor, (&slug, id), asked).await {
        Ok((_, thread)) => {
            Ok(Done::Flagged.redirect(&format!("{}/threads/{thread}#post-{id}", base(&slug))))
        }
        Err(r) => {
            let problems = problems(r)?;
            let at =
                service::open_post(&state, &actor, (&slug, id), service::may_read_post).await?;
            let post = service::shown(&actor.user, &at.category, at.post);
            with_errors(
                flag_page(&visitor, &at.program, &post, form.reason),
                problems,
            )
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
    let actor = visitor.signed_in()?;
    let at = service::open_post(&state, &actor, (&slug, id), service::may_moderate_post).await?;
    let page = moderate_post_page(&visitor, &at.program, &at.post, &ReasonForm::default());
    Ok(render(page)?.into_response())
}

async fn moderate_post(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let asked = Given(PostModerationRequest {
        action: form.action.clone(),
        reason: form.reason.clone(),
    });
    match service::moderate_post(&state, &actor, (&slug, id), asked).await {
        Ok(thread) => {
            Ok(Done::Moderated.redirect(&format!("{}/threads/{thread}#post-{id}", base(&slug))))
        }
        Err(r) => {
            let problems = problems(r)?;
            let at = service::open_post(&state, &actor, (&slug, id), service::may_moderate_post);
            let at = at.await?;
            with_errors(
                moderate_post_page(&visitor, &at.program, &at.post, &form),
                problems,
            )
        }
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
    let (program, flags) = service::flags(&state, &visitor.signed_in()?, &slug).await?;
    let heading = format!("Reported posts: {}", program.name);
    let chrome = Chrome::new(&visitor, heading, "/forum").with_notice(notice(&done.done));
    let errors = BTreeMap::new();
    Ok(render(FlagsPage {
        chrome,
        program,
        flags,
        errors,
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
    let actor = visitor.signed_in()?;
    let asked = Given(ResolveRequest {
        resolution: form.resolution,
    });
    match service::resolve_flag(&state, &actor, (&slug, id), asked).await {
        Ok(()) => Ok(Done::FlagResolved.redirect(&format!("{}/flags", base(&slug)))),
        Err(r) => {
            let problems = problems(r)?;
            let (program, flags) = service::flags(&state, &actor, &slug).await?;
            let errors = problems.into_iter().take(1).map(|(_, m)| (id, m)).collect();
            let heading = format!("Reported posts: {}", program.name);
            let chrome = Chrome::new(&visitor, heading, "/forum");
            let page = FlagsPage {
                chrome,
                program,
                flags,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}
