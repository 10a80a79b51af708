//! The database: one pool through sqlx's `Any` driver, SQLite or PostgreSQL
//! chosen from the URL, and our own small migration runner over the SQL
//! files in `migrations/<backend>/`.
//!
//! Rules that keep one SQL text working on both backends: `$1`
//! placeholders, times as BIGINT Unix milliseconds, ids as i64, flags as
//! INTEGER 0/1.

mod migrate;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use migrate::{MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE, migrate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shared handle: a pool and which backend it talks to.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

impl Db {
    /// Connects, creating the SQLite file (and its folder) when needed.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default().to_owned();
            if let Some(parent) = std::path::Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_options = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the one writer; the busy
                            // timeout makes writers wait for each other instead of failing.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend })
    }

    pub async fn begin(&self) -> sqlx::Result<Tx<'static>> {
        match self.backend {
            // A transaction that reads and then writes must hold SQLite's one
            // write lock from the start: a deferred one fails (BUSY_SNAPSHOT)
            // when another writer, such as the job runner, commits in
            // between; an immediate one waits its turn (busy_timeout).
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A transaction that only reads, seeing one moment of the database
    /// throughout.
    pub async fn begin_read(&self) -> sqlx::Result<Tx<'static>> {
        match self.backend {
            // Deferred: the snapshot is taken at the first read and held.
            Backend::Sqlite => self.pool.begin_with("BEGIN").await,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
            }
        }
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// Converts a stored 0/1 flag.
pub fn flag(v: i64) -> bool {
    v != 0
}

/// True when an error is a unique-key violation (either backend).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}
