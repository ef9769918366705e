//! `hub users suspend` and `hub users restore`: stop an account from signing in, or let it again.

use anyhow::bail;
use hub_core::Hub;

/// Suspends (`suspend = true`) or restores the account named `username`. Asking for the state
/// the account is already in changes nothing and says so.
pub async fn run(hub: &Hub, username: &str, suspend: bool, reason: &str) -> anyhow::Result<()> {
    let username = username.strip_prefix('@').unwrap_or(username);
    let Some(user) = hub.user_by_username(username).await? else {
        bail!("no account is named {username:?}");
    };
    match (suspend, user.is_suspended) {
        (true, true) => println!("{} is already suspended", user.username),
        (false, false) => println!("{} is not suspended; nothing to restore", user.username),
        (true, false) => {
            let user = hub.set_suspension(None, &user.id, true, reason).await?;
            println!(
                "suspended {} ({}): they can no longer sign in, and their sessions have ended",
                user.username, user.id
            );
        }
        (false, true) => {
            let user = hub.set_suspension(None, &user.id, false, reason).await?;
            println!("restored {} ({}): they can sign in again", user.username, user.id);
        }
    }
    Ok(())
}
