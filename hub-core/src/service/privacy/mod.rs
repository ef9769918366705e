//! A person's data: exporting everything they made, erasing their messages, posts and
//! comments (tombstones keep threads and trees readable; edit history and the event logs lose
//! the text too; on SQLite freed pages are zeroed and the WAL folded away), and closing the
//! account. Only the evidence captured in reports survives, for moderators.

mod close;
mod erase;
mod export;
