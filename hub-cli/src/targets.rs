//! What a command names, as the API wants it: `@username` or a user id, `#channel` or a channel
//! id. A name that matches nothing is a "not found" (exit 5) that says what was looked for.

use anyhow::anyhow;
use hub_core::client::{Client, PageParams};
use hub_core::model::{ChannelId, UserId};
use hub_core::{Error, ErrorKind};

/// The user a command names: `@username` (exactly, ignoring case) or an id as given.
pub async fn user(client: &Client, target: &str) -> anyhow::Result<UserId> {
    let Some(name) = target.strip_prefix('@') else {
        return Ok(UserId::from(target));
    };
    let found = client.admin_users(name, &PageParams::first(100)).await?;
    found
        .items
        .iter()
        .find(|user| user.account.profile.username.eq_ignore_ascii_case(name))
        .map(|user| user.account.profile.id.clone())
        .ok_or_else(|| anyhow!(Error::new(ErrorKind::NotFound, format!("no account is named @{name}"))))
}

/// The channel a command names: `#name` among the caller's channels, then among the public
/// ones; or an id as given.
pub async fn channel(client: &Client, target: &str) -> anyhow::Result<ChannelId> {
    let Some(name) = target.strip_prefix('#') else {
        return Ok(ChannelId::from(target));
    };
    let mine = client.my_channels().await?;
    if let Some(channel) = mine
        .items
        .iter()
        .find(|channel| channel.channel.name.eq_ignore_ascii_case(name))
    {
        return Ok(channel.channel.id.clone());
    }
    let public = client.list_channels(Some(name), &PageParams::first(100)).await?;
    public
        .items
        .iter()
        .find(|channel| channel.name.eq_ignore_ascii_case(name))
        .map(|channel| channel.id.clone())
        .ok_or_else(|| {
            anyhow!(Error::new(
                ErrorKind::NotFound,
                format!("no channel named #{name} among yours or the public ones (a channel id works too)")
            ))
        })
}
