//! Peer mentoring: pairs of states proposed from their latest snapshots, confirmed by the administrator.

pub mod api;
pub mod demo;
pub mod handlers;
