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

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
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
    pub shown: Shown,
}

/// What a result shows of an item besides its words, kept with it so a
/// page of results needs no trip to the database.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// YYYY-MM-DD.
    pub issued_on: String,
    /// Events: Unix milliseconds, and the event's time zone.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
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

/// An item as found (its topic keys left out), and what taking it out
/// again needs.
struct Doc {
    item: Item,
    /// The terms it holds, each once.
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
    /// Per slot; a slot emptied by a change stays empty. What a search
    /// reads for every match is kept apart, packed: the item's id (0 for
    /// an empty slot), its words in all columns (stop words included:
    /// BM25's length) and when it was published.
    docs: Vec<Option<Doc>>,
    ids: Vec<i64>,
    lengths: Vec<u32>,
    published: Vec<i64>,
    /// Slots holding events, and per topic the slots tagged with it.
    events: Bits,
    topic_slots: Vec<Bits>,
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

    /// The item with this id, as found (without its topics).
    pub fn item(&self, id: i64) -> Option<&Item> {
        let slot = *self.slots.get(&id)?;
        self.docs[slot as usize].as_ref().map(|d| &d.item)
    }

    /// Items per topic key (topics no item has now left out).
    pub fn topic_counts(&self) -> Vec<(String, i64)> {
        self.topics
            .iter()
            .map(|(key, &id)| (key.clone(), self.topic_slots[id as usize].count() as i64))
            .filter(|(_, n)| *n > 0)
            .collect()
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
        let topics: Vec<u32> = item
            .topics
            .iter()
            .map(|t| {
                let next = u32::try_from(self.topics.len()).expect("few topics");
                let id = *self.topics.entry(t.clone()).or_insert(next);
                if id == next {
                    self.topic_slots.push(Bits::default());
                }
                self.topic_slots[id as usize].set(slot, true);
                id
            })
            .collect();
        self.events.set(slot, item.is_event);
        let kept = Item {
            topics: Vec::new(),
            ..item.clone()
        };
        self.docs.push(Some(Doc {
            item: kept,
            terms,
            topics,
        }));
        self.ids.push(item.id);
        self.lengths.push(length);
        self.published.push(item.published_at);
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
        for t in doc.topics {
            self.topic_slots[t as usize].set(slot, false);
        }
        let slot = slot as usize;
        self.events.set(slot as u32, false);
        self.words -= u64::from(self.lengths[slot]);
        self.ids[slot] = 0;
        self.lengths[slot] = 0;
    }

    /// Whether the item in a slot passes the filter.
    fn accepts(&self, slot: u32, events: Option<bool>, topic: Option<&Bits>) -> bool {
        events.is_none_or(|e| self.events.get(slot) == e) && topic.is_none_or(|t| t.get(slot))
    }

    /// The topic's slots, Err when no item ever had it (nothing can
    /// match).
    fn topic_slots(&self, filter: &Filter) -> Result<Option<&Bits>, ()> {
        match filter.topic {
            None => Ok(None),
            Some(t) => self
                .topics
                .get(t)
                .map(|&id| Some(&self.topic_slots[id as usize]))
                .ok_or(()),
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
        let Ok(topic) = self.topic_slots(filter) else {
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
        // BM25's length normalisation: fixed + per_word * length.
        let fixed = K1 * (1.0 - B);
        let per_word = K1 * B / average_length;
        let mut cursors = vec![0usize; lists.len()];
        let mut counts = vec![[0u16; 3]; lists.len()];
        let mut best = Best::new(offset.saturating_add(limit));
        let mut total = 0;
        'next: for first in lists[0] {
            let slot = first.doc;
            if !self.accepts(slot, filter.events, topic) {
                continue;
            }
            counts[0] = first.counts;
            for k in 1..lists.len() {
                let rest = &lists[k][cursors[k]..];
                cursors[k] += rest.partition_point(|p| p.doc < slot);
                match lists[k].get(cursors[k]) {
                    Some(p) if p.doc == slot => counts[k] = p.counts,
                    _ => continue 'next,
                }
            }
            let norm = fixed + per_word * f64::from(self.lengths[slot as usize]);
            let score: f64 = counts
                .iter()
                .zip(&idf)
                .map(|(c, idf)| {
                    let f = f64::from(c[0]) * WEIGHTS[0]
                        + f64::from(c[1]) * WEIGHTS[1]
                        + f64::from(c[2]) * WEIGHTS[2];
                    idf * f * (K1 + 1.0) / (f + norm)
                })
                .sum();
            total += 1;
            best.offer((Score(score), self.ids[slot as usize]));
        }
        best.page(total, offset, limit)
    }

    /// The items that pass the filter, newest first.
    pub fn browse(&self, filter: &Filter, offset: usize, limit: usize) -> Page {
        let Ok(topic) = self.topic_slots(filter) else {
            return Page {
                total: 0,
                ids: Vec::new(),
            };
        };
        let mut best = Best::new(offset.saturating_add(limit));
        let mut total = 0;
        let mut take = |slot: u32| {
            let id = self.ids[slot as usize];
            if id != 0 && filter.events.is_none_or(|e| self.events.get(slot) == e) {
                total += 1;
                best.offer((self.published[slot as usize], id));
            }
        };
        match topic {
            Some(bits) => bits.ones().for_each(&mut take),
            None => (0..self.ids.len() as u32).for_each(&mut take),
        }
        best.page(total, offset, limit)
    }
}

/// One bit per slot.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn get(&self, slot: u32) -> bool {
        self.0
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    fn set(&mut self, slot: u32, on: bool) {
        let word = slot as usize / 64;
        if word >= self.0.len() {
            if !on {
                return;
            }
            self.0.resize(word + 1, 0);
        }
        if on {
            self.0[word] |= 1 << (slot % 64);
        } else {
            self.0[word] &= !(1 << (slot % 64));
        }
    }

    fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// The slots whose bit is set, ascending.
    fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(i as u32 * 64 + bit)
            })
        })
    }
}

/// A BM25 score, ordered.
#[derive(Clone, Copy, PartialEq)]
struct Score(f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The `keep` greatest of what is offered (rank, then id: the newer
/// item first among equals), without keeping or sorting the rest.
struct Best<K: Ord> {
    keep: usize,
    heap: BinaryHeap<Reverse<(K, i64)>>,
}

impl<K: Ord> Best<K> {
    fn new(keep: usize) -> Best<K> {
        Best {
            keep,
            heap: BinaryHeap::with_capacity(keep.min(1024) + 1),
        }
    }

    fn offer(&mut self, entry: (K, i64)) {
        if self.heap.len() < self.keep {
            self.heap.push(Reverse(entry));
        } else if let Some(mut least) = self.heap.peek_mut()
            && entry > least.0
        {
            *least = Reverse(entry);
        }
    }

    /// Entries `offset..offset + limit`, greatest first.
    fn page(self, total: usize, offset: usize, limit: usize) -> Page {
        Page {
            total,
            // Ascending order of Reverse: the greatest first.
            ids: self
                .heap
                .into_sorted_vec()
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|Reverse((_, id))| id)
                .collect(),
        }
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
            shown: Shown::default(),
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
        assert_eq!(
            index.item(1).map(|i| i.summary.as_str()),
            Some("Agreements.")
        );
        assert_eq!(find(&index, "apprenticeship").len(), 2);
        let old_topic = Filter {
            events: None,
            topic: Some("a"),
        };
        assert_eq!(index.browse(&old_topic, 0, 20).total, 0);
        assert_eq!(index.topic_counts(), [("b".to_owned(), 1)]);
        index.remove(2);
        index.remove(99);
        assert_eq!(find(&index, "apprenticeship"), [1]);
        assert!(find(&index, "map").is_empty());
        assert!(index.item(2).is_none());
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn slot_bits_hold_across_words_and_clear() {
        let mut bits = Bits::default();
        for slot in [0, 63, 64, 200] {
            bits.set(slot, true);
        }
        bits.set(63, false);
        bits.set(10_000, false);
        assert_eq!(bits.ones().collect::<Vec<_>>(), [0, 64, 200]);
        assert!(bits.get(200) && !bits.get(63) && !bits.get(10_000));
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
