//! Participation month by month, the program dashboard, and the state and program reports.

pub mod api;
pub mod demo;
pub mod handlers;
