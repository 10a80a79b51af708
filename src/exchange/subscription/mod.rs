//! Exchange subscribers: no account, just an address, chosen topics and
//! daily or weekly digests. Double opt-in (nothing is sent before the
//! confirmation link is followed), a manage link in every email, and
//! one-click unsubscribe (RFC 8058).
//!
//! Links carry a token `<id>.<link version>.<HMAC>`: nothing secret is
//! stored, links for a million people are computed at delivery, and
//! raising the link version voids every older link.

pub mod api;
pub mod pages;
pub mod store;

use std::collections::BTreeMap;

use askama::Template;
use jiff::civil::Weekday;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{self, Entry};
use crate::auth::secret;
use crate::framework::Registry;
use crate::mail::Email;
use crate::state::AppState;
use crate::time::now_ms;

/// How often a digest comes.
pub const FREQUENCIES: [&str; 2] = ["daily", "weekly"];

/// "Mondays" ... "Sundays": the day weekly digests go out.
pub fn weekdays(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Mondays",
        Weekday::Tuesday => "Tuesdays",
        Weekday::Wednesday => "Wednesdays",
        Weekday::Thursday => "Thursdays",
        Weekday::Friday => "Fridays",
        Weekday::Saturday => "Saturdays",
        Weekday::Sunday => "Sundays",
    }
}

/// A frequency as a choice on the form: "Every day", "Every week, on Mondays".
pub fn frequency_choice(frequency: &str, weekday: Weekday) -> String {
    match frequency {
        "daily" => "Every day".to_owned(),
        "weekly" => format!("Every week, on {}", weekdays(weekday)),
        other => other.to_owned(),
    }
}

/// The choices of the form: (key, label), in order.
pub fn frequency_choices(weekday: Weekday) -> Vec<(&'static str, String)> {
    FREQUENCIES
        .iter()
        .map(|f| (*f, frequency_choice(f, weekday)))
        .collect()
}

/// Names joined for a sentence: "A", "A and B", "A, B, and C".
pub fn list_of(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// The words for a digest: ("a daily" | "a weekly" | "a", when it is
/// sent: "" or ", sent on Mondays").
fn digest_words(frequency: &str, weekday: Weekday) -> (&'static str, String) {
    match frequency {
        "daily" => ("a daily", String::new()),
        "weekly" => ("a weekly", format!(", sent on {}", weekdays(weekday))),
        _ => ("a", String::new()),
    }
}

/// What a subscription page says of a subscription: `asked` (not yet
/// confirmed) or not. "You asked for a weekly digest on Partnerships and
/// Funding, sent on Mondays." / "You get a daily digest on Partnerships."
pub fn subscription_sentence(
    asked: bool,
    frequency: &str,
    weekday: Weekday,
    topics: &[String],
) -> String {
    let (a, sent) = digest_words(frequency, weekday);
    let lead = if asked { "You asked for" } else { "You get" };
    let on = if topics.is_empty() {
        String::new()
    } else {
        format!(" on {}", list_of(topics))
    };
    format!("{lead} {a} digest{on}{sent}.")
}

/// The opening of the confirmation email (a list of topics follows):
/// "Someone (we hope you) asked for a weekly Career Pathways Exchange
/// digest at this address, sent on Mondays, with new resources and events on:"
pub fn asked_email_sentence(frequency: &str, weekday: Weekday) -> String {
    let (a, sent) = digest_words(frequency, weekday);
    format!(
        "Someone (we hope you) asked for {a} Career Pathways Exchange digest at this address{sent}, with new resources and events on:"
    )
}

/// The opening of the manage-link email: "This address already gets a
/// daily Career Pathways Exchange digest."
pub fn already_email_sentence(frequency: &str, weekday: Weekday) -> String {
    let (a, sent) = digest_words(frequency, weekday);
    format!("This address already gets {a} Career Pathways Exchange digest{sent}.")
}

/// A line of the admin's subscriber counts, from a key of [`counts`]
/// ("<status> <frequency>"): "1 person gets the daily digest."
pub fn count_sentence(key: &str, n: i64) -> String {
    let (status, frequency) = key.split_once(' ').unwrap_or((key, ""));
    let digest = match frequency {
        "daily" => "the daily digest",
        "weekly" => "the weekly digest",
        _ => "a digest",
    };
    let one = n == 1;
    let people = if one { "person" } else { "people" };
    match status {
        "active" => format!(
            "{n} {people} {} {digest}.",
            if one { "gets" } else { "get" }
        ),
        "pending" => format!(
            "{n} {people} asked for {digest} and {} not confirmed yet.",
            if one { "has" } else { "have" }
        ),
        "unsubscribed" => format!("{n} {people} unsubscribed from {digest}."),
        _ => format!("{n} {people} ({status}) for {digest}."),
    }
}

/// At most one confirmation or manage-link email per address this often,
/// so the form cannot be used to flood someone's inbox.
pub const RESEND_AFTER_MS: i64 = 10 * 60_000;

pub use crate::web::FieldErrors;

/// A checked subscription request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub email: String,
    pub topics: Vec<String>,
    pub frequency: String,
}

/// Checks topics and frequency (no database needed).
pub fn check_choice(
    registry: &Registry,
    topics: &[String],
    frequency: &str,
) -> Result<(Vec<String>, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let topics =
        match crate::exchange::topics::parse_keys(registry, topics.iter().map(String::as_str)) {
            Ok(t) if t.is_empty() => {
                errors.push(("topics", "Choose at least one topic.".into()));
                t
            }
            Ok(t) => t,
            Err(key) => {
                errors.push(("topics", format!("There is no topic called {key}.")));
                vec![]
            }
        };
    let frequency = frequency.trim().to_ascii_lowercase();
    if !FREQUENCIES.contains(&frequency.as_str()) {
        errors.push(("frequency", "Choose every day or every week.".into()));
    }
    if errors.is_empty() {
        Ok((topics, frequency))
    } else {
        Err(errors)
    }
}

/// Checks a whole subscription request.
pub fn check(
    registry: &Registry,
    email: &str,
    topics: &[String],
    frequency: &str,
) -> Result<Choice, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = email.trim().to_owned();
    if email.is_empty() {
        errors.push(("email", "Enter your email address.".into()));
    } else if !crate::web::text::valid_email(&email) {
        errors.push((
            "email",
            "Enter an email address like name@example.org.".into(),
        ));
    }
    let choice = check_choice(registry, topics, frequency);
    match (errors.is_empty(), choice) {
        (true, Ok((topics, frequency))) => Ok(Choice {
            email,
            topics,
            frequency,
        }),
        (_, Err(more)) => {
            errors.extend(more);
            Err(errors)
        }
        (false, Ok(_)) => Err(errors),
    }
}

/// The key that makes an address unique whatever its case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The inbox an address delivers to, for counting the emails sent to it:
/// case folded and any sub-address (`name+anything@`) taken off, so that
/// `pat+1@agency.gov` and `Pat+2@agency.gov` count as `pat@agency.gov`.
pub fn inbox_key(email: &str) -> String {
    let key = email_key(email);
    match key.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => key,
    }
}

fn signature(key: &[u8], id: i64, version: i64) -> String {
    // A purpose prefix keeps these apart from other uses of the key; 22
    // characters (132 bits) keep links short.
    let mut s = secret::sign(key, &format!("exchange-subscriber:{id}:{version}"));
    s.truncate(22);
    s
}

/// The token in a subscriber's links.
pub fn token(key: &[u8], id: i64, version: i64) -> String {
    format!("{id}.{version}.{}", signature(key, id, version))
}

/// The subscriber id and link version a token names, if its signature is
/// right (the version still has to match the stored one).
pub fn read_token(key: &[u8], token: &str) -> Option<(i64, i64)> {
    let mut parts = token.splitn(3, '.');
    let id: i64 = parts.next()?.parse().ok()?;
    let version: i64 = parts.next()?.parse().ok()?;
    let sig = parts.next()?;
    secret::same(sig, &signature(key, id, version)).then_some((id, version))
}

pub fn manage_url(base: &url::Url, token: &str) -> String {
    format!(
        "{}/exchange/subscription/{token}",
        base.as_str().trim_end_matches('/')
    )
}

pub fn unsubscribe_url(base: &url::Url, token: &str) -> String {
    format!(
        "{}/exchange/unsubscribe/{token}",
        base.as_str().trim_end_matches('/')
    )
}

/// RFC 8058 headers: a mail client's "unsubscribe" button POSTs
/// `List-Unsubscribe=One-Click` to the address.
pub fn unsubscribe_headers(unsubscribe_url: &str) -> Vec<(String, String)> {
    vec![
        ("List-Unsubscribe".into(), format!("<{unsubscribe_url}>")),
        (
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ),
    ]
}

/// What to do when an address subscribes (the page says the same thing
/// in every case, so it never tells whether an address is subscribed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSubscribe {
    /// New, pending or unsubscribed: (re)start as pending, send a confirmation.
    Confirm,
    /// Already active: send the manage link, change nothing.
    SendManageLink,
}

pub fn on_subscribe(status: Option<&str>) -> OnSubscribe {
    match status {
        Some("active") => OnSubscribe::SendManageLink,
        _ => OnSubscribe::Confirm,
    }
}

/// Whether another link email may go to an address last mailed at `last`.
pub fn may_mail(last: Option<i64>, now: i64) -> bool {
    last.is_none_or(|t| now - t >= RESEND_AFTER_MS)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Subscriber {
    #[serde(skip)]
    pub id: i64,
    pub email: String,
    /// daily or weekly.
    pub frequency: String,
    /// pending (waiting for the confirmation link), active or unsubscribed.
    pub status: String,
    /// Topic keys, e.g. `six-key-elements/partnerships`.
    pub topics: Vec<String>,
    #[serde(skip)]
    pub link_version: i64,
}

async fn find_row(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Subscriber>> {
    let Some(row) = store::subscriber(&mut *conn, id).await? else {
        return Ok(None);
    };
    Ok(Some(Subscriber {
        id: row.id,
        email: row.email,
        frequency: row.frequency,
        status: row.status,
        topics: store::topics_of(&mut *conn, row.id).await?,
        link_version: row.link_version,
    }))
}

/// The subscriber a link's token names, if the token is good.
pub async fn by_token(state: &AppState, token: &str) -> sqlx::Result<Option<Subscriber>> {
    let Some((id, version)) = read_token(&state.keys.csrf, token) else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    Ok(find_row(&mut conn, id)
        .await?
        .filter(|s| s.link_version == version))
}

fn actor(id: i64) -> (Option<i64>, String) {
    (None, format!("Exchange subscriber {id}"))
}

/// Subscribes an address (pages and API). Always answers the same way; a
/// confirmation (or, when already active, the manage link) is emailed
/// unless one went to the address in the last few minutes.
pub async fn subscribe(state: &AppState, ip: &str, choice: &Choice) -> anyhow::Result<()> {
    let now = now_ms();
    let key = email_key(&choice.email);
    let mut tx = state.db.begin().await?;
    let existing = store::by_email_key(&mut *tx, &key).await?;
    let (id, action, last) = match existing {
        None => {
            let id = store::insert(&mut *tx, &choice.email, &key, &choice.frequency, now).await?;
            store::set_topics(&mut tx, id, &choice.topics).await?;
            (id, OnSubscribe::Confirm, None)
        }
        Some((id, status, last)) => {
            let action = on_subscribe(Some(&status));
            if action == OnSubscribe::Confirm {
                // Not active, so nothing is sent to it: taking the new
                // choice cannot change what a stranger's address receives.
                store::ask_again(&mut *tx, id, &choice.email, &choice.frequency, now).await?;
                store::set_topics(&mut tx, id, &choice.topics).await?;
            }
            (id, action, last)
        }
    };
    // Once a few minutes per subscriber, and per inbox: a stranger cannot
    // flood one inbox by asking for `name+1@`, `name+2@`, ... in turn.
    let mailed = may_mail(last, now) && {
        let inbox = format!(
            "exchange-mail:{}",
            crate::auth::secret::sha256_hex(&inbox_key(&choice.email))
        );
        let window = crate::auth::throttle::count(&mut *tx, &inbox, now, RESEND_AFTER_MS).await?;
        crate::auth::throttle::refused(window, now, RESEND_AFTER_MS, 1).is_none()
    };
    if mailed {
        let sub = find_row(&mut tx, id).await?.expect("just written");
        let email = link_email(state, &sub, action)?;
        crate::mail::enqueue(&mut tx, &email).await?;
        store::set_mailed(&mut *tx, id, now).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(actor(id), ip, "exchange_subscribe")
            .record("exchange_subscriber", id)
            .detail(match (action, mailed) {
                (OnSubscribe::Confirm, true) => "confirmation link sent",
                (OnSubscribe::Confirm, false) => "asked again; confirmation sent recently",
                (OnSubscribe::SendManageLink, true) => "already subscribed; manage link sent",
                (OnSubscribe::SendManageLink, false) => {
                    "already subscribed; manage link sent recently"
                }
            }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms (or renews after unsubscribing): digests start with the items
/// published from now on.
pub async fn activate(state: &AppState, ip: &str, sub: &Subscriber) -> anyhow::Result<()> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::activate(&mut *tx, sub.id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor(sub.id), ip, "exchange_subscription_confirm")
            .record("exchange_subscriber", sub.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes topics and frequency.
pub async fn change(
    state: &AppState,
    ip: &str,
    sub: &Subscriber,
    topics: &[String],
    frequency: &str,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    store::set_frequency(&mut *tx, sub.id, frequency, now_ms()).await?;
    store::set_topics(&mut tx, sub.id, topics).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor(sub.id), ip, "exchange_subscription_change")
            .record("exchange_subscriber", sub.id)
            .detail(format!("{frequency}: {}", topics.join(", "))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Unsubscribes at once: digests already queued for them are not sent.
pub async fn unsubscribe(state: &AppState, ip: &str, sub: &Subscriber) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    store::unsubscribe(&mut *tx, sub.id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor(sub.id), ip, "exchange_unsubscribe")
            .record("exchange_subscriber", sub.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Topic names for people, grouped as on the form.
pub fn topic_names(registry: &Registry, keys: &[String]) -> Vec<String> {
    crate::exchange::topics::all(registry)
        .into_iter()
        .filter(|t| keys.contains(&t.key))
        .map(|t| t.name)
        .collect()
}

/// The topics grouped by framework name, for forms.
pub fn grouped_topics(registry: &Registry) -> Vec<(String, Vec<crate::exchange::topics::Topic>)> {
    let mut groups: Vec<(String, Vec<crate::exchange::topics::Topic>)> = Vec::new();
    for t in crate::exchange::topics::all(registry) {
        match groups.last_mut() {
            Some((name, list)) if *name == t.framework_name => list.push(t),
            _ => groups.push((t.framework_name.clone(), vec![t])),
        }
    }
    groups
}

#[derive(Template)]
#[template(path = "mail/exchange_link.txt")]
struct LinkText<'a> {
    confirm: bool,
    topics: &'a [String],
    opening: &'a str,
    manage: &'a str,
}

#[derive(Template)]
#[template(path = "mail/exchange_link.html")]
struct LinkHtml<'a> {
    confirm: bool,
    topics: &'a [String],
    opening: &'a str,
    manage: &'a str,
}

/// The confirmation email, or (already active) the manage-link email.
fn link_email(state: &AppState, sub: &Subscriber, action: OnSubscribe) -> anyhow::Result<Email> {
    let token = token(&state.keys.csrf, sub.id, sub.link_version);
    let manage = manage_url(&state.config.base_url, &token);
    let topics = topic_names(&state.frameworks, &sub.topics);
    let confirm = action == OnSubscribe::Confirm;
    let weekday = state.config.digest_weekday;
    let opening = if confirm {
        asked_email_sentence(&sub.frequency, weekday)
    } else {
        already_email_sentence(&sub.frequency, weekday)
    };
    Ok(Email {
        to: sub.email.clone(),
        subject: if confirm {
            "Confirm your Career Pathways Exchange digest".into()
        } else {
            "Your Career Pathways Exchange digest".into()
        },
        text: LinkText {
            confirm,
            topics: &topics,
            opening: &opening,
            manage: &manage,
        }
        .render()?,
        html: LinkHtml {
            confirm,
            topics: &topics,
            opening: &opening,
            manage: &manage,
        }
        .render()?,
        headers: if confirm {
            vec![]
        } else {
            unsubscribe_headers(&unsubscribe_url(&state.config.base_url, &token))
        },
    })
}

/// Counts for the admin: (status, frequency) -> subscribers.
pub async fn counts(state: &AppState) -> sqlx::Result<BTreeMap<String, i64>> {
    let rows = store::counts(&state.db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(s, f, n)| (format!("{s} {f}"), n))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_addresses_and_case_count_as_one_inbox() {
        assert_eq!(inbox_key(" Pat+1@Agency.gov"), "pat@agency.gov");
        assert_eq!(inbox_key("pat+news+x@agency.gov"), "pat@agency.gov");
        assert_eq!(inbox_key("pat@agency.gov"), "pat@agency.gov");
        assert_ne!(inbox_key("pat@agency.gov"), inbox_key("pat@other.gov"));
        // The domain's part is never cut.
        assert_eq!(inbox_key("pat@a+b.gov"), "pat@a+b.gov");
    }

    fn registry() -> Registry {
        crate::framework::load::for_instance(None).expect("built-in frameworks load")
    }

    #[test]
    fn tokens_name_the_subscriber_and_version_and_cannot_be_forged() {
        let t = token(b"key", 42, 3);
        assert!(t.starts_with("42.3."));
        assert_eq!(read_token(b"key", &t), Some((42, 3)));
        assert_eq!(read_token(b"other", &t), None);
        assert_eq!(read_token(b"key", &t.replacen("42.", "43.", 1)), None);
        assert_eq!(read_token(b"key", &t.replacen(".3.", ".4.", 1)), None);
        assert_eq!(read_token(b"key", "not-a-token"), None);
        assert_eq!(read_token(b"key", "1.1."), None);
    }

    #[test]
    fn a_request_needs_an_address_a_topic_and_a_frequency() {
        let r = registry();
        let ok = check(
            &r,
            " Ana@Example.org ",
            &["six-key-elements/partnerships".into()],
            "weekly",
        )
        .unwrap();
        assert_eq!(ok.email, "Ana@Example.org");
        assert_eq!(email_key(&ok.email), "ana@example.org");
        let errors = check(&r, "nope", &[], "hourly").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["email", "topics", "frequency"]);
        let errors = check(&r, "a@b.org", &["six-key-elements/nope".into()], "daily").unwrap_err();
        assert_eq!(errors[0].0, "topics");
        assert!(errors[0].1.contains("six-key-elements/nope"));
    }

    #[test]
    fn subscribing_again_never_changes_an_active_subscription() {
        assert_eq!(on_subscribe(None), OnSubscribe::Confirm);
        assert_eq!(on_subscribe(Some("pending")), OnSubscribe::Confirm);
        assert_eq!(on_subscribe(Some("unsubscribed")), OnSubscribe::Confirm);
        assert_eq!(on_subscribe(Some("active")), OnSubscribe::SendManageLink);
    }

    #[test]
    fn link_emails_are_throttled_per_address() {
        assert!(may_mail(None, 0));
        assert!(!may_mail(Some(1_000), 1_000 + RESEND_AFTER_MS - 1));
        assert!(may_mail(Some(1_000), 1_000 + RESEND_AFTER_MS));
    }

    #[test]
    fn one_click_headers_follow_rfc_8058() {
        let h = unsubscribe_headers("https://w.example/exchange/unsubscribe/T");
        assert_eq!(
            h[0],
            (
                "List-Unsubscribe".into(),
                "<https://w.example/exchange/unsubscribe/T>".into()
            )
        );
        assert_eq!(
            h[1],
            (
                "List-Unsubscribe-Post".into(),
                "List-Unsubscribe=One-Click".into()
            )
        );
    }

    const WEEKDAYS: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    fn names(n: usize) -> Vec<String> {
        ["Partnerships", "Funding", "Policy"][..n]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn lists_read_as_in_a_sentence() {
        assert_eq!(list_of(&names(0)), "");
        assert_eq!(list_of(&names(1)), "Partnerships");
        assert_eq!(list_of(&names(2)), "Partnerships and Funding");
        assert_eq!(list_of(&names(3)), "Partnerships, Funding, and Policy");
    }

    #[test]
    fn subscription_sentences_are_grammatical_for_every_frequency_and_day() {
        assert_eq!(
            subscription_sentence(true, "weekly", Weekday::Monday, &names(2)),
            "You asked for a weekly digest on Partnerships and Funding, sent on Mondays."
        );
        assert_eq!(
            subscription_sentence(true, "daily", Weekday::Monday, &names(1)),
            "You asked for a daily digest on Partnerships."
        );
        assert_eq!(
            subscription_sentence(false, "weekly", Weekday::Friday, &names(3)),
            "You get a weekly digest on Partnerships, Funding, and Policy, sent on Fridays."
        );
        assert_eq!(
            subscription_sentence(false, "daily", Weekday::Sunday, &names(2)),
            "You get a daily digest on Partnerships and Funding."
        );
        assert_eq!(
            asked_email_sentence("weekly", Weekday::Tuesday),
            "Someone (we hope you) asked for a weekly Career Pathways Exchange digest at this address, sent on Tuesdays, with new resources and events on:"
        );
        assert_eq!(
            asked_email_sentence("daily", Weekday::Tuesday),
            "Someone (we hope you) asked for a daily Career Pathways Exchange digest at this address, with new resources and events on:"
        );
        assert_eq!(
            already_email_sentence("weekly", Weekday::Saturday),
            "This address already gets a weekly Career Pathways Exchange digest, sent on Saturdays."
        );
        assert_eq!(
            already_email_sentence("daily", Weekday::Saturday),
            "This address already gets a daily Career Pathways Exchange digest."
        );
        for day in WEEKDAYS {
            let plural = weekdays(day);
            assert!(plural.ends_with("days") && plural.starts_with(char::is_uppercase));
            assert_eq!(
                frequency_choice("weekly", day),
                format!("Every week, on {plural}")
            );
            assert_eq!(frequency_choice("daily", day), "Every day");
            let choices = frequency_choices(day);
            assert_eq!(choices.len(), FREQUENCIES.len());
            for f in FREQUENCIES {
                let mut said = vec![asked_email_sentence(f, day), already_email_sentence(f, day)];
                for n in 0..=3 {
                    for asked in [true, false] {
                        said.push(subscription_sentence(asked, f, day, &names(n)));
                    }
                }
                for s in said {
                    let lower = s.to_lowercase();
                    assert!(lower.contains(&format!("a {f} ")), "{s}");
                    assert!(!lower.contains("a every"), "{s}");
                    assert!(!s.contains("  ") && !s.contains(" ,") && !s.contains(",,"));
                    assert!(!s.contains(" .") && !s.contains(",."), "{s}");
                    assert!(s.ends_with('.') || s.ends_with(':'), "{s}");
                    assert!(s.starts_with(char::is_uppercase), "{s}");
                    // The day is named (capitalised) for weekly digests only.
                    assert_eq!(s.contains(plural), f == "weekly", "{s}");
                    assert!(!s.contains(&plural.to_lowercase()), "{s}");
                }
            }
        }
    }

    #[test]
    fn subscriber_counts_agree_with_their_number() {
        assert_eq!(
            count_sentence("active daily", 1),
            "1 person gets the daily digest."
        );
        assert_eq!(
            count_sentence("active weekly", 3),
            "3 people get the weekly digest."
        );
        assert_eq!(
            count_sentence("pending weekly", 1),
            "1 person asked for the weekly digest and has not confirmed yet."
        );
        assert_eq!(
            count_sentence("pending daily", 2),
            "2 people asked for the daily digest and have not confirmed yet."
        );
        assert_eq!(
            count_sentence("unsubscribed daily", 1),
            "1 person unsubscribed from the daily digest."
        );
        for status in ["active", "pending", "unsubscribed"] {
            for f in FREQUENCIES {
                for n in [0, 1, 2, 10] {
                    let s = count_sentence(&format!("{status} {f}"), n);
                    assert!(s.starts_with(&format!("{n} ")), "{s}");
                    assert_eq!(s.contains(" person "), n == 1, "{s}");
                    assert!(s.contains(&format!("the {f} digest")), "{s}");
                }
            }
        }
    }

    #[test]
    fn topics_are_grouped_by_framework() {
        let g = grouped_topics(&registry());
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].1.len(), 6);
    }
}
