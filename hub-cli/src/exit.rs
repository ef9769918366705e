//! Exit statuses: 0 ok, 1 error, 2 usage, 3 cancelled (or refused for want of `--yes`), 4 not
//! authorised, 5 not found. An error's status comes from what it is, found in its chain.

use std::process::ExitCode;

use hub_core::ErrorKind;
use hub_core::client::ClientError;

/// The person answered no, or there was no terminal to ask and no `--yes`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Cancelled(pub String);

/// No profile of that name is signed in.
#[derive(Debug, thiserror::Error)]
#[error("profile {0:?} is not signed in: run hub auth login --server URL first (or set HUB_SERVER and HUB_TOKEN)")]
pub struct NotSignedIn(pub String);

/// Usage errors.
pub const USAGE: u8 = 2;
/// Cancelled.
pub const CANCELLED: u8 = 3;
/// Not authorised.
pub const NOT_AUTHORISED: u8 = 4;
/// Not found.
pub const NOT_FOUND: u8 = 5;

/// The status `err` ends the command with.
pub fn status_of(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if cause.is::<Cancelled>() {
            return ExitCode::from(CANCELLED);
        }
        if cause.is::<NotSignedIn>() {
            return ExitCode::from(NOT_AUTHORISED);
        }
        if let Some(hub) = cause.downcast_ref::<hub_core::Error>() {
            return match hub.kind {
                ErrorKind::NotFound => ExitCode::from(NOT_FOUND),
                ErrorKind::Forbidden => ExitCode::from(NOT_AUTHORISED),
                _ => ExitCode::FAILURE,
            };
        }
        if let Some(client) = cause.downcast_ref::<ClientError>() {
            return match client.status().map(|status| status.as_u16()) {
                Some(401 | 403) => ExitCode::from(NOT_AUTHORISED),
                Some(404) => ExitCode::from(NOT_FOUND),
                _ => ExitCode::FAILURE,
            };
        }
    }
    ExitCode::FAILURE
}
