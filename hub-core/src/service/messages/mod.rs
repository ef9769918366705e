//! Messages: send (idempotent by `client_id`), read, history, threads, versions, edit, delete,
//! mentions, and the views that carry each reader's reaction counts.

mod delete;
mod edit;
mod mentions;
mod read;
mod recent;
mod send;
mod views;

pub(crate) use recent::RecentPages;
