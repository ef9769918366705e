//! Version 1 of hub's wire types: REST bodies, the error body and WebSocket frames.

mod accounts;
mod admin;
mod assistant;
mod chat;
mod common;
mod events;
mod files;
mod forum;
mod gateway;
mod reports;
mod safety;
mod search;

pub use accounts::*;
pub use admin::*;
pub use assistant::*;
pub use chat::*;
pub use common::*;
pub use events::*;
pub use files::*;
pub use forum::*;
pub use gateway::*;
pub use reports::*;
pub use safety::*;
pub use search::*;
