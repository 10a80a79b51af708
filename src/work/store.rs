//! The facts a person's work is made from, one query per kind of work.

use sqlx::{Any, Executor};

/// Answered ratings per (person, element) in a round.
pub async fn rated_per_element<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT m.user_id, i.element_key, COUNT(*)
         FROM member_ratings m JOIN indicators i ON i.id = m.indicator_id
         WHERE m.round_id = $1 AND (m.level IS NOT NULL OR m.not_sure = 1)
         GROUP BY m.user_id, i.element_key",
    )
    .bind(round_id)
    .fetch_all(e)
    .await
}

/// Indicators with an answered consensus, per element, in a round.
pub async fn agreed_per_element<'c, E: Executor<'c, Database = Any>>(
    e: E,
    round_id: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT i.element_key, COUNT(*)
         FROM consensus_ratings c JOIN indicators i ON i.id = c.indicator_id
         WHERE c.round_id = $1 AND (c.level IS NOT NULL OR c.not_sure = 1)
         GROUP BY i.element_key",
    )
    .bind(round_id)
    .fetch_all(e)
    .await
}

/// How many snapshots the state has frozen.
pub async fn snapshot_count<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM snapshots WHERE program_id = $1 AND state_code = $2")
        .bind(program_id)
        .bind(state)
        .fetch_one(e)
        .await
}

/// Plan steps the person owns that are not done:
/// (program, state, state name, words, due on).
pub async fn owned_steps<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, String, String, String)>> {
    sqlx::query_as(
        "SELECT p.program_id, p.state_code, j.name, s.text, s.due_on
         FROM plan_steps s
         JOIN plan_goals g ON g.id = s.goal_id
         JOIN plans p ON p.id = g.plan_id
         JOIN jurisdictions j ON j.code = p.state_code
         WHERE s.owner_id = $1 AND s.status <> 'done'
         ORDER BY s.due_on, s.id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Open action items the person owns or follows up as the coach of their
/// state: (program, activity, activity title, state name, words, due on, own).
pub type ActionItemRow = (i64, i64, String, Option<String>, String, String, i64);

pub async fn open_action_items<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<ActionItemRow>> {
    sqlx::query_as(
        "SELECT a.program_id, a.id, a.title, j.name, ai.text, ai.due_on, 1
         FROM action_items ai
         JOIN activities a ON a.id = ai.activity_id
         LEFT JOIN jurisdictions j ON j.code = ai.state_code
         WHERE ai.owner_id = $1 AND ai.done_at IS NULL AND a.status <> 'cancelled'
         ORDER BY ai.due_on, ai.id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Open action items of the states the person coaches, owned by others.
pub async fn coached_action_items<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<ActionItemRow>> {
    sqlx::query_as(
        "SELECT a.program_id, a.id, a.title, j.name, ai.text, ai.due_on, 0
         FROM role_grants g
         JOIN activity_states s ON s.program_id = g.program_id AND s.state_code = g.state_code
         JOIN activities a ON a.id = s.activity_id
         JOIN action_items ai ON ai.activity_id = a.id AND ai.state_code = g.state_code
         LEFT JOIN jurisdictions j ON j.code = ai.state_code
         WHERE g.user_id = $1 AND g.role = 'coach' AND ai.done_at IS NULL
           AND a.status <> 'cancelled' AND (ai.owner_id IS NULL OR ai.owner_id <> $1)
         ORDER BY ai.due_on, ai.id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Scheduled activities the person takes part in (invited, or of a state
/// whose team they are on or coach; a state's activities are its cohort's,
/// as only a state with a team has any) that start in `now..until`:
/// (program, id, kind, title, starts, ends, status, unrecorded, organizer).
pub type ActivityRow = (i64, i64, String, String, i64, i64, String, i64, i64);

pub async fn activities<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
    until: i64,
) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(
        "SELECT a.program_id, a.id, a.kind, a.title, a.starts_at, a.ends_at, a.status, 0,
                CASE WHEN EXISTS (SELECT 1 FROM activity_people o
                                  WHERE o.activity_id = a.id AND o.user_id = $1 AND o.role = 'organizer')
                     THEN 1 ELSE 0 END
         FROM activities a
         WHERE a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3
           AND (a.id IN (SELECT activity_id FROM activity_people WHERE user_id = $1)
                OR a.id IN (SELECT s.activity_id FROM activity_states s JOIN role_grants g
                            ON g.program_id = s.program_id AND g.state_code = s.state_code
                            WHERE g.user_id = $1 AND g.role IN ('state_lead', 'state_member', 'coach')))
         ORDER BY a.starts_at, a.id",
    )
    .bind(user_id)
    .bind(now)
    .bind(until)
    .fetch_all(e)
    .await
}

/// Activities the person organizes that are over with nothing written in
/// their notes (held, or not recorded at all), same columns.
pub async fn unrecorded<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(
        "SELECT a.program_id, a.id, a.kind, a.title, a.starts_at, a.ends_at, a.status, 1, 1
         FROM activity_people o JOIN activities a ON a.id = o.activity_id
         WHERE o.user_id = $1 AND o.role = 'organizer'
           AND a.status <> 'cancelled' AND a.ends_at < $2 AND a.notes = ''
         ORDER BY a.starts_at, a.id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(e)
    .await
}

/// Each element of the program's instrument: (key, name, indicators), in
/// element order; empty before the instrument is built.
pub async fn element_sizes<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT i.element_key, i.element_name, COUNT(*)
         FROM indicators i JOIN instruments n ON n.id = i.instrument_id
         WHERE n.program_id = $1
         GROUP BY i.element_number, i.element_key, i.element_name
         ORDER BY i.element_number",
    )
    .bind(program_id)
    .fetch_all(e)
    .await
}

/// Applications assigned to the reviewer and not yet scored, in programs
/// that have not decided on them: (program, state, state name).
pub async fn reviews_to_score<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT ap.program_id, ap.state_code, j.name
         FROM review_assignments ra
         JOIN applications ap ON ap.id = ra.application_id
         JOIN jurisdictions j ON j.code = ap.state_code
         WHERE ra.reviewer_id = $1 AND ra.submitted_at IS NULL
           AND ap.status = 'submitted' AND ap.decision IS NULL
         ORDER BY j.name",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Submitted applications with no decision, per program.
pub async fn undecided_applications<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT program_id, COUNT(*) FROM applications
         WHERE status = 'submitted' AND decision IS NULL GROUP BY program_id",
    )
    .fetch_all(e)
    .await
}

/// Exchange items and partner organizations waiting for moderation.
pub async fn exchange_waiting<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM exchange_items WHERE status = 'pending'),
                (SELECT COUNT(*) FROM exchange_partners WHERE status = 'pending')",
    )
    .fetch_one(e)
    .await
}

/// The partner's own submissions waiting or turned down: (id, kind, title, status).
pub async fn submissions<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, String, String)>> {
    sqlx::query_as(
        "SELECT id, kind, title, status FROM exchange_items
         WHERE submitted_by = $1 AND status IN ('pending', 'rejected')
         ORDER BY updated_at DESC, id DESC LIMIT 20",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Per program: states in the cohort, and those with a baseline frozen.
pub async fn cohort_summary<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(
        "SELECT t.program_id, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM snapshots s
                                      WHERE s.program_id = t.program_id AND s.state_code = t.state_code)
                         THEN 1 ELSE 0 END)
         FROM state_teams t GROUP BY t.program_id",
    )
    .fetch_all(e)
    .await
}

/// A state's application in a program: (status, decision).
pub async fn application_state<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<(String, Option<String>)>> {
    sqlx::query_as(
        "SELECT status, decision FROM applications WHERE program_id = $1 AND state_code = $2",
    )
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}
