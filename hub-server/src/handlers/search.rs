//! Full-text search: messages, channels, people and forum posts, each answered only from what
//! the caller may read.

use hub_core::Result;
use hub_core::model::{ChannelId, UserId};
use hub_core::protocol::v1::{ChannelHit, ErrorBody, FileHit, MessageHit, Page, PostHit, SearchSort, UserHit};
use hub_core::service::MessageSearch;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /search/messages`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageSearchQuery {
    /// Words (all must match), `"quoted phrases"`, `word*` prefixes, `a OR b`, `-word` to
    /// exclude; `in:thread` keeps messages in threads, `has:file` those with files.
    q: String,
    /// Only this channel.
    #[serde(default)]
    channel_id: Option<ChannelId>,
    /// Only messages by this person (their id).
    #[serde(default)]
    from: Option<UserId>,
    /// Sent before this date (`2026-12-01`) or time (RFC 3339).
    #[serde(default)]
    before: Option<String>,
    /// Sent on or after this date or time.
    #[serde(default)]
    after: Option<String>,
    /// `best` (default) or `newest` first.
    #[serde(default)]
    sort: Option<SearchSort>,
    /// Page size (default 20).
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Query of the other search routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (all must match), `"quoted phrases"`, `word*` prefixes, `a OR b`, `-word` to exclude.
    q: String,
    /// Page size (default 20).
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Messages the caller may read that match, best first, with highlighted snippets.
#[utoipa::path(get, path = "/api/v1/search/messages", tag = "search", security(("bearer" = [])),
    params(MessageSearchQuery),
    responses((status = 200, body = Page<MessageHit>), (status = 404, description = "channel_id names no channel the caller may read", body = ErrorBody),
        (status = 422, description = "The query cannot be read (the message says why)", body = ErrorBody)))]
pub async fn messages(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: MessageSearchQuery = request.query()?;
    let search = MessageSearch {
        q: query.q,
        channel_id: query.channel_id,
        from: query.from,
        before: query.before,
        after: query.after,
        sort: query.sort.unwrap_or_default(),
        limit: query.limit,
        cursor: query.cursor,
    };
    ApiResponse::ok(&Page::from(state.hub.search_messages(&caller, search).await?))
}

/// Files (by name) the caller may fetch: on messages they may read, or their own not sent yet.
#[utoipa::path(get, path = "/api/v1/search/files", tag = "search", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<FileHit>), (status = 422, body = ErrorBody)))]
pub async fn files(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: SearchQuery = request.query()?;
    let page = state
        .hub
        .search_files(&caller, &query.q, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Channels (by name, topic or description) the caller may see.
#[utoipa::path(get, path = "/api/v1/search/channels", tag = "search", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<ChannelHit>), (status = 422, body = ErrorBody)))]
pub async fn channels(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: SearchQuery = request.query()?;
    let page = state
        .hub
        .search_channels(&caller, &query.q, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// People, by username or full name.
#[utoipa::path(get, path = "/api/v1/search/users", tag = "search", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<UserHit>), (status = 422, body = ErrorBody)))]
pub async fn users(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: SearchQuery = request.query()?;
    let page = state
        .hub
        .search_people(&caller, &query.q, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Forum posts and comments, ranked together; a comment comes with its post.
#[utoipa::path(get, path = "/api/v1/search/posts", tag = "search", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<PostHit>), (status = 422, body = ErrorBody)))]
pub async fn posts(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: SearchQuery = request.query()?;
    let page = state
        .hub
        .search_posts(&caller, &query.q, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}
