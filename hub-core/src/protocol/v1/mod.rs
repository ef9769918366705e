//! Version 1 of hub's wire types: REST bodies, the error body and (later) WebSocket frames.

mod accounts;
mod chat;
mod common;

pub use accounts::*;
pub use chat::*;
pub use common::*;
