//! Shapes shared by every route: pages of a list, the error body, health answers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Error;

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A list that comes whole, in one page.
    pub fn whole(items: Vec<T>) -> Page<T> {
        Page {
            items,
            next_cursor: None,
        }
    }
}

/// Every error response: `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of an error response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `weak_password`, `token_expired`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Structured facts (the field, the limit that was passed, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HealthView {
    /// `ok`, or what is wrong.
    pub status: String,
    /// The server's version (`0.1.0`), for clients to warn about a mismatch. Absent from
    /// servers older than this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// This node's id (`/readyz`; `HUB_NODE_ID`, or generated at start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// The event bus (`/readyz`): `local` (one process), `redis` (reaching the other nodes)
    /// or `degraded` (Redis unreachable: this node's clients only, the rest caught up later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    /// The live nodes sharing this hub's Redis, this one included (`/readyz`, several nodes
    /// only; empty while Redis is away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<PeerView>>,
    /// How long the newest event from another node took to arrive here over the bus, in
    /// milliseconds (`/readyz`, several nodes only; the nodes' clocks must agree).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus_lag_ms: Option<u64>,
}

/// A live node of the hub (`/readyz`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PeerView {
    /// Its id (`HUB_NODE_ID`).
    pub node_id: String,
    /// How long ago it last beat, in milliseconds; past `cluster.presence_ttl_secs` it is
    /// taken for dead, its users offline.
    pub last_seen_ms: u64,
    /// Whether it is the node that answered.
    pub this_node: bool,
}

impl HealthView {
    /// `ok`, with this build's version.
    pub fn ok() -> Self {
        Self {
            status: "ok".to_owned(),
            version: Some(crate::rules::versions::THIS_BUILD.to_owned()),
            node_id: None,
            bus: None,
            peers: None,
            bus_lag_ms: None,
        }
    }
}

impl From<&Error> for ErrorBody {
    fn from(err: &Error) -> Self {
        let mut details = err.details.clone();
        if let Some(field) = &err.field {
            // `details.field` as well as `field`, so clients reading either find it.
            let map = details.get_or_insert_with(|| serde_json::json!({}));
            if let Some(object) = map.as_object_mut() {
                object.insert("field".to_owned(), serde_json::Value::String(field.clone()));
            }
        }
        ErrorBody {
            error: ErrorDetail {
                code: err.kind.code().to_owned(),
                message: err.message.clone(),
                field: err.field.clone(),
                details,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_carry_code_and_field() -> Result<(), serde_json::Error> {
        let err = Error::invalid("username", "too long");
        let body = serde_json::to_value(ErrorBody::from(&err))?;
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(body["error"]["field"], "username");
        assert_eq!(body["error"]["details"]["field"], "username");
        Ok(())
    }
}

/// Reads a JSON integer the way JSON Schema counts one: `1` and `1.0` alike (a client in a
/// language whose numbers are all floats sends the second), but not `1.5`.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(whole) = number.as_i64() {
        return Ok(whole);
    }
    match number.as_f64() {
        Some(float) if float.fract() == 0.0 && float.abs() < 9.0e15 => Ok(float as i64),
        _ => Err(serde::de::Error::custom(format!(
            "expected a whole number, got {number}"
        ))),
    }
}

#[cfg(test)]
mod whole_number_tests {
    #[derive(serde::Deserialize)]
    struct Vote {
        #[serde(deserialize_with = "super::whole_number")]
        value: i64,
    }

    fn value(json: &str) -> Option<i64> {
        serde_json::from_str::<Vote>(json).ok().map(|vote| vote.value)
    }

    #[test]
    fn whole_numbers_are_taken_as_integers_or_floats_and_fractions_are_not() {
        assert_eq!(value(r#"{"value": 1}"#), Some(1));
        assert_eq!(value(r#"{"value": -1.0}"#), Some(-1));
        assert_eq!(value(r#"{"value": 0.0}"#), Some(0));
        assert_eq!(value(r#"{"value": 0.5}"#), None);
        assert_eq!(value(r#"{"value": 1e300}"#), None);
        assert_eq!(value(r#"{"value": "1"}"#), None);
    }
}
