//! `/api/v1/admin/users/*`: site-admin actions on accounts (the report queue and the audit log
//! are in `reports`).

use hub_core::Result;
use hub_core::model::UserId;
use hub_core::protocol::v1::{AdminUserView, ErrorBody, SuspendRequest};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Suspend a user: they cannot log in or use the API, and their sessions and sockets end. The
/// body is optional: `{duration: "7d", reason}`; without a duration, until lifted.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/suspend", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body(content = SuspendRequest, description = "Optional"),
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

/// Lift a suspension.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/restore", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The restored user", body = AdminUserView),
        (status = 403, description = "Not a site admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn restore(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let user = state.hub.restore_user(&caller, &request.id::<UserId>("id")?).await?;
    ApiResponse::ok(&AdminUserView::from(&user))
}
