//! Forum steps shared by the pages and the API: the categories (made when
//! the forum is first opened), reading what one may read, posting with
//! mentions and watch emails in the post's transaction, editing with
//! history, flags, watches and moderation; every change audited.
//! Each operation opens what the address names (the program, then the
//! category, thread or post in it), asks the policy for the actor, reads
//! the input, writes and audits; the pages and the API only parse and
//! render around them.

use askama::Template;

use super::requests::{
    FlagRequest, NewPost, NewThread, PostModerationRequest, ResolveRequest,
    ThreadModerationRequest, Watch,
};
use super::store::{self, Category, Person, Post, Thread, Version};
use super::{WatchRef, WatchTarget};
use crate::audit::{self, Entry};
use crate::auth::policy::{self, Action};
use crate::auth::{Actor, CurrentUser};
use crate::mail::Email;
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{Input, Refusal};

pub fn view_action(c: &Category) -> Action {
    Action::ViewForumCategory {
        program_id: c.program_id,
        private_to: c.private_to.clone(),
    }
}

pub fn post_action(c: &Category, locked: bool) -> Action {
    Action::PostInForum {
        program_id: c.program_id,
        private_to: c.private_to.clone(),
        locked,
    }
}

pub fn moderate_action(c: &Category) -> Action {
    Action::ModerateForum {
        program_id: c.program_id,
        private_to: c.private_to.clone(),
    }
}

pub fn edit_action(c: &Category, user: &CurrentUser, post: &Post) -> Action {
    Action::EditForumPost {
        program_id: c.program_id,
        private_to: c.private_to.clone(),
        author: post.author_id == Some(user.id),
    }
}

pub fn reads(user: &CurrentUser, c: &Category) -> bool {
    policy::allows(user, &view_action(c))
}

pub fn moderates(user: &CurrentUser, c: &Category) -> bool {
    policy::allows(user, &moderate_action(c))
}

/// The categories the program's forum should have: General, one per
/// element (or component) of its framework, one per state team.
async fn wanted_categories(
    state: &AppState,
    program: &Program,
) -> Result<Vec<store::NewCategory>, Refusal> {
    let mut wanted = vec![(
        "general",
        "general".to_owned(),
        "General".to_owned(),
        "For everyone in the program: questions, news and ideas.".to_owned(),
        0,
        None,
    )];
    for (code, name) in crate::team::store::teams(&state.db.pool, program.id).await? {
        wanted.push((
            "state",
            code.clone(),
            format!("{name} team (private)"),
            format!("Only {name}'s team, its coach and the administrator can read this."),
            1000,
            Some(code),
        ));
    }
    if let Some(f) = state.frameworks.get(&program.framework) {
        let topics: Vec<(String, String)> = if f.elements.is_empty() {
            f.components
                .iter()
                .map(|c| (c.key.clone(), c.name.clone()))
                .collect()
        } else {
            f.elements
                .iter()
                .map(|e| (e.key.clone(), e.name.clone()))
                .collect()
        };
        for (i, (key, name)) in topics.into_iter().enumerate() {
            wanted.push((
                "topic",
                key,
                name.clone(),
                format!("Talk about {name} with the other states."),
                100 + i as i64,
                None,
            ));
        }
    }
    Ok(wanted)
}

/// Makes the categories not there yet (the first time the forum is
/// opened, and for teams added since, even when as many others left);
/// does nothing when all are there. Categories of teams that left stay,
/// with their threads.
pub async fn ensure_categories(state: &AppState, program: &Program) -> Result<(), Refusal> {
    let wanted = wanted_categories(state, program).await?;
    let existing = store::category_identities(&state.db.pool, program.id).await?;
    let missing = super::missing_categories(&existing, &wanted);
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    // Two first openings at once: the second one's inserts do nothing.
    let added = store::ensure_categories(&mut tx, program.id, &missing, now_ms()).await?;
    if added > 0 {
        audit::write(
            &mut *tx,
            &Entry::new((None, "waymark".into()), "", "forum_add_categories")
                .record("program", program.id)
                .detail(format!("{added} forum categories in {}", program.slug)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The program's categories the person may read.
pub async fn readable_categories(
    state: &AppState,
    user: &CurrentUser,
    program: &Program,
) -> Result<Vec<Category>, Refusal> {
    ensure_categories(state, program).await?;
    Ok(store::categories(&state.db.pool, program.id)
        .await?
        .into_iter()
        .filter(|c| reads(user, c))
        .collect())
}

/// A category of this program (other programs' are not found here).
pub async fn category_in(
    state: &AppState,
    program: &Program,
    id: i64,
) -> Result<Category, Refusal> {
    store::category(&state.db.pool, id)
        .await?
        .filter(|c| c.program_id == program.id)
        .ok_or(Refusal::NotFound)
}

pub async fn thread_in(
    state: &AppState,
    program: &Program,
    id: i64,
) -> Result<(Thread, Category), Refusal> {
    let thread = store::thread(&state.db.pool, id)
        .await?
        .filter(|t| t.program_id == program.id)
        .ok_or(Refusal::NotFound)?;
    let category = category_in(state, program, thread.category_id).await?;
    Ok((thread, category))
}

pub async fn post_in(
    state: &AppState,
    program: &Program,
    id: i64,
) -> Result<(Post, Thread, Category), Refusal> {
    let post = store::post(&state.db.pool, id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let (thread, category) = thread_in(state, program, post.thread_id).await?;
    Ok((post, thread, category))
}

/// A post as this person sees it: hidden words only for moderators.
pub fn shown(user: &CurrentUser, c: &Category, mut post: Post) -> Post {
    if post.hidden != 0 && !moderates(user, c) {
        post.body.clear();
        post.html.clear();
        post.hidden_reason.clear();
    }
    post
}

pub fn shown_thread(user: &CurrentUser, c: &Category, mut thread: Thread) -> Thread {
    if !moderates(user, c) {
        thread.hidden_reason.clear();
    }
    thread
}

// ----- what an address opens, for someone allowed there -----

/// A category of a program's forum.
pub struct AtCategory {
    pub program: Program,
    pub category: Category,
}

/// A thread with its category.
pub struct AtThread {
    pub program: Program,
    pub thread: Thread,
    pub category: Category,
}

/// A post with its thread and category.
pub struct AtPost {
    pub program: Program,
    pub post: Post,
    pub thread: Thread,
    pub category: Category,
}

/// The program's forum, for those who take part in it.
pub async fn open_forum(state: &AppState, actor: &Actor, slug: &str) -> Result<Program, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let program_id = program.id;
    actor.may(state, Action::ViewForum { program_id }).await?;
    Ok(program)
}

/// A category of the program (another program's is not found here), if
/// the actor may do `action` in it.
pub async fn open_category(
    state: &AppState,
    actor: &Actor,
    (slug, id): (&str, i64),
    action: impl FnOnce(&Category) -> Action,
) -> Result<AtCategory, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let category = category_in(state, &program, id).await?;
    actor.may(state, action(&category)).await?;
    Ok(AtCategory { program, category })
}

pub async fn open_thread(
    state: &AppState,
    actor: &Actor,
    (slug, id): (&str, i64),
    action: impl FnOnce(&Category, &Thread) -> Action,
) -> Result<AtThread, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let (thread, category) = thread_in(state, &program, id).await?;
    actor.may(state, action(&category, &thread)).await?;
    Ok(AtThread {
        program,
        thread,
        category,
    })
}

pub async fn open_post(
    state: &AppState,
    actor: &Actor,
    (slug, id): (&str, i64),
    action: impl FnOnce(&CurrentUser, &Category, &Post) -> Action,
) -> Result<AtPost, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let (post, thread, category) = post_in(state, &program, id).await?;
    actor
        .may(state, action(&actor.user, &category, &post))
        .await?;
    Ok(AtPost {
        program,
        post,
        thread,
        category,
    })
}

// What opening a thread or a post asks of the policy, for `open_thread`
// and `open_post`.

pub fn may_read_thread(c: &Category, _: &Thread) -> Action {
    view_action(c)
}

pub fn may_reply(c: &Category, t: &Thread) -> Action {
    post_action(c, t.locked != 0)
}

pub fn may_moderate_thread(c: &Category, _: &Thread) -> Action {
    moderate_action(c)
}

pub fn may_read_post(_: &CurrentUser, c: &Category, _: &Post) -> Action {
    view_action(c)
}

pub fn may_edit_post(user: &CurrentUser, c: &Category, post: &Post) -> Action {
    edit_action(c, user, post)
}

pub fn may_moderate_post(_: &CurrentUser, c: &Category, _: &Post) -> Action {
    moderate_action(c)
}

// ----- what one reads -----

/// The categories of a program's forum the actor may read.
pub async fn categories(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, Vec<Category>), Refusal> {
    let program = open_forum(state, actor, slug).await?;
    let categories = readable_categories(state, &actor.user, &program).await?;
    Ok((program, categories))
}

/// A category and a page of its threads.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CategoryThreads {
    pub category: Category,
    /// Latest activity first; hidden threads only for moderators.
    pub threads: Vec<Thread>,
    pub page: i64,
    pub pages: i64,
    /// Whether the caller watches the category.
    pub watching: bool,
}

/// A page of a category's threads (1 for the latest; out of range is the
/// nearest page).
pub async fn category_threads(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    page: Option<i64>,
) -> Result<(Program, CategoryThreads), Refusal> {
    let AtCategory { program, category } = open_category(state, actor, at, view_action).await?;
    let user = &actor.user;
    let with_hidden = moderates(user, &category);
    let pool = &state.db.pool;
    let total = store::thread_count(pool, category.id, with_hidden).await?;
    let per_page = super::THREADS_PER_PAGE;
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let threads = store::threads(
        pool,
        category.id,
        with_hidden,
        per_page,
        (page - 1) * per_page,
    )
    .await?
    .into_iter()
    .map(|t| shown_thread(user, &category, t))
    .collect();
    let watching = store::watching(pool, user.id, "category", category.id).await?;
    let view = CategoryThreads {
        category,
        threads,
        page,
        pages,
        watching,
    };
    Ok((program, view))
}

/// The thread and its posts.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ThreadPosts {
    pub thread: Thread,
    pub category: Category,
    /// Oldest first. A hidden post's words are empty except for moderators.
    pub posts: Vec<Post>,
    /// Whether the caller watches the thread.
    pub watching: bool,
}

/// A thread with its posts as the actor sees them (reading them takes
/// them off the actor's home page).
pub async fn thread(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
) -> Result<(Program, ThreadPosts), Refusal> {
    let at = open_thread(state, actor, at, may_read_thread).await?;
    Ok((
        at.program,
        posts_of(state, &actor.user, at.thread, at.category).await?,
    ))
}

async fn posts_of(
    state: &AppState,
    user: &CurrentUser,
    thread: Thread,
    category: Category,
) -> Result<ThreadPosts, Refusal> {
    let posts = thread_posts(state, user, &category, &thread).await?;
    let watching = store::watching(&state.db.pool, user.id, "thread", thread.id).await?;
    Ok(ThreadPosts {
        thread: shown_thread(user, &category, thread),
        category,
        posts,
        watching,
    })
}

/// A post and its earlier versions.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct History {
    pub post: Post,
    /// Newest first; empty when the post is hidden from you.
    pub versions: Vec<Version>,
    /// The post or its thread is hidden and you do not moderate it.
    #[serde(skip)]
    #[schema(ignore)]
    pub hidden_from_you: bool,
}

pub async fn history(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
) -> Result<(Program, History), Refusal> {
    let AtPost {
        program,
        post,
        thread,
        category,
    } = open_post(state, actor, at, may_read_post).await?;
    let user = &actor.user;
    let hidden_from_you = (post.hidden != 0 || thread.hidden != 0) && !moderates(user, &category);
    let versions = if hidden_from_you {
        vec![]
    } else {
        store::versions(&state.db.pool, post.id).await?
    };
    let post = shown(user, &category, post);
    let history = History {
        post,
        versions,
        hidden_from_you,
    };
    Ok((program, history))
}

/// The reports waiting in the categories the actor moderates.
pub async fn flags(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, Vec<store::Flag>), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let program_id = program.id;
    let private_to = None;
    actor
        .may(
            state,
            Action::ModerateForum {
                program_id,
                private_to,
            },
        )
        .await?;
    let flags = open_flags(state, &actor.user, &program).await?;
    Ok((program, flags))
}

/// Posts matching every word, in the categories the actor reads.
pub async fn search_in(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    q: &str,
) -> Result<(Program, Vec<SearchHit>), Refusal> {
    let program = open_forum(state, actor, slug).await?;
    let hits = search(state, &actor.user, &program, q).await?;
    Ok((program, hits))
}

/// The thread's posts as this person sees them (none of a hidden thread
/// unless they moderate).
pub async fn thread_posts(
    state: &AppState,
    user: &CurrentUser,
    c: &Category,
    thread: &Thread,
) -> Result<Vec<Post>, Refusal> {
    if thread.hidden != 0 && !moderates(user, c) {
        return Ok(vec![]);
    }
    let posts = store::posts(&state.db.pool, thread.id).await?;
    // What the person has now seen leaves their home page's queue.
    if let Some(last) = posts.iter().map(|p| p.id).max() {
        store::mark_read(&state.db.pool, user.id, thread.id, last, now_ms()).await?;
    }
    Ok(posts.into_iter().map(|p| shown(user, c, p)).collect())
}

/// The people who read this category, for mentions and emails.
async fn readers(state: &AppState, c: &Category) -> Result<Vec<Person>, Refusal> {
    Ok(store::people(&state.db.pool, c.program_id)
        .await?
        .into_iter()
        .filter(|p| {
            let as_user = CurrentUser {
                id: p.id,
                email: p.email.clone(),
                name: p.name.clone(),
                grants: p.grants.clone(),
                // `store::people` leaves out grants outside the cohort.
                outside_cohort: vec![],
            };
            reads(&as_user, c)
        })
        .collect())
}

/// The Markdown checked, its mentions (of readers) and its HTML.
fn render(body: &str, readers: &[Person]) -> (Vec<i64>, String) {
    let names: Vec<(i64, String)> = readers.iter().map(|p| (p.id, p.name.clone())).collect();
    let (ids, md) = super::apply_mentions(body, &names);
    (ids, crate::web::markdown::to_safe_html(&md))
}

#[derive(Template)]
#[template(path = "forum/mail.txt")]
struct MailText<'a> {
    intro: &'a str,
    body: &'a str,
    link: &'a str,
    /// The stop link of a watch email (empty in a mention email) and what
    /// it stops ("this thread", "the category “General”").
    stop: &'a str,
    watched: &'a str,
}

#[derive(Template)]
#[template(path = "forum/mail.html")]
struct MailHtml<'a> {
    intro: &'a str,
    html: &'a str,
    link: &'a str,
    stop: &'a str,
    watched: &'a str,
}

fn link(state: &AppState, path: &str) -> String {
    state
        .config
        .base_url
        .join(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| path.to_owned())
}

/// What a new post sends, in the post's transaction: mentioned readers
/// one email, then (`watchers_too`, not for an edit) the other watchers of the thread or category who read
/// it one email, with a link that stops that watch signed out; never the
/// author.
#[allow(clippy::too_many_arguments)]
async fn notify(
    state: &AppState,
    tx: &mut crate::db::Tx<'_>,
    program: &Program,
    c: &Category,
    thread_id: i64,
    title: &str,
    post_id: i64,
    author: &CurrentUser,
    body: &str,
    html: &str,
    mentioned: &[i64],
    readers: &[Person],
    watchers_too: bool,
) -> Result<(), Refusal> {
    let watchers = if watchers_too {
        store::watchers(tx, thread_id, c.id).await?
    } else {
        vec![]
    };
    let thread_path = format!("/programs/{}/forum/threads/{thread_id}", program.slug);
    let post_link = link(state, &format!("{thread_path}#post-{post_id}"));
    for p in readers {
        if p.id == author.id {
            continue;
        }
        let targets: Vec<WatchTarget> = watchers
            .iter()
            .filter(|(u, _)| *u == p.id)
            .filter_map(|(_, t)| WatchTarget::parse(t))
            .collect();
        if mentioned.contains(&p.id) {
            store::record_mention(tx, post_id, p.id, now_ms()).await?;
        }
        let (subject, intro, stop, watched) = if mentioned.contains(&p.id) {
            (
                format!("{} mentioned you in “{title}”", author.name),
                format!(
                    "{} mentioned you in “{title}” ({}, {}):",
                    author.name, c.name, program.name
                ),
                String::new(),
                String::new(),
            )
        } else if let Some(target) = super::watch_for_email(&targets) {
            let watch = WatchRef {
                user_id: p.id,
                target,
                target_id: match target {
                    WatchTarget::Thread => thread_id,
                    WatchTarget::Category => c.id,
                },
            };
            (
                format!("New post in “{title}”"),
                format!(
                    "{} wrote in “{title}” ({}, {}), which you watch:",
                    author.name, c.name, program.name
                ),
                unwatch_url(state, &watch),
                match target {
                    WatchTarget::Thread => "this thread".to_owned(),
                    WatchTarget::Category => format!("the category “{}”", c.name),
                },
            )
        } else {
            continue;
        };
        let headers = if stop.is_empty() {
            vec![]
        } else {
            crate::exchange::subscription::unsubscribe_headers(&stop)
        };
        let email = Email {
            to: p.email.clone(),
            subject,
            text: MailText {
                intro: &intro,
                body,
                link: &post_link,
                stop: &stop,
                watched: &watched,
            }
            .render()
            .map_err(|e| anyhow::anyhow!("forum mail: {e}"))?,
            html: MailHtml {
                intro: &intro,
                html,
                link: &post_link,
                stop: &stop,
                watched: &watched,
            }
            .render()
            .map_err(|e| anyhow::anyhow!("forum mail: {e}"))?,
            headers,
        };
        crate::mail::enqueue(tx, &email).await?;
    }
    Ok(())
}

/// The address that stops one watch, signed out.
fn unwatch_url(state: &AppState, watch: &WatchRef) -> String {
    link(
        state,
        &format!(
            "/forum/unwatch/{}",
            super::unwatch_token(&state.keys.csrf, watch)
        ),
    )
}

/// What a stop link names, for its page.
#[derive(Debug, Clone)]
pub struct LinkedWatch {
    pub watch: WatchRef,
    /// The person's address (the page says where the emails went).
    pub email: String,
    /// "the thread “…”" or "the category “…”".
    pub what: String,
    /// Whether the watch is still on.
    pub watching: bool,
}

/// The watch a stop link names: not found when the token is wrong, or
/// the person, thread or category is gone.
pub async fn linked_watch(state: &AppState, token: &str) -> Result<LinkedWatch, Refusal> {
    let watch = super::read_unwatch_token(&state.keys.csrf, token).ok_or(Refusal::NotFound)?;
    let pool = &state.db.pool;
    let (_, email) = store::active_user(pool, watch.user_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let what = match watch.target {
        WatchTarget::Thread => store::thread(pool, watch.target_id)
            .await?
            .map(|t| format!("the thread “{}”", t.title)),
        WatchTarget::Category => store::category(pool, watch.target_id)
            .await?
            .map(|c| format!("the category “{}”", c.name)),
    }
    .ok_or(Refusal::NotFound)?;
    let watching =
        store::watching(pool, watch.user_id, watch.target.as_str(), watch.target_id).await?;
    Ok(LinkedWatch {
        watch,
        email,
        what,
        watching,
    })
}

/// Stops the watch a stop link names, at once (the link is the
/// permission, as the Exchange's unsubscribe links are); audited as the
/// person's own change.
pub async fn unwatch_by_link(state: &AppState, ip: &str, w: &LinkedWatch) -> Result<(), Refusal> {
    let WatchRef {
        user_id,
        target,
        target_id,
    } = w.watch;
    let mut tx = state.db.begin().await?;
    if store::set_watch(
        &mut tx,
        user_id,
        target.as_str(),
        target_id,
        false,
        now_ms(),
    )
    .await?
    {
        audit::write(
            &mut *tx,
            &Entry::new((Some(user_id), w.email.clone()), ip, "forum_unwatch")
                .record(&format!("forum_{}", target.as_str()), target_id)
                .detail("by the stop link in an email"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Starts a thread in a category: its title and first post; the author
/// watches it. Returns (thread id, post id).
pub async fn start_thread(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<NewThread>,
) -> Result<(i64, i64), Refusal> {
    let at = open_category(state, actor, at, |c| post_action(c, false)).await?;
    let NewThread { title, body } = input.read()?;
    let (program, c, user, ip) = (&at.program, &at.category, &actor.user, &actor.ip);
    let mut problems = Vec::new();
    if let Some(m) = super::check_title(&title) {
        problems.push(("title".to_owned(), m));
    }
    if let Some(m) = super::check_body(&body) {
        problems.push(("body".to_owned(), m));
    }
    if !problems.is_empty() {
        return Err(Refusal::Invalid(problems));
    }
    let (title, body) = (title.trim(), body.trim());
    let readers = readers(state, c).await?;
    let (mentioned, html) = render(body, &readers);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let thread_id = store::insert_thread(&mut tx, program.id, c.id, title, user.id, now).await?;
    let post_id = store::insert_post(&mut tx, thread_id, user.id, body, &html, now).await?;
    store::set_watch(&mut tx, user.id, "thread", thread_id, true, now).await?;
    notify(
        state, &mut tx, program, c, thread_id, title, post_id, user, body, &html, &mentioned,
        &readers, true,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "forum_create_thread")
            .record("forum_thread", thread_id)
            .detail(format!(
                "in category {} ({}); {} mentioned",
                c.id,
                c.name,
                mentioned.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok((thread_id, post_id))
}

/// Replies in a thread (a locked thread takes replies from moderators
/// only, a hidden one from none). Returns the post's id.
pub async fn reply(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<NewPost>,
) -> Result<i64, Refusal> {
    let at = open_thread(state, actor, at, may_reply).await?;
    let NewPost { body } = input.read()?;
    let (program, c, thread, user, ip) = (
        &at.program,
        &at.category,
        &at.thread,
        &actor.user,
        &actor.ip,
    );
    if thread.hidden != 0 && !moderates(user, c) {
        return Err(Refusal::Conflict(
            "This thread was hidden by a moderator, so it takes no replies.".into(),
        ));
    }
    if let Some(m) = super::check_body(&body) {
        return Err(Refusal::field("body", m));
    }
    let body = body.trim();
    let readers = readers(state, c).await?;
    let (mentioned, html) = render(body, &readers);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let post_id = store::insert_post(&mut tx, thread.id, user.id, body, &html, now).await?;
    notify(
        state,
        &mut tx,
        program,
        c,
        thread.id,
        &thread.title,
        post_id,
        user,
        body,
        &html,
        &mentioned,
        &readers,
        true,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "forum_reply")
            .record("forum_post", post_id)
            .detail(format!(
                "in thread {}; {} mentioned",
                thread.id,
                mentioned.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(post_id)
}

/// Changes a post's text, keeping the earlier one. People the new text
/// mentions whom no earlier version mentioned get the mention email (in
/// the edit's transaction); those already mentioned are not told twice,
/// and watchers are not told of an edit.
/// Returns the post as it was.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<NewPost>,
) -> Result<AtPost, Refusal> {
    let at = open_post(state, actor, at, may_edit_post).await?;
    let NewPost { body } = input.read()?;
    let (program, c, thread, post, user, ip) = (
        &at.program,
        &at.category,
        &at.thread,
        &at.post,
        &actor.user,
        &actor.ip,
    );
    if let Some(m) = super::check_body(&body) {
        return Err(Refusal::field("body", m));
    }
    let body = body.trim();
    if body == post.body {
        return Ok(at);
    }
    let readers = readers(state, c).await?;
    let (mentioned, html) = render(body, &readers);
    let names: Vec<(i64, String)> = readers.iter().map(|p| (p.id, p.name.clone())).collect();
    let mut before = super::apply_mentions(&post.body, &names).0;
    for v in store::versions(&state.db.pool, post.id).await? {
        before.extend(super::apply_mentions(&v.body, &names).0);
    }
    let newly = super::newly_mentioned(&mentioned, &before);
    let mut tx = state.db.begin().await?;
    store::edit_post(&mut tx, post, body, &html, now_ms()).await?;
    notify(
        state,
        &mut tx,
        program,
        c,
        thread.id,
        &thread.title,
        post.id,
        user,
        body,
        &html,
        &newly,
        &readers,
        false,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "forum_edit_post")
            .record("forum_post", post.id)
            .detail(format!(
                "in thread {}; {} newly mentioned",
                post.thread_id,
                newly.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(at)
}

/// Reports a post to its moderators. Returns the report's id and the
/// post's thread.
pub async fn flag(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<FlagRequest>,
) -> Result<(i64, i64), Refusal> {
    let AtPost { post, .. } = open_post(state, actor, at, may_read_post).await?;
    let FlagRequest { reason } = input.read()?;
    let (user, ip) = (&actor.user, &actor.ip);
    if let Some(m) = super::check_reason(&reason) {
        return Err(Refusal::field("reason", m));
    }
    let mut tx = state.db.begin().await?;
    let id = store::insert_flag(&mut tx, post.id, user.id, reason.trim(), now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "forum_flag")
            .record("forum_post", post.id)
            .detail(format!("flag {id}")),
    )
    .await?;
    tx.commit().await?;
    Ok((id, post.thread_id))
}

/// Starts or stops watching a thread or a category one reads. Returns
/// whether one now watches it.
pub async fn watch(
    state: &AppState,
    actor: &Actor,
    (slug, target_id): (&str, i64),
    target: WatchTarget,
    input: impl Input<Watch>,
) -> Result<bool, Refusal> {
    match target {
        WatchTarget::Category => {
            drop(open_category(state, actor, (slug, target_id), view_action).await?)
        }
        WatchTarget::Thread => {
            drop(open_thread(state, actor, (slug, target_id), may_read_thread).await?)
        }
    }
    let Watch { watching: on } = input.read()?;
    let (user, ip, target) = (&actor.user, &actor.ip, target.as_str());
    let mut tx = state.db.begin().await?;
    if store::set_watch(&mut tx, user.id, target, target_id, on, now_ms()).await? {
        audit::write(
            &mut *tx,
            &Entry::new(
                user.actor(),
                ip,
                if on { "forum_watch" } else { "forum_unwatch" },
            )
            .record(&format!("forum_{target}"), target_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(on)
}

/// What a moderator does to a thread.
#[derive(Debug, Clone, PartialEq)]
pub enum ThreadModeration {
    Lock,
    Unlock,
    Hide(String),
    Unhide,
    Move(i64),
}

impl ThreadModeration {
    /// From the form's or the request's fields.
    pub fn parse(
        action: &str,
        reason: &str,
        category_id: Option<i64>,
    ) -> Result<ThreadModeration, Refusal> {
        match action.trim() {
            "lock" => Ok(ThreadModeration::Lock),
            "unlock" => Ok(ThreadModeration::Unlock),
            "unhide" => Ok(ThreadModeration::Unhide),
            "hide" => match super::check_reason(reason) {
                Some(m) => Err(Refusal::field("reason", m)),
                None => Ok(ThreadModeration::Hide(reason.trim().to_owned())),
            },
            "move" => category_id
                .map(ThreadModeration::Move)
                .ok_or_else(|| Refusal::field("category_id", "Choose the category to move it to.")),
            _ => Err(Refusal::field(
                "action",
                "Choose lock, unlock, hide, unhide or move.",
            )),
        }
    }
}

/// Locks, unlocks, hides, shows again or moves a thread.
pub async fn moderate_thread(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<ThreadModerationRequest>,
) -> Result<(), Refusal> {
    let AtThread {
        program, thread, ..
    } = open_thread(state, actor, at, may_moderate_thread).await?;
    let asked = input.read()?;
    let m = ThreadModeration::parse(&asked.action, &asked.reason, asked.category_id)?;
    let (user, ip) = (&actor.user, &actor.ip);
    let mut tx = state.db.begin().await?;
    let (name, detail) = match &m {
        ThreadModeration::Lock => {
            store::set_thread_locked(&mut tx, thread.id, true).await?;
            ("forum_lock_thread", String::new())
        }
        ThreadModeration::Unlock => {
            store::set_thread_locked(&mut tx, thread.id, false).await?;
            ("forum_unlock_thread", String::new())
        }
        ThreadModeration::Hide(reason) => {
            store::set_thread_hidden(&mut tx, thread.id, true, reason).await?;
            ("forum_hide_thread", reason.clone())
        }
        ThreadModeration::Unhide => {
            store::set_thread_hidden(&mut tx, thread.id, false, "").await?;
            ("forum_unhide_thread", String::new())
        }
        ThreadModeration::Move(to) => {
            let target = store::category(&mut *tx, *to)
                .await?
                .filter(|c| c.program_id == program.id && moderates(user, c))
                .ok_or_else(|| {
                    Refusal::field(
                        "category_id",
                        "Choose a category of this forum that you moderate.",
                    )
                })?;
            store::move_thread(&mut tx, thread.id, target.id).await?;
            (
                "forum_move_thread",
                format!("from category {} to {}", thread.category_id, target.id),
            )
        }
    };
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, name)
            .record("forum_thread", thread.id)
            .detail(detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Hides (with a reason) or shows again a post. Returns its thread.
pub async fn moderate_post(
    state: &AppState,
    actor: &Actor,
    at: (&str, i64),
    input: impl Input<PostModerationRequest>,
) -> Result<i64, Refusal> {
    let AtPost { post, .. } = open_post(state, actor, at, may_moderate_post).await?;
    let PostModerationRequest { action, reason } = input.read()?;
    let (user, ip, reason) = (&actor.user, &actor.ip, reason.as_str());
    let hide = match action.trim() {
        "hide" => {
            if let Some(m) = super::check_reason(reason) {
                return Err(Refusal::field("reason", m));
            }
            true
        }
        "unhide" => false,
        _ => return Err(Refusal::field("action", "Choose hide or unhide.")),
    };
    let reason = if hide { reason.trim() } else { "" };
    let mut tx = state.db.begin().await?;
    store::set_post_hidden(&mut tx, post.id, hide, reason).await?;
    audit::write(
        &mut *tx,
        &Entry::new(
            user.actor(),
            ip,
            if hide {
                "forum_hide_post"
            } else {
                "forum_unhide_post"
            },
        )
        .record("forum_post", post.id)
        .detail(reason),
    )
    .await?;
    tx.commit().await?;
    Ok(post.thread_id)
}

/// The open flags in the categories this person moderates.
pub async fn open_flags(
    state: &AppState,
    user: &CurrentUser,
    program: &Program,
) -> Result<Vec<store::Flag>, Refusal> {
    let cats = store::categories(&state.db.pool, program.id).await?;
    Ok(store::open_flags(&state.db.pool, program.id)
        .await?
        .into_iter()
        .filter(|f| {
            cats.iter()
                .any(|c| c.id == f.category_id && moderates(user, c))
        })
        .collect())
}

/// Resolves a report (the moderators of the post's category).
pub async fn resolve_flag(
    state: &AppState,
    actor: &Actor,
    (slug, id): (&str, i64),
    input: impl Input<ResolveRequest>,
) -> Result<(), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let flag = store::flag(&state.db.pool, id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let category = category_in(state, &program, flag.category_id).await?;
    actor.may(state, moderate_action(&category)).await?;
    let ResolveRequest { resolution } = input.read()?;
    let (user, ip, resolution, flag) = (&actor.user, &actor.ip, resolution.as_str(), &flag);
    if resolution.trim().chars().count() > super::REASON_MAX {
        return Err(Refusal::field(
            "resolution",
            format!("Keep it to {} characters or fewer.", super::REASON_MAX),
        ));
    }
    // Resolving twice changes nothing (two moderators at once).
    if flag.resolved_at.is_some() {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    store::resolve_flag(&mut tx, flag.id, user.id, resolution.trim(), now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "forum_resolve_flag")
            .record("forum_flag", flag.id)
            .detail(format!("post {}: {}", flag.post_id, resolution.trim())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A search result.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub thread_id: i64,
    pub post_id: i64,
    pub title: String,
    pub category: String,
    /// The start of the post.
    pub excerpt: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Posts matching every word, only in categories the person reads; one
/// result per thread (its best post).
pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    program: &Program,
    q: &str,
) -> Result<Vec<SearchHit>, Refusal> {
    let words = super::search_words(q);
    let cats = readable_categories(state, user, program).await?;
    let ids: Vec<i64> = cats.iter().map(|c| c.id).collect();
    let hits = store::search(&state.db.pool, state.db.backend, &words, &ids).await?;
    let mut out: Vec<SearchHit> = Vec::new();
    for h in hits {
        if out.iter().any(|o| o.thread_id == h.thread_id) {
            continue;
        }
        out.push(SearchHit {
            thread_id: h.thread_id,
            post_id: h.post_id,
            title: h.title,
            category: cats
                .iter()
                .find(|c| c.id == h.category_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            excerpt: super::excerpt(&h.body, 200),
            created_at: h.created_at,
        });
        if out.len() >= 30 {
            break;
        }
    }
    Ok(out)
}

/// The programs whose forum this person takes part in.
pub async fn my_forums(state: &AppState, user: &CurrentUser) -> Result<Vec<Program>, Refusal> {
    Ok(crate::program::store::list(&state.db.pool)
        .await?
        .into_iter()
        .filter(|p| policy::allows(user, &Action::ViewForum { program_id: p.id }))
        .collect())
}
