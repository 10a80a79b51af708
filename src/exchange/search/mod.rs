//! The library's one search interface over both databases: full-text
//! search ranked, browsing newest first, by topic and kind, and upcoming
//! events. Only published items, ever.
//!
//! Two engines answer it. By default each process holds an index in
//! memory (`index.rs`, setting `search_index = memory`), kept in step
//! with the database through the library's change log (migration 12).
//! The database's own full-text index (SQLite: FTS5 with bm25, the title
//! weighing most; PostgreSQL: ts_rank_cd on the generated `search`
//! column) answers when the setting is `database`.

pub mod store;

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use serde::{Deserialize, Serialize};

use super::index::{self, Filter, Index, Item, Shown};
use super::rules;
use crate::db::{Backend, Db};
use store::HitRow;

/// Items per page.
pub const PER_PAGE: i64 = 20;

/// What someone looks for. An empty `text` browses newest first.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchQuery {
    /// Words to look for (any punctuation is ignored).
    pub q: String,
    /// Only items with this topic key, e.g. `six-key-elements/partnerships`.
    pub topic: String,
    /// Only `resource` or `event`.
    pub kind: String,
    /// 1 for the first page.
    pub page: Option<i64>,
}

impl SearchQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 10_000)
    }
}

/// One item found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: i64,
    pub kind: String,
    pub title: String,
    /// HTML: the summary (or its best part), escaped, with the words found
    /// inside `<mark>`.
    pub snippet_html: String,
    pub source_org: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    /// Events: Unix milliseconds.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
}

impl Hit {
    /// Events: when, in words on the event's clock.
    pub fn when(&self) -> String {
        match (self.starts_at, self.ends_at, &self.time_zone) {
            (Some(s), Some(e), Some(z)) => crate::activity::describe_span(s, e, z),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SearchResults)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// How many items match in all.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl Results {
    pub fn pages(&self) -> i64 {
        ((self.total + PER_PAGE - 1) / PER_PAGE).max(1)
    }
}

fn hits(rows: Vec<HitRow>, marked: bool) -> Vec<Hit> {
    rows.into_iter()
        .map(|r| Hit {
            id: r.id,
            kind: r.kind,
            title: r.title,
            snippet_html: if marked {
                rules::snippet_html(&r.text)
            } else {
                rules::snippet_html(&rules::shorten(&r.text, 240))
            },
            source_org: r.source_org,
            issued_on: r.issued_on,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            time_zone: r.time_zone,
        })
        .collect()
}

/// What Exchange searches keep in each process: recent answers, and the
/// search index unless the database's own is chosen.
pub struct Searcher {
    answers: Cache,
    index: Option<LiveIndex>,
}

impl Searcher {
    pub fn new(config: &crate::config::Config) -> Searcher {
        Searcher {
            answers: Cache::new(config.search_cache_entries),
            index: config.search_in_memory.then(LiveIndex::default),
        }
    }

    /// Reads the library into the index ahead of the first search (at
    /// start, so nobody waits for it).
    pub async fn prepare(&self, db: &Db) -> sqlx::Result<()> {
        match &self.index {
            Some(live) => live.bring_up_to(db, library_version(db).await?).await,
            None => Ok(()),
        }
    }
}

/// The in-memory index, brought up to the library's version before each
/// search that finds it behind: the items changed since are read again
/// (or, after many changes, the whole library).
#[derive(Default)]
struct LiveIndex {
    index: RwLock<Option<Index>>,
    /// One update at a time; searches that need it wait for it.
    updating: tokio::sync::Mutex<()>,
}

/// Beyond this many items changed at once, reading the whole library
/// again is as quick.
const MOST_CHANGES_TAKEN_IN: usize = 2000;
/// Versions of the change log kept (see [`prune_changes`]).
pub const CHANGES_KEPT: i64 = 10_000;

impl LiveIndex {
    fn version(&self) -> Option<i64> {
        self.read().as_ref().map(|i| i.version)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<Index>> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    async fn bring_up_to(&self, db: &Db, version: i64) -> sqlx::Result<()> {
        if self.version().is_some_and(|v| v >= version) {
            return Ok(());
        }
        let _one_at_a_time = self.updating.lock().await;
        let since = self.version();
        if since.is_some_and(|v| v >= version) {
            return Ok(());
        }
        let started = std::time::Instant::now();
        match read_library(db, since).await? {
            Library::Changes {
                version,
                ids,
                items,
            } => {
                let mut guard = self.index.write().unwrap_or_else(|e| e.into_inner());
                if let Some(index) = guard.as_mut() {
                    for id in ids {
                        index.remove(id);
                    }
                    for item in &items {
                        index.put(item);
                    }
                    index.version = version;
                }
            }
            Library::Whole { version, items } => {
                let read_ms = started.elapsed().as_millis();
                let count = items.len();
                let built = tokio::task::spawn_blocking(move || {
                    let mut index = Index::new(version);
                    for item in &items {
                        index.put(item);
                    }
                    index.shrink();
                    index
                })
                .await
                .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
                *self.index.write().unwrap_or_else(|e| e.into_inner()) = Some(built);
                tracing::info!(
                    items = count,
                    read_ms,
                    total_ms = started.elapsed().as_millis(),
                    "Exchange search index read"
                );
            }
        }
        Ok(())
    }
}

/// What the index reads from the database, as of one version.
enum Library {
    /// Every published item.
    Whole { version: i64, items: Vec<Item> },
    /// The items changed since the index's version: `ids` to take out,
    /// `items` (those of them still published) to put back.
    Changes {
        version: i64,
        ids: Vec<i64>,
        items: Vec<Item>,
    },
}

/// Reads, in one snapshot, the library's version and either the items
/// changed since `since` or (with no `since`, after too many changes, or
/// when the log no longer reaches back that far) every published item.
async fn read_library(db: &Db, since: Option<i64>) -> sqlx::Result<Library> {
    let mut tx = db.begin_read().await?;
    let store::Versions {
        version,
        pruned_through,
    } = store::versions(&mut *tx).await?;
    let changed: Option<Vec<i64>> = match since {
        Some(since) if since >= pruned_through => {
            let ids =
                store::changed_items(&mut *tx, since, version, MOST_CHANGES_TAKEN_IN as i64 + 1)
                    .await?;
            (ids.len() <= MOST_CHANGES_TAKEN_IN).then_some(ids)
        }
        _ => None,
    };
    let rows = store::index_items(&mut *tx, changed.as_deref()).await?;
    let topic_rows = store::index_topics(&mut *tx, changed.as_deref()).await?;
    tx.rollback().await?;
    let mut topics: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, topic) in topic_rows {
        topics.entry(id).or_default().push(topic);
    }
    let items = rows
        .into_iter()
        .filter(|row| row.status == "published")
        .map(|row| Item {
            id: row.id,
            is_event: row.kind == "event",
            published_at: row.published_at.unwrap_or_default(),
            title: row.title,
            summary: row.summary,
            source_org: row.source_org,
            topics: topics.remove(&row.id).unwrap_or_default(),
            shown: Shown {
                issued_on: row.issued_on,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                time_zone: row.time_zone,
            },
        })
        .collect();
    Ok(match changed {
        Some(ids) => Library::Changes {
            version,
            ids,
            items,
        },
        None => Library::Whole { version, items },
    })
}

/// Drops change-log entries but those of the last `keep` versions (an
/// index further behind reads the whole library); returns how many.
pub async fn prune_changes(db: &Db, keep: i64) -> sqlx::Result<u64> {
    let mut tx = db.begin().await?;
    let store::Versions {
        version,
        pruned_through,
    } = store::versions(&mut *tx).await?;
    let cut = version - keep;
    if cut <= pruned_through {
        tx.rollback().await?;
        return Ok(0);
    }
    let dropped = store::drop_changes(&mut *tx, cut).await?;
    store::set_pruned_through(&mut *tx, cut).await?;
    tx.commit().await?;
    Ok(dropped)
}

/// Recent answers, reused while the library is unchanged.
///
/// The same searches come again and again while the library changes a
/// few times a day; an answer kept saves ranking the matches (with the
/// database's own index, most of a search's cost) and reading the page's
/// rows. Each answer is kept under the library's version number
/// (migration 11: triggers bump it on every change to an item or its
/// topics) and used again only while that number is the same, so a
/// change made by any process shows at once. Bounded: the least recently
/// used answer goes first.
pub struct Cache {
    capacity: usize,
    inner: Mutex<CacheInner>,
    /// The published items per topic (every Exchange home page shows
    /// them; counting reads every topic row), with the version it saw.
    topic_counts: Mutex<Option<(i64, TopicCounts)>>,
}

#[derive(Default)]
struct CacheInner {
    entries: HashMap<CacheKey, CacheEntry>,
    clock: u64,
}

/// Published items per topic key.
pub type TopicCounts = Vec<(String, i64)>;

/// The words (as searched: the same words in any case or punctuation are
/// the same search), topic, kind and page.
type CacheKey = (String, String, String, i64);

struct CacheEntry {
    version: i64,
    results: Results,
    used: u64,
}

impl Cache {
    /// Keeps up to `capacity` answers; 0 keeps none.
    pub fn new(capacity: usize) -> Cache {
        Cache {
            capacity,
            inner: Mutex::new(CacheInner::default()),
            topic_counts: Mutex::new(None),
        }
    }

    fn key(q: &SearchQuery) -> CacheKey {
        (
            rules::search_terms(&q.q).join(" "),
            q.topic.trim().to_owned(),
            match q.kind.as_str() {
                "resource" | "event" => q.kind.clone(),
                _ => String::new(),
            },
            q.page(),
        )
    }

    fn get(&self, key: &CacheKey, version: i64) -> Option<Results> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner.entries.get_mut(key)?;
        if entry.version != version {
            return None;
        }
        entry.used = now;
        Some(entry.results.clone())
    }

    fn put(&self, key: CacheKey, version: i64, results: &Results) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.clock += 1;
        let now = inner.clock;
        // Answers from an older library are of no more use.
        inner.entries.retain(|_, e| e.version >= version);
        if inner.entries.len() >= self.capacity
            && let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
        {
            inner.entries.remove(&oldest);
        }
        inner.entries.insert(
            key,
            CacheEntry {
                version,
                results: results.clone(),
                used: now,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap().entries.len()
    }
}

/// The library's version number (see [`Cache`]).
async fn library_version(db: &Db) -> sqlx::Result<i64> {
    store::library_version(&db.pool).await
}

/// Searches (or browses, when there are no words) the published items,
/// answering from the cache when the library has not changed since.
pub async fn search(db: &Db, searcher: &Searcher, q: &SearchQuery) -> sqlx::Result<Results> {
    let cache = &searcher.answers;
    if cache.capacity == 0 && searcher.index.is_none() {
        return search_database(db, q).await;
    }
    // Read before searching: an answer is never filed under a version
    // newer than what it saw.
    let version = library_version(db).await?;
    let key = Cache::key(q);
    if cache.capacity > 0
        && let Some(found) = cache.get(&key, version)
    {
        return Ok(found);
    }
    let results = match &searcher.index {
        Some(live) => search_index(db, live, version, q).await?,
        None => search_database(db, q).await?,
    };
    if cache.capacity > 0 {
        cache.put(key, version, &results);
    }
    Ok(results)
}

/// Searches the index held in memory (brought up to `version` first),
/// then reads the page's items.
async fn search_index(
    db: &Db,
    live: &LiveIndex,
    version: i64,
    q: &SearchQuery,
) -> sqlx::Result<Results> {
    live.bring_up_to(db, version).await?;
    let page = q.page();
    let offset = ((page - 1) * PER_PAGE) as usize;
    let filter = Filter {
        events: match q.kind.as_str() {
            "resource" => Some(false),
            "event" => Some(true),
            _ => None,
        },
        topic: Some(q.topic.trim()).filter(|t| !t.is_empty()),
    };
    // Words given, even if only stop words: a search, not browsing.
    let looked_for = !rules::search_terms(&q.q).is_empty();
    let terms = index::query_terms(&q.q);
    // Found and shown under one look at the index: one version throughout.
    let guard = live.read();
    let Some(index) = guard.as_ref() else {
        return Ok(Results {
            hits: Vec::new(),
            total: 0,
            page,
            per_page: PER_PAGE,
        });
    };
    let found = if looked_for {
        index.search(&terms, &filter, offset, PER_PAGE as usize)
    } else {
        index.browse(&filter, offset, PER_PAGE as usize)
    };
    let found_word = index.finds(&terms);
    let hits = found
        .ids
        .iter()
        .filter_map(|id| index.item(*id))
        .map(|item| Hit {
            id: item.id,
            kind: if item.is_event { "event" } else { "resource" }.to_owned(),
            title: item.title.clone(),
            snippet_html: rules::snippet_html(&if looked_for {
                index::snippet(&item.summary, SNIPPET_WORDS, &found_word)
            } else {
                rules::shorten(&item.summary, 240)
            }),
            source_org: item.source_org.clone(),
            issued_on: item.shown.issued_on.clone(),
            starts_at: item.shown.starts_at,
            ends_at: item.shown.ends_at,
            time_zone: item.shown.time_zone.clone(),
        })
        .collect();
    Ok(Results {
        hits,
        total: found.total as i64,
        page,
        per_page: PER_PAGE,
    })
}

/// Words in a search result's snippet.
const SNIPPET_WORDS: usize = 32;

/// Searches the database itself.
async fn search_database(db: &Db, q: &SearchQuery) -> sqlx::Result<Results> {
    let page = q.page();
    let offset = (page - 1) * PER_PAGE;
    let kind = match q.kind.as_str() {
        "resource" | "event" => Some(q.kind.as_str()),
        _ => None,
    };
    let topic = (!q.topic.trim().is_empty()).then(|| q.topic.trim());
    // The words as the backend's full-text query; none: browsing.
    let words = match db.backend {
        Backend::Sqlite => rules::fts5_query(&q.q),
        Backend::Postgres => rules::pg_query(&q.q),
    };
    let (rows, total) = store::search(db, words.as_deref(), kind, topic, offset).await?;
    Ok(Results {
        hits: hits(rows, words.is_some()),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// Published events that have not ended, soonest first.
pub async fn upcoming_events(db: &Db, now: i64, limit: i64) -> sqlx::Result<Vec<Hit>> {
    let rows = store::upcoming_events(&db.pool, now, limit).await?;
    Ok(hits(rows, false))
}

/// Published items per topic key: from the index when there is one,
/// otherwise counted and kept while the library is unchanged (see
/// [`Cache`]).
pub async fn topic_counts(db: &Db, searcher: &Searcher) -> sqlx::Result<TopicCounts> {
    if let Some(live) = &searcher.index {
        live.bring_up_to(db, library_version(db).await?).await?;
        return Ok(live
            .read()
            .as_ref()
            .map(Index::topic_counts)
            .unwrap_or_default());
    }
    let cache = &searcher.answers;
    if cache.capacity == 0 {
        return count_topics(db).await;
    }
    let version = library_version(db).await?;
    {
        let kept = cache.topic_counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((v, counts)) = kept.as_ref()
            && *v == version
        {
            return Ok(counts.clone());
        }
    }
    let counts = count_topics(db).await?;
    *cache.topic_counts.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, counts.clone()));
    Ok(counts)
}

async fn count_topics(db: &Db) -> sqlx::Result<TopicCounts> {
    store::topic_counts(&db.pool).await
}

/// Up to `limit` published resources per topic, newest first: (topic,
/// id, title, source).
pub async fn resources_for_topics(
    db: &Db,
    topics: &[String],
    limit: usize,
) -> sqlx::Result<Vec<(String, i64, String, String)>> {
    let mut out = Vec::new();
    for topic in topics {
        let rows = store::newest_resources(&db.pool, topic, limit as i64).await?;
        out.extend(rows.into_iter().map(|(id, t, s)| (topic.clone(), id, t, s)));
    }
    Ok(out)
}

/// Adds to each recommendation up to three published resources tagged
/// with its element's topic.
pub async fn fill_recommendations(
    db: &Db,
    recs: &mut [crate::assessment::recommend::Recommendation],
) -> sqlx::Result<()> {
    let topics: Vec<String> = recs.iter().map(|r| r.topic.clone()).collect();
    let found = resources_for_topics(db, &topics, crate::assessment::recommend::RESOURCES).await?;
    for r in recs.iter_mut() {
        r.resources = found
            .iter()
            .filter(|(t, ..)| *t == r.topic)
            .map(
                |(_, id, title, source)| crate::assessment::recommend::ResourceLink {
                    id: *id,
                    title: title.clone(),
                    source_org: source.clone(),
                },
            )
            .collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(total: i64) -> Results {
        Results {
            hits: Vec::new(),
            total,
            page: 1,
            per_page: PER_PAGE,
        }
    }

    fn query(q: &str) -> SearchQuery {
        SearchQuery {
            q: q.into(),
            ..SearchQuery::default()
        }
    }

    #[test]
    fn an_answer_is_reused_only_while_the_library_is_unchanged() {
        let cache = Cache::new(10);
        let key = Cache::key(&query("apprenticeship"));
        cache.put(key.clone(), 7, &results(42));
        assert_eq!(cache.get(&key, 7).map(|r| r.total), Some(42));
        assert!(cache.get(&key, 8).is_none(), "the library changed");
    }

    #[test]
    fn the_same_words_written_differently_are_the_same_search() {
        assert_eq!(
            Cache::key(&query("Employer  engagement!")),
            Cache::key(&query("employer engagement"))
        );
        let mut other = query("employer engagement");
        other.kind = "event".into();
        assert_ne!(
            Cache::key(&other),
            Cache::key(&query("employer engagement"))
        );
        other.kind = "nonsense".into();
        assert_eq!(
            Cache::key(&other),
            Cache::key(&query("employer engagement"))
        );
    }

    #[test]
    fn the_least_recently_used_answer_goes_first() {
        let cache = Cache::new(2);
        let (a, b, c) = (
            Cache::key(&query("a")),
            Cache::key(&query("b")),
            Cache::key(&query("c")),
        );
        cache.put(a.clone(), 1, &results(1));
        cache.put(b.clone(), 1, &results(2));
        assert!(cache.get(&a, 1).is_some());
        cache.put(c.clone(), 1, &results(3));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&b, 1).is_none(), "b was used least recently");
        assert!(cache.get(&a, 1).is_some());
        assert!(cache.get(&c, 1).is_some());
    }

    #[test]
    fn answers_from_an_older_library_are_dropped() {
        let cache = Cache::new(10);
        cache.put(Cache::key(&query("a")), 1, &results(1));
        cache.put(Cache::key(&query("b")), 1, &results(1));
        cache.put(Cache::key(&query("c")), 2, &results(1));
        assert_eq!(cache.len(), 1);
    }
}
