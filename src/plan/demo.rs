//! The demo program's year for this area.

use crate::app::AppState;

/// Adds this area's demo data to the demo program (called once, when the
/// demo is first made, after the assessments).
pub async fn fill(_state: &AppState) -> anyhow::Result<()> {
    Ok(())
}
