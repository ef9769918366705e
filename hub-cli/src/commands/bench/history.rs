//! `hub bench history`: concurrent readers paging the newest messages of a few channels over
//! keep-alive HTTP. The channels (`bench-history-N`) are kept between runs; seeding tops them
//! up over pipelined WebSockets only when they hold fewer messages than asked for.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use futures_util::{SinkExt as _, StreamExt as _, TryStreamExt as _, stream};
use hub_core::client::{HistoryParams, PageParams};
use hub_core::model::{ChannelId, ChannelKind};
use hub_core::protocol::v1::CreateChannelRequest;
use indicatif::ProgressBar;
use tokio_tungstenite::tungstenite::Message;

use super::accounts::{self, BenchUser};
use super::gateway::{self, ClosedByServer, Purpose};
use super::histogram::Histogram;
use super::probe::{Kind, probe};
use super::room::per_second;
use super::server::{Run, Server};
use super::{print_header, progress, seconds};
use crate::args::HistoryArgs;

/// Unacknowledged sends one seeding connection keeps on the wire.
const SEED_WINDOW: u64 = 256;
/// Length of a seeded message's text.
const SEED_MESSAGE_BYTES: usize = 80;

/// Runs the workload and prints its figures.
pub async fn run(args: &HistoryArgs) -> anyhow::Result<()> {
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let channel_count = args.channels as usize;
    // One user per channel: it seeds that channel, and readers borrow the users' tokens.
    let users = accounts::register(&server, &run, "h", channel_count).await?;
    let per_channel = u64::from(args.messages).div_ceil(u64::from(args.channels));
    let mut channels = Vec::with_capacity(channel_count);
    for (index, user) in users.iter().enumerate() {
        channels.push(bench_channel(user, &format!("bench-history-{index}"), "hub bench history").await?);
    }
    let seeded = seed(&server, &users, &channels, per_channel, seed_content).await?;

    let readers = (0..args.readers as usize)
        .map(|index| {
            let urls: Vec<String> = (0..channel_count)
                .map(|offset| {
                    let channel = &channels[(index + offset) % channel_count].id;
                    server.url(&format!("/api/v1/channels/{channel}/messages?limit={}", args.limit))
                })
                .collect();
            (urls, users[index % users.len()].token.clone())
        })
        .collect();
    let (totals, elapsed) = read_concurrently(readers, args.duration).await?;

    print_header(
        "history",
        &server,
        &run,
        &[
            format!(
                "{} messages over {} channels",
                per_channel * channel_count as u64,
                args.channels
            ),
            format!("{} readers", args.readers),
            format!("limit={}", args.limit),
            format!("{} s", seconds(args.duration)),
        ],
    );
    if seeded > 0 {
        println!("seeded:         {seeded} messages before reading");
    }
    println!(
        "requests:       {:.0} requests/s  ({} pages in {} s)",
        per_second(totals.latency.count(), elapsed),
        totals.latency.count(),
        seconds(elapsed)
    );
    println!("latency:        {}", totals.latency.summary());
    totals.print_failures();
    Ok(())
}

/// Runs one reader per `(urls, token)` until `duration` is up, showing the request rate on a
/// progress bar; returns their merged figures and how long they read. No successful read at
/// all is an error naming the failures.
pub(super) async fn read_concurrently(
    readers: Vec<(Vec<String>, String)>,
    duration: Duration,
) -> anyhow::Result<(ReaderFigures, Duration)> {
    let requests = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = readers
        .into_iter()
        .map(|(urls, token)| tokio::spawn(read_loop(urls, token, deadline, requests.clone())))
        .collect();
    let bar = progress::timed("read", duration);
    let mut last = (Instant::now(), 0);
    while tasks.iter().any(|task| !task.is_finished()) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = (Instant::now(), requests.load(Ordering::Relaxed));
        bar.set_position(u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
        bar.set_message(format!("{:.0} requests/s", per_second(now.1 - last.1, now.0 - last.0)));
        last = now;
    }
    bar.finish_and_clear();
    let mut totals = ReaderFigures::default();
    for task in tasks {
        totals.merge(&task.await.context("a reader task failed")?);
    }
    let elapsed = totals.finished.unwrap_or_else(Instant::now).duration_since(start);
    if totals.latency.count() == 0 {
        bail!("no read succeeded: {}", totals.failure_list());
    }
    Ok((totals, elapsed))
}

/// A bench channel and how many seeded messages it already holds.
pub(super) struct BenchChannel {
    pub(super) id: ChannelId,
    seeded: u64,
}

/// Finds the channel `name` (or makes it, for `workload`), joins `user` to it, and counts its
/// seeded messages from the newest one's text.
pub(super) async fn bench_channel(user: &BenchUser, name: &str, workload: &str) -> anyhow::Result<BenchChannel> {
    let name = name.to_owned();
    let found = user
        .client
        .list_channels(Some(&name), &PageParams::first(200))
        .await
        .with_context(|| format!("cannot look for the channel {name}"))?
        .items
        .into_iter()
        .find(|channel| channel.name == name);
    let id = match found {
        Some(channel) => {
            user.client
                .join_channel(&channel.id, None)
                .await
                .with_context(|| format!("cannot join {name}"))?;
            channel.id
        }
        None => {
            user.client
                .create_channel(&CreateChannelRequest {
                    name: name.clone(),
                    kind: ChannelKind::Public,
                    description: Some(format!("{workload}: seeded messages, kept between runs")),
                    topic: None,
                })
                .await
                .with_context(|| format!("cannot create the channel {name}"))?
                .channel
                .id
        }
    };
    let newest = user
        .client
        .history(&id, &HistoryParams::latest(1))
        .await
        .with_context(|| format!("cannot read {name}"))?;
    let seeded = newest
        .items
        .first()
        .and_then(|message| seed_number(&message.content))
        .map_or(0, |number| number + 1);
    Ok(BenchChannel { id, seeded })
}

/// Tops every channel up to `per_channel` seeded messages (the text of number `n` is
/// `content(n)`); returns how many were sent.
pub(super) async fn seed(
    server: &Server,
    users: &[BenchUser],
    channels: &[BenchChannel],
    per_channel: u64,
    content: fn(u64) -> String,
) -> anyhow::Result<u64> {
    let missing: u64 = channels
        .iter()
        .map(|channel| per_channel.saturating_sub(channel.seeded))
        .sum();
    if missing == 0 {
        return Ok(0);
    }
    let bar = progress::counting("seed", usize::try_from(missing).unwrap_or(usize::MAX));
    let started = Instant::now();
    stream::iter(users.iter().zip(channels))
        .filter(|(_, channel)| std::future::ready(channel.seeded < per_channel))
        .map(|(user, channel)| seed_channel(server, user, &channel.id, channel.seeded..per_channel, &bar, content))
        .buffer_unordered(channels.len())
        .try_collect::<()>()
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "seeded {missing} messages in {} s ({:.0} msg/s)",
        seconds(started.elapsed()),
        per_second(missing, started.elapsed())
    );
    Ok(missing)
}

/// Sends messages `numbers` (texts `content(n)`, which must start `seed <n> `) into one
/// channel over one connection, keeping up to [`SEED_WINDOW`] unacknowledged; the server
/// stores one connection's sends in order.
pub(super) async fn seed_channel(
    server: &Server,
    user: &BenchUser,
    channel_id: &ChannelId,
    numbers: std::ops::Range<u64>,
    bar: &ProgressBar,
    content: fn(u64) -> String,
) -> anyhow::Result<()> {
    let mut socket = gateway::open(server, &user.token, Purpose::Live).await?;
    let (mut next, end) = (numbers.start, numbers.end);
    let mut acked = next;
    while acked < end {
        while next < end && next - acked < SEED_WINDOW {
            let client_id = format!("seed-{next}");
            socket
                .feed(gateway::message_send(channel_id, content(next), client_id)?)
                .await
                .context("cannot send to the gateway")?;
            next += 1;
        }
        socket.flush().await.context("cannot send to the gateway")?;
        // Read replies until half the window is free, then top it up in one write.
        while acked < end && (next == end || next - acked > SEED_WINDOW / 2) {
            let text = match socket.next().await {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(frame))) => return Err(ClosedByServer::from_frame(frame.as_ref()).into()),
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(ClosedByServer::from_error(&err).into()),
                None => return Err(ClosedByServer::without_frame().into()),
            };
            let probe = probe(&text);
            match probe.kind {
                Kind::Ack => {
                    acked += 1;
                    bar.inc(1);
                }
                Kind::Error => {
                    let code = probe.code.as_deref().unwrap_or("unknown");
                    let hint = gateway::error_hint(code).map(|hint| format!("\nhint: {hint}"));
                    bail!("seeding failed: the server answered {code}{}", hint.unwrap_or_default());
                }
                _ => {}
            }
        }
    }
    let _ = socket.close(None).await;
    Ok(())
}

/// `seed <n> ` padded to [`SEED_MESSAGE_BYTES`].
pub(super) fn seed_content(number: u64) -> String {
    let mut text = format!("seed {number} ");
    if text.len() < SEED_MESSAGE_BYTES {
        text.extend(std::iter::repeat_n('.', SEED_MESSAGE_BYTES - text.len()));
    }
    text
}

fn seed_number(content: &str) -> Option<u64> {
    content.strip_prefix("seed ")?.split(' ').next()?.parse().ok()
}

#[derive(Debug, Default)]
pub(super) struct ReaderFigures {
    /// When the last reader stopped.
    finished: Option<Instant>,
    pub(super) latency: Histogram,
    /// Failed requests by status or error.
    failures: BTreeMap<String, u64>,
}

impl ReaderFigures {
    fn failure_list(&self) -> String {
        let failures: Vec<String> = self.failures.iter().map(|(why, n)| format!("{why} x{n}")).collect();
        failures.join(", ")
    }

    /// The `failures:` line, when any request failed.
    pub(super) fn print_failures(&self) {
        if !self.failures.is_empty() {
            println!("failures:       {}", self.failure_list());
        }
    }

    fn merge(&mut self, other: &ReaderFigures) {
        self.finished = self.finished.max(other.finished);
        self.latency.merge(&other.latency);
        for (why, count) in &other.failures {
            *self.failures.entry(why.clone()).or_default() += count;
        }
    }
}

/// One reader: its own keep-alive HTTP connection, pages of `urls` in turn until `deadline`.
async fn read_loop(urls: Vec<String>, token: String, deadline: Instant, requests: Arc<AtomicU64>) -> ReaderFigures {
    let mut figures = ReaderFigures::default();
    let client = match reqwest::Client::builder().pool_max_idle_per_host(1).build() {
        Ok(client) => client,
        Err(err) => {
            figures
                .failures
                .insert(format!("cannot build an HTTP client: {err}"), 1);
            return figures;
        }
    };
    let authorization = format!("Bearer {token}");
    for url in urls.iter().cycle() {
        if Instant::now() >= deadline {
            break;
        }
        let sent = Instant::now();
        let outcome = match client.get(url).header("authorization", &authorization).send().await {
            Ok(response) if response.status().is_success() => match response.bytes().await {
                Ok(_) => Ok(()),
                Err(_) => Err("body cut short".to_owned()),
            },
            Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
            Err(err) if err.is_connect() => Err("cannot connect".to_owned()),
            Err(_) => Err("request failed".to_owned()),
        };
        match outcome {
            Ok(()) => {
                figures.latency.record(sent.elapsed());
                requests.fetch_add(1, Ordering::Relaxed);
            }
            Err(why) => {
                *figures.failures.entry(why).or_default() += 1;
                // A server that went away should not be hammered in a tight loop.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    figures.finished = Some(Instant::now());
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_messages_carry_their_number() {
        let content = seed_content(41);
        assert_eq!(content.len(), SEED_MESSAGE_BYTES);
        assert_eq!(seed_number(&content), Some(41));
        assert_eq!(seed_number("hello"), None);
        assert_eq!(seed_number("seed x"), None);
    }
}
