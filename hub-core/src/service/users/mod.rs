//! Profiles: read, search, update (status is set with presence, in `service::presence`).

mod get;
mod search;
mod update_profile;
