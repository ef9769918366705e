//! Handlers: each extracts its input, calls one hub service and maps the result. [`routes`] is
//! the table of every route the server has.

pub mod admin;
pub mod auth;
pub mod meta;
pub mod users;

use warp::http::Method;

use crate::router::Route;

/// One table row: `route!(GET "/path" => module::handler)`.
macro_rules! route {
    ($method:ident $path:literal => $handler:path) => {
        Route {
            method: Method::$method,
            path: $path,
            handler: |state, request| Box::pin($handler(state, request)),
        }
    };
}

/// Every route the server serves.
pub fn routes() -> Vec<Route> {
    vec![
        route!(GET "/healthz" => meta::healthz),
        route!(GET "/readyz" => meta::readyz),
        route!(GET "/metrics" => meta::metrics),
        route!(GET "/api/v1/openapi.json" => meta::openapi_json),
        route!(GET "/docs" => meta::docs_root),
        route!(GET "/docs/{*file}" => meta::docs_file),
        route!(POST "/api/v1/auth/register" => auth::register),
        route!(POST "/api/v1/auth/login" => auth::login),
        route!(POST "/api/v1/auth/refresh" => auth::refresh),
        route!(POST "/api/v1/auth/logout" => auth::logout),
        route!(POST "/api/v1/auth/oidc" => auth::oidc_exchange),
        route!(GET "/api/v1/auth/me" => auth::me),
        route!(GET "/api/v1/users" => users::search),
        route!(GET "/api/v1/users/me" => users::get_me),
        route!(PATCH "/api/v1/users/me" => users::update_me),
        route!(PUT "/api/v1/users/me/status" => users::set_status),
        route!(GET "/api/v1/users/{id}" => users::get),
        route!(GET "/api/v1/avatars" => meta::avatars),
        route!(GET "/api/v1/avatars/{file}" => meta::avatar_image),
        route!(POST "/api/v1/admin/users/{id}/suspend" => admin::suspend),
        route!(POST "/api/v1/admin/users/{id}/restore" => admin::restore),
    ]
}
