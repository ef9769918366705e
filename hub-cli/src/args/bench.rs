//! The `hub bench ...` commands as clap types: each workload's options and the server settings its
//! help tells the operator to lift. Nothing here runs; `commands::bench` does.

use std::time::Duration;

use clap::{Args, Subcommand};

/// `hub bench ...`: one workload each.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Fan-out: one public channel, every member on a WebSocket, a few of them sending
    ///
    /// Registers --members users, puts them in one new public channel, opens one WebSocket
    /// each, and has --senders of them send message.send frames, each keeping up to
    /// --in-flight unacknowledged sends on the wire (flood), or paced to a total --rate.
    /// Prints messages stored per second (acks), deliveries per second (message.created
    /// frames received over all connections) and send-to-receive latency.
    ///
    /// Start the server with its per-user limits lifted, or it will refuse the load:
    ///   HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 HUB_GATEWAY__MESSAGES_BURST=1000000
    ///   HUB_GATEWAY__OUTGOING_QUEUE_FRAMES=8192   (if members are dropped as too slow, 4008)
    /// Registering the users hashes each password on the server; lowering
    /// HUB_AUTH__ARGON2_MEMORY_KIB / HUB_AUTH__ARGON2_ITERATIONS makes set-up faster.
    ///
    /// Examples:
    ///   hub bench fanout --members 100 --senders 10
    ///   hub bench fanout --members 100 --senders 10 --rate 1000
    ///   hub bench fanout --members 1000 --senders 10 --duration 30s
    #[command(verbatim_doc_comment)]
    Fanout(FanoutArgs),

    /// Direct messages: pairs of users ping-ponging in closed loops
    ///
    /// Registers two users per pair, opens their direct conversation (POST /dms) and a
    /// WebSocket each. In every pair A sends, B waits for it and answers, A waits for the
    /// answer, and so on: one message in flight per pair. Prints messages per second and
    /// the latency of one hop (send to the peer's message.created) and of a round trip.
    ///
    /// Start the server with HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 and
    /// HUB_GATEWAY__MESSAGES_BURST=1000000, or each user is held to 20 frames a second.
    ///
    /// Examples:
    ///   hub bench dm --pairs 50
    ///   hub bench dm --pairs 200 --duration 30s
    #[command(verbatim_doc_comment)]
    Dm(DmArgs),

    /// Idle connections: how fast the gateway accepts them, and what each one costs
    ///
    /// Opens --connections authenticated WebSockets spread over --users users, at most
    /// --concurrency handshakes at a time, and counts one as accepted when its hello
    /// arrives. Then reads the server's resident memory, pings each connection once,
    /// holds them for --hold and closes them. Prints the accept rate and the server's
    /// memory per connection, read from hub_process_resident_memory_bytes on /metrics
    /// (or from /proc/PID/status with --server-pid).
    ///
    /// The memory figure is how much the server's resident memory grew while the
    /// connections opened; against a freshly started server it is the cleanest.
    ///
    /// Each connection takes a file descriptor here and one in the server: raise
    /// `ulimit -n` in both shells (e.g. `ulimit -n 65536`) above --connections.
    /// Start the server with HUB_GATEWAY__MAX_CONNECTIONS_PER_USER at least
    /// --connections / --users and HUB_GATEWAY__MAX_CONNECTIONS at least --connections,
    /// or it closes the extra ones with 4009.
    ///
    /// Examples:
    ///   hub bench idle --connections 10000
    ///   hub bench idle --connections 10000 --users 4 --server-pid "$(pidof hub-server)"
    #[command(verbatim_doc_comment)]
    Idle(IdleArgs),

    /// History reads: concurrent readers paging the newest messages of a few channels
    ///
    /// Seeds --messages messages over --channels public channels named bench-history-N
    /// (kept between runs: seeding is skipped when they already hold enough), then runs
    /// --readers concurrent readers, each on its own keep-alive HTTP connection, doing
    /// GET /api/v1/channels/{id}/messages?limit=50 in a loop. Prints requests per second
    /// and latency.
    ///
    /// Seeding sends over WebSockets: start the server with
    /// HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 and HUB_GATEWAY__MESSAGES_BURST=1000000.
    ///
    /// Examples:
    ///   hub bench history
    ///   hub bench history --messages 1000000 --channels 100 --readers 64
    #[command(verbatim_doc_comment)]
    History(HistoryArgs),

    /// Logins under chat load: does password hashing slow the chat down?
    ///
    /// Runs a paced fan-out (--chat-rate messages a second over --members members) for
    /// --duration, then again for --duration while also logging in --rate times a second
    /// (real argon2 password checks on the server). Prints the chat latency of both
    /// phases side by side and the login latency.
    ///
    /// Start the server with HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 and
    /// HUB_GATEWAY__MESSAGES_BURST=1000000, and with its production HUB_AUTH__ARGON2_*
    /// settings: lowering them here measures nothing.
    ///
    /// Examples:
    ///   hub bench login
    ///   hub bench login --rate 20 --duration 30s
    #[command(verbatim_doc_comment)]
    Login(LoginArgs),

    /// The moderators' queue: how fast GET /admin/reports answers on a big queue
    ///
    /// Uses the signed-in profile (hub auth login), which must be a site admin; it
    /// makes no users and changes nothing. Asks for the first page of the open queue
    /// --requests times, then the first page filtered by reason, then walks the whole
    /// open queue page by page, and prints the latencies and the queue's size. To
    /// measure a big queue, seed one first: hub seed --reports 10000 ...
    ///
    /// Examples:
    ///   hub bench reports
    ///   hub bench reports --requests 500 --limit 100
    #[command(verbatim_doc_comment)]
    Reports(ReportsBenchArgs),

    /// Files: upload and download throughput
    ///
    /// Registers --concurrency users; they upload --files files of --size-kib KiB each
    /// (multipart, as a front end sends them), --concurrency at a time, then download them
    /// all back, checking every byte. Prints MiB per second and per-file latency for each
    /// direction. Where the files go is the server's setting (its data folder, or S3).
    ///
    /// Start the server with HUB_FILES__QUOTA_BYTES_PER_USER above what one user uploads,
    /// and HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 HUB_GATEWAY__MESSAGES_BURST=1000000
    /// (uploads count as actions).
    ///
    /// Examples:
    ///   hub bench files
    ///   hub bench files --files 20 --size-kib 20480 --concurrency 2
    #[command(verbatim_doc_comment)]
    Files(FilesBenchArgs),

    /// Search: concurrent searchers over a seeded corpus of messages
    ///
    /// Seeds --messages messages over --channels public channels named bench-search-N
    /// (kept between runs, topped up when short), whose words come from a made-up
    /// vocabulary with a skewed spread, then runs --searchers concurrent searchers, each on
    /// its own keep-alive HTTP connection, cycling through GET /api/v1/search/messages
    /// with a common word, a middling and a rare one, two words, a prefix, a phrase and an
    /// OR (or only --query). Prints searches per second and latency.
    ///
    /// Seeding sends over WebSockets: start the server with
    /// HUB_GATEWAY__MESSAGES_PER_SECOND=1000000 and HUB_GATEWAY__MESSAGES_BURST=1000000.
    ///
    /// Examples:
    ///   hub bench search
    ///   hub bench search --messages 100000 --searchers 32 --query '"release notes"'
    #[command(verbatim_doc_comment)]
    Search(SearchBenchArgs),

    /// The terminal client: start-up, opening a long channel, scrolling to its top, memory
    ///
    /// Makes one user with --channels channels, one of them holding --messages messages
    /// (sent over the gateway), signs the real hub-tui binary in through a saved profile and
    /// drives it in tmux (which must be installed), timing what the screen shows: the first
    /// drawn screen, the channel list, the long channel's newest messages after switching to
    /// it, its first message after g (every older page loaded), and hub-tui's resident memory
    /// then. Times are read off the screen, so they include tmux's few milliseconds.
    ///
    /// Examples:
    ///   hub bench tui
    ///   hub bench tui --channels 100 --messages 10000 --tui target/release/hub-tui
    #[command(verbatim_doc_comment)]
    Tui(TuiBenchArgs),
}

/// `hub bench tui`.
#[derive(Debug, Args)]
pub struct TuiBenchArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Channels the user is in (one of them the long one)
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub channels: u32,

    /// Messages in the long channel
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub messages: u32,

    /// The hub-tui binary (default: the one beside this hub, else hub-tui on PATH)
    #[arg(long, value_name = "PATH")]
    pub tui: Option<std::path::PathBuf>,
}

/// `hub bench reports`.
#[derive(Debug, Args)]
pub struct ReportsBenchArgs {
    #[command(flatten)]
    pub profile: super::remote::ProfileOption,

    /// Requests for each first-page measurement
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub requests: u32,

    /// Page size, as hub reports list --limit
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
}

/// Where the server under test is; every workload takes it.
#[derive(Debug, Args)]
pub struct ServerOptions {
    /// Root URL of the running hub-server
    #[arg(
        long,
        env = "HUB_SERVER",
        default_value = "http://127.0.0.1:8000",
        value_name = "URL"
    )]
    pub server: String,
    /// Another node of the same hub (repeat for more): gateway connections go to the nodes in
    /// turn, so a dm pair's two people, and a room's members, sit on different nodes and
    /// every delivery crosses between them. Requests still go to --server.
    #[arg(long = "also", value_name = "URL")]
    pub also: Vec<String>,
}

/// `hub bench fanout`.
#[derive(Debug, Args)]
pub struct FanoutArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Members of the channel, each with one WebSocket
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub members: u32,

    /// How many of the members send
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub senders: u32,

    /// How long to send: 10s, 500ms, 2m
    #[arg(long, default_value = "10s", value_name = "TIME", value_parser = parse_duration)]
    pub duration: Duration,

    /// Messages per second over all senders; without it, senders flood
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,

    /// Unacknowledged sends one sender keeps on the wire
    #[arg(long, default_value_t = 64, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub in_flight: u32,

    /// Length of each message's text, in bytes
    #[arg(long, default_value_t = 64, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..=4000))]
    pub message_bytes: u32,
}

/// `hub bench dm`.
#[derive(Debug, Args)]
pub struct DmArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Direct conversations, each with its own two users
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub pairs: u32,

    /// How long to ping-pong: 10s, 500ms, 2m
    #[arg(long, default_value = "10s", value_name = "TIME", value_parser = parse_duration)]
    pub duration: Duration,
}

/// `hub bench idle`.
#[derive(Debug, Args)]
pub struct IdleArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Connections to open
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,

    /// Users the connections are spread over
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub users: u32,

    /// Handshakes in progress at once
    #[arg(long, default_value_t = 64, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,

    /// How long to keep the connections open once all are up
    #[arg(long, default_value = "3s", value_name = "TIME", value_parser = parse_duration)]
    pub hold: Duration,

    /// Read the server's memory from /proc/PID/status instead of its /metrics
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
}

/// `hub bench history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Messages the channels hold in all (seeded when missing)
    #[arg(long, default_value_t = 100_000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub messages: u32,

    /// Channels the messages are spread over
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub channels: u32,

    /// Concurrent readers, each with its own HTTP connection
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub readers: u32,

    /// Messages per page (the `limit=` of each request)
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,

    /// How long to read: 10s, 500ms, 2m
    #[arg(long, default_value = "10s", value_name = "TIME", value_parser = parse_duration)]
    pub duration: Duration,
}

/// `hub bench files`.
#[derive(Debug, Args)]
pub struct FilesBenchArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Files to upload (and download)
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub files: u32,

    /// Size of each file, in KiB
    #[arg(long, default_value_t = 1024, value_name = "KIB", value_parser = clap::value_parser!(u64).range(1..))]
    pub size_kib: u64,

    /// Transfers at a time (and users)
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
}

/// `hub bench search`.
#[derive(Debug, Args)]
pub struct SearchBenchArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Messages the channels hold in all (seeded when missing)
    #[arg(long, default_value_t = 100_000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub messages: u32,

    /// Channels the messages are spread over
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub channels: u32,

    /// Concurrent searchers, each with its own HTTP connection
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub searchers: u32,

    /// Results per page (the `limit=` of each search)
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,

    /// Search only for this (the search box's text) instead of the mix
    #[arg(long, value_name = "TEXT")]
    pub query: Option<String>,

    /// How long to search: 10s, 500ms, 2m
    #[arg(long, default_value = "10s", value_name = "TIME", value_parser = parse_duration)]
    pub duration: Duration,
}

/// `hub bench login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Where the server is.
    #[command(flatten)]
    pub server: ServerOptions,

    /// Logins per second during the second phase
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: u32,

    /// How long each phase lasts: 10s, 500ms, 2m
    #[arg(long, default_value = "10s", value_name = "TIME", value_parser = parse_duration)]
    pub duration: Duration,

    /// Chat messages per second over all senders, in both phases
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub chat_rate: u32,

    /// Members of the chat channel, each with one WebSocket
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub members: u32,

    /// How many of the members send
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub senders: u32,
}

/// A duration as `10s`, `500ms`, `2m`, `1.5s` or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 10s, 500ms or 2m"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        other => return Err(format!("unknown unit {other:?}: use ms, s or m")),
    };
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err("the duration must be more than zero".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_common_units() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["", "0s", "ten", "5h", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
