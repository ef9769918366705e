//! `update_profile`: the caller changes their own profile.

use crate::error::Result;
use crate::protocol::v1::{MeView, UpdateProfileRequest};
use crate::rules::{accounts, profile};
use crate::service::{Caller, Hub, now};
use crate::store::ProfileUpdate;

impl Hub {
    /// Validates each given field and stores them together.
    pub async fn update_profile(&self, caller: &Caller, request: UpdateProfileRequest) -> Result<MeView> {
        let update = ProfileUpdate {
            full_name: request
                .full_name
                .as_deref()
                .map(profile::validate_full_name)
                .transpose()?,
            bio: request.bio.as_deref().map(profile::validate_bio).transpose()?,
            avatar_url: match request.avatar_url {
                None => None,
                Some(None) => Some(None),
                Some(Some(url)) => Some(profile::validate_avatar_url(&url)?),
            },
            email: match request.email {
                None => None,
                Some(None) => Some(None),
                Some(Some(email)) if email.trim().is_empty() => Some(None),
                Some(Some(email)) => Some(Some(accounts::validate_email(&email)?)),
            },
            chat_availability: request.chat_availability,
        };
        let user = self.inner.store.update_profile(&caller.user.id, &update, now()).await?;
        Ok(MeView::from(&user))
    }
}
