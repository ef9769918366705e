//! hub's end-to-end suites, one test binary: each module is a family of stories run against a
//! real server on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_users;
mod assistant;
mod authorization;
mod bad_input;
mod channels;
mod community_authorization;
mod dms;
mod durability;
mod files;
mod forum;
mod membership;
mod messages;
mod oidc;
mod openapi;
mod operations;
mod paging;
mod privacy;
mod reactions_pins_saved;
mod realtime;
mod reports;
mod safety;
mod scale_out;
mod sdk;
mod search;
mod secrets;
mod server_process;
mod threads_mentions;
mod users;
