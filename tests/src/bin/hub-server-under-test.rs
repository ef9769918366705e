//! The server as the end-to-end suites start it in a process of its own (to kill it with
//! SIGKILL, say): the same entry point as `hub-server`, built with the suites so that
//! `CARGO_BIN_EXE_hub-server-under-test` names it.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    hub_server::serve::main().await
}
