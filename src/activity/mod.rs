//! TA activities (kick-off, coaching calls, site visits, webinars, planning sessions, peer-mentoring sessions, SME consultations), their calendars and reminders.

pub mod api;
pub mod demo;
pub mod handlers;
