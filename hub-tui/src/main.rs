//! `hub-tui`: the terminal chat client. Not built yet: this placeholder only reports its version,
//! and says so instead of pretending to connect.

use std::process::ExitCode;

fn main() -> ExitCode {
    let version = env!("CARGO_PKG_VERSION");
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("hub-tui {version}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("hub-tui {version}: the terminal client is not built yet; only --version works.");
            ExitCode::FAILURE
        }
    }
}
