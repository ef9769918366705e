//! [`Client`]: the REST half of the SDK. This file holds the client itself, URL building and the
//! one request helper; the typed calls live in `accounts.rs` and `chat.rs`.

use reqwest::{Method, RequestBuilder, Url};
use serde::de::DeserializeOwned;

use super::{ClientError, Result};
use super::{Session, SessionOptions};
use crate::protocol::v1::HealthView;

/// A REST client of one hub server. Cheap to clone: clones share the connection pool and each
/// keeps its own copy of the bearer token (a load generator makes one clone a user).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
}

impl Client {
    /// A client of the server at `base_url` (its root, like `http://127.0.0.1:8000`; a path
    /// prefix such as `https://example.org/hub` is kept). No token yet.
    pub fn new(base_url: &str) -> Result<Self> {
        Self::with_http(base_url, reqwest::Client::new())
    }

    /// Like [`Client::new`], over a reqwest client you configured (timeouts, pool size, ...).
    pub fn with_http(base_url: &str, http: reqwest::Client) -> Result<Self> {
        let invalid = |reason: &str| ClientError::InvalidUrl {
            url: base_url.to_owned(),
            reason: reason.to_owned(),
        };
        let mut base = Url::parse(base_url).map_err(|err| invalid(&err.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        base.set_query(None);
        base.set_fragment(None);
        Ok(Client {
            http,
            base,
            token: None,
        })
    }

    /// The same client, signed in with `access_token`.
    pub fn with_token(mut self, access_token: impl Into<String>) -> Self {
        self.token = Some(access_token.into());
        self
    }

    /// Replaces (or, with `None`, forgets) the bearer token.
    pub fn set_token(&mut self, access_token: Option<String>) {
        self.token = access_token;
    }

    /// The bearer token sent with each call, once signed in.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The server root this client talks to.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `GET /healthz`: whether the server answers, and the version it runs.
    pub async fn health(&self) -> Result<HealthView> {
        let mut url = self.base.clone();
        // Cannot fail, as in `endpoint`.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push("healthz");
        }
        self.fetch(self.http.get(url)).await
    }

    /// The WebSocket gateway's URL: `ws://` or `wss://` + the base + `/api/v1/ws` (no token).
    pub fn ws_url(&self) -> Url {
        let mut url = self.endpoint(&["ws"], &[]);
        let scheme = if self.base.scheme() == "https" { "wss" } else { "ws" };
        // http → ws and https → wss are always allowed by `Url::set_scheme`.
        if url.set_scheme(scheme).is_err() {
            tracing::warn!(%url, "could not switch the URL to a WebSocket scheme");
        }
        url
    }

    /// Opens a WebSocket [`Session`] to this server with this client's token.
    pub async fn connect_session(&self, options: SessionOptions) -> Result<Session> {
        let token = self.token.as_deref().ok_or(ClientError::NotSignedIn)?;
        Session::connect(self.ws_url().as_str(), token, options).await
    }

    /// `/api/v1/` + `path`, each segment percent-encoded (ids and emoji may hold anything),
    /// with `query` appended.
    pub(super) fn endpoint(&self, path: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        // Cannot fail: `with_http` only accepts http(s) URLs, which always have a path.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(["api", "v1"]).extend(path);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// A request to `/api/v1/{path}?{query}` carrying the bearer token, if any.
    pub(super) fn request(&self, method: Method, path: &[&str], query: &[(&str, String)]) -> RequestBuilder {
        let request = self.http.request(method, self.endpoint(path, query));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends `request` and reads its JSON body as `T`; a non-2xx answer becomes [`ClientError::Api`].
    pub(super) async fn fetch<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        let response = checked(request).await?;
        let url = response.url().to_string();
        let body = response.bytes().await?;
        serde_json::from_slice(&body).map_err(|source| ClientError::Decode { url, source })
    }

    /// Sends `request` and ignores the body of its success answer (`204 No Content` routes).
    pub(super) async fn execute(&self, request: RequestBuilder) -> Result<()> {
        checked(request).await.map(drop)
    }
}

/// Sends `request`; turns a non-2xx answer into the matching error.
async fn checked(request: RequestBuilder) -> Result<reqwest::Response> {
    let response = request.send().await?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.bytes().await?;
    Err(ClientError::from_response(status, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_sit_under_api_v1_and_escape_each_segment() -> Result<()> {
        let client = Client::new("http://127.0.0.1:8000")?;
        let url = client.endpoint(&["messages", "a/b?c", "reactions", "👍"], &[]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:8000/api/v1/messages/a%2Fb%3Fc/reactions/%F0%9F%91%8D"
        );
        let url = client.endpoint(&["users"], &[("q", "a&b c".to_owned()), ("limit", "5".to_owned())]);
        assert_eq!(url.as_str(), "http://127.0.0.1:8000/api/v1/users?q=a%26b+c&limit=5");
        Ok(())
    }

    #[test]
    fn a_path_prefix_is_kept() -> Result<()> {
        for base in ["https://example.org/hub", "https://example.org/hub/"] {
            let client = Client::new(base)?;
            assert_eq!(
                client.endpoint(&["auth", "me"], &[]).as_str(),
                "https://example.org/hub/api/v1/auth/me"
            );
            assert_eq!(client.ws_url().as_str(), "wss://example.org/hub/api/v1/ws");
        }
        Ok(())
    }

    #[test]
    fn the_gateway_url_follows_the_scheme() -> Result<()> {
        let client = Client::new("http://127.0.0.1:8123/")?;
        assert_eq!(client.ws_url().as_str(), "ws://127.0.0.1:8123/api/v1/ws");
        Ok(())
    }

    #[test]
    fn only_http_bases_are_accepted() {
        for bad in ["ws://127.0.0.1:8000", "not a url", "mailto:someone@example.org"] {
            assert!(matches!(Client::new(bad), Err(ClientError::InvalidUrl { .. })), "{bad}");
        }
    }

    #[test]
    fn tokens_stick_to_their_clone() -> Result<()> {
        let anonymous = Client::new("http://127.0.0.1:8000")?;
        let alice = anonymous.clone().with_token("alice-token");
        assert_eq!(anonymous.token(), None);
        assert_eq!(alice.token(), Some("alice-token"));
        Ok(())
    }
}
