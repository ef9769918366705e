//! `typing`: a member says they are typing in a channel; the others hear it, at most once per
//! `gateway.typing_throttle_ms` for each person and channel.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::events::BusMessage;
use crate::model::{ChannelId, UserId};
use crate::protocol::v1::ControlFrame;
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

/// When each person last said they were typing in each channel.
#[derive(Debug, Default)]
pub(crate) struct TypingThrottle {
    last: Mutex<HashMap<(UserId, ChannelId), Instant>>,
}

impl TypingThrottle {
    /// Whether a typing notice of `user` in `channel` goes out now (at most one per `throttle`).
    fn due(&self, user: &UserId, channel: &ChannelId, throttle: Duration, now: Instant) -> bool {
        let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (user.clone(), channel.clone());
        match last.get(&key) {
            Some(at) if now.duration_since(*at) < throttle => false,
            _ => {
                last.retain(|_, at| now.duration_since(*at) < throttle);
                last.insert(key, now);
                true
            }
        }
    }
}

impl Hub {
    /// Tells the channel's other members that the caller is typing (members who may post).
    /// A notice within the throttle interval of the last one is dropped quietly.
    pub async fn typing(&self, caller: &Caller, channel: &ChannelId) -> Result<()> {
        self.charge_action(caller).await?;
        let settings = &self.inner.config.gateway;
        let throttle = Duration::from_millis(settings.typing_throttle_ms);
        if !self
            .inner
            .typing
            .due(&caller.user.id, channel, throttle, Instant::now())
        {
            return Ok(());
        }
        let context = self.channel_context(caller, channel).await?;
        permissions::check_post(context.facts, context.viewer, now())?;
        let frame = ControlFrame::Typing {
            channel_id: channel.clone(),
            user_id: caller.user.id.clone(),
            expires_in_ms: settings.typing_expiry_ms,
        };
        if let Some(frame) = frame.to_json() {
            self.inner.bus.publish(BusMessage::ToChannel {
                channel_id: channel.clone(),
                except_user: Some(caller.user.id.clone()),
                frame,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_notice_per_person_and_channel_per_interval() {
        let throttle = TypingThrottle::default();
        let (alice, bob) = (UserId::from_string("alice"), UserId::from_string("bob"));
        let general = ChannelId::from_string("general");
        let interval = Duration::from_secs(3);
        let start = Instant::now();
        assert!(throttle.due(&alice, &general, interval, start));
        assert!(!throttle.due(&alice, &general, interval, start + Duration::from_secs(1)));
        assert!(throttle.due(&bob, &general, interval, start + Duration::from_secs(1)));
        assert!(throttle.due(&alice, &ChannelId::from_string("dev"), interval, start));
        assert!(throttle.due(&alice, &general, interval, start + interval));
    }
}
