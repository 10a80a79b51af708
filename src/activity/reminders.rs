//! Reminders through the outbox, each exactly once: an email before each
//! activity to everyone it concerns, and a weekly note to the owners of
//! overdue action items and plan steps.
//!
//! Each email is queued in the same transaction as the row that says it
//! was sent (`activity_reminders`, `overdue_notices`), inserted with
//! `ON CONFLICT DO NOTHING`: only the one sweep that inserted the row sends
//! the email, however many sweeps or processes run.

use std::collections::BTreeMap;

use super::{describe_date, describe_span, iso_week, overdue, store};
use crate::state::AppState;

/// How far ahead reminders go out.
pub const AHEAD_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// Reminder emails queued.
    pub reminders: usize,
    /// Overdue notes queued.
    pub overdue_notes: usize,
}

pub async fn sweep(state: &AppState, now_ms: i64) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport::default();
    let pool = &state.db.pool;
    for (activity_id, program_id) in
        store::starting_between(pool, now_ms, now_ms + AHEAD_MS).await?
    {
        let Some((slug, program_name, zone)) = store::program_of(pool, program_id).await? else {
            continue;
        };
        let mut conn = pool.acquire().await?;
        let Some(a) = store::load(&mut conn, program_id, activity_id).await? else {
            continue;
        };
        drop(conn);
        let page = state
            .config
            .link(&format!("/programs/{slug}/activities/{}", a.id));
        let ics = format!("{page}/calendar.ics");
        let mut paragraphs = vec![
            format!("A reminder: \"{}\" ({program_name}) is coming up.", a.title),
            format!("When: {}.", describe_span(a.starts_at, a.ends_at, &zone)),
            format!(
                "Where: {}.",
                if a.place.is_empty() {
                    "to be announced"
                } else {
                    a.place.as_str()
                }
            ),
        ];
        if !a.agenda.is_empty() {
            paragraphs.push(format!("Agenda: {}", a.agenda));
        }
        paragraphs.push(format!("Add it to your calendar: {ics}"));
        let subject = format!("Reminder: {}", a.title);
        for (user_id, name, email) in store::recipients(pool, a.id).await? {
            let mut tx = state.db.begin().await?;
            if store::claim_reminder(&mut tx, a.id, user_id, a.starts_at, now_ms).await? {
                let mail = crate::mail::templates::notice(
                    &email,
                    &name,
                    &subject,
                    &paragraphs,
                    Some(("Open the activity", &page)),
                )?;
                crate::mail::enqueue(&mut tx, &mail).await?;
                report.reminders += 1;
            }
            tx.commit().await?;
        }
    }

    // Overdue: due before today on each program's clock. Tomorrow in UTC
    // is at least today everywhere, so it bounds the query.
    // The sweep runs every minute: those already told this week are
    // left out before anything is read about them.
    let bound = super::local_date(now_ms + AHEAD_MS, "UTC");
    let week = iso_week(now_ms);
    let told: std::collections::BTreeSet<i64> = store::told_this_week(pool, &week)
        .await?
        .into_iter()
        .collect();
    let mut by_owner: BTreeMap<i64, Vec<store::Late>> = BTreeMap::new();
    for late in store::late(pool, &bound).await? {
        if !told.contains(&late.owner_id) && overdue(&late.due_on, now_ms, &late.time_zone) {
            by_owner.entry(late.owner_id).or_default().push(late);
        }
    }
    for (owner, items) in by_owner {
        let Some((name, email)) = store::person(pool, owner).await? else {
            continue;
        };
        let mut paragraphs = vec![format!(
            "{} you own {} past {} due date:",
            if items.len() == 1 {
                "One thing"
            } else {
                "Some things"
            },
            if items.len() == 1 { "is" } else { "are" },
            if items.len() == 1 { "its" } else { "their" },
        )];
        for l in &items {
            paragraphs.push(format!(
                "- {} (due {}; {}): {}",
                l.text,
                describe_date(&l.due_on),
                l.source,
                state.config.link(&l.path)
            ));
        }
        paragraphs.push("Mark each done when it is, or agree a new date with your coach.".into());
        let mut tx = state.db.begin().await?;
        if store::claim_overdue_notice(&mut tx, owner, &week, now_ms).await? {
            let mail = crate::mail::templates::notice(
                &email,
                &name,
                "Overdue action items",
                &paragraphs,
                Some(("Open Waymark", &state.config.link("/"))),
            )?;
            crate::mail::enqueue(&mut tx, &mail).await?;
            report.overdue_notes += 1;
        }
        tx.commit().await?;
    }
    Ok(report)
}
