//! The Exchange's pages: the public library (home, search, topics, each
//! item with its file and calendar entry), the partners' interest form,
//! the partners' submissions, and the administrator's moderation.

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Given;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::rules::{Draft, Interest};
use super::search::{self, Hit, Results, SearchQuery};
use super::service::{self, Decision, ItemView, Moderation, Upload};
use super::store::{self, Listed, Partner};
use super::topics::{self, Topic};
use crate::auth::guard;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, CsrfMultipart, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/exchange", home)
        .get("/exchange/search", search_page)
        .get("/exchange/topics/{framework}/{topic}", topic_page)
        .get("/exchange/items/{entry}", item_page)
        .get("/exchange/items/{entry}/file", item_file)
        .get("/exchange/items/{entry}/event.ics", item_ics)
        .post("/exchange/items/{entry}/moderate", moderate)
        .get("/exchange/items/{entry}/edit", edit_form)
        .post("/exchange/items/{entry}/edit", edit)
        .get("/exchange/submit", submit_form)
        .post("/exchange/submit", submit)
        .get("/exchange/submissions", submissions)
        .get("/exchange/moderation", moderation)
        .get("/exchange/partners/apply", apply_form)
        .post("/exchange/partners/apply", apply)
        .get("/exchange/partners", partners)
        .get("/exchange/partners/{partner}", partner_page)
        .post("/exchange/partners/{partner}", decide)
}

type Errors = Vec<(String, String)>;

fn error_of<'a>(errors: &'a Errors, field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
}

/// Field problems to show on the form; anything else is an error page.
fn errors_of(r: Refusal) -> Result<Errors, AppError> {
    match r {
        Refusal::Invalid(e) => Ok(e),
        Refusal::Conflict(m) => Ok(vec![("form".into(), m)]),
        other => Err(other.into()),
    }
}

// ----- the library -----

/// A framework's topics with how many items each has.
pub struct TopicGroup {
    pub framework_name: String,
    pub topics: Vec<(Topic, i64)>,
}

async fn topic_groups(state: &AppState) -> Result<Vec<TopicGroup>, AppError> {
    let counts = search::topic_counts(&state.db, &state.search).await?;
    let mut groups: Vec<TopicGroup> = Vec::new();
    for t in topics::all(&state.frameworks) {
        let n = counts
            .iter()
            .find(|(k, _)| *k == t.key)
            .map_or(0, |(_, n)| *n);
        match groups.last_mut() {
            Some(g) if g.framework_name == t.framework_name => g.topics.push((t, n)),
            _ => groups.push(TopicGroup {
                framework_name: t.framework_name.clone(),
                topics: vec![(t, n)],
            }),
        }
    }
    Ok(groups)
}

#[derive(Template)]
#[template(path = "exchange/home.html")]
struct HomePage {
    chrome: Chrome,
    groups: Vec<TopicGroup>,
    newest: Vec<Hit>,
    events: Vec<Hit>,
    can_submit: bool,
    manages: bool,
}

async fn home(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let newest = search::search(
        &state.db,
        &state.search,
        &SearchQuery {
            kind: "resource".into(),
            ..SearchQuery::default()
        },
    )
    .await?
    .hits
    .into_iter()
    .take(6)
    .collect();
    let events = search::upcoming_events(&state.db, crate::time::now_ms(), 5).await?;
    let user = visitor.user.as_ref();
    let page = HomePage {
        chrome: Chrome::new(&visitor, "Career Pathways Exchange", "/exchange"),
        groups: topic_groups(&state).await?,
        newest,
        events,
        can_submit: user.is_some_and(|u| policy::allows(u, &Action::SubmitExchangeItem)),
        manages: user.is_some_and(|u| policy::allows(u, &Action::ManageExchange)),
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/list.html")]
struct ListPage {
    chrome: Chrome,
    heading: String,
    /// Where the pager's links go, without `page`.
    base: String,
    query: SearchQuery,
    results: Results,
    topics: Vec<Topic>,
    /// A topic page: the topic shown (its filter is fixed).
    topic: Option<Topic>,
}

impl ListPage {
    fn prev(&self) -> Option<String> {
        (self.results.page > 1).then(|| format!("{}page={}", self.base, self.results.page - 1))
    }

    fn next(&self) -> Option<String> {
        (self.results.page < self.results.pages())
            .then(|| format!("{}page={}", self.base, self.results.page + 1))
    }

    fn topic_chosen(&self, key: &str) -> bool {
        self.query.topic == key
    }

    fn kind_chosen(&self, kind: &str) -> bool {
        self.query.kind == kind
    }

    fn searched(&self) -> bool {
        !self.query.q.trim().is_empty()
    }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn search_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let results = search::search(&state.db, &state.search, &query).await?;
    let heading = if query.q.trim().is_empty() {
        "Browse the library".to_owned()
    } else {
        format!("Search results for \u{201c}{}\u{201d}", query.q.trim())
    };
    let base = format!(
        "/exchange/search?q={}&topic={}&kind={}&",
        enc(&query.q),
        enc(&query.topic),
        enc(&query.kind)
    );
    let page = ListPage {
        chrome: Chrome::new(&visitor, heading.clone(), "/exchange"),
        heading,
        base,
        query,
        results,
        topics: topics::all(&state.frameworks),
        topic: None,
    };
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
struct PageOnly {
    page: Option<i64>,
}

async fn topic_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((framework, key)): Path<(String, String)>,
    Query(p): Query<PageOnly>,
) -> Result<Response, AppError> {
    let topic = topics::find(&state.frameworks, &topics::key_of(&framework, &key))
        .ok_or(AppError::NOT_FOUND)?;
    let query = SearchQuery {
        topic: topic.key.clone(),
        page: p.page,
        ..SearchQuery::default()
    };
    let results = search::search(&state.db, &state.search, &query).await?;
    let page = ListPage {
        chrome: Chrome::new(&visitor, topic.name.clone(), "/exchange"),
        heading: topic.name.clone(),
        base: format!("/exchange/topics/{}?", topic.key),
        query,
        results,
        topics: topics::all(&state.frameworks),
        topic: Some(topic),
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/item.html")]
struct ItemPage {
    chrome: Chrome,
    item: ItemView,
    can_edit: bool,
    manages: bool,
    errors: Errors,
    note: String,
}

impl ItemPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_of(&self.errors, field)
    }

    fn size(&self) -> String {
        match self.item.file_size {
            Some(n) if n >= 1_048_576 => format!("{:.1} MB", n as f64 / 1_048_576.0),
            Some(n) => format!("{} KB", (n + 1023) / 1024),
            None => String::new(),
        }
    }

    fn status_words(&self) -> &'static str {
        match self.item.status.as_str() {
            "pending" => {
                "This item waits for a moderator. Only you and the Exchange's administrators can see it."
            }
            "rejected" => {
                "This item was not published. Only you and the Exchange's administrators can see it."
            }
            "withdrawn" => {
                "This item was withdrawn from the library. Only its partner and the Exchange's administrators can see it."
            }
            _ => "",
        }
    }

    fn topic_href(&self, key: &str) -> String {
        format!("/exchange/topics/{key}")
    }
}

async fn item_page_with(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    errors: Errors,
    note: String,
    done: &str,
) -> Result<ItemPage, AppError> {
    let item = service::item(state, visitor.user.as_ref(), id).await?;
    let user = visitor.user.as_ref();
    Ok(ItemPage {
        chrome: Chrome::new(visitor, item.title.clone(), "/exchange").with_notice(notice(done)),
        can_edit: user.is_some_and(|u| service::may_edit(u, &item)),
        manages: user.is_some_and(|u| policy::allows(u, &Action::ManageExchange)),
        item,
        errors,
        note,
    })
}

async fn item_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let page = item_page_with(&state, &visitor, id, vec![], String::new(), &done.done).await?;
    Ok(render(page)?.into_response())
}

async fn item_file(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (name, kind, bytes) = service::file(&state, visitor.user.as_ref(), id).await?;
    Ok(crate::web::download::attachment(&name, &kind, bytes))
}

async fn item_ics(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let item = service::item(&state, visitor.user.as_ref(), id).await?;
    let link = state.config.link(&format!("/exchange/items/{id}"));
    let body = item.ics(&link).ok_or(AppError::NOT_FOUND)?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"exchange-event-{id}.ics\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

async fn moderate(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Moderation>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    match service::moderate(&state, &actor, id, Given(form.clone())).await {
        Ok(status) => {
            let done = match status.as_str() {
                "published" => Done::ItemPublished,
                "rejected" => Done::ItemRejected,
                _ => Done::ItemWithdrawn,
            };
            Ok(Redirect::to(&format!("/exchange/items/{id}?done={done}")).into_response())
        }
        Err(r) => {
            let errors = errors_of(r)?;
            let page = item_page_with(&state, &visitor, id, errors, form.note, "").await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

// ----- submitting and changing items -----

#[derive(Template)]
#[template(path = "exchange/item_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    draft: Draft,
    errors: Errors,
    topics: Vec<Topic>,
    zones: &'static [(&'static str, &'static str)],
    audiences: &'static [(&'static str, &'static str)],
    /// The file already attached, when changing an item.
    file_name: Option<String>,
    manages: bool,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_of(&self.errors, field)
    }

    fn audience_checked(&self, key: &str) -> bool {
        self.draft.audience.iter().any(|a| a == key)
    }

    fn topic_checked(&self, key: &str) -> bool {
        self.draft.topics.iter().any(|t| t == key)
    }

    fn zone_chosen(&self, zone: &str) -> bool {
        self.draft.time_zone == zone
    }

    fn is_event(&self) -> bool {
        self.draft.kind == "event"
    }

    /// A topic checkbox's name and id: `topic-six-key-elements.partnerships`.
    fn topic_field(&self, key: &str) -> String {
        format!("topic-{}", key.replace('/', "."))
    }

    fn group_start(&self, i: &usize) -> bool {
        *i == 0 || self.topics[*i - 1].framework != self.topics[*i].framework
    }
}

fn form_page(
    state: &AppState,
    visitor: &Visitor,
    heading: String,
    action: String,
    draft: Draft,
    errors: Errors,
    file_name: Option<String>,
) -> FormPage {
    let manages = visitor
        .user
        .as_ref()
        .is_some_and(|u| policy::allows(u, &Action::ManageExchange));
    FormPage {
        chrome: Chrome::new(visitor, heading.clone(), "/exchange"),
        heading,
        action,
        draft,
        errors,
        topics: topics::all(&state.frameworks),
        zones: crate::program::handlers::US_ZONES,
        audiences: super::AUDIENCES,
        file_name,
        manages,
    }
}

/// The form's fields as a draft: checkboxes are `audience-<key>` and
/// `topic-<framework>.<key>` (the form reader keeps one value per name).
fn draft_of(form: &CsrfMultipart) -> (Draft, Option<Upload>) {
    let get = |k: &str| form.fields.get(k).cloned().unwrap_or_default();
    let mut audience: Vec<String> = Vec::new();
    let mut topics: Vec<String> = Vec::new();
    for name in form.fields.keys() {
        if let Some(a) = name.strip_prefix("audience-") {
            audience.push(a.to_owned());
        } else if let Some(t) = name.strip_prefix("topic-") {
            // The slash of a topic key is a dot in the field's name: some
            // clients percent-encode a slash in a part's name.
            topics.push(t.replace('.', "/"));
        }
    }
    audience.sort();
    topics.sort();
    let draft = Draft {
        kind: get("kind"),
        title: get("title"),
        summary: get("summary"),
        url: get("url"),
        source_org: get("source_org"),
        issued_on: get("issued_on"),
        audience,
        topics,
        date: get("date"),
        start: get("start"),
        end_date: get("end_date"),
        end: get("end"),
        time_zone: get("time_zone"),
        place: get("place"),
    };
    let upload = form
        .files
        .iter()
        .find(|f| f.field == "file" && !(f.bytes.is_empty() && f.file_name.is_empty()))
        .map(|f| Upload {
            name: f.file_name.clone(),
            bytes: f.bytes.clone(),
        });
    (draft, upload)
}

#[derive(Deserialize)]
struct KindQuery {
    #[serde(default)]
    kind: String,
}

async fn submit_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(k): Query<KindQuery>,
) -> Result<Response, AppError> {
    let user = guard::page(&state, &visitor, Action::SubmitExchangeItem).await?;
    let mut draft = Draft {
        kind: if k.kind == "event" {
            "event"
        } else {
            "resource"
        }
        .into(),
        time_zone: super::TIME_ZONE.into(),
        ..Draft::default()
    };
    if let Some(p) = store::partner_of_user(&state.db.pool, user.id).await? {
        draft.source_org = p.organization;
    }
    let heading = if draft.kind == "event" {
        "Share an event"
    } else {
        "Share a resource"
    };
    let page = form_page(
        &state,
        &visitor,
        heading.into(),
        "/exchange/submit".into(),
        draft,
        vec![],
        None,
    );
    Ok(render(page)?.into_response())
}

async fn submit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (draft, upload) = draft_of(&form);
    match service::submit(&state, &actor, Given(draft.clone()), upload).await {
        Ok(id) => {
            let done = if actor.allows(&Action::ManageExchange) {
                Done::ItemPublished
            } else {
                Done::ItemSubmitted
            };
            Ok(Redirect::to(&format!("/exchange/items/{id}?done={done}")).into_response())
        }
        Err(r) => {
            let errors = errors_of(r)?;
            let heading = if draft.kind == "event" {
                "Share an event"
            } else {
                "Share a resource"
            };
            let page = form_page(
                &state,
                &visitor,
                heading.into(),
                "/exchange/submit".into(),
                draft,
                errors,
                None,
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let item = service::editable(&state, &visitor.signed_in()?, id).await?;
    let page = form_page(
        &state,
        &visitor,
        format!("Change \u{201c}{}\u{201d}", item.title),
        format!("/exchange/items/{id}/edit"),
        item.draft(),
        vec![],
        item.file_name.clone(),
    );
    Ok(render(page)?.into_response())
}

async fn edit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let (draft, upload) = draft_of(&form);
    match service::edit(&state, &actor, id, Given(draft.clone()), upload).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/exchange/items/{id}?done={done}",
            done = Done::ItemChanged
        ))
        .into_response()),
        Err(r) => {
            let errors = errors_of(r)?;
            let item = service::editable(&state, &actor, id).await?;
            let page = form_page(
                &state,
                &visitor,
                format!("Change \u{201c}{}\u{201d}", item.title),
                format!("/exchange/items/{id}/edit"),
                draft,
                errors,
                item.file_name.clone(),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

// ----- lists for partners and administrators -----

#[derive(Template)]
#[template(path = "exchange/submissions.html")]
struct SubmissionsPage {
    chrome: Chrome,
    items: Vec<Listed>,
    organization: Option<String>,
}

impl SubmissionsPage {
    fn status_words(&self, status: &str) -> &'static str {
        status_words(status)
    }
}

fn status_words(status: &str) -> &'static str {
    match status {
        "pending" => "Waiting for a moderator",
        "published" => "Published",
        "rejected" => "Not published",
        "withdrawn" => "Withdrawn",
        _ => "",
    }
}

async fn submissions(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let (items, organization) = service::own_submissions(&state, &visitor.signed_in()?).await?;
    let page = SubmissionsPage {
        chrome: Chrome::new(&visitor, "Your Exchange submissions", "/exchange"),
        items,
        organization,
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/moderation.html")]
struct ModerationPage {
    chrome: Chrome,
    items: Vec<Listed>,
    partners: Vec<Partner>,
}

impl ModerationPage {
    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, super::TIME_ZONE)
    }
}

async fn moderation(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let (items, partners) = service::waiting(&state, &visitor.signed_in()?).await?;
    let page = ModerationPage {
        chrome: Chrome::new(&visitor, "Exchange moderation", "/exchange"),
        items,
        partners,
    };
    Ok(render(page)?.into_response())
}

// ----- partners -----

#[derive(Template)]
#[template(path = "exchange/apply.html")]
struct ApplyPage {
    chrome: Chrome,
    form: Interest,
    errors: Errors,
}

impl ApplyPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_of(&self.errors, field)
    }
}

async fn apply_form(
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let page = ApplyPage {
        chrome: Chrome::new(
            &visitor,
            "Share your resources on the Exchange",
            "/exchange",
        )
        .with_notice(notice(&done.done)),
        form: Interest::default(),
        errors: vec![],
    };
    Ok(render(page)?.into_response())
}

async fn apply(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(form): CsrfForm<Interest>,
) -> Result<Response, AppError> {
    match service::apply(&state, visitor.actor(), &visitor.ip, &form).await {
        Ok(_) => {
            Ok(Redirect::to(&Done::PartnerApplied.at("/exchange/partners/apply")).into_response())
        }
        Err(r) => {
            let page = ApplyPage {
                chrome: Chrome::new(
                    &visitor,
                    "Share your resources on the Exchange",
                    "/exchange",
                ),
                form,
                errors: errors_of(r)?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/partners.html")]
struct PartnersPage {
    chrome: Chrome,
    partners: Vec<Partner>,
}

impl PartnersPage {
    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, super::TIME_ZONE)
    }
}

async fn partners(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let page = PartnersPage {
        chrome: Chrome::new(&visitor, "Exchange partners", "/exchange"),
        partners: service::partners(&state, &visitor.signed_in()?).await?,
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/partner.html")]
struct PartnerPage {
    chrome: Chrome,
    partner: Partner,
    form: Decision,
    errors: Errors,
}

impl PartnerPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_of(&self.errors, field)
    }

    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, super::TIME_ZONE)
    }
}

async fn partner_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let partner = service::partner(&state, &visitor.signed_in()?, id).await?;
    let page = PartnerPage {
        chrome: Chrome::new(&visitor, partner.organization.clone(), "/exchange")
            .with_notice(notice(&done.done)),
        partner,
        form: Decision::default(),
        errors: vec![],
    };
    Ok(render(page)?.into_response())
}

async fn decide(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Decision>,
) -> Result<Response, AppError> {
    let path = format!("/exchange/partners/{id}");
    let actor = visitor.signed_in()?;
    match service::decide(&state, &actor, id, Given(form.clone())).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{path}?done={done}", done = Done::PartnerDecided))
                .into_response(),
        ),
        Err(r) => {
            let errors = errors_of(r)?;
            let partner = store::partner(&state.db.pool, id)
                .await?
                .ok_or(AppError::NOT_FOUND)?;
            let page = PartnerPage {
                chrome: Chrome::new(&visitor, partner.organization.clone(), "/exchange"),
                partner,
                form,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}
