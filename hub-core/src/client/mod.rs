//! The async client SDK (feature `client`): what the `hub` CLI, the terminal client and the
//! end-to-end tests use to talk to a running `hub-server`.
//!
//! - [`Client`]: typed REST calls under `/api/v1`, with a bearer token set by
//!   [`Client::login`] / [`Client::register`] or [`Client::with_token`].
//! - [`Session`]: the WebSocket gateway `/api/v1/ws`. A background task owns the socket,
//!   reconnects with [`Backoff`] after a drop, resumes from the last position seen in each
//!   channel ([`Positions`]) and hands every channel event to the caller once.
//! - [`ClientError`]: the one error type of both; [`ClientError::code`] gives the server's
//!   snake_case error code to match on.
//!
//! Request and response bodies are the wire types of [`crate::protocol::v1`]; nothing here
//! redefines them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hub_core::client::ClientError> {
//! use hub_core::client::{Client, SessionEvent, SessionOptions};
//! use hub_core::protocol::v1::{ClientFrame, ServerFrame};
//!
//! let mut client = Client::new("http://127.0.0.1:8000")?;
//! client.login("alice", "correct horse battery").await?;
//! let general = client.list_channels(Some("general"), &Default::default()).await?;
//! let mut session = client.connect_session(SessionOptions::default()).await?;
//! if let Some(channel) = general.items.first() {
//!     session
//!         .send(ClientFrame::MessageSend {
//!             channel_id: channel.id.clone(),
//!             content: "hello".into(),
//!             client_id: "greeting-1".into(),
//!             parent_id: None,
//!             file_ids: Vec::new(),
//!         })
//!         .await?;
//! }
//! while let Some(event) = session.next().await {
//!     if let SessionEvent::Frame(ServerFrame::Event(event)) = event {
//!         println!("{} #{}: {}", event.channel_id, event.seq, event.event.kind());
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod accounts;
mod admin;
mod backoff;
mod chat;
mod error;
mod forum;
mod http;
mod moderation;
mod params;
mod positions;
mod safety;
mod session;
mod shared;
mod worker;

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod session_tests;

pub use backoff::Backoff;
pub use error::ClientError;
pub use http::Client;
pub use moderation::{AuditFilter, ReportFilter};
pub use params::{HistoryParams, MentionsParams, PageParams};
pub use positions::{Delivery, Positions};
pub use session::{Session, SessionSender, session_url};
pub use shared::{SessionEvent, SessionOptions};

/// What every SDK call returns.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;
