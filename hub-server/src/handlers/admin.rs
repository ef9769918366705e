//! `/api/v1/admin/users/*`: site-admin actions on accounts (the report queue and the audit log
//! are in `reports`).

use hub_core::Result;
use hub_core::model::{SessionId, UserId};
use hub_core::protocol::v1::{
    AdminUserView, ErrorBody, Page, ReasonRequest, RevokedSessionsView, SessionView, SuspendRequest,
};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Suspend a user: they cannot log in or use the API, and their sessions and sockets end. The
/// body is optional: `{duration: "7d", reason}`; without a duration, until lifted.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/suspend", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body(content = Option<SuspendRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The suspended user", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn suspend(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: SuspendRequest = request.json_or_default()?;
    let user = state
        .hub
        .suspend_user(&caller, &request.id::<UserId>("id")?, body)
        .await?;
    ApiResponse::ok(&AdminUserView::from(&user))
}

/// Lift a suspension. The body is optional: `{reason}`.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/restore", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body(content = Option<ReasonRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The restored user", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn restore(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: ReasonRequest = request.json_or_default()?;
    let reason = body.reason.unwrap_or_default();
    let user = state
        .hub
        .restore_user(&caller, &request.id::<UserId>("id")?, &reason)
        .await?;
    ApiResponse::ok(&AdminUserView::from(&user))
}

/// Every account, suspended and closed ones included, found by username or display name.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), params(super::SearchQuery),
    responses(
        (status = 200, description = "A page of accounts, by username", body = Page<AdminUserView>),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 422, description = "Bad limit or query", body = ErrorBody),
    ))]
pub async fn list(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::SearchQuery = request.query()?;
    let page = state
        .hub
        .admin_users(
            &caller,
            query.q.as_deref().unwrap_or_default(),
            query.limit,
            query.cursor.as_deref(),
        )
        .await?;
    ApiResponse::ok(&Page::from(page.map(|user| AdminUserView::from(&user))))
}

/// One account as a site admin sees it.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn show(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let user = state.hub.admin_user(&caller, &request.id::<UserId>("id")?).await?;
    ApiResponse::ok(&AdminUserView::from(&user))
}

/// Make a user a site admin. The body is optional: `{reason}`.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/promote", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body(content = Option<ReasonRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The user, now a site admin", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn promote(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    set_site_admin(state, request, true).await
}

/// Take site admin away from a user (not from oneself). The body is optional: `{reason}`.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/demote", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body(content = Option<ReasonRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The user, no longer a site admin", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "That is you", body = ErrorBody),
    ))]
pub async fn demote(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    set_site_admin(state, request, false).await
}

async fn set_site_admin(state: AppState, request: ApiRequest, is_admin: bool) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: ReasonRequest = request.json_or_default()?;
    let user = state
        .hub
        .set_site_admin(
            &caller,
            &request.id::<UserId>("id")?,
            is_admin,
            body.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    ApiResponse::ok(&AdminUserView::from(&user))
}

/// Delete an account, as closing it does (content erased unless the hub keeps it), on a site
/// admin's word.
#[utoipa::path(delete, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id"), super::ReasonQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user (or deleted already)", body = ErrorBody),
        (status = 422, description = "That is you", body = ErrorBody),
    ))]
pub async fn delete(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    state
        .hub
        .delete_user(
            &caller,
            &request.id::<UserId>("id")?,
            query.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(ApiResponse::no_content())
}

/// A user's login sessions, newest first, ended ones included.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}/sessions", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The sessions", body = Vec<SessionView>),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn sessions(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let sessions = state.hub.user_sessions(&caller, &request.id::<UserId>("id")?).await?;
    ApiResponse::ok(&sessions)
}

/// End every open session of a user: refresh tokens stop working, sockets close.
#[utoipa::path(delete, path = "/api/v1/admin/users/{id}/sessions", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id"), super::ReasonQuery),
    responses(
        (status = 200, description = "How many were ended", body = RevokedSessionsView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn revoke_sessions(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    let revoked = state
        .hub
        .revoke_sessions(
            &caller,
            &request.id::<UserId>("id")?,
            None,
            query.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    ApiResponse::ok(&RevokedSessionsView { revoked })
}

/// End one open session of a user.
#[utoipa::path(delete, path = "/api/v1/admin/users/{id}/sessions/{session_id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id"), ("session_id" = String, Path, description = "Session id"), super::ReasonQuery),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user, or no such open session of theirs", body = ErrorBody),
    ))]
pub async fn revoke_session(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::ReasonQuery = request.query()?;
    state
        .hub
        .revoke_sessions(
            &caller,
            &request.id::<UserId>("id")?,
            Some(&request.id::<SessionId>("session_id")?),
            query.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(ApiResponse::no_content())
}
