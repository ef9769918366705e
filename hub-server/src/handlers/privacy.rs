//! `/api/v1/users/me/export` and the erasures: a person's data out, or gone.

use hub_core::Result;
use hub_core::protocol::v1::{CloseAccountRequest, ErasedView, ErrorBody};
use tokio::sync::mpsc;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Chunks of an export buffered between the service writing and the client reading.
const EXPORT_BUFFER: usize = 16;

/// Everything you made, as one JSON document, streamed: the account and settings, mutes,
/// blocks, messages, posts, comments, votes, reactions, saved messages, chat requests, reports.
#[utoipa::path(get, path = "/api/v1/users/me/export", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "The export (application/json)")))]
pub async fn export(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let (chunks, reader) = mpsc::channel(EXPORT_BUFFER);
    let hub = state.hub.clone();
    tokio::spawn(async move {
        if let Err(err) = hub.export(&caller, chunks).await {
            tracing::warn!(error = %err, "an export ended early");
        }
    });
    Ok(ApiResponse::json_stream(reader))
}

/// Erase every message you wrote (tombstones keep threads; edits and the event log lose the text).
#[utoipa::path(delete, path = "/api/v1/users/me/messages", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, body = ErasedView)))]
pub async fn erase_messages(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&ErasedView {
        erased: state.hub.erase_messages(&caller).await?,
    })
}

/// Erase every post you wrote (tombstones keep their comments readable).
#[utoipa::path(delete, path = "/api/v1/users/me/posts", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, body = ErasedView)))]
pub async fn erase_posts(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&ErasedView {
        erased: state.hub.erase_posts(&caller).await?,
    })
}

/// Erase every comment you wrote (tombstones keep their replies in place).
#[utoipa::path(delete, path = "/api/v1/users/me/comments", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, body = ErasedView)))]
pub async fn erase_comments(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&ErasedView {
        erased: state.hub.erase_comments(&caller).await?,
    })
}

/// Close your account, confirming with your password.
#[utoipa::path(delete, path = "/api/v1/users/me", tag = "privacy", security(("bearer" = [])),
    request_body = CloseAccountRequest,
    responses((status = 204, description = "Closed"), (status = 401, description = "Wrong password", body = ErrorBody)))]
pub async fn close_account(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: CloseAccountRequest = request.json()?;
    state.hub.close_account(&caller, &body.password).await?;
    Ok(ApiResponse::no_content())
}
