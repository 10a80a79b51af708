//! Sending built digests, each with its subscriber's own links.

use std::collections::{BTreeMap, HashSet};

use crate::state::AppState;
use crate::time::now_ms;

use super::render::TOKEN;
use super::store::{self, Body};

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
    let rows = store::unsent_messages(&state.db.pool, outbox_ids).await?;
    let body_ids: HashSet<i64> = rows.iter().map(|r| r.body_id).collect();
    let mut bodies: BTreeMap<i64, Body> = BTreeMap::new();
    for id in body_ids {
        bodies.insert(id, store::body(&state.db.pool, id).await?);
    }
    let mut sent = 0;
    let mut failed: Option<anyhow::Error> = None;
    for row in rows {
        if limit.is_some_and(|l| sent >= l) {
            break;
        }
        let outbox_id = row.outbox_id;
        if row.status != "active" {
            store::cancel_message(&state.db.pool, outbox_id, now_ms()).await?;
            continue;
        }
        let Body {
            subject,
            text_body: text,
            html_body: html,
            headers,
        } = &bodies[&row.body_id];
        let token = crate::exchange::subscription::token(
            &state.keys.csrf,
            row.subscriber_id,
            row.link_version,
        );
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
                &row.to_addr,
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
