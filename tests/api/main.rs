//! The integration suite: the real server over real databases (SQLite and
//! PostgreSQL), driven through its pages and its API.

mod contract;
mod helpers;

mod accounts;
mod activities;
mod api;
mod applications;
mod assessment;
mod authz;
mod cli;
mod cohort;
mod digests;
mod exchange;
mod feedback;
mod forum;
mod frameworks;
mod hygiene;
mod limits;
mod mail;
mod mentoring;
mod pages;
mod plans;
mod programs;
mod reports;
mod schema;
mod selection;
mod settings;
mod sso;
mod two_step;
mod work;
