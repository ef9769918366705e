//! Soft state the nodes of one hub share: which nodes are alive, who is connected where
//! (presence and the per-user connection cap), who sits in which voice call, and rate buckets.
//!
//! One process keeps it all in memory. Several (`HUB_REDIS_URL`) keep it in Redis under keys
//! that each node refreshes every third of `cluster.presence_ttl_secs`: a node that dies leaves
//! its users offline and its callers out of their calls within that TTL, swept by a node that
//! is still alive. Each node also keeps its own part in memory, so when Redis is away it
//! serves on that alone (its own connections, calls and buckets: degraded, never down) and
//! writes it back when Redis returns. Losing Redis loses no message: none are kept here.

mod redis;
mod voice;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::model::{ChannelId, UserId};
use crate::protocol::v1::{PeerView, VoiceParticipant};
use crate::rules::rate::Rate;

use self::redis::{RedisState, Seat, SeatsAt};
pub(crate) use self::voice::CallList;
use self::voice::VoiceCalls;

/// Whether a new connection may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Counted; `first` when the user had no connection on any node.
    Admitted { first: bool },
    /// The user has `gateway.max_connections_per_user` open across the nodes.
    OverCap,
}

/// What the nodes learned about each other at the last heartbeat.
#[derive(Debug, Default)]
struct View {
    /// Live nodes and how long before the heartbeat each beat, in milliseconds.
    peers: Vec<(String, u64)>,
    /// Users connected to another live node.
    online_elsewhere: HashSet<UserId>,
    /// When the heartbeat that learned it ran.
    at: Option<Instant>,
}

/// What the heartbeat found others must hear about: the users of a dead node who are now
/// offline, and the calls it had callers in (as they are now).
#[derive(Debug, Default)]
pub(crate) struct Departures {
    pub(crate) offline: Vec<UserId>,
    pub(crate) calls: Vec<(ChannelId, CallList)>,
}

/// The soft state of this node, and of the others when shared through Redis.
pub(crate) struct Cluster {
    node: String,
    ttl: Duration,
    /// Open connections per user on this node.
    connections: Mutex<HashMap<UserId, usize>>,
    /// This node's callers.
    calls: VoiceCalls,
    redis: Option<RedisState>,
    /// Whether Redis answered last time; while not, nothing waits for it.
    redis_up: AtomicBool,
    view: Mutex<View>,
    /// Writes of this node's connection counts, one at a time: a heartbeat writes them all,
    /// and must not put back a count a connection changed while it was on its way.
    count_writes: tokio::sync::Mutex<()>,
    /// Changes to calls, one at a time on this node, each until its new list is announced.
    call_changes: tokio::sync::Mutex<()>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Cluster {
    /// One node on its own.
    pub(crate) fn alone(node: &str) -> Cluster {
        Cluster::new(node, Duration::from_secs(1), None)
    }

    /// One of several nodes sharing the Redis at `url` under `prefix`: fails when Redis does
    /// not answer now, and beats once before returning (so the others see this node at once).
    pub(crate) async fn shared(url: &str, prefix: &str, node: &str, ttl: Duration) -> Result<Cluster> {
        let redis = RedisState::connect(url, prefix, node, ttl).await?;
        let cluster = Cluster::new(node, ttl, Some(redis));
        cluster.heartbeat().await;
        Ok(cluster)
    }

    fn new(node: &str, ttl: Duration, redis: Option<RedisState>) -> Cluster {
        Cluster {
            node: node.to_owned(),
            ttl,
            connections: Mutex::new(HashMap::new()),
            calls: VoiceCalls::default(),
            redis_up: AtomicBool::new(redis.is_some()),
            redis,
            view: Mutex::new(View::default()),
            count_writes: tokio::sync::Mutex::new(()),
            call_changes: tokio::sync::Mutex::new(()),
        }
    }

    /// Held from a change to a call until its new list is handed to the bus. The lists of
    /// changes made together would otherwise race to the bus, and a client could see an older
    /// list after a newer one (a caller who left still listed, one who joined missing). Lists
    /// made on different nodes can still cross on their way; their versions order them. The
    /// heartbeat's sweep of a dead node does not take it: it may wait on Redis, and the
    /// dispatcher waits on it when a member leaves.
    pub(crate) async fn call_change(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.call_changes.lock().await
    }

    /// How often this node beats: a third of the TTL, so one late beat is not death.
    pub(crate) fn heartbeat_interval(&self) -> Option<Duration> {
        self.redis.as_ref().map(|_| self.ttl / 3)
    }

    /// Redis, unless it failed last time (the heartbeat tries it again).
    fn redis(&self) -> Option<&RedisState> {
        self.redis.as_ref().filter(|_| self.redis_up.load(Ordering::Relaxed))
    }

    /// Notes a Redis failure: until the next heartbeat reaches it, this node works alone.
    fn redis_failed(&self, err: &crate::Error) {
        if self.redis_up.swap(false, Ordering::Relaxed) {
            tracing::warn!(error = %err, "soft state: Redis is away; this node counts alone until it returns");
        }
    }

    /// Counts a new connection of `user`, unless they have `cap` open across the nodes.
    pub(crate) async fn open_connection(&self, user: &UserId, cap: usize) -> Admission {
        let _writing = self.count_writes.lock().await;
        let here = locked(&self.connections).get(user).copied().unwrap_or(0);
        if here >= cap {
            return Admission::OverCap;
        }
        let mut elsewhere = usize::from(self.view_says_online_elsewhere(user));
        if let Some(redis) = self.redis() {
            match redis.set_count(user, here + 1, Some(cap)).await {
                Ok((false, _)) => return Admission::OverCap,
                Ok((true, others)) => elsewhere = others,
                Err(err) => self.redis_failed(&err),
            }
        }
        *locked(&self.connections).entry(user.clone()).or_insert(0) += 1;
        Admission::Admitted {
            first: here == 0 && elsewhere == 0,
        }
    }

    /// Counts a closed connection of `user`. Returns whether it was their last on any node.
    pub(crate) async fn close_connection(&self, user: &UserId) -> bool {
        let _writing = self.count_writes.lock().await;
        let left = {
            let mut connections = locked(&self.connections);
            let Some(count) = connections.get_mut(user) else {
                return false;
            };
            *count = count.saturating_sub(1);
            let left = *count;
            if left == 0 {
                connections.remove(user);
            }
            left
        };
        let mut elsewhere = usize::from(self.view_says_online_elsewhere(user));
        if let Some(redis) = self.redis() {
            match redis.set_count(user, left, None).await {
                Ok((_, others)) => elsewhere = others,
                Err(err) => self.redis_failed(&err),
            }
        }
        left == 0 && elsewhere == 0
    }

    /// Open connections of `user` on this node.
    pub(crate) fn connections_here(&self, user: &UserId) -> usize {
        locked(&self.connections).get(user).copied().unwrap_or(0)
    }

    /// Whether `user` has a connection on any node (the others as of the last heartbeat).
    pub(crate) fn is_connected(&self, user: &UserId) -> bool {
        self.connections_here(user) > 0 || self.view_says_online_elsewhere(user)
    }

    fn view_says_online_elsewhere(&self, user: &UserId) -> bool {
        locked(&self.view).online_elsewhere.contains(user)
    }

    /// The live nodes, this one included, as of the last heartbeat; empty alone or while Redis
    /// is away.
    pub(crate) fn peers(&self) -> Vec<PeerView> {
        let view = locked(&self.view);
        let since = view
            .at
            .map_or(0, |at| u64::try_from(at.elapsed().as_millis()).unwrap_or(u64::MAX));
        view.peers
            .iter()
            .map(|(node, age)| PeerView {
                node_id: node.clone(),
                last_seen_ms: age.saturating_add(since),
                this_node: *node == self.node,
            })
            .collect()
    }

    /// Writes this node's part to Redis, learns who else is alive, and sweeps the nodes that
    /// stopped beating. Returns what the sweeps freed, for the services to announce.
    pub(crate) async fn heartbeat(&self) -> Departures {
        let Some(redis) = &self.redis else {
            return Departures::default();
        };
        let beat = {
            let _writing = self.count_writes.lock().await;
            let snapshot: Vec<(UserId, usize)> = locked(&self.connections)
                .iter()
                .map(|(user, count)| (user.clone(), *count))
                .collect();
            redis.heartbeat(&snapshot).await
        };
        let beat = match beat {
            Ok(beat) => beat,
            Err(err) => {
                self.redis_failed(&err);
                let mut view = locked(&self.view);
                if view.at.is_none_or(|at| at.elapsed() > self.ttl) {
                    // Too long without news: nobody elsewhere is known to be connected.
                    *view = View::default();
                }
                return Departures::default();
            }
        };
        if !self.redis_up.swap(true, Ordering::Relaxed) {
            tracing::info!("soft state: Redis is back; this node's part is written again");
        }
        let seats: Vec<(ChannelId, UserId, Seat)> = self
            .calls
            .everyone()
            .into_iter()
            .map(|(channel, participant)| {
                let seat = self.seat(&participant);
                (channel, participant.user, seat)
            })
            .collect();
        if let Err(err) = redis.reseat(&seats).await {
            self.redis_failed(&err);
        }
        let dead = beat.dead.clone();
        *locked(&self.view) = View {
            peers: beat.peers,
            online_elsewhere: beat.online_elsewhere,
            at: Some(Instant::now()),
        };
        let mut departures = Departures::default();
        for node in dead {
            match redis.sweep(&node).await {
                Ok(swept) => {
                    tracing::info!(
                        node,
                        users = swept.offline.len(),
                        "soft state: swept a node that stopped"
                    );
                    departures.offline.extend(swept.offline);
                    for channel in swept.calls {
                        match redis.call(&channel).await {
                            Ok(call) => departures.calls.push((channel, listed(call))),
                            Err(err) => self.redis_failed(&err),
                        }
                    }
                }
                Err(err) => self.redis_failed(&err),
            }
        }
        departures
    }

    fn seat(&self, participant: &voice::Participant) -> Seat {
        Seat {
            node: self.node.clone(),
            connection: participant.connection.to_string(),
            muted: participant.muted,
            deafened: participant.deafened,
            joined_ms: participant.joined_ms,
        }
    }

    /// Puts `user` (on `connection`) in `channel`'s call, or updates their state. Returns the
    /// call now.
    pub(crate) async fn join_call(
        &self,
        channel: &ChannelId,
        user: &UserId,
        connection: u64,
        muted: bool,
        deafened: bool,
    ) -> CallList {
        let (joined, here) = self.calls.join(channel, user, connection, muted, deafened);
        let Some(redis) = self.redis() else { return here };
        // The seat Redis holds is the one this node holds, joining time included.
        match redis.seat(channel, user, &self.seat(&joined)).await {
            Ok(call) => listed(call),
            Err(err) => {
                self.redis_failed(&err);
                here
            }
        }
    }

    /// Takes `user` out of `channel`'s call. Returns the call left, or `None` when they were
    /// not in it. With `held_here`, only if their seat is on this node (every node hears of a
    /// member leaving; the one holding the seat frees it).
    pub(crate) async fn leave_call(&self, channel: &ChannelId, user: &UserId, held_here: bool) -> Option<CallList> {
        let here = self.calls.leave(channel, user);
        if held_here && here.is_none() {
            return None;
        }
        let Some(redis) = self.redis() else { return here };
        match redis.unseat(channel, user, None).await {
            Ok((removed, call)) => (removed || here.is_some()).then(|| listed(call)),
            Err(err) => {
                self.redis_failed(&err);
                here
            }
        }
    }

    /// Ends `channel`'s call (the channel was archived). Returns its empty list when this node
    /// had callers in it (`None`: nothing to announce here).
    pub(crate) async fn end_call(&self, channel: &ChannelId) -> Option<CallList> {
        let here = self.calls.end(channel)?;
        let version = match self.redis() {
            None => here,
            Some(redis) => redis.end_call(channel).await.unwrap_or_else(|err| {
                self.redis_failed(&err);
                here
            }),
        };
        Some(CallList {
            version,
            participants: Vec::new(),
        })
    }

    /// Takes a closed connection out of every call it was in. Returns each call it left, as
    /// it is now.
    pub(crate) async fn drop_connection(&self, connection: u64) -> Vec<(ChannelId, CallList)> {
        let mut changed = Vec::new();
        for (channel, user, here) in self.calls.drop_connection(connection) {
            let now = match self.redis() {
                Some(redis) => match redis.unseat(&channel, &user, Some(connection)).await {
                    Ok((_, call)) => listed(call),
                    Err(err) => {
                        self.redis_failed(&err);
                        here
                    }
                },
                None => here,
            };
            changed.push((channel, now));
        }
        changed
    }

    /// The connection on which `to` is in `channel`'s call (on whichever node), when `from` is
    /// in that call too: where a signal from `from` goes. One read of the call.
    pub(crate) async fn signal_route(&self, channel: &ChannelId, from: &UserId, to: &UserId) -> Option<u64> {
        let here = || {
            self.calls.connection_in_call(channel, from)?;
            self.calls.connection_in_call(channel, to)
        };
        let Some(redis) = self.redis() else { return here() };
        match redis.call(channel).await {
            Ok(call) => {
                let seat_of = |user: &UserId| {
                    call.seats
                        .iter()
                        .find(|(caller, _)| caller == user)
                        .map(|(_, seat)| seat)
                };
                seat_of(from)?;
                seat_of(to)?.connection.parse().ok()
            }
            Err(err) => {
                self.redis_failed(&err);
                here()
            }
        }
    }

    /// Takes `cost` tokens from the bucket `bucket`/`key` shared by every node (or, with
    /// `take` false, checks there is one). `None`: there is no shared bucket now (alone, or
    /// Redis is away), and the caller uses this node's.
    pub(crate) async fn shared_rate(
        &self,
        bucket: &str,
        key: &str,
        rate: Rate,
        cost: f64,
        take: bool,
    ) -> Option<std::result::Result<(), Duration>> {
        let redis = self.redis()?;
        match redis.rate(bucket, key, rate, cost, take).await {
            Ok(outcome) => Some(outcome),
            Err(err) => {
                self.redis_failed(&err);
                None
            }
        }
    }
}

/// A call as Redis holds it, as it is announced.
fn listed(call: SeatsAt) -> CallList {
    CallList {
        version: call.version,
        participants: call
            .seats
            .into_iter()
            .map(|(user, seat)| VoiceParticipant {
                user_id: user,
                muted: seat.muted,
                deafened: seat.deafened,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
