//! Raw gateway connections for load: tokio-tungstenite without the SDK's session task, so each
//! workload decides how it batches writes and reads. Frames sent are hub-core's
//! [`ClientFrame`]s; frames received are only probed for the few fields a benchmark needs
//! ([`super::probe`]). Close codes and error codes that mean "lift a server limit" come with a
//! hint saying which.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use futures_util::{SinkExt as _, StreamExt as _};
use hub_core::client::session_url;
use hub_core::model::{ChannelId, ClientId};
use hub_core::protocol::v1::{ClientFrame, ControlFrame, close_code};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::probe::{Kind, probe};
use super::server::Server;

/// An open gateway connection.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a handshake (TCP, upgrade, `hello`, and for live connections `resumed`) may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// What a connection is for, which sets its buffers and how far the handshake goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Sends and receives events: waits for `hello`, sends `resume` and waits for `resumed`,
    /// so live events flow at once.
    Live,
    /// Only held open: waits for `hello`; small buffers, since there may be tens of thousands.
    Idle,
}

/// Opens a gateway connection as the owner of `token`, ready for `purpose`.
pub async fn open(server: &Server, token: &str, purpose: Purpose) -> anyhow::Result<Socket> {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake(server, token, purpose)).await {
        Ok(result) => result,
        Err(_) => Err(anyhow!(
            "the gateway at {} did not finish a handshake in {} s",
            server.ws_url(),
            HANDSHAKE_TIMEOUT.as_secs()
        )),
    }
}

async fn handshake(server: &Server, token: &str, purpose: Purpose) -> anyhow::Result<Socket> {
    let url = session_url(server.next_gateway(), token).context("bad gateway URL")?;
    let config = match purpose {
        Purpose::Live => WebSocketConfig::default().read_buffer_size(32 * 1024),
        Purpose::Idle => WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .write_buffer_size(0),
    };
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true)
        .await
        .map_err(|err| connect_error(server, err))?;
    match next_text(&mut socket).await? {
        text if matches!(serde_json::from_str(&text), Ok(ControlFrame::Hello { .. })) => {}
        text => return Err(anyhow!("expected hello from the gateway, got {}", clip(&text))),
    }
    if purpose == Purpose::Live {
        socket
            .send(encode(&ClientFrame::Resume {
                positions: BTreeMap::new(),
            })?)
            .await
            .context("cannot send resume")?;
        while probe(&next_text(&mut socket).await?).kind != Kind::Resumed {}
    }
    Ok(socket)
}

/// The next text frame, or why there is none.
async fn next_text(socket: &mut Socket) -> anyhow::Result<String> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(Message::Close(frame))) => return Err(ClosedByServer::from_frame(frame.as_ref()).into()),
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(anyhow::Error::new(err).context("the gateway connection failed")),
            None => return Err(ClosedByServer::without_frame().into()),
        }
    }
}

/// A connection failure, with a plain word for running out of file descriptors.
pub fn connect_error(server: &Server, err: WsError) -> anyhow::Error {
    if let WsError::Io(io) = &err
        && matches!(io.raw_os_error(), Some(23 | 24))
    {
        return anyhow!(
            "out of file descriptors ({io}): each connection needs one here and one in the server; \
             raise `ulimit -n` (e.g. `ulimit -n 65536`) in this shell and in the server's"
        );
    }
    anyhow::Error::new(err).context(format!("cannot open a WebSocket to {}", server.ws_url()))
}

/// A client frame as a WebSocket text message.
pub fn encode(frame: &ClientFrame) -> anyhow::Result<Message> {
    Ok(Message::text(
        serde_json::to_string(frame).context("cannot encode a frame")?,
    ))
}

/// A `message.send` frame.
pub fn message_send(channel_id: &ChannelId, content: String, client_id: String) -> anyhow::Result<Message> {
    encode(&ClientFrame::MessageSend {
        channel_id: channel_id.clone(),
        content,
        client_id: ClientId::from(client_id),
        parent_id: None,
        file_ids: Vec::new(),
    })
}

/// The server closed a connection (or it dropped); says which limit to lift when the close
/// code names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedByServer {
    /// The close code, when the server sent one.
    pub code: Option<u16>,
    /// The close reason.
    pub reason: String,
}

impl ClosedByServer {
    /// From a received close frame.
    pub fn from_frame(frame: Option<&CloseFrame>) -> ClosedByServer {
        ClosedByServer {
            code: frame.map(|frame| u16::from(frame.code)),
            reason: frame.map(|frame| frame.reason.as_str().to_owned()).unwrap_or_default(),
        }
    }

    /// The connection ended without a close frame.
    pub fn without_frame() -> ClosedByServer {
        ClosedByServer {
            code: None,
            reason: "the connection dropped".to_owned(),
        }
    }

    /// From a read error.
    pub fn from_error(err: &WsError) -> ClosedByServer {
        ClosedByServer {
            code: None,
            reason: err.to_string(),
        }
    }
}

impl fmt::Display for ClosedByServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "the server closed a WebSocket with {code} ({})", self.reason)?,
            None => write!(f, "a WebSocket closed: {}", self.reason)?,
        }
        if let Some(hint) = self.code.and_then(close_hint) {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClosedByServer {}

/// What to change when the server closes with `code`.
pub fn close_hint(code: u16) -> Option<&'static str> {
    match code {
        close_code::TOO_MANY_CONNECTIONS => Some(
            "the server refused a connection as one too many: start it with \
             HUB_GATEWAY__MAX_CONNECTIONS_PER_USER (and HUB_GATEWAY__MAX_CONNECTIONS) raised",
        ),
        close_code::TOO_SLOW => Some(
            "the server dropped a connection whose outgoing queue filled up: this load generator read too \
             slowly, or the server's task for that connection fell behind (fewer members or senders, or a \
             larger HUB_GATEWAY__OUTGOING_QUEUE_FRAMES on the server)",
        ),
        close_code::UNAUTHORIZED => Some("the server refused the access token"),
        close_code::IDLE_TIMEOUT => Some("the server heard nothing for HUB_GATEWAY__IDLE_TIMEOUT_SECS"),
        close_code::GOING_AWAY => Some("the server is shutting down"),
        _ => None,
    }
}

/// What to change when the server answers with the error `code`.
pub fn error_hint(code: &str) -> Option<&'static str> {
    match code {
        "rate_limited" => Some(
            "the server limits frames per user: start it with HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 \
             and HUB_GATEWAY__MESSAGES_BURST=1000000",
        ),
        _ => None,
    }
}

/// Error codes and how often each came, for a report line with hints.
#[derive(Debug, Clone, Default)]
pub struct ErrorCounts(BTreeMap<String, u64>);

impl ErrorCounts {
    /// Counts one `code`.
    pub fn add(&mut self, code: &str) {
        *self.0.entry(code.to_owned()).or_default() += 1;
    }

    /// Adds `other`'s counts.
    pub fn merge(&mut self, other: &ErrorCounts) {
        for (code, count) in &other.0 {
            *self.0.entry(code.clone()).or_default() += count;
        }
    }

    /// Prints `errors: code ×n, ...` and a hint per code that has one; nothing when empty.
    pub fn print(&self) {
        if self.0.is_empty() {
            return;
        }
        let list: Vec<String> = self.0.iter().map(|(code, count)| format!("{code} x{count}")).collect();
        println!("errors:         {}", list.join(", "));
        for hint in self.0.keys().filter_map(|code| error_hint(code)) {
            println!("hint:           {hint}");
        }
    }
}

/// The start of a frame, for an error message.
fn clip(text: &str) -> String {
    let mut end = text.len().min(200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_that_name_a_limit_have_a_hint() {
        let closed = ClosedByServer {
            code: Some(close_code::TOO_MANY_CONNECTIONS),
            reason: "too many connections for this user".to_owned(),
        };
        let text = closed.to_string();
        assert!(
            text.contains("4009") && text.contains("HUB_GATEWAY__MAX_CONNECTIONS_PER_USER"),
            "{text}"
        );
        assert!(close_hint(1000).is_none());
    }
}
