//! Waymark: software for running a year-long technical-assistance program
//! that helps U.S. states build career pathways systems.
//!
//! Each area of the domain lives in its own folder; the shared core is
//! `config`, `db`, `web`, `auth`, `mail`, `jobs` and `audit`.

pub mod activity;
pub mod app;
pub mod application;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod exchange;
pub mod export;
pub mod forum;
pub mod framework;
pub mod jobs;
pub mod mail;
pub mod mentoring;
pub mod plan;
pub mod program;
pub mod report;
pub mod review;
pub mod seed;
pub mod state;
pub mod storage;
pub mod team;
pub mod time;
pub mod web;
pub mod work;
