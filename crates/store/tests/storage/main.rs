//! One storage suite, run against SQLite and PostgreSQL: seeding, tokens, tenant isolation,
//! the read services, simulations, the cache, the Drop Zone, OAuth and console users.
//! Each scenario is a test per engine (`<scenario>::sqlite`, `<scenario>::postgres`) on a
//! database of its own; `common` says how they are made and when PostgreSQL is skipped.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

#[macro_use]
mod common;

mod audit_trail;
mod cache;
mod drop_zone;
mod oauth;
mod people;
mod queries;
mod register;
mod register_sample;
mod seeding;
mod simulations;
mod tenants;
mod tokens;
