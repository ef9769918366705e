//! `/api/v1/reports*` and `/api/v1/admin/reports*`, `/api/v1/admin/audit-log`: reporting, the
//! reporter's own reports, the moderators' queue and the audit log.

use chrono::{DateTime, Utc};
use hub_core::Result;
use hub_core::model::{ReportId, ReportReason, ReportStatus, ReportTarget, UserId};
use hub_core::protocol::v1::{
    AdminReportView, AuditEntryView, CreateReportRequest, DismissReportRequest, ErrorBody, Page, ReportDetailView,
    ReportOutcomeView, ReportView, ResolveReportRequest,
};
use hub_core::service::{AuditQuery, ReportQuery};
use serde::Deserialize;
use utoipa::IntoParams;
use warp::http::StatusCode;

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Query of `GET /reports/mine`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Query of `GET /admin/reports`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `open` (the default), `resolved` or `dismissed`.
    #[serde(default)]
    status: Option<ReportStatus>,
    /// `user`, `message`, `post` or `comment`.
    #[serde(default)]
    target_type: Option<ReportTarget>,
    /// One of the report reasons.
    #[serde(default)]
    reason: Option<ReportReason>,
    /// Only reports made since this time (RFC 3339).
    #[serde(default)]
    since: Option<DateTime<Utc>>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Query of `GET /admin/audit-log`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogQuery {
    /// Only this actor's entries (a user id).
    #[serde(default)]
    actor: Option<UserId>,
    /// Only this action, e.g. `report.resolve`, `user.suspend`.
    #[serde(default)]
    action: Option<String>,
    /// Only entries about this target id.
    #[serde(default)]
    target: Option<String>,
    /// Only entries since this time (RFC 3339).
    #[serde(default)]
    since: Option<DateTime<Utc>>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Report a user or a message you can see, for a reason; what it says now is kept as evidence.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "Reported", body = ReportView),
        (status = 404, description = "No such target (or one you cannot see)", body = ErrorBody),
        (status = 409, description = "You already have an open report on it", body = ErrorBody),
        (status = 422, description = "Unknown reason or target type, details too long, yourself", body = ErrorBody),
    ))]
pub async fn create(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let report = state.hub.create_report(&caller, request.json()?).await?;
    ApiResponse::json(StatusCode::CREATED, &report)
}

/// Your reports, newest first, with their status.
#[utoipa::path(get, path = "/api/v1/reports/mine", tag = "reports", security(("bearer" = [])), params(MineQuery),
    responses((status = 200, body = Page<ReportView>)))]
pub async fn mine(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: MineQuery = request.query()?;
    let page = state
        .hub
        .my_reports(&caller, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// The report queue, oldest first (site admins).
#[utoipa::path(get, path = "/api/v1/admin/reports", tag = "reports", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = Page<AdminReportView>), (status = 403, body = ErrorBody)))]
pub async fn queue(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: QueueQuery = request.query()?;
    let filter = ReportQuery {
        status: query.status,
        target_type: query.target_type,
        reason: query.reason,
        since: query.since,
    };
    let page = state
        .hub
        .report_queue(&caller, filter, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}

/// One report with its evidence, the content now, the people and the author's history.
#[utoipa::path(get, path = "/api/v1/admin/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = ReportDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detail(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.report_detail(&caller, &request.id::<ReportId>("id")?).await?)
}

/// Resolve an open report: `none`, `delete_content`, `suspend` (with `duration`) or `ban`.
#[utoipa::path(post, path = "/api/v1/admin/reports/{id}/resolve", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = ResolveReportRequest,
    responses(
        (status = 200, body = ReportOutcomeView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already resolved or dismissed", body = ErrorBody),
        (status = 422, description = "An action that does not fit the target, a bad duration, no note", body = ErrorBody),
    ))]
pub async fn resolve(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: ResolveReportRequest = request.json()?;
    let outcome = state
        .hub
        .resolve_report(&caller, &request.id::<ReportId>("id")?, body)
        .await?;
    ApiResponse::ok(&outcome)
}

/// Dismiss an open report: nothing to act on.
#[utoipa::path(post, path = "/api/v1/admin/reports/{id}/dismiss", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = DismissReportRequest,
    responses(
        (status = 200, body = ReportOutcomeView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already resolved or dismissed", body = ErrorBody),
    ))]
pub async fn dismiss(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let body: DismissReportRequest = request.json()?;
    let outcome = state
        .hub
        .dismiss_report(&caller, &request.id::<ReportId>("id")?, body)
        .await?;
    ApiResponse::ok(&outcome)
}

/// What moderators and site admins did, newest first.
#[utoipa::path(get, path = "/api/v1/admin/audit-log", tag = "reports", security(("bearer" = [])), params(AuditLogQuery),
    responses((status = 200, body = Page<AuditEntryView>), (status = 403, body = ErrorBody)))]
pub async fn audit_log(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let query: AuditLogQuery = request.query()?;
    let filter = AuditQuery {
        actor: query.actor,
        action: query.action,
        target: query.target,
        since: query.since,
    };
    let page = state
        .hub
        .audit_log(&caller, filter, query.limit, query.cursor.as_deref())
        .await?;
    ApiResponse::ok(&Page::from(page))
}
