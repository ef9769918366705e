//! Version 1 of hub's wire types: REST bodies, the error body and (later) WebSocket frames.

mod accounts;
mod chat;
mod common;
mod events;
mod gateway;

pub use accounts::*;
pub use chat::*;
pub use common::*;
pub use events::*;
pub use gateway::*;
