//! Report triage: the open queue one report per screen, the way `git add -p` walks hunks.
//! `hub reports triage` runs it; hub-tui's moderation view is the same screen.
//!
//! - `model`: the queue and what each report became; `keys`: the one key table;
//! - `update`: actions in, model and effects out (pure); `view`: drawing;
//! - `run`: the loop that joins the terminal, the REST calls and the gateway.
//!
//! A decision is staged on screen first ("✓ dismissed"), so `u` can take it back; it is sent when
//! the moderator moves on (`n`, `p`) or leaves (`q`). Destructive choices ask why, then ask again
//! with No as the default.

mod keys;
mod model;
mod run;
mod update;
mod view;

pub use keys::{BINDINGS, Binding, Command, Key, command_for, key_name};
pub use model::{Choice, Decision, Item, ItemState, Live, Notice, Prompt, Triage};
pub use run::{Summary, run};
pub use update::{Action, DEFAULT_SUSPENSION, Effect, update};
pub use view::{ago, draw};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod update_tests;
#[cfg(test)]
mod view_tests;
