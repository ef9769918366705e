//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes and the
//! protocol types' schemas. A test holds its paths against the route table.

use hub_core::model::UserStatus;
use hub_core::protocol::v1::{
    AdminUserView, AvatarView, ErrorBody, ErrorDetail, HealthView, LoginRequest, MeView,
    OidcExchangeRequest, RefreshRequest, RegisterRequest, SetStatusRequest, TokenResponse,
    UpdateProfileRequest, UserView,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers::{admin, auth, meta, users};

/// hub's API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "hub", description = "REST API of hub, the self-hostable team and community hub. \
        Errors are `{\"error\": {\"code\", \"message\", \"field\"?, \"details\"?}}`; \
        lists are `{\"items\", \"next_cursor\"}`; times are RFC 3339 UTC."),
    paths(
        meta::healthz, meta::readyz, meta::metrics, meta::openapi_json, meta::docs_root, meta::docs_file,
        auth::register, auth::login, auth::refresh, auth::logout, auth::oidc_exchange, auth::me,
        users::search, users::get_me, users::update_me, users::set_status, users::get,
        meta::avatars, meta::avatar_image,
        admin::suspend, admin::restore,
    ),
    components(schemas(
        RegisterRequest, LoginRequest, RefreshRequest, OidcExchangeRequest, TokenResponse, UserView, MeView,
        AdminUserView, UpdateProfileRequest, SetStatusRequest, UserStatus, AvatarView, ErrorBody, ErrorDetail,
        HealthView,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts, sessions and tokens"),
        (name = "users", description = "Profiles and people search"),
        (name = "admin", description = "Site-admin actions"),
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
                    .description(Some("An access token from /api/v1/auth/login, or the identity provider's RS256 token"))
                    .build(),
            ),
        );
    }
}

/// The document as JSON bytes.
pub fn document_json() -> Vec<u8> {
    ApiDoc::openapi()
        .to_json()
        .map(String::into_bytes)
        .unwrap_or_default()
}
