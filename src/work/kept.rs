//! Work queues kept between requests.
//!
//! Building a queue reads a dozen tables; most home pages are asked for
//! again before anything in them changes. Each process keeps the program
//! catalogue and each person's queue under the database's data version
//! (migration 15: one number, bumped in the writing transaction of any
//! change to a table a queue reads). A request reads the number first and
//! reuses what is kept only while it is unchanged, so a change made through
//! any process shows in every process's next request. A queue also says
//! what is due "this week" and what is "over", so it is kept for the minute
//! it was built in, at most.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::AnyPool;

use super::WorkItem;
use crate::program::store::Catalogue;
use crate::web::refusal::Refusal;

/// Tables whose changes leave the data version alone: nothing a kept queue
/// shows comes from them. `sessions`, `api_tokens` and `forum_reads` are
/// followed in part (see the migration). A test checks every other table
/// has the version's triggers, so a new table must be placed on one side.
pub const UNVERSIONED_TABLES: &[&str] = &[
    "activity_reminders",
    "app_secrets",
    "audit_log",
    "calendar_feeds",
    "data_version",
    "exchange_digest_bodies",
    "exchange_digest_items",
    "exchange_digest_recipients",
    "exchange_digest_runs",
    "exchange_digests",
    "exchange_library_changes",
    "exchange_library_version",
    "exchange_subscriber_topics",
    "exchange_subscribers",
    "forum_post_versions",
    "jobs",
    "jurisdictions",
    "mail_bodies",
    "one_time_tokens",
    "outbox",
    "overdue_notices",
    "recovery_codes",
    "schema_migrations",
    "signin_throttle",
    "totp_factors",
];

/// Past this many kept queues (people seen within one minute and one data
/// version), the oldest are not sorted out: all are let go.
const MAX_KEPT_QUEUES: usize = 20_000;

/// The data version: read before the data it vouches for, so what is read
/// after it is at least as new.
pub async fn data_version(pool: &AnyPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// A value built once, by the first request that needs it; requests that
/// come meanwhile wait for it rather than build it again (at the turn of a
/// minute every connection would otherwise rebuild the same queue at once).
type Once<T> = Arc<tokio::sync::OnceCell<Arc<T>>>;

#[derive(Default)]
struct Kept {
    version: i64,
    minute: i64,
    catalogue: Once<Catalogue>,
    queues: HashMap<i64, Once<Vec<WorkItem>>>,
}

impl Kept {
    /// Moves on to the version and minute a request has read, letting go of
    /// what they make stale; false for a request that read them before
    /// another moved on (it builds its own, and keeps nothing).
    fn at(&mut self, version: i64, minute: i64) -> bool {
        if version < self.version || minute < self.minute {
            return false;
        }
        if version > self.version {
            self.catalogue = Once::default();
            self.queues.clear();
            self.version = version;
        }
        if minute > self.minute {
            self.queues.clear();
            self.minute = minute;
        }
        true
    }
}

/// One process's kept catalogue and queues.
#[derive(Default)]
pub struct KeptWork {
    kept: Mutex<Kept>,
}

/// What a signed-in page across programs needs: every program with its
/// outline, and the person's queue.
pub struct PersonWork {
    pub catalogue: Arc<Catalogue>,
    pub queue: Arc<Vec<WorkItem>>,
}

impl KeptWork {
    /// The person's queue as of `now`, built by `build` (from the
    /// catalogue) only when nothing is kept for this data version and
    /// minute.
    pub async fn for_person<F, Fut>(
        &self,
        pool: &AnyPool,
        user_id: i64,
        now: i64,
        build: F,
    ) -> Result<PersonWork, Refusal>
    where
        F: FnOnce(Arc<Catalogue>) -> Fut,
        Fut: Future<Output = Result<Vec<WorkItem>, Refusal>>,
    {
        let version = data_version(pool).await?;
        let minute = now.div_euclid(60_000);
        let (catalogue, queue) = {
            // Nothing here can panic while holding the lock; if something
            // did, what is kept is still whole.
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if kept.at(version, minute) {
                if kept.queues.len() >= MAX_KEPT_QUEUES {
                    kept.queues.clear();
                }
                let queue = kept.queues.entry(user_id).or_default().clone();
                (kept.catalogue.clone(), queue)
            } else {
                (Once::default(), Once::default())
            }
        };
        let catalogue = catalogue
            .get_or_try_init(|| async {
                Ok::<_, Refusal>(Arc::new(crate::program::store::catalogue(pool).await?))
            })
            .await?
            .clone();
        let queue = queue
            .get_or_try_init(|| async { build(catalogue.clone()).await.map(Arc::new) })
            .await?
            .clone();
        Ok(PersonWork { catalogue, queue })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(text: &str) -> Once<Vec<WorkItem>> {
        Arc::new(tokio::sync::OnceCell::new_with(Some(Arc::new(vec![
            WorkItem {
                kind: super::super::Kind::RateAssessment,
                urgency: super::super::Urgency::ToDo,
                program: None,
                text: text.into(),
                href: "/".into(),
                link_text: "Open".into(),
                date: None,
                calendar: None,
            },
        ]))))
    }

    #[test]
    fn a_new_version_lets_go_of_everything_a_new_minute_of_the_queues() {
        let mut kept = Kept::default();
        assert!(kept.at(1, 10));
        kept.catalogue = Arc::new(tokio::sync::OnceCell::new_with(Some(Arc::default())));
        kept.queues.insert(7, queue("a"));

        assert!(kept.at(1, 10));
        assert!(kept.catalogue.initialized() && kept.queues.contains_key(&7));

        assert!(kept.at(1, 11));
        assert!(kept.catalogue.initialized(), "the catalogue does not age");
        assert!(kept.queues.is_empty(), "a queue is kept for its minute");

        kept.queues.insert(7, queue("b"));
        assert!(kept.at(2, 11));
        assert!(!kept.catalogue.initialized() && kept.queues.is_empty());
    }

    #[test]
    fn a_request_that_read_an_older_version_or_minute_keeps_nothing() {
        let mut kept = Kept::default();
        assert!(kept.at(5, 10));
        kept.queues.insert(7, queue("new"));
        assert!(!kept.at(4, 10), "an older version");
        assert!(!kept.at(5, 9), "an older minute");
        assert!(kept.queues.contains_key(&7), "what is kept stays");
        assert_eq!((kept.version, kept.minute), (5, 10));
    }
}
