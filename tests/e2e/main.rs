//! hub's end-to-end suites, one test binary: each module is a family of stories run against a
//! real server on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod bad_input;
mod oidc;
mod openapi;
mod operations;
mod users;
