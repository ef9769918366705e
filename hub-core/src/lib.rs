//! hub-core: everything in hub that is not a transport or a user interface.
//!
//! - [`model`]: plain domain types (users, sessions) and their newtype ids.
//! - [`rules`]: pure decisions with no I/O: username and password policy, profile validation, paging.
//! - [`auth`]: credential machinery: argon2id hashing off the async workers, hub JWTs, refresh tokens, OIDC.
//! - `store` (private to this crate): persistence over SQLite and PostgreSQL, one SQL text where the
//!   dialects agree; only the services reach it.
//! - [`service`]: the use cases ([`service::Hub`]); the embedding API that the server, the CLI and
//!   tests call, deciding limits, permissions and the events each change causes.
//! - [`database`]: connecting and migrating before any service runs (operator tools).
//! - [`send_order`]: keeps one client's sends in the order it made them while several are under way.
//! - [`events`]: the event bus between committed changes and the real-time gateway.
//! - [`protocol`]: wire types shared by the server and its clients (REST bodies, error bodies).
//! - `client` (feature `client`): the async SDK: a REST `Client` and a reconnecting WebSocket `Session`.
//! - [`config`]: settings from a TOML file and `HUB_*` environment variables.
//! - [`error`]: the one error type; the server maps its [`error::ErrorKind`] to HTTP in one place.

pub mod auth;
#[cfg(feature = "client")]
pub mod client;
mod cluster;
pub mod config;
pub mod database;
pub mod error;
pub mod events;
pub mod model;
pub mod protocol;
pub mod rules;
pub mod send_order;
pub mod service;
pub mod storage;
mod store;

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use service::Hub;
