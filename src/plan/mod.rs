//! Each state's action plan: goals tied to the assessment's priorities, steps, milestones and dated progress updates with evidence.

pub mod api;
pub mod demo;
pub mod handlers;
