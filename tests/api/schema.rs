//! The two backends' schemas: the same tables with the same columns, apart
//! from full-text search, which each does its own way (migrations/README.md).

use std::collections::BTreeSet;

use crate::helpers::{Backend, TestApp, postgres_url};

type Columns = BTreeSet<(String, String)>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_have_the_same_tables_and_columns() {
    if postgres_url().is_none() {
        return;
    }
    let sqlite = TestApp::spawn(Backend::Sqlite).await;
    let postgres = TestApp::spawn(Backend::Postgres).await;
    let on_sqlite: Vec<(String, String)> = sqlx::query_as(
        // FTS5 virtual tables and their shadow tables are SQLite's search.
        "SELECT t.name, c.name FROM sqlite_master t, pragma_table_info(t.name) c
         WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite%'
           AND t.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
           AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'
                           AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND substr(t.name, 1, length(v.name) + 1) = v.name || '_')",
    )
    .fetch_all(&sqlite.state.db.pool)
    .await
    .unwrap();
    let on_postgres: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = 'public'",
    )
    .fetch_all(&postgres.state.db.pool)
    .await
    .unwrap();
    let on_sqlite: Columns = on_sqlite.into_iter().collect();
    let on_postgres: Columns = on_postgres.into_iter().collect();
    // PostgreSQL's search: generated tsvector columns.
    let search_columns: Columns = [
        ("exchange_items", "search"),
        ("forum_posts", "search"),
        ("forum_threads", "search"),
    ]
    .into_iter()
    .map(|(t, c)| (t.to_owned(), c.to_owned()))
    .collect();
    let only_sqlite: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Columns = on_postgres.difference(&on_sqlite).cloned().collect();
    assert!(only_sqlite.is_empty(), "only on SQLite: {only_sqlite:?}");
    assert_eq!(only_postgres, search_columns, "only on PostgreSQL");
    sqlite.stop().await;
    postgres.stop().await;
}
