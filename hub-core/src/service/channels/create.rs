//! `create_channel`: a public, private or voice channel, its creator as owner.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};
use crate::model::{ChannelId, ChannelKind, ChannelRole};
use crate::protocol::v1::{ChannelEvent, ChannelView, CreateChannelRequest, MyChannelView};
use crate::rules::channels::{validate_channel_name, validate_channel_text};
use crate::service::{Caller, Hub, now};
use crate::store::NewChannel;

/// A fresh join code: 72 random bits, URL-safe.
pub(super) fn new_join_code() -> Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(crate::auth::random_bytes::<9>()?))
}

impl Hub {
    /// Creates a channel owned by the caller and returns it as one of theirs.
    pub async fn create_channel(&self, caller: &Caller, request: CreateChannelRequest) -> Result<MyChannelView> {
        if request.kind == ChannelKind::Dm {
            return Err(Error::invalid(
                "kind",
                "direct conversations are opened with POST /api/v1/dms",
            ));
        }
        let name = validate_channel_name(&request.name)?;
        let description = validate_channel_text("description", request.description.as_deref().unwrap_or_default())?;
        let topic = validate_channel_text("topic", request.topic.as_deref().unwrap_or_default())?;
        let new = NewChannel {
            id: ChannelId::generate(),
            name,
            kind: request.kind,
            description,
            topic,
            created_by: caller.user.id.clone(),
            created_at: now(),
            join_code: if request.kind == ChannelKind::Private {
                Some(new_join_code()?)
            } else {
                None
            },
            dm_key: None,
        };
        let (channel, event) = self
            .inner
            .store
            .create_channel(&new, &[(caller.user.id.clone(), ChannelRole::Owner)], |channel| {
                ChannelEvent::ChannelCreated {
                    channel: ChannelView::from(channel),
                }
            })
            .await?;
        self.publish(event);
        self.my_channel(caller, &channel.id).await
    }
}
