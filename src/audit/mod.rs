//! The audit log: who changed what, when and from where, and every refused
//! access. Append-only (the database refuses updates and deletes). Details
//! never hold secrets: callers pass descriptions, not tokens or passwords.

pub mod handlers;

use serde::Serialize;
use sqlx::{Any, Executor, FromRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
        }
    }
}

/// One entry to write.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub outcome: Outcome,
    pub detail: String,
    pub ip: String,
}

impl Entry {
    pub fn new(actor: (Option<i64>, String), ip: &str, action: &str) -> Entry {
        Entry {
            actor_user_id: actor.0,
            actor: actor.1,
            action: action.to_owned(),
            record_type: String::new(),
            record_id: String::new(),
            outcome: Outcome::Ok,
            detail: String::new(),
            ip: ip.to_owned(),
        }
    }

    pub fn record(mut self, record_type: &str, record_id: impl ToString) -> Entry {
        self.record_type = record_type.to_owned();
        self.record_id = record_id.to_string();
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Entry {
        self.detail = detail.into();
        self
    }

    pub fn refused(mut self) -> Entry {
        self.outcome = Outcome::Refused;
        self
    }
}

pub async fn write<'c, E: Executor<'c, Database = Any>>(e: E, entry: &Entry) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor, action, record_type, record_id, outcome, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(crate::time::now_ms())
    .bind(entry.actor_user_id)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.record_type)
    .bind(&entry.record_id)
    .bind(entry.outcome.as_str())
    .bind(&entry.detail)
    .bind(&entry.ip)
    .execute(e)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub outcome: String,
    pub detail: String,
    pub ip: String,
}

/// Filters for the audit page and API; empty means "any".
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Part of the actor's email.
    #[serde(default)]
    pub actor: String,
    /// Part of the action name.
    #[serde(default)]
    pub action: String,
    /// ok or refused.
    #[serde(default)]
    pub outcome: String,
    /// Only entries with an id below this (for paging back).
    #[serde(default)]
    pub before: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

pub async fn list<'c, E: Executor<'c, Database = Any>>(
    e: E,
    f: &Filter,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT id, at, actor_user_id, actor, action, record_type, record_id, outcome, detail, ip FROM audit_log
         WHERE ($1 = '' OR LOWER(actor) LIKE $2)
           AND ($3 = '' OR action LIKE $4)
           AND ($5 = '' OR outcome = $5)
           AND id < $6
         ORDER BY id DESC LIMIT $7",
    )
    .bind(f.actor.trim())
    .bind(format!("%{}%", f.actor.trim().to_lowercase()))
    .bind(f.action.trim())
    .bind(format!("%{}%", f.action.trim()))
    .bind(f.outcome.trim())
    .bind(f.before.unwrap_or(i64::MAX))
    .bind(PAGE_SIZE)
    .fetch_all(e)
    .await
}
