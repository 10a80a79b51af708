//! Sending built digests, each with its subscriber's own links.

use std::collections::{BTreeMap, HashSet};

use crate::state::AppState;
use crate::time::now_ms;

use super::render::TOKEN;

/// Delivers a batch of digest messages (the job), each with the
/// subscriber's links; sent ones are skipped, and those to people who
/// unsubscribed meanwhile are dropped. `limit` stops early (tests).
pub async fn deliver(
    state: &AppState,
    outbox_ids: &[i64],
    limit: Option<usize>,
) -> anyhow::Result<usize> {
    if outbox_ids.is_empty() {
        return Ok(0);
    }
    let list = outbox_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<(i64, String, i64, i64, String, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT o.id, o.to_addr, o.body_id, s.id, s.status, s.link_version
         FROM outbox o JOIN exchange_digest_recipients r ON r.outbox_id = o.id
         JOIN exchange_subscribers s ON s.id = r.subscriber_id
         WHERE o.id IN ({list}) AND o.sent_at IS NULL AND o.cancelled_at IS NULL ORDER BY o.id"
        )))
        .fetch_all(&state.db.pool)
        .await?;
    let body_ids: HashSet<i64> = rows.iter().map(|r| r.2).collect();
    let mut bodies: BTreeMap<i64, (String, String, String, String)> = BTreeMap::new();
    for id in body_ids {
        let b: (String, String, String, String) = sqlx::query_as(
            "SELECT subject, text_body, html_body, headers FROM mail_bodies WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&state.db.pool)
        .await?;
        bodies.insert(id, b);
    }
    let mut sent = 0;
    let mut failed: Option<anyhow::Error> = None;
    for (outbox_id, to, body_id, sub, status, version) in rows {
        if limit.is_some_and(|l| sent >= l) {
            break;
        }
        if status != "active" {
            sqlx::query("UPDATE outbox SET cancelled_at = $1 WHERE id = $2")
                .bind(now_ms())
                .bind(outbox_id)
                .execute(&state.db.pool)
                .await?;
            continue;
        }
        let (subject, text, html, headers) = &bodies[&body_id];
        let token = crate::exchange::subscription::token(&state.keys.csrf, sub, version);
        let headers: Vec<(String, String)> = serde_json::from_str(headers)?;
        let headers: Vec<(String, String)> = headers
            .into_iter()
            .map(|(k, v)| (k, v.replace(TOKEN, &token)))
            .collect();
        match state
            .mailer
            .send(
                &state.db,
                outbox_id,
                &to,
                subject,
                text.replace(TOKEN, &token),
                html.replace(TOKEN, &token),
                &headers,
            )
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => failed = Some(e),
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(sent),
    }
}
