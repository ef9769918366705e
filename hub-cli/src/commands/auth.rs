//! `hub auth`: signing in to servers, one profile each, and using those sessions.

use std::io::IsTerminal as _;

use anyhow::{Context as _, anyhow};
use hub_core::client::Client;

use crate::args::{AuthCommand, AuthLoginArgs as LoginArgs, ProfileOption, SwitchArgs};
use crate::exit::NotSignedIn;
use crate::password::first_line;
use crate::profiles::{DEFAULT_PROFILE, Profile, Profiles, signed_in};

/// Runs one `hub auth` command.
pub async fn run(command: AuthCommand) -> anyhow::Result<()> {
    match command {
        AuthCommand::Login(args) => login(args).await,
        AuthCommand::Status(args) => status(&args).await,
        AuthCommand::Logout(args) => logout(&args).await,
        AuthCommand::Switch(args) => switch(&args),
        AuthCommand::Token(args) => token(&args),
    }
}

async fn login(args: LoginArgs) -> anyhow::Result<()> {
    let mut client = Client::new(&args.server)?;
    let name = args.profile.clone().unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
    let profile = if args.with_token {
        let token = first_line(std::io::stdin().lock()).context("cannot read the token from stdin")?;
        client.set_token(Some(token.clone()));
        let me = client.me().await.context("the server does not take this token")?;
        Profile {
            server: args.server.clone(),
            username: me.profile.username,
            access_token: token,
            refresh_token: None,
            version_warned: None,
        }
    } else {
        let username = match args.username {
            Some(username) => username,
            None if std::io::stdin().is_terminal() => prompt("username: ")?,
            None => return Err(anyhow!("say --username (there is no terminal to ask on)")),
        };
        let password = if args.password_stdin {
            first_line(std::io::stdin().lock()).context("cannot read the password from stdin")?
        } else if std::io::stdin().is_terminal() {
            rpassword::prompt_password(format!("password for {username}: ")).context("cannot read the password")?
        } else {
            return Err(anyhow!("use --password-stdin (there is no terminal to ask on)"));
        };
        let tokens = client.login(&username, &password).await?;
        Profile {
            server: args.server.clone(),
            username: tokens.user.profile.username,
            access_token: tokens.access_token,
            refresh_token: Some(tokens.refresh_token),
            version_warned: None,
        }
    };
    let mut profiles = Profiles::load()?;
    eprintln!(
        "signed in to {} as {} (profile {name})",
        profile.server, profile.username
    );
    profiles.profiles.insert(name.clone(), profile);
    profiles.current = Some(name);
    profiles.save()
}

fn prompt(question: &str) -> anyhow::Result<String> {
    eprint!("{question}");
    first_line(std::io::stdin().lock())
}

async fn status(args: &ProfileOption) -> anyhow::Result<()> {
    let profiles = Profiles::load()?;
    let name = profiles.name_of(args.profile.as_deref());
    let saved = profiles
        .profiles
        .get(&name)
        .ok_or_else(|| anyhow!(NotSignedIn(name.clone())))?;
    let client = signed_in(Some(&name)).await?;
    let me = client.me().await?;
    let role = if me.is_superuser { "site admin" } else { "member" };
    println!("{name}: {} as {} ({role})", saved.server, me.profile.username);
    Ok(())
}

async fn logout(args: &ProfileOption) -> anyhow::Result<()> {
    let mut profiles = Profiles::load()?;
    let name = profiles.name_of(args.profile.as_deref());
    let saved = profiles
        .profiles
        .remove(&name)
        .ok_or_else(|| anyhow!(NotSignedIn(name.clone())))?;
    if let Some(refresh) = &saved.refresh_token {
        let mut client = Client::new(&saved.server)?;
        client.set_token(Some(saved.access_token.clone()));
        if let Err(err) = client.logout(refresh).await {
            eprintln!("hub: the server did not end the session ({err}); the tokens are forgotten here anyway");
        }
    }
    if profiles.current.as_deref() == Some(name.as_str()) {
        profiles.current = None;
    }
    profiles.save()?;
    eprintln!("signed out of {} (profile {name})", saved.server);
    Ok(())
}

fn switch(args: &SwitchArgs) -> anyhow::Result<()> {
    let mut profiles = Profiles::load()?;
    if !profiles.profiles.contains_key(&args.profile) {
        return Err(anyhow!(NotSignedIn(args.profile.clone())));
    }
    profiles.current = Some(args.profile.clone());
    profiles.save()
}

fn token(args: &ProfileOption) -> anyhow::Result<()> {
    let profiles = Profiles::load()?;
    let name = profiles.name_of(args.profile.as_deref());
    let saved = profiles.profiles.get(&name).ok_or_else(|| anyhow!(NotSignedIn(name)))?;
    println!("{}", saved.access_token);
    Ok(())
}
