//! From global options to a working connection: the configuration with the command-line
//! overrides applied, the database, and (for the user commands) a migrated [`Hub`].

use anyhow::Context as _;
use hub_core::database::Database;
use hub_core::{Config, Hub};

use crate::args::GlobalOptions;
use crate::plural;

/// Reads the configuration the way hub-server does, then applies `--database-url`,
/// `--data-dir` and `--config`.
pub fn load_config(options: &GlobalOptions) -> anyhow::Result<Config> {
    let mut config = Config::load_from(options.config.as_deref())?;
    if let Some(data_dir) = &options.data_dir {
        config.data_dir.clone_from(data_dir);
    }
    if let Some(url) = &options.database_url {
        config.database_url = Some(url.clone());
    }
    Ok(config)
}

/// The database URL in effect, with any password hidden, for messages.
pub fn shown_database_url(config: &Config) -> String {
    config.shown_database_url()
}

/// Connects to the configured database without migrating it.
pub async fn connect(config: &Config) -> anyhow::Result<Database> {
    Ok(Database::connect(config).await?)
}

/// Connects, applies pending migrations (saying so on stderr only when there were some) and
/// builds the services. The caller closes the hub when done.
pub async fn open_hub(config: Config) -> anyhow::Result<Hub> {
    let database = connect(&config).await?;
    let applied = database
        .migrate()
        .await
        .with_context(|| format!("cannot migrate the database at {}", shown_database_url(&config)))?;
    if applied > 0 {
        eprintln!(
            "applied {} to {}",
            plural(applied, "database migration"),
            shown_database_url(&config)
        );
    }
    match database.clone().into_hub(config) {
        Ok(hub) => Ok(hub),
        Err(err) => {
            database.close().await;
            Err(err.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn command_line_options_override_the_configuration() -> anyhow::Result<()> {
        let options = GlobalOptions {
            database_url: None,
            data_dir: Some(PathBuf::from("/srv/hub")),
            config: None,
        };
        let config = load_config(&options)?;
        assert_eq!(config.data_dir, PathBuf::from("/srv/hub"));
        // No explicit URL: the SQLite file follows the data folder, unless the environment
        // running the tests names a database.
        if std::env::var_os("HUB_DATABASE_URL").is_none() {
            assert_eq!(config.effective_database_url(), "sqlite:///srv/hub/hub.db");
        }

        let options = GlobalOptions {
            database_url: Some("postgres://hub:secret@db/hub".to_owned()),
            data_dir: None,
            config: None,
        };
        let config = load_config(&options)?;
        assert_eq!(shown_database_url(&config), "postgres://hub:***@db/hub");
        Ok(())
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let options = GlobalOptions {
            database_url: None,
            data_dir: None,
            config: Some(PathBuf::from("/nonexistent/hub.toml")),
        };
        assert!(load_config(&options).is_err());
    }
}
