//! `/api/v1/users*`: search, profiles, the caller's own profile and status.

use hub_core::Result;
use hub_core::model::UserId;
use hub_core::protocol::v1::{ErrorBody, MeView, Page, SetStatusRequest, UpdateProfileRequest, UserView};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Find people by username or display name.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(super::SearchQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<UserView>),
        (status = 422, description = "Bad limit or query", body = ErrorBody),
    ))]
pub async fn search(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: super::SearchQuery = request.query()?;
    let page = state
        .hub
        .search_users(
            &caller,
            query.q.as_deref().unwrap_or_default(),
            query.limit,
            query.cursor.as_deref(),
        )
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// One user's public profile.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn get(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let user = state.hub.user(&caller, &request.id::<UserId>("id")?).await?;
    ApiResponse::ok(&user)
}

/// The caller's own profile.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = MeView)))]
pub async fn get_me(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&MeView::from(&caller.user))
}

/// Change the caller's profile; absent fields stay as they are.
#[utoipa::path(patch, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The new profile", body = MeView),
        (status = 409, description = "Email already in use", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    ))]
pub async fn update_me(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let user = state
        .hub
        .update_profile(&caller, request.json::<UpdateProfileRequest>()?)
        .await?;
    ApiResponse::ok(&user)
}

/// Set the caller's status: online, away, busy or offline.
#[utoipa::path(put, path = "/api/v1/users/me/status", tag = "users", security(("bearer" = [])),
    request_body = SetStatusRequest,
    responses(
        (status = 200, description = "The new profile", body = MeView),
        (status = 422, description = "Unknown status", body = ErrorBody),
    ))]
pub async fn set_status(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: SetStatusRequest = request.json()?;
    ApiResponse::ok(&state.hub.set_status(&caller, body.status).await?)
}
