//! Runs every `hub bench` workload briefly, as an operator would, against a real hub-server
//! started in this process (SQLite in a temporary folder, per-user limits lifted, cheap password
//! hashing), and checks that each exits 0 and prints its figures; and that a server that is not
//! there is one clear error. The figures themselves are not judged: a test machine's are noise.

use std::process::{Command, Output};

use hub_core::{Config, Hub};
use tempfile::TempDir;
use tokio::sync::oneshot;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A hub-server serving on a loopback port until dropped.
struct Server {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    _data: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start_server() -> Result<Server, Box<dyn std::error::Error>> {
    let data = tempfile::tempdir()?;
    let mut config = Config {
        data_dir: data.path().to_path_buf(),
        database_url: Some(format!("sqlite://{}", data.path().join("hub.db").display())),
        jwt_secret: Some("bench-test-secret-bench-test-secret-0123456789".to_owned()),
        ..Config::default()
    };
    config.auth.argon2_memory_kib = 1024;
    config.auth.argon2_iterations = 1;
    config.gateway.messages_per_second = 1_000_000.0;
    config.gateway.messages_burst = 1_000_000.0;
    config.gateway.max_connections_per_user = 1000;
    let hub = Hub::open(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(hub_server::run(listener, hub, async {
        let _ = stopped.await;
    }));
    Ok(Server {
        base,
        stop: Some(stop),
        _data: data,
    })
}

/// Runs `hub bench args... --server base` with nothing from the test run's `HUB_*` variables.
fn hub_bench(base: &str, args: &[&str]) -> std::io::Result<Output> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hub"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HUB_") {
            command.env_remove(name);
        }
    }
    command.arg("bench").args(args).args(["--server", base]).output()
}

async fn run_bench(base: &str, args: &'static [&'static str]) -> Result<String, Box<dyn std::error::Error>> {
    let base = base.to_owned();
    let output = tokio::task::spawn_blocking(move || hub_bench(&base, args)).await??;
    if !output.status.success() {
        return Err(format!(
            "hub bench {args:?} failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workload_runs_and_prints_its_figures() -> TestResult {
    let server = start_server().await?;
    let workloads: [(&[&str], &[&str]); 6] = [
        (
            &["fanout", "--members", "4", "--senders", "2", "--duration", "500ms"],
            &["hub bench fanout", "stored:", "delivered:", "send→receive:   p50"],
        ),
        (
            &[
                "fanout",
                "--members",
                "3",
                "--senders",
                "1",
                "--rate",
                "50",
                "--duration",
                "500ms",
            ],
            &["paced at 50 msg/s", "send→receive:   p50"],
        ),
        (
            &["dm", "--pairs", "2", "--duration", "500ms"],
            &["hub bench dm", "messages:", "round trip:     p50"],
        ),
        (
            &["idle", "--connections", "20", "--users", "2", "--hold", "100ms"],
            &["accepted:", "server memory:", "KiB per connection", "ping→pong:"],
        ),
        (
            &[
                "history",
                "--messages",
                "40",
                "--channels",
                "2",
                "--readers",
                "2",
                "--duration",
                "300ms",
            ],
            &["seeded:         40 messages", "requests:", "latency:        p50"],
        ),
        (
            &[
                "login",
                "--rate",
                "5",
                "--duration",
                "500ms",
                "--members",
                "3",
                "--senders",
                "1",
                "--chat-rate",
                "20",
            ],
            &[
                "--- chat alone",
                "--- chat + logins",
                "chat p99:",
                "login latency:  p50",
            ],
        ),
    ];
    for (args, expected) in workloads {
        let stdout = run_bench(&server.base, args).await?;
        for line in expected {
            assert!(
                stdout.contains(line),
                "hub bench {args:?} did not print {line:?}:\n{stdout}"
            );
        }
    }

    // The history channels are kept: a second run reads without seeding again.
    let again = run_bench(
        &server.base,
        &[
            "history",
            "--messages",
            "40",
            "--channels",
            "2",
            "--readers",
            "1",
            "--duration",
            "200ms",
        ],
    )
    .await?;
    assert!(!again.contains("seeded:"), "{again}");
    Ok(())
}

#[test]
fn an_unreachable_server_is_one_clear_error() -> TestResult {
    // Port 9 (discard) on loopback: nothing listens there.
    let output = hub_bench("http://127.0.0.1:9", &["dm", "--pairs", "1", "--duration", "1s"])?;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr)?;
    assert!(
        stderr.starts_with("hub: cannot reach a hub server at http://127.0.0.1:9"),
        "{stderr}"
    );

    let output = hub_bench("ftp://example.invalid", &["dm"])?;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr)?.contains("bad --server"));
    Ok(())
}
