//! A stand-in OpenID Connect provider for tests: RSA keys generated in the test, a JWKS served
//! on loopback (with a fetch counter), and RS256 tokens signed with those keys.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tokio::sync::RwLock;
use warp::Filter;

/// One signing key with its id.
pub struct SigningKey {
    /// `kid`.
    pub kid: String,
    pair: RsaKeyPair,
}

impl SigningKey {
    /// A fresh 2048-bit RSA key.
    pub fn generate(kid: &str) -> SigningKey {
        SigningKey {
            kid: kid.to_owned(),
            pair: RsaKeyPair::generate(KeySize::Rsa2048).expect("rsa key"),
        }
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// An RS256 JWT over `claims` with this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .expect("sign");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// A JWKS endpoint on loopback whose key set the test can change.
pub struct FakeProvider {
    /// The issuer URL (`http://127.0.0.1:port/`).
    pub issuer: String,
    /// Where the JWKS is served.
    pub jwks_url: String,
    keys: Arc<RwLock<Value>>,
    fetches: Arc<AtomicUsize>,
}

impl FakeProvider {
    /// Serves a JWKS holding `keys`.
    pub async fn start(keys: &[&SigningKey]) -> FakeProvider {
        let set = Arc::new(RwLock::new(jwks(keys)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let route = {
            let set = set.clone();
            let fetches = fetches.clone();
            warp::path!(".well-known" / "jwks.json").then(move || {
                let set = set.clone();
                let fetches = fetches.clone();
                async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    warp::reply::json(&*set.read().await)
                }
            })
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        tokio::spawn(warp::serve(route).incoming(listener).run());
        FakeProvider {
            issuer: format!("http://{address}/"),
            jwks_url: format!("http://{address}/.well-known/jwks.json"),
            keys: set,
            fetches,
        }
    }

    /// Replaces the served key set (key rotation).
    pub async fn rotate_to(&self, keys: &[&SigningKey]) {
        *self.keys.write().await = jwks(keys);
    }

    /// How many times the JWKS was fetched.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// Claims for `subject` valid for an hour with this issuer and `audience`.
    pub fn claims(&self, subject: &str, audience: &str, extra: Value) -> Value {
        let now = chrono_now();
        let mut claims = json!({
            "iss": self.issuer,
            "sub": subject,
            "aud": audience,
            "iat": now,
            "exp": now + 3600,
        });
        if let (Some(target), Some(more)) = (claims.as_object_mut(), extra.as_object()) {
            for (key, value) in more {
                target.insert(key.clone(), value.clone());
            }
        }
        claims
    }
}

fn jwks(keys: &[&SigningKey]) -> Value {
    json!({ "keys": keys.iter().map(|key| key.jwk()).collect::<Vec<_>>() })
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}
