//! `hub bench ...`: benchmark programs that drive a running hub-server over its real API (REST
//! and the WebSocket gateway) and print figures as plain lines, ready for BENCHMARKS.md.
//!
//! - one module per workload: `fanout`, `dm`, `files`, `idle`, `history`, `login`, `reports`, `search`,
//!   `tui`;
//! - `room`: a channel under fan-out load, shared by `fanout` and `login`;
//! - `server`: the server under test, checked up front; the run's unique tag;
//! - `accounts`: registering the run's users; `gateway`: raw WebSocket connections and frame
//!   probing, with hints for the server limits to lift;
//! - `histogram`: the one latency histogram every workload reports with; `progress`: stderr bars.
//!
//! Every workload makes its own users (`bench-<run>-...`), so runs never collide, and measures
//! on the same machine as the server: the load generator's own CPU is part of the picture.

mod accounts;
mod dm;
mod fanout;
mod files;
mod gateway;
mod histogram;
mod history;
mod idle;
mod login;
mod probe;
mod reports;
mod search;
mod tui;
use crate::progress;
mod room;
mod server;

use std::time::Duration;

use crate::args::BenchCommand;

use self::server::{Run, Server};

/// Runs one workload.
pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Fanout(args) => fanout::run(&args).await,
        BenchCommand::Dm(args) => dm::run(&args).await,
        BenchCommand::Files(args) => files::run(&args).await,
        BenchCommand::Idle(args) => idle::run(&args).await,
        BenchCommand::History(args) => history::run(&args).await,
        BenchCommand::Login(args) => login::run(&args).await,
        BenchCommand::Reports(args) => reports::run(&args).await,
        BenchCommand::Search(args) => search::run(&args).await,
        BenchCommand::Tui(args) => tui::run(&args).await,
    }
}

/// The first line of every report: the workload, where it ran, and with what parameters.
fn print_header(workload: &str, server: &Server, run: &Run, parameters: &[String]) {
    let nodes = match server.nodes() {
        1 => String::new(),
        nodes => format!(" and {} more node(s), sockets spread over all", nodes - 1),
    };
    println!(
        "hub bench {workload} against {}{nodes} (run {}): {}",
        server.base(),
        run.tag(),
        parameters.join(", ")
    );
}

/// Seconds with up to two decimals: `3`, `2.5`, `10.02`.
fn seconds(duration: Duration) -> String {
    let text = format!("{:.2}", duration.as_secs_f64());
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_drop_useless_decimals() {
        assert_eq!(seconds(Duration::from_secs(3)), "3");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5");
        assert_eq!(seconds(Duration::from_millis(10_017)), "10.02");
    }
}
