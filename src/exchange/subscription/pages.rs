//! Pages for Exchange subscribers (no account): subscribe, confirm and
//! manage from the emailed link, one-click unsubscribe, and the public
//! archive of past digests; the admin's list of digest runs.

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

use super::Subscriber;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::auth::session::Visitor;
use crate::exchange::digest::{self, Archived, Item, Run};
use crate::exchange::subscription as subscribe;
use crate::exchange::topics::Topic;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/exchange/subscribe", subscribe_page)
        .post("/exchange/subscribe", subscribe_submit)
        .get("/exchange/subscription/{token}", manage_page)
        .post("/exchange/subscription/{token}", manage_submit)
        .post("/exchange/subscription/{token}/confirm", confirm)
        .get("/exchange/unsubscribe/{token}", unsubscribe_page)
        .post("/exchange/unsubscribe/{token}", unsubscribe_now)
        .get("/exchange/digests", archive_page)
        .get("/exchange/digests/{id}", digest_page)
        .get("/admin/exchange/digests", runs_page)
}

/// Form values: the fields and the chosen topics (a checkbox list).
fn read_form(pairs: &[(String, String)]) -> (String, Vec<String>, String) {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let topics = pairs
        .iter()
        .filter(|(k, _)| k == "topics")
        .map(|(_, v)| v.clone())
        .collect();
    (get("email"), topics, get("frequency"))
}

/// The topics and frequency part of both forms.
struct Choices {
    groups: Vec<(String, Vec<Topic>)>,
    chosen: Vec<String>,
    frequency: String,
    frequencies: Vec<(&'static str, String)>,
    errors: BTreeMap<String, String>,
}

impl Choices {
    fn new(state: &AppState, chosen: Vec<String>, frequency: String) -> Choices {
        Choices {
            groups: subscribe::grouped_topics(&state.frameworks),
            chosen,
            frequency,
            frequencies: subscribe::frequency_choices(state.config.digest_weekday),
            errors: BTreeMap::new(),
        }
    }

    fn with_errors(mut self, errors: subscribe::FieldErrors) -> Choices {
        for (f, m) in errors {
            self.errors.entry(f.to_owned()).or_insert(m);
        }
        self
    }

    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn checked(&self, key: &str) -> bool {
        self.chosen.iter().any(|k| k == key)
    }

    fn frequency_checked(&self, key: &str) -> bool {
        self.frequency == key
    }

    fn frequencies(&self) -> &[(&'static str, String)] {
        &self.frequencies
    }

    /// An id-safe form of a topic key.
    fn topic_id(&self, key: &str) -> String {
        format!("topic-{}", key.replace('/', "-"))
    }
}

#[derive(Template)]
#[template(path = "exchange/subscribe.html")]
struct SubscribePage {
    chrome: Chrome,
    email: String,
    form: Choices,
    /// After a good request: "check your email", whatever the address.
    sent: bool,
}

impl SubscribePage {
    fn error(&self, field: &str) -> Option<&String> {
        self.form.error(field)
    }
}

async fn subscribe_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    let page = SubscribePage {
        chrome: Chrome::new(&visitor, "Get the Exchange by email", "/exchange/subscribe"),
        email: String::new(),
        form: Choices::new(&state, vec![], "weekly".into()),
        sent: false,
    };
    Ok(render(page)?.into_response())
}

async fn subscribe_submit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (email, topics, frequency) = read_form(&pairs);
    let chrome = Chrome::new(&visitor, "Get the Exchange by email", "/exchange/subscribe");
    match subscribe::check(&state.frameworks, &email, &topics, &frequency) {
        Err(errors) => {
            let page = SubscribePage {
                chrome,
                email,
                form: Choices::new(&state, topics, frequency).with_errors(errors),
                sent: false,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Ok(choice) => {
            subscribe::subscribe(&state, &visitor.ip, &choice).await?;
            let page = SubscribePage {
                chrome,
                email: choice.email,
                form: Choices::new(&state, vec![], String::new()),
                sent: true,
            };
            Ok(render(page)?.into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/subscription.html")]
struct ManagePage {
    chrome: Chrome,
    sub: Subscriber,
    token: String,
    topic_names: Vec<String>,
    weekday: jiff::civil::Weekday,
    form: Choices,
}

impl ManagePage {
    /// "You asked for / You get a weekly digest on ..., sent on Mondays."
    fn sentence(&self, asked: bool) -> String {
        subscribe::subscription_sentence(
            asked,
            &self.sub.frequency,
            self.weekday,
            &self.topic_names,
        )
    }
}

async fn subscriber(state: &AppState, token: &str) -> Result<Subscriber, AppError> {
    subscribe::by_token(state, token)
        .await?
        .ok_or(AppError::NOT_FOUND)
}

fn manage(
    state: &AppState,
    visitor: &Visitor,
    sub: Subscriber,
    token: String,
    form: Choices,
    done: &str,
) -> ManagePage {
    let chrome = Chrome::new(visitor, "Your Exchange digest", "/exchange/subscription")
        .with_notice(notice(done));
    ManagePage {
        chrome,
        topic_names: subscribe::topic_names(&state.frameworks, &sub.topics),
        weekday: state.config.digest_weekday,
        sub,
        token,
        form,
    }
}

async fn manage_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let sub = subscriber(&state, &token).await?;
    let form = Choices::new(&state, sub.topics.clone(), sub.frequency.clone());
    Ok(render(manage(&state, &visitor, sub, token, form, &done.done))?.into_response())
}

async fn manage_submit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let sub = subscriber(&state, &token).await?;
    let (_, topics, frequency) = read_form(&pairs);
    match subscribe::check_choice(&state.frameworks, &topics, &frequency) {
        Err(errors) => {
            let form = Choices::new(&state, topics, frequency).with_errors(errors);
            let page = manage(&state, &visitor, sub, token, form, "");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Ok((topics, frequency)) => {
            subscribe::change(&state, &visitor.ip, &sub, &topics, &frequency).await?;
            Ok(Redirect::to(&format!(
                "/exchange/subscription/{token}?done={done}",
                done = Done::SubscriptionSaved
            ))
            .into_response())
        }
    }
}

async fn confirm(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let sub = subscriber(&state, &token).await?;
    subscribe::activate(&state, &visitor.ip, &sub).await?;
    Ok(Redirect::to(&format!(
        "/exchange/subscription/{token}?done={done}",
        done = Done::SubscriptionConfirmed
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "exchange/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    sub: Subscriber,
    token: String,
    done: bool,
}

/// A GET only asks (mail scanners open links): the button unsubscribes.
async fn unsubscribe_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let sub = subscriber(&state, &token).await?;
    let page = UnsubscribePage {
        chrome: Chrome::new(&visitor, "Unsubscribe", "/exchange/unsubscribe"),
        done: sub.status == "unsubscribed",
        sub,
        token,
    };
    Ok(render(page)?.into_response())
}

/// RFC 8058 one-click: a mail client POSTs `List-Unsubscribe=One-Click`
/// with no session or form token, so this is the one form without a CSRF
/// check. The unguessable link is the permission, and the worst a forged
/// request can do is what the link's owner asked for anyway.
async fn unsubscribe_now(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let mut sub = subscriber(&state, &token).await?;
    if sub.status != "unsubscribed" {
        subscribe::unsubscribe(&state, &visitor.ip, &sub).await?;
        sub.status = "unsubscribed".into();
    }
    let page = UnsubscribePage {
        chrome: Chrome::new(&visitor, "Unsubscribed", "/exchange/unsubscribe"),
        sub,
        token,
        done: true,
    };
    Ok(render(page)?.into_response())
}

#[derive(Deserialize, Default)]
struct TopicFilter {
    #[serde(default)]
    topic: String,
}

#[derive(Template)]
#[template(path = "exchange/digests.html")]
struct ArchivePage {
    chrome: Chrome,
    topics: Vec<Topic>,
    topic: String,
    /// Topic name -> its digests, newest first (in topic order).
    groups: Vec<(Topic, Vec<Archived>)>,
}

impl ArchivePage {
    fn selected(&self, key: &str) -> bool {
        self.topic == key
    }
}

async fn archive_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(filter): Query<TopicFilter>,
) -> Result<Response, AppError> {
    let topics = crate::exchange::topics::all(&state.frameworks);
    let topic = filter.topic.trim().to_owned();
    if !topic.is_empty() && !topics.iter().any(|t| t.key == topic) {
        return Err(AppError::NOT_FOUND);
    }
    let list = digest::archive_list(&state, Some(&topic), 500).await?;
    let groups = topics
        .iter()
        .filter_map(|t| {
            let mine: Vec<Archived> = list.iter().filter(|d| d.topic == t.key).cloned().collect();
            (!mine.is_empty()).then(|| (t.clone(), mine))
        })
        .collect();
    let page = ArchivePage {
        chrome: Chrome::new(&visitor, "Past Exchange digests", "/exchange/digests"),
        topics,
        topic,
        groups,
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/digest.html")]
struct DigestPage {
    chrome: Chrome,
    digest: Archived,
    items: Vec<Item>,
}

impl DigestPage {
    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, crate::exchange::TIME_ZONE)
    }
}

async fn digest_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (digest, items) = digest::archive_one(&state, id)
        .await?
        .ok_or(AppError::NOT_FOUND)?;
    let page = DigestPage {
        chrome: Chrome::new(
            &visitor,
            format!("{}: {}", digest.period, digest.topic_name),
            "/exchange/digests",
        ),
        digest,
        items,
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "exchange/digest_runs.html")]
struct RunsPage {
    chrome: Chrome,
    runs: Vec<Run>,
    counts: BTreeMap<String, i64>,
    unsent: i64,
}

impl RunsPage {
    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, crate::exchange::TIME_ZONE)
    }

    fn count_sentence(&self, key: &str, n: &i64) -> String {
        subscribe::count_sentence(key, *n)
    }
}

async fn runs_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, AppError> {
    guard::page(&state, &visitor, Action::ManageExchange).await?;
    let page = RunsPage {
        chrome: Chrome::new(&visitor, "Exchange digests", "/admin/exchange/digests"),
        runs: digest::runs(&state, 50).await?,
        counts: subscribe::counts(&state).await?,
        unsent: digest::unsent(&state).await?,
    };
    Ok(render(page)?.into_response())
}
