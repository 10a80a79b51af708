//! SQL for activities, their states and people, action items, the plan
//! steps made from them, calendar feeds and reminders.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

use super::{Checked, Kind, Status};
use crate::db::Tx;

/// A state an activity is for, and whether it attended (once recorded).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StateLine {
    pub code: String,
    pub name: String,
    pub attended: Option<bool>,
}

/// A person invited to an activity: organizer, participant or expert.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonLine {
    pub user_id: i64,
    pub name: String,
    /// organizer, participant or expert.
    pub role: String,
    pub attended: Option<bool>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: i64,
    pub program_id: i64,
    pub kind: Kind,
    pub title: String,
    /// Unix milliseconds (UTC).
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub agenda: String,
    pub notes: String,
    pub status: Status,
    /// The iCalendar UID (never changes).
    pub uid: String,
    /// The iCalendar SEQUENCE: goes up when the time or place changes or the activity is cancelled.
    pub sequence: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub states: Vec<StateLine>,
    pub people: Vec<PersonLine>,
}

impl Activity {
    pub fn state_codes(&self) -> Vec<String> {
        self.states.iter().map(|s| s.code.clone()).collect()
    }

    pub fn involves(&self, user_id: i64) -> bool {
        self.people.iter().any(|p| p.user_id == user_id)
    }

    pub fn expert(&self) -> Option<&PersonLine> {
        self.people.iter().find(|p| p.role == "expert")
    }
}

#[derive(FromRow)]
struct Row {
    id: i64,
    program_id: i64,
    kind: String,
    title: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    agenda: String,
    notes: String,
    status: String,
    uid: String,
    sequence: i64,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "a.id, a.program_id, a.kind, a.title, a.starts_at, a.ends_at, a.place, a.agenda, a.notes, a.status, a.uid, a.sequence, a.created_by, a.created_at, a.updated_at";

fn flag(v: Option<i64>) -> Option<bool> {
    v.map(|v| v != 0)
}

fn bind_flag(v: Option<bool>) -> Option<i64> {
    v.map(i64::from)
}

/// Loads the activities `cond` selects (a condition on `a`, with `$1` and
/// `$2` bound to the two numbers given), with their states and people.
async fn select(
    conn: &mut sqlx::AnyConnection,
    cond: &str,
    one: i64,
    two: i64,
) -> sqlx::Result<Vec<Activity>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM activities a WHERE {cond} ORDER BY a.starts_at, a.id"
    )))
    .bind(one)
    .bind(two)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let states: Vec<(i64, String, String, Option<i64>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.activity_id, s.state_code, j.name, s.attended FROM activity_states s
         JOIN jurisdictions j ON j.code = s.state_code
         WHERE s.activity_id IN (SELECT a.id FROM activities a WHERE {cond}) ORDER BY j.name"
        )))
        .bind(one)
        .bind(two)
        .fetch_all(&mut *conn)
        .await?;
    let people: Vec<(i64, i64, String, String, Option<i64>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.activity_id, p.user_id, u.name, p.role, p.attended FROM activity_people p
         JOIN users u ON u.id = p.user_id
         WHERE p.activity_id IN (SELECT a.id FROM activities a WHERE {cond})
         ORDER BY CASE p.role WHEN 'organizer' THEN 0 WHEN 'expert' THEN 1 ELSE 2 END, u.name"
        )))
        .bind(one)
        .bind(two)
        .fetch_all(&mut *conn)
        .await?;
    let mut by_state: HashMap<i64, Vec<StateLine>> = HashMap::new();
    for (id, code, name, attended) in states {
        by_state.entry(id).or_default().push(StateLine {
            code,
            name,
            attended: flag(attended),
        });
    }
    let mut by_person: HashMap<i64, Vec<PersonLine>> = HashMap::new();
    for (id, user_id, name, role, attended) in people {
        by_person.entry(id).or_default().push(PersonLine {
            user_id,
            name,
            role,
            attended: flag(attended),
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| Activity {
            states: by_state.remove(&r.id).unwrap_or_default(),
            people: by_person.remove(&r.id).unwrap_or_default(),
            id: r.id,
            program_id: r.program_id,
            kind: Kind::parse(&r.kind).unwrap_or(Kind::CoachingCall),
            title: r.title,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            agenda: r.agenda,
            notes: r.notes,
            status: Status::parse(&r.status).unwrap_or(Status::Scheduled),
            uid: r.uid,
            sequence: r.sequence,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// Every activity of a program, earliest first.
pub async fn list(conn: &mut sqlx::AnyConnection, program_id: i64) -> sqlx::Result<Vec<Activity>> {
    select(conn, "a.program_id = $1 AND $2 = 0", program_id, 0).await
}

pub async fn load(
    conn: &mut sqlx::AnyConnection,
    program_id: i64,
    id: i64,
) -> sqlx::Result<Option<Activity>> {
    Ok(
        select(conn, "a.program_id = $1 AND a.id = $2", program_id, id)
            .await?
            .pop(),
    )
}

/// Candidates for a person's calendar feed, in every program: invited,
/// of a state they are on the team of or coach, or (`admin` = 1) program-wide.
pub async fn for_feed(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    admin: bool,
) -> sqlx::Result<Vec<Activity>> {
    select(
        conn,
        "(a.id IN (SELECT activity_id FROM activity_people WHERE user_id = $1)
          OR a.id IN (SELECT s.activity_id FROM activity_states s JOIN role_grants g
                      ON g.program_id = s.program_id AND g.state_code = s.state_code
                      WHERE g.user_id = $1 AND g.role IN ('state_lead', 'state_member', 'coach'))
          OR ($2 = 1 AND a.kind IN ('kickoff', 'webinar')))",
        user_id,
        i64::from(admin),
    )
    .await
}

pub async fn insert(
    tx: &mut Tx<'_>,
    program_id: i64,
    c: &Checked,
    uid: &str,
    organizer: i64,
    now: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO activities (program_id, kind, title, starts_at, ends_at, place, agenda, status, uid, sequence, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8, 0, $9, $10, $10) RETURNING id",
    )
    .bind(program_id)
    .bind(c.kind.as_str())
    .bind(&c.title)
    .bind(c.starts_at)
    .bind(c.ends_at)
    .bind(&c.place)
    .bind(&c.agenda)
    .bind(uid)
    .bind(organizer)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for s in &c.states {
        sqlx::query(
            "INSERT INTO activity_states (activity_id, program_id, state_code) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(program_id)
        .bind(s)
        .execute(&mut **tx)
        .await?;
    }
    add_person(tx, id, organizer, "organizer").await?;
    if let Some(expert) = c.expert_id {
        add_person(tx, id, expert, "expert").await?;
    }
    Ok(id)
}

pub async fn add_person(
    tx: &mut Tx<'_>,
    activity_id: i64,
    user_id: i64,
    role: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO activity_people (activity_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (activity_id, user_id) DO NOTHING",
    )
    .bind(activity_id)
    .bind(user_id)
    .bind(role)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Changes the time, place, title and agenda; `bump` raises SEQUENCE.
pub async fn update_schedule(
    tx: &mut Tx<'_>,
    id: i64,
    c: &Checked,
    bump: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE activities SET starts_at = $1, ends_at = $2, title = $3, agenda = $4, place = $5,
             sequence = sequence + $6, updated_at = $7 WHERE id = $8",
    )
    .bind(c.starts_at)
    .bind(c.ends_at)
    .bind(&c.title)
    .bind(&c.agenda)
    .bind(&c.place)
    .bind(i64::from(bump))
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn set_outcome(
    tx: &mut Tx<'_>,
    id: i64,
    status: Status,
    notes: &str,
    bump: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE activities SET status = $1, notes = $2, sequence = sequence + $3, updated_at = $4 WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(notes)
    .bind(i64::from(bump))
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn set_state_attended(
    tx: &mut Tx<'_>,
    id: i64,
    code: &str,
    attended: Option<bool>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE activity_states SET attended = $1 WHERE activity_id = $2 AND state_code = $3",
    )
    .bind(bind_flag(attended))
    .bind(id)
    .bind(code)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Records whether a person attended, inviting them as a participant if
/// they were not on the list.
pub async fn set_person_attended(
    tx: &mut Tx<'_>,
    id: i64,
    user_id: i64,
    attended: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO activity_people (activity_id, user_id, role, attended) VALUES ($1, $2, 'participant', $3)
         ON CONFLICT (activity_id, user_id) DO UPDATE SET attended = excluded.attended",
    )
    .bind(id)
    .bind(user_id)
    .bind(i64::from(attended))
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// The people of these states with accounts: (user id, name, state code).
pub async fn team_people<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    states: &[String],
) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT m.user_id, u.name, m.state_code FROM team_members m JOIN users u ON u.id = m.user_id
         WHERE m.program_id = $1 AND u.active = 1 ORDER BY m.state_code, u.name",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().filter(|r| states.contains(&r.2)).collect())
}

/// The coaches of these states: (user id, name, state code).
pub async fn coaches<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    states: &[String],
) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT g.user_id, u.name, g.state_code FROM role_grants g JOIN users u ON u.id = g.user_id
         WHERE g.role = 'coach' AND g.program_id = $1 AND u.active = 1 ORDER BY g.state_code, u.name",
    )
    .bind(program_id)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().filter(|r| states.contains(&r.2)).collect())
}

/// People with the subject-matter expert role: (id, name).
pub async fn experts<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM users WHERE active = 1 AND id IN (SELECT user_id FROM role_grants WHERE role = 'sme')
         ORDER BY name, id",
    )
    .fetch_all(e)
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    pub id: i64,
    pub activity_id: i64,
    pub state_code: Option<String>,
    pub text: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    /// YYYY-MM-DD on the program's clock.
    pub due_on: String,
    /// When it was marked done (Unix milliseconds), if it is.
    pub done_at: Option<i64>,
    /// The action-plan step made from it, if any.
    pub plan_step_id: Option<i64>,
    pub created_at: i64,
}

type ItemRow = (
    i64,
    i64,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    i64,
);

fn item(r: ItemRow) -> ActionItem {
    ActionItem {
        id: r.0,
        activity_id: r.1,
        state_code: r.2,
        text: r.3,
        owner_id: r.4,
        owner_name: r.5,
        due_on: r.6,
        done_at: r.7,
        plan_step_id: r.8,
        created_at: r.9,
    }
}

const ITEM_SQL: &str = "SELECT i.id, i.activity_id, i.state_code, i.text, i.owner_id, u.name, i.due_on, i.done_at, i.plan_step_id, i.created_at
     FROM action_items i LEFT JOIN users u ON u.id = i.owner_id";

pub async fn items<'c, E: Executor<'c, Database = Any>>(
    e: E,
    activity_id: i64,
) -> sqlx::Result<Vec<ActionItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ITEM_SQL} WHERE i.activity_id = $1 ORDER BY i.due_on, i.id"
    )))
    .bind(activity_id)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().map(item).collect())
}

pub async fn find_item<'c, E: Executor<'c, Database = Any>>(
    e: E,
    activity_id: i64,
    id: i64,
) -> sqlx::Result<Option<ActionItem>> {
    let row: Option<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ITEM_SQL} WHERE i.activity_id = $1 AND i.id = $2"
    )))
    .bind(activity_id)
    .bind(id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(item))
}

pub async fn insert_item(
    tx: &mut Tx<'_>,
    activity_id: i64,
    (text, owner, due, state): (&str, i64, &str, Option<&str>),
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO action_items (activity_id, state_code, text, owner_id, due_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(activity_id)
    .bind(state)
    .bind(text)
    .bind(owner)
    .bind(due)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_item(
    tx: &mut Tx<'_>,
    id: i64,
    (text, owner, due, state): (&str, i64, &str, Option<&str>),
    done_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE action_items SET text = $1, owner_id = $2, due_on = $3, state_code = $4, done_at = $5 WHERE id = $6",
    )
    .bind(text)
    .bind(owner)
    .bind(due)
    .bind(state)
    .bind(done_at)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

pub async fn set_item_done(tx: &mut Tx<'_>, id: i64, done_at: Option<i64>) -> sqlx::Result<()> {
    sqlx::query("UPDATE action_items SET done_at = $1 WHERE id = $2")
        .bind(done_at)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The goals of a state's action plan: (goal id, title).
pub async fn plan_goals<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT g.id, g.title FROM plan_goals g JOIN plans p ON p.id = g.plan_id
         WHERE p.program_id = $1 AND p.state_code = $2 ORDER BY g.position, g.id",
    )
    .bind(program_id)
    .bind(state)
    .fetch_all(e)
    .await
}

/// Adds a step to a goal of the state's plan, at the end, agreed at this
/// activity; links the action item to it. `None` when the goal is not
/// one of the state's.
pub async fn item_to_step(
    tx: &mut Tx<'_>,
    program_id: i64,
    state: &str,
    goal_id: i64,
    item: &ActionItem,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let goal: Option<i64> = sqlx::query_scalar(
        "SELECT g.id FROM plan_goals g JOIN plans p ON p.id = g.plan_id
         WHERE g.id = $1 AND p.program_id = $2 AND p.state_code = $3",
    )
    .bind(goal_id)
    .bind(program_id)
    .bind(state)
    .fetch_optional(&mut **tx)
    .await?;
    if goal.is_none() {
        return Ok(None);
    }
    let position: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM plan_steps WHERE goal_id = $1",
    )
    .bind(goal_id)
    .fetch_one(&mut **tx)
    .await?;
    let step: i64 = sqlx::query_scalar(
        "INSERT INTO plan_steps (goal_id, position, text, owner_id, due_on, status, activity_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'not_started', $6, $7, $7) RETURNING id",
    )
    .bind(goal_id)
    .bind(position)
    .bind(&item.text)
    .bind(item.owner_id)
    .bind(&item.due_on)
    .bind(item.activity_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE action_items SET plan_step_id = $1 WHERE id = $2")
        .bind(step)
        .bind(item.id)
        .execute(&mut **tx)
        .await?;
    Ok(Some(step))
}

// ----- calendar feeds -----

/// The person whose feed this token hash opens.
pub async fn feed_owner<'c, E: Executor<'c, Database = Any>>(
    e: E,
    token_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT user_id FROM calendar_feeds WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(e)
        .await
}

/// When the person's feed link was made, if they have one.
pub async fn feed_made<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT created_at FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(e)
        .await
}

/// Sets the person's feed token (the old one stops working).
pub async fn set_feed(
    tx: &mut Tx<'_>,
    user_id: i64,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Turns the feed off; whether there was one.
pub async fn delete_feed(tx: &mut Tx<'_>, user_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        > 0)
}

// ----- reminders -----

/// Scheduled activities starting after `from` and no later than `to`:
/// (id, program id).
pub async fn starting_between<'c, E: Executor<'c, Database = Any>>(
    e: E,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, program_id FROM activities WHERE status = 'scheduled' AND starts_at > $1 AND starts_at <= $2
         ORDER BY starts_at, id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(e)
    .await
}

/// Everyone with an account an activity concerns: its invited people, the
/// team members of its states, and their coaches: (id, name, email).
pub async fn recipients<'c, E: Executor<'c, Database = Any>>(
    e: E,
    activity_id: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email FROM users u WHERE u.active = 1 AND (
            u.id IN (SELECT user_id FROM activity_people WHERE activity_id = $1)
         OR u.id IN (SELECT m.user_id FROM team_members m JOIN activity_states s
                     ON s.program_id = m.program_id AND s.state_code = m.state_code WHERE s.activity_id = $1)
         OR u.id IN (SELECT g.user_id FROM role_grants g JOIN activity_states s
                     ON s.program_id = g.program_id AND s.state_code = g.state_code
                     WHERE s.activity_id = $1 AND g.role = 'coach'))
         ORDER BY u.id",
    )
    .bind(activity_id)
    .fetch_all(e)
    .await
}

/// Claims the reminder for this person and this version of the time:
/// true only for the one caller that inserted it.
pub async fn claim_reminder(
    tx: &mut Tx<'_>,
    activity_id: i64,
    user_id: i64,
    starts_at: i64,
    now: i64,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO activity_reminders (activity_id, user_id, starts_at, sent_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (activity_id, user_id, starts_at) DO NOTHING",
    )
    .bind(activity_id)
    .bind(user_id)
    .bind(starts_at)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Those who have had this week's note about overdue items.
pub async fn told_this_week<'c, E: Executor<'c, Database = Any>>(
    e: E,
    week: &str,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT user_id FROM overdue_notices WHERE week = $1")
        .bind(week)
        .fetch_all(e)
        .await
}

/// Claims this week's overdue note for the person.
pub async fn claim_overdue_notice(
    tx: &mut Tx<'_>,
    user_id: i64,
    week: &str,
    now: i64,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO overdue_notices (user_id, week, sent_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, week) DO NOTHING",
    )
    .bind(user_id)
    .bind(week)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Something late, owned by someone.
#[derive(Debug, Clone, FromRow)]
pub struct Late {
    pub owner_id: i64,
    pub text: String,
    pub due_on: String,
    pub time_zone: String,
    /// The address of the page it is on (without the base URL).
    pub path: String,
    /// Where it comes from ("Coaching call with Colorado", "Colorado's action plan").
    pub source: String,
}

/// Open action items and plan steps due before `before` (YYYY-MM-DD; the
/// caller checks each against its program's clock).
pub async fn late<'c, E: Executor<'c, Database = Any>>(
    e: E,
    before: &str,
) -> sqlx::Result<Vec<Late>> {
    sqlx::query_as(
        "SELECT i.owner_id, i.text, i.due_on, p.time_zone,
                '/programs/' || p.slug || '/activities/' || CAST(a.id AS TEXT) AS path, a.title AS source
         FROM action_items i JOIN activities a ON a.id = i.activity_id JOIN programs p ON p.id = a.program_id
         WHERE i.done_at IS NULL AND i.owner_id IS NOT NULL AND i.due_on < $1
         UNION ALL
         SELECT s.owner_id, s.text, s.due_on, p.time_zone,
                '/programs/' || p.slug || '/plans/' || pl.state_code AS path, j.name || '''s action plan' AS source
         FROM plan_steps s JOIN plan_goals g ON g.id = s.goal_id JOIN plans pl ON pl.id = g.plan_id
         JOIN programs p ON p.id = pl.program_id JOIN jurisdictions j ON j.code = pl.state_code
         WHERE s.status <> 'done' AND s.owner_id IS NOT NULL AND s.due_on < $1
         ORDER BY 1, 3",
    )
    .bind(before)
    .fetch_all(e)
    .await
}

/// A person's name and email.
pub async fn person<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1 AND active = 1")
        .bind(user_id)
        .fetch_optional(e)
        .await
}

/// The program a reminder is about: (slug, name, time zone).
pub async fn program_of<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
) -> sqlx::Result<Option<(String, String, String)>> {
    sqlx::query_as("SELECT slug, name, time_zone FROM programs WHERE id = $1")
        .bind(program_id)
        .fetch_optional(e)
        .await
}
