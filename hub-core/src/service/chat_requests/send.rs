//! `send_chat_request`: ask someone for a direct conversation.

use chrono::Duration;

use crate::error::{Error, Result};
use crate::model::{ChatRequest, ChatRequestId, ChatRequestStatus};
use crate::protocol::v1::{ChatRequestView, CreateChatRequestRequest};
use crate::rules::channels::dm_key;
use crate::rules::safety::{RequestFacts, check_chat_request, pair_key};
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Sends a chat request. Refused: to yourself, to someone blocked either way (`blocked`),
    /// whose availability is `closed` (`chat_closed`), with whom the caller already shares a
    /// conversation or has a pending request (409), or within the cool-down after a decline (429).
    pub async fn send_chat_request(
        &self,
        caller: &Caller,
        request: CreateChatRequestRequest,
    ) -> Result<ChatRequestView> {
        self.charge_action(caller).await?;
        let to = &request.to_user_id;
        if to == &caller.user.id {
            return Err(Error::invalid("to_user_id", "you cannot ask yourself"));
        }
        let recipient = self.active_user(to).await?;
        let safety = &self.inner.config.safety;
        let message = request.message.unwrap_or_default().trim().to_owned();
        if message.chars().count() > safety.max_chat_request_message_length {
            let max = safety.max_chat_request_message_length;
            return Err(
                Error::invalid("message", format!("a request's note may be at most {max} characters"))
                    .with_details(serde_json::json!({ "max_length": max })),
            );
        }
        let store = &self.inner.store;
        let pair = vec![caller.user.id.clone(), to.clone()];
        let facts = RequestFacts {
            availability: recipient.chat_availability,
            blocked: store.blocked_either_way(&caller.user.id, to).await?,
            already_talking: store.channel_by_dm_key(&dm_key(&pair)).await?.is_some(),
            last_declined: store.last_declined(&caller.user.id, to).await?,
        };
        let cooldown = Duration::seconds(i64::try_from(safety.chat_request_cooldown_secs).unwrap_or(i64::MAX / 2));
        check_chat_request(facts, cooldown, now())?;
        let request = ChatRequest {
            id: ChatRequestId::generate(),
            from_user_id: caller.user.id.clone(),
            to_user_id: to.clone(),
            pair_key: pair_key(&caller.user.id, to),
            message,
            status: ChatRequestStatus::Pending,
            channel_id: None,
            created_at: now(),
            decided_at: None,
        };
        store.insert_chat_request(&request).await?;
        self.announce_chat_request(&request);
        Ok(ChatRequestView::from(&request))
    }
}
