//! Reactions: the catalog (system and custom) and reacting to messages.

mod catalog;
mod react;
