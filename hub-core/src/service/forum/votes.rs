//! Voting on posts and comments: one vote per person per item (1, -1, or 0 to take it back);
//! the counts are recounted from the votes under the item's row lock, so they stay exact
//! however many vote at once. Voting on your own item is allowed unless
//! `forum.allow_self_votes` is off, and counts once like anyone's.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{CommentId, PostId, UserId};
use crate::protocol::v1::VoteView;
use crate::rules::forum;
use crate::service::{Caller, Hub, now};
use crate::store::Votable;

impl Hub {
    /// Votes on a post.
    pub async fn vote_post(&self, caller: &Caller, id: &PostId, value: i64) -> Result<VoteView> {
        let post = self.post_by_id(id).await?;
        self.cast_vote(caller, Votable::Post, id.as_str(), post.author_id.as_ref(), value)
            .await
    }

    /// Votes on a comment.
    pub async fn vote_comment(&self, caller: &Caller, id: &CommentId, value: i64) -> Result<VoteView> {
        let comment = self.comment_by_id(id).await?;
        self.cast_vote(caller, Votable::Comment, id.as_str(), comment.author_id.as_ref(), value)
            .await
    }

    async fn cast_vote(
        &self,
        caller: &Caller,
        votable: Votable,
        id: &str,
        author: Option<&UserId>,
        value: i64,
    ) -> Result<VoteView> {
        self.charge_action(caller).await?;
        let value = forum::validate_vote(value)?;
        if author == Some(&caller.user.id) && !self.inner.config.forum.allow_self_votes {
            return Err(Error::forbidden("you cannot vote on what you wrote"));
        }
        let (counts, event) = self
            .inner
            .store
            .vote(votable, id, &caller.user.id, value, now())
            .await?
            .ok_or_else(|| Error::new(ErrorKind::Conflict, "a deleted item takes no votes").with_field("id"))?;
        self.publish(event);
        Ok(VoteView {
            score: counts.score,
            upvotes: counts.upvotes,
            downvotes: counts.downvotes,
            my_vote: value,
        })
    }
}
