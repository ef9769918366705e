//! Writing to one socket: frames are fed into the socket's buffer and flushed in batches, and a
//! peer that stops reading (the socket stays full for `gateway.write_timeout_ms`) is a failed
//! write, never a task that waits forever.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use hub_core::Error;
use hub_core::protocol::v1::ControlFrame;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

/// Why a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WriteFailure {
    /// The peer stopped reading: the socket stayed full for the whole write timeout.
    TimedOut,
    /// The socket is gone.
    Closed,
    /// Not a failure: the server decided to close with this code.
    CloseWith(u16),
}

/// The sending half of a socket.
pub(super) struct Writer<W> {
    sink: W,
    timeout: Duration,
}

impl<W> Writer<W>
where
    W: Sink<Message, Error = WsError> + Unpin,
{
    /// A writer whose writes fail once the socket has stayed full for `timeout`.
    pub(super) fn new(sink: W, timeout: Duration) -> Writer<W> {
        Writer { sink, timeout }
    }

    /// Queues a message for the next flush.
    pub(super) async fn feed(&mut self, message: Message) -> Result<(), WriteFailure> {
        // The sink is ready at once unless the socket's buffer is full; only then is a timer
        // set (reading the clock for every frame was 2% of a flood's CPU).
        let ready = match poll_once(|cx| Pin::new(&mut self.sink).poll_ready(cx)).await {
            Poll::Ready(ready) => ready,
            Poll::Pending => {
                let becomes_ready = std::future::poll_fn(|cx| Pin::new(&mut self.sink).poll_ready(cx));
                tokio::time::timeout(self.timeout, becomes_ready)
                    .await
                    .map_err(|_| WriteFailure::TimedOut)?
            }
        };
        ready
            .and_then(|()| Pin::new(&mut self.sink).start_send(message))
            .map_err(|_| WriteFailure::Closed)
    }

    /// Queues a frame that is already JSON text.
    pub(super) async fn feed_text(&mut self, text: impl Into<Utf8Bytes>) -> Result<(), WriteFailure> {
        self.feed(Message::Text(text.into())).await
    }

    /// Sends what the socket's buffer holds.
    pub(super) async fn flush(&mut self) -> Result<(), WriteFailure> {
        match tokio::time::timeout(self.timeout, self.sink.flush()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(WriteFailure::Closed),
            Err(_) => Err(WriteFailure::TimedOut),
        }
    }

    /// Writes one control frame and flushes.
    pub(super) async fn send_control(&mut self, frame: &ControlFrame) -> Result<(), WriteFailure> {
        let Some(text) = frame.to_json() else {
            return Ok(());
        };
        self.feed_text(text).await?;
        self.flush().await
    }

    /// Sends a close frame (giving up after a second).
    pub(super) async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from(reason),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.send(Message::Close(Some(frame)))).await;
    }
}

/// The `error` frame that answers a frame that failed; `reference` names the frame (its
/// `client_id`, or its type).
pub(super) fn error_frame(err: &Error, reference: Option<String>) -> ControlFrame {
    ControlFrame::Error {
        code: err.kind.code().to_owned(),
        message: err.message.clone(),
        r#ref: reference,
        retry_after_ms: err
            .retry_after
            .map(|delay| u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// Polls `poll` once (registering the task's waker when it is pending) and says what it got.
async fn poll_once<T>(mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>) -> Poll<T> {
    std::future::poll_fn(|cx| Poll::Ready(poll(cx))).await
}
