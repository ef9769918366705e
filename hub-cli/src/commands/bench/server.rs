//! The server under test: its address checked once up front (so a typo or a stopped server is
//! one clear error, not a thousand failed connections), its REST and gateway URLs, and its
//! resident memory. Also [`Run`], the random tag that keeps each run's users apart.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher as _, Hasher as _};
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};
use hub_core::client::Client;

use crate::args::ServerOptions;

/// How long the first request may take before the server counts as unreachable.
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// The name of the resident-memory gauge on `/metrics`.
const RESIDENT_MEMORY_METRIC: &str = "hub_process_resident_memory_bytes";

/// A running hub-server that answered `/healthz`.
#[derive(Debug, Clone)]
pub struct Server {
    /// The root URL as given, without a trailing slash.
    base: String,
    /// An SDK client without a token; clone it per user.
    client: Client,
    /// `ws://.../api/v1/ws`, without a token.
    ws_url: String,
    /// Every node's gateway URL (`--server` first, then each `--also`), taken in turn.
    gateways: std::sync::Arc<[String]>,
    next_gateway: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// For the odd plain request (`/metrics`).
    http: reqwest::Client,
}

impl Server {
    /// Checks that `--server` is a URL and that a hub-server answers there.
    pub async fn reach(options: &ServerOptions) -> anyhow::Result<Server> {
        let client = Client::new(&options.server).context("bad --server")?;
        let base = client.base_url().as_str().trim_end_matches('/').to_owned();
        let ws_url = client.ws_url().to_string();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot set up an HTTP client")?;
        let mut gateways = vec![ws_url.clone()];
        for node in &options.also {
            let other = Client::new(node).context("bad --also")?;
            let health = format!("{}/healthz", other.base_url().as_str().trim_end_matches('/'));
            let answered = http.get(&health).timeout(REACH_TIMEOUT).send().await;
            if !answered.is_ok_and(|response| response.status().is_success()) {
                bail!("cannot reach the hub node at {node} (--also)");
            }
            gateways.push(other.ws_url().to_string());
        }
        let server = Server {
            base,
            client,
            ws_url,
            gateways: gateways.into(),
            next_gateway: std::sync::Arc::default(),
            http,
        };
        let healthz = server.url("/healthz");
        let response = server
            .http
            .get(&healthz)
            .timeout(REACH_TIMEOUT)
            .send()
            .await
            .with_context(|| {
                format!(
                    "cannot reach a hub server at {} (is hub-server running there? set --server or HUB_SERVER)",
                    server.base
                )
            })?;
        if !response.status().is_success() {
            bail!(
                "{healthz} answered {}: is {} a hub server?",
                response.status(),
                server.base
            );
        }
        Ok(server)
    }

    /// The root URL, for reports.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `base` + `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The gateway's URL, without a token.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// The next node's gateway URL, in turn (`--server`'s alone, without `--also`).
    pub fn next_gateway(&self) -> &str {
        let turn = self.next_gateway.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        &self.gateways[turn % self.gateways.len()]
    }

    /// How many nodes take gateway connections.
    pub fn nodes(&self) -> usize {
        self.gateways.len()
    }

    /// A fresh SDK client of this server, not signed in.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The server's resident memory in bytes: from `/proc/PID/status` when `pid` is given,
    /// else from the `hub_process_resident_memory_bytes` gauge on its `/metrics`.
    pub async fn resident_memory(&self, pid: Option<u32>) -> anyhow::Result<u64> {
        match pid {
            Some(pid) => proc_resident_memory(pid),
            None => {
                let text = self
                    .http
                    .get(self.url("/metrics"))
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .context("cannot read the server's /metrics")?
                    .text()
                    .await
                    .context("cannot read the server's /metrics")?;
                metric_value(&text, RESIDENT_MEMORY_METRIC).with_context(|| {
                    format!("the server's /metrics has no {RESIDENT_MEMORY_METRIC}: pass --server-pid PID")
                })
            }
        }
    }
}

/// `VmRSS` of a local process, in bytes.
fn proc_resident_memory(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .with_context(|| format!("no VmRSS line in {path}"))
}

/// The value of an unlabelled metric in the Prometheus text format.
fn metric_value(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|value| value.is_finite() && *value >= 0.0)
        .map(|value| value as u64)
}

/// One run of a workload: a short random tag in every name it makes, so that runs against the
/// same server never collide.
#[derive(Debug, Clone)]
pub struct Run {
    tag: String,
}

impl Run {
    /// A new random tag.
    pub fn random() -> Run {
        let mut hasher = RandomState::new().build_hasher();
        if let Ok(since_epoch) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            hasher.write_u128(since_epoch.as_nanos());
        }
        hasher.write_u32(std::process::id());
        Run {
            tag: format!("{:06x}", hasher.finish() & 0xff_ffff),
        }
    }

    /// The tag, six hex digits.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// `bench-<tag>-<role><index>`: a valid, unique username.
    pub fn username(&self, role: &str, index: usize) -> String {
        format!("bench-{}-{role}{index}", self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_read_from_the_text_format() {
        let text = "# HELP hub_process_resident_memory_bytes Resident memory\n\
                    # TYPE hub_process_resident_memory_bytes gauge\n\
                    hub_process_resident_memory_bytes_other 1\n\
                    hub_process_resident_memory_bytes 52428800\n";
        assert_eq!(metric_value(text, RESIDENT_MEMORY_METRIC), Some(52_428_800));
        assert_eq!(metric_value("hub_ws_connections 3\n", RESIDENT_MEMORY_METRIC), None);
    }

    #[test]
    fn usernames_are_short_and_distinct_per_run() {
        let (first, second) = (Run::random(), Run::random());
        let name = first.username("m", 9999);
        assert!(name.len() <= 32, "{name}");
        assert!(name.starts_with("bench-"));
        assert_ne!(first.username("m", 0), second.username("m", 0));
    }
}
