//! Writing, editing, deleting, reading and listing posts.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Post, PostId, PostSort, TimeWindow, UserId};
use crate::protocol::v1::{ChannelEvent, CreatePostRequest, PostView, UpdatePostRequest};
use crate::rules::forum;
use crate::service::{Caller, Hub, Paged, now};
use crate::store::{PostQuery, Votable};

/// What `GET /posts` asks for.
#[derive(Debug, Clone)]
pub struct PostListQuery {
    /// `new`, `top` or `hot`.
    pub sort: PostSort,
    /// How far back `top` (and `hot`) look.
    pub window: TimeWindow,
    /// Only posts with this tag.
    pub tag: Option<String>,
    /// Only this author's posts.
    pub author: Option<UserId>,
}

impl Hub {
    /// Writes a post.
    pub async fn create_post(&self, caller: &Caller, request: CreatePostRequest) -> Result<PostView> {
        self.charge_action(caller).await?;
        let limits = &self.inner.config.forum;
        let title = forum::validate_title(&request.title, limits.max_title_length)?;
        let body = forum::validate_post_body(&request.body, limits.max_post_length)?;
        let tags = forum::validate_tags(&request.tags, limits.max_tags_per_post)?;
        let created_at = now();
        let post = Post {
            id: PostId::generate(),
            author_id: Some(caller.user.id.clone()),
            title,
            body,
            score: 0,
            upvotes: 0,
            downvotes: 0,
            hot_rank: forum::hot_rank(0, created_at),
            comment_count: 0,
            created_at,
            edited_at: None,
            deleted_at: None,
        };
        let view = PostView::new(&post, tags.clone(), 0);
        let event_view = view.clone();
        let event = self
            .inner
            .store
            .insert_post(&post, &tags, || ChannelEvent::PostCreated { post: event_view })
            .await?;
        self.publish(event);
        Ok(view)
    }

    /// One post (a deleted one is a tombstone, still readable with its comments).
    pub async fn post(&self, caller: &Caller, id: &PostId) -> Result<PostView> {
        let post = self.post_by_id(id).await?;
        Ok(self.post_views(caller, vec![post]).await?.remove(0))
    }

    /// The author changes a post's title, body or tags; the earlier version is kept.
    pub async fn update_post(&self, caller: &Caller, id: &PostId, request: UpdatePostRequest) -> Result<PostView> {
        let old = self.own_live_post(caller, id).await?;
        let limits = &self.inner.config.forum;
        let title = match &request.title {
            Some(title) => forum::validate_title(title, limits.max_title_length)?,
            None => old.title.clone(),
        };
        let body = match &request.body {
            Some(body) => forum::validate_post_body(body, limits.max_post_length)?,
            None => old.body.clone(),
        };
        let tags = request
            .tags
            .as_deref()
            .map(|tags| forum::validate_tags(tags, limits.max_tags_per_post))
            .transpose()?;
        let current_tags = match &tags {
            Some(tags) => tags.clone(),
            None => self
                .tags_of(std::slice::from_ref(id))
                .await?
                .remove(id)
                .unwrap_or_default(),
        };
        let event_tags = current_tags.clone();
        let (post, event) = self
            .inner
            .store
            .update_post(&old, &title, &body, tags.as_deref(), now(), |post| {
                ChannelEvent::PostUpdated {
                    post: PostView::new(post, event_tags, 0),
                }
            })
            .await?;
        self.publish(event);
        let my_vote = self
            .my_votes(caller, Votable::Post, std::slice::from_ref(&post.id.to_string()))
            .await?;
        Ok(PostView::new(
            &post,
            current_tags,
            my_vote.get(post.id.as_str()).copied().unwrap_or(0),
        ))
    }

    /// The author deletes a post: a tombstone that keeps its comments readable.
    pub async fn delete_post(&self, caller: &Caller, id: &PostId) -> Result<()> {
        let post = self.post_by_id(id).await?;
        if post.author_id.as_ref() != Some(&caller.user.id) && !caller.user.is_superuser {
            return Err(Error::forbidden("only the author may delete a post"));
        }
        if let Some(event) = self.inner.store.delete_post(id, now()).await? {
            self.publish(event);
        }
        Ok(())
    }

    /// A page of posts: `new` (cursors never skip or repeat), or `top`/`hot` (a cursor is the
    /// last post's place in that order; a post whose score changes between two pages may be
    /// seen twice or missed). `window` bounds `top` and `hot` by age.
    pub async fn posts(
        &self,
        caller: &Caller,
        query: PostListQuery,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<PostView>> {
        let limit = self.page_size(limit)?;
        // Filters are checked like the values they match: a tag a post could not have, or an
        // author that is not an id, is a mistake to name rather than an empty page.
        let tag = match &query.tag {
            Some(tag) => forum::validate_tags(std::slice::from_ref(tag), 1)?.pop(),
            None => None,
        };
        crate::rules::paging::id_cursor("author", query.author.as_ref().map(UserId::as_str))?;
        let after = match cursor {
            Some(cursor) => Some(
                self.inner
                    .store
                    .post(&PostId::from(cursor))
                    .await?
                    .ok_or_else(|| Error::invalid("cursor", "not a cursor of this list"))?,
            ),
            None => None,
        };
        let since = match query.sort {
            PostSort::New => None,
            PostSort::Top | PostSort::Hot => forum::window_start(query.window, now()),
        };
        let posts = self
            .inner
            .store
            .posts(&PostQuery {
                viewer: &caller.user.id,
                sort: query.sort,
                tag: tag.as_deref(),
                author: query.author.as_ref(),
                since,
                after: after.as_ref(),
                limit: limit + 1,
            })
            .await?;
        let page = Paged::from_lookahead(posts, limit, |post| post.id.to_string());
        Ok(Paged {
            items: self.post_views(caller, page.items).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// The post with `id`, or not found.
    pub(crate) async fn post_by_id(&self, id: &PostId) -> Result<Post> {
        self.inner.store.post(id).await?.ok_or_else(|| Error::not_found("post"))
    }

    /// The caller's own post, not deleted.
    async fn own_live_post(&self, caller: &Caller, id: &PostId) -> Result<Post> {
        let post = self.post_by_id(id).await?;
        if post.author_id.as_ref() != Some(&caller.user.id) {
            return Err(Error::forbidden("only the author may edit a post"));
        }
        if post.deleted_at.is_some() {
            return Err(Error::new(ErrorKind::Conflict, "this post was deleted").with_field("id"));
        }
        Ok(post)
    }

    async fn tags_of(&self, posts: &[PostId]) -> Result<HashMap<PostId, Vec<String>>> {
        let mut tags: HashMap<PostId, Vec<String>> = HashMap::new();
        for (post, tag) in self.inner.store.post_tags(posts).await? {
            tags.entry(post).or_default().push(tag);
        }
        Ok(tags)
    }

    /// The caller's votes on `items`, by id.
    pub(crate) async fn my_votes(
        &self,
        caller: &Caller,
        votable: Votable,
        items: &[String],
    ) -> Result<HashMap<String, i64>> {
        Ok(self
            .inner
            .store
            .my_votes(votable, &caller.user.id, items)
            .await?
            .into_iter()
            .collect())
    }

    /// Views of `posts` as `caller` sees them: tags and their own votes.
    pub(crate) async fn post_views(&self, caller: &Caller, posts: Vec<Post>) -> Result<Vec<PostView>> {
        let ids: Vec<PostId> = posts.iter().map(|post| post.id.clone()).collect();
        let mut tags = self.tags_of(&ids).await?;
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let votes = self.my_votes(caller, Votable::Post, &texts).await?;
        Ok(posts
            .iter()
            .map(|post| {
                let my_vote = votes.get(post.id.as_str()).copied().unwrap_or(0);
                PostView::new(post, tags.remove(&post.id).unwrap_or_default(), my_vote)
            })
            .collect())
    }
}
