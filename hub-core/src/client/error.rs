//! [`ClientError`]: everything an SDK call can fail with, REST or WebSocket.

use reqwest::StatusCode;

use crate::protocol::v1::ErrorBody;

/// An SDK failure. The server's own refusals come as [`ClientError::Api`], whose
/// [`code`](ClientError::code) is the stable snake_case code (`not_found`, `token_expired`, ...).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error status and its JSON error body.
    #[error("{status}: {} ({})", .body.error.message, .body.error.code)]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The body, with `error.code`, `error.message` and `error.field`.
        body: ErrorBody,
    },
    /// The server (or something in front of it) answered with an error status and a body that
    /// is not hub's JSON error.
    #[error("{status}: unexpected response: {text}")]
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The start of the body.
        text: String,
    },
    /// The request did not get an answer: connection refused, timeout, TLS, ...
    #[error("request failed: {0}")]
    Transport(#[from] reqwest::Error),
    /// A success response whose body is not the expected JSON.
    #[error("could not read the response of {url}: {source}")]
    Decode {
        /// The URL that was called.
        url: String,
        /// What did not match.
        #[source]
        source: serde_json::Error,
    },
    /// A base or WebSocket URL that cannot be used.
    #[error("bad URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A call that needs a bearer token was made before signing in.
    #[error("not signed in: log in, register or give a token first")]
    NotSignedIn,
    /// The WebSocket connection failed (handshake, I/O or protocol).
    #[error("WebSocket: {0}")]
    WebSocket(#[source] Box<tokio_tungstenite::tungstenite::Error>),
    /// The server closed the WebSocket, or closed it before saying `hello`.
    #[error("WebSocket closed by the server ({}): {reason}", .code.map_or_else(|| "no code".to_owned(), |code| code.to_string()))]
    Closed {
        /// The close code (see [`crate::protocol::v1::close_code`]), when one was sent.
        code: Option<u16>,
        /// The close reason.
        reason: String,
    },
    /// No `hello` arrived within [`SessionOptions::hello_timeout`](super::SessionOptions::hello_timeout).
    #[error("timed out waiting for the server's hello")]
    Timeout,
    /// The session has ended; nothing more can be sent on it.
    #[error("the session is closed")]
    SessionClosed,
}

impl ClientError {
    /// The HTTP status of a server answer, when this is one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Api { status, .. } | ClientError::UnexpectedStatus { status, .. } => Some(*status),
            ClientError::Transport(err) => err.status(),
            _ => None,
        }
    }

    /// The server's error code (`not_found`, `channel_name_taken`, ...), when this is an [`ClientError::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.code),
            _ => None,
        }
    }

    /// The request field the server blamed, when it named one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => body.error.field.as_deref(),
            _ => None,
        }
    }

    /// Builds the error for a non-2xx answer from its status and body bytes.
    pub(crate) fn from_response(status: StatusCode, body: &[u8]) -> Self {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(body) => ClientError::Api { status, body },
            Err(_) => {
                const SHOWN: usize = 512;
                let text = String::from_utf8_lossy(&body[..body.len().min(SHOWN)]).into_owned();
                ClientError::UnexpectedStatus { status, text }
            }
        }
    }
}

impl From<tokio_tungstenite::tungstenite::Error> for ClientError {
    fn from(err: tokio_tungstenite::tungstenite::Error) -> Self {
        use tokio_tungstenite::tungstenite::Error as WsError;
        match err {
            // A refused upgrade (401 for a bad token, ...): read it like a REST error.
            WsError::Http(response) => {
                let status =
                    StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                ClientError::from_response(status, response.body().as_deref().unwrap_or_default())
            }
            other => ClientError::WebSocket(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_become_api_errors_with_their_code() {
        let body = br#"{"error":{"code":"weak_password","message":"too short","field":"password"}}"#;
        let err = ClientError::from_response(StatusCode::UNPROCESSABLE_ENTITY, body);
        assert_eq!(err.code(), Some("weak_password"));
        assert_eq!(err.field(), Some("password"));
        assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(err.to_string().contains("too short"));
    }

    #[test]
    fn other_bodies_are_kept_as_text() {
        let err = ClientError::from_response(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert!(matches!(err, ClientError::UnexpectedStatus { .. }));
        assert_eq!(err.code(), None);
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    }
}
