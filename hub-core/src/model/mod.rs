//! Plain domain types. No I/O here; the store reads and writes them, services pass them around,
//! and `protocol` turns them into wire types.

mod ids;
mod user;

pub use ids::{SessionId, UserId};
pub use user::{User, UserStatus};
