//! Handlers: each extracts its input, calls one hub service and maps the result. [`routes`] is
//! the table of every route the server has.

pub mod admin;
pub mod assistant;
pub mod auth;
pub mod channels;
pub mod files;
pub mod forum;
pub mod messages;
pub mod meta;
pub mod privacy;
pub mod reports;
pub mod safety;
pub mod search;
pub mod users;

use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::Method;

use crate::router::Route;

/// Query of the searchable lists (`GET /users`, `GET /channels`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a name (case-insensitive); empty lists all.
    #[serde(default)]
    pub q: Option<String>,
    /// Page size (default 50, at most `limits.max_page_size`).
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `?reason=` of the `DELETE` routes that are moderators' actions (kept in the audit log).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReasonQuery {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One table row: `route!(GET "/path" => module::handler)`.
macro_rules! route {
    ($method:ident $path:literal => $handler:path) => {
        Route {
            method: Method::$method,
            path: $path,
            handler: |state, request| Box::pin($handler(state, request)),
            streams_body: false,
        }
    };
    ($method:ident $path:literal => $handler:path, streaming) => {
        Route {
            method: Method::$method,
            path: $path,
            handler: |state, request| Box::pin($handler(state, request)),
            streams_body: true,
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
        route!(PUT "/api/v1/users/me/password" => users::change_password),
        route!(PUT "/api/v1/users/me/status" => users::set_status),
        route!(GET "/api/v1/users/{id}" => users::get),
        route!(GET "/api/v1/avatars" => meta::avatars),
        route!(GET "/api/v1/avatars/{file}" => meta::avatar_image),
        route!(POST "/api/v1/admin/users/{id}/suspend" => admin::suspend),
        route!(POST "/api/v1/admin/users/{id}/restore" => admin::restore),
        route!(GET "/api/v1/admin/users" => admin::list),
        route!(GET "/api/v1/admin/users/{id}" => admin::show),
        route!(DELETE "/api/v1/admin/users/{id}" => admin::delete),
        route!(POST "/api/v1/admin/users/{id}/promote" => admin::promote),
        route!(POST "/api/v1/admin/users/{id}/demote" => admin::demote),
        route!(GET "/api/v1/admin/users/{id}/sessions" => admin::sessions),
        route!(DELETE "/api/v1/admin/users/{id}/sessions" => admin::revoke_sessions),
        route!(DELETE "/api/v1/admin/users/{id}/sessions/{session_id}" => admin::revoke_session),
        route!(GET "/api/v1/posts" => forum::list),
        route!(POST "/api/v1/posts" => forum::create),
        route!(GET "/api/v1/posts/{id}" => forum::get),
        route!(PATCH "/api/v1/posts/{id}" => forum::update),
        route!(DELETE "/api/v1/posts/{id}" => forum::delete),
        route!(POST "/api/v1/posts/{id}/vote" => forum::vote_post),
        route!(GET "/api/v1/posts/{id}/comments" => forum::comments),
        route!(POST "/api/v1/posts/{id}/comments" => forum::comment),
        route!(PATCH "/api/v1/comments/{id}" => forum::update_comment),
        route!(DELETE "/api/v1/comments/{id}" => forum::delete_comment),
        route!(POST "/api/v1/comments/{id}/vote" => forum::vote_comment),
        route!(GET "/api/v1/users/me/export" => privacy::export),
        route!(DELETE "/api/v1/users/me/messages" => privacy::erase_messages),
        route!(DELETE "/api/v1/users/me/posts" => privacy::erase_posts),
        route!(DELETE "/api/v1/users/me/comments" => privacy::erase_comments),
        route!(DELETE "/api/v1/users/me" => privacy::close_account),
        route!(GET "/api/v1/users/me/mutes" => safety::mutes),
        route!(PUT "/api/v1/users/me/mutes/{user_id}" => safety::mute),
        route!(DELETE "/api/v1/users/me/mutes/{user_id}" => safety::unmute),
        route!(GET "/api/v1/users/me/blocks" => safety::blocks),
        route!(PUT "/api/v1/users/me/blocks/{user_id}" => safety::block),
        route!(DELETE "/api/v1/users/me/blocks/{user_id}" => safety::unblock),
        route!(GET "/api/v1/chat-requests" => safety::chat_requests),
        route!(POST "/api/v1/chat-requests" => safety::send_chat_request),
        route!(POST "/api/v1/chat-requests/{id}/accept" => safety::accept),
        route!(POST "/api/v1/chat-requests/{id}/decline" => safety::decline),
        route!(POST "/api/v1/chat-requests/{id}/cancel" => safety::cancel),
        route!(POST "/api/v1/reports" => reports::create),
        route!(GET "/api/v1/reports/mine" => reports::mine),
        route!(GET "/api/v1/admin/reports" => reports::queue),
        route!(GET "/api/v1/admin/reports/{id}" => reports::detail),
        route!(POST "/api/v1/admin/reports/{id}/resolve" => reports::resolve),
        route!(POST "/api/v1/admin/reports/{id}/dismiss" => reports::dismiss),
        route!(GET "/api/v1/admin/audit-log" => reports::audit_log),
        route!(POST "/api/v1/ai/message" => assistant::ask),
        route!(GET "/api/v1/ai/context" => assistant::context),
        route!(POST "/api/v1/files" => files::upload, streaming),
        route!(GET "/api/v1/files/{id}" => files::get),
        route!(DELETE "/api/v1/files/{id}" => files::delete),
        route!(GET "/api/v1/files/{id}/download" => files::download),
        route!(GET "/api/v1/search/messages" => search::messages),
        route!(GET "/api/v1/search/files" => search::files),
        route!(GET "/api/v1/search/channels" => search::channels),
        route!(GET "/api/v1/search/users" => search::users),
        route!(GET "/api/v1/search/posts" => search::posts),
        route!(GET "/api/v1/channels" => channels::list),
        route!(POST "/api/v1/channels" => channels::create),
        route!(GET "/api/v1/channels/mine" => channels::mine),
        route!(GET "/api/v1/channels/{id}" => channels::get),
        route!(PATCH "/api/v1/channels/{id}" => channels::update),
        route!(DELETE "/api/v1/channels/{id}" => channels::archive),
        route!(POST "/api/v1/channels/{id}/join" => channels::join),
        route!(POST "/api/v1/channels/{id}/leave" => channels::leave),
        route!(POST "/api/v1/channels/{id}/join-code" => channels::rotate_join_code),
        route!(GET "/api/v1/channels/{id}/members" => channels::members),
        route!(POST "/api/v1/channels/{id}/members" => channels::add_member),
        route!(DELETE "/api/v1/channels/{id}/members/{user_id}" => channels::kick),
        route!(PUT "/api/v1/channels/{id}/members/{user_id}/role" => channels::set_role),
        route!(PUT "/api/v1/channels/{id}/members/{user_id}/timeout" => channels::time_out),
        route!(DELETE "/api/v1/channels/{id}/members/{user_id}/timeout" => channels::end_time_out),
        route!(GET "/api/v1/channels/{id}/bans" => channels::bans),
        route!(PUT "/api/v1/channels/{id}/bans/{user_id}" => channels::ban),
        route!(DELETE "/api/v1/channels/{id}/bans/{user_id}" => channels::unban),
        route!(POST "/api/v1/channels/{id}/read" => channels::mark_read),
        route!(PUT "/api/v1/channels/{id}/notifications" => channels::set_notifications),
        route!(GET "/api/v1/channels/{id}/pins" => channels::pins),
        route!(PUT "/api/v1/channels/{id}/pins/{message_id}" => channels::pin),
        route!(DELETE "/api/v1/channels/{id}/pins/{message_id}" => channels::unpin),
        route!(POST "/api/v1/dms" => channels::open_dm),
        route!(GET "/api/v1/channels/{id}/messages" => messages::history),
        route!(POST "/api/v1/channels/{id}/messages" => messages::send),
        route!(GET "/api/v1/messages/{id}" => messages::get),
        route!(PATCH "/api/v1/messages/{id}" => messages::edit),
        route!(DELETE "/api/v1/messages/{id}" => messages::delete),
        route!(GET "/api/v1/messages/{id}/history" => messages::versions),
        route!(GET "/api/v1/messages/{id}/thread" => messages::thread),
        route!(GET "/api/v1/mentions" => messages::mentions),
        route!(GET "/api/v1/messages/{id}/reactions" => messages::reactions),
        route!(PUT "/api/v1/messages/{id}/reactions/{emoji}" => messages::react),
        route!(DELETE "/api/v1/messages/{id}/reactions/{emoji}" => messages::unreact),
        route!(GET "/api/v1/reactions" => messages::catalog),
        route!(POST "/api/v1/reactions" => messages::create_reaction),
        route!(GET "/api/v1/ws" => meta::websocket),
        route!(GET "/api/v1/users/me/saved" => messages::saved),
        route!(PUT "/api/v1/users/me/saved/{message_id}" => messages::save),
        route!(DELETE "/api/v1/users/me/saved/{message_id}" => messages::unsave),
    ]
}
