//! Shapes the API's answers share across areas.

use serde::Serialize;

/// A record just made: its id (with 201 Created).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}
