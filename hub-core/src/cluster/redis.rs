//! The soft state of several nodes in Redis: the scripts and keys behind [`super::Cluster`].
//!
//! Keys, all under the hub's prefix (`HUB_REDIS_CHANNEL`):
//!
//! - `{p}:nodes`: a sorted set of node ids scored by their last heartbeat (Redis's own clock,
//!   so the nodes' clocks need not agree);
//! - `{p}:conns:{node}`: a hash of user id → open connections on that node, rewritten whole at
//!   every heartbeat and expiring if the node stops (presence and the per-user cap);
//! - `{p}:voice:{channel}`: a hash of user id → where they are in the channel's call;
//!   `{p}:voice-version:{channel}`: the version of its list (see [`voice`]);
//!   `{p}:voice-of:{node}`: the channels a node has callers in, for sweeping a dead node;
//! - `{p}:rate:{bucket}:{key}`: a rate bucket's theoretical arrival time (GCRA), expiring when
//!   the bucket would be full again.
//!
//! Each script runs atomically in Redis, which is what makes the connection cap hold across
//! nodes: two nodes admitting the same user's connections see each other's counts.

mod voice;

use std::collections::HashSet;
use std::time::Duration;

use redis::aio::ConnectionManager;

pub(super) use self::voice::{Seat, SeatsAt};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, UserId};

/// How long a Redis command may take before the node treats Redis as away.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(750);

/// What a heartbeat learns.
#[derive(Debug, Default)]
pub(super) struct Beat {
    /// Live nodes (this one included) and how long ago each beat, in milliseconds.
    pub(super) peers: Vec<(String, u64)>,
    /// Nodes whose heartbeat is older than the TTL.
    pub(super) dead: Vec<String>,
    /// Users with a connection on another live node.
    pub(super) online_elsewhere: HashSet<UserId>,
}

/// What sweeping a dead node freed.
#[derive(Debug, Default)]
pub(super) struct Swept {
    /// Its users who have no connection left anywhere.
    pub(super) offline: Vec<UserId>,
    /// The calls it had callers in.
    pub(super) calls: Vec<ChannelId>,
}

const HEARTBEAT: &str = r"
local prefix, node, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nodes = prefix .. ':nodes'
redis.call('ZADD', nodes, now, node)
local mine = prefix .. ':conns:' .. node
redis.call('DEL', mine)
for i = 4, #ARGV, 2 do redis.call('HSET', mine, ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', mine, ttl * 4)
redis.call('PEXPIRE', prefix .. ':voice-of:' .. node, ttl * 4)
local alive = redis.call('ZRANGEBYSCORE', nodes, now - ttl, '+inf', 'WITHSCORES')
local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. (now - ttl))
local peers, online = {}, {}
for i = 1, #alive, 2 do
  table.insert(peers, alive[i])
  table.insert(peers, tostring(now - tonumber(alive[i + 1])))
  if alive[i] ~= node then
    for _, user in ipairs(redis.call('HKEYS', prefix .. ':conns:' .. alive[i])) do
      table.insert(online, user)
    end
  end
end
return {peers, dead, online}
";

/// Sets this node's count for a user, unless (with a cap) the count across live nodes would
/// pass it. Returns {1 if set, the user's connections on the other live nodes}.
const SET_COUNT: &str = r"
local prefix, node, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local user, count, cap = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local others = 0
for _, peer in ipairs(redis.call('ZRANGEBYSCORE', prefix .. ':nodes', now - ttl, '+inf')) do
  if peer ~= node then
    others = others + tonumber(redis.call('HGET', prefix .. ':conns:' .. peer, user) or '0')
  end
end
if cap >= 0 and others + count > cap then return {0, others} end
local mine = prefix .. ':conns:' .. node
if count == 0 then redis.call('HDEL', mine, user) else redis.call('HSET', mine, user, count) end
redis.call('PEXPIRE', mine, ttl * 4)
return {1, others}
";

/// Takes a dead node out (once, whichever node gets there first) with its connections and
/// its callers. Returns {its users connected nowhere now, the channels of its calls}.
const SWEEP: &str = r"
local prefix, dead, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local nodes = prefix .. ':nodes'
if redis.call('ZREM', nodes, dead) == 0 then return {{}, {}} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local alive = redis.call('ZRANGEBYSCORE', nodes, now - ttl, '+inf')
local conns = prefix .. ':conns:' .. dead
local offline = {}
for _, user in ipairs(redis.call('HKEYS', conns)) do
  local total = 0
  for _, peer in ipairs(alive) do
    total = total + tonumber(redis.call('HGET', prefix .. ':conns:' .. peer, user) or '0')
  end
  if total == 0 then table.insert(offline, user) end
end
redis.call('DEL', conns)
local voice_of = prefix .. ':voice-of:' .. dead
local calls = redis.call('SMEMBERS', voice_of)
for _, channel in ipairs(calls) do
  local call = prefix .. ':voice:' .. channel
  local seats = redis.call('HGETALL', call)
  for i = 1, #seats, 2 do
    if cjson.decode(seats[i + 1]).node == dead then redis.call('HDEL', call, seats[i]) end
  end
  bump(prefix, channel)
end
redis.call('DEL', voice_of)
return {offline, calls}
";

/// A GCRA rate bucket: `interval` ms per token, `burst` tokens, `cost` taken (or only checked
/// when `take` is 0). Returns the milliseconds to wait, `0` when allowed.
const RATE: &str = r"
local interval, burst, cost, take = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local after = tat + cost * interval
local limit = burst * interval
if after - now > limit then return tostring(math.ceil(after - now - limit)) end
if take == '1' then redis.call('SET', KEYS[1], tostring(after), 'PX', math.max(1, math.ceil(after - now))) end
return '0'
";

/// The connection to Redis and the scripts.
pub(super) struct RedisState {
    connection: ConnectionManager,
    prefix: String,
    node: String,
    ttl_ms: u64,
    heartbeat: redis::Script,
    set_count: redis::Script,
    sweep: redis::Script,
    voice: voice::VoiceScripts,
    rate: redis::Script,
}

fn unavailable(err: redis::RedisError) -> Error {
    Error::new(ErrorKind::Unavailable, format!("Redis at HUB_REDIS_URL: {err}")).with_source(err)
}

impl RedisState {
    /// Connects; fails when Redis does not answer now (later it reconnects by itself).
    pub(super) async fn connect(url: &str, prefix: &str, node: &str, ttl: Duration) -> Result<RedisState> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let settings = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let connection = client
            .get_connection_manager_with_config(settings)
            .await
            .map_err(unavailable)?;
        Ok(RedisState {
            connection,
            prefix: prefix.to_owned(),
            node: node.to_owned(),
            ttl_ms: u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1),
            heartbeat: redis::Script::new(HEARTBEAT),
            set_count: redis::Script::new(SET_COUNT),
            sweep: redis::Script::new(&format!("{}{SWEEP}", voice::VERSIONS)),
            voice: voice::VoiceScripts::new(),
            rate: redis::Script::new(RATE),
        })
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// Writes this node's connections (user, count) and learns who else is alive.
    pub(super) async fn heartbeat(&self, connections: &[(UserId, usize)]) -> Result<Beat> {
        let mut invocation = self.heartbeat.prepare_invoke();
        invocation.arg(&self.prefix).arg(&self.node).arg(self.ttl_ms);
        for (user, count) in connections {
            invocation.arg(user.as_str()).arg(*count);
        }
        let (peers, dead, online): (Vec<String>, Vec<String>, Vec<String>) =
            self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        Ok(Beat {
            peers: peers
                .chunks_exact(2)
                .map(|pair| (pair[0].clone(), pair[1].parse().unwrap_or(0)))
                .collect(),
            dead,
            online_elsewhere: online.into_iter().map(UserId::from_string).collect(),
        })
    }

    /// Sets this node's connection count for `user`, checked against `cap` across the live
    /// nodes when given. Returns whether it was set and the user's connections elsewhere.
    pub(super) async fn set_count(&self, user: &UserId, count: usize, cap: Option<usize>) -> Result<(bool, usize)> {
        let cap = cap.map_or(-1, |cap| i64::try_from(cap).unwrap_or(i64::MAX));
        let mut invocation = self.set_count.prepare_invoke();
        invocation
            .arg(&self.prefix)
            .arg(&self.node)
            .arg(self.ttl_ms)
            .arg(user.as_str())
            .arg(count)
            .arg(cap);
        let (set, others): (i64, usize) = self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        Ok((set == 1, others))
    }

    /// Sweeps a node whose heartbeat stopped.
    pub(super) async fn sweep(&self, dead: &str) -> Result<Swept> {
        let mut invocation = self.sweep.prepare_invoke();
        invocation.arg(&self.prefix).arg(dead).arg(self.ttl_ms);
        let (offline, calls): (Vec<String>, Vec<String>) =
            self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        Ok(Swept {
            offline: offline.into_iter().map(UserId::from_string).collect(),
            calls: calls.into_iter().map(ChannelId::from_string).collect(),
        })
    }

    /// Takes `cost` tokens from a shared bucket (or checks for one without `take`). Returns
    /// how long to wait when there are not enough.
    pub(super) async fn rate(
        &self,
        bucket: &str,
        key: &str,
        rate: crate::rules::rate::Rate,
        cost: f64,
        take: bool,
    ) -> Result<std::result::Result<(), Duration>> {
        let interval_ms = if rate.per_second > 0.0 {
            1000.0 / rate.per_second
        } else {
            f64::from(u32::MAX)
        };
        let mut invocation = self.rate.prepare_invoke();
        invocation
            .key(self.key(&["rate", bucket, key]))
            .arg(interval_ms)
            .arg(rate.burst)
            .arg(cost)
            .arg(if take { "1" } else { "0" });
        let wait: String = self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        let wait_ms = wait.parse::<u64>().unwrap_or(0);
        Ok(if wait_ms == 0 {
            Ok(())
        } else {
            Err(Duration::from_millis(wait_ms))
        })
    }

    /// Runs a command within [`COMMAND_TIMEOUT`].
    async fn run<T>(&self, command: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T> {
        match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
            Ok(result) => result.map_err(unavailable),
            Err(_) => Err(Error::new(
                ErrorKind::Unavailable,
                "Redis at HUB_REDIS_URL did not answer in time",
            )),
        }
    }
}
