//! Email digests for Exchange subscribers.
//!
//! One run per frequency and period, claimed by a UNIQUE insert. Building
//! walks the active subscribers in id order, a chunk per transaction: the
//! chunk's outbox rows, a (run, subscriber) recipient row each (its
//! primary key is the guard against doubles), their delivery jobs and the
//! run's cursor are written together, so a crash resumes at the cursor.
//! The cursor moves by compare-and-swap under a lease, so two processes
//! never build the same chunk.
//!
//! Each distinct digest is built once: everyone with the same topics and
//! the same window shares one `mail_bodies` row; their own links are put
//! in at delivery (the `%%TOKEN%%` placeholder). Delivery goes in batches,
//! one job per batch; a message already sent is skipped on retry, and one
//! to someone who unsubscribed meanwhile is dropped.
pub mod build;
pub mod deliver;
pub mod items;
pub mod period;
pub mod render;
pub mod store;

pub use build::{CHUNK, build, build_slice, ensure_run, kick, sweep};
pub use deliver::deliver;
pub use items::{Item, select, signature};
pub use period::{FREQUENCIES, Period, Schedule, due_period};
pub use render::{MAX_ITEMS, MailItem, TOKEN, render};
pub use store::{Archived, Run, archive_list, archive_one, backend_name, runs, unsent};
