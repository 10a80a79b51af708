//! A digest's message, shared by everyone who gets the same.

use askama::Template;

use crate::state::AppState;

use super::items::Item;

/// At most this many items in one email; the rest are on the Exchange.
pub const MAX_ITEMS: usize = 60;
/// Placeholder for the subscriber's link token in shared bodies.
pub const TOKEN: &str = "%%TOKEN%%";

/// One item in an email.
pub struct MailItem {
    pub title: String,
    pub kind: &'static str,
    pub source: String,
    pub summary: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/exchange_digest.txt")]
struct DigestText<'a> {
    items: &'a [MailItem],
    more: usize,
    topics: &'a [String],
    frequency: &'a str,
    manage: &'a str,
    unsubscribe: &'a str,
    library: &'a str,
}

#[derive(Template)]
#[template(path = "mail/exchange_digest.html")]
struct DigestHtml<'a> {
    items: &'a [MailItem],
    more: usize,
    topics: &'a [String],
    frequency: &'a str,
    manage: &'a str,
    unsubscribe: &'a str,
    library: &'a str,
}

/// A digest's shared message, with `%%TOKEN%%` where each person's links go.
pub fn render(
    state: &AppState,
    frequency: &str,
    topics: &[String],
    chosen: &[&Item],
) -> anyhow::Result<crate::mail::Email> {
    let base = state.config.base_url.as_str().trim_end_matches('/');
    let items: Vec<MailItem> = chosen
        .iter()
        .take(MAX_ITEMS)
        .map(|i| MailItem {
            title: i.title.clone(),
            kind: if i.kind == "event" {
                "Event"
            } else {
                "Resource"
            },
            source: i.source_org.clone(),
            summary: i.summary.clone(),
            url: format!("{base}/exchange/items/{}", i.id),
        })
        .collect();
    let more = chosen.len() - items.len();
    let topics = crate::exchange::subscription::topic_names(&state.frameworks, topics);
    let manage = crate::exchange::subscription::manage_url(&state.config.base_url, TOKEN);
    let unsubscribe = crate::exchange::subscription::unsubscribe_url(&state.config.base_url, TOKEN);
    let library = format!("{base}/exchange/digests");
    let frequency = if frequency == "weekly" {
        "weekly"
    } else {
        "daily"
    };
    let n = chosen.len();
    Ok(crate::mail::Email {
        to: String::new(),
        subject: format!(
            "Career Pathways Exchange: {n} new {} on your topics",
            if n == 1 { "item" } else { "items" }
        ),
        text: DigestText {
            items: &items,
            more,
            topics: &topics,
            frequency,
            manage: &manage,
            unsubscribe: &unsubscribe,
            library: &library,
        }
        .render()?,
        html: DigestHtml {
            items: &items,
            more,
            topics: &topics,
            frequency,
            manage: &manage,
            unsubscribe: &unsubscribe,
            library: &library,
        }
        .render()?,
        headers: crate::exchange::subscription::unsubscribe_headers(&unsubscribe),
    })
}
