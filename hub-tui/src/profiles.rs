//! Signed-in profiles, one per server, kept in `<config dir>/hub/profiles.json` (the config
//! dir is `$XDG_CONFIG_HOME` or `~/.config`), written readable by the user only. The `hub` CLI
//! and hub-tui share them: `hub auth login` once, and either program goes straight in.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use hub_core::client::{Client, ClientError};
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

    /// Saves `profile` as `name` in the file as it is on disk now (another program may have
    /// changed other profiles since this one read it), current if none was.
    pub fn remember(name: &str, profile: &Profile) -> anyhow::Result<()> {
        let mut profiles = Profiles::load().unwrap_or_default();
        profiles.profiles.insert(name.to_owned(), profile.clone());
        profiles.current.get_or_insert_with(|| name.to_owned());
        profiles.save()
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

/// A fresh access token for `saved` (the profile named `name`), now: the profiles file's, when
/// another program renewed the session first (two renewals with one refresh token would look
/// like a stolen token), else one made with the refresh token. The renewed profile is saved and
/// returned. A profile without a refresh token (a pasted token) cannot be renewed.
pub async fn renew_now(client: &mut Client, name: &str, saved: &Profile) -> Result<Profile, ClientError> {
    let on_disk = Profiles::load()
        .ok()
        .and_then(|profiles| profiles.profiles.get(name).cloned())
        .filter(|disk| disk.server == saved.server && disk.access_token != saved.access_token);
    let renewed = match on_disk {
        Some(disk) => disk,
        None => {
            let refresh = saved.refresh_token.clone().ok_or(ClientError::NotSignedIn)?;
            let tokens = client.refresh(&refresh).await?;
            let mut renewed = saved.clone();
            renewed.access_token = tokens.access_token;
            renewed.refresh_token = Some(tokens.refresh_token);
            // Not saving loses nothing now; the next start renews again.
            let _ = Profiles::remember(name, &renewed);
            renewed
        }
    };
    client.set_token(Some(renewed.access_token.clone()));
    Ok(renewed)
}

/// Keeps the profile `name` (now `saved`) signed in for as long as the program runs: renews its
/// token a minute before each expiry and publishes every fresh one. The feed closes when a
/// renewal fails (the session then ends with its last token) or the profile cannot be renewed.
pub fn renewing(name: String, mut saved: Profile) -> tokio::sync::watch::Receiver<String> {
    let (tokens, feed) = tokio::sync::watch::channel(saved.access_token.clone());
    if saved.refresh_token.is_none() {
        return feed;
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(renew_after(&saved.access_token)).await;
            let Ok(mut client) = Client::new(&saved.server) else {
                return;
            };
            let Ok(renewed) = renew_now(&mut client, &name, &saved).await else {
                return;
            };
            saved = renewed;
            if tokens.send(saved.access_token.clone()).is_err() {
                return;
            }
        }
    });
    feed
}

/// How long to wait before renewing `access_token`: until a minute before it expires, or half
/// its life when that is shorter (at least a second; a minute when its expiry cannot be read).
pub fn renew_after(access_token: &str) -> std::time::Duration {
    let now = chrono::Utc::now().timestamp();
    let left = token_expiry(access_token).map_or(120, |exp| exp - now);
    let wait = (left - 60).max(left / 2).max(1);
    std::time::Duration::from_secs(u64::try_from(wait).unwrap_or(1))
}

/// When an access token expires (its `exp`, Unix seconds), read from the token itself without
/// checking its signature: only to know when to renew it, never to trust it.
pub fn token_expiry(access_token: &str) -> Option<i64> {
    use base64::Engine as _;
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_i64()
}

/// Renews `saved`'s access token with its refresh token when the server says it has expired;
/// `Ok(true)` when it did (save the profiles then). A profile without a refresh token (a pasted
/// token) cannot be renewed: the server's refusal is returned.
pub async fn renew_if_expired(client: &mut Client, saved: &mut Profile) -> Result<bool, ClientError> {
    match client.me().await {
        Ok(_) => Ok(false),
        Err(err) if err.code() == Some("token_expired") => {
            let Some(refresh) = saved.refresh_token.clone() else {
                return Err(err);
            };
            let tokens = client.refresh(&refresh).await?;
            saved.access_token = tokens.access_token;
            saved.refresh_token = Some(tokens.refresh_token);
            Ok(true)
        }
        Err(err) => Err(err),
    }
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
    fn a_tokens_expiry_is_read_from_its_claims() {
        use base64::Engine as _;
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"u","exp":1764590000}"#);
        assert_eq!(token_expiry(&format!("header.{claims}.signature")), Some(1_764_590_000));
        assert_eq!(token_expiry("not a token"), None);
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
