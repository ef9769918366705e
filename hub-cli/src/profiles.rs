//! Signing in as a saved profile (the store itself is `hub_tui::profiles`, which hub-tui reads
//! too). `HUB_SERVER` with `HUB_TOKEN` stands in for any profile.

use anyhow::anyhow;
use hub_core::client::Client;
use hub_core::rules::versions::{self, Compatibility};
pub use hub_tui::profiles::{DEFAULT_PROFILE, Profile, Profiles};

/// A client signed in as `profile` (or as `HUB_TOKEN` on `HUB_SERVER`), its session renewed
/// with the refresh token when the access token has expired. A server whose version may speak
/// another API is warned about once per profile and server version.
pub async fn signed_in(profile: Option<&str>) -> anyhow::Result<Client> {
    if let (Ok(server), Ok(token)) = (std::env::var("HUB_SERVER"), std::env::var("HUB_TOKEN"))
        && !token.is_empty()
    {
        let mut client = Client::new(&server)?;
        client.set_token(Some(token));
        // No profile to remember the warning in: once per run.
        if let Some((warning, _)) = version_warning(&server, reported_version(&client).await, None) {
            eprintln!("{warning}");
        }
        return Ok(client);
    }
    let mut profiles = Profiles::load()?;
    let name = profiles.name_of(profile);
    let mut saved = profiles
        .profiles
        .get(&name)
        .cloned()
        .ok_or_else(|| anyhow!(crate::exit::NotSignedIn(name.clone())))?;
    let mut client = Client::new(&saved.server)?;
    client.set_token(Some(saved.access_token.clone()));
    let probe = client.clone();
    let (renewed, version) = tokio::join!(
        hub_tui::profiles::renew_if_expired(&mut client, &mut saved),
        reported_version(&probe)
    );
    let mut changed = match renewed {
        Ok(renewed) => renewed,
        Err(err) if err.code() == Some("token_expired") => return Err(anyhow!(crate::exit::NotSignedIn(name))),
        Err(err) => return Err(err.into()),
    };
    if let Some((warning, version)) = version_warning(&saved.server, version, saved.version_warned.as_deref()) {
        eprintln!("{warning} (said once for this server version)");
        saved.version_warned = Some(version);
        changed = true;
    }
    if changed {
        profiles.profiles.insert(name, saved);
        profiles.save()?;
    }
    Ok(client)
}

/// For commands that run for hours (`hub tail --follow`, `hub reports triage`): a feed of
/// the signed-in profile's token, renewed a minute before each expiry, so that open gateway
/// sessions (an `auth` frame) and REST calls outlive the first token, which the server would
/// otherwise close (4006) once expired. With `HUB_TOKEN` there is no profile to renew: `None`.
pub fn renewing_tokens(profile: Option<&str>) -> Option<tokio::sync::watch::Receiver<String>> {
    if std::env::var("HUB_TOKEN").is_ok_and(|token| !token.is_empty()) {
        return None;
    }
    let profiles = Profiles::load().ok()?;
    let name = profiles.name_of(profile);
    let saved = profiles.profiles.get(&name)?.clone();
    Some(hub_tui::profiles::renewing(name, saved))
}

/// Hands each renewed token of the profile to `session` (see [`renewing_tokens`]).
pub fn keep_session_fresh(profile: Option<&str>, session: hub_core::client::SessionSender) {
    let Some(mut tokens) = renewing_tokens(profile) else {
        return;
    };
    tokio::spawn(async move {
        while tokens.changed().await.is_ok() {
            let token = tokens.borrow_and_update().clone();
            session.set_token(&token);
        }
        eprintln!("hub: cannot renew the session any more; it ends when the token does");
    });
}

/// The version the server reports on `/healthz` (none when it does not answer it).
async fn reported_version(client: &Client) -> Option<String> {
    client.health().await.ok().and_then(|health| health.version)
}

/// The warning to print about `server`'s `reported` version, and the version it is about,
/// unless the versions agree or this version was `already_warned` about.
fn version_warning(server: &str, reported: Option<String>, already_warned: Option<&str>) -> Option<(String, String)> {
    let this = versions::THIS_BUILD;
    let Compatibility::Mismatch {
        server: version,
        server_is_newer,
    } = versions::compatibility(this, reported.as_deref())
    else {
        return None;
    };
    if already_warned == Some(version.as_str()) {
        return None;
    }
    let advice = if server_is_newer {
        format!("upgrade hub to {version}")
    } else {
        format!("use a hub {version} or upgrade the server")
    };
    let warning = format!(
        "hub: warning: this hub is {this} and {server} runs {version}, which may speak another API; \
         {advice}"
    );
    Some((warning, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_of_another_api_is_warned_about_once_per_version() {
        let server = "https://hub.example";
        let Some((warning, version)) = version_warning(server, Some("99.0.0".to_owned()), None) else {
            panic!("a newer major version is not warned about");
        };
        assert_eq!(version, "99.0.0");
        assert!(
            warning.contains(server) && warning.contains("upgrade hub to 99.0.0"),
            "{warning}"
        );
        assert_eq!(version_warning(server, Some("99.0.0".to_owned()), Some("99.0.0")), None);
        assert!(version_warning(server, Some("100.0.0".to_owned()), Some("99.0.0")).is_some());
    }

    #[test]
    fn a_matching_or_silent_server_is_not_warned_about() {
        let server = "https://hub.example";
        assert_eq!(
            version_warning(server, Some(versions::THIS_BUILD.to_owned()), None),
            None
        );
        assert_eq!(version_warning(server, None, None), None);
    }
}
