//! Messages, threads, versions, mentions, reactions and saved messages.

use hub_core::Result;
use hub_core::model::{ChannelId, MessageId, ReactionChange};
use hub_core::protocol::v1::{
    CreateReactionRequest, EditMessageRequest, ErrorBody, MentionView, MessageVersionView, MessageView, Page,
    ReactionUsersView, ReactionView, SavedView, SendMessageRequest, ThreadView,
};
use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /channels/{id}/messages`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// Messages before this one, newest first.
    #[serde(default)]
    before: Option<MessageId>,
    /// Messages after this one, oldest first.
    #[serde(default)]
    after: Option<MessageId>,
}

/// Query of `GET /messages/{id}/thread`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// Replies after this one.
    #[serde(default)]
    after: Option<MessageId>,
}

/// Query of `GET /mentions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentionsQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// Mentions older than this message.
    #[serde(default)]
    before: Option<MessageId>,
    /// Only mentions after the read marker.
    #[serde(default)]
    unread_only: Option<bool>,
}

/// Query of `GET /users/me/saved`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SavedQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

fn message_id(request: &ApiRequest) -> Result<MessageId> {
    request.id("id")
}

/// A page of a channel's top-level messages: newest first, or oldest first with `after`.
#[utoipa::path(get, path = "/api/v1/channels/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), HistoryQuery),
    responses((status = 200, body = Page<MessageView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn history(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: HistoryQuery = request.query()?;
    let before = query.before;
    let after = query.after;
    let page = state
        .hub
        .history(
            &caller,
            &request.id::<ChannelId>("id")?,
            before.as_ref(),
            after.as_ref(),
            query.limit,
        )
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Send a message: 201 when stored, 200 when `client_id` repeats an earlier send.
#[utoipa::path(post, path = "/api/v1/channels/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = SendMessageRequest,
    responses((status = 201, body = MessageView), (status = 200, description = "A retry: the first message", body = MessageView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: SendMessageRequest = request.json()?;
    let (message, created) = state
        .hub
        .send_message(&caller, &request.id::<ChannelId>("id")?, body)
        .await?;
    ApiResponse::json(if created { StatusCode::CREATED } else { StatusCode::OK }, &message)
}

/// One message.
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody)))]
pub async fn get(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.message(&caller, &message_id(&request)?).await?)
}

/// Edit a message (its author); the earlier text is kept as a version.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")), request_body = EditMessageRequest,
    responses((status = 200, body = MessageView), (status = 403, body = ErrorBody), (status = 409, description = "Deleted", body = ErrorBody)))]
pub async fn edit(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: EditMessageRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .edit_message(&caller, &message_id(&request)?, body.content)
            .await?,
    )
}

/// Delete a message (author, channel admin, site admin); a tombstone keeps its place.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id"), super::ReasonQuery),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    let reason = query.reason.unwrap_or_default();
    state
        .hub
        .delete_message(&caller, &message_id(&request)?, &reason)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Every version of a message, oldest first; the last is current.
#[utoipa::path(get, path = "/api/v1/messages/{id}/history", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = Page<MessageVersionView>), (status = 404, body = ErrorBody)))]
pub async fn versions(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let items = state.hub.message_versions(&caller, &message_id(&request)?).await?;
    ApiResponse::ok(&Page::whole(items))
}

/// A thread: its first message and replies, oldest first.
#[utoipa::path(get, path = "/api/v1/messages/{id}/thread", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "The thread's first message"), ThreadQuery),
    responses((status = 200, body = ThreadView), (status = 404, body = ErrorBody)))]
pub async fn thread(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: ThreadQuery = request.query()?;
    let after = query.after;
    ApiResponse::ok(
        &state
            .hub
            .thread(&caller, &message_id(&request)?, after.as_ref(), query.limit)
            .await?,
    )
}

/// The caller's mentions, newest first, with read state.
#[utoipa::path(get, path = "/api/v1/mentions", tag = "messages", security(("bearer" = [])), params(MentionsQuery),
    responses((status = 200, body = Page<MentionView>)))]
pub async fn mentions(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: MentionsQuery = request.query()?;
    let before = query.before;
    let page = state
        .hub
        .mentions(
            &caller,
            before.as_ref(),
            query.unread_only.unwrap_or(false),
            query.limit,
        )
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Who reacted to a message, reaction by reaction.
#[utoipa::path(get, path = "/api/v1/messages/{id}/reactions", tag = "reactions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = Page<ReactionUsersView>), (status = 404, body = ErrorBody)))]
pub async fn reactions(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let items = state.hub.message_reactions(&caller, &message_id(&request)?).await?;
    ApiResponse::ok(&Page::whole(items))
}

/// React (idempotent); `emoji` is a catalog code or a system reaction's glyph.
#[utoipa::path(put, path = "/api/v1/messages/{id}/reactions/{emoji}", tag = "reactions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id"), ("emoji" = String, Path, description = "Code or glyph")),
    responses((status = 204, description = "Reacted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn react(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .change_reaction(
            &caller,
            &message_id(&request)?,
            request.param("emoji")?,
            ReactionChange::Add,
        )
        .await?;
    Ok(ApiResponse::no_content())
}

/// Take a reaction back (idempotent).
#[utoipa::path(delete, path = "/api/v1/messages/{id}/reactions/{emoji}", tag = "reactions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id"), ("emoji" = String, Path, description = "Code or glyph")),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody)))]
pub async fn unreact(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .change_reaction(
            &caller,
            &message_id(&request)?,
            request.param("emoji")?,
            ReactionChange::Remove,
        )
        .await?;
    Ok(ApiResponse::no_content())
}

/// The reaction catalog: system reactions and custom ones.
#[utoipa::path(get, path = "/api/v1/reactions", tag = "reactions", security(("bearer" = [])),
    responses((status = 200, body = Page<ReactionView>)))]
pub async fn catalog(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    request.caller(&state).await?;
    let items = state.hub.reaction_catalog().await?;
    ApiResponse::ok(&Page::whole(items))
}

/// Add a custom reaction (site admins).
#[utoipa::path(post, path = "/api/v1/reactions", tag = "reactions", security(("bearer" = [])),
    request_body = CreateReactionRequest,
    responses((status = 201, body = ReactionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_reaction(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let reaction = state.hub.create_reaction(&caller, request.json()?).await?;
    ApiResponse::json(StatusCode::CREATED, &reaction)
}

/// The caller's saved messages, newest save first.
#[utoipa::path(get, path = "/api/v1/users/me/saved", tag = "messages", security(("bearer" = [])), params(SavedQuery),
    responses((status = 200, body = Page<SavedView>)))]
pub async fn saved(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: SavedQuery = request.query()?;
    let page = state
        .hub
        .saved_messages(&caller, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Save a message for later (only the caller sees it).
#[utoipa::path(put, path = "/api/v1/users/me/saved/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = String, Path, description = "Message id")),
    responses((status = 204, description = "Saved"), (status = 404, body = ErrorBody)))]
pub async fn save(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .save_message(&caller, &request.id::<MessageId>("message_id")?)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Forget a saved message.
#[utoipa::path(delete, path = "/api/v1/users/me/saved/{message_id}", tag = "messages", security(("bearer" = [])),
    params(("message_id" = String, Path, description = "Message id")),
    responses((status = 204, description = "Forgotten")))]
pub async fn unsave(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .unsave_message(&caller, &request.id::<MessageId>("message_id")?)
        .await?;
    Ok(ApiResponse::no_content())
}
