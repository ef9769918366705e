//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes and the
//! protocol types' schemas, with the rules of the fields written in ([`constraints`]). A test
//! holds its paths against the route table.

use hub_core::model::{
    ChannelKind, ChannelRole, ChatAvailability, ChatRequestStatus, CommentSort, MentionKind, NotifyLevel, PostSort,
    ReportAction, ReportReason, ReportStatus, ReportTarget, TimeWindow, UserStatus,
};
use hub_core::protocol::v1::{
    AddMemberRequest, AdminReportView, AdminUserView, AuditEntryView, AvatarView, BanRequest, BanView,
    ChangePasswordRequest, ChannelEvent, ChannelView, ChatRequestView, ClientFrame, CommentView, ControlFrame,
    CreateChannelRequest, CreateChatRequestRequest, CreateCommentRequest, CreateDmRequest, CreatePostRequest,
    CreateReactionRequest, CreateReportRequest, CurrentContent, DismissReportRequest, EditMessageRequest, ErrorBody,
    ErrorDetail, EvidenceForum, EvidenceMessage, EvidenceUser, HealthView, JoinChannelRequest, JoinCodeView,
    LeaveReason, LoginRequest, MeView, MemberView, MentionView, MessageVersionView, MessageView, MyChannelView,
    NotifyRequest, OidcExchangeRequest, PeerView, PinView, PostView, ReactionCountView, ReactionUsersView,
    ReactionView, ReadRequest, RefreshRequest, RegisterRequest, RelationView, ReportDetailView, ReportEvidence,
    ReportOutcomeView, ReportView, ResolveReportRequest, SavedView, SendMessageRequest, SetRoleRequest,
    SetStatusRequest, StoredEvent, SuspendRequest, ThreadView, TimeoutRequest, TokenResponse, UpdateChannelRequest,
    UpdateCommentRequest, UpdatePostRequest, UpdateProfileRequest, UserView, VoiceParticipant, VoteRequest, VoteView,
};
use hub_core::protocol::v1::{
    AnswerView, AskRequest, ChannelHit, ContextItem, ContextView, FileHit, FileView, HitChannel, MessageHit, PostHit,
    SearchSort, SnippetSegment, SourceView, UserHit,
};
use hub_core::protocol::v1::{CloseAccountRequest, ErasedView, ReasonRequest, RevokedSessionsView, SessionView};
mod constraints;

use hub_core::config::Config;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers::{
    admin, assistant, auth, channels, files, forum, messages, meta, privacy, reports, safety, search, users,
};

/// hub's API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "hub", description = "REST API of hub, the self-hostable team and community hub. \
        Errors are `{\"error\": {\"code\", \"message\", \"field\"?, \"details\"?}}`; \
        lists are `{\"items\", \"next_cursor\"}`; times are RFC 3339 UTC."),
    paths(
        meta::healthz, meta::readyz, meta::metrics, meta::openapi_json, meta::docs_root, meta::docs_file,
        auth::register, auth::login, auth::refresh, auth::logout, auth::oidc_exchange, auth::me,
        users::search, users::get_me, users::update_me, users::change_password, users::set_status, users::get,
        meta::avatars, meta::avatar_image, meta::websocket,
        admin::suspend, admin::restore, admin::list, admin::show, admin::delete, admin::promote, admin::demote,
        admin::sessions, admin::revoke_sessions, admin::revoke_session,
        reports::create, reports::mine, reports::queue, reports::detail, reports::resolve, reports::dismiss,
        reports::audit_log,
        privacy::export, privacy::erase_messages, privacy::erase_posts, privacy::erase_comments,
        privacy::close_account,
        forum::list, forum::create, forum::get, forum::update, forum::delete, forum::vote_post, forum::comments,
        forum::comment, forum::update_comment, forum::delete_comment, forum::vote_comment,
        safety::mutes, safety::mute, safety::unmute, safety::blocks, safety::block, safety::unblock,
        safety::chat_requests, safety::send_chat_request, safety::accept, safety::decline, safety::cancel,
        channels::list, channels::create, channels::mine, channels::get, channels::update, channels::archive,
        channels::join, channels::leave, channels::rotate_join_code, channels::members, channels::add_member,
        channels::kick, channels::set_role, channels::time_out, channels::end_time_out, channels::bans,
        channels::ban, channels::unban, channels::mark_read, channels::set_notifications, channels::pins,
        channels::pin, channels::unpin, channels::open_dm,
        messages::history, messages::send, messages::get, messages::edit, messages::delete, messages::versions,
        messages::thread, messages::mentions, messages::reactions, messages::react, messages::unreact,
        messages::catalog, messages::create_reaction, messages::saved, messages::save, messages::unsave,
        search::messages, search::files, search::channels, search::users, search::posts,
        files::upload, files::get, files::download, files::delete,
        assistant::ask, assistant::context,
    ),
    components(schemas(
        RegisterRequest, LoginRequest, RefreshRequest, OidcExchangeRequest, TokenResponse, UserView, MeView,
        AdminUserView, UpdateProfileRequest, ChangePasswordRequest, SetStatusRequest, UserStatus, AvatarView, ErrorBody, ErrorDetail,
        HealthView, PeerView, CreateChannelRequest, UpdateChannelRequest, ChannelView, MyChannelView, JoinChannelRequest,
        JoinCodeView, MemberView, AddMemberRequest, SetRoleRequest, TimeoutRequest, BanRequest, BanView, ReadRequest,
        NotifyRequest, CreateDmRequest, SendMessageRequest, EditMessageRequest, MessageView, ReactionCountView,
        ThreadView, MessageVersionView, MentionView, ReactionUsersView, ReactionView, CreateReactionRequest, PinView,
        SavedView, CreateReportRequest, ReportView, AdminReportView, ReportDetailView, ReportEvidence, EvidenceForum,
        EvidenceMessage, EvidenceUser, CurrentContent, ResolveReportRequest, DismissReportRequest, ReportOutcomeView,
        SuspendRequest, ReasonRequest, SessionView, RevokedSessionsView, AuditEntryView, RelationView, CreateChatRequestRequest, ChatRequestView, ChatRequestStatus,
        ChatAvailability, ErasedView, CloseAccountRequest, CreatePostRequest, UpdatePostRequest, PostView, CreateCommentRequest, UpdateCommentRequest,
        CommentView, VoteRequest, VoteView, PostSort, TimeWindow, CommentSort, ReportTarget, ReportReason, ReportStatus, ReportAction, ClientFrame, ControlFrame, VoiceParticipant, ChannelKind, ChannelRole, NotifyLevel, MentionKind, ChannelEvent, StoredEvent, LeaveReason,
        safety::Direction, MessageHit, HitChannel, ChannelHit, UserHit, PostHit, SnippetSegment, SearchSort, FileView, FileHit,
        AskRequest, AnswerView, SourceView, ContextView, ContextItem,
    )),
    modifiers(&BearerAuth, &CommonErrors),
    tags(
        (name = "auth", description = "Accounts, sessions and tokens"),
        (name = "users", description = "Profiles and people search"),
        (name = "admin", description = "Site-admin actions"),
        (name = "reports", description = "Reports, the moderators' queue and the audit log"),
        (name = "safety", description = "Mute, block and chat requests"),
        (name = "forum", description = "Posts, comment trees and votes"),
        (name = "privacy", description = "Your data: export, erasure, closing the account"),
        (name = "channels", description = "Channels, membership, moderation, pins and direct conversations"),
        (name = "messages", description = "Messages, threads, versions, mentions and saved messages"),
        (name = "reactions", description = "The reaction catalog and reacting to messages"),
        (name = "search", description = "Full-text search over messages, channels, people and the forum"),
        (name = "files", description = "Uploads, downloads and attachments"),
        (name = "assistant", description = "The assistant bot, answering from what you may read"),
        (name = "realtime", description = "The WebSocket gateway"),
        (name = "meta", description = "Health, metrics and this document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from /api/v1/auth/login, or the identity provider's RS256 token",
                    ))
                    .build(),
            ),
        );
    }
}

/// The error answers every operation can give, added where its own attribute leaves them out,
/// so the document says what the server does (client generators and schemathesis read it):
/// 401 and 403 for a signed-in operation, 409 and 429 for one that changes something, 400, 413
/// and 422 for one with a body
/// (not a JSON object, too large, a field breaking a rule), 422 for one with parameters, and
/// 404 for one with an id in its path (absent, or not the caller's to see).
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for (index, operation) in operations.into_iter().enumerate() {
                let Some(operation) = operation else { continue };
                // get, put, post, delete, patch: all but the first change something.
                let changes_state = index > 0;
                let secured = operation.security.as_ref().is_some_and(|security| !security.is_empty());
                let has_body = operation.request_body.is_some();
                let has_parameters = operation
                    .parameters
                    .as_ref()
                    .is_some_and(|parameters| !parameters.is_empty());
                let mut add = |status: &str, description: &str| {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                if secured {
                    add("401", "missing_token, invalid_token or token_expired");
                    add("403", "forbidden: signed in, but not allowed to do this");
                }
                if secured && changes_state {
                    add(
                        "409",
                        "conflict: the thing is not in a state for this (deleted, archived, taken)",
                    );
                    add(
                        "429",
                        "rate_limited: too many actions; the Retry-After header says when to try again",
                    );
                }
                if has_body {
                    add("400", "invalid_json: the body is not a JSON object");
                    add("413", "payload_too_large: the body is over limits.max_body_bytes");
                }
                if has_body || has_parameters {
                    add(
                        "422",
                        "invalid_input: a field or parameter breaks a rule (error.field names it)",
                    );
                }
                if has_id {
                    add("404", "not_found: absent, or not the caller's to see");
                }
            }
        }
    }
}

/// The document as JSON bytes, with the rules and limits of a server running with `config`.
pub fn document_json(config: &Config) -> Vec<u8> {
    let Ok(mut document) = serde_json::to_value(ApiDoc::openapi()) else {
        return Vec::new();
    };
    constraints::apply(&mut document, config);
    serde_json::to_vec(&document).unwrap_or_default()
}
