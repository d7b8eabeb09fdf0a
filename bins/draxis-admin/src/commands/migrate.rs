//! `draxis-admin migrate`: pending migrations are applied on opening the database, so
//! this only says so.

pub fn run() {
    eprintln!("database is up to date");
}
