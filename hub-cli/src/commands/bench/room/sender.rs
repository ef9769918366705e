//! The sending side of a [`Room`](super::Room): when each sender sends (flooding its window or
//! on a staggered timer), the send loop that writes batches of `message.send` frames, and the
//! [`Stamp`] at the head of every message's text.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::SinkExt as _;
use futures_util::stream::SplitSink;
use hub_core::model::ChannelId;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;

use super::{PHASES, Pace};
use crate::commands::bench::gateway::{self, Socket};

/// Most frames a flooding sender writes before one flush.
const WRITE_BATCH: usize = 64;

/// Microseconds since `epoch`.
pub(super) fn micros_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// When a sender sends: as its window allows, or on its own timer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Schedule {
    Flood,
    /// Every `period`, from `first` on.
    Every {
        first: tokio::time::Instant,
        period: Duration,
    },
}

/// Spreads a total rate over `senders`, staggering their timers so they do not all fire at once.
pub(super) fn schedule(pace: Pace, senders: usize, index: usize, start: tokio::time::Instant) -> Schedule {
    match pace {
        Pace::Flood => Schedule::Flood,
        Pace::Total(rate) => {
            let period = Duration::from_secs_f64(senders as f64 / f64::from(rate.max(1)));
            let offset = period.mul_f64(index as f64 / senders.max(1) as f64);
            Schedule::Every {
                first: start + offset,
                period,
            }
        }
    }
}

/// What a send task needs to know.
pub(super) struct SendPlan {
    pub(super) index: usize,
    pub(super) channel_id: Arc<ChannelId>,
    pub(super) run_tag: Arc<str>,
    pub(super) epoch: Instant,
    pub(super) phase: usize,
    pub(super) message_bytes: usize,
    pub(super) schedule: Schedule,
    pub(super) first_sequence: u64,
    pub(super) stop: watch::Receiver<bool>,
}

/// Sends until told to stop; gives the write half back with the sender's message count.
pub(super) async fn send(
    mut sink: SplitSink<Socket, Message>,
    window: Arc<Semaphore>,
    mut plan: SendPlan,
) -> (SplitSink<Socket, Message>, u64, anyhow::Result<()>) {
    let mut sequence = plan.first_sequence;
    let result = send_until_stopped(&mut sink, &window, &mut plan, &mut sequence).await;
    (sink, sequence, result)
}

async fn send_until_stopped(
    sink: &mut SplitSink<Socket, Message>,
    window: &Semaphore,
    plan: &mut SendPlan,
    sequence: &mut u64,
) -> anyhow::Result<()> {
    let mut timer = match plan.schedule {
        Schedule::Flood => None,
        Schedule::Every { first, period } => Some(tokio::time::interval_at(first, period)),
    };
    loop {
        if let Some(timer) = timer.as_mut() {
            tokio::select! {
                _ = timer.tick() => {}
                _ = plan.stop.changed() => return Ok(()),
            }
        }
        let permit = tokio::select! {
            permit = window.acquire() => permit.context("the send window closed")?,
            _ = plan.stop.changed() => return Ok(()),
        };
        permit.forget();
        feed_one(sink, plan, sequence).await?;
        if timer.is_none() {
            for _ in 1..WRITE_BATCH {
                let Ok(permit) = window.try_acquire() else {
                    break;
                };
                permit.forget();
                feed_one(sink, plan, sequence).await?;
            }
        }
        sink.flush().await.context("cannot send to the gateway")?;
        if *plan.stop.borrow() {
            return Ok(());
        }
    }
}

async fn feed_one(sink: &mut SplitSink<Socket, Message>, plan: &SendPlan, sequence: &mut u64) -> anyhow::Result<()> {
    let content = Stamp {
        phase: plan.phase,
        micros: micros_since(plan.epoch),
    }
    .content(plan.message_bytes);
    let client_id = format!("{}-{}-{}", plan.run_tag, plan.index, sequence);
    *sequence += 1;
    sink.feed(gateway::message_send(&plan.channel_id, content, client_id)?)
        .await
        .context("cannot send to the gateway")
}

/// The head of a bench message's text: its phase and when it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) phase: usize,
    pub(super) micros: u64,
}

impl Stamp {
    /// `<phase>:<micros>:` padded with `x` to `length` bytes.
    fn content(self, length: usize) -> String {
        let mut text = format!("{}:{}:", self.phase, self.micros);
        if text.len() < length {
            text.extend(std::iter::repeat_n('x', length - text.len()));
        }
        text
    }

    pub(super) fn parse(content: &str) -> Option<Stamp> {
        let mut parts = content.splitn(3, ':');
        let phase = parts.next()?.parse().ok().filter(|phase| *phase < PHASES)?;
        let micros = parts.next()?.parse().ok()?;
        parts.next()?;
        Some(Stamp { phase, micros })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_survive_the_round_trip_and_pad_to_length() {
        let stamp = Stamp {
            phase: 1,
            micros: 123_456,
        };
        let content = stamp.content(64);
        assert_eq!(content.len(), 64);
        assert!(content.starts_with("1:123456:x"));
        assert_eq!(Stamp::parse(&content), Some(stamp));
        assert_eq!(Stamp::parse(&stamp.content(1)), Some(stamp));
        for other in ["hello", "7:1:", "0:abc:", "0:12"] {
            assert_eq!(Stamp::parse(other), None, "{other}");
        }
    }

    #[test]
    fn paced_senders_share_the_rate_and_are_staggered() {
        let start = tokio::time::Instant::now();
        let Schedule::Every { first, period } = schedule(Pace::Total(1000), 10, 5, start) else {
            panic!("a paced schedule");
        };
        assert_eq!(period, Duration::from_millis(10));
        assert_eq!(first - start, Duration::from_millis(5));
        assert!(matches!(schedule(Pace::Flood, 10, 0, start), Schedule::Flood));
    }
}
