//! Signed-in profiles, one per server, kept in `<config dir>/hub/profiles.json` (the config
//! dir is `$XDG_CONFIG_HOME` or `~/.config`), written readable by the user only. `HUB_SERVER`
//! with `HUB_TOKEN` stands in for any profile.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use hub_core::client::Client;
use hub_core::rules::versions::{self, Compatibility};
use serde::{Deserialize, Serialize};

/// The profile used when none is named and none was chosen.
pub const DEFAULT_PROFILE: &str = "default";

/// One signed-in server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The server's base URL.
    pub server: String,
    /// Who signed in.
    pub username: String,
    /// The current access token.
    pub access_token: String,
    /// The refresh token that renews it (none for a pasted token).
    pub refresh_token: Option<String>,
    /// The server version a mismatch warning was last printed for, so it is printed once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_warned: Option<String>,
}

/// Every profile and which is current.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profiles {
    /// The profile commands use when none is named.
    pub current: Option<String>,
    /// By name.
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the profiles are kept.
pub fn profiles_path() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").ok_or_else(|| anyhow!("HOME is not set"))?).join(".config"),
    };
    Ok(base.join("hub").join("profiles.json"))
}

impl Profiles {
    /// The saved profiles (none yet is no error).
    pub fn load() -> anyhow::Result<Profiles> {
        let path = profiles_path()?;
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).with_context(|| format!("{} is not a profiles file", path.display()))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Writes the profiles, readable and writable by the user only.
    pub fn save(&self) -> anyhow::Result<()> {
        let path = profiles_path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = serde_json::to_vec_pretty(self)?;
        let temporary = path.with_extension("json.tmp");
        write_private(&temporary, &text).with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The name a command means: the one given, else the current one, else `default`.
    pub fn name_of(&self, asked: Option<&str>) -> String {
        asked
            .map(str::to_owned)
            .or_else(|| self.current.clone())
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

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
    let (me, version) = tokio::join!(client.me(), reported_version(&client));
    let mut changed = false;
    match me {
        Err(err) if err.code() == Some("token_expired") => {
            let refresh = saved
                .refresh_token
                .clone()
                .ok_or_else(|| anyhow!(crate::exit::NotSignedIn(name.clone())))?;
            let tokens = client.refresh(&refresh).await.context("cannot renew the session")?;
            saved.access_token = tokens.access_token;
            saved.refresh_token = Some(tokens.refresh_token);
            changed = true;
        }
        Err(err) => return Err(err.into()),
        Ok(_) => {}
    }
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
    fn the_named_profile_wins_then_the_current_then_default() {
        let mut profiles = Profiles::default();
        assert_eq!(profiles.name_of(None), DEFAULT_PROFILE);
        profiles.current = Some("work".to_owned());
        assert_eq!(profiles.name_of(None), "work");
        assert_eq!(profiles.name_of(Some("home")), "home");
    }

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

    #[test]
    fn profiles_saved_before_the_version_warning_still_load() {
        let text = r#"{"current":"default","profiles":{"default":{"server":"http://h","username":"ann","access_token":"t","refresh_token":null}}}"#;
        let profiles: Result<Profiles, _> = serde_json::from_str(text);
        let Ok(profiles) = profiles else {
            panic!("an older profiles file does not load: {profiles:?}")
        };
        assert_eq!(profiles.profiles["default"].version_warned, None);
    }
}
