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
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::program::store::Catalogue;
use crate::web::change::Refusal;

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
    "schema_migrations",
    "signin_throttle",
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

#[derive(Default)]
struct Kept {
    version: i64,
    minute: i64,
    catalogue: Option<Arc<Catalogue>>,
    queues: HashMap<i64, Arc<Vec<WorkItem>>>,
}

impl Kept {
    /// Lets go of what the version or the minute has made stale.
    fn at(&mut self, version: i64, minute: i64) {
        if self.version != version {
            self.catalogue = None;
            self.queues.clear();
            self.version = version;
        }
        if self.minute != minute {
            self.queues.clear();
            self.minute = minute;
        }
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
    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while holding the lock leaves nothing half-written here.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The person's queue as of `now`, built only when nothing is kept for
    /// this data version and minute.
    pub async fn for_person(
        &self,
        state: &AppState,
        user: &CurrentUser,
        now: i64,
    ) -> Result<PersonWork, Refusal> {
        let pool = &state.db.pool;
        let version = data_version(pool).await?;
        let minute = now.div_euclid(60_000);
        let (catalogue, queue) = {
            let mut kept = self.kept();
            kept.at(version, minute);
            (kept.catalogue.clone(), kept.queues.get(&user.id).cloned())
        };
        let catalogue = match catalogue {
            Some(c) => c,
            None => {
                let c = Arc::new(crate::program::store::catalogue(pool).await?);
                let mut kept = self.kept();
                if kept.version == version {
                    kept.catalogue = Some(c.clone());
                }
                c
            }
        };
        let queue = match queue {
            Some(q) => q,
            None => {
                let q = Arc::new(super::service::for_person(state, user, &catalogue, now).await?);
                let mut kept = self.kept();
                // Kept only if nothing newer was seen meanwhile.
                if kept.version == version && kept.minute == minute {
                    if kept.queues.len() >= MAX_KEPT_QUEUES {
                        kept.queues.clear();
                    }
                    kept.queues.insert(user.id, q.clone());
                }
                q
            }
        };
        Ok(PersonWork { catalogue, queue })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Arc<Vec<WorkItem>> {
        Arc::new(vec![WorkItem {
            kind: super::super::Kind::RateAssessment,
            urgency: super::super::Urgency::ToDo,
            program: None,
            text: text.into(),
            href: "/".into(),
            link_text: "Open".into(),
            date: None,
            calendar: None,
        }])
    }

    #[test]
    fn a_new_version_lets_go_of_everything_a_new_minute_of_the_queues() {
        let mut kept = Kept::default();
        kept.at(1, 10);
        kept.catalogue = Some(Arc::default());
        kept.queues.insert(7, item("a"));

        kept.at(1, 10);
        assert!(kept.catalogue.is_some() && kept.queues.contains_key(&7));

        kept.at(1, 11);
        assert!(kept.catalogue.is_some(), "the catalogue does not age");
        assert!(kept.queues.is_empty(), "a queue is kept for its minute");

        kept.queues.insert(7, item("b"));
        kept.at(2, 11);
        assert!(kept.catalogue.is_none() && kept.queues.is_empty());
    }
}
