//! `/api/v1/users/me/mutes*`, `/api/v1/users/me/blocks*` and `/api/v1/chat-requests*`: mute and
//! block, and asking for a direct conversation.

use hub_core::Result;
use hub_core::model::{ChatRequestId, ChatRequestStatus, UserId};
use hub_core::protocol::v1::{ChatRequestView, CreateChatRequestRequest, ErrorBody, MyChannelView, Page, RelationView};
use hub_core::service::Relationship;
use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /chat-requests`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChatRequestsQuery {
    /// `incoming` (the default: sent to you) or `outgoing`.
    #[serde(default)]
    direction: Option<Direction>,
    /// Only `pending`, `accepted`, `declined` or `cancelled` ones.
    #[serde(default)]
    status: Option<ChatRequestStatus>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Which requests `GET /chat-requests` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Sent to you.
    Incoming,
    /// Sent by you.
    Outgoing,
}

async fn list(state: AppState, request: ApiRequest, kind: Relationship) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&Page::whole(state.hub.relationships(&caller, kind).await?))
}

async fn add(state: AppState, request: ApiRequest, kind: Relationship) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .add_relationship(&caller, kind, &request.id::<UserId>("user_id")?)
        .await?;
    Ok(ApiResponse::no_content())
}

async fn remove(state: AppState, request: ApiRequest, kind: Relationship) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .remove_relationship(&caller, kind, &request.id::<UserId>("user_id")?)
        .await?;
    Ok(ApiResponse::no_content())
}

/// The people you mute: you do not see their messages, typing or mentions. They are not told.
#[utoipa::path(get, path = "/api/v1/users/me/mutes", tag = "safety", security(("bearer" = [])),
    responses((status = 200, body = Page<RelationView>)))]
pub async fn mutes(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    list(state, request, Relationship::Mute).await
}

/// Mute someone (again: no change).
#[utoipa::path(put, path = "/api/v1/users/me/mutes/{user_id}", tag = "safety", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Whom to mute")),
    responses(
        (status = 204, description = "Muted"),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "Yourself, or past safety.max_mutes_and_blocks", body = ErrorBody),
    ))]
pub async fn mute(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    add(state, request, Relationship::Mute).await
}

/// Stop muting someone.
#[utoipa::path(delete, path = "/api/v1/users/me/mutes/{user_id}", tag = "safety", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Whom to unmute")),
    responses((status = 204, description = "Not muted")))]
pub async fn unmute(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    remove(state, request, Relationship::Mute).await
}

/// The people you block: everything a mute does, both ways, and neither of you can reach the other.
#[utoipa::path(get, path = "/api/v1/users/me/blocks", tag = "safety", security(("bearer" = [])),
    responses((status = 200, body = Page<RelationView>)))]
pub async fn blocks(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    list(state, request, Relationship::Block).await
}

/// Block someone (again: no change).
#[utoipa::path(put, path = "/api/v1/users/me/blocks/{user_id}", tag = "safety", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Whom to block")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "Yourself, or past safety.max_mutes_and_blocks", body = ErrorBody),
    ))]
pub async fn block(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    add(state, request, Relationship::Block).await
}

/// Stop blocking someone.
#[utoipa::path(delete, path = "/api/v1/users/me/blocks/{user_id}", tag = "safety", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Whom to unblock")),
    responses((status = 204, description = "Not blocked")))]
pub async fn unblock(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    remove(state, request, Relationship::Block).await
}

/// Your chat requests, newest first.
#[utoipa::path(get, path = "/api/v1/chat-requests", tag = "safety", security(("bearer" = [])), params(ChatRequestsQuery),
    responses((status = 200, body = Page<ChatRequestView>), (status = 422, body = ErrorBody)))]
pub async fn chat_requests(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: ChatRequestsQuery = request.query()?;
    let incoming = query.direction.unwrap_or(Direction::Incoming) == Direction::Incoming;
    let page = state
        .hub
        .chat_requests(&caller, incoming, query.status, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Ask someone for a direct conversation.
#[utoipa::path(post, path = "/api/v1/chat-requests", tag = "safety", security(("bearer" = [])),
    request_body = CreateChatRequestRequest,
    responses(
        (status = 201, body = ChatRequestView),
        (status = 403, description = "`blocked`, or `chat_closed`", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Already pending, or you already share a conversation", body = ErrorBody),
        (status = 422, description = "Yourself, or a note too long", body = ErrorBody),
        (status = 429, description = "They declined your last request recently", body = ErrorBody),
    ))]
pub async fn send_chat_request(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let sent = state.hub.send_chat_request(&caller, request.json()?).await?;
    ApiResponse::json(StatusCode::CREATED, &sent)
}

/// Accept a chat request sent to you: the direct conversation opens and is returned.
#[utoipa::path(post, path = "/api/v1/chat-requests/{id}/accept", tag = "safety", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chat request id")),
    responses(
        (status = 200, body = MyChannelView),
        (status = 403, description = "Not yours to answer, or `blocked`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "No longer pending", body = ErrorBody),
    ))]
pub async fn accept(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let conversation = state
        .hub
        .accept_chat_request(&caller, &request.id::<ChatRequestId>("id")?)
        .await?;
    ApiResponse::ok(&conversation)
}

/// Decline a chat request sent to you.
#[utoipa::path(post, path = "/api/v1/chat-requests/{id}/decline", tag = "safety", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chat request id")),
    responses((status = 200, body = ChatRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let declined = state
        .hub
        .decline_chat_request(&caller, &request.id::<ChatRequestId>("id")?)
        .await?;
    ApiResponse::ok(&declined)
}

/// Take back a chat request you sent.
#[utoipa::path(post, path = "/api/v1/chat-requests/{id}/cancel", tag = "safety", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chat request id")),
    responses((status = 200, body = ChatRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let cancelled = state
        .hub
        .cancel_chat_request(&caller, &request.id::<ChatRequestId>("id")?)
        .await?;
    ApiResponse::ok(&cancelled)
}
