//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes and the
//! protocol types' schemas. A test holds its paths against the route table.

use hub_core::model::{
    ChannelKind, ChannelRole, ChatAvailability, ChatRequestStatus, CommentSort, MentionKind, NotifyLevel, PostSort,
    ReportAction, ReportReason, ReportStatus, ReportTarget, TimeWindow, UserStatus,
};
use hub_core::protocol::v1::{
    AddMemberRequest, AdminReportView, AdminUserView, AuditEntryView, AvatarView, BanRequest, BanView,
    ChangePasswordRequest, ChannelEvent, ChannelView, ChatRequestView, ClientFrame, CommentView, ControlFrame,
    CreateChannelRequest, CreateChatRequestRequest, CreateCommentRequest, CreateDmRequest, CreatePostRequest,
    CreateReactionRequest, CreateReportRequest, CurrentContent, DismissReportRequest, EditMessageRequest, ErrorBody,
    ErrorDetail, EvidenceMessage, EvidenceUser, HealthView, JoinChannelRequest, JoinCodeView, LeaveReason,
    LoginRequest, MeView, MemberView, MentionView, MessageVersionView, MessageView, MyChannelView, NotifyRequest,
    OidcExchangeRequest, PinView, PostView, ReactionCountView, ReactionUsersView, ReactionView, ReadRequest,
    RefreshRequest, RegisterRequest, RelationView, ReportDetailView, ReportEvidence, ReportOutcomeView, ReportView,
    ResolveReportRequest, SavedView, SendMessageRequest, SetRoleRequest, SetStatusRequest, StoredEvent, SuspendRequest,
    ThreadView, TimeoutRequest, TokenResponse, UpdateChannelRequest, UpdateCommentRequest, UpdatePostRequest,
    UpdateProfileRequest, UserView, VoiceParticipant, VoteRequest, VoteView,
};
use hub_core::protocol::v1::{CloseAccountRequest, ErasedView, ReasonRequest, RevokedSessionsView, SessionView};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers::{admin, auth, channels, forum, messages, meta, privacy, reports, safety, users};

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
    ),
    components(schemas(
        RegisterRequest, LoginRequest, RefreshRequest, OidcExchangeRequest, TokenResponse, UserView, MeView,
        AdminUserView, UpdateProfileRequest, ChangePasswordRequest, SetStatusRequest, UserStatus, AvatarView, ErrorBody, ErrorDetail,
        HealthView, CreateChannelRequest, UpdateChannelRequest, ChannelView, MyChannelView, JoinChannelRequest,
        JoinCodeView, MemberView, AddMemberRequest, SetRoleRequest, TimeoutRequest, BanRequest, BanView, ReadRequest,
        NotifyRequest, CreateDmRequest, SendMessageRequest, EditMessageRequest, MessageView, ReactionCountView,
        ThreadView, MessageVersionView, MentionView, ReactionUsersView, ReactionView, CreateReactionRequest, PinView,
        SavedView, CreateReportRequest, ReportView, AdminReportView, ReportDetailView, ReportEvidence,
        EvidenceMessage, EvidenceUser, CurrentContent, ResolveReportRequest, DismissReportRequest, ReportOutcomeView,
        SuspendRequest, ReasonRequest, SessionView, RevokedSessionsView, AuditEntryView, RelationView, CreateChatRequestRequest, ChatRequestView, ChatRequestStatus,
        ChatAvailability, ErasedView, CloseAccountRequest, CreatePostRequest, UpdatePostRequest, PostView, CreateCommentRequest, UpdateCommentRequest,
        CommentView, VoteRequest, VoteView, PostSort, TimeWindow, CommentSort, ReportTarget, ReportReason, ReportStatus, ReportAction, ClientFrame, ControlFrame, VoiceParticipant, ChannelKind, ChannelRole, NotifyLevel, MentionKind, ChannelEvent, StoredEvent, LeaveReason,
    )),
    modifiers(&BearerAuth),
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

/// The document as JSON bytes.
pub fn document_json() -> Vec<u8> {
    ApiDoc::openapi().to_json().map(String::into_bytes).unwrap_or_default()
}
