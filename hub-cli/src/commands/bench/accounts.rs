//! Bench users, registered through the real API under the run's unique names, each with a
//! signed-in SDK client and its access token; and joining them to a channel.

use anyhow::Context as _;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use hub_core::client::Client;
use hub_core::model::{ChannelId, UserId};
use hub_core::protocol::v1::RegisterRequest;
use indicatif::ProgressBar;

use super::progress;
use super::server::{Run, Server};

/// Registrations in flight at once. The server hashes each password on a few blocking threads
/// (one per core by default), so more would only queue there.
const REGISTER_CONCURRENCY: usize = 8;

/// Cheap REST calls (joins, direct conversations) in flight at once.
pub const REST_CONCURRENCY: usize = 16;

/// A registered user.
#[derive(Debug, Clone)]
pub struct BenchUser {
    /// `bench-<run>-<role><index>`.
    pub username: String,
    /// Its password, for the login workload.
    pub password: String,
    /// Its user id.
    pub id: UserId,
    /// Its access token, for the gateway's `?token=`.
    pub token: String,
    /// An SDK client signed in as this user.
    pub client: Client,
}

/// Registers `count` users named `bench-<run>-<role>0`, `...1`, ..., in that order.
pub async fn register(server: &Server, run: &Run, role: &str, count: usize) -> anyhow::Result<Vec<BenchUser>> {
    let bar = progress::counting("register", count);
    let users = stream::iter(0..count)
        .map(|index| register_one(server, run, role, index, &bar))
        .buffered(REGISTER_CONCURRENCY)
        .try_collect()
        .await;
    bar.finish_and_clear();
    users
}

async fn register_one(
    server: &Server,
    run: &Run,
    role: &str,
    index: usize,
    bar: &ProgressBar,
) -> anyhow::Result<BenchUser> {
    let username = run.username(role, index);
    let password = format!("bench {} {index} correct horse battery", run.tag());
    let mut client = server.client();
    let tokens = client
        .register(&RegisterRequest {
            username: username.clone(),
            password: password.clone(),
            email: None,
            full_name: None,
        })
        .await
        .with_context(|| format!("cannot register the bench user {username}"))?;
    bar.inc(1);
    Ok(BenchUser {
        username,
        password,
        id: tokens.user.profile.id,
        token: tokens.access_token,
        client,
    })
}

/// Makes every one of `users` a member of the public channel `channel_id`.
pub async fn join_all(users: &[BenchUser], channel_id: &ChannelId) -> anyhow::Result<()> {
    let bar = progress::counting("join", users.len());
    let joined = stream::iter(users)
        .map(|user| async {
            user.client
                .join_channel(channel_id, None)
                .await
                .with_context(|| format!("{} cannot join the bench channel", user.username))?;
            bar.inc(1);
            anyhow::Ok(())
        })
        .buffer_unordered(REST_CONCURRENCY)
        .try_collect::<()>()
        .await;
    bar.finish_and_clear();
    joined
}
