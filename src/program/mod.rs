//! Programs (TA cohorts) and the reference list of U.S. jurisdictions.
//! The foundation holds the basics; programs, timelines and commitments
//! grow here.

pub mod api;
pub mod handlers;
pub mod store;
