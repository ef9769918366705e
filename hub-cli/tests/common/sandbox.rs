//! A temporary data folder and the `hub` binary run against it with nothing else from the
//! environment: the operator's commands that work straight on the database.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// The password the sandbox's accounts get.
pub const STRONG_PASSWORD: &str = "correct horse battery staple";

/// A temporary data folder and a way to run `hub` against it with nothing else from the
/// environment of the test run.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Result<Sandbox, std::io::Error> {
        Ok(Sandbox {
            dir: tempfile::tempdir()?,
        })
    }

    /// Runs `hub args...`, feeding `stdin` when given (standard input is otherwise empty and
    /// not a terminal).
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<Output, std::io::Error> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hub"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HUB_") {
                command.env_remove(name);
            }
        }
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("HUB_DATA_DIR", self.dir.path())
            // Cheap hashing keeps the test quick; the policy checks do not depend on it.
            .env("HUB_AUTH__ARGON2_MEMORY_KIB", "1024")
            .env("HUB_AUTH__ARGON2_ITERATIONS", "1")
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes())?;
        }
        child.wait_with_output()
    }

    /// Runs `hub args...` and insists that it succeeds; returns its stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> Result<String, Box<dyn std::error::Error>> {
        let output = self.run(args, stdin)?;
        if !output.status.success() {
            return Err(format!(
                "hub {args:?} failed with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(String::from_utf8(output.stdout)?)
    }

    pub fn create(&self, username: &str, extra: &[&str]) -> Result<Output, std::io::Error> {
        let mut args = vec!["users", "create", username, "--password-stdin"];
        args.extend_from_slice(extra);
        self.run(&args, Some(&format!("{STRONG_PASSWORD}\n")))
    }

    /// Every account, from `users list --all --json`.
    pub fn users(&self) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
        let stdout = self.ok(&["users", "list", "--local", "--all", "--json"], None)?;
        stdout.lines().map(|line| Ok(serde_json::from_str(line)?)).collect()
    }
}
