//! The reaction catalog: system reactions seeded by a migration, custom ones added by site admins.

use crate::error::Result;
use crate::protocol::v1::{CreateReactionRequest, ReactionView};
use crate::rules::reactions::{validate_image_url, validate_reaction_code};
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, now, require_superuser};

impl Hub {
    /// Every reaction there is.
    pub async fn reaction_catalog(&self) -> Result<Vec<ReactionView>> {
        let reactions = self.inner.store.reaction_catalog().await?;
        Ok(reactions.iter().map(ReactionView::from).collect())
    }

    /// Adds a custom reaction (site admins).
    pub async fn create_reaction(&self, caller: &Caller, request: CreateReactionRequest) -> Result<ReactionView> {
        require_superuser(caller)?;
        let code = validate_reaction_code(&request.emoji)?;
        let image_url = validate_image_url(&request.image_url)?;
        let reaction = self
            .inner
            .store
            .insert_custom_reaction(&code, &image_url, &caller.user.id, now())
            .await?;
        let audited = Audited {
            action: "reaction.create",
            target_type: "reaction",
            target_id: &reaction.code,
            reason: "",
            details: serde_json::json!({ "image_url": reaction.image_url }),
        };
        self.audit(Some(&caller.user.id), audited).await?;
        Ok(ReactionView::from(&reaction))
    }
}
