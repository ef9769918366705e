//! Operational routes (health, readiness, metrics), the API description and its browsable page,
//! and the default avatars.

use hub_core::events::BusHealth;
use hub_core::protocol::v1::{AvatarView, ErrorBody, HealthView};
use hub_core::rules::avatars;
use hub_core::{Error, Result};
use warp::http::StatusCode;
use warp::http::header::{self, HeaderValue};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Liveness: the process answers, with its version.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = HealthView)))]
pub async fn healthz(_state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    ApiResponse::ok(&HealthView::ok())
}

/// Readiness: the database answers (503 when not). A node cut off from Redis still serves its
/// own clients: it is ready, with `status: degraded` and `bus: degraded`. Several nodes also
/// list the live ones (`peers`) and the bus lag.
#[utoipa::path(get, path = "/readyz", tag = "meta",
    responses((status = 200, body = HealthView), (status = 503, description = "The database does not answer", body = ErrorBody)))]
pub async fn readyz(state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    state.hub.ping().await?;
    let bus = state.hub.bus_health();
    let mut health = HealthView::ok();
    if bus == BusHealth::Degraded {
        health.status = "degraded: Redis is unreachable; events reach this node's clients only".to_owned();
    }
    health.bus = Some(bus.as_str().to_owned());
    health.node_id = state.hub.config().node_id.clone();
    if bus != BusHealth::Local {
        health.peers = Some(state.hub.peers());
        health.bus_lag_ms = state
            .hub
            .bus_lag()
            .map(|lag| u64::try_from(lag.as_millis()).unwrap_or(u64::MAX));
    }
    ApiResponse::ok(&health)
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    let hub = &state.hub;
    state.metrics.set_cluster(
        hub.config().node_id.as_deref().unwrap_or_default(),
        hub.peers().iter().filter(|peer| !peer.this_node).count(),
        hub.bus_lag(),
    );
    ApiResponse::bytes(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        state.metrics.render(),
    )
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_json(state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    ApiResponse::bytes(StatusCode::OK, "application/json", state.openapi.clone())
}

/// The browsable API page (redirects to `/docs/`).
#[utoipa::path(get, path = "/docs", tag = "meta", responses((status = 301, description = "To /docs/")))]
pub async fn docs_root(_state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    Ok(ApiResponse::redirect("/docs/"))
}

/// The browsable API page and its assets (Swagger UI, served from the binary).
#[utoipa::path(get, path = "/docs/{file}", tag = "meta",
    params(("file" = String, Path, description = "Asset path; empty for the page")),
    responses((status = 200, description = "HTML, script or style", content_type = "text/html"),
        (status = 404, description = "No such asset", body = ErrorBody)))]
pub async fn docs_file(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let file = utoipa_swagger_ui::serve(request.param("file")?, state.swagger.clone())
        .map_err(|err| Error::internal(err.to_string()))?
        .ok_or_else(|| Error::not_found("page"))?;
    let mut response = ApiResponse::bytes(StatusCode::OK, &file.content_type, file.bytes.into_owned())?;
    if file.gzpipped {
        response = response.with_header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}

/// The real-time gateway. Open it as a WebSocket (`?token=` or a first `auth` frame); frames are
/// described by the `ClientFrame`, `ControlFrame` and `StoredEvent` schemas. A plain GET is told
/// to upgrade.
#[utoipa::path(get, path = "/api/v1/ws", tag = "realtime",
    params(("token" = Option<String>, Query, description = "An access token (or send an auth frame first)")),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 426, description = "Not a WebSocket handshake", body = ErrorBody)))]
pub async fn websocket(_state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    let err = Error::invalid(
        "upgrade",
        "this is a WebSocket endpoint: connect with a WebSocket client",
    );
    let mut response = ApiResponse::json(StatusCode::UPGRADE_REQUIRED, &ErrorBody::from(&err))?;
    response
        .headers
        .push((header::UPGRADE, HeaderValue::from_static("websocket")));
    Ok(response)
}

/// The default avatars a profile may use.
#[utoipa::path(get, path = "/api/v1/avatars", tag = "users", responses((status = 200, body = Vec<AvatarView>)))]
pub async fn avatars(_state: AppState, _request: ApiRequest) -> Result<ApiResponse> {
    let list: Vec<AvatarView> = avatars::DEFAULT_AVATARS.iter().map(AvatarView::from).collect();
    ApiResponse::ok(&list)
}

/// A default avatar's picture (SVG).
#[utoipa::path(get, path = "/api/v1/avatars/{file}", tag = "users",
    params(("file" = String, Path, description = "`<name>.svg`")),
    responses((status = 200, description = "The picture", content_type = "image/svg+xml"),
        (status = 404, description = "No such avatar", body = ErrorBody)))]
pub async fn avatar_image(_state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let name = request.param("file")?.trim_end_matches(".svg");
    let avatar = avatars::find(name).ok_or_else(|| Error::not_found("avatar"))?;
    Ok(
        ApiResponse::bytes(StatusCode::OK, "image/svg+xml", avatars::svg(avatar))?
            .with_header(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
    )
}
