//! `hub doctor`: checks what a server needs before it can serve, and says what to do about
//! each problem. Prints a line per check; exits 1 when one fails (warnings alone exit 0).

use std::path::Path;

use hub_core::Config;
use hub_core::database::{DataFolderLock, Database};

use crate::setup;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
}

struct Report {
    failed: bool,
}

impl Report {
    fn line(&mut self, verdict: Verdict, text: &str) {
        let label = match verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => {
                self.failed = true;
                "FAIL"
            }
        };
        println!("{label}  {text}");
    }
}

/// Runs every check.
pub async fn run(options: &crate::args::GlobalOptions) -> anyhow::Result<()> {
    let mut report = Report { failed: false };
    let config = match setup::load_config(options) {
        Ok(config) => {
            report.line(Verdict::Ok, "the configuration loads");
            config
        }
        Err(err) => {
            report.line(Verdict::Fail, &format!("the configuration does not load: {err:#}"));
            return Err(anyhow::anyhow!("hub doctor found problems"));
        }
    };
    check_data_folder(&config, &mut report);
    check_secret(&config, &mut report);
    check_database(&config, &mut report).await;
    if report.failed {
        Err(anyhow::anyhow!("hub doctor found problems"))
    } else {
        Ok(())
    }
}

fn check_data_folder(config: &Config, report: &mut Report) {
    let dir = &config.data_dir;
    if !dir.exists() {
        report.line(
            Verdict::Warn,
            &format!(
                "the data folder {} does not exist yet (the server makes it)",
                dir.display()
            ),
        );
        return;
    }
    let probe = dir.join(".hub-doctor-probe");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            report.line(Verdict::Ok, &format!("the data folder {} is writable", dir.display()));
        }
        Err(err) => report.line(
            Verdict::Fail,
            &format!("cannot write in the data folder {}: {err}", dir.display()),
        ),
    }
    match DataFolderLock::acquire(dir) {
        Ok(_lock) => report.line(Verdict::Ok, "no hub-server holds the data folder now"),
        Err(_) => report.line(Verdict::Ok, "a hub-server is running on this data folder"),
    }
}

fn check_secret(config: &Config, report: &mut Report) {
    if let Some(secret) = &config.jwt_secret {
        if secret.len() >= 32 {
            report.line(Verdict::Ok, "HUB_JWT_SECRET is set");
        } else {
            report.line(Verdict::Fail, "HUB_JWT_SECRET is shorter than 32 bytes");
        }
        return;
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(secret) if secret.trim().len() >= 32 => {
            if readable_by_others(&path) {
                report.line(
                    Verdict::Warn,
                    &format!("{} is readable by others: chmod 600 it", path.display()),
                );
            } else {
                report.line(Verdict::Ok, &format!("the token secret {} is private", path.display()));
            }
        }
        Ok(_) => report.line(
            Verdict::Fail,
            &format!("{} is too short; delete it to have a new one made", path.display()),
        ),
        Err(_) => report.line(
            Verdict::Warn,
            "no token secret yet: the server makes one at its first start (set HUB_JWT_SECRET, the same on every node, for several)",
        ),
    }
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

async fn check_database(config: &Config, report: &mut Report) {
    let shown = setup::shown_database_url(config);
    let url = config.effective_database_url();
    if let Some(file) = url.strip_prefix("sqlite://")
        && !Path::new(file).exists()
    {
        report.line(
            Verdict::Warn,
            &format!("the database {shown} does not exist yet: hub migrate (or the server's first start) makes it"),
        );
        return;
    }
    let database = match Database::connect(config).await {
        Ok(database) => {
            report.line(Verdict::Ok, &format!("the database answers ({shown})"));
            database
        }
        Err(err) => {
            report.line(Verdict::Fail, &format!("cannot reach the database: {}", err.message));
            return;
        }
    };
    match database.pending_migrations().await {
        Ok(0) => report.line(Verdict::Ok, "the schema is up to date"),
        Ok(pending) => report.line(
            Verdict::Warn,
            &format!("{pending} migration(s) pending: run hub migrate (the server also applies them at start)"),
        ),
        Err(err) => report.line(Verdict::Fail, &format!("cannot read the migrations: {}", err.message)),
    }
    database.close().await;
}
