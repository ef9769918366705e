//! Chat requests: asking someone whose availability is `requests` for a direct conversation.
//! The recipient accepts (which opens the conversation), declines (the sender waits out
//! `safety.chat_request_cooldown_secs` before asking again) or the sender cancels. Both sides
//! hear each step live (`chat_request.created|accepted|declined|cancelled`).

mod decide;
mod list;
mod send;

use crate::events::BusMessage;
use crate::model::ChatRequest;
use crate::protocol::v1::{ChatRequestView, ControlFrame};
use crate::service::Hub;

impl Hub {
    /// Tells both sides of `request` what happened to it.
    fn announce_chat_request(&self, request: &ChatRequest) {
        let view = ChatRequestView::from(request);
        let frame = match request.status {
            crate::model::ChatRequestStatus::Pending => ControlFrame::ChatRequestCreated { request: view },
            crate::model::ChatRequestStatus::Accepted => ControlFrame::ChatRequestAccepted { request: view },
            crate::model::ChatRequestStatus::Declined => ControlFrame::ChatRequestDeclined { request: view },
            crate::model::ChatRequestStatus::Cancelled => ControlFrame::ChatRequestCancelled { request: view },
        };
        if let Some(frame) = frame.to_json() {
            self.inner.bus.publish(BusMessage::ToUsers {
                user_ids: vec![request.from_user_id.clone(), request.to_user_id.clone()],
                except_connection: None,
                frame,
            });
        }
    }
}
