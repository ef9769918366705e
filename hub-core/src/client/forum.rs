//! [`Client`] calls for the forum: posts, comment trees and votes.

use reqwest::Method;

use super::{Client, PageParams, Result};
use crate::model::{CommentId, CommentSort, PostId, PostSort, TimeWindow};
use crate::protocol::v1::{
    CommentView, CreateCommentRequest, CreatePostRequest, Page, PostView, UpdatePostRequest, VoteRequest, VoteView,
};

impl Client {
    /// `GET /posts`: a page of posts in `sort` order (`top` and `hot` within `window`).
    pub async fn posts(
        &self,
        sort: PostSort,
        window: Option<TimeWindow>,
        tag: Option<&str>,
        page: &PageParams,
    ) -> Result<Page<PostView>> {
        let mut pairs = page.pairs();
        pairs.push(("sort", sort.as_str().to_owned()));
        if let Some(window) = window {
            pairs.push(("window", window.as_str().to_owned()));
        }
        if let Some(tag) = tag {
            pairs.push(("tag", tag.to_owned()));
        }
        self.fetch(self.request(Method::GET, &["posts"], &pairs)).await
    }

    /// `GET /posts/{id}`.
    pub async fn post(&self, id: &PostId) -> Result<PostView> {
        self.fetch(self.request(Method::GET, &["posts", id.as_str()], &[]))
            .await
    }

    /// `POST /posts`.
    pub async fn create_post(&self, request: &CreatePostRequest) -> Result<PostView> {
        self.fetch(self.request(Method::POST, &["posts"], &[]).json(request))
            .await
    }

    /// `PATCH /posts/{id}` (the author).
    pub async fn update_post(&self, id: &PostId, request: &UpdatePostRequest) -> Result<PostView> {
        self.fetch(self.request(Method::PATCH, &["posts", id.as_str()], &[]).json(request))
            .await
    }

    /// `DELETE /posts/{id}`.
    pub async fn delete_post(&self, id: &PostId) -> Result<()> {
        self.execute(self.request(Method::DELETE, &["posts", id.as_str()], &[]))
            .await
    }

    /// `POST /posts/{id}/vote` with +1, -1 or 0 (take the vote back).
    pub async fn vote_post(&self, id: &PostId, value: i64) -> Result<VoteView> {
        self.fetch(
            self.request(Method::POST, &["posts", id.as_str(), "vote"], &[])
                .json(&VoteRequest { value }),
        )
        .await
    }

    /// `GET /posts/{id}/comments`: a page of top-level comments, each followed by every reply
    /// under it, depth first.
    pub async fn comments(&self, id: &PostId, sort: CommentSort, page: &PageParams) -> Result<Page<CommentView>> {
        let mut pairs = page.pairs();
        pairs.push(("sort", sort.as_str().to_owned()));
        self.fetch(self.request(Method::GET, &["posts", id.as_str(), "comments"], &pairs))
            .await
    }

    /// `POST /posts/{id}/comments` (a reply when `parent_id` is set).
    pub async fn create_comment(&self, id: &PostId, request: &CreateCommentRequest) -> Result<CommentView> {
        self.fetch(
            self.request(Method::POST, &["posts", id.as_str(), "comments"], &[])
                .json(request),
        )
        .await
    }

    /// `POST /comments/{id}/vote` with +1, -1 or 0.
    pub async fn vote_comment(&self, id: &CommentId, value: i64) -> Result<VoteView> {
        self.fetch(
            self.request(Method::POST, &["comments", id.as_str(), "vote"], &[])
                .json(&VoteRequest { value }),
        )
        .await
    }
}
