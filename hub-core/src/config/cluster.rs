//! Settings of several nodes sharing one Redis (`HUB_CLUSTER__*`); `redis_url` turns it on.

use serde::{Deserialize, Serialize};

/// Soft state shared across nodes (`HUB_CLUSTER__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// How long a node's presence keys outlive its last heartbeat, in seconds
    /// (`HUB_CLUSTER__PRESENCE_TTL_SECS`): a node that dies leaves its users offline, and its
    /// callers out of their calls, within this. Nodes beat every third of it.
    pub presence_ttl_secs: f64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            presence_ttl_secs: 15.0,
        }
    }
}

impl ClusterConfig {
    /// The TTL, at least 300 ms (a heartbeat every 100 ms).
    pub fn presence_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.presence_ttl_secs.clamp(0.3, 86_400.0))
    }
}
