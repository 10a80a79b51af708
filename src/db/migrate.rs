//! Forward-only migrations, one folder per backend, embedded in the binary.
//!
//! Each migration runs in its own transaction together with the row that
//! records it, so a failed migration leaves nothing behind. On PostgreSQL an
//! advisory lock keeps two starting instances from migrating at once.
//! Policy: never edit a migration that has shipped; add a new one.

use super::{Backend, Db};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../migrations/", $dir, "/", stringify!($version), "_", $name, ".sql")),
        }),*]
    };
}

pub const MIGRATIONS_SQLITE: &[Migration] = migrations!("sqlite": 1 "foundation", 2 "program_templates", 3 "applications", 4 "letters", 5 "review_and_teams", 6 "assessment", 7 "ta_year", 8 "exchange", 9 "forum", 10 "digests", 11 "library_version", 12 "library_changes", 13 "account_lookups", 14 "work_lookups", 15 "data_version", 16 "account_hygiene", 17 "second_factor");
pub const MIGRATIONS_POSTGRES: &[Migration] = migrations!("postgres": 1 "foundation", 2 "program_templates", 3 "applications", 4 "letters", 5 "review_and_teams", 6 "assessment", 7 "ta_year", 8 "exchange", 9 "forum", 10 "digests", 11 "library_version", 12 "library_changes", 13 "account_lookups", 14 "work_lookups", 15 "data_version", 16 "account_hygiene", 17 "second_factor");

/// Applies every migration not yet applied; returns how many ran.
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    let list = match db.backend {
        Backend::Sqlite => MIGRATIONS_SQLITE,
        Backend::Postgres => MIGRATIONS_POSTGRES,
    };
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&db.pool)
    .await?;

    let mut ran = 0;
    for m in list {
        let mut tx = db.begin().await?;
        if db.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7261001)")
                .execute(&mut *tx)
                .await?;
        }
        let done: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_one(&mut *tx)
                .await?;
        if done > 0 {
            tx.rollback().await?;
            continue;
        }
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| anyhow::anyhow!("migration {}_{} failed: {e}", m.version, m.name))?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::time::now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let a: Vec<_> = MIGRATIONS_SQLITE
            .iter()
            .map(|m| (m.version, m.name))
            .collect();
        let b: Vec<_> = MIGRATIONS_POSTGRES
            .iter()
            .map(|m| (m.version, m.name))
            .collect();
        assert_eq!(a, b);
        assert!(
            a.windows(2).all(|w| w[0].0 < w[1].0),
            "versions must increase"
        );
    }
}
