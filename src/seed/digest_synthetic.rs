//! Synthetic Exchange subscribers for benchmarks
//! (`waymark seed synthetic --subscribers N`): active, daily, each with one
//! to three topics, their last digest four years ago (so every synthetic
//! item is new to them).

use indicatif::{ProgressBar, ProgressStyle};

use crate::seed::mix;
use crate::state::AppState;

const CHUNK: usize = 5000;

/// Makes `count` subscribers; returns how many were made.
pub async fn subscribers(state: &AppState, count: usize) -> anyhow::Result<usize> {
    let topics = crate::exchange::topics::all(&state.frameworks);
    anyhow::ensure!(!topics.is_empty(), "no topics: the frameworks are missing");
    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} subscribers ({eta} left)")
            .expect("a valid template"),
    );
    bar.set_message("Exchange subscribers");
    let first: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM exchange_subscribers")
            .fetch_one(&state.db.pool)
            .await?;
    let now = crate::time::now_ms();
    let since = now - 4 * 365 * 86_400_000;
    let mut made = 0usize;
    while made < count {
        let n = CHUNK.min(count - made);
        let mut subs = Vec::with_capacity(n);
        let mut tags = Vec::with_capacity(n * 2);
        for i in 0..n {
            let id = first + (made + i) as i64 + 1;
            let h = mix(&[id as u64, 0x5b5c]);
            // Only generated, trusted text goes into this SQL.
            subs.push(format!(
                "({id}, 'subscriber{id}@synthetic.example', 'subscriber{id}@synthetic.example', 'daily', 'active', {since}, {since}, {now}, {now})"
            ));
            let mut chosen: Vec<usize> = (0..1 + h % 3)
                .map(|k| (mix(&[h, k + 1]) as usize) % topics.len())
                .collect();
            chosen.sort_unstable();
            chosen.dedup();
            for t in chosen {
                tags.push(format!("({id}, '{}')", topics[t].key.replace('\'', "")));
            }
        }
        let mut tx = state.db.begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO exchange_subscribers (id, email, email_key, frequency, status, confirmed_at, last_digest_cutoff, created_at, updated_at) VALUES {}",
            subs.join(",")
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO exchange_subscriber_topics (subscriber_id, topic) VALUES {}",
            tags.join(",")
        )))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        made += n;
        bar.inc(n as u64);
    }
    if state.db.backend == crate::db::Backend::Postgres {
        // Explicit ids leave the sequence behind: move it past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('exchange_subscribers', 'id'), (SELECT MAX(id) FROM exchange_subscribers))",
        )
        .execute(&state.db.pool)
        .await?;
    }
    bar.finish_with_message("Exchange subscribers made");
    Ok(made)
}
