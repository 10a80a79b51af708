//! SQL for peer mentoring: the confirmed groups (the snapshots' ratings
//! come from `assessment::store::ratings_of_snapshots`).

use serde::Serialize;
use sqlx::{Any, Executor};

use crate::db::Tx;

/// A confirmed group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    pub id: i64,
    /// State codes, in order.
    pub states: Vec<String>,
    pub reason: String,
    pub confirmed_by: Option<String>,
    /// Unix milliseconds.
    pub confirmed_at: i64,
}

/// The program's confirmed groups, by their first state's code.
pub async fn confirmed<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Confirmed>> {
    let rows: Vec<(i64, String, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT g.id, g.reason, u.name, g.confirmed_at, s.state_code
         FROM peer_groups g
         JOIN peer_group_states s ON s.group_id = g.id
         LEFT JOIN users u ON u.id = g.confirmed_by
         WHERE g.program_id = $1
         ORDER BY g.id, s.state_code",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    let mut out: Vec<Confirmed> = Vec::new();
    for (id, reason, by, at, code) in rows {
        match out.last_mut() {
            Some(g) if g.id == id => g.states.push(code),
            _ => out.push(Confirmed {
                id,
                states: vec![code],
                reason,
                confirmed_by: by,
                confirmed_at: at,
            }),
        }
    }
    out.sort_by(|a, b| a.states.cmp(&b.states));
    Ok(out)
}

/// Replaces the program's groups with these: (state codes, reason).
pub async fn replace(
    tx: &mut Tx<'_>,
    program_id: i64,
    groups: &[(Vec<String>, String)],
    by: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM peer_group_states WHERE program_id = $1")
        .bind(program_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM peer_groups WHERE program_id = $1")
        .bind(program_id)
        .execute(&mut **tx)
        .await?;
    for (codes, reason) in groups {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO peer_groups (program_id, reason, confirmed_by, confirmed_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(program_id)
        .bind(reason)
        .bind(by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        for code in codes {
            sqlx::query(
                "INSERT INTO peer_group_states (group_id, program_id, state_code) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(program_id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The confirmed group a state is in: its other states' names and the reason.
pub async fn peers_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    code: &str,
) -> sqlx::Result<Option<(Vec<String>, String)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT j.name, g.reason
         FROM peer_group_states mine
         JOIN peer_groups g ON g.id = mine.group_id
         JOIN peer_group_states other ON other.group_id = g.id AND other.state_code <> mine.state_code
         JOIN jurisdictions j ON j.code = other.state_code
         WHERE mine.program_id = $1 AND mine.state_code = $2
         ORDER BY j.name",
    )
    .bind(program_id)
    .bind(code)
    .fetch_all(e)
    .await?;
    Ok(rows.first().map(|(_, reason)| {
        (
            rows.iter().map(|(n, _)| n.clone()).collect(),
            reason.clone(),
        )
    }))
}
