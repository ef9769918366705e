//! `/api/v1/users*`: search, profiles, the caller's own profile and status.

use hub_core::Result;
use hub_core::model::UserId;
use hub_core::protocol::v1::{
    ChangePasswordRequest, ErrorBody, MeView, Page, SetStatusRequest, TokenResponse, UpdateProfileRequest, UserView,
};

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

/// Change the caller's password. Every login session of the account ends (refresh tokens stop
/// working, sockets close with 4005); the answer is a new session for the caller.
#[utoipa::path(put, path = "/api/v1/users/me/password", tag = "users", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed: a new session", body = TokenResponse),
        (status = 401, description = "invalid_credentials (current_password), or the token", body = ErrorBody),
        (status = 422, description = "weak_password or invalid_input (new_password)", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords for this account", body = ErrorBody),
    ))]
pub async fn change_password(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: ChangePasswordRequest = request.json()?;
    let tokens = state
        .hub
        .change_password(&caller, &body.current_password, &body.new_password)
        .await?;
    ApiResponse::ok(&tokens)
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
