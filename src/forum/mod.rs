//! The discussion forum of each program.
//!
//! The rules, in words:
//! - A program's forum has one program-wide category ("General"), one
//!   topic category per element of the program's framework, and one
//!   category private to each state team (its team, its coach and the
//!   administrator read it: `policy::Action::ViewForumCategory`).
//! - Posts are Markdown, stored as written and as sanitised HTML rendered
//!   once when written (a thread page is read far more often than written).
//! - A mention is `@` followed by a person's name with dots for spaces
//!   (`@Ana.Ruiz`), or the start of it when only one person's name starts
//!   so (`@Ana`). Only people who may read the category can be mentioned;
//!   they get an email, and the name is shown emphasised.
//! - Watchers of a thread or its category get one email per new post (not
//!   the author, not someone who can no longer read the category).
//!
//! Everything in this file is a plain function on plain types.

pub mod api;
pub mod handlers;
pub mod requests;
pub mod service;
pub mod store;

use crate::auth::CurrentUser;
use crate::auth::policy::{self, Action};

pub const TITLE_MAX: usize = 150;
pub const BODY_MAX: usize = 20_000;
pub const REASON_MAX: usize = 500;
/// Threads on one page of a category.
pub const THREADS_PER_PAGE: i64 = 25;

/// The syntax hint shown next to every post form.
pub const MENTION_HINT: &str = "Markdown works: **bold**, *italic*, lists and links. To tell someone about your post, type @ and their name with dots for spaces, like @Ana.Ruiz, or just @Ana when only one Ana takes part.";

/// Checks a thread title; the sentence a person reads when it is wrong.
pub fn check_title(title: &str) -> Option<String> {
    let t = title.trim();
    if t.is_empty() {
        Some("Enter a title.".into())
    } else if t.chars().count() > TITLE_MAX {
        Some(format!(
            "Keep the title to {TITLE_MAX} characters or fewer."
        ))
    } else if !crate::web::text::is_one_line(t) {
        Some(crate::web::text::ONE_LINE.into())
    } else {
        None
    }
}

/// Checks a post's text.
pub fn check_body(body: &str) -> Option<String> {
    let t = body.trim();
    if t.is_empty() {
        Some("Write your post.".into())
    } else if t.chars().count() > BODY_MAX {
        Some(format!(
            "Keep the post to {BODY_MAX} characters or fewer (it has {}).",
            t.chars().count()
        ))
    } else {
        None
    }
}

/// Checks a reason (for a flag or a moderation).
pub fn check_reason(reason: &str) -> Option<String> {
    let t = reason.trim();
    if t.is_empty() {
        Some("Say why, in a few words.".into())
    } else if t.chars().count() > REASON_MAX {
        Some(format!(
            "Keep the reason to {REASON_MAX} characters or fewer."
        ))
    } else {
        None
    }
}

/// Does the person take part in some program's forum (for the "Forum"
/// link)? The policy answers.
pub fn takes_part(user: &CurrentUser) -> bool {
    policy::allows(user, &Action::TakePartInAForum)
}

/// The mention key of a name: lower case, dots for spaces ("Ana Ruiz" ->
/// "ana.ruiz").
pub fn mention_key(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(".")
}

fn mention_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '\'')
}

/// The mentions written in a text: (byte offset of the `@`, the token
/// after it). An `@` inside a word (an email address) is not a mention.
pub fn mention_tokens(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '@' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '@') {
            let rest = &text[i + 1..];
            let token: String = rest.chars().take_while(|c| mention_char(*c)).collect();
            let token = token.trim_end_matches(['.', '-', '\'']).to_owned();
            if token.chars().next().is_some_and(char::is_alphanumeric) {
                out.push((i, token));
            }
        }
        prev = Some(c);
    }
    out
}

/// The one person a token names among `people` (id, name): the whole name
/// with dots for spaces, or the start of exactly one name up to a space.
pub fn resolve_mention(token: &str, people: &[(i64, String)]) -> Option<(i64, String)> {
    let t = token.to_lowercase();
    if let Some(p) = people.iter().find(|(_, n)| mention_key(n) == t) {
        return Some(p.clone());
    }
    let prefix = format!("{t}.");
    let mut found = people
        .iter()
        .filter(|(_, n)| mention_key(n).starts_with(&prefix));
    match (found.next(), found.next()) {
        (Some(p), None) => Some(p.clone()),
        _ => None,
    }
}

/// Who an edit tells: the people its text mentions now who no earlier
/// version mentioned (each was told when first mentioned, and only then).
pub fn newly_mentioned(now: &[i64], before: &[i64]) -> Vec<i64> {
    now.iter()
        .filter(|id| !before.contains(id))
        .copied()
        .collect()
}

/// Backslash before Markdown punctuation, so a name shows as written.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The people a text mentions (ids, each once) and the Markdown to render,
/// with each mention emphasised under the person's full name.
pub fn apply_mentions(text: &str, people: &[(i64, String)]) -> (Vec<i64>, String) {
    let mut ids = Vec::new();
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (i, token) in mention_tokens(text) {
        let Some((id, name)) = resolve_mention(&token, people) else {
            continue;
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
        out.push_str(&text[at..i]);
        out.push_str(&format!("*@{}*", escape_markdown(&name)));
        at = i + 1 + token.len();
    }
    out.push_str(&text[at..]);
    (ids, out)
}

/// What a watch is on: a thread or a whole category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchTarget {
    Thread,
    Category,
}

impl WatchTarget {
    /// As stored in `forum_watches.target`.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchTarget::Thread => "thread",
            WatchTarget::Category => "category",
        }
    }

    pub fn parse(s: &str) -> Option<WatchTarget> {
        match s {
            "thread" => Some(WatchTarget::Thread),
            "category" => Some(WatchTarget::Category),
            _ => None,
        }
    }

    fn letter(self) -> char {
        match self {
            WatchTarget::Thread => 't',
            WatchTarget::Category => 'c',
        }
    }
}

/// One person's watch of one thread or category: what a stop link names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchRef {
    pub user_id: i64,
    pub target: WatchTarget,
    pub target_id: i64,
}

fn unwatch_signature(key: &[u8], w: &WatchRef) -> String {
    // A purpose prefix keeps these apart from other uses of the key (as
    // the Exchange's subscriber links do); 22 characters are 132 bits.
    let mut s = crate::auth::secret::sign(
        key,
        &format!(
            "forum-unwatch:{}:{}:{}",
            w.user_id,
            w.target.as_str(),
            w.target_id
        ),
    );
    s.truncate(22);
    s
}

/// The token of a stop link in a watch email, `<user>.<t|c><id>.<HMAC>`:
/// one person's one watch, nothing stored, unguessable without the key.
pub fn unwatch_token(key: &[u8], w: &WatchRef) -> String {
    format!(
        "{}.{}{}.{}",
        w.user_id,
        w.target.letter(),
        w.target_id,
        unwatch_signature(key, w)
    )
}

/// The watch a token names, if its signature is right.
pub fn read_unwatch_token(key: &[u8], token: &str) -> Option<WatchRef> {
    let mut parts = token.splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    let what = parts.next()?;
    let sig = parts.next()?;
    let target = match what.chars().next()? {
        't' => WatchTarget::Thread,
        'c' => WatchTarget::Category,
        _ => return None,
    };
    let target_id: i64 = what[1..].parse().ok()?;
    let w = WatchRef {
        user_id,
        target,
        target_id,
    };
    crate::auth::secret::same(sig, &unwatch_signature(key, &w)).then_some(w)
}

/// Which of a person's watches a watch email is about (and its stop link
/// stops): the thread's when they watch it, else its category's.
pub fn watch_for_email(targets: &[WatchTarget]) -> Option<WatchTarget> {
    if targets.contains(&WatchTarget::Thread) {
        Some(WatchTarget::Thread)
    } else if targets.contains(&WatchTarget::Category) {
        Some(WatchTarget::Category)
    } else {
        None
    }
}

/// The wanted categories the forum does not have yet, compared by
/// identity (kind, key), never by count: a team that left and another
/// that joined leave the count the same, but the new team still needs
/// its category.
pub fn missing_categories(
    existing: &[(String, String)],
    wanted: &[store::NewCategory],
) -> Vec<store::NewCategory> {
    wanted
        .iter()
        .filter(|w| !existing.iter().any(|(k, key)| k == w.0 && *key == w.1))
        .cloned()
        .collect()
}

/// Words a search leaves out: PostgreSQL's English stop words (its
/// `english.stop`), which its index never holds. Leaving them out of the
/// SQLite search too makes both give the same results: "the budget"
/// finds a post without "the" on either.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
    "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
    "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
    "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
    "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
    "for", "with", "about", "against", "between", "into", "through", "during", "before",
    "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over",
    "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
    "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
    "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will",
    "just", "don", "should", "now",
];

/// The words of a search, safe to hand to FTS5 (each quoted, all needed)
/// or to PostgreSQL's to_tsquery (joined by &); no stop words; at most
/// eight. Several words are all needed, wherever they are in the thread's
/// title or the post.
pub fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .take(8)
        .collect()
}

/// The start of a text for a search result: at most `n` characters.
pub fn excerpt(text: &str, n: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n {
        flat
    } else {
        let cut: String = flat.chars().take(n).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<(i64, String)> {
        vec![
            (1, "Ana Ruiz".into()),
            (2, "Jordan Kim".into()),
            (3, "Jordan Price".into()),
            (4, "Renee Alvarez".into()),
        ]
    }

    #[test]
    fn mentions_by_full_name_or_unique_first_name() {
        let (ids, md) = apply_mentions("Thanks @Ana.Ruiz and @renee, see @Jordan.Kim.", &people());
        assert_eq!(ids, vec![1, 4, 2]);
        assert_eq!(
            md,
            "Thanks *@Ana Ruiz* and *@Renee Alvarez*, see *@Jordan Kim*."
        );
    }

    #[test]
    fn an_ambiguous_or_unknown_name_or_an_email_is_no_mention() {
        let (ids, md) = apply_mentions("@Jordan and @Nobody wrote to ana@ruiz.gov", &people());
        assert!(ids.is_empty());
        assert_eq!(md, "@Jordan and @Nobody wrote to ana@ruiz.gov");
    }

    #[test]
    fn a_mention_counts_once() {
        let (ids, _) = apply_mentions("@Ana @Ana.Ruiz @ana", &people());
        assert_eq!(ids, vec![1]);
    }

    #[test]
    fn an_edit_tells_only_the_newly_mentioned() {
        assert_eq!(newly_mentioned(&[1, 4, 2], &[2]), vec![1, 4]);
        assert!(newly_mentioned(&[2], &[2, 3]).is_empty());
        assert!(newly_mentioned(&[], &[1]).is_empty());
        assert_eq!(newly_mentioned(&[5], &[]), vec![5]);
        // Through the mention rules: @Ana was there before, @Renee is new.
        let before = apply_mentions("Thanks @Ana.Ruiz", &people()).0;
        let now = apply_mentions("Thanks @Ana and @Renee.Alvarez", &people()).0;
        assert_eq!(newly_mentioned(&now, &before), vec![4]);
    }

    #[test]
    fn names_with_markdown_characters_are_escaped() {
        let (_, md) = apply_mentions("@Pat", &[(9, "Pat *Star* O'Neil".into())]);
        assert_eq!(md, "*@Pat \\*Star\\* O\\'Neil*");
    }

    #[test]
    fn checks_name_what_is_wrong() {
        assert!(check_title("  ").is_some());
        assert!(check_title(&"x".repeat(TITLE_MAX + 1)).is_some());
        assert!(check_title("Data sharing").is_none());
        assert!(check_body("").is_some());
        assert!(check_body(&"x".repeat(BODY_MAX + 1)).is_some());
        assert!(check_reason("spam").is_none());
        assert!(check_reason(" ").is_some());
    }

    #[test]
    fn search_words_drop_everything_but_words() {
        assert_eq!(
            search_words("\"data\" OR sharing* -(NEAR)"),
            vec!["data", "sharing", "near"]
        );
        assert!(search_words("*** ()").is_empty());
    }

    #[test]
    fn search_words_leave_out_stop_words() {
        assert_eq!(
            search_words("The budget of the State's office"),
            vec!["budget", "state", "office"]
        );
        assert!(search_words("the and of").is_empty());
        // Eight words counted after the stop words are gone.
        assert_eq!(
            search_words("the a b c d e f g h i j").len(),
            8,
            "a and i are stop words"
        );
    }

    fn cat(kind: &'static str, key: &str) -> store::NewCategory {
        (kind, key.into(), key.into(), String::new(), 0, None)
    }

    fn have(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn missing_categories_compare_identities_not_counts() {
        let wanted = vec![
            cat("general", "general"),
            cat("state", "CO"),
            cat("state", "NM"),
        ];
        // Kansas left, New Mexico joined: as many categories as wanted,
        // but New Mexico's is missing.
        let existing = have(&[("general", "general"), ("state", "CO"), ("state", "KS")]);
        let missing = missing_categories(&existing, &wanted);
        assert_eq!(missing, vec![cat("state", "NM")]);
        // All there: nothing to do.
        let existing = have(&[("general", "general"), ("state", "CO"), ("state", "NM")]);
        assert!(missing_categories(&existing, &wanted).is_empty());
        // First opening: everything.
        assert_eq!(missing_categories(&[], &wanted), wanted);
    }

    #[test]
    fn the_same_key_of_another_kind_is_another_category() {
        let wanted = vec![cat("topic", "general")];
        let existing = have(&[("general", "general")]);
        assert_eq!(missing_categories(&existing, &wanted), wanted);
    }

    #[test]
    fn unwatch_tokens_name_one_watch_and_cannot_be_made_up() {
        let w = WatchRef {
            user_id: 42,
            target: WatchTarget::Thread,
            target_id: 7,
        };
        let t = unwatch_token(b"key", &w);
        assert!(t.starts_with("42.t7."), "{t}");
        assert_eq!(read_unwatch_token(b"key", &t), Some(w));
        let c = WatchRef {
            target: WatchTarget::Category,
            ..w
        };
        assert_eq!(
            read_unwatch_token(b"key", &unwatch_token(b"key", &c)),
            Some(c)
        );
        // Another key, another person, another watch, a cut or no signature.
        assert_eq!(read_unwatch_token(b"other", &t), None);
        let sig = t.rsplit('.').next().unwrap();
        for forged in [
            format!("43.t7.{sig}"),
            format!("42.t8.{sig}"),
            format!("42.c7.{sig}"),
            t[..t.len() - 1].to_owned(),
            "42.t7".to_owned(),
            "42.t7.".to_owned(),
            "x.t7.abc".to_owned(),
            "42.7.abc".to_owned(),
            String::new(),
        ] {
            assert_eq!(read_unwatch_token(b"key", &forged), None, "{forged}");
        }
    }

    #[test]
    fn a_watch_email_stops_the_thread_watch_first() {
        use WatchTarget::*;
        assert_eq!(watch_for_email(&[Category, Thread]), Some(Thread));
        assert_eq!(watch_for_email(&[Category]), Some(Category));
        assert_eq!(watch_for_email(&[]), None);
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }

    #[test]
    fn takes_part_follows_the_policy() {
        use crate::auth::{Grant, Role};
        let user = |role, program: Option<i64>| CurrentUser {
            id: 1,
            email: "x@y".into(),
            name: "X".into(),
            grants: vec![Grant {
                role,
                program_id: program,
                state_code: None,
            }],
            outside_cohort: vec![],
        };
        assert!(takes_part(&user(Role::Federal, None)));
        assert!(takes_part(&user(Role::StateMember, Some(3))));
        assert!(!takes_part(&user(Role::Reviewer, Some(3))));
        assert!(!takes_part(&user(Role::Partner, None)));
    }
}
