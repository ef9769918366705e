//! `/api/v1/auth/*`: register, login (JSON or OAuth2 form), refresh, logout, OIDC exchange, me.

use hub_core::Result;
use hub_core::protocol::v1::{
    ErrorBody, LoginRequest, MeView, OidcExchangeRequest, RefreshRequest, RegisterRequest, TokenResponse,
};
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Create an account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created; signed in", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 409, description = "Username or email taken", body = ErrorBody),
        (status = 422, description = "A field breaks a rule (weak_password, invalid_input)", body = ErrorBody),
    ))]
pub async fn register(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let tokens = state.hub.register(request.json::<RegisterRequest>()?).await?;
    ApiResponse::json(StatusCode::CREATED, &tokens)
}

/// Sign in with username and password (JSON, or an OAuth2 password-grant form).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body(content(
        (LoginRequest = "application/json"),
        (LoginRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "Account suspended", body = ErrorBody),
    ))]
pub async fn login(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let tokens = state.hub.login(request.json_or_form::<LoginRequest>()?).await?;
    ApiResponse::ok(&tokens)
}

/// Trade a refresh token for a new pair. Presenting a spent token revokes its whole session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "invalid_token, token_expired or refresh_token_reused", body = ErrorBody),
    ))]
pub async fn refresh(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let tokens = state.hub.refresh(request.json::<RefreshRequest>()?).await?;
    ApiResponse::ok(&tokens)
}

/// End the session of a refresh token (its access tokens stop working too).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
pub async fn logout(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    state.hub.logout(request.json::<RefreshRequest>()?).await?;
    Ok(ApiResponse::no_content())
}

/// Trade the identity provider's RS256 token for hub tokens (the user is created on first sight).
#[utoipa::path(post, path = "/api/v1/auth/oidc", tag = "auth", request_body = OidcExchangeRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "The token is not valid for this server", body = ErrorBody),
    ))]
pub async fn oidc_exchange(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let tokens = state
        .hub
        .exchange_oidc_token(request.json::<OidcExchangeRequest>()?)
        .await?;
    ApiResponse::ok(&tokens)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeView),
        (status = 401, description = "missing_token, invalid_token or token_expired", body = ErrorBody),
    ))]
pub async fn me(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&MeView::from(&caller.user))
}
