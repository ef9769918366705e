//! The HTTP side of `/api/v1/ws`: checks the handshake, answers `101 Switching Protocols`, and
//! hands the upgraded socket to a connection task with hub's buffer sizes.

use hub_core::{Error, ErrorKind};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use warp::http::header::{self, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::hyper;

use super::{Gateway, connection};
use crate::http::error_response;

/// Where the gateway listens.
pub const PATH: &str = "/api/v1/ws";

/// Whether `request` asks to open a WebSocket at the gateway's path.
pub fn is_websocket_upgrade<B>(request: &hyper::Request<B>) -> bool {
    request.uri().path().trim_end_matches('/') == PATH
        && request
            .headers()
            .get(header::UPGRADE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

/// Answers an upgrade request and, once the client switches, runs the connection.
pub fn handle(gateway: &Gateway, request: hyper::Request<hyper::body::Incoming>) -> warp::reply::Response {
    if request.method() != Method::GET {
        return error_response(&Error::new(ErrorKind::MethodNotAllowed, "open the gateway with GET"));
    }
    let version_ok = request
        .headers()
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|value| value == "13");
    let Some(key) = request
        .headers()
        .get(header::SEC_WEBSOCKET_KEY)
        .cloned()
        .filter(|_| version_ok)
    else {
        let mut response = error_response(&Error::invalid(
            "sec-websocket-key",
            "a WebSocket handshake needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13",
        ));
        response
            .headers_mut()
            .insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        return response;
    };
    let token = token_from_query(request.uri().query().unwrap_or_default());
    let settings = &gateway.hub().config().gateway;
    // The hard cap must leave room for a full gathering buffer plus one more frame.
    let max_write_buffer = settings.max_frame_bytes.max(64 * 1024) * 16 + settings.write_buffer_bytes;
    let config = WebSocketConfig::default()
        .read_buffer_size(settings.read_buffer_bytes)
        .write_buffer_size(settings.write_buffer_bytes)
        .max_write_buffer_size(max_write_buffer)
        .max_message_size(Some(settings.max_frame_bytes))
        .max_frame_size(Some(settings.max_frame_bytes));
    let upgrading = hyper::upgrade::on(request);
    let gateway = gateway.clone();
    // Counted from now, so a shutdown waits for it (and the database stays open for its end).
    let guard = gateway.socket_guard();
    tokio::spawn(async move {
        let _guard = guard;
        match upgrading.await {
            Ok(upgraded) => {
                let socket = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
                connection::run(gateway, socket, token).await;
            }
            Err(err) => tracing::debug!(error = %err, "WebSocket upgrade did not complete"),
        }
    });
    let mut response = warp::reply::Response::new(warp::hyper::body::Bytes::new().into());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

fn token_from_query(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_the_query() {
        assert_eq!(token_from_query("token=a.b%2Bc&x=1").as_deref(), Some("a.b+c"));
        assert_eq!(token_from_query("token="), None);
        assert_eq!(token_from_query(""), None);
    }
}
