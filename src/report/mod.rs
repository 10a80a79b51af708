//! Participation month by month, the program dashboard, and the state and program reports.

pub mod api;
pub mod dashboard;
pub mod export;
pub mod glance;
pub mod handlers;
pub mod participation;
pub mod service;
pub mod store;
