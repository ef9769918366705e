//! [`Client`] calls for chat: channels, membership, direct messages, messages, threads, mentions,
//! read markers, reactions and pins.

use reqwest::Method;

use super::params::reason_pair;
use super::{Client, HistoryParams, MentionsParams, PageParams, Result};
use crate::model::{ChannelId, ChannelRole, MessageId, NotifyLevel, UserId};
use crate::protocol::v1::{
    AddMemberRequest, ChannelView, CreateChannelRequest, CreateDmRequest, EditMessageRequest, JoinChannelRequest,
    JoinCodeView, MemberView, MentionView, MessageVersionView, MessageView, MyChannelView, NotifyRequest, Page,
    PinView, ReactionUsersView, ReactionView, ReadRequest, SendMessageRequest, SetRoleRequest, ThreadView,
    UpdateChannelRequest,
};

impl Client {
    /// `GET /channels?q=`: public and voice channels whose name contains `name` (all without).
    pub async fn list_channels(&self, name: Option<&str>, page: &PageParams) -> Result<Page<ChannelView>> {
        let mut pairs: Vec<_> = name.map(|name| ("q", name.to_owned())).into_iter().collect();
        pairs.extend(page.pairs());
        self.fetch(self.request(Method::GET, &["channels"], &pairs)).await
    }

    /// `GET /channels/mine`: the caller's channels, most recent first, with unread counts.
    pub async fn my_channels(&self) -> Result<Page<MyChannelView>> {
        self.fetch(self.request(Method::GET, &["channels", "mine"], &[])).await
    }

    /// `POST /channels`: the caller becomes its owner.
    pub async fn create_channel(&self, request: &CreateChannelRequest) -> Result<MyChannelView> {
        self.fetch(self.request(Method::POST, &["channels"], &[]).json(request))
            .await
    }

    /// `GET /channels/{id}`.
    pub async fn channel(&self, channel_id: &ChannelId) -> Result<ChannelView> {
        self.fetch(self.request(Method::GET, &["channels", channel_id.as_str()], &[]))
            .await
    }

    /// `PATCH /channels/{id}`: name, description, topic (channel admins).
    pub async fn update_channel(&self, channel_id: &ChannelId, request: &UpdateChannelRequest) -> Result<ChannelView> {
        self.fetch(
            self.request(Method::PATCH, &["channels", channel_id.as_str()], &[])
                .json(request),
        )
        .await
    }

    /// `DELETE /channels/{id}`: archive (owners, site admins), with a reason for the audit log.
    pub async fn archive_channel(&self, channel_id: &ChannelId, reason: Option<&str>) -> Result<()> {
        self.execute(self.request(Method::DELETE, &["channels", channel_id.as_str()], &reason_pair(reason)))
            .await
    }

    /// `POST /channels/{id}/join`; private channels need their `join_code`.
    pub async fn join_channel(&self, channel_id: &ChannelId, join_code: Option<&str>) -> Result<MyChannelView> {
        let body = JoinChannelRequest {
            join_code: join_code.map(str::to_owned),
        };
        self.fetch(
            self.request(Method::POST, &["channels", channel_id.as_str(), "join"], &[])
                .json(&body),
        )
        .await
    }

    /// `POST /channels/{id}/leave`.
    pub async fn leave_channel(&self, channel_id: &ChannelId) -> Result<()> {
        self.execute(self.request(Method::POST, &["channels", channel_id.as_str(), "leave"], &[]))
            .await
    }

    /// `POST /channels/{id}/join-code`: a new code for a private channel (the old one stops working).
    pub async fn rotate_join_code(&self, channel_id: &ChannelId) -> Result<JoinCodeView> {
        self.fetch(self.request(Method::POST, &["channels", channel_id.as_str(), "join-code"], &[]))
            .await
    }

    /// `GET /channels/{id}/members`.
    pub async fn channel_members(&self, channel_id: &ChannelId, page: &PageParams) -> Result<Page<MemberView>> {
        self.fetch(self.request(
            Method::GET,
            &["channels", channel_id.as_str(), "members"],
            &page.pairs(),
        ))
        .await
    }

    /// `POST /channels/{id}/members`: add someone.
    pub async fn add_member(&self, channel_id: &ChannelId, user_id: &UserId) -> Result<MemberView> {
        let body = AddMemberRequest {
            user_id: user_id.clone(),
        };
        self.fetch(
            self.request(Method::POST, &["channels", channel_id.as_str(), "members"], &[])
                .json(&body),
        )
        .await
    }

    /// `DELETE /channels/{id}/members/{user_id}`: kick, with a reason for the audit log.
    pub async fn kick_member(&self, channel_id: &ChannelId, user_id: &UserId, reason: Option<&str>) -> Result<()> {
        self.execute(self.request(
            Method::DELETE,
            &["channels", channel_id.as_str(), "members", user_id.as_str()],
            &reason_pair(reason),
        ))
        .await
    }

    /// `PUT /channels/{id}/members/{user_id}/role` (owners).
    pub async fn set_member_role(
        &self,
        channel_id: &ChannelId,
        user_id: &UserId,
        role: ChannelRole,
    ) -> Result<MemberView> {
        let body = SetRoleRequest { role };
        let path = ["channels", channel_id.as_str(), "members", user_id.as_str(), "role"];
        self.fetch(self.request(Method::PUT, &path, &[]).json(&body)).await
    }

    /// `PUT /channels/{id}/notifications`: `all`, `mentions` or `nothing` (muted).
    pub async fn set_notifications(&self, channel_id: &ChannelId, level: NotifyLevel) -> Result<MyChannelView> {
        let body = NotifyRequest { level };
        self.fetch(
            self.request(Method::PUT, &["channels", channel_id.as_str(), "notifications"], &[])
                .json(&body),
        )
        .await
    }

    /// `POST /dms`: the one conversation of the caller and exactly `user_ids`.
    pub async fn open_dm(&self, user_ids: &[UserId]) -> Result<MyChannelView> {
        let body = CreateDmRequest {
            user_ids: user_ids.to_vec(),
        };
        self.fetch(self.request(Method::POST, &["dms"], &[]).json(&body)).await
    }

    /// `GET /channels/{id}/messages`: top-level messages, newest first (oldest first with `after`).
    pub async fn history(&self, channel_id: &ChannelId, params: &HistoryParams) -> Result<Page<MessageView>> {
        self.fetch(self.request(
            Method::GET,
            &["channels", channel_id.as_str(), "messages"],
            &params.pairs(),
        ))
        .await
    }

    /// `POST /channels/{id}/messages`; sending the same `client_id` again returns the first message.
    pub async fn send_message(&self, channel_id: &ChannelId, request: &SendMessageRequest) -> Result<MessageView> {
        self.fetch(
            self.request(Method::POST, &["channels", channel_id.as_str(), "messages"], &[])
                .json(request),
        )
        .await
    }

    /// `GET /messages/{id}`.
    pub async fn message(&self, message_id: &MessageId) -> Result<MessageView> {
        self.fetch(self.request(Method::GET, &["messages", message_id.as_str()], &[]))
            .await
    }

    /// `PATCH /messages/{id}`: new text (the author).
    pub async fn edit_message(&self, message_id: &MessageId, content: &str) -> Result<MessageView> {
        let body = EditMessageRequest {
            content: content.to_owned(),
        };
        self.fetch(
            self.request(Method::PATCH, &["messages", message_id.as_str()], &[])
                .json(&body),
        )
        .await
    }

    /// `DELETE /messages/{id}`: leaves a tombstone; `reason` goes in the audit log when a
    /// moderator deletes someone else's message.
    pub async fn delete_message(&self, message_id: &MessageId, reason: Option<&str>) -> Result<()> {
        self.execute(self.request(Method::DELETE, &["messages", message_id.as_str()], &reason_pair(reason)))
            .await
    }

    /// `GET /messages/{id}/history`: every version of a message, oldest first.
    pub async fn message_versions(&self, message_id: &MessageId) -> Result<Page<MessageVersionView>> {
        self.fetch(self.request(Method::GET, &["messages", message_id.as_str(), "history"], &[]))
            .await
    }

    /// `GET /messages/{id}/thread`: the first message and its replies after `after`, oldest first.
    pub async fn thread(&self, message_id: &MessageId, after: Option<&str>, limit: Option<u32>) -> Result<ThreadView> {
        let params = HistoryParams {
            before: None,
            after: after.map(str::to_owned),
            limit,
        };
        self.fetch(self.request(
            Method::GET,
            &["messages", message_id.as_str(), "thread"],
            &params.pairs(),
        ))
        .await
    }

    /// `GET /mentions`: the caller's mentions with their read state.
    pub async fn mentions(&self, params: &MentionsParams) -> Result<Page<MentionView>> {
        self.fetch(self.request(Method::GET, &["mentions"], &params.pairs()))
            .await
    }

    /// `POST /channels/{id}/read`: moves the read marker to `message_id`.
    pub async fn mark_read(&self, channel_id: &ChannelId, message_id: &MessageId) -> Result<()> {
        let body = ReadRequest {
            message_id: message_id.clone(),
        };
        self.execute(
            self.request(Method::POST, &["channels", channel_id.as_str(), "read"], &[])
                .json(&body),
        )
        .await
    }

    /// `GET /messages/{id}/reactions`: who reacted with what.
    pub async fn reactions(&self, message_id: &MessageId) -> Result<Page<ReactionUsersView>> {
        self.fetch(self.request(Method::GET, &["messages", message_id.as_str(), "reactions"], &[]))
            .await
    }

    /// `PUT /messages/{id}/reactions/{emoji}`: react (a code like `thumbsup`, or the glyph).
    pub async fn add_reaction(&self, message_id: &MessageId, emoji: &str) -> Result<()> {
        self.execute(self.request(Method::PUT, &["messages", message_id.as_str(), "reactions", emoji], &[]))
            .await
    }

    /// `DELETE /messages/{id}/reactions/{emoji}`: take a reaction back.
    pub async fn remove_reaction(&self, message_id: &MessageId, emoji: &str) -> Result<()> {
        self.execute(self.request(
            Method::DELETE,
            &["messages", message_id.as_str(), "reactions", emoji],
            &[],
        ))
        .await
    }

    /// `GET /reactions`: the reaction catalog.
    pub async fn reaction_catalog(&self) -> Result<Page<ReactionView>> {
        self.fetch(self.request(Method::GET, &["reactions"], &[])).await
    }

    /// `GET /channels/{id}/pins`.
    pub async fn pins(&self, channel_id: &ChannelId) -> Result<Page<PinView>> {
        self.fetch(self.request(Method::GET, &["channels", channel_id.as_str(), "pins"], &[]))
            .await
    }

    /// `PUT /channels/{id}/pins/{message_id}` (channel admins; anyone in a DM).
    pub async fn pin(&self, channel_id: &ChannelId, message_id: &MessageId) -> Result<PinView> {
        self.fetch(self.request(
            Method::PUT,
            &["channels", channel_id.as_str(), "pins", message_id.as_str()],
            &[],
        ))
        .await
    }

    /// `DELETE /channels/{id}/pins/{message_id}`.
    pub async fn unpin(&self, channel_id: &ChannelId, message_id: &MessageId) -> Result<()> {
        self.execute(self.request(
            Method::DELETE,
            &["channels", channel_id.as_str(), "pins", message_id.as_str()],
            &[],
        ))
        .await
    }
}
