//! hub's own tokens: short-lived HS256 JWT access tokens, and opaque refresh tokens that are
//! stored only as a SHA-256 hash and rotated on every use.

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{SessionId, UserId};

/// The `iss` of hub's access tokens.
pub const ISSUER: &str = "hub";
/// Shortest accepted `HUB_JWT_SECRET`, in bytes.
pub const MIN_SECRET_LENGTH: usize = 32;
/// Prefix of refresh tokens, so that a leaked one is recognisable in logs and secret scanners.
pub const REFRESH_TOKEN_PREFIX: &str = "hubrt_";

/// The claims of a hub access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user.
    pub sub: String,
    /// The login session (refresh-token family); revoking it ends the access token too.
    pub sid: String,
    /// Issuer, always [`ISSUER`].
    pub iss: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_ttl_secs: i64,
}

impl TokenIssuer {
    /// An issuer with `secret` and the access-token lifetime in seconds.
    pub fn new(secret: &[u8], access_ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        TokenIssuer {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_secs: i64::try_from(access_ttl_secs).unwrap_or(i64::MAX / 2),
        }
    }

    /// Seconds an access token lives.
    pub fn access_ttl_secs(&self) -> i64 {
        self.access_ttl_secs
    }

    /// A signed access token for `user` in `session`, issued at `now`.
    pub fn issue_access(&self, user: &UserId, session: &SessionId, now: DateTime<Utc>) -> Result<String> {
        let claims = AccessClaims {
            sub: user.to_string(),
            sid: session.to_string(),
            iss: ISSUER.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.access_ttl_secs,
        };
        self.sign(&claims)
    }

    /// Signs arbitrary access claims (tests use it to make expired tokens).
    pub fn sign(&self, claims: &AccessClaims) -> Result<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|err| Error::internal(err.to_string()))
    }

    /// Checks signature, issuer and expiry.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Error::new(ErrorKind::TokenExpired, "the access token has expired; refresh it")
                }
                _ => Error::new(ErrorKind::InvalidToken, "the access token is not valid"),
            })
    }
}

/// A fresh refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> Result<String> {
    let bytes = super::random_bytes::<32>()?;
    Ok(format!("{REFRESH_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored form of a refresh token (hex SHA-256): a database leak yields no usable token.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The HS256 secret: `HUB_JWT_SECRET` when set, otherwise the one kept in `<data_dir>/jwt-secret`,
/// generated on first start (readable by the owner only).
pub fn load_or_create_secret(config: &Config) -> Result<Vec<u8>> {
    if let Some(secret) = &config.jwt_secret {
        if secret.len() < MIN_SECRET_LENGTH {
            return Err(Error::invalid(
                "jwt_secret",
                format!("HUB_JWT_SECRET must be at least {MIN_SECRET_LENGTH} bytes"),
            ));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= MIN_SECRET_LENGTH => Ok(existing.trim().as_bytes().to_vec()),
        Ok(_) => Err(Error::invalid(
            "jwt_secret",
            format!("{} is too short; delete it to generate a new one", path.display()),
        )),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => match write_new_secret(&path) {
            // Another process wrote it first: use theirs.
            Err(_) if path.exists() => load_or_create_secret(config),
            written => written,
        },
        Err(err) => Err(Error::internal(err)),
    }
}

fn write_new_secret(path: &Path) -> Result<Vec<u8>> {
    let secret = URL_SAFE_NO_PAD.encode(super::random_bytes::<48>()?);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(Error::internal)?;
    file.write_all(secret.as_bytes()).map_err(Error::internal)?;
    Ok(secret.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> TokenIssuer {
        TokenIssuer::new(&[7u8; 32], 900)
    }

    #[test]
    fn access_tokens_round_trip() -> Result<()> {
        let user = UserId::generate();
        let session = SessionId::generate();
        let token = issuer().issue_access(&user, &session, Utc::now())?;
        let claims = issuer().verify_access(&token)?;
        assert_eq!(claims.sub, user.to_string());
        assert_eq!(claims.sid, session.to_string());
        Ok(())
    }

    #[test]
    fn expired_and_tampered_tokens_are_refused() -> Result<()> {
        let now = Utc::now().timestamp();
        let expired = issuer().sign(&AccessClaims {
            sub: "u".into(),
            sid: "s".into(),
            iss: ISSUER.into(),
            iat: now - 1000,
            exp: now - 100,
        })?;
        assert_eq!(
            issuer().verify_access(&expired).err().map(|e| e.kind),
            Some(ErrorKind::TokenExpired)
        );
        let good = issuer().issue_access(&UserId::generate(), &SessionId::generate(), Utc::now())?;
        let other_key = TokenIssuer::new(&[8u8; 32], 900);
        assert_eq!(
            other_key.verify_access(&good).err().map(|e| e.kind),
            Some(ErrorKind::InvalidToken)
        );
        assert_eq!(
            issuer().verify_access("not.a.jwt").err().map(|e| e.kind),
            Some(ErrorKind::InvalidToken)
        );
        Ok(())
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() -> Result<()> {
        let a = new_refresh_token()?;
        let b = new_refresh_token()?;
        assert_ne!(a, b);
        assert!(a.starts_with(REFRESH_TOKEN_PREFIX));
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), hash_refresh_token(&b));
        Ok(())
    }

    #[test]
    fn the_secret_is_generated_once_and_kept() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let first = load_or_create_secret(&config)?;
        let second = load_or_create_secret(&config)?;
        assert_eq!(first, second);
        assert!(first.len() >= MIN_SECRET_LENGTH);
        let short = Config {
            jwt_secret: Some("short".into()),
            ..Config::default()
        };
        assert!(load_or_create_secret(&short).is_err());
        Ok(())
    }
}
