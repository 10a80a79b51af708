//! The library's search index, held in each process's memory: which
//! published items a search matches, how they rank and how many there
//! are, with no database work per match.
//!
//! Why not the database's own index alone: ranking reads every match,
//! and a common word matches thousands of items in a large library. In
//! FTS5 or PostgreSQL that is tens of milliseconds of a core per search
//! (README, Benchmarks); here it is a fraction of one. Both databases
//! give the same answers, since the words are cut and stemmed here
//! (Snowball English, without PostgreSQL's English stop words) and ranked
//! here (BM25 as FTS5 computes it, a title word weighing most). The
//! index is kept in step with the database by `search.rs`, which also
//! fetches the rows of the page shown.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What a word counts for in each column (title, summary, source
/// organisation): as the database search weighs them.
const WEIGHTS: [f64; 3] = [10.0, 2.0, 1.0];
/// BM25's usual constants (FTS5 uses the same).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words too common to find anything with: PostgreSQL's English list
/// (`tsearch_data/english.stop`), so a search means the same as it did
/// there.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// A search looks for at most this many words (as the database search).
const MAX_TERMS: usize = 8;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The words of a text: each one's byte range and its folded form (lower
/// case, accents removed). A word is a run of letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, usize, String)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while chars.peek().is_some_and(|(_, c)| !c.is_alphanumeric()) {
            chars.next();
        }
        let (start, _) = *chars.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let word = &text[start..end];
        let folded: String = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            word.nfkd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect()
        };
        Some((start, end, folded))
    })
}

/// The term a folded word is kept under, or none for a stop word.
fn term(folded: &str) -> Option<String> {
    if folded.is_empty() || STOP_WORDS.contains(&folded) {
        return None;
    }
    Some(STEMMER.stem(folded).into_owned())
}

/// What a search looks for: the terms of its words, each once, the stop
/// words left out. Empty when there is nothing to look for.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for (_, _, folded) in words(text).take(MAX_TERMS) {
        if let Some(t) = term(&folded)
            && !terms.contains(&t)
        {
            terms.push(t);
        }
    }
    terms
}

/// Whether a folded word is one of these terms (stemming it: see
/// [`Index::finds`] for the quicker way).
pub fn finds<'a>(terms: &'a [String]) -> impl Fn(&str) -> bool + 'a {
    move |folded| term(folded).is_some_and(|t| terms.contains(&t))
}

/// Up to `width` words of `text` around where the words `found` are
/// thickest, each between the markers \u{2} and \u{3} (see
/// [`super::rules::snippet_html`]), with "…" where text was cut.
pub fn snippet(text: &str, width: usize, found: impl Fn(&str) -> bool) -> String {
    let spans: Vec<(usize, usize, bool)> = words(text)
        .map(|(s, e, folded)| (s, e, found(&folded)))
        .collect();
    let width = width.max(1);
    // The window with the most words found; the earliest of equals.
    let mut start = 0;
    if spans.len() > width {
        let mut found = spans[..width].iter().filter(|w| w.2).count();
        let mut best = found;
        for i in 1..=spans.len() - width {
            found = found - usize::from(spans[i - 1].2) + usize::from(spans[i + width - 1].2);
            if found > best {
                best = found;
                start = i;
            }
        }
    }
    let end = (start + width).min(spans.len());
    let from = if start == 0 { 0 } else { spans[start].0 };
    let to = if end == spans.len() {
        text.len()
    } else {
        spans[end - 1].1
    };
    let mut out = String::with_capacity(to - from + 16);
    if start > 0 {
        out.push('…');
    }
    let mut at = from;
    for &(s, e, found) in &spans[start..end] {
        out.push_str(&text[at..s]);
        if found {
            out.push('\u{2}');
            out.push_str(&text[s..e]);
            out.push('\u{3}');
        } else {
            out.push_str(&text[s..e]);
        }
        at = e;
    }
    out.push_str(&text[at..to]);
    if end < spans.len() {
        out.push('…');
    }
    out
}

/// A published item as the index takes it.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub is_event: bool,
    /// Unix milliseconds; browsing shows the newest first.
    pub published_at: i64,
    pub title: String,
    pub summary: String,
    pub source_org: String,
    pub topics: Vec<String>,
}

/// What a search keeps to: an item kind, a topic key, or both.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Some(true): events only; Some(false): resources only.
    pub events: Option<bool>,
    pub topic: Option<&'a str>,
}

/// One page of what was found: the item ids in order, and how many
/// there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub total: usize,
    pub ids: Vec<i64>,
}

struct Doc {
    id: i64,
    is_event: bool,
    published_at: i64,
    /// Words in all columns, stop words included (BM25's length).
    length: u32,
    /// The terms it holds, each once (to take it out again).
    terms: Vec<u32>,
    topics: Vec<u32>,
}

/// A document holding a term: how often in each column.
#[derive(Clone, Copy)]
struct Posting {
    doc: u32,
    counts: [u16; 3],
}

/// The index at one version of the library (see `search.rs`).
#[derive(Default)]
pub struct Index {
    /// The library version it reflects.
    pub version: i64,
    terms: HashMap<String, u32>,
    /// Per term, by document slot, ascending.
    postings: Vec<Vec<Posting>>,
    /// Per slot; a slot emptied by a change stays empty.
    docs: Vec<Option<Doc>>,
    slots: HashMap<i64, u32>,
    topics: HashMap<String, u32>,
    /// Words in all documents.
    words: u64,
    /// Each folded word met: its term's number, none for a stop word
    /// (stemming once per word rather than once per occurrence).
    word_terms: HashMap<String, Option<u32>>,
}

impl Index {
    pub fn new(version: i64) -> Index {
        Index {
            version,
            ..Index::default()
        }
    }

    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds an item, or replaces the one with its id.
    pub fn put(&mut self, item: &Item) {
        self.remove(item.id);
        let slot = u32::try_from(self.docs.len()).expect("fewer than 4 billion changes");
        // (term, count per column); a few dozen terms, so a list.
        let mut counts: Vec<(u32, [u16; 3])> = Vec::new();
        let mut length = 0u32;
        for (column, text) in [&item.title, &item.summary, &item.source_org]
            .into_iter()
            .enumerate()
        {
            for (_, _, folded) in words(text) {
                length += 1;
                let Some(id) = self.term_of_word(folded) else {
                    continue;
                };
                let at = match counts.iter().position(|(t, _)| *t == id) {
                    Some(at) => at,
                    None => {
                        counts.push((id, [0; 3]));
                        counts.len() - 1
                    }
                };
                let c = &mut counts[at].1[column];
                *c = c.saturating_add(1);
            }
        }
        let mut terms = Vec::with_capacity(counts.len());
        for (id, c) in counts {
            // The newest slot is the highest, so the list stays in order.
            self.postings[id as usize].push(Posting {
                doc: slot,
                counts: c,
            });
            terms.push(id);
        }
        let topics = item
            .topics
            .iter()
            .map(|t| {
                let next = u32::try_from(self.topics.len()).expect("few topics");
                *self.topics.entry(t.clone()).or_insert(next)
            })
            .collect();
        self.docs.push(Some(Doc {
            id: item.id,
            is_event: item.is_event,
            published_at: item.published_at,
            length,
            terms,
            topics,
        }));
        self.slots.insert(item.id, slot);
        self.words += u64::from(length);
    }

    /// The number of a folded word's term (a new one for a word never
    /// seen), none for a stop word.
    fn term_of_word(&mut self, folded: String) -> Option<u32> {
        if let Some(known) = self.word_terms.get(&folded) {
            return *known;
        }
        let id = term(&folded).map(|t| {
            let next = u32::try_from(self.postings.len()).expect("fewer than 4 billion terms");
            let id = *self.terms.entry(t).or_insert(next);
            if id == next {
                self.postings.push(Vec::new());
            }
            id
        });
        self.word_terms.insert(folded, id);
        id
    }

    /// Whether a folded word is one of these terms, by the words this
    /// index has met (stemming only one it has not).
    pub fn finds<'a>(&'a self, terms: &'a [String]) -> impl Fn(&str) -> bool + 'a {
        let ids: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.terms.get(t).copied())
            .collect();
        move |folded| match self.word_terms.get(folded) {
            Some(Some(id)) => ids.contains(id),
            Some(None) => false,
            None => term(folded).is_some_and(|t| terms.contains(&t)),
        }
    }

    /// Gives back the room lists grew into (after reading a whole
    /// library).
    pub fn shrink(&mut self) {
        for list in &mut self.postings {
            list.shrink_to_fit();
        }
    }

    /// Takes out the item with this id, if it is there.
    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slots.remove(&id) else {
            return;
        };
        let Some(doc) = self.docs[slot as usize].take() else {
            return;
        };
        for t in doc.terms {
            let list = &mut self.postings[t as usize];
            if let Ok(at) = list.binary_search_by_key(&slot, |p| p.doc) {
                list.remove(at);
            }
        }
        self.words -= u64::from(doc.length);
    }

    fn accepts(&self, doc: &Doc, events: Option<bool>, topic: Option<u32>) -> bool {
        events.is_none_or(|e| doc.is_event == e) && topic.is_none_or(|t| doc.topics.contains(&t))
    }

    /// The topic's number, Err when no item has it (nothing can match).
    fn topic_number(&self, filter: &Filter) -> Result<Option<u32>, ()> {
        match filter.topic {
            None => Ok(None),
            Some(t) => self.topics.get(t).copied().map(Some).ok_or(()),
        }
    }

    /// The items holding every term that pass the filter, best first
    /// (BM25; the newer item first among equals): `limit` of them from
    /// `offset`, and how many in all.
    pub fn search(&self, terms: &[String], filter: &Filter, offset: usize, limit: usize) -> Page {
        let nothing = Page {
            total: 0,
            ids: Vec::new(),
        };
        let Ok(topic) = self.topic_number(filter) else {
            return nothing;
        };
        let Some(mut lists) = terms
            .iter()
            .map(|t| {
                self.terms
                    .get(t)
                    .map(|&id| self.postings[id as usize].as_slice())
            })
            .collect::<Option<Vec<&[Posting]>>>()
        else {
            return nothing;
        };
        if lists.is_empty() || lists.iter().any(|l| l.is_empty()) {
            return nothing;
        }
        // The rarest term leads; the others are looked up in order.
        lists.sort_by_key(|l| l.len());
        let items = self.len() as f64;
        let average_length = self.words as f64 / items;
        let idf: Vec<f64> = lists
            .iter()
            .map(|l| {
                let n = l.len() as f64;
                let idf = ((items - n + 0.5) / (n + 0.5)).ln();
                if idf <= 0.0 { 1e-6 } else { idf }
            })
            .collect();
        let mut cursors = vec![0usize; lists.len()];
        let mut found: Vec<(f64, i64)> = Vec::new();
        let mut counts = vec![[0u16; 3]; lists.len()];
        'next: for first in lists[0] {
            counts[0] = first.counts;
            for k in 1..lists.len() {
                let rest = &lists[k][cursors[k]..];
                cursors[k] += rest.partition_point(|p| p.doc < first.doc);
                match lists[k].get(cursors[k]) {
                    Some(p) if p.doc == first.doc => counts[k] = p.counts,
                    _ => continue 'next,
                }
            }
            let Some(doc) = &self.docs[first.doc as usize] else {
                continue;
            };
            if !self.accepts(doc, filter.events, topic) {
                continue;
            }
            let norm = K1 * (1.0 - B + B * f64::from(doc.length) / average_length);
            let score: f64 = counts
                .iter()
                .zip(&idf)
                .map(|(c, idf)| {
                    let f: f64 = c.iter().zip(WEIGHTS).map(|(&n, w)| f64::from(n) * w).sum();
                    idf * f * (K1 + 1.0) / (f + norm)
                })
                .sum();
            found.push((score, doc.id));
        }
        top(found, offset, limit, |a, b| {
            b.0.total_cmp(&a.0).then(b.1.cmp(&a.1))
        })
    }

    /// The items that pass the filter, newest first.
    pub fn browse(&self, filter: &Filter, offset: usize, limit: usize) -> Page {
        let Ok(topic) = self.topic_number(filter) else {
            return Page {
                total: 0,
                ids: Vec::new(),
            };
        };
        let found: Vec<(i64, i64)> = self
            .docs
            .iter()
            .flatten()
            .filter(|d| self.accepts(d, filter.events, topic))
            .map(|d| (d.published_at, d.id))
            .collect();
        top(found, offset, limit, |a, b| b.cmp(a))
    }
}

/// Entries `offset..offset + limit` of `found` in `order`, without
/// sorting the rest.
fn top<T: Copy>(
    mut found: Vec<(T, i64)>,
    offset: usize,
    limit: usize,
    order: impl Fn(&(T, i64), &(T, i64)) -> std::cmp::Ordering,
) -> Page {
    let total = found.len();
    let wanted = offset.saturating_add(limit).min(total);
    if wanted < total && wanted > 0 {
        found.select_nth_unstable_by(wanted - 1, &order);
        found.truncate(wanted);
    }
    found.sort_unstable_by(&order);
    Page {
        total,
        ids: found.iter().skip(offset).take(limit).map(|f| f.1).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, title: &str, summary: &str, topics: &[&str]) -> Item {
        Item {
            id,
            is_event: false,
            published_at: id * 1000,
            title: title.into(),
            summary: summary.into(),
            source_org: "U.S. Department of Labor".into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn find(index: &Index, q: &str) -> Vec<i64> {
        index.search(&query_terms(q), &Filter::default(), 0, 20).ids
    }

    #[test]
    fn words_are_matched_whatever_their_form_case_or_accents() {
        let mut index = Index::new(1);
        index.put(&item(
            1,
            "Apprenticeships for youth",
            "Bridge programs.",
            &[],
        ));
        index.put(&item(2, "Café partnerships", "Employers that hire.", &[]));
        assert_eq!(find(&index, "APPRENTICESHIP"), [1]);
        assert_eq!(find(&index, "apprenticeships"), [1]);
        assert_eq!(find(&index, "cafe"), [2]);
        assert_eq!(find(&index, "employer hiring"), [2]);
        assert_eq!(
            find(&index, "bridge employers"),
            Vec::<i64>::new(),
            "every word must match"
        );
        assert!(find(&index, "the").is_empty(), "a stop word finds nothing");
        assert!(query_terms("the of and").is_empty());
        assert_eq!(query_terms("Work works WORKING"), ["work"]);
    }

    #[test]
    fn a_title_match_outranks_a_summary_match_and_the_source_weighs_least() {
        let mut index = Index::new(1);
        index.put(&item(
            1,
            "Sector strategies",
            "How regions grew apprenticeship programs.",
            &[],
        ));
        index.put(&item(
            2,
            "Apprenticeship toolkit",
            "Templates and agreements.",
            &[],
        ));
        let mut by_source = item(3, "Career maps", "Maps for advisors.", &[]);
        by_source.source_org = "Apprenticeship USA".into();
        index.put(&by_source);
        for i in 10..40 {
            index.put(&item(i, "Other", "Something else entirely.", &[]));
        }
        assert_eq!(find(&index, "apprenticeship"), [2, 1, 3]);
    }

    #[test]
    fn equal_matches_list_the_newest_first_and_pages_follow_on() {
        let mut index = Index::new(1);
        for id in 1..=45 {
            index.put(&item(id, "Pathway map", "The same words.", &[]));
        }
        let first = index.search(&query_terms("pathway"), &Filter::default(), 0, 20);
        assert_eq!(first.total, 45);
        assert_eq!(first.ids, (26..=45).rev().collect::<Vec<_>>());
        let last = index.search(&query_terms("pathway"), &Filter::default(), 40, 20);
        assert_eq!(last.ids, [5, 4, 3, 2, 1]);
        let beyond = index.search(&query_terms("pathway"), &Filter::default(), 60, 20);
        assert_eq!((beyond.total, beyond.ids.len()), (45, 0));
    }

    #[test]
    fn filters_keep_to_a_kind_and_a_topic_and_count_only_what_passes() {
        let mut index = Index::new(1);
        index.put(&item(
            1,
            "Funding guide",
            "Braiding funds.",
            &["six-key-elements/funding"],
        ));
        let mut event = item(
            2,
            "Funding webinar",
            "Braiding funds live.",
            &["six-key-elements/funding"],
        );
        event.is_event = true;
        index.put(&event);
        index.put(&item(
            3,
            "Funding policy",
            "State policy.",
            &["six-key-elements/policy"],
        ));
        let events = Filter {
            events: Some(true),
            topic: None,
        };
        assert_eq!(
            index.search(&query_terms("funding"), &events, 0, 20).ids,
            [2]
        );
        let funding = Filter {
            events: Some(false),
            topic: Some("six-key-elements/funding"),
        };
        let page = index.search(&query_terms("funding"), &funding, 0, 20);
        assert_eq!((page.total, page.ids), (1, vec![1]));
        let unknown = Filter {
            events: None,
            topic: Some("no-such/topic"),
        };
        assert_eq!(
            index.search(&query_terms("funding"), &unknown, 0, 20).total,
            0
        );
        let policy = Filter {
            events: None,
            topic: Some("six-key-elements/policy"),
        };
        assert_eq!(index.browse(&policy, 0, 20).ids, [3]);
        assert_eq!(index.browse(&Filter::default(), 0, 2).ids, [3, 2]);
        assert_eq!(index.browse(&Filter::default(), 0, 2).total, 3);
    }

    #[test]
    fn a_changed_or_removed_item_is_found_as_it_is_now() {
        let mut index = Index::new(1);
        index.put(&item(1, "Apprenticeship toolkit", "Templates.", &["a"]));
        index.put(&item(2, "Apprenticeship map", "Maps.", &[]));
        index.put(&item(1, "Apprenticeship guide", "Agreements.", &["b"]));
        assert_eq!(index.len(), 2);
        assert!(find(&index, "toolkit").is_empty(), "the old words are gone");
        assert_eq!(find(&index, "guide"), [1]);
        assert_eq!(find(&index, "apprenticeship").len(), 2);
        let old_topic = Filter {
            events: None,
            topic: Some("a"),
        };
        assert_eq!(index.browse(&old_topic, 0, 20).total, 0);
        index.remove(2);
        index.remove(99);
        assert_eq!(find(&index, "apprenticeship"), [1]);
        assert!(find(&index, "map").is_empty());
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn a_snippet_marks_the_words_found_where_they_are_thickest() {
        let terms = query_terms("employer apprenticeship");
        assert_eq!(
            snippet("Employers grow apprenticeship programs.", 32, finds(&terms)),
            "\u{2}Employers\u{3} grow \u{2}apprenticeship\u{3} programs."
        );
        let mut index = Index::new(1);
        index.put(&item(1, "Employers", "Apprenticeships grow.", &[]));
        assert_eq!(
            snippet(
                "Employers grow apprenticeship programs.",
                32,
                index.finds(&terms)
            ),
            "\u{2}Employers\u{3} grow \u{2}apprenticeship\u{3} programs.",
            "words the index has met, and words it has not"
        );
        let long = format!(
            "{} apprenticeship with employers, {}",
            "word ".repeat(40).trim(),
            "more ".repeat(40).trim()
        );
        let cut = snippet(&long, 8, finds(&terms));
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(
            cut.contains("\u{2}apprenticeship\u{3} with \u{2}employers\u{3}"),
            "{cut}"
        );
        assert_eq!(snippet("", 32, finds(&terms)), "");
        assert_eq!(snippet("Nothing here.", 32, finds(&terms)), "Nothing here.");
    }
}
