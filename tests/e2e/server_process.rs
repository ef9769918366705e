//! The real server binary (`hub-server-under-test`) in a process of its own, for the stories
//! that must kill it or read what it logs.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running server process; dropping it kills it.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl ServerProcess {
    /// Starts the server on a free port over `data_dir` and `database_url`, with `env` on top
    /// of the defaults below (no `HUB_*` of the test's own environment leaks in), writing its
    /// output to `log` (or nowhere), and waits until it answers.
    pub async fn start(data_dir: &Path, database_url: &str, env: &[(&str, &str)], log: Option<&Path>) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_hub-server-under-test"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HUB_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command
            .env("HUB_BIND", format!("127.0.0.1:{port}"))
            .env("HUB_DATA_DIR", data_dir)
            .env("HUB_DATABASE_URL", database_url)
            // Fixed, so tokens stay valid across restarts.
            .env("HUB_JWT_SECRET", "durability-test-secret-of-at-least-32-bytes")
            .env("HUB_GATEWAY__MESSAGES_PER_SECOND", "1000000")
            .env("HUB_GATEWAY__MESSAGES_BURST", "1000000")
            .env("RUST_LOG", "error");
        for (name, value) in env {
            command.env(name, value);
        }
        let (stdout, stderr) = match log {
            Some(path) => {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("the log file opens");
                let copy = file.try_clone().expect("the log file is shared");
                (Stdio::from(file), Stdio::from(copy))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        let child = command
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("the server starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|reply| reply.status().is_success())
        {
            assert!(Instant::now() < deadline, "the server did not come up at {base}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ServerProcess { child, base }
    }

    /// The most resident memory the process has had, in KiB (`VmHWM`).
    pub fn peak_memory_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc is readable");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM is in /proc/PID/status")
    }

    /// SIGKILL: no shutdown of any kind.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and wait for the graceful stop.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }

    /// POSTs `body` and returns the JSON answer, which must be a success.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = reqwest::Client::new().post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let reply = request.send().await.expect("the server answers");
        assert!(reply.status().is_success(), "POST {path}: {}", reply.status());
        reply.json().await.expect("JSON")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
