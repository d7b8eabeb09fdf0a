//! The command groups of `draxis-admin`, one module each: its clap definition and what
//! it does. `support` holds what several of them share.

pub mod audit;
pub mod demo;
pub mod integration;
pub mod member;
pub mod migrate;
pub mod register;
pub mod review;
pub mod simulate;
pub mod support;
pub mod tenant;
pub mod token;
pub mod user;
