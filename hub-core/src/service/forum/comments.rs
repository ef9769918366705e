//! Commenting, editing and deleting comments, and reading a post's comment tree.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Comment, CommentId, CommentSort, PostId};
use crate::protocol::v1::{ChannelEvent, CommentView, CreateCommentRequest, UpdateCommentRequest};
use crate::rules::forum;
use crate::service::{Caller, Hub, Paged, now};
use crate::store::Votable;

impl Hub {
    /// Comments on a post, or replies to a comment of the same post. A deleted post takes no
    /// comments; replies go at most `forum.max_comment_depth` deep.
    pub async fn create_comment(
        &self,
        caller: &Caller,
        post: &PostId,
        request: CreateCommentRequest,
    ) -> Result<CommentView> {
        self.charge_action(caller).await?;
        let limits = &self.inner.config.forum;
        let body = forum::validate_comment(&request.body, limits.max_comment_length)?;
        let on = self.post_by_id(post).await?;
        if on.deleted_at.is_some() {
            return Err(
                Error::new(ErrorKind::Conflict, "this post was deleted: it takes no new comments").with_field("id"),
            );
        }
        let (parent_id, root_id, depth) = match &request.parent_id {
            Some(parent) => {
                let parent = match self.inner.store.comment(parent).await? {
                    Some(parent) if &parent.post_id == post => parent,
                    _ => return Err(Error::invalid("parent_id", "parent_id is not a comment of this post")),
                };
                if parent.depth + 1 > limits.max_comment_depth {
                    let max = limits.max_comment_depth;
                    return Err(Error::invalid("parent_id", format!("replies go at most {max} deep"))
                        .with_details(serde_json::json!({ "max_comment_depth": max })));
                }
                (Some(parent.id.clone()), parent.root_id.clone(), parent.depth + 1)
            }
            None => (None, CommentId::generate(), 0),
        };
        let id = if parent_id.is_none() {
            root_id.clone()
        } else {
            CommentId::generate()
        };
        let comment = Comment {
            id,
            post_id: post.clone(),
            parent_id,
            root_id,
            depth,
            author_id: Some(caller.user.id.clone()),
            body,
            score: 0,
            upvotes: 0,
            downvotes: 0,
            reply_count: 0,
            created_at: now(),
            edited_at: None,
            deleted_at: None,
        };
        let view = CommentView::new(&comment, 0, false);
        let event_view = view.clone();
        let event = self
            .inner
            .store
            .insert_comment(&comment, || ChannelEvent::CommentCreated { comment: event_view })
            .await?;
        self.publish(event);
        Ok(view)
    }

    /// The author changes a comment; the earlier text is kept.
    pub async fn update_comment(
        &self,
        caller: &Caller,
        id: &CommentId,
        request: UpdateCommentRequest,
    ) -> Result<CommentView> {
        let old = self.comment_by_id(id).await?;
        if old.author_id.as_ref() != Some(&caller.user.id) {
            return Err(Error::forbidden("only the author may edit a comment"));
        }
        if old.deleted_at.is_some() {
            return Err(Error::new(ErrorKind::Conflict, "this comment was deleted").with_field("id"));
        }
        let body = forum::validate_comment(&request.body, self.inner.config.forum.max_comment_length)?;
        let (comment, event) = self
            .inner
            .store
            .update_comment(&old, &body, now(), |comment| ChannelEvent::CommentUpdated {
                comment: CommentView::new(comment, 0, false),
            })
            .await?;
        self.publish(event);
        let votes = self
            .my_votes(caller, Votable::Comment, &[comment.id.to_string()])
            .await?;
        Ok(CommentView::new(
            &comment,
            votes.get(comment.id.as_str()).copied().unwrap_or(0),
            false,
        ))
    }

    /// The author (or a site admin) deletes a comment: a tombstone that keeps its replies.
    pub async fn delete_comment(&self, caller: &Caller, id: &CommentId) -> Result<()> {
        let comment = self.comment_by_id(id).await?;
        if comment.author_id.as_ref() != Some(&caller.user.id) && !caller.user.is_superuser {
            return Err(Error::forbidden("only the author may delete a comment"));
        }
        if let Some(event) = self.inner.store.delete_comment(&comment, now()).await? {
            self.publish(event);
        }
        Ok(())
    }

    /// A post's comment tree, a page of top-level comments at a time (by score or newest),
    /// each followed by every reply under it, depth first, replies oldest first. Comments of
    /// people the caller does not hear from keep their place, hidden.
    pub async fn comment_tree(
        &self,
        caller: &Caller,
        post: &PostId,
        sort: CommentSort,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<CommentView>> {
        self.post_by_id(post).await?;
        let limit = self.page_size(limit)?;
        let store = &self.inner.store;
        let after = match cursor {
            Some(cursor) => match store.comment(&CommentId::from(cursor)).await? {
                Some(comment) if &comment.post_id == post && comment.parent_id.is_none() => Some(comment),
                _ => return Err(Error::invalid("cursor", "not a cursor of this tree")),
            },
            None => None,
        };
        let top = store.top_level_comments(post, sort, after.as_ref(), limit + 1).await?;
        let page = Paged::from_lookahead(top, limit, |comment| comment.id.to_string());
        let roots: Vec<CommentId> = page.items.iter().map(|comment| comment.id.clone()).collect();
        let mut children: HashMap<CommentId, Vec<Comment>> = HashMap::new();
        for reply in store.replies_under(&roots).await? {
            if let Some(parent) = reply.parent_id.clone() {
                children.entry(parent).or_default().push(reply);
            }
        }
        let mut ordered = Vec::new();
        for root in page.items {
            depth_first(root, &mut children, &mut ordered);
        }
        let ids: Vec<String> = ordered.iter().map(|comment| comment.id.to_string()).collect();
        let votes = self.my_votes(caller, Votable::Comment, &ids).await?;
        let hidden = self.hidden_authors(&caller.user.id).await?;
        Ok(Paged {
            items: ordered
                .iter()
                .map(|comment| {
                    let is_hidden = comment.author_id.as_ref().is_some_and(|author| hidden.contains(author));
                    CommentView::new(comment, votes.get(comment.id.as_str()).copied().unwrap_or(0), is_hidden)
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// The comment with `id`, or not found.
    pub(crate) async fn comment_by_id(&self, id: &CommentId) -> Result<Comment> {
        self.inner
            .store
            .comment(id)
            .await?
            .ok_or_else(|| Error::not_found("comment"))
    }
}

/// Appends `comment` and everything under it to `out`, each reply after its parent.
fn depth_first(comment: Comment, children: &mut HashMap<CommentId, Vec<Comment>>, out: &mut Vec<Comment>) {
    let replies = children.remove(&comment.id).unwrap_or_default();
    out.push(comment);
    for reply in replies {
        depth_first(reply, children, out);
    }
}
