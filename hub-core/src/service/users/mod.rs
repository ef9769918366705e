//! Profiles: read, search, update, status.

mod get;
mod search;
mod set_status;
mod update_profile;
