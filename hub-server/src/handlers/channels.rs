//! `/api/v1/channels*` and `/api/v1/dms`: channels, membership, roles, bans, read markers,
//! notification levels, pins and direct conversations.

use hub_core::Result;
use hub_core::model::{ChannelId, Membership, MessageId, User, UserId};
use hub_core::protocol::v1::{
    AddMemberRequest, BanRequest, BanView, ChannelView, CreateChannelRequest, CreateDmRequest, ErrorBody,
    JoinChannelRequest, JoinCodeView, MemberView, MyChannelView, NotifyRequest, Page, PinView, ReadRequest,
    SetRoleRequest, TimeoutRequest, UpdateChannelRequest, UserView,
};
use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of paged lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

fn channel_id(request: &ApiRequest) -> Result<ChannelId> {
    request.id("id")
}

fn target_user(request: &ApiRequest) -> Result<UserId> {
    request.id("user_id")
}

fn member_view((membership, user): &(Membership, User)) -> MemberView {
    MemberView {
        user: UserView::from(user),
        role: membership.role,
        joined_at: membership.joined_at,
        timed_out_until: membership.timed_out_until,
    }
}

/// Public and voice channels, by name.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels", security(("bearer" = [])), params(super::SearchQuery),
    responses((status = 200, body = Page<ChannelView>), (status = 422, body = ErrorBody)))]
pub async fn list(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    request.caller(&state).await?;
    let query: super::SearchQuery = request.query()?;
    let page = state
        .hub
        .open_channels(
            query.q.as_deref().unwrap_or_default(),
            query.limit,
            query.cursor.as_deref(),
        )
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// The caller's channels with unread and mention counts and the last message.
#[utoipa::path(get, path = "/api/v1/channels/mine", tag = "channels", security(("bearer" = [])),
    responses((status = 200, body = Page<MyChannelView>)))]
pub async fn mine(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let items = state.hub.my_channels(&caller).await?;
    ApiResponse::ok(&Page::whole(items))
}

/// Create a channel; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels", security(("bearer" = [])),
    request_body = CreateChannelRequest,
    responses((status = 201, body = MyChannelView), (status = 409, description = "channel_name_taken", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let channel = state.hub.create_channel(&caller, request.json()?).await?;
    ApiResponse::json(StatusCode::CREATED, &channel)
}

/// One channel (404 for private channels the caller may not see).
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = ChannelView), (status = 404, body = ErrorBody)))]
pub async fn get(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.channel(&caller, &channel_id(&request)?).await?)
}

/// Change name, description or topic (channel admins, owners, site admins).
#[utoipa::path(patch, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = UpdateChannelRequest,
    responses((status = 200, body = ChannelView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: UpdateChannelRequest = request.json()?;
    ApiResponse::ok(&state.hub.update_channel(&caller, &channel_id(&request)?, body).await?)
}

/// Archive a channel: it stays readable and takes nothing new (owners, site admins).
#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), super::ReasonQuery),
    responses((status = 204, description = "Archived"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn archive(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    let reason = query.reason.unwrap_or_default();
    state
        .hub
        .archive_channel(&caller, &channel_id(&request)?, &reason)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Join a channel (private ones need their current join code; a wrong code is a 404).
#[utoipa::path(post, path = "/api/v1/channels/{id}/join", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = Option<JoinChannelRequest>,
    responses((status = 200, body = MyChannelView), (status = 403, description = "Banned", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn join(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: JoinChannelRequest = request.json_or_default()?;
    let channel = state
        .hub
        .join_channel(&caller, &channel_id(&request)?, body.join_code.as_deref())
        .await?;
    ApiResponse::ok(&channel)
}

/// Leave a channel (the last owner must hand over first).
#[utoipa::path(post, path = "/api/v1/channels/{id}/leave", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 204, description = "Left"), (status = 409, description = "Last owner", body = ErrorBody)))]
pub async fn leave(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state.hub.leave_channel(&caller, &channel_id(&request)?).await?;
    Ok(ApiResponse::no_content())
}

/// Replace a private channel's join code.
#[utoipa::path(post, path = "/api/v1/channels/{id}/join-code", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = JoinCodeView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rotate_join_code(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.rotate_join_code(&caller, &channel_id(&request)?).await?)
}

/// A page of members, by username.
#[utoipa::path(get, path = "/api/v1/channels/{id}/members", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), PageQuery),
    responses((status = 200, body = Page<MemberView>), (status = 404, body = ErrorBody)))]
pub async fn members(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: PageQuery = request.query()?;
    let page = state
        .hub
        .channel_members(&caller, &channel_id(&request)?, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page.map(|item| member_view(&item))))
}

/// Add someone (channel admins, owners, site admins); 200 when they already were a member.
#[utoipa::path(post, path = "/api/v1/channels/{id}/members", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = AddMemberRequest,
    responses((status = 201, body = MemberView), (status = 200, body = MemberView), (status = 403, body = ErrorBody),
        (status = 409, description = "Banned", body = ErrorBody)))]
pub async fn add_member(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: AddMemberRequest = request.json()?;
    let (membership, user, created) = state
        .hub
        .add_channel_member(&caller, &channel_id(&request)?, &body.user_id)
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    ApiResponse::json(status, &member_view(&(membership, user)))
}

/// Remove a member (who ranks below the caller).
#[utoipa::path(delete, path = "/api/v1/channels/{id}/members/{user_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id"), super::ReasonQuery),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn kick(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    let reason = query.reason.unwrap_or_default();
    state
        .hub
        .kick_member(&caller, &channel_id(&request)?, &target_user(&request)?, &reason)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Change a member's role (owners and site admins).
#[utoipa::path(put, path = "/api/v1/channels/{id}/members/{user_id}/role", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id")),
    request_body = SetRoleRequest,
    responses((status = 200, body = MemberView), (status = 403, body = ErrorBody), (status = 409, description = "Last owner", body = ErrorBody)))]
pub async fn set_role(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: SetRoleRequest = request.json()?;
    let member = state
        .hub
        .set_member_role(&caller, &channel_id(&request)?, &target_user(&request)?, body.role)
        .await?;
    ApiResponse::ok(&member_view(&member))
}

/// Stop a member from posting until a time.
#[utoipa::path(put, path = "/api/v1/channels/{id}/members/{user_id}/timeout", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id")),
    request_body = TimeoutRequest,
    responses((status = 200, body = MemberView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn time_out(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: TimeoutRequest = request.json()?;
    let member = state
        .hub
        .time_out_member(
            &caller,
            &channel_id(&request)?,
            &target_user(&request)?,
            Some(body.until),
        )
        .await?;
    ApiResponse::ok(&member_view(&member))
}

/// Lift a time-out.
#[utoipa::path(delete, path = "/api/v1/channels/{id}/members/{user_id}/timeout", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id")),
    responses((status = 204, description = "Lifted"), (status = 403, body = ErrorBody)))]
pub async fn end_time_out(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .time_out_member(&caller, &channel_id(&request)?, &target_user(&request)?, None)
        .await?;
    Ok(ApiResponse::no_content())
}

/// The channel's bans (channel admins, owners, site admins).
#[utoipa::path(get, path = "/api/v1/channels/{id}/bans", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = Page<BanView>), (status = 403, body = ErrorBody)))]
pub async fn bans(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let bans = state.hub.channel_bans(&caller, &channel_id(&request)?).await?;
    ApiResponse::ok(&Page::whole(bans.iter().map(BanView::from).collect()))
}

/// Ban someone: they leave and cannot rejoin until the ban ends.
#[utoipa::path(put, path = "/api/v1/channels/{id}/bans/{user_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id")),
    request_body = Option<BanRequest>,
    responses((status = 200, body = BanView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn ban(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: BanRequest = request.json_or_default()?;
    let ban = state
        .hub
        .ban_from_channel(&caller, &channel_id(&request)?, &target_user(&request)?, body)
        .await?;
    ApiResponse::ok(&BanView::from(&ban))
}

/// Lift a ban.
#[utoipa::path(delete, path = "/api/v1/channels/{id}/bans/{user_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("user_id" = String, Path, description = "User id")),
    responses((status = 204, description = "Lifted"), (status = 403, body = ErrorBody)))]
pub async fn unban(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .lift_ban(&caller, &channel_id(&request)?, &target_user(&request)?)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Move the caller's read marker to a message.
#[utoipa::path(post, path = "/api/v1/channels/{id}/read", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = ReadRequest,
    responses((status = 204, description = "Marked"), (status = 422, body = ErrorBody)))]
pub async fn mark_read(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: ReadRequest = request.json()?;
    state
        .hub
        .mark_read(&caller, &channel_id(&request)?, &body.message_id)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Choose what the caller is notified of: all, mentions or nothing.
#[utoipa::path(put, path = "/api/v1/channels/{id}/notifications", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")), request_body = NotifyRequest,
    responses((status = 200, body = MyChannelView), (status = 403, body = ErrorBody)))]
pub async fn set_notifications(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: NotifyRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .set_notify_level(&caller, &channel_id(&request)?, body.level)
            .await?,
    )
}

/// The channel's pinned messages, newest first.
#[utoipa::path(get, path = "/api/v1/channels/{id}/pins", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = Page<PinView>), (status = 404, body = ErrorBody)))]
pub async fn pins(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let items = state.hub.pins(&caller, &channel_id(&request)?).await?;
    ApiResponse::ok(&Page::whole(items))
}

/// Pin a message (channel admins; any member of a direct conversation).
#[utoipa::path(put, path = "/api/v1/channels/{id}/pins/{message_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("message_id" = String, Path, description = "Message id")),
    responses((status = 200, body = PinView), (status = 403, body = ErrorBody)))]
pub async fn pin(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let message = request.id::<MessageId>("message_id")?;
    let pin = state
        .hub
        .set_pinned(&caller, &channel_id(&request)?, &message, true)
        .await?;
    ApiResponse::ok(&pin)
}

/// Unpin a message.
#[utoipa::path(delete, path = "/api/v1/channels/{id}/pins/{message_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id"), ("message_id" = String, Path, description = "Message id")),
    responses((status = 204, description = "Unpinned"), (status = 403, body = ErrorBody)))]
pub async fn unpin(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let message = request.id::<MessageId>("message_id")?;
    state
        .hub
        .set_pinned(&caller, &channel_id(&request)?, &message, false)
        .await?;
    Ok(ApiResponse::no_content())
}

/// The direct conversation with these people: 201 when made now, 200 when it existed.
#[utoipa::path(post, path = "/api/v1/dms", tag = "channels", security(("bearer" = [])), request_body = CreateDmRequest,
    responses((status = 201, body = MyChannelView), (status = 200, body = MyChannelView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn open_dm(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: CreateDmRequest = request.json()?;
    let (channel, created) = state.hub.open_dm(&caller, &body.user_ids).await?;
    ApiResponse::json(if created { StatusCode::CREATED } else { StatusCode::OK }, &channel)
}
