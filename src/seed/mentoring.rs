//! The demo program's peer-mentoring groups: Kansas with Minnesota, and
//! Colorado, Massachusetts and Oregon, confirmed by the demo administrator
//! after the baseline snapshots, with reasons from those snapshots (the activity demo holds peer sessions for
//! exactly these groups).

use crate::audit::{self, Entry};
use crate::state::AppState;

/// The demo's confirmed groups.
pub const GROUPS: &[&[&str]] = &[&["KS", "MN"], &["CO", "MA", "OR"]];

/// Adds this area's demo data to the demo program (called once, when the
/// demo is first made, after the assessments).
pub async fn fill(state: &AppState, year: &crate::seed::Year) -> anyhow::Result<()> {
    let pool = &state.db.pool;
    let Some(program) = crate::program::store::find_by_slug(pool, year.slug).await? else {
        return Ok(());
    };
    let admin = crate::auth::store::find_user_by_email(pool, "admin@demo.waymark.test")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo administrator is missing"))?;
    // A week after the baselines (October 20, 2016), from the baselines.
    let at = crate::program::deadline::local_deadline(
        year.date(2016, 10, 27),
        jiff::civil::time(10, 0, 0, 0),
        &program.time_zone,
    )?
    .as_millisecond();
    let cohort = crate::mentoring::service::cohort_as_of(state, &program, Some(at))
        .await
        .map_err(|e| anyhow::anyhow!("peer mentoring cohort: {e:?}"))?;
    let proposal = crate::mentoring::propose(&cohort.states, &cohort.elements);
    let groups: Vec<(Vec<String>, String)> = GROUPS
        .iter()
        .map(|g| {
            let codes: Vec<String> = g.iter().map(|c| c.to_string()).collect();
            let why = cohort.reason_for(&proposal, &codes);
            (codes, why)
        })
        .collect();
    let mut tx = state.db.begin().await?;
    crate::mentoring::store::replace(&mut tx, program.id, &groups, Some(admin.id), at).await?;
    audit::write(
        &mut *tx,
        &Entry::new(
            (Some(admin.id), admin.email.clone()),
            "",
            "confirm_peer_groups",
        )
        .record("program", program.id)
        .detail(format!(
            "{} groups in {} (demo)",
            groups.len(),
            program.slug
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
