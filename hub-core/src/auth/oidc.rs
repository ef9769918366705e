//! Verification of an external OpenID Connect provider's RS256 tokens (the Auth0 style): issuer
//! and audience from configuration, keys from the provider's JWKS, fetched with reqwest and cached.
//! An unknown `kid` triggers a refetch (the provider rotated its keys), at most once per
//! `jwks_min_refetch_secs` so a stream of bogus key ids cannot hammer the provider.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

use crate::config::OidcConfig;
use crate::error::{Error, ErrorKind, Result};

/// Who the provider says the bearer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcIdentity {
    /// The provider's `iss`.
    pub issuer: String,
    /// The provider's stable subject id (`sub`).
    pub subject: String,
    /// A username suggestion: `preferred_username`, `nickname` or the email's local part.
    pub suggested_username: Option<String>,
    /// `email`, when present.
    pub email: Option<String>,
    /// `name`, when present.
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OidcClaims {
    sub: String,
    iss: String,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

struct CachedKeys {
    keys: JwkSet,
    fetched_at: Instant,
}

/// Checks provider tokens against a cached JWKS.
pub struct OidcVerifier {
    jwks_url: String,
    cache_ttl: Duration,
    min_refetch: Duration,
    validation: Validation,
    http: reqwest::Client,
    cache: RwLock<Option<CachedKeys>>,
    fetching: Mutex<()>,
}

impl OidcVerifier {
    /// A verifier for the configured provider. Nothing is fetched until the first token arrives.
    pub fn new(config: &OidcConfig) -> Result<Self> {
        let jwks_url = config
            .jwks_url
            .clone()
            .unwrap_or_else(|| format!("{}/.well-known/jwks.json", config.issuer.trim_end_matches('/')));
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.leeway = 30;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(Error::internal)?;
        Ok(OidcVerifier {
            jwks_url,
            cache_ttl: Duration::from_secs(config.jwks_cache_secs),
            min_refetch: Duration::from_secs(config.jwks_min_refetch_secs),
            validation,
            http,
            cache: RwLock::new(None),
            fetching: Mutex::new(()),
        })
    }

    /// Whether a bearer token looks like one of the provider's (RS256) rather than hub's own.
    pub fn is_provider_token(token: &str) -> bool {
        jsonwebtoken::decode_header(token).is_ok_and(|header| header.alg == Algorithm::RS256)
    }

    /// Verifies `token` and returns the identity it asserts.
    pub async fn verify(&self, token: &str) -> Result<OidcIdentity> {
        let invalid = |message: &str| Error::new(ErrorKind::InvalidToken, message.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("the token is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid("identity provider tokens must be RS256"));
        }
        let kid = header
            .kid
            .ok_or_else(|| invalid("the token names no signing key (kid)"))?;
        let key = self.key_for(&kid).await?;
        let data =
            jsonwebtoken::decode::<OidcClaims>(token, &key, &self.validation).map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Error::new(ErrorKind::TokenExpired, "the identity provider token has expired")
                }
                _ => invalid("the identity provider token is not valid"),
            })?;
        let claims = data.claims;
        let suggested_username = claims
            .preferred_username
            .clone()
            .or_else(|| claims.nickname.clone())
            .or_else(|| claims.email.clone());
        Ok(OidcIdentity {
            issuer: claims.iss,
            subject: claims.sub,
            suggested_username,
            email: claims.email,
            name: claims.name,
        })
    }

    async fn key_for(&self, kid: &str) -> Result<DecodingKey> {
        if let Some(key) = self.cached_key(kid, false).await? {
            return Ok(key);
        }
        // One fetch at a time; whoever waited re-checks the cache the winner filled.
        let _fetching = self.fetching.lock().await;
        if let Some(key) = self.cached_key(kid, false).await? {
            return Ok(key);
        }
        let may_fetch = match &*self.cache.read().await {
            None => true,
            Some(cached) => {
                cached.fetched_at.elapsed() >= self.cache_ttl || cached.fetched_at.elapsed() >= self.min_refetch
            }
        };
        if may_fetch {
            match self.fetch().await {
                Ok(keys) => {
                    *self.cache.write().await = Some(CachedKeys {
                        keys,
                        fetched_at: Instant::now(),
                    });
                }
                // A provider outage should not end sessions whose keys we still hold.
                Err(err) => match self.cached_key(kid, true).await? {
                    Some(key) => return Ok(key),
                    None => return Err(err),
                },
            }
        }
        self.cached_key(kid, true)
            .await?
            .ok_or_else(|| Error::new(ErrorKind::InvalidToken, "the token is signed with an unknown key"))
    }

    async fn cached_key(&self, kid: &str, allow_stale: bool) -> Result<Option<DecodingKey>> {
        let cache = self.cache.read().await;
        let Some(cached) = cache.as_ref() else {
            return Ok(None);
        };
        if !allow_stale && cached.fetched_at.elapsed() >= self.cache_ttl {
            return Ok(None);
        }
        match cached.keys.find(kid) {
            Some(jwk) => DecodingKey::from_jwk(jwk)
                .map(Some)
                .map_err(|_| Error::new(ErrorKind::InvalidToken, "the provider's key is not usable")),
            None => Ok(None),
        }
    }

    async fn fetch(&self) -> Result<JwkSet> {
        let unavailable = |err: reqwest::Error| {
            Error::new(
                ErrorKind::Unavailable,
                "the identity provider's keys could not be fetched",
            )
            .with_source(err)
        };
        let response = self.http.get(&self.jwks_url).send().await.map_err(unavailable)?;
        let response = response.error_for_status().map_err(unavailable)?;
        response.json::<JwkSet>().await.map_err(unavailable)
    }
}
