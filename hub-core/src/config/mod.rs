//! Settings, read once at start from defaults, an optional TOML file (`HUB_CONFIG`) and `HUB_*`
//! environment variables (nested keys with `__`, e.g. `HUB_AUTH__ACCESS_TOKEN_TTL_SECS=600`).
//! Every limit hub enforces has a name here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::model::ChatAvailability;

mod cluster;
mod features;
mod gateway;

pub use cluster::ClusterConfig;
pub use features::{AssistantConfig, FilesConfig, SearchConfig};
pub use gateway::GatewayConfig;

/// All of hub's settings. Every field has a default, so an empty environment is a working setup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Listen address of the server (`HUB_BIND`).
    pub bind: SocketAddr,
    /// Folder for the SQLite database, the JWT secret and local files (`HUB_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; defaults to `<data_dir>/hub.db` (`HUB_DATABASE_URL`).
    pub database_url: Option<String>,
    /// Most pooled database connections (`HUB_DATABASE_MAX_CONNECTIONS`).
    pub database_max_connections: u32,
    /// How long a request waits for a pooled PostgreSQL connection before it is answered 503
    /// with `Retry-After` (`HUB_DATABASE_ACQUIRE_TIMEOUT_SECS`): while the database is down,
    /// callers get that error instead of hanging.
    pub database_acquire_timeout_secs: f64,
    /// PostgreSQL: tasks that commit sends in groups, each for a share of the channels
    /// (`HUB_DATABASE_SEND_WRITERS`). Each holds a pooled connection while it commits. One
    /// makes the largest groups, which is fastest while PostgreSQL shares the node's cores
    /// (BENCHMARKS.md); more let groups commit side by side on a database with cores to spare.
    pub database_send_writers: usize,
    /// HS256 secret for access tokens; generated into `<data_dir>/jwt-secret` when unset (`HUB_JWT_SECRET`).
    pub jwt_secret: Option<String>,
    /// Origins allowed by CORS, e.g. `["https://chat.example.com"]`; empty means no CORS headers (`HUB_CORS_ORIGINS`).
    pub cors_origins: Vec<String>,
    /// Log output: `text` or `json` (`HUB_LOG_FORMAT`); the filter comes from `RUST_LOG` (default `info`).
    pub log_format: LogFormat,
    /// Size and paging limits.
    pub limits: Limits,
    /// Accounts, passwords and tokens.
    pub auth: AuthConfig,
    /// An external OpenID Connect provider, when set.
    pub oidc: Option<OidcConfig>,
    /// The WebSocket gateway's limits and timings.
    pub gateway: GatewayConfig,
    /// Consent and safety: chat availability, chat requests, mutes and blocks.
    pub safety: SafetyConfig,
    /// The forum's limits and voting rule.
    pub forum: ForumConfig,
    /// What closing an account does.
    pub privacy: PrivacyConfig,
    /// Full-text search's limits.
    pub search: SearchConfig,
    /// Several nodes: presence TTL and heartbeat.
    pub cluster: ClusterConfig,
    /// Uploaded files' limits.
    pub files: FilesConfig,
    /// The assistant bot.
    pub assistant: AssistantConfig,
    /// An OpenAI-compatible API for the assistant's answers, e.g. `https://api.openai.com/v1`
    /// (`HUB_AI_BASE_URL`); unset: the built-in answerer quotes the best matches.
    pub ai_base_url: Option<String>,
    /// The model asked (`HUB_AI_MODEL`).
    pub ai_model: String,
    /// The API key, sent as a bearer token (`HUB_AI_API_KEY`).
    pub ai_api_key: Option<String>,
    /// How long an answer may take before the assistant gives up (`HUB_AI_TIMEOUT_SECS`).
    pub ai_timeout_secs: u64,
    /// Most tokens an answer may use (`HUB_AI_MAX_TOKENS`).
    pub ai_max_tokens: u32,
    /// The S3-compatible bucket for files; unset: `<data_dir>/files` (`HUB_S3_BUCKET`).
    pub s3_bucket: Option<String>,
    /// The S3 endpoint, e.g. `http://127.0.0.1:9000`; unset: AWS (`HUB_S3_ENDPOINT`).
    pub s3_endpoint: Option<String>,
    /// The bucket's region (`HUB_S3_REGION`).
    pub s3_region: String,
    /// Access key id; unset: the environment's AWS credentials (`HUB_S3_ACCESS_KEY_ID`).
    pub s3_access_key_id: Option<String>,
    /// Secret access key (`HUB_S3_SECRET_ACCESS_KEY`).
    pub s3_secret_access_key: Option<String>,
    /// Path-style requests (`endpoint/bucket/key`), as most self-hosted stores want
    /// (`HUB_S3_PATH_STYLE`).
    pub s3_path_style: bool,
    /// Redis for the event bus across server nodes, `redis://host:6379`; unset: this process
    /// alone (`HUB_REDIS_URL`).
    pub redis_url: Option<String>,
    /// The Redis pub/sub channel the nodes of one hub share (`HUB_REDIS_CHANNEL`).
    pub redis_channel: String,
    /// This node's name among several, in `/readyz` and the bus; generated when unset
    /// (`HUB_NODE_ID`).
    pub node_id: Option<String>,
}

/// Closing accounts (`HUB_PRIVACY__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyConfig {
    /// Whether a closed account's username may be taken again; otherwise it stays reserved
    /// so nobody can pass for the person who left (`HUB_PRIVACY__RELEASE_USERNAMES`).
    pub release_usernames: bool,
    /// Whether closing an account erases what it wrote (messages, posts, comments); otherwise
    /// it stays, shown as written by a deleted user (`HUB_PRIVACY__ERASE_CONTENT_ON_CLOSE`).
    pub erase_content_on_close: bool,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            release_usernames: false,
            erase_content_on_close: true,
        }
    }
}

/// The forum (`HUB_FORUM__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ForumConfig {
    /// Whether people may vote on their own posts and comments (counted once, like anyone's)
    /// (`HUB_FORUM__ALLOW_SELF_VOTES`).
    pub allow_self_votes: bool,
    /// Most tags on one post (`HUB_FORUM__MAX_TAGS_PER_POST`).
    pub max_tags_per_post: usize,
    /// Longest post title, in characters (`HUB_FORUM__MAX_TITLE_LENGTH`).
    pub max_title_length: usize,
    /// Longest post body, in characters (`HUB_FORUM__MAX_POST_LENGTH`).
    pub max_post_length: usize,
    /// Longest comment, in characters (`HUB_FORUM__MAX_COMMENT_LENGTH`).
    pub max_comment_length: usize,
    /// Deepest reply (a top-level comment is depth 0) (`HUB_FORUM__MAX_COMMENT_DEPTH`).
    pub max_comment_depth: i64,
}

impl Default for ForumConfig {
    fn default() -> Self {
        ForumConfig {
            allow_self_votes: true,
            max_tags_per_post: 5,
            max_title_length: 300,
            max_post_length: 40_000,
            max_comment_length: 10_000,
            max_comment_depth: 16,
        }
    }
}

/// Consent and safety (`HUB_SAFETY__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyConfig {
    /// Who may open a direct conversation with a new account: `open`, `requests` (others send
    /// a chat request first) or `closed` (`HUB_SAFETY__DEFAULT_CHAT_AVAILABILITY`).
    pub default_chat_availability: ChatAvailability,
    /// How long a declined chat request cannot be sent again, in seconds
    /// (`HUB_SAFETY__CHAT_REQUEST_COOLDOWN_SECS`).
    pub chat_request_cooldown_secs: u64,
    /// Longest note on a chat request, in characters (`HUB_SAFETY__MAX_CHAT_REQUEST_MESSAGE_LENGTH`).
    pub max_chat_request_message_length: usize,
    /// Most people one user may mute, and most one may block (`HUB_SAFETY__MAX_MUTES_AND_BLOCKS`).
    pub max_mutes_and_blocks: usize,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig {
            default_chat_availability: ChatAvailability::Requests,
            chat_request_cooldown_secs: 24 * 3600,
            max_chat_request_message_length: 500,
            max_mutes_and_blocks: 1000,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

/// Size and paging limits (`HUB_LIMITS__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest accepted request body, in bytes (`HUB_LIMITS__MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Largest `limit=` a list accepts (`HUB_LIMITS__MAX_PAGE_SIZE`).
    pub max_page_size: u32,
    /// Page size when `limit=` is not given (`HUB_LIMITS__DEFAULT_PAGE_SIZE`).
    pub default_page_size: u32,
    /// Longest message, in characters (`HUB_LIMITS__MAX_MESSAGE_LENGTH`).
    pub max_message_length: usize,
    /// Most people in one direct conversation, the caller included (`HUB_LIMITS__MAX_DM_MEMBERS`).
    pub max_dm_members: usize,
    /// Longest report details and moderator note, in characters
    /// (`HUB_LIMITS__MAX_REPORT_TEXT_LENGTH`).
    pub max_report_text_length: usize,
    /// Memory for the newest history page of recently read channels, in bytes; 0 keeps none
    /// (`HUB_LIMITS__HISTORY_CACHE_BYTES`).
    pub history_cache_bytes: usize,
}

/// Accounts and tokens (`HUB_AUTH__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthConfig {
    /// Lifetime of an access token in seconds (15 minutes by default).
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token in seconds (30 days by default).
    pub refresh_token_ttl_secs: u64,
    /// Shortest password accepted.
    pub min_password_length: usize,
    /// Longest password accepted (bounds the cost of hashing).
    pub max_password_length: usize,
    /// Longest username accepted.
    pub max_username_length: usize,
    /// argon2id memory cost in KiB (OWASP: 19 MiB).
    pub argon2_memory_kib: u32,
    /// argon2id iterations (OWASP: 2).
    pub argon2_iterations: u32,
    /// argon2id lanes (OWASP: 1).
    pub argon2_parallelism: u32,
    /// Password hashes computed at once, on blocking threads; 0 means half the CPU cores (at
    /// least one), so that a burst of logins leaves the other half to chat.
    pub max_concurrent_password_hashes: usize,
    /// Whether anyone may register (`false` leaves account creation to admins).
    pub open_registration: bool,
    /// Failed logins one username may have per minute once its burst is spent
    /// (`HUB_AUTH__FAILED_LOGINS_PER_MINUTE`).
    pub failed_logins_per_minute: f64,
    /// Failed logins one username may have in a row before the per-minute rate applies
    /// (`HUB_AUTH__FAILED_LOGIN_BURST`).
    pub failed_login_burst: f64,
}

/// An external OpenID Connect provider whose RS256 tokens hub accepts (`HUB_OIDC__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OidcConfig {
    /// Expected `iss` claim, e.g. `https://example.eu.auth0.com/`.
    pub issuer: String,
    /// Expected `aud` claim (the API identifier).
    pub audience: String,
    /// Where the JWKS is; defaults to `<issuer>/.well-known/jwks.json`.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// How long fetched keys are trusted before a refetch, in seconds.
    #[serde(default = "default_jwks_cache_secs")]
    pub jwks_cache_secs: u64,
    /// Least time between two fetches caused by unknown key ids, in seconds (stops a flood of bogus `kid`s).
    #[serde(default = "default_jwks_min_refetch_secs")]
    pub jwks_min_refetch_secs: u64,
}

fn default_jwks_cache_secs() -> u64 {
    3600
}

fn default_jwks_min_refetch_secs() -> u64 {
    10
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            data_dir: PathBuf::from("./hub-data"),
            database_url: None,
            database_max_connections: 16,
            database_acquire_timeout_secs: 3.0,
            database_send_writers: 1,
            jwt_secret: None,
            cors_origins: Vec::new(),
            log_format: LogFormat::Text,
            limits: Limits::default(),
            auth: AuthConfig::default(),
            oidc: None,
            gateway: GatewayConfig::default(),
            safety: SafetyConfig::default(),
            forum: ForumConfig::default(),
            privacy: PrivacyConfig::default(),
            search: SearchConfig::default(),
            cluster: ClusterConfig::default(),
            files: FilesConfig::default(),
            assistant: AssistantConfig::default(),
            ai_base_url: None,
            ai_model: "gpt-4o-mini".to_owned(),
            ai_api_key: None,
            ai_timeout_secs: 20,
            ai_max_tokens: 512,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: "us-east-1".to_owned(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_path_style: true,
            redis_url: None,
            redis_channel: "hub:events".to_owned(),
            node_id: None,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_page_size: 200,
            default_page_size: 50,
            max_message_length: 4000,
            max_dm_members: 9,
            max_report_text_length: 2000,
            history_cache_bytes: 16 * 1024 * 1024,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            min_password_length: 8,
            max_password_length: 256,
            max_username_length: 32,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            max_concurrent_password_hashes: 0,
            open_registration: true,
            failed_logins_per_minute: 5.0,
            failed_login_burst: 10.0,
        }
    }
}

impl Config {
    /// [`Config::database_acquire_timeout_secs`], from 10 ms to an hour.
    pub fn database_acquire_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.database_acquire_timeout_secs.clamp(0.01, 3600.0))
    }

    /// Reads the configuration: defaults, then the TOML file named by `HUB_CONFIG` (if any), then `HUB_*` variables.
    pub fn load() -> Result<Config> {
        let file = std::env::var_os("HUB_CONFIG").map(PathBuf::from);
        Self::load_from(file.as_deref())
    }

    /// Like [`Config::load`] with an explicit file.
    pub fn load_from(file: Option<&Path>) -> Result<Config> {
        let mut figment = Figment::new().merge(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("configuration file {} does not exist", path.display()),
                ));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(
            Env::prefixed("HUB_")
                .split("__")
                .filter(|key| !key.as_str().starts_with("test_") && key.as_str() != "config"),
        );
        figment
            .extract()
            .map_err(|err| Error::new(ErrorKind::InvalidInput, format!("bad configuration: {err}")))
    }

    /// The database URL in effect: the configured one, or the SQLite file in the data folder.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("hub.db").display()),
        }
    }

    /// The database URL in effect with any password hidden, for messages and logs.
    pub fn shown_database_url(&self) -> String {
        redact_password(&self.effective_database_url())
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error.
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_password("postgres://bob:secret@db/hub"),
            "postgres://bob:***@db/hub"
        );
        assert_eq!(redact_password("postgres://bob@db/hub"), "postgres://bob@db/hub");
        assert_eq!(redact_password("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn defaults_need_no_environment() {
        figment::Jail::expect_with(|_jail| {
            let config = Config::load_from(None).map_err(|e| e.message)?;
            assert_eq!(config.bind.port(), 8000);
            assert_eq!(config.auth.access_token_ttl_secs, 900);
            assert!(config.effective_database_url().ends_with("hub-data/hub.db"));
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_file_and_nested_keys_use_double_underscore() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("hub.toml", "bind = \"0.0.0.0:9000\"\n[limits]\nmax_body_bytes = 10\n")?;
            jail.set_env("HUB_LIMITS__MAX_BODY_BYTES", "2048");
            jail.set_env("HUB_DATABASE_URL", "postgres://x@localhost/db");
            jail.set_env("HUB_TEST_POSTGRES_URL", "ignored");
            let config = Config::load_from(Some(Path::new("hub.toml"))).map_err(|e| e.message)?;
            assert_eq!(config.bind.port(), 9000);
            assert_eq!(config.limits.max_body_bytes, 2048);
            assert_eq!(config.effective_database_url(), "postgres://x@localhost/db");
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_is_a_clear_error() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("HUB_BIND", "not an address");
            let err = Config::load_from(None).err().ok_or("expected an error")?;
            assert!(err.message.contains("BIND"), "{}", err.message);
            Ok(())
        });
    }
}
