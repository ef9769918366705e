//! hub-tui's chat client: channels, direct conversations and threads, live over the gateway.
//!
//! The shape TERMINAL.md sets out: [`model`] is plain data; [`action`] lists what can happen and
//! what can be asked for; [`update`] turns one into the other (pure); [`keymap`] is the one key
//! table; [`view`] draws; `net` owns the SDK and `run` is the loop that joins them, so drawing
//! never waits on the network.

pub mod action;
pub mod complete;
pub mod config;
pub mod keymap;
pub mod model;
mod net;
mod run;
pub mod switcher;
pub mod update;
pub mod view;

pub use action::{Action, Effect};
pub use model::Model;
pub use run::{Options, run};
pub use update::update;
pub use view::draw;

#[cfg(test)]
mod commands_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod forum_tests;
#[cfg(test)]
mod update_tests;
#[cfg(test)]
mod view_tests;
