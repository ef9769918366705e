//! The server as a program: configuration from the environment, logging, the data folder's
//! lock, the database, the listener, and serving until SIGINT or SIGTERM. `hub-server`'s
//! `main` is this; so is the test suites' copy of the binary (`hub-tests`), which they start
//! and kill as a separate process.

use std::process::ExitCode;

use hub_core::Config;
use hub_core::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Serves until a signal; the exit code says how it ended (errors are printed).
pub async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hub-server: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::load()?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match config.log_format {
        // Colours only for a person at a terminal: a log file or journald gets plain text.
        LogFormat::Text => tracing_subscriber::fmt()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_env_filter(filter)
            .init(),
        LogFormat::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
    }
    let bind = config.bind;
    let data_dir = std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone());
    let database = config.shown_database_url();
    // Held while serving: `hub restore` refuses to replace the database under a running server.
    let _data_folder = hub_core::database::DataFolderLock::acquire(&config.data_dir)?;
    let hub = hub_core::Hub::open(config).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {bind}: {err} (set HUB_BIND to another address)"))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, data_dir = %data_dir.display(), %database, "hub-server listening");
    println!("hub-server listening on http://{address}");
    println!("  data folder: {}", data_dir.display());
    println!("  database:    {database}");
    println!("  API docs:    http://{address}/docs/");
    crate::run(listener, hub, shutdown_signal()).await;
    tracing::info!("hub-server stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down: finishing requests in flight");
}
