//! SQL for instruments, rounds of rating, members' ratings, the consensus,
//! element reflections, snapshots and sharing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{Any, Executor, FromRow};

use super::instrument::{Instrument, NewIndicator};
use super::{Indicator, Level, Priority, Rating, Scale, SnapshotKind};
use crate::db::Tx;

#[derive(FromRow)]
struct InstrumentRow {
    id: i64,
    program_id: i64,
    framework: String,
    framework_version: String,
    not_sure_label: String,
}

#[derive(FromRow)]
struct IndicatorRow {
    id: i64,
    element_key: String,
    element_number: i64,
    element_name: String,
    strategy_key: String,
    text: String,
    components: String,
}

pub async fn instrument(
    conn: &mut sqlx::AnyConnection,
    program_id: i64,
) -> sqlx::Result<Option<Instrument>> {
    let Some(row): Option<InstrumentRow> = sqlx::query_as(
        "SELECT id, program_id, framework, framework_version, not_sure_label FROM instruments WHERE program_id = $1",
    )
    .bind(program_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let levels: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT value, label, descriptor FROM instrument_levels WHERE instrument_id = $1 ORDER BY value",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let indicators: Vec<IndicatorRow> = sqlx::query_as(
        "SELECT id, element_key, element_number, element_name, strategy_key, text, components
         FROM indicators WHERE instrument_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Instrument {
        id: row.id,
        program_id: row.program_id,
        framework: row.framework,
        framework_version: row.framework_version,
        scale: Scale {
            levels: levels
                .into_iter()
                .map(|(value, label, descriptor)| Level {
                    value,
                    label,
                    descriptor,
                })
                .collect(),
            not_sure: row.not_sure_label,
        },
        indicators: indicators
            .into_iter()
            .map(|r| Indicator {
                id: r.id,
                element_key: r.element_key,
                element_number: r.element_number,
                element_name: r.element_name,
                strategy_key: r.strategy_key,
                text: r.text,
                components: r
                    .components
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect(),
    }))
}

/// Stores a new instrument; false if the program already has one (another
/// request built it first).
#[allow(clippy::too_many_arguments)]
pub async fn create_instrument(
    tx: &mut Tx<'_>,
    program_id: i64,
    framework: &str,
    version: &str,
    scale: &Scale,
    indicators: &[NewIndicator],
    now: i64,
) -> sqlx::Result<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO instruments (program_id, framework, framework_version, not_sure_label, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (program_id) DO NOTHING RETURNING id",
    )
    .bind(program_id)
    .bind(framework)
    .bind(version)
    .bind(&scale.not_sure)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(false) };
    for l in &scale.levels {
        sqlx::query("INSERT INTO instrument_levels (instrument_id, value, label, descriptor) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(l.value)
            .bind(&l.label)
            .bind(&l.descriptor)
            .execute(&mut **tx)
            .await?;
    }
    for (position, i) in indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicators (instrument_id, position, element_key, element_number, element_name, strategy_key, text, components)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&i.element_key)
        .bind(i.element_number)
        .bind(&i.element_name)
        .bind(&i.strategy_key)
        .bind(&i.text)
        .bind(i.components.join(","))
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

/// A program, whether a state has a team in it, the team's open round
/// and whether it shares its results: what every assessment request
/// starts from, in one query.
#[derive(Debug, FromRow)]
pub struct ScopeRow {
    #[sqlx(flatten)]
    pub program: crate::program::store::Program,
    pub team: Option<String>,
    pub round_id: Option<i64>,
    pub round: Option<i64>,
    /// 1 when the state shares its results with the other states.
    pub shared: i64,
}

pub async fn scope<'c, E: Executor<'c, Database = Any>>(
    e: E,
    slug: &str,
    state: &str,
) -> sqlx::Result<Option<ScopeRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {}, t.state_code AS team, r.id AS round_id, r.round AS round,
                CASE WHEN s.shared = 1 THEN 1 ELSE 0 END AS shared
         FROM programs p
         LEFT JOIN state_teams t ON t.program_id = p.id AND t.state_code = $2
         LEFT JOIN assessment_rounds r
           ON r.program_id = p.id AND r.state_code = t.state_code AND r.closed_at IS NULL
         LEFT JOIN result_sharing s ON s.program_id = p.id AND s.state_code = $2
         WHERE p.slug = $1 ORDER BY r.round DESC LIMIT 1",
        crate::program::store::columns_of("p")
    )))
    .bind(slug)
    .bind(state)
    .fetch_optional(e)
    .await
}

/// The state's open round of rating: (id, round number).
pub async fn open_round<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, round FROM assessment_rounds
         WHERE program_id = $1 AND state_code = $2 AND closed_at IS NULL ORDER BY round DESC LIMIT 1",
    )
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}

/// Opens round `round` (none is open); returns its id, or the id of the
/// round another request opened first.
pub async fn start_round(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    round: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO assessment_rounds (program_id, state_code, round, opened_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (program_id, state_code, round) DO NOTHING",
    )
    .bind(program_id)
    .bind(state)
    .bind(round)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar(
        "SELECT id FROM assessment_rounds WHERE program_id = $1 AND state_code = $2 AND round = $3",
    )
    .bind(program_id)
    .bind(state)
    .bind(round)
    .fetch_one(&mut **tx)
    .await
}

#[derive(FromRow)]
struct RatingRow {
    user_id: i64,
    indicator_id: i64,
    level: Option<i64>,
    not_sure: i64,
    priority: Option<String>,
    evidence: String,
}

impl RatingRow {
    fn rating(&self) -> Rating {
        Rating {
            level: self.level,
            not_sure: self.not_sure != 0,
            priority: self.priority.as_deref().and_then(Priority::parse),
            evidence: self.evidence.clone(),
        }
    }
}

/// Every member's ratings in a round: user id -> indicator id -> rating.
pub async fn member_ratings<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
) -> sqlx::Result<BTreeMap<i64, BTreeMap<i64, Rating>>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT user_id, indicator_id, level, not_sure, priority, evidence FROM member_ratings WHERE round_id = $1",
    )
    .bind(round_id)
    .fetch_all(e)
    .await?;
    let mut out: BTreeMap<i64, BTreeMap<i64, Rating>> = BTreeMap::new();
    for r in rows {
        out.entry(r.user_id)
            .or_default()
            .insert(r.indicator_id, r.rating());
    }
    Ok(out)
}

/// One member's ratings in a round: indicator id -> rating.
pub async fn ratings_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
    user_id: i64,
) -> sqlx::Result<BTreeMap<i64, Rating>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT user_id, indicator_id, level, not_sure, priority, evidence FROM member_ratings
         WHERE round_id = $1 AND user_id = $2",
    )
    .bind(round_id)
    .bind(user_id)
    .fetch_all(e)
    .await?;
    Ok(rows.iter().map(|r| (r.indicator_id, r.rating())).collect())
}

pub async fn save_member_ratings(
    tx: &mut Tx<'_>,
    round_id: i64,
    user_id: i64,
    ratings: &[(i64, Rating)],
    now: i64,
) -> sqlx::Result<()> {
    // One statement for a page of ratings (an element's, or the whole
    // instrument's: well under the databases' limits on parameters).
    for chunk in ratings.chunks(500) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 8;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO member_ratings (round_id, user_id, indicator_id, level, not_sure, priority, evidence, updated_at)
             VALUES {}
             ON CONFLICT (round_id, user_id, indicator_id) DO UPDATE SET level = excluded.level,
               not_sure = excluded.not_sure, priority = excluded.priority, evidence = excluded.evidence,
               updated_at = excluded.updated_at",
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (indicator_id, r) in chunk {
            query = query
                .bind(round_id)
                .bind(user_id)
                .bind(*indicator_id)
                .bind(r.level)
                .bind(r.not_sure as i64)
                .bind(r.priority.map(Priority::as_str))
                .bind(r.evidence.clone())
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The consensus so far: indicator id -> rating (its evidence is the lead's note).
pub async fn consensus<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
) -> sqlx::Result<BTreeMap<i64, Rating>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT 0 AS user_id, indicator_id, level, not_sure, priority, note AS evidence FROM consensus_ratings WHERE round_id = $1",
    )
    .bind(round_id)
    .fetch_all(e)
    .await?;
    Ok(rows.iter().map(|r| (r.indicator_id, r.rating())).collect())
}

pub async fn save_consensus(
    tx: &mut Tx<'_>,
    round_id: i64,
    ratings: &[(i64, Rating)],
    by: i64,
    now: i64,
) -> sqlx::Result<()> {
    for (indicator_id, r) in ratings {
        sqlx::query(
            "INSERT INTO consensus_ratings (round_id, indicator_id, level, not_sure, priority, note, set_by, set_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (round_id, indicator_id) DO UPDATE SET level = excluded.level, not_sure = excluded.not_sure,
               priority = excluded.priority, note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(round_id)
        .bind(indicator_id)
        .bind(r.level)
        .bind(r.not_sure as i64)
        .bind(r.priority.map(Priority::as_str))
        .bind(&r.evidence)
        .bind(by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// What the team wrote about one element.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Reflection {
    /// Where the team is now.
    pub now: String,
    /// Where it wants to be.
    pub goal: String,
    pub ta_needs: String,
    pub next_steps: String,
}

type ReflectionRow = (String, String, String, String, String);

fn reflection_rows(rows: Vec<ReflectionRow>) -> BTreeMap<String, Reflection> {
    rows.into_iter()
        .map(|(k, now, goal, ta_needs, next_steps)| {
            (
                k,
                Reflection {
                    now,
                    goal,
                    ta_needs,
                    next_steps,
                },
            )
        })
        .collect()
}

pub async fn reflections<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
) -> sqlx::Result<BTreeMap<String, Reflection>> {
    let rows: Vec<ReflectionRow> = sqlx::query_as(
        "SELECT element_key, now_text, goal_text, ta_needs, next_steps FROM element_reflections WHERE round_id = $1",
    )
    .bind(round_id)
    .fetch_all(e)
    .await?;
    Ok(reflection_rows(rows))
}

pub async fn save_reflection(
    tx: &mut Tx<'_>,
    round_id: i64,
    element_key: &str,
    r: &Reflection,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO element_reflections (round_id, element_key, now_text, goal_text, ta_needs, next_steps, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (round_id, element_key) DO UPDATE SET now_text = excluded.now_text, goal_text = excluded.goal_text,
           ta_needs = excluded.ta_needs, next_steps = excluded.next_steps, updated_at = excluded.updated_at",
    )
    .bind(round_id)
    .bind(element_key)
    .bind(&r.now)
    .bind(&r.goal)
    .bind(&r.ta_needs)
    .bind(&r.next_steps)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// A frozen snapshot's heading.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Snapshot {
    pub id: i64,
    pub state_code: String,
    pub kind: SnapshotKind,
    pub taken_at: i64,
}

fn snapshot_rows(rows: Vec<(i64, String, String, i64)>) -> Vec<Snapshot> {
    rows.into_iter()
        .filter_map(|(id, state_code, kind, taken_at)| {
            Some(Snapshot {
                id,
                state_code,
                kind: SnapshotKind::parse(&kind)?,
                taken_at,
            })
        })
        .collect()
}

/// The state's snapshots, oldest first.
pub async fn snapshots<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<Snapshot>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, state_code, kind, taken_at FROM snapshots WHERE program_id = $1 AND state_code = $2 ORDER BY taken_at, id",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await?;
    Ok(snapshot_rows(rows))
}

/// Every snapshot in the program, oldest first.
pub async fn program_snapshots<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<Snapshot>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, state_code, kind, taken_at FROM snapshots WHERE program_id = $1 ORDER BY taken_at, id",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    Ok(snapshot_rows(rows))
}

/// Freezes the round's consensus and reflections as a snapshot, closes the
/// round and opens the next one. Returns the snapshot's id.
#[allow(clippy::too_many_arguments)]
pub async fn take_snapshot(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    (round_id, round): (i64, i64),
    kind: SnapshotKind,
    by: i64,
    now: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO snapshots (program_id, state_code, round_id, kind, taken_at, taken_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(program_id)
    .bind(state)
    .bind(round_id)
    .bind(kind.as_str())
    .bind(now)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO snapshot_ratings (snapshot_id, indicator_id, level, not_sure, priority, note)
         SELECT $1, indicator_id, level, not_sure, priority, note FROM consensus_ratings WHERE round_id = $2",
    )
    .bind(id)
    .bind(round_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO snapshot_reflections (snapshot_id, element_key, now_text, goal_text, ta_needs, next_steps)
         SELECT $1, element_key, now_text, goal_text, ta_needs, next_steps FROM element_reflections WHERE round_id = $2",
    )
    .bind(id)
    .bind(round_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE assessment_rounds SET closed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(round_id)
        .execute(&mut **tx)
        .await?;
    start_round(tx, program_id, state, round + 1, now).await?;
    Ok(id)
}

/// A snapshot's ratings: indicator id -> rating (evidence holds the note).
pub async fn snapshot_ratings<'c, E: Executor<'c, Database = Any>>(
    e: E,
    snapshot_id: i64,
) -> sqlx::Result<BTreeMap<i64, Rating>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT 0 AS user_id, indicator_id, level, not_sure, priority, note AS evidence FROM snapshot_ratings WHERE snapshot_id = $1",
    )
    .bind(snapshot_id)
    .fetch_all(e)
    .await?;
    Ok(rows.iter().map(|r| (r.indicator_id, r.rating())).collect())
}

/// The ratings of several snapshots at once (without notes): snapshot id ->
/// indicator id -> rating. Pages read them through `frozen::FrozenRatings`.
pub async fn ratings_of_snapshots<'c, E: Executor<'c, Database = Any>>(
    e: E,
    ids: &[i64],
) -> sqlx::Result<BTreeMap<i64, BTreeMap<i64, Rating>>> {
    let mut out: BTreeMap<i64, BTreeMap<i64, Rating>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    // The ids are numbers we read from the database, never text from a person.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // (snapshot, indicator, level, not sure, priority)
    type Row = (i64, i64, Option<i64>, i64, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT snapshot_id, indicator_id, level, not_sure, priority FROM snapshot_ratings
             WHERE snapshot_id IN ({list})"
    )))
    .fetch_all(e)
    .await?;
    for (snapshot, indicator, level, not_sure, priority) in rows {
        out.entry(snapshot).or_default().insert(
            indicator,
            Rating {
                level,
                not_sure: not_sure != 0,
                priority: priority.as_deref().and_then(Priority::parse),
                evidence: String::new(),
            },
        );
    }
    Ok(out)
}

/// Per snapshot and element, the rated indicators and the sum of their
/// phases: snapshot id -> element key -> (rated, sum).
pub async fn phase_sums<'c, E: Executor<'c, Database = Any>>(
    e: E,
    ids: &[i64],
) -> sqlx::Result<BTreeMap<i64, super::PhaseSums>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    // The ids are numbers we read from the database, never text from a person.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.snapshot_id, i.element_key, COUNT(r.level), CAST(COALESCE(SUM(r.level), 0) AS BIGINT)
         FROM snapshot_ratings r JOIN indicators i ON i.id = r.indicator_id
         WHERE r.snapshot_id IN ({list}) GROUP BY r.snapshot_id, i.element_key"
    )))
    .fetch_all(e)
    .await?;
    let mut out: BTreeMap<i64, super::PhaseSums> = BTreeMap::new();
    for (snapshot, element, rated, sum) in rows {
        out.entry(snapshot)
            .or_default()
            .insert(element, (rated, sum));
    }
    Ok(out)
}

pub async fn snapshot_reflections<'c, E: Executor<'c, Database = Any>>(
    e: E,
    snapshot_id: i64,
) -> sqlx::Result<BTreeMap<String, Reflection>> {
    let rows: Vec<ReflectionRow> = sqlx::query_as(
        "SELECT element_key, now_text, goal_text, ta_needs, next_steps FROM snapshot_reflections WHERE snapshot_id = $1",
    )
    .bind(snapshot_id)
    .fetch_all(e)
    .await?;
    Ok(reflection_rows(rows))
}

/// The states in the program that share their results.
pub async fn sharing_states<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT state_code FROM result_sharing WHERE program_id = $1 AND shared = 1")
        .bind(program_id)
        .fetch_all(e)
        .await
}

pub async fn set_shared(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    shared: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO result_sharing (program_id, state_code, shared, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (program_id, state_code) DO UPDATE SET shared = excluded.shared, updated_at = excluded.updated_at",
    )
    .bind(program_id)
    .bind(state)
    .bind(shared as i64)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Subject-matter experts and the elements they know: (id, name, email, element keys).
pub async fn experts<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, String, String, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email, x.element_key FROM expertise x JOIN users u ON u.id = x.user_id
         WHERE u.active = 1 AND u.id IN (SELECT user_id FROM role_grants WHERE role = 'sme')
         ORDER BY u.name, u.id",
    )
    .fetch_all(e)
    .await
}

/// The elements one person says they know.
pub async fn expertise_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT element_key FROM expertise WHERE user_id = $1 ORDER BY element_key")
        .bind(user_id)
        .fetch_all(e)
        .await
}

pub async fn set_expertise(tx: &mut Tx<'_>, user_id: i64, keys: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM expertise WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    for k in keys {
        sqlx::query("INSERT INTO expertise (user_id, element_key) VALUES ($1, $2)")
            .bind(user_id)
            .bind(k)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The state's latest round with any member's rating or consensus answer:
/// (id, round number, the kind of snapshot it was frozen as, if closed).
pub async fn latest_rated_round<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<(i64, i64, Option<String>)>> {
    sqlx::query_as(
        "SELECT r.id, r.round, (SELECT s.kind FROM snapshots s WHERE s.round_id = r.id) AS kind
         FROM assessment_rounds r
         WHERE r.program_id = $1 AND r.state_code = $2
           AND (EXISTS (SELECT 1 FROM member_ratings m WHERE m.round_id = r.id)
             OR EXISTS (SELECT 1 FROM consensus_ratings c WHERE c.round_id = r.id))
         ORDER BY r.round DESC LIMIT 1",
    )
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}

/// The team's members who can rate: (user id, name, sector label).
pub async fn raters<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT user_id, name, sector FROM team_members
         WHERE program_id = $1 AND state_code = $2 AND user_id IS NOT NULL ORDER BY name, id",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, sector)| {
            let label = crate::team::Sector::parse(&sector)
                .map(|s| s.label())
                .unwrap_or("Other");
            (id, name, label.to_owned())
        })
        .collect())
}
