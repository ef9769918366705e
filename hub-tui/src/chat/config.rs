//! hub-tui's config file, `<config dir>/hub/tui.toml` (next to the signed-in profiles). Every
//! setting is optional; a mistake is reported with the file and the setting, and the client
//! does not start on a config it cannot read.
//!
//! ```toml
//! [theme]
//! color = true            # false: no colours (NO_COLOR does the same, and always wins)
//!
//! [notifications]
//! bell = "mentions"       # all | mentions | never: which messages ring the terminal bell
//! desktop = "never"       # the same, for desktop notifications (notify-send)
//!
//! mouse = false           # true: the wheel scrolls (the terminal's own selection then needs Shift)
//!
//! [keys.normal]           # any mode: normal, insert, select, command, forum, post
//! "ctrl-p" = "switcher"   # hub-tui --list-keys names every command
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format as _, Toml};
use serde::Deserialize;

use super::keymap::Keymap;
use super::model::{AlertLevel, Alerts};

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[theme]`.
    pub theme: ThemeConfig,
    /// `[notifications]`.
    pub notifications: NotificationConfig,
    /// Capture the mouse for the wheel.
    pub mouse: bool,
    /// `[keys.<mode>]`: key sequence → command name.
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
}

/// `[theme]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeConfig {
    /// Colours on (NO_COLOR turns them off whatever this says).
    pub color: bool,
}

impl Default for ThemeConfig {
    fn default() -> ThemeConfig {
        ThemeConfig { color: true }
    }
}

/// `[notifications]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationConfig {
    /// Which messages ring the bell.
    pub bell: AlertLevel,
    /// Which show a desktop notification.
    pub desktop: AlertLevel,
}

impl Default for NotificationConfig {
    fn default() -> NotificationConfig {
        let alerts = Alerts::default();
        NotificationConfig {
            bell: alerts.bell,
            desktop: alerts.desktop,
        }
    }
}

/// Where the file is: beside the profiles.
pub fn config_path() -> anyhow::Result<PathBuf> {
    let profiles = crate::profiles::profiles_path()?;
    Ok(profiles.with_file_name("tui.toml"))
}

impl Config {
    /// Reads `path` (a missing file is the defaults).
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        if !path.exists() {
            return Ok(Config::default());
        }
        Figment::from(Toml::file(path))
            .extract()
            .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
    }

    /// The user's key bindings.
    pub fn keymap(&self) -> anyhow::Result<Keymap> {
        let mut keymap = Keymap::default();
        for (mode, bindings) in &self.keys {
            for (keys, command) in bindings {
                keymap
                    .bind(mode, keys, command)
                    .map_err(|err| anyhow::anyhow!("tui.toml: {err}"))?;
            }
        }
        Ok(keymap)
    }

    /// The alerts the model decides by.
    pub fn alerts(&self) -> Alerts {
        Alerts {
            bell: self.notifications.bell,
            desktop: self.notifications.desktop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temp dir");
        };
        let path = dir.path().join("tui.toml");
        if let Err(err) = std::fs::write(&path, text) {
            panic!("cannot write {}: {err}", path.display());
        }
        (dir, path)
    }

    #[test]
    fn a_missing_file_is_the_defaults() {
        let Ok(config) = Config::load(Path::new("/nonexistent/tui.toml")) else {
            panic!("a missing file is an error");
        };
        assert!(config.theme.color && !config.mouse);
        assert_eq!(config.alerts(), Alerts::default());
    }

    #[test]
    fn every_setting_is_read() {
        let (_dir, path) = write(
            "mouse = true\n[theme]\ncolor = false\n[notifications]\nbell = \"never\"\ndesktop = \"mentions\"\n\
             [keys.normal]\n\"ctrl-p\" = \"switcher\"\n",
        );
        let config = match Config::load(&path) {
            Ok(config) => config,
            Err(err) => panic!("{err:#}"),
        };
        assert!(config.mouse && !config.theme.color);
        assert_eq!(config.alerts().bell, AlertLevel::Never);
        assert_eq!(config.alerts().desktop, AlertLevel::Mentions);
        let Ok(keymap) = config.keymap() else {
            panic!("the binding was refused");
        };
        assert_eq!(keymap.bindings.len(), 1);
    }

    #[test]
    fn a_misspelt_setting_is_an_error_naming_it() {
        let (_dir, path) = write("[notifications]\nbel = \"all\"\n");
        let Err(err) = Config::load(&path) else {
            panic!("a misspelt setting was ignored");
        };
        let text = format!("{err:#}");
        assert!(text.contains("bel") && text.contains("tui.toml"), "{text}");
    }
}
