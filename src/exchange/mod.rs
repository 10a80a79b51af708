//! The Career Pathways Exchange (seed 002): an information service that
//! gathers career pathways resources and events from federal and state
//! agencies and partner organizations. A public library browsed by topic
//! and searched; partner organizations submit items for moderation;
//! subscribers without an account choose topics and get email digests.

pub mod api;
pub mod digest;
pub mod handlers;
pub mod index;
pub mod rules;
pub mod search;
pub mod service;
pub mod store;
pub mod subscription;
pub mod topics;

/// The Exchange's clock: digests are dated and sent by it, and the
/// admin pages show times in it.
pub const TIME_ZONE: &str = "America/New_York";

/// Who an item is for: (key, what people read). Stored as keys joined
/// with commas.
pub const AUDIENCES: &[(&str, &str)] = &[
    ("state_leaders", "State agency leaders"),
    ("local_leaders", "Local program leaders"),
    ("educators", "Educators and trainers"),
    ("employers", "Employers and industry"),
    ("workforce_boards", "Workforce boards"),
    ("adult_learners", "Adult learners and their advisors"),
];

/// What people read for an audience key ("" for an unknown key).
pub fn audience_label(key: &str) -> &'static str {
    AUDIENCES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
        .unwrap_or("")
}
