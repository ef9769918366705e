//! `hub bench idle`: many authenticated connections that do nothing. How fast the gateway
//! accepts them (a connection counts once its `hello` arrives) and how much server memory each
//! one holds.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use futures_util::{SinkExt as _, StreamExt as _, TryStreamExt as _, stream};
use hub_core::protocol::v1::ClientFrame;
use tokio_tungstenite::tungstenite::Message;

use super::accounts;
use super::gateway::{self, ClosedByServer, Purpose, Socket};
use super::histogram::Histogram;
use super::probe::{Kind, probe};
use super::room::per_second;
use super::server::{Run, Server};
use super::{print_header, progress, seconds};
use crate::args::IdleArgs;

/// File descriptors the process needs besides its connections.
const SPARE_DESCRIPTORS: u64 = 64;
/// Time given to the server to settle (tasks parked, buffers shrunk) before reading its memory.
const SETTLE: Duration = Duration::from_secs(1);
/// How long a ping may wait for its pong.
const PONG_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the workload and prints its figures.
pub async fn run(args: &IdleArgs) -> anyhow::Result<()> {
    let count = args.connections as usize;
    check_descriptor_limit(u64::from(args.connections))?;
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let users = accounts::register(&server, &run, "i", args.users as usize).await?;
    let before = server.resident_memory(args.server_pid).await;

    let bar = progress::counting("connect", count);
    let start = Instant::now();
    let opened: Result<Vec<(Socket, Duration)>, _> = stream::iter(0..count)
        .map(|index| {
            let token = &users[index % users.len()].token;
            let (server, bar) = (&server, &bar);
            async move {
                let began = Instant::now();
                let socket = gateway::open(server, token, Purpose::Idle).await?;
                bar.inc(1);
                anyhow::Ok((socket, began.elapsed()))
            }
        })
        .buffer_unordered(args.concurrency as usize)
        .try_collect()
        .await;
    let accept_elapsed = start.elapsed();
    let opened_count = bar.position();
    bar.finish_and_clear();
    let opened = opened.with_context(|| format!("after {opened_count} of {count} connections were open"))?;
    let mut handshakes = Histogram::default();
    let mut sockets = Vec::with_capacity(opened.len());
    for (socket, took) in opened {
        handshakes.record(took);
        sockets.push(socket);
    }

    tokio::time::sleep(SETTLE).await;
    let after = server.resident_memory(args.server_pid).await;
    let held_since = Instant::now();
    let pings = ping_all(&mut sockets, args.concurrency as usize).await?;
    let hold = args.hold.saturating_sub(held_since.elapsed());
    let spinner = progress::waiting("hold");
    spinner.set_message(format!("{count} connections open"));
    tokio::time::sleep(hold).await;
    spinner.finish_and_clear();
    close_all(sockets, args.concurrency as usize).await;

    print_header(
        "idle",
        &server,
        &run,
        &[
            format!("{count} connections over {} users", args.users),
            format!("{} handshakes at a time", args.concurrency),
        ],
    );
    println!(
        "accepted:       {:.0} connections/s  ({count} in {} s)",
        per_second(count as u64, accept_elapsed),
        seconds(accept_elapsed)
    );
    println!("handshake:      {}", handshakes.summary());
    match (before, after) {
        (Ok(before), Ok(after)) => {
            let per_connection = after.saturating_sub(before) as f64 / count as f64 / 1024.0;
            println!(
                "server memory:  {per_connection:.1} KiB per connection  (resident {} MiB before, {} MiB with {count} open)",
                before / (1024 * 1024),
                after / (1024 * 1024)
            );
        }
        (Err(err), _) | (_, Err(err)) => println!("server memory:  not measured: {err:#}"),
    }
    println!("ping→pong:      {}", pings.summary());
    Ok(())
}

/// Fails early, with what to do, when `ulimit -n` cannot hold `connections`.
fn check_descriptor_limit(connections: u64) -> anyhow::Result<()> {
    let Some(limit) = open_files_limit() else {
        return Ok(());
    };
    let needed = connections + SPARE_DESCRIPTORS;
    if limit < needed {
        bail!(
            "{connections} connections need about {needed} file descriptors, and `ulimit -n` is {limit}: \
             raise it in this shell (e.g. `ulimit -n 65536`), and in the server's too"
        );
    }
    Ok(())
}

/// The soft limit on open files, from `/proc/self/limits` (Linux); `None` elsewhere or when
/// unlimited.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Sends one `ping` on every connection and waits for each `pong`.
async fn ping_all(sockets: &mut [Socket], concurrency: usize) -> anyhow::Result<Histogram> {
    let bar = progress::counting("ping", sockets.len());
    let ping = gateway::encode(&ClientFrame::Ping { nonce: None })?;
    let latencies: Vec<Duration> = stream::iter(sockets.iter_mut())
        .map(|socket| {
            let (ping, bar) = (ping.clone(), &bar);
            async move {
                let sent = Instant::now();
                socket.send(ping).await.context("cannot send a ping")?;
                tokio::time::timeout(PONG_TIMEOUT, wait_for_pong(socket))
                    .await
                    .with_context(|| format!("no pong within {} s", PONG_TIMEOUT.as_secs()))??;
                bar.inc(1);
                anyhow::Ok(sent.elapsed())
            }
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    bar.finish_and_clear();
    let mut histogram = Histogram::default();
    for latency in latencies {
        histogram.record(latency);
    }
    Ok(histogram)
}

async fn wait_for_pong(socket: &mut Socket) -> anyhow::Result<()> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if probe(&text).kind == Kind::Pong => return Ok(()),
            Some(Ok(Message::Close(frame))) => return Err(ClosedByServer::from_frame(frame.as_ref()).into()),
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(ClosedByServer::from_error(&err).into()),
            None => return Err(ClosedByServer::without_frame().into()),
        }
    }
}

/// Closes every connection (a close frame each; the server's answer is not awaited).
async fn close_all(sockets: Vec<Socket>, concurrency: usize) {
    let bar = progress::counting("close", sockets.len());
    stream::iter(sockets)
        .for_each_concurrent(concurrency, |mut socket| {
            let bar = &bar;
            async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), socket.close(None)).await;
                bar.inc(1);
            }
        })
        .await;
    bar.finish_and_clear();
}
