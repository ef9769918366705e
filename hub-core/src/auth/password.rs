//! argon2id password hashing. Hashing is deliberately slow, so it runs on tokio's blocking threads
//! behind a semaphore: a burst of logins queues there and never stalls the async workers that
//! carry live traffic.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::config::AuthConfig;
use crate::error::{Error, Result};

/// Hashes and verifies passwords with bounded concurrency.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when a username is unknown so that a
    /// login for a missing account costs the same time as one for a real account. Made on first
    /// need, so tools that never log anyone in never pay for it.
    decoy_hash: Arc<tokio::sync::OnceCell<String>>,
}

impl PasswordHasher {
    /// A hasher with the configured argon2id cost and concurrency.
    pub fn new(config: &AuthConfig) -> Result<Self> {
        let params = Params::new(
            config.argon2_memory_kib,
            config.argon2_iterations,
            config.argon2_parallelism,
            None,
        )
        .map_err(|err| Error::invalid("auth.argon2", format!("bad argon2 parameters: {err}")))?;
        let concurrency = match config.max_concurrent_password_hashes {
            // Half the cores: a burst of logins must leave the rest to chat.
            0 => std::thread::available_parallelism().map_or(1, |n| n.get() / 2).max(1),
            n => n,
        };
        Ok(PasswordHasher {
            params,
            permits: Arc::new(Semaphore::new(concurrency)),
            decoy_hash: Arc::new(tokio::sync::OnceCell::new()),
        })
    }

    /// The PHC string of `password` (argon2id, random salt).
    pub async fn hash(&self, password: &str) -> Result<String> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.run_blocking(move || hash_blocking(&params, password.as_bytes()))
            .await
    }

    /// Whether `password` matches `stored` (a PHC string). With no stored hash, a decoy hash is
    /// checked so that the answer takes as long, and is always `false`.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool> {
        let is_real = stored.is_some();
        let hash = match stored {
            Some(hash) => hash.to_owned(),
            None => self
                .decoy_hash
                .get_or_try_init(|| async {
                    let decoy_secret = super::random_bytes::<16>()?;
                    let decoy = String::from_utf8_lossy(&decoy_secret).into_owned();
                    self.hash(&decoy).await
                })
                .await?
                .clone(),
        };
        let password = password.to_owned();
        let matches = self
            .run_blocking(move || {
                let parsed = PasswordHash::new(&hash).map_err(|err| Error::internal(err.to_string()))?;
                Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(matches && is_real)
    }

    async fn run_blocking<T: Send + 'static>(&self, work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|err| Error::internal(err.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|err| Error::internal(err.to_string()))?
    }
}

fn hash_blocking(params: &Params, password: &[u8]) -> Result<String> {
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    hasher
        .hash_password(password)
        .map(|hash| hash.to_string())
        .map_err(|err| Error::internal(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> AuthConfig {
        AuthConfig {
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            ..AuthConfig::default()
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() -> Result<()> {
        let hasher = PasswordHasher::new(&cheap())?;
        let first = hasher.hash("correct horse").await?;
        let second = hasher.hash("correct horse").await?;
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second);
        assert!(hasher.verify("correct horse", Some(&first)).await?);
        assert!(!hasher.verify("wrong horse", Some(&first)).await?);
        assert!(!hasher.verify("anything", None).await?);
        Ok(())
    }

    #[test]
    fn hashes_at_once_are_the_setting_or_half_the_cores() -> Result<()> {
        let two = PasswordHasher::new(&AuthConfig {
            max_concurrent_password_hashes: 2,
            ..cheap()
        })?;
        assert_eq!(two.permits.available_permits(), 2);
        let default = PasswordHasher::new(&cheap())?;
        let half = std::thread::available_parallelism().map_or(1, |n| n.get() / 2).max(1);
        assert_eq!(default.permits.available_permits(), half);
        Ok(())
    }

    #[test]
    fn bad_parameters_are_a_clear_error() {
        let config = AuthConfig {
            argon2_memory_kib: 1,
            ..AuthConfig::default()
        };
        let err = PasswordHasher::new(&config).err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("auth.argon2"));
    }
}
