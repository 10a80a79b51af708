//! Programs (TA cohorts): templates, timelines, commitments, deadlines,
//! and the reference list of U.S. jurisdictions.

pub mod api;
pub mod create;
pub mod deadline;
pub mod glossary;
pub mod handlers;
pub mod settings;
pub mod store;
pub mod template;
