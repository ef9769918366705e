//! hub-server: the HTTP and WebSocket transport over `hub-core`. It decides nothing itself:
//! every route and every gateway op calls one `hub_core::Hub` method and maps the result.
//!
//! - [`router`]: finds a route by method and path; dispatch, metrics labels and the OpenAPI test
//!   share the one table.
//! - [`handlers`]: one thin function per route: extract, call one service, map the result.
//! - [`http`]: request/response types, path parameters, body parsing, and the one error → HTTP
//!   mapping.
//! - [`openapi`]: the generated API document served at `/api/v1/openapi.json` and `/docs`.
//! - [`metrics`]: Prometheus counters and latency histograms.
//! - [`gateway`]: the WebSocket gateway at `/api/v1/ws`.
//!
//! [`run`] serves on a listener the caller bound, so tests bind `127.0.0.1:0`. It runs hyper's
//! HTTP/1 connections itself: WebSocket upgrades go to the gateway, everything else to warp.

pub mod gateway;
pub mod handlers;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod router;
pub mod serve;
pub mod state;
mod upkeep;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use tower_service::Service as _;
use warp::hyper;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use hub_core::{Error, ErrorKind, Hub, Result};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::header::{self, HeaderMap};
use warp::http::{Method, StatusCode};

use crate::http::{ApiRequest, error_response, security_headers};
use crate::router::{Matched, Router};
use crate::state::AppState;

/// The state for a server over `hub`.
pub fn app_state(hub: Hub) -> AppState {
    let openapi = Bytes::from(openapi::document_json(hub.config()));
    AppState {
        hub,
        metrics: Arc::new(metrics::Metrics::new()),
        openapi,
        swagger: Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")),
    }
}

/// The whole server as one warp filter: CORS (when origins are configured) around dispatch.
pub fn filter(state: AppState) -> BoxedFilter<(warp::reply::Response,)> {
    let origins = state.hub.config().cors_origins.clone();
    let router = Arc::new(Router::new(handlers::routes()));
    let dispatch = warp::method()
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .and(warp::any().map(move || (state.clone(), router.clone())))
        .then(
            |method: Method,
             path: warp::path::FullPath,
             query: String,
             headers: HeaderMap,
             body,
             (state, router): (AppState, Arc<Router>)| async move {
                dispatch(state, &router, method, path.as_str(), query, headers, body).await
            },
        );
    if origins.is_empty() {
        return dispatch.boxed();
    }
    let cors = warp::cors()
        .allow_origins(origins.iter().map(String::as_str))
        .allow_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allow_headers(["authorization", "content-type"])
        .max_age(3600);
    dispatch
        .with(cors)
        .map(warp::Reply::into_response)
        .recover(|rejection: warp::Rejection| async move {
            // Only CORS rejects here: dispatch itself answers every request.
            let err = if rejection.find::<warp::cors::CorsForbidden>().is_some() {
                Error::forbidden("this origin is not allowed (cors_origins)")
            } else {
                Error::internal(format!("unhandled rejection: {rejection:?}"))
            };
            Ok::<_, Infallible>(error_response(&err))
        })
        .unify()
        .boxed()
}

/// Serves `hub` on `listener` until `shutdown` resolves; then closes WebSocket connections with
/// 1001, lets HTTP requests in flight finish (up to [`SHUTDOWN_GRACE`]) and closes the database.
pub async fn run(listener: tokio::net::TcpListener, hub: Hub, shutdown: impl Future<Output = ()> + Send + 'static) {
    let state = app_state(hub.clone());
    let gateway = gateway::Gateway::start(hub.clone(), state.metrics.clone());
    let routes = warp::service(filter(state));
    // Every connection task holds a sender; when all are dropped, they have all finished.
    let (finished_tx, mut finished) = tokio::sync::mpsc::channel::<()>(1);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let upkeep = tokio::spawn(upkeep::run(hub.clone(), stop.clone()));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let routes = routes.clone();
                    let gateway = gateway.clone();
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let mut routes = routes.clone();
                        let gateway = gateway.clone();
                        async move {
                            if gateway::upgrade::is_websocket_upgrade(&request) {
                                Ok::<_, Infallible>(gateway::upgrade::handle(&gateway, request))
                            } else {
                                routes.call(request).await
                            }
                        }
                    });
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades();
                    let finished = finished_tx.clone();
                    let mut stop = stop.clone();
                    tokio::spawn(async move {
                        tokio::pin!(connection);
                        let outcome = tokio::select! {
                            outcome = connection.as_mut() => outcome,
                            _ = stop.changed() => {
                                connection.as_mut().graceful_shutdown();
                                connection.await
                            }
                        };
                        if let Err(err) = outcome {
                            tracing::debug!(error = %err, "connection ended with an error");
                        }
                        drop(finished);
                    });
                }
                Err(err) => {
                    // Out of file descriptors, most likely: wait instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    gateway.shut_down();
    let _ = stop_tx.send(true);
    drop(finished_tx);
    if tokio::time::timeout(SHUTDOWN_GRACE, finished.recv()).await.is_err() {
        tracing::warn!("some connections did not finish within the shutdown grace period");
    }
    // WebSocket connections left the HTTP server at their upgrade: they ack the sends they
    // took, close with 1001 and record the user's last seen, all before the database closes.
    if tokio::time::timeout(SHUTDOWN_GRACE, gateway.sockets_closed())
        .await
        .is_err()
    {
        tracing::warn!("some WebSocket connections did not finish within the shutdown grace period");
    }
    // Upkeep stops between passes; a pass under way finishes first.
    if tokio::time::timeout(SHUTDOWN_GRACE, upkeep).await.is_err() {
        tracing::warn!("event-log pruning did not stop within the shutdown grace period");
    }
    hub.close().await;
}

/// How long shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

async fn dispatch<S, B>(
    state: AppState,
    router: &Router,
    method: Method,
    path: &str,
    query: String,
    headers: HeaderMap,
    body: S,
) -> warp::reply::Response
where
    S: Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf,
{
    let started = Instant::now();
    let (route, result) = match router.find(&method, path) {
        Matched::Route(route, params) if route.streams_body => {
            let request = ApiRequest {
                method: method.clone(),
                params,
                query,
                headers,
                body: Bytes::new(),
                body_stream: std::sync::Mutex::new(Some(body_stream(body))),
            };
            (route.path, (route.handler)(state.clone(), request).await)
        }
        Matched::Route(route, params) => {
            let outcome = match read_body(body, &headers, state.hub.config().limits.max_body_bytes).await {
                Ok(body) => {
                    let request = ApiRequest {
                        method: method.clone(),
                        params,
                        query,
                        headers,
                        body,
                        body_stream: std::sync::Mutex::new(None),
                    };
                    (route.handler)(state.clone(), request).await
                }
                Err(err) => Err(err),
            };
            (route.path, outcome)
        }
        Matched::MethodNotAllowed(allowed) => {
            let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
            let err = Error::new(
                ErrorKind::MethodNotAllowed,
                format!("{method} is not allowed here; use {allow}"),
            )
            .with_details(serde_json::json!({ "allow": allow }));
            ("unmatched", Err(err))
        }
        Matched::NotFound => (
            "unmatched",
            Err(Error::new(
                ErrorKind::RouteNotFound,
                format!("no route {method} {path}; see /docs"),
            )),
        ),
    };
    let mut response = match result {
        Ok(response) => response.into_response(),
        Err(err) => error_response(&err),
    };
    security_headers(response.headers_mut(), path);
    let status = response.status();
    let elapsed = started.elapsed();
    state.metrics.observe(method.as_str(), route, status.as_u16(), elapsed);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::warn!(%method, route, status = status.as_u16(), ?elapsed, "request");
    } else {
        tracing::debug!(%method, route, status = status.as_u16(), ?elapsed, "request");
    }
    response
}

/// The body as a stream of chunks, for a handler that reads it itself.
fn body_stream<S, B>(body: S) -> http::BodyStream
where
    S: Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf,
{
    Box::pin(body.map(|chunk| {
        chunk
            .map(|mut chunk| chunk.copy_to_bytes(chunk.remaining()))
            .map_err(|err| Error::new(ErrorKind::InvalidInput, format!("could not read the body: {err}")))
    }))
}

/// Reads the body, refusing it as soon as it passes `max_bytes` (by its declared length, or
/// while streaming when the length is not declared).
async fn read_body<S, B>(body: S, headers: &HeaderMap, max_bytes: usize) -> Result<Bytes>
where
    S: Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf,
{
    let too_large = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            format!("the request body is over {max_bytes} bytes"),
        )
        .with_details(serde_json::json!({ "max_body_bytes": max_bytes }))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    futures_util::pin_mut!(body);
    if declared.is_some_and(|length| length > max_bytes as u64) {
        drain_body(&mut body).await;
        return Err(too_large());
    }
    let mut collected = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let mut chunk =
            chunk.map_err(|err| Error::new(ErrorKind::InvalidJson, format!("could not read the body: {err}")))?;
        if collected.len() + chunk.remaining() > max_bytes {
            drain_body(&mut body).await;
            return Err(too_large());
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            collected.extend_from_slice(part);
            let read = part.len();
            chunk.advance(read);
        }
    }
    Ok(collected.freeze())
}

/// How long a refused body's remainder is read (and thrown away) before answering.
pub(crate) const DRAIN_TIME: Duration = Duration::from_secs(5);
/// How much of it, at most.
const DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// Reads and discards what is left of a refused body, within [`DRAIN_TIME`] and
/// [`DRAIN_BYTES`]: answering while the client is still sending makes it see a reset (a broken
/// pipe) instead of the answer.
pub(crate) async fn drain_body<S, B, E>(body: &mut S)
where
    S: Stream<Item = std::result::Result<B, E>> + Unpin,
    B: Buf,
{
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut read = 0usize;
        while let Some(Ok(chunk)) = body.next().await {
            read += chunk.remaining();
            if read > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}
