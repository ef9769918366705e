//! Pure decisions: plain values in, a decision out, no I/O. Services call these before touching
//! the store, so every rule is unit-tested here once.

pub mod accounts;
pub mod assistant;
pub mod avatars;
pub mod channels;
pub mod files;
pub mod forum;
pub mod messages;
pub mod paging;
pub mod patterns;
pub mod permissions;
pub mod profile;
pub mod rate;
pub mod reactions;
pub mod reports;
pub mod safety;
pub mod search;
pub mod versions;
