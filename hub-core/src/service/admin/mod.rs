//! Operator and site-admin use cases: creating accounts directly, listing them, suspending and
//! restoring them, roles, deletion and login sessions.

mod create_account;
mod list_users;
mod manage;
mod suspend;

pub use create_account::NewAccount;
