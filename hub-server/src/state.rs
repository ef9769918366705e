//! What every handler gets: the hub services, the metrics and the rendered API documents.

use std::sync::Arc;

use hub_core::Hub;

use crate::metrics::Metrics;

/// Shared server state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub hub: Hub,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// The OpenAPI document, rendered once.
    pub openapi: bytes::Bytes,
    /// Swagger UI's settings for `/docs`.
    pub swagger: Arc<utoipa_swagger_ui::Config<'static>>,
}
