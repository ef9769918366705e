//! Test harness for hub's end-to-end suites: start a real `hub-server` on `127.0.0.1:0` over
//! SQLite or PostgreSQL, make users, and talk to it over HTTP as a front end would.
//!
//! PostgreSQL suites run when `HUB_TEST_POSTGRES_URL` is set (`.ci/run` sets it); each server
//! gets a schema of its own in that database. Without the variable they say they were skipped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

pub mod oidc;
pub mod tmux;
pub mod ws;

use std::io::Write as _;

use hub_core::{Config, Hub};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// Which database a test server uses.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A SQLite file in the server's temporary data folder.
    Sqlite,
    /// A fresh schema in the PostgreSQL database at this URL.
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend, when `HUB_TEST_POSTGRES_URL` is set. Otherwise says (once, past
    /// the test harness's output capture) that the PostgreSQL suites are skipped.
    pub fn postgres() -> Option<Backend> {
        match std::env::var("HUB_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres(url)),
            _ => {
                announce_skip("PostgreSQL", "HUB_TEST_POSTGRES_URL");
                None
            }
        }
    }
}

/// Prints a skip notice once per process and `what`, straight to stderr so `cargo test` shows it.
pub fn announce_skip(what: &str, variable: &str) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !said.iter().any(|done| done == what) {
        said.push(what.to_owned());
        let _ = writeln!(
            std::io::stderr(),
            "\nnote: {what} suites skipped: set {variable} to run them (.ci/run does)\n"
        );
    }
}

/// The endpoint of an S3-compatible server for the file-storage suites, when
/// `HUB_TEST_S3_URL` is set (`.ci/run` starts one). Otherwise says that they are skipped.
pub fn s3_url() -> Option<String> {
    match std::env::var("HUB_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            announce_skip("S3 file storage", "HUB_TEST_S3_URL");
            None
        }
    }
}

/// A new, empty bucket on the S3-compatible server at `endpoint`; returns its name. (The test
/// servers accept any credentials; the bucket is made with a plain `PUT`.)
pub async fn new_s3_bucket(endpoint: &str) -> String {
    let bucket = format!("hub-test-{}", uuid::Uuid::new_v4().simple());
    let reply = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        reply.status().is_success(),
        "creating bucket {bucket}: {}",
        reply.status()
    );
    bucket
}

/// Points `config`'s file storage at `bucket` on `endpoint`.
pub fn use_s3(config: &mut Config, endpoint: &str, bucket: &str) {
    config.s3_bucket = Some(bucket.to_owned());
    config.s3_endpoint = Some(endpoint.to_owned());
    config.s3_access_key_id = Some("hub-test".to_owned());
    config.s3_secret_access_key = Some("hub-test-secret".to_owned());
    config.s3_path_style = true;
}

/// The Redis URL of the several-node suites, when `HUB_TEST_REDIS_URL` is set (and PostgreSQL,
/// which the nodes share, is too). Otherwise says that they are skipped.
pub fn redis_url() -> Option<String> {
    match std::env::var("HUB_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            announce_skip("Redis (several nodes)", "HUB_TEST_REDIS_URL");
            None
        }
    }
}

/// A running server and a client for it.
pub struct TestServer {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// The server's services, for set-up that has no route (making an admin).
    pub hub: Hub,
    /// An HTTP client.
    pub http: reqwest::Client,
    /// The configuration the server runs with.
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    data_dir: Option<tempfile::TempDir>,
}

/// A server stopped by [`TestServer::pause`], to start again on the same address and data.
pub struct Paused {
    address: String,
    config: Config,
    data_dir: Option<tempfile::TempDir>,
}

impl Paused {
    /// Starts the server again.
    pub async fn resume(self) -> TestServer {
        let mut attempts = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(&self.address).await {
                Ok(listener) => break listener,
                Err(err) if attempts < 50 => {
                    attempts += 1;
                    let _ = err;
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(err) => panic!("cannot bind {} again: {err}", self.address),
            }
        };
        let mut server = TestServer::start_on(listener, self.config).await;
        server.data_dir = self.data_dir;
        server
    }
}

/// A signed-up user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Id.
    pub id: String,
    /// Username.
    pub username: String,
    /// Current access token.
    pub access_token: String,
    /// Current refresh token.
    pub refresh_token: String,
}

/// A response: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Body.
    pub body: Value,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The field an error body names.
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self
    }

    /// Asserts an error status and code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        self.expect(status);
        assert_eq!(self.code(), code, "unexpected error code; body: {}", self.body);
        self
    }
}

/// Settings every test server starts from: cheap password hashing (the policy is the same, the
/// cost is not what these tests measure), a fixed secret, a generous rate limit and new
/// accounts open to direct conversations.
pub fn test_config(backend: &Backend, data_dir: &std::path::Path, database_url: String) -> Config {
    let mut config = Config {
        data_dir: data_dir.to_path_buf(),
        database_url: Some(database_url),
        jwt_secret: Some("test-secret-test-secret-test-secret-0123456789".to_owned()),
        ..Config::default()
    };
    config.auth.argon2_memory_kib = 1024;
    config.auth.argon2_iterations = 1;
    // Set-up sends many messages as one user at once; the stories about rate limits set their own.
    config.gateway.messages_per_second = 1000.0;
    config.gateway.messages_burst = 1000.0;
    // Stories about direct conversations open them freely; the consent stories set `requests`.
    config.safety.default_chat_availability = hub_core::model::ChatAvailability::Open;
    if let Backend::Postgres(_) = backend {
        config.database_max_connections = 5;
    }
    config
}

impl TestServer {
    /// A server with the default test configuration.
    pub async fn start(backend: &Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    /// A server whose configuration `adjust` may change first.
    pub async fn start_with(backend: &Backend, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", data_dir.path().join("hub.db").display()),
            Backend::Postgres(base) => postgres_schema_url(base).await,
        };
        let mut config = test_config(backend, data_dir.path(), database_url);
        adjust(&mut config);
        let mut server = Self::start_config(config).await;
        server.data_dir = Some(data_dir);
        server
    }

    /// A server with exactly `config` (its data folder is the caller's to keep).
    pub async fn start_config(config: Config) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::start_on(listener, config).await
    }

    /// Stops the server and starts it again on the same address and data (clients see the
    /// connection drop and come back).
    pub async fn restart(self) -> TestServer {
        self.pause().await.resume().await
    }

    /// Stops the server, keeping its address and data for [`Paused::resume`]: clients see it
    /// down until then.
    pub async fn pause(mut self) -> Paused {
        let address = self.base.trim_start_matches("http://").to_owned();
        let config = self.config.clone();
        let data_dir = self.data_dir.take();
        self.stop().await;
        Paused {
            address,
            config,
            data_dir,
        }
    }

    /// A server on `listener` with exactly `config`.
    pub async fn start_on(listener: tokio::net::TcpListener, config: Config) -> TestServer {
        let hub = Hub::open(config.clone()).await.expect("hub opens");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(hub_server::run(listener, hub.clone(), async {
            let _ = stop.await;
        }));
        TestServer {
            base,
            hub,
            http: reqwest::Client::new(),
            config,
            shutdown: Some(shutdown),
            task: Some(task),
            data_dir: None,
        }
    }

    /// Stops the server gracefully and waits for it; returns the data folder for a restart.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task ends cleanly");
        }
        self.data_dir.take()
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::reply(request.send().await.expect("request sent")).await
    }

    /// Turns a response into a [`Reply`].
    pub async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body, headers }
    }

    /// `GET` with a token.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// `POST` JSON without a token.
    pub async fn post_anon(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, None, Some(body)).await
    }

    /// Registers `username` (with [`PASSWORD`]) and returns the signed-in user.
    pub async fn new_user(&self, username: &str) -> TestUser {
        let reply = self
            .post_anon(
                "/api/v1/auth/register",
                json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        reply.expect(201);
        user_from_tokens(&reply.body)
    }

    /// Makes a site admin directly through the services (as `hub users create --admin` does) and signs in.
    pub async fn new_admin(&self, username: &str) -> TestUser {
        self.hub
            .create_account(hub_core::service::NewAccount {
                username: username.to_owned(),
                password: PASSWORD.to_owned(),
                email: None,
                full_name: None,
                is_superuser: true,
            })
            .await
            .expect("admin created");
        self.login(username, PASSWORD).await.expect(200).clone().into_user()
    }

    /// `POST /auth/login` with JSON.
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.post_anon(
            "/api/v1/auth/login",
            json!({ "username": username, "password": password }),
        )
        .await
    }
}

impl Reply {
    /// The user described by a token response.
    pub fn into_user(self) -> TestUser {
        user_from_tokens(&self.body)
    }
}

fn user_from_tokens(body: &Value) -> TestUser {
    TestUser {
        id: body["user"]["id"].as_str().expect("user id").to_owned(),
        username: body["user"]["username"].as_str().expect("username").to_owned(),
        access_token: body["access_token"].as_str().expect("access token").to_owned(),
        refresh_token: body["refresh_token"].as_str().expect("refresh token").to_owned(),
    }
}

/// Chat helpers: requests with a token, and the set-up most chat stories start from.
impl TestServer {
    /// `POST` JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// `PUT` JSON with a token.
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// `PATCH` JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    /// `DELETE` with a token.
    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// A request with a token and no body (`POST .../leave`, `PUT .../pins/{id}`).
    pub async fn bodiless(&self, method: Method, path: &str, token: &str) -> Reply {
        self.call(method, path, Some(token), None).await
    }

    /// `owner` creates a channel of `kind` (`public`, `private`, `voice`); returns its id.
    pub async fn new_channel(&self, owner: &TestUser, name: &str, kind: &str) -> String {
        let reply = self
            .post(
                "/api/v1/channels",
                &owner.access_token,
                json!({ "name": name, "kind": kind }),
            )
            .await;
        reply.expect(201);
        reply.body["id"].as_str().expect("channel id").to_owned()
    }

    /// `user` joins an open channel.
    pub async fn join(&self, user: &TestUser, channel_id: &str) {
        self.post(
            &format!("/api/v1/channels/{channel_id}/join"),
            &user.access_token,
            json!({}),
        )
        .await
        .expect(200);
    }

    /// `author` posts `content` in a channel; returns the message.
    pub async fn send_message(&self, author: &TestUser, channel_id: &str, content: &str) -> Value {
        let reply = self
            .post(
                &format!("/api/v1/channels/{channel_id}/messages"),
                &author.access_token,
                json!({ "content": content }),
            )
            .await;
        reply.expect(201);
        reply.body
    }

    /// The entry of `GET /channels/mine` for one channel (`Value::Null` when it is not there).
    pub async fn my_channel(&self, user: &TestUser, channel_id: &str) -> Value {
        let mine = self.get("/api/v1/channels/mine", &user.access_token).await;
        mine.expect(200);
        mine.items()
            .iter()
            .find(|entry| entry["id"] == channel_id)
            .cloned()
            .unwrap_or(Value::Null)
    }
}

impl TestServer {
    /// The server's `/metrics` text.
    pub async fn metrics(&self) -> String {
        let response = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics answer");
        response.text().await.expect("metrics text")
    }
}

/// The value of an unlabelled metric in Prometheus text.
pub fn metric_value(metrics: &str, name: &str) -> Option<i64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

impl Reply {
    /// The `items` of a list body (empty when there are none).
    pub fn items(&self) -> &[Value] {
        self.body["items"].as_array().map(Vec::as_slice).unwrap_or_default()
    }

    /// The `id` of every item of a list body, in order.
    pub fn ids(&self) -> Vec<String> {
        self.items()
            .iter()
            .map(|item| item["id"].as_str().expect("item id").to_owned())
            .collect()
    }
}

/// Creates a fresh schema in the database at `base` and returns a URL whose connections use it.
pub async fn postgres_schema_url(base: &str) -> String {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(base)
        .await
        .expect("HUB_TEST_POSTGRES_URL must point at a reachable database");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&pool)
        .await
        .expect("create schema");
    pool.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

/// Runs each listed story on SQLite and on PostgreSQL (skipped without `HUB_TEST_POSTGRES_URL`).
/// Each story is an `async fn(Backend)` in the calling module.
#[macro_export]
macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::$story($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    if let Some(backend) = $crate::Backend::postgres() {
                        super::$story(backend).await;
                    }
                }
            )*
        }
    };
}
