//! Wire types shared by the server and every client (SDK, CLI, TUI, tests). Versioned: the REST
//! API under `/api/v1` speaks [`v1`]. Domain models stay in `model`; these are what goes over the wire.

mod time;
pub mod v1;
