//! `hub users create`: make an account with a password, optionally a site admin.

use anyhow::Context as _;
use hub_core::Hub;
use hub_core::service::NewAccount;

use crate::args::CreateUserArgs;
use crate::password;

/// Reads the password, creates the account through the same service as self-registration (so
/// the same username and password policy applies), and prints who was created.
pub async fn run(hub: &Hub, args: CreateUserArgs) -> anyhow::Result<()> {
    let password = password::read_new_password(&args.username, args.password_stdin)?;
    let user = hub
        .create_account(NewAccount {
            username: args.username.clone(),
            password,
            email: args.email,
            full_name: args.full_name,
            is_superuser: args.admin,
        })
        .await
        .with_context(|| format!("cannot create user {:?}", args.username))?;
    println!("created user {}", user.username);
    println!("  id:    {}", user.id);
    println!("  admin: {}", if user.is_superuser { "yes (site admin)" } else { "no" });
    Ok(())
}
