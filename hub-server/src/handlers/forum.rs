//! `/api/v1/posts*` and `/api/v1/comments*`: the forum.

use hub_core::Result;
use hub_core::model::{CommentId, CommentSort, PostId, PostSort, TimeWindow, UserId};
use hub_core::protocol::v1::{
    CommentView, CreateCommentRequest, CreatePostRequest, ErrorBody, Page, PostView, UpdateCommentRequest,
    UpdatePostRequest, VoteRequest, VoteView,
};
use hub_core::service::PostListQuery;
use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /posts`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostsQuery {
    /// `new` (the default), `top` or `hot`.
    #[serde(default)]
    sort: Option<PostSort>,
    /// For `top` and `hot`: `day`, `week`, `month` or `all` (the default).
    #[serde(default)]
    window: Option<TimeWindow>,
    /// Only posts with this tag.
    #[serde(default)]
    tag: Option<String>,
    /// Only this author's posts (a user id).
    #[serde(default)]
    author: Option<UserId>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Query of `GET /posts/{id}/comments`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentsQuery {
    /// Top-level order: `top` (the default) or `new`.
    #[serde(default)]
    sort: Option<CommentSort>,
    /// Top-level comments per page (each comes with every reply under it).
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Posts: newest first, or `top`/`hot` within a time window; `tag` and `author` filter.
/// A `new` cursor never skips or repeats; a `top`/`hot` cursor is the last post's place in that
/// order, so a post whose score changes between pages may be seen twice or missed.
#[utoipa::path(get, path = "/api/v1/posts", tag = "forum", security(("bearer" = [])), params(PostsQuery),
    responses((status = 200, body = Page<PostView>), (status = 422, body = ErrorBody)))]
pub async fn list(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: PostsQuery = request.query()?;
    let filter = PostListQuery {
        sort: query.sort.unwrap_or(PostSort::New),
        window: query.window.unwrap_or(TimeWindow::All),
        tag: query.tag,
        author: query.author,
    };
    let page = state
        .hub
        .posts(&caller, filter, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Write a post.
#[utoipa::path(post, path = "/api/v1/posts", tag = "forum", security(("bearer" = [])), request_body = CreatePostRequest,
    responses((status = 201, body = PostView), (status = 422, description = "Title, body or tags break a rule", body = ErrorBody)))]
pub async fn create(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let post = state.hub.create_post(&caller, request.json()?).await?;
    ApiResponse::json(StatusCode::CREATED, &post)
}

/// One post (a deleted one is a tombstone).
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn get(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.post(&caller, &request.id::<PostId>("id")?).await?)
}

/// The author edits a post (the earlier version is kept).
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")), request_body = UpdatePostRequest,
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: UpdatePostRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .update_post(&caller, &request.id::<PostId>("id")?, body)
            .await?,
    )
}

/// The author (or a site admin) deletes a post; its comments stay readable.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state.hub.delete_post(&caller, &request.id::<PostId>("id")?).await?;
    Ok(ApiResponse::no_content())
}

/// Vote on a post: 1, -1, or 0 to take the vote back.
#[utoipa::path(post, path = "/api/v1/posts/{id}/vote", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")), request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn vote_post(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: VoteRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .vote_post(&caller, &request.id::<PostId>("id")?, body.value)
            .await?,
    )
}

/// A post's comment tree: a page of top-level comments, each followed by the replies under it.
#[utoipa::path(get, path = "/api/v1/posts/{id}/comments", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), CommentsQuery),
    responses((status = 200, body = Page<CommentView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comments(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: CommentsQuery = request.query()?;
    let page = state
        .hub
        .comment_tree(
            &caller,
            &request.id::<PostId>("id")?,
            query.sort.unwrap_or(CommentSort::Top),
            query.limit,
            query.cursor.as_deref(),
        )
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// Comment on a post, or reply to one of its comments (`parent_id`).
#[utoipa::path(post, path = "/api/v1/posts/{id}/comments", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")), request_body = CreateCommentRequest,
    responses(
        (status = 201, body = CommentView),
        (status = 404, body = ErrorBody),
        (status = 422, description = "A deleted post, a parent of another post, too deep, empty", body = ErrorBody),
    ))]
pub async fn comment(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: CreateCommentRequest = request.json()?;
    let comment = state
        .hub
        .create_comment(&caller, &request.id::<PostId>("id")?, body)
        .await?;
    ApiResponse::json(StatusCode::CREATED, &comment)
}

/// The author edits a comment (the earlier text is kept).
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")), request_body = UpdateCommentRequest,
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_comment(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: UpdateCommentRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .update_comment(&caller, &request.id::<CommentId>("id")?, body)
            .await?,
    )
}

/// The author (or a site admin) deletes a comment; its replies stay.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_comment(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state
        .hub
        .delete_comment(&caller, &request.id::<CommentId>("id")?)
        .await?;
    Ok(ApiResponse::no_content())
}

/// Vote on a comment: 1, -1, or 0 to take the vote back.
#[utoipa::path(post, path = "/api/v1/comments/{id}/vote", tag = "forum", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")), request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn vote_comment(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: VoteRequest = request.json()?;
    ApiResponse::ok(
        &state
            .hub
            .vote_comment(&caller, &request.id::<CommentId>("id")?, body.value)
            .await?,
    )
}
