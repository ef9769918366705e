//! `message.send` over the gateway: a connection's sends are stored beside it, several at once
//! but in the order the client sent them, and each is answered (`ack` or `error`) in that order.
//! Storing is the same service call as `POST /channels/{id}/messages`, with the same checks,
//! limits and events.

use std::time::Duration;

use futures_util::stream::FuturesOrdered;
use futures_util::{Sink, StreamExt};
use hub_core::model::{ChannelId, ClientId};
use hub_core::protocol::v1::{ControlFrame, SendMessageRequest};
use hub_core::send_order::{SendLine, SendTurn};
use hub_core::service::Caller;
use hub_core::{Error, ErrorKind};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::Gateway;
use super::connection::Connection;
use super::registry::Outgoing;
use super::writer::{WriteFailure, error_frame};

/// Sends a connection may have waiting to be stored before it is told to slow down.
const MAX_PENDING_SENDS: usize = 256;

/// A `message.send` waiting for the connection's sender task.
pub(super) struct PendingSend {
    channel: ChannelId,
    request: SendMessageRequest,
    client_id: ClientId,
}

impl<W> Connection<W>
where
    W: Sink<Message, Error = WsError> + Unpin + Send,
{
    /// Queues a send for the connection's sender task (started on the first send); a client
    /// with too many sends waiting is told to wait for its acks.
    pub(super) async fn queue_send(
        &mut self,
        channel: ChannelId,
        content: String,
        client_id: ClientId,
        parent_id: Option<hub_core::model::MessageId>,
        file_ids: Vec<hub_core::model::FileId>,
    ) -> Result<(), WriteFailure> {
        let pending = PendingSend {
            channel,
            request: SendMessageRequest {
                content,
                client_id: Some(client_id.clone()),
                parent_id,
                file_ids,
            },
            client_id,
        };
        if self.sends.is_none() {
            let (sends, waiting) = mpsc::channel(MAX_PENDING_SENDS);
            self.sends_task = Some(tokio::spawn(store_sends(
                self.gateway.clone(),
                self.caller.clone(),
                waiting,
                self.own_queue.clone(),
            )));
            self.sends = Some(sends);
        }
        let Some(sends) = &self.sends else {
            return Ok(());
        };
        match sends.try_send(pending) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(send) | mpsc::error::TrySendError::Closed(send)) => {
                let mut err = Error::new(
                    ErrorKind::RateLimited,
                    "too many sends waiting to be stored; wait for acks",
                );
                err.retry_after = Some(Duration::from_millis(100));
                self.reply_error(&err, Some(send.client_id.to_string())).await
            }
        }
    }
}

/// Stores a connection's sends in the order the client sent them, and queues each `ack` (or
/// `error`) on the connection in that order. Up to `gateway.sends_in_flight` are under way at once
/// (their checks run together, and they share the writer's group commits), so one client's
/// throughput is not one database round trip per message. It runs beside the connection task
/// so that storing never stops the connection from writing what it is sent: otherwise a client
/// that sends and reads at full speed would see its own queue fill up and be closed as too slow.
async fn store_sends(
    gateway: Gateway,
    caller: Caller,
    mut pending: mpsc::Receiver<PendingSend>,
    answers: mpsc::Sender<Outgoing>,
) {
    let most_in_flight = gateway.hub().config().gateway.sends_in_flight.max(1);
    let mut line = SendLine::default();
    let mut in_flight = FuturesOrdered::new();
    let mut open = true;
    loop {
        tokio::select! {
            biased;
            Some(answer) = in_flight.next() => {
                if let Some(frame) = answer
                    && answers.send(Outgoing::Frame(frame)).await.is_err()
                {
                    break;
                }
            }
            send = pending.recv(), if open && in_flight.len() < most_in_flight => match send {
                Some(send) => in_flight.push_back(store_send(&gateway, &caller, send, line.next_turn())),
                None => open = false,
            },
            else => break,
        }
    }
}

/// Stores one send when its turn comes (and deliveries are not too far behind); the frame that
/// answers it.
async fn store_send(gateway: &Gateway, caller: &Caller, send: PendingSend, turn: SendTurn) -> Option<Utf8Bytes> {
    if gateway.backlog().is_over() {
        gateway.metrics().ws_sends_held.inc();
        gateway.backlog().wait_until_caught_up().await;
    }
    let answer = match gateway
        .hub()
        .send_message_in_turn(caller, &send.channel, send.request, turn)
        .await
    {
        Ok((message, _)) => ControlFrame::Ack {
            client_id: send.client_id,
            message,
        },
        Err(err) => error_frame(&err, Some(send.client_id.to_string())),
    };
    answer.to_json().map(Utf8Bytes::from)
}
