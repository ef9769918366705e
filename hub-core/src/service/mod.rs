//! Use cases: rules + store + events. [`Hub`] is the embedding API: the server's REST routes and
//! WebSocket ops, the CLI and embedders all call these same methods, one use case a file. Limits
//! (rates, sizes), permission checks and the events a change causes are decided here, so every
//! transport gets the same behaviour from the same call.
//!
//! What a use case returns: the wire view (`protocol::v1`) a client is shown, so every
//! transport sends the same thing. The operator calls in `admin` (creating accounts, listing
//! and suspending users) return the `model` values instead: operator tools print what no
//! client view carries (email, the admin and suspension flags).

mod admin;
mod assistant;
mod audit;
mod auth;
mod channels;
mod chat_requests;
mod files;
mod forum;
mod gateway;
mod messages;
mod presence;
mod privacy;
mod rate_limits;
mod reactions;
mod reports;
mod retention;
mod safety;
mod search;
mod typing;
mod users;
mod voice;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use crate::auth::oidc::OidcVerifier;
use crate::auth::password::PasswordHasher;
use crate::auth::tokens::{self, TokenIssuer};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::{BusHealth, BusMessage, EventBus, LocalBus, RedisBus};
use crate::model::{SessionId, User};
use crate::protocol::v1::StoredEvent;
use crate::rules;
use crate::store::{PoolSettings, Store};

pub use admin::NewAccount;
pub use audit::AuditQuery;
pub use files::Download;
pub use forum::PostListQuery;
pub use gateway::{CatchUp, LogPages};
pub use reports::ReportQuery;
pub use retention::PrunedEvents;
pub use safety::Relationship;
pub use search::MessageSearch;

/// Events a live subscriber may fall behind before it must catch up from the log.
const EVENT_BUFFER: usize = 4096;

/// The authenticated caller of a use case.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who is calling (never suspended: authentication refuses those).
    pub user: User,
    /// The login session behind a hub access token; `None` for identity-provider tokens.
    pub session: Option<SessionId>,
    /// The gateway connection the call came over (`None` over REST and for embedders). Events
    /// a call causes for the caller themselves skip it: it knows already.
    pub connection_id: Option<u64>,
}

impl Caller {
    /// `user`, signed in through `session`, calling over REST (or embedding).
    pub fn new(user: User, session: Option<SessionId>) -> Caller {
        Caller {
            user,
            session,
            connection_id: None,
        }
    }

    /// The same caller, calling over gateway connection `id`.
    pub fn over_connection(mut self, id: u64) -> Caller {
        self.connection_id = Some(id);
        self
    }
}

/// One page of results and the cursor of the next.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    /// The same page with each item turned into another.
    pub fn map<U>(self, each: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(each).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// A page from `fetched`, which was asked for `limit + 1` rows: the extra row only says
    /// that another page follows, and the cursor is `cursor_of` the page's last item.
    pub(crate) fn from_lookahead(mut fetched: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Paged<T> {
        let limit = limit as usize;
        let next_cursor = if fetched.len() > limit {
            fetched.truncate(limit);
            fetched.last().map(cursor_of)
        } else {
            None
        };
        Paged {
            items: fetched,
            next_cursor,
        }
    }
}

impl<T> From<Paged<T>> for crate::protocol::v1::Page<T> {
    fn from(paged: Paged<T>) -> Self {
        crate::protocol::v1::Page {
            items: paged.items,
            next_cursor: paged.next_cursor,
        }
    }
}

/// hub's services over one store. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<HubInner>,
}

struct HubInner {
    config: Config,
    /// After commit, every stored event goes here for live delivery (the log is the database).
    bus: Arc<dyn EventBus>,
    store: Store,
    passwords: PasswordHasher,
    /// Who is connected where, voice calls and shared rate buckets (this node's, or every
    /// node's through Redis).
    cluster: crate::cluster::Cluster,
    /// Each user's actions per second, shared by every transport.
    rates: rate_limits::RateBuckets,
    /// Failed logins by (lowercased) username.
    failed_logins: rate_limits::RateBuckets<String>,
    /// Each user's `resume` frames.
    resumes: rate_limits::RateBuckets,
    /// Each user's questions to the assistant.
    questions: rate_limits::RateBuckets,
    /// When each user last said they were typing in each channel.
    typing: typing::TypingThrottle,
    /// Whom each recent viewer does not hear from (mutes and blocks).
    hidden: safety::HiddenCache,
    /// Loaded on first use: operator tools that issue no tokens need no secret.
    tokens: std::sync::OnceLock<TokenIssuer>,
    oidc: Option<OidcVerifier>,
    /// Where uploaded files' bytes are.
    files: crate::storage::FileStorage,
    /// Channels' newest history pages.
    recent_pages: messages::RecentPages,
}

impl Hub {
    /// Connects to the configured database, applies pending migrations and loads the token
    /// secret (failing early on a bad one, as a server should).
    pub async fn open(mut config: Config) -> Result<Hub> {
        let node = config
            .node_id
            .get_or_insert_with(|| uuid::Uuid::now_v7().to_string())
            .clone();
        let store = Store::connect(&config.effective_database_url(), &PoolSettings::of(&config)).await?;
        store.migrate().await?;
        let hub = match &config.redis_url {
            Some(url) => {
                let bus = RedisBus::connect(url, &config.redis_channel, &node, EVENT_BUFFER).await?;
                let ttl = config.cluster.presence_ttl();
                let cluster = crate::cluster::Cluster::shared(url, &config.redis_channel, &node, ttl).await?;
                let hub = Hub::with_store_and_bus(config, store, Arc::new(bus), cluster)?;
                hub.start_heartbeat();
                hub
            }
            None => Hub::with_store(config, store)?,
        };
        hub.tokens()?;
        Ok(hub)
    }

    /// Services over an already connected and migrated store, with the in-process bus. Nothing
    /// slow happens here: the token secret and the login decoy hash are made on first use.
    pub(crate) fn with_store(config: Config, store: Store) -> Result<Hub> {
        let cluster = crate::cluster::Cluster::alone(config.node_id.as_deref().unwrap_or("local"));
        Hub::with_store_and_bus(config, store, Arc::new(LocalBus::new(EVENT_BUFFER)), cluster)
    }

    /// Services over a store, publishing live events on `bus`.
    pub(crate) fn with_store_and_bus(
        config: Config,
        store: Store,
        bus: Arc<dyn EventBus>,
        cluster: crate::cluster::Cluster,
    ) -> Result<Hub> {
        let passwords = PasswordHasher::new(&config.auth)?;
        let oidc = config.oidc.as_ref().map(OidcVerifier::new).transpose()?;
        let recent_pages = messages::RecentPages::new(config.limits.history_cache_bytes);
        let files = crate::storage::FileStorage::open(&config)?;
        Ok(Hub {
            inner: Arc::new(HubInner {
                bus,
                config,
                store,
                passwords,
                cluster,
                rates: rate_limits::RateBuckets::default(),
                failed_logins: rate_limits::RateBuckets::default(),
                resumes: rate_limits::RateBuckets::default(),
                questions: rate_limits::RateBuckets::default(),
                typing: typing::TypingThrottle::default(),
                hidden: safety::HiddenCache::default(),
                tokens: OnceLock::new(),
                oidc,
                files,
                recent_pages,
            }),
        })
    }

    /// Everything published on the bus from now on (committed events and ephemeral frames).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<BusMessage>> {
        self.inner.bus.subscribe()
    }

    /// Publishes an ephemeral message (voice signalling, disconnects) to every node. The
    /// services publish what their own use cases cause; this is for a transport's own frames.
    pub fn broadcast(&self, message: BusMessage) {
        self.inner.bus.publish(message);
    }

    /// Hands a committed event to the bus.
    fn publish(&self, event: StoredEvent) {
        self.inner.bus.publish(BusMessage::Event(Box::new(event)));
    }

    /// The settings in effect.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        self.inner.store.ping().await
    }

    /// Whether the event bus reaches the other nodes.
    pub fn bus_health(&self) -> BusHealth {
        self.inner.bus.health()
    }

    /// How long the latest event from another node took to arrive over the bus.
    pub fn bus_lag(&self) -> Option<std::time::Duration> {
        self.inner.bus.lag()
    }

    /// The access-token signer, its secret loaded (or generated) on first use. Tests use it to
    /// mint expired tokens.
    pub fn tokens(&self) -> Result<&TokenIssuer> {
        if let Some(issuer) = self.inner.tokens.get() {
            return Ok(issuer);
        }
        let secret = tokens::load_or_create_secret(&self.inner.config)?;
        let issuer = TokenIssuer::new(&secret, self.inner.config.auth.access_token_ttl_secs);
        // A racing first call may have set it already; both came from the same secret.
        Ok(self.inner.tokens.get_or_init(|| issuer))
    }

    /// The user named `username` (case-insensitively), for operators.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        Ok(self
            .inner
            .store
            .user_with_password(username)
            .await?
            .map(|(user, _)| user))
    }

    /// The page size for a requested `limit`, within the configured bounds.
    pub fn page_size(&self, requested: Option<u32>) -> Result<u32> {
        let limits = &self.inner.config.limits;
        rules::paging::page_size(requested, limits.default_page_size, limits.max_page_size)
    }

    /// Closes the store (graceful shutdown).
    pub async fn close(&self) {
        self.inner.store.close().await;
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Only site admins pass.
fn require_superuser(caller: &Caller) -> Result<()> {
    if caller.user.is_superuser {
        Ok(())
    } else {
        Err(Error::forbidden("only site admins may do this"))
    }
}
