//! `hub bench dm`: direct conversations ping-ponging in closed loops. In each pair A sends, B
//! waits for the `message.created` and answers, A waits for the answer, and so on, so each
//! pair has exactly one message in flight; messages per second and latency per hop and per
//! round trip.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use futures_util::{SinkExt as _, StreamExt as _, TryStreamExt as _, stream};
use hub_core::model::{ChannelId, ChatAvailability};
use hub_core::protocol::v1::UpdateProfileRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::accounts::{self, BenchUser, REST_CONCURRENCY};
use super::gateway::{self, ClosedByServer, ErrorCounts, Purpose, Socket};
use super::histogram::Histogram;
use super::probe::{Kind, probe};
use super::room::per_second;
use super::server::{Run, Server};
use super::{print_header, progress, seconds};
use crate::args::DmArgs;
use crate::plural;

/// Gateway handshakes in progress at once.
const CONNECT_CONCURRENCY: usize = 32;
/// How long one side waits for the other's message before the run fails.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the workload and prints its figures.
pub async fn run(args: &DmArgs) -> anyhow::Result<()> {
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let pairs = args.pairs as usize;
    let users = accounts::register(&server, &run, "d", pairs * 2).await?;
    let conversations = open_conversations(&users).await?;
    let pairs = connect_pairs(&server, &users, conversations).await?;

    let messages = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + args.duration;
    let tasks: Vec<_> = pairs
        .into_iter()
        .map(|pair| tokio::spawn(ping_pong(pair, deadline, messages.clone())))
        .collect();
    let bar = progress::timed("ping-pong", args.duration);
    let mut last = (Instant::now(), 0);
    while tasks.iter().any(|task| !task.is_finished()) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = (Instant::now(), messages.load(Ordering::Relaxed));
        bar.set_position(u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
        bar.set_message(format!("{:.0} msg/s", per_second(now.1 - last.1, now.0 - last.0)));
        last = now;
    }
    bar.finish_and_clear();
    let mut totals = PairFigures::default();
    let mut failure = None;
    for task in tasks {
        let (figures, result) = task.await.context("a ping-pong task failed")?;
        totals.merge(&figures);
        if let Err(err) = result {
            failure.get_or_insert(err);
        }
    }
    let elapsed = totals.finished.unwrap_or_else(Instant::now).duration_since(start);
    if let Some(err) = failure {
        return Err(err);
    }

    print_header(
        "dm",
        &server,
        &run,
        &[
            format!("{}, one message in flight each", plural(args.pairs as usize, "pair")),
            format!("{} s", seconds(args.duration)),
        ],
    );
    println!(
        "messages:       {:.0} msg/s  ({} messages in {} s)",
        per_second(totals.messages, elapsed),
        totals.messages,
        seconds(elapsed)
    );
    println!("round trip:     {}", totals.round_trip.summary());
    println!("one hop:        {}", totals.hop.summary());
    totals.errors.print();
    Ok(())
}

/// Pair `i` is users `2i` (A) and `2i + 1` (B); A opens their conversation.
async fn open_conversations(users: &[BenchUser]) -> anyhow::Result<Vec<ChannelId>> {
    let bar = progress::counting("dms", users.len() / 2);
    let conversations = stream::iter(users.chunks_exact(2))
        .map(|pair| async {
            // New accounts take direct conversations after a chat request; B opens up to A.
            let open_to_all = UpdateProfileRequest {
                chat_availability: Some(ChatAvailability::Open),
                ..UpdateProfileRequest::default()
            };
            pair[1]
                .client
                .update_profile(&open_to_all)
                .await
                .with_context(|| format!("{} cannot open up to direct messages", pair[1].username))?;
            let conversation = pair[0]
                .client
                .open_dm(std::slice::from_ref(&pair[1].id))
                .await
                .with_context(|| format!("{} cannot open a DM with {}", pair[0].username, pair[1].username))?;
            bar.inc(1);
            anyhow::Ok(conversation.channel.id)
        })
        .buffered(REST_CONCURRENCY)
        .try_collect()
        .await;
    bar.finish_and_clear();
    conversations
}

struct Pair {
    index: usize,
    conversation: ChannelId,
    a: Socket,
    b: Socket,
}

async fn connect_pairs(
    server: &Server,
    users: &[BenchUser],
    conversations: Vec<ChannelId>,
) -> anyhow::Result<Vec<Pair>> {
    let bar = progress::counting("connect", users.len());
    let pairs = stream::iter(users.chunks_exact(2).zip(conversations).enumerate())
        .map(|(index, (pair, conversation))| {
            let bar = &bar;
            async move {
                let a = gateway::open(server, &pair[0].token, Purpose::Live).await?;
                bar.inc(1);
                let b = gateway::open(server, &pair[1].token, Purpose::Live).await?;
                bar.inc(1);
                anyhow::Ok(Pair {
                    index,
                    conversation,
                    a,
                    b,
                })
            }
        })
        .buffered(CONNECT_CONCURRENCY / 2)
        .try_collect()
        .await;
    bar.finish_and_clear();
    pairs
}

#[derive(Debug, Default)]
struct PairFigures {
    /// When the last pair stopped.
    finished: Option<Instant>,
    messages: u64,
    hop: Histogram,
    round_trip: Histogram,
    errors: ErrorCounts,
}

impl PairFigures {
    fn merge(&mut self, other: &PairFigures) {
        self.finished = self.finished.max(other.finished);
        self.messages += other.messages;
        self.hop.merge(&other.hop);
        self.round_trip.merge(&other.round_trip);
        self.errors.merge(&other.errors);
    }
}

/// One pair's closed loop until `deadline`, then both sides close.
async fn ping_pong(mut pair: Pair, deadline: Instant, messages: Arc<AtomicU64>) -> (PairFigures, anyhow::Result<()>) {
    let mut figures = PairFigures::default();
    let mut result = Ok(());
    let mut round = 0u64;
    while Instant::now() < deadline {
        let started = Instant::now();
        let outcome = async {
            let hop = exchange(&mut pair.a, &mut pair.b, &pair.conversation, pair.index, round, "a").await?;
            figures.hop.record(hop);
            let hop = exchange(&mut pair.b, &mut pair.a, &pair.conversation, pair.index, round, "b").await?;
            figures.hop.record(hop);
            anyhow::Ok(())
        }
        .await;
        if let Err(err) = outcome {
            if let Some(code) = err.downcast_ref::<RefusedSend>().map(|refused| refused.code.clone()) {
                figures.errors.add(&code);
            }
            result = Err(err);
            break;
        }
        figures.round_trip.record(started.elapsed());
        figures.messages += 2;
        messages.fetch_add(2, Ordering::Relaxed);
        round += 1;
    }
    figures.finished = Some(Instant::now());
    let _ = pair.a.send(Message::Close(None)).await;
    let _ = pair.b.send(Message::Close(None)).await;
    (figures, result)
}

/// `from` sends one message into the conversation; returns how long until `to` received it.
async fn exchange(
    from: &mut Socket,
    to: &mut Socket,
    conversation: &ChannelId,
    pair: usize,
    round: u64,
    side: &str,
) -> anyhow::Result<Duration> {
    let content = format!("{pair}:{round}:{side}");
    let client_id = format!("{pair}-{round}-{side}");
    let sent = Instant::now();
    from.send(gateway::message_send(conversation, content.clone(), client_id.clone())?)
        .await
        .context("cannot send to the gateway")?;
    match tokio::time::timeout(ANSWER_TIMEOUT, wait_for(from, to, &content, &client_id)).await {
        Ok(Ok(())) => Ok(sent.elapsed()),
        Ok(Err(err)) => Err(err),
        Err(_) => Err(anyhow!(
            "pair {pair}: message {round} did not arrive within {} s",
            ANSWER_TIMEOUT.as_secs()
        )),
    }
}

/// Reads both sockets until `to` receives the `message.created` with `content`. Each side also
/// hears its own acks and messages: those are skipped; an error about `client_id` on the
/// sender's socket ends the wait.
async fn wait_for(from: &mut Socket, to: &mut Socket, content: &str, client_id: &str) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            item = to.next() => {
                let text = text_of(item)?;
                let probe = text.as_deref().map(probe);
                if let Some(probe) = probe
                    && probe.kind == Kind::MessageCreated
                    && probe.content.as_deref() == Some(content)
                {
                    return Ok(());
                }
            }
            item = from.next() => {
                let text = text_of(item)?;
                if let Some(probe) = text.as_deref().map(probe)
                    && probe.kind == Kind::Error
                    && probe.reference.as_deref().is_none_or(|about| about == client_id)
                {
                    let code = probe.code.as_deref().unwrap_or("unknown").to_owned();
                    return Err(RefusedSend { code }.into());
                }
            }
        }
    }
}

/// The text of a received frame (`None` for pings and the like), or why the socket ended.
fn text_of(item: Option<Result<Message, WsError>>) -> anyhow::Result<Option<Utf8Bytes>> {
    match item {
        Some(Ok(Message::Text(text))) => Ok(Some(text)),
        Some(Ok(Message::Close(frame))) => Err(ClosedByServer::from_frame(frame.as_ref()).into()),
        Some(Ok(_)) => Ok(None),
        Some(Err(err)) => Err(ClosedByServer::from_error(&err).into()),
        None => Err(ClosedByServer::without_frame().into()),
    }
}

/// The server answered a send with an error frame.
#[derive(Debug)]
struct RefusedSend {
    code: String,
}

impl std::fmt::Display for RefusedSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the server refused a message.send: {}", self.code)?;
        if let Some(hint) = gateway::error_hint(&self.code) {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RefusedSend {}
