//! The assistant: ask it (`POST /ai/message`), or see what it would read (`GET /ai/context`).

use hub_core::Result;
use hub_core::model::ChannelId;
use hub_core::protocol::v1::{AnswerView, AskRequest, ContextView, ErrorBody};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /ai/context`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContextQuery {
    /// The question.
    q: String,
    /// Look only in this channel.
    #[serde(default)]
    channel_id: Option<ChannelId>,
}

/// Ask the assistant: it answers from the messages the caller may read (in `channel_id` only,
/// when given) and lists them as sources. 503 when its model fails or takes too long.
#[utoipa::path(post, path = "/api/v1/ai/message", tag = "assistant", security(("bearer" = [])), request_body = AskRequest,
    responses((status = 200, body = AnswerView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, description = "The model failed or timed out", body = ErrorBody)))]
pub async fn ask(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: AskRequest = request.json()?;
    ApiResponse::ok(&state.hub.ask_assistant(&caller, body).await?)
}

/// The messages the assistant would read for a question, best first, with scores and
/// neighbours.
#[utoipa::path(get, path = "/api/v1/ai/context", tag = "assistant", security(("bearer" = [])), params(ContextQuery),
    responses((status = 200, body = ContextView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn context(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: ContextQuery = request.query()?;
    ApiResponse::ok(
        &state
            .hub
            .assistant_context(&caller, &query.q, query.channel_id.as_ref())
            .await?,
    )
}
