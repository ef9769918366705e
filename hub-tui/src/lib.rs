//! The parts of hub's terminal client that other programs share. Today that is the report-triage
//! screen, which `hub reports triage` runs and hub-tui will open with `M`, and the terminal
//! handling both need (set-up, restore on exit and on panic, colour).
//!
//! Every screen follows one shape (see TERMINAL.md): a plain-data model that tests build by hand,
//! actions that `update` turns into a new model plus effects for the network, and a view that only
//! reads the model. Drawing never waits on the network.

pub mod chat;
pub mod key;
pub mod profiles;
pub mod terminal;
pub mod theme;
pub mod tmux;
pub mod triage;

#[cfg(test)]
mod testing;
