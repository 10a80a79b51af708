//! What each subscriber gets: the new items on their topics, and the key
//! of the digest they share with everyone who has the same.

use serde::Serialize;

/// An item that may go in digests.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    /// resource or event.
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub source_org: String,
    pub published_at: i64,
    #[serde(skip)]
    pub topics: Vec<String>,
}

/// What one subscriber gets: the items (newest first) published after
/// `since` on any of their topics. Empty: no email.
pub fn select<'a>(items: &'a [Item], topics: &[String], since: i64) -> Vec<&'a Item> {
    let mut chosen: Vec<&Item> = items
        .iter()
        .filter(|i| i.published_at > since && i.topics.iter().any(|t| topics.contains(t)))
        .collect();
    chosen.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    chosen
}

/// The key of a distinct digest within a run: everyone with the same
/// window start and topics gets the same body.
pub fn signature(since: i64, topics: &[String]) -> String {
    crate::auth::secret::sha256_hex(&format!("{since}|{}", topics.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, at: i64, topics: &[&str]) -> Item {
        Item {
            id,
            kind: "resource".into(),
            title: format!("Item {id}"),
            summary: String::new(),
            source_org: String::new(),
            published_at: at,
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_subscriber_gets_the_new_items_on_their_topics_newest_first() {
        let items = [
            item(1, 100, &["a"]),
            item(2, 200, &["b"]),
            item(3, 300, &["a", "b"]),
            item(4, 50, &["a"]),
        ];
        let ids = |v: Vec<&Item>| v.iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids(select(&items, &["a".into()], 60)), [3, 1]);
        assert_eq!(ids(select(&items, &["b".into()], 0)), [3, 2]);
        assert!(select(&items, &["c".into()], 0).is_empty());
        assert!(select(&items, &["a".into()], 300).is_empty());
    }

    #[test]
    fn same_window_and_topics_share_a_digest() {
        let a = signature(5, &["x".into(), "y".into()]);
        assert_eq!(a, signature(5, &["x".into(), "y".into()]));
        assert_ne!(a, signature(6, &["x".into(), "y".into()]));
        assert_ne!(a, signature(5, &["x".into()]));
    }
}
