//! Credential machinery used by the auth services: password hashing, hub's own tokens, and
//! verification of an external OpenID Connect provider's tokens.

pub mod oidc;
pub mod password;
pub mod tokens;

use crate::error::{Error, Result};

/// Fills a buffer with bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|err| Error::internal(err.to_string()))?;
    Ok(bytes)
}
