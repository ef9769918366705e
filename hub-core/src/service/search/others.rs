//! Searching files, channels, people and the forum: the same parsed query and paging as messages,
//! over smaller indexes.

use crate::error::Result;
use crate::model::{CommentId, PostId};
use crate::protocol::v1::{ChannelHit, ChannelView, CommentView, FileHit, FileView, PostHit, UserHit, UserView};
use crate::rules::search;
use crate::service::{Caller, Hub, Paged};
use crate::store::Votable;

impl Hub {
    /// Channels whose name, topic or description match, among those the caller may see
    /// (direct conversations are found through their messages instead).
    pub async fn search_channels(
        &self,
        caller: &Caller,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<ChannelHit>> {
        let prepared = self.prepare_search(q, limit, cursor)?;
        let found = self
            .inner
            .store
            .search_channels(Self::searcher(caller), &prepared.query, prepared.lookahead())
            .await?;
        let words = self.inner.config.search.snippet_words;
        Ok(self.search_page(&prepared, found).map(|channel| ChannelHit {
            snippet: search::snippet_of_fields(
                &[&channel.name, &channel.topic, &channel.description],
                &prepared.query,
                words,
            ),
            channel: ChannelView::from(&channel),
        }))
    }

    /// Files whose name matches, among those the caller may fetch.
    pub async fn search_files(
        &self,
        caller: &Caller,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<FileHit>> {
        let prepared = self.prepare_search(q, limit, cursor)?;
        let found = self
            .inner
            .store
            .search_files(Self::searcher(caller), &prepared.query, prepared.lookahead())
            .await?;
        let words = self.inner.config.search.snippet_words;
        Ok(self.search_page(&prepared, found).map(|file| FileHit {
            snippet: search::snippet(&file.name, &prepared.query, words),
            file: FileView::from(&file),
        }))
    }

    /// People whose username or full name match (site admins also find suspended accounts).
    pub async fn search_people(
        &self,
        caller: &Caller,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<UserHit>> {
        let prepared = self.prepare_search(q, limit, cursor)?;
        let found = self
            .inner
            .store
            .search_people(Self::searcher(caller), &prepared.query, prepared.lookahead())
            .await?;
        let words = self.inner.config.search.snippet_words;
        Ok(self.search_page(&prepared, found).map(|user| UserHit {
            snippet: search::snippet_of_fields(&[&user.username, &user.full_name], &prepared.query, words),
            user: UserView::from(&self.with_presence(user)),
        }))
    }

    /// Forum posts and comments that match, ranked together; a comment comes with its post.
    /// Deleted ones, those on deleted posts and those of people the caller does not hear from
    /// are left out.
    pub async fn search_posts(
        &self,
        caller: &Caller,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<PostHit>> {
        let prepared = self.prepare_search(q, limit, cursor)?;
        let found = self
            .inner
            .store
            .search_forum(Self::searcher(caller), &prepared.query, prepared.lookahead())
            .await?;
        let page = self.search_page(&prepared, found);
        let words = self.inner.config.search.snippet_words;
        let mut hits = Vec::with_capacity(page.items.len());
        for hit in &page.items {
            let (post_id, comment) = match hit.kind.as_str() {
                "comment" => {
                    let comment = self.comment_by_id(&CommentId::from(hit.item_id.clone())).await?;
                    (comment.post_id.clone(), Some(comment))
                }
                _ => (PostId::from(hit.item_id.clone()), None),
            };
            let post = self.post_by_id(&post_id).await?;
            let snippet = match &comment {
                Some(comment) => search::snippet(&comment.body, &prepared.query, words),
                None => search::snippet_of_fields(&[&post.title, &post.body], &prepared.query, words),
            };
            let comment = match comment {
                Some(comment) => {
                    let votes = self
                        .my_votes(caller, Votable::Comment, std::slice::from_ref(&hit.item_id))
                        .await?;
                    Some(CommentView::new(
                        &comment,
                        votes.get(&hit.item_id).copied().unwrap_or(0),
                        false,
                    ))
                }
                None => None,
            };
            let post = self.post_views(caller, vec![post]).await?.pop();
            if let Some(post) = post {
                hits.push(PostHit { post, comment, snippet });
            }
        }
        Ok(Paged {
            items: hits,
            next_cursor: page.next_cursor,
        })
    }
}
