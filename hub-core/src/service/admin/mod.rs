//! Operator and site-admin use cases: creating accounts directly, listing them, suspending and
//! restoring them.

mod create_account;
mod list_users;
mod suspend;

pub use create_account::NewAccount;
