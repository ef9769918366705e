//! [`Room`]: one public channel under load, shared by the fanout and login workloads. Every
//! member holds one gateway connection read by its own task; a few members send, each keeping
//! a window of unacknowledged `message.send` frames on the wire (flooding) or sending on a
//! timer (paced). Each message's text starts with `<phase>:<microseconds since the room
//! opened>:`, so whoever receives it knows when it was sent and in which phase. The sending
//! side is in `sender`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _, TryStreamExt as _, stream};
use hub_core::model::{ChannelId, ChannelKind};
use hub_core::protocol::v1::CreateChannelRequest;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

mod sender;

use self::sender::{SendPlan, Stamp, micros_since, schedule, send};
use super::accounts::{self, BenchUser};
use super::gateway::{self, ClosedByServer, ErrorCounts, Purpose, Socket};
use super::histogram::Histogram;
use super::probe::{Kind, probe};
use super::progress;
use super::server::{Run, Server};

/// Phases a room can tell apart in its latencies (the login workload runs two).
pub const PHASES: usize = 2;
/// Gateway handshakes in progress at once while the room opens.
const CONNECT_CONCURRENCY: usize = 32;
/// How often a running phase updates its progress line and checks its connections.
const TICK: Duration = Duration::from_millis(250);
/// A drain that sees nothing new for this long gives up.
const DRAIN_PATIENCE: Duration = Duration::from_secs(5);

/// How big a room is and how its senders behave.
#[derive(Debug, Clone, Copy)]
pub struct RoomShape {
    /// Members, each with one connection.
    pub members: usize,
    /// How many of them send (the first ones).
    pub senders: usize,
    /// Unacknowledged sends one sender keeps on the wire.
    pub in_flight: usize,
    /// Length of each message's text.
    pub message_bytes: usize,
}

impl RoomShape {
    /// Refuses a shape that cannot be built: senders are members.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.senders > self.members {
            return Err(anyhow!(
                "--senders ({}) cannot exceed --members ({})",
                self.senders,
                self.members
            ));
        }
        Ok(())
    }
}

/// How senders send during a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as their windows allow.
    Flood,
    /// This many messages a second over all senders, spread evenly.
    Total(u32),
}

/// What one phase measured.
#[derive(Debug, Clone)]
pub struct PhaseFigures {
    /// How long the senders sent.
    pub elapsed: Duration,
    /// Messages acknowledged (stored) while they sent.
    pub stored: u64,
    /// `message.created` frames received over all connections while they sent.
    pub delivered: u64,
    /// From send to each member's `message.created`, for this phase's messages.
    pub delivery: Histogram,
    /// From send to the sender's `ack`, for this phase's messages.
    pub ack: Histogram,
    /// Error frames the senders got, by code.
    pub errors: ErrorCounts,
    /// Deliveries still missing when draining gave up (0 when every member got everything).
    pub missing: u64,
}

impl PhaseFigures {
    /// Messages stored per second.
    pub fn stored_per_second(&self) -> f64 {
        per_second(self.stored, self.elapsed)
    }

    /// Deliveries per second.
    pub fn delivered_per_second(&self) -> f64 {
        per_second(self.delivered, self.elapsed)
    }
}

/// `count` per `elapsed`, as a rate per second.
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 { count as f64 / seconds } else { 0.0 }
}

/// An open room; see the module docs.
pub struct Room {
    shape: RoomShape,
    channel_id: Arc<ChannelId>,
    run: Run,
    /// The clock every message's timestamp counts from.
    epoch: Instant,
    members: Vec<Member>,
    /// Set while the room closes, so that its readers' ends are not reported as failures.
    closing: Arc<AtomicBool>,
}

/// One member's connection: the write half (lent to a send task during a phase) and its reader.
struct Member {
    sink: Option<SplitSink<Socket, Message>>,
    /// For senders: permits for unacknowledged sends, given back by the reader on each reply.
    window: Option<Arc<Semaphore>>,
    /// Messages this member has sent so far (for unique `client_id`s across phases).
    sent: u64,
    stats: Arc<Mutex<MemberStats>>,
    reader: JoinHandle<()>,
}

/// What one member's reader counted.
#[derive(Debug, Default)]
struct MemberStats {
    acks: u64,
    deliveries: u64,
    errors: ErrorCounts,
    phases: [PhaseLatency; PHASES],
    closed: Option<ClosedByServer>,
}

#[derive(Debug, Clone, Default)]
struct PhaseLatency {
    delivery: Histogram,
    ack: Histogram,
}

/// Running totals over all members.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    acks: u64,
    deliveries: u64,
}

impl Room {
    /// Registers the members, makes the channel (named for the run), joins everyone and opens
    /// one live connection per member.
    pub async fn open(server: &Server, run: &Run, shape: RoomShape) -> anyhow::Result<Room> {
        let users = accounts::register(server, run, "m", shape.members).await?;
        let Some(owner) = users.first() else {
            return Err(anyhow!("a room needs at least one member"));
        };
        let channel = owner
            .client
            .create_channel(&CreateChannelRequest {
                name: format!("bench-{}", run.tag()),
                kind: ChannelKind::Public,
                description: Some("hub bench".to_owned()),
                topic: None,
            })
            .await
            .context("cannot create the bench channel")?;
        let channel_id = Arc::new(channel.channel.id);
        accounts::join_all(&users[1..], &channel_id).await?;
        let sockets = connect_all(server, &users).await?;
        let epoch = Instant::now();
        let closing = Arc::new(AtomicBool::new(false));
        let members = sockets
            .into_iter()
            .enumerate()
            .map(|(index, socket)| {
                let (sink, stream) = socket.split();
                let window = (index < shape.senders).then(|| Arc::new(Semaphore::new(shape.in_flight)));
                let stats = Arc::new(Mutex::new(MemberStats::default()));
                let reader = tokio::spawn(read_member(stream, stats.clone(), window.clone(), epoch));
                Member {
                    sink: Some(sink),
                    window,
                    sent: 0,
                    stats,
                    reader,
                }
            })
            .collect();
        Ok(Room {
            shape,
            channel_id,
            run: run.clone(),
            epoch,
            members,
            closing,
        })
    }

    /// Has the senders send for `duration`, then waits for the replies and deliveries still
    /// on their way, and returns what this phase measured. Fails when a connection closes.
    pub async fn run_phase(
        &mut self,
        phase: usize,
        pace: Pace,
        duration: Duration,
        stage: &str,
    ) -> anyhow::Result<PhaseFigures> {
        let phase = phase.min(PHASES - 1);
        let (stop, stopped) = watch::channel(false);
        let before = self.totals();
        let start = tokio::time::Instant::now();
        let senders = self.shape.senders.min(self.members.len());
        let mut tasks = Vec::with_capacity(senders);
        for (index, member) in self.members.iter_mut().enumerate().take(senders) {
            let (Some(sink), Some(window)) = (member.sink.take(), member.window.clone()) else {
                continue;
            };
            let plan = SendPlan {
                index,
                channel_id: self.channel_id.clone(),
                run_tag: self.run.tag().into(),
                epoch: self.epoch,
                phase,
                message_bytes: self.shape.message_bytes,
                schedule: schedule(pace, senders, index, start),
                first_sequence: member.sent,
                stop: stopped.clone(),
            };
            tasks.push((index, tokio::spawn(send(sink, window, plan))));
        }

        let bar = progress::timed(stage, duration);
        let mut last = (Instant::now(), before);
        let mut failure = None;
        loop {
            let left = duration.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            tokio::time::sleep(left.min(TICK)).await;
            let now = (Instant::now(), self.totals());
            let span = now.0.duration_since(last.0);
            bar.set_position(u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
            bar.set_message(format!(
                "{:.0} stored/s, {:.0} deliveries/s",
                per_second(now.1.acks - last.1.acks, span),
                per_second(now.1.deliveries - last.1.deliveries, span)
            ));
            last = now;
            if let Some(closed) = self.first_closed() {
                failure = Some(closed);
                break;
            }
            if tasks.iter().any(|(_, task)| task.is_finished()) {
                break;
            }
        }
        let elapsed = start.elapsed();
        let after = self.totals();
        let _ = stop.send(true);
        bar.finish_and_clear();

        for (index, task) in tasks {
            let (sink, sent, result) = task.await.context("a send task failed")?;
            if let Some(member) = self.members.get_mut(index) {
                member.sink = Some(sink);
                member.sent = sent;
            }
            if let Err(err) = result {
                failure.get_or_insert(err);
            }
        }
        if let Some(err) = failure {
            // A closed connection says more than the write error it caused.
            return Err(self.first_closed().unwrap_or(err));
        }

        let missing = self.drain().await;
        let mut figures = PhaseFigures {
            elapsed,
            stored: after.acks - before.acks,
            delivered: after.deliveries - before.deliveries,
            delivery: Histogram::default(),
            ack: Histogram::default(),
            errors: ErrorCounts::default(),
            missing,
        };
        for member in &self.members {
            let stats = lock(&member.stats);
            figures.delivery.merge(&stats.phases[phase].delivery);
            figures.ack.merge(&stats.phases[phase].ack);
            figures.errors.merge(&stats.errors);
        }
        Ok(figures)
    }

    /// Waits until every sender's window is back to full and every stored message reached
    /// every member; gives up after a while without progress. Returns the deliveries missing.
    async fn drain(&self) -> u64 {
        let spinner = progress::waiting("drain");
        let mut last_progress = (Instant::now(), self.totals());
        loop {
            let totals = self.totals();
            let expected = totals.acks * self.members.len() as u64;
            let missing = expected.saturating_sub(totals.deliveries);
            let windows_full = self.members.iter().all(|member| {
                member
                    .window
                    .as_ref()
                    .is_none_or(|window| window.available_permits() >= self.shape.in_flight)
            });
            if (missing == 0 && windows_full) || self.first_closed().is_some() {
                spinner.finish_and_clear();
                return missing;
            }
            spinner.set_message(format!("{missing} deliveries on their way"));
            if totals.acks != last_progress.1.acks || totals.deliveries != last_progress.1.deliveries {
                last_progress = (Instant::now(), totals);
            } else if last_progress.0.elapsed() > DRAIN_PATIENCE {
                spinner.finish_and_clear();
                return missing;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Closes every connection and waits (briefly) for the readers to end.
    pub async fn close(mut self) {
        self.closing.store(true, Ordering::Relaxed);
        let sinks: Vec<_> = self
            .members
            .iter_mut()
            .filter_map(|member| member.sink.take())
            .collect();
        stream::iter(sinks)
            .for_each_concurrent(CONNECT_CONCURRENCY, |mut sink| async move {
                let _ = sink.send(Message::Close(None)).await;
            })
            .await;
        for member in self.members {
            let mut reader = member.reader;
            if tokio::time::timeout(Duration::from_secs(2), &mut reader).await.is_err() {
                reader.abort();
            }
        }
    }

    fn totals(&self) -> Totals {
        self.members.iter().fold(Totals::default(), |totals, member| {
            let stats = lock(&member.stats);
            Totals {
                acks: totals.acks + stats.acks,
                deliveries: totals.deliveries + stats.deliveries,
            }
        })
    }

    /// The first connection that ended, as an error naming the member.
    fn first_closed(&self) -> Option<anyhow::Error> {
        if self.closing.load(Ordering::Relaxed) {
            return None;
        }
        self.members.iter().enumerate().find_map(|(index, member)| {
            let closed = lock(&member.stats).closed.clone()?;
            let role = if member.window.is_some() {
                "a sender"
            } else {
                "a receiver"
            };
            Some(anyhow::Error::new(closed).context(format!("member {index} ({role}) lost its connection")))
        })
    }
}

/// Opens one live connection per user, in order.
async fn connect_all(server: &Server, users: &[BenchUser]) -> anyhow::Result<Vec<Socket>> {
    let bar = progress::counting("connect", users.len());
    let sockets = stream::iter(users)
        .map(|user| async {
            let socket = gateway::open(server, &user.token, Purpose::Live).await?;
            bar.inc(1);
            anyhow::Ok(socket)
        })
        .buffered(CONNECT_CONCURRENCY)
        .try_collect()
        .await;
    bar.finish_and_clear();
    sockets
}

fn lock(stats: &Mutex<MemberStats>) -> MutexGuard<'_, MemberStats> {
    stats.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads one member's connection until it closes: counts deliveries and replies, records
/// latencies, and gives a sender's window a permit back for each reply.
async fn read_member(
    mut stream: SplitStream<Socket>,
    stats: Arc<Mutex<MemberStats>>,
    window: Option<Arc<Semaphore>>,
    epoch: Instant,
) {
    let closed = loop {
        let text = match stream.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => break ClosedByServer::from_frame(frame.as_ref()),
            Some(Ok(_)) => continue,
            Some(Err(err)) => break ClosedByServer::from_error(&err),
            None => break ClosedByServer::without_frame(),
        };
        let probe = probe(&text);
        match probe.kind {
            Kind::MessageCreated => {
                if let Some(stamp) = probe.content.as_deref().and_then(Stamp::parse) {
                    let latency = micros_since(epoch).saturating_sub(stamp.micros);
                    let mut stats = lock(&stats);
                    stats.deliveries += 1;
                    stats.phases[stamp.phase].delivery.record_micros(latency);
                }
            }
            Kind::Ack => {
                if let Some(window) = &window {
                    window.add_permits(1);
                }
                let mut stats = lock(&stats);
                stats.acks += 1;
                if let Some(stamp) = probe.content.as_deref().and_then(Stamp::parse) {
                    let latency = micros_since(epoch).saturating_sub(stamp.micros);
                    stats.phases[stamp.phase].ack.record_micros(latency);
                }
            }
            Kind::Error => {
                if let Some(window) = &window {
                    window.add_permits(1);
                }
                lock(&stats).errors.add(probe.code.as_deref().unwrap_or("unknown"));
            }
            Kind::Pong | Kind::Resumed | Kind::Other => {}
        }
    };
    lock(&stats).closed = Some(closed);
}

#[cfg(test)]
mod shape_tests {
    use super::RoomShape;

    fn shape(members: usize, senders: usize) -> RoomShape {
        RoomShape {
            members,
            senders,
            in_flight: 1,
            message_bytes: 8,
        }
    }

    #[test]
    fn senders_must_be_members() {
        assert!(shape(10, 10).check().is_ok());
        let err = shape(2, 3).check().err().map(|err| err.to_string());
        assert_eq!(err.as_deref(), Some("--senders (3) cannot exceed --members (2)"));
    }
}
