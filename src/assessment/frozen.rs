//! The ratings of frozen snapshots, read once per process and kept. A
//! snapshot never changes (the database refuses any update or delete), so
//! nothing here ever needs to be invalidated, however many instances run;
//! the dashboard and the reports read every state's snapshots on each
//! request, and decoding those rows was most of their time.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use super::Rating;

/// Snapshot id -> indicator id -> rating (without the notes).
pub type SnapshotRatings = Arc<BTreeMap<i64, Rating>>;

/// How many snapshots are kept before the cache starts again: far more than
/// any program has (56 states x 3), small in memory (about 2 KB each).
const CAPACITY: usize = 20_000;

#[derive(Default)]
pub struct FrozenRatings {
    kept: RwLock<HashMap<i64, SnapshotRatings>>,
}

impl FrozenRatings {
    /// The ratings of these snapshots, from memory where it has them and in
    /// one query for the rest.
    pub async fn of(
        &self,
        pool: &sqlx::AnyPool,
        ids: &[i64],
    ) -> sqlx::Result<BTreeMap<i64, SnapshotRatings>> {
        let mut out = BTreeMap::new();
        let mut missing = Vec::new();
        {
            let kept = self.kept.read().unwrap_or_else(|e| e.into_inner());
            for id in ids {
                match kept.get(id) {
                    Some(r) => {
                        out.insert(*id, r.clone());
                    }
                    None => missing.push(*id),
                }
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        let read = super::store::ratings_of_snapshots(pool, &missing).await?;
        let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
        if kept.len() + read.len() > CAPACITY {
            kept.clear();
        }
        for id in missing {
            // A snapshot with no ratings is kept too, as empty.
            let ratings: SnapshotRatings = Arc::new(read.get(&id).cloned().unwrap_or_default());
            kept.insert(id, ratings.clone());
            out.insert(id, ratings);
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        self.kept.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
