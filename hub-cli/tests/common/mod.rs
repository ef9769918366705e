//! What the CLI's end-to-end stories share: a real hub-server with a site admin, the real `hub`
//! binary run with a private config folder, and members made over the API.

#![allow(dead_code, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use hub_core::client::Client;
use hub_core::model::{ChannelId, ChannelKind};
use hub_core::protocol::v1::{CreateChannelRequest, RegisterRequest, SendMessageRequest};
use hub_tests::{Backend, TestServer};
use serde_json::Value;
use tempfile::TempDir;

pub mod sandbox;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const PASSWORD: &str = hub_tests::PASSWORD;

/// A plain message with `content`.
pub fn say(content: &str) -> SendMessageRequest {
    SendMessageRequest {
        content: content.to_owned(),
        client_id: None,
        parent_id: None,
        file_ids: Vec::new(),
    }
}

/// A public channel `name` made by `owner` (and its `topic`), which `members` join.
pub async fn public_channel(
    owner: &Client,
    name: &str,
    topic: Option<&str>,
    members: &[&Client],
) -> Result<ChannelId, Box<dyn std::error::Error>> {
    let channel = owner
        .create_channel(&CreateChannelRequest {
            name: name.to_owned(),
            kind: ChannelKind::Public,
            description: None,
            topic: topic.map(str::to_owned),
        })
        .await?
        .channel
        .id;
    for member in members {
        member.join_channel(&channel, None).await?;
    }
    Ok(channel)
}

/// A server with a site admin `boss`, and a folder for the CLI's profiles.
pub struct Scene {
    pub base: String,
    pub config_home: TempDir,
    server: Option<TestServer>,
}

pub async fn scene(backend: &Backend) -> Result<Scene, Box<dyn std::error::Error>> {
    scene_with(backend, |_| {}).await
}

/// A scene whose server's configuration `adjust` may change first.
pub async fn scene_with(
    backend: &Backend,
    adjust: impl FnOnce(&mut hub_core::Config),
) -> Result<Scene, Box<dyn std::error::Error>> {
    let server = TestServer::start_with(backend, adjust).await;
    server.new_admin("boss").await;
    Ok(Scene {
        base: server.base.clone(),
        config_home: tempfile::tempdir()?,
        server: Some(server),
    })
}

impl Scene {
    /// The running server.
    pub fn server(&self) -> &TestServer {
        self.server.as_ref().expect("the scene's server runs")
    }

    /// Stops the server and starts it again on the same address and data.
    pub async fn restart_server(&mut self) {
        let server = self.server.take().expect("the scene's server runs");
        self.server = Some(server.restart().await);
    }

    /// The `hub` binary with the scene's config folder and no `HUB_*` variables from outside.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hub"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HUB_") {
                command.env_remove(name);
            }
        }
        command.env("XDG_CONFIG_HOME", self.config_home.path());
        command
    }

    /// Runs `hub args...` with `stdin`, the scene's config folder and no `HUB_*` variables.
    pub async fn hub(&self, args: &[&str], stdin: &str) -> Result<Output, Box<dyn std::error::Error>> {
        let mut command = self.command();
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let stdin = stdin.to_owned();
        let output = tokio::task::spawn_blocking(move || -> std::io::Result<Output> {
            let mut child = command.spawn()?;
            if let Some(mut input) = child.stdin.take() {
                input.write_all(stdin.as_bytes())?;
            }
            child.wait_with_output()
        })
        .await??;
        Ok(output)
    }

    /// `hub auth login` as the site admin `boss`, the password on stdin.
    pub async fn sign_in_as_boss(&self) -> Result<Output, Box<dyn std::error::Error>> {
        let args = [
            "auth",
            "login",
            "--server",
            &self.base,
            "--username",
            "boss",
            "--password-stdin",
        ];
        self.hub(&args, &format!("{PASSWORD}\n")).await
    }

    /// `hub args...`, which must succeed; its stdout read as JSON.
    pub async fn json(&self, args: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(serde_json::from_str(&self.ok(args).await?)?)
    }

    /// `hub args...`, which must succeed; its stdout.
    pub async fn ok(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = self.hub(args, "").await?;
        if !output.status.success() {
            return Err(format!(
                "hub {args:?}: {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(String::from_utf8(output.stdout)?)
    }

    pub async fn member(&self, username: &str) -> Result<Client, Box<dyn std::error::Error>> {
        let mut client = Client::new(&self.base)?;
        client
            .register(&RegisterRequest {
                username: username.to_owned(),
                password: PASSWORD.to_owned(),
                email: None,
                full_name: None,
            })
            .await?;
        Ok(client)
    }
}
