//! [`Client`] calls for accounts, tokens and profiles (`/auth/*`, `/users/*`).

use reqwest::Method;

use super::{Client, PageParams, Result};
use crate::model::{UserId, UserStatus};
use crate::protocol::v1::{
    ChangePasswordRequest, LoginRequest, MeView, OidcExchangeRequest, Page, RefreshRequest, RegisterRequest,
    SetStatusRequest, TokenResponse, UpdateProfileRequest, UserView,
};

impl Client {
    /// `POST /auth/register`: makes the account and signs this client in with it.
    pub async fn register(&mut self, request: &RegisterRequest) -> Result<TokenResponse> {
        let tokens: TokenResponse = self
            .fetch(self.request(Method::POST, &["auth", "register"], &[]).json(request))
            .await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /auth/login` (JSON): signs this client in.
    pub async fn login(&mut self, username: &str, password: &str) -> Result<TokenResponse> {
        let body = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let tokens: TokenResponse = self
            .fetch(self.request(Method::POST, &["auth", "login"], &[]).json(&body))
            .await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /auth/refresh`: spends `refresh_token` for a new pair and uses the new access token.
    pub async fn refresh(&mut self, refresh_token: &str) -> Result<TokenResponse> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        let tokens: TokenResponse = self
            .fetch(self.request(Method::POST, &["auth", "refresh"], &[]).json(&body))
            .await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /auth/oidc`: exchanges an identity provider's token for hub tokens and uses them.
    pub async fn oidc_exchange(&mut self, provider_token: &str) -> Result<TokenResponse> {
        let body = OidcExchangeRequest {
            token: provider_token.to_owned(),
        };
        let tokens: TokenResponse = self
            .fetch(self.request(Method::POST, &["auth", "oidc"], &[]).json(&body))
            .await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `POST /auth/logout`: ends the session of `refresh_token` and forgets the access token.
    pub async fn logout(&mut self, refresh_token: &str) -> Result<()> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        self.execute(self.request(Method::POST, &["auth", "logout"], &[]).json(&body))
            .await?;
        self.set_token(None);
        Ok(())
    }

    /// `GET /auth/me`: the signed-in user, with email and admin flag.
    pub async fn me(&self) -> Result<MeView> {
        self.fetch(self.request(Method::GET, &["auth", "me"], &[])).await
    }

    /// `GET /users?q=`: people whose username or display name contains `query` (empty: everyone).
    pub async fn search_users(&self, query: &str, page: &PageParams) -> Result<Page<UserView>> {
        let mut pairs = vec![("q", query.to_owned())];
        pairs.extend(page.pairs());
        self.fetch(self.request(Method::GET, &["users"], &pairs)).await
    }

    /// `GET /users/{id}`: a public profile.
    pub async fn user(&self, user_id: &UserId) -> Result<UserView> {
        self.fetch(self.request(Method::GET, &["users", user_id.as_str()], &[]))
            .await
    }

    /// `PATCH /users/me`: changes the fields that are `Some`; `Some(None)` clears `avatar_url` or
    /// `email`.
    pub async fn update_profile(&self, request: &UpdateProfileRequest) -> Result<MeView> {
        // Absent fields are left out of the JSON and `Some(None)` is `null` ("clear it").
        self.fetch(self.request(Method::PATCH, &["users", "me"], &[]).json(request))
            .await
    }

    /// `PUT /users/me/password`: every session of the account ends; this client goes on with
    /// the new one it is given.
    pub async fn change_password(&mut self, current_password: &str, new_password: &str) -> Result<TokenResponse> {
        let body = ChangePasswordRequest {
            current_password: current_password.to_owned(),
            new_password: new_password.to_owned(),
        };
        let tokens: TokenResponse = self
            .fetch(self.request(Method::PUT, &["users", "me", "password"], &[]).json(&body))
            .await?;
        self.set_token(Some(tokens.access_token.clone()));
        Ok(tokens)
    }

    /// `PUT /users/me/status`.
    pub async fn set_status(&self, status: UserStatus) -> Result<MeView> {
        let body = SetStatusRequest { status };
        self.fetch(self.request(Method::PUT, &["users", "me", "status"], &[]).json(&body))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_patch_sends_only_what_changes() -> serde_json::Result<()> {
        let bio_only = UpdateProfileRequest {
            bio: Some("hi".into()),
            ..UpdateProfileRequest::default()
        };
        assert_eq!(serde_json::to_value(&bio_only)?, serde_json::json!({"bio": "hi"}));

        let clear_avatar = UpdateProfileRequest {
            avatar_url: Some(None),
            email: Some(Some("a@example.org".into())),
            ..UpdateProfileRequest::default()
        };
        let body = serde_json::to_value(&clear_avatar)?;
        assert_eq!(body, serde_json::json!({"avatar_url": null, "email": "a@example.org"}));
        let closed = UpdateProfileRequest {
            chat_availability: Some(crate::model::ChatAvailability::Closed),
            ..UpdateProfileRequest::default()
        };
        assert_eq!(
            serde_json::to_value(&closed)?,
            serde_json::json!({"chat_availability": "closed"})
        );
        // And the server's reading of it is the request we meant.
        let read: UpdateProfileRequest = serde_json::from_value(body)?;
        assert_eq!(read.avatar_url, Some(None));
        assert_eq!(read.email, Some(Some("a@example.org".into())));
        assert_eq!(read.full_name, None);
        Ok(())
    }
}
