//! Voice calls in Redis: the seats of each call and the version of its list.
//!
//! Every change to a call (a seat taken, given up, swept or put back; the call ended) takes a
//! new version for the call in the same script, and every read returns the seats with the
//! version they are at. Redis runs one script at a time, so versions follow the order the
//! changes happened in, whichever node made them: a client keeps the list with the highest
//! version, and a list that arrives late through another node's bus is known to be old.
//!
//! A version is the microseconds of Redis's clock at the change, or one more than the last
//! when the clock has not moved on. So versions keep growing when Redis restarts empty.

use serde::{Deserialize, Serialize};

use super::RedisState;
use crate::error::{Error, Result};
use crate::model::{ChannelId, UserId};

/// Where a caller sits in a call, as kept in Redis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(in crate::cluster) struct Seat {
    pub(in crate::cluster) node: String,
    /// A string: connection ids use all 64 bits, more than Lua's numbers hold exactly.
    pub(in crate::cluster) connection: String,
    pub(in crate::cluster) muted: bool,
    pub(in crate::cluster) deafened: bool,
    /// When they joined (milliseconds since the epoch), to list callers in joining order.
    pub(in crate::cluster) joined_ms: i64,
}

/// A call's seats in joining order, at a version.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::cluster) struct SeatsAt {
    pub(in crate::cluster) version: i64,
    pub(in crate::cluster) seats: Vec<(UserId, Seat)>,
}

/// Shared by every script that changes or reads a call. `bump` takes the call's next version
/// (kept a day: past that, the clock alone is ahead of any list still held); `current` is the
/// version the call is at (a new one when Redis lost it). Versions travel as strings: Lua's
/// numbers print large integers in exponent form.
pub(super) const VERSIONS: &str = r"
local function version_key(prefix, channel) return prefix .. ':voice-version:' .. channel end
local function bump(prefix, channel)
  local key = version_key(prefix, channel)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local last = tonumber(redis.call('GET', key) or '0')
  if now <= last then now = last + 1 end
  local version = string.format('%.0f', now)
  redis.call('SET', key, version, 'PX', 86400000)
  return version
end
local function current(prefix, channel)
  return redis.call('GET', version_key(prefix, channel)) or bump(prefix, channel)
end
";

/// Seats a caller (replacing where they sat) and notes the call under this node.
/// Returns {version, seats}.
const SEAT: &str = r"
local prefix, node, ttl, channel, user, seat = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local call = prefix .. ':voice:' .. channel
redis.call('HSET', call, user, seat)
local voice_of = prefix .. ':voice-of:' .. node
redis.call('SADD', voice_of, channel)
redis.call('PEXPIRE', voice_of, ttl * 4)
return {bump(prefix, channel), redis.call('HGETALL', call)}
";

/// Seats this node's callers again where Redis lost them, leaving seats that are there alone.
/// ARGV after the first three: channel, user, seat, repeated.
const RESEAT: &str = r"
local prefix, node, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local voice_of = prefix .. ':voice-of:' .. node
for i = 4, #ARGV, 3 do
  local channel = ARGV[i]
  if redis.call('HSETNX', prefix .. ':voice:' .. channel, ARGV[i + 1], ARGV[i + 2]) == 1 then
    bump(prefix, channel)
  end
  redis.call('SADD', voice_of, channel)
end
redis.call('PEXPIRE', voice_of, ttl * 4)
return 0
";

/// Takes a caller out of a call: wherever they sit, or (a connection given) only if they sit
/// there on it. Returns {1 if taken out, version, seats}.
const UNSEAT: &str = r"
local prefix, channel, user, connection = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local call = prefix .. ':voice:' .. channel
local seat = redis.call('HGET', call, user)
if seat and (connection == '' or cjson.decode(seat).connection == connection) then
  redis.call('HDEL', call, user)
  return {1, bump(prefix, channel), redis.call('HGETALL', call)}
end
return {0, current(prefix, channel), redis.call('HGETALL', call)}
";

/// A call's {version, seats}.
const READ: &str = r"
local prefix, channel = ARGV[1], ARGV[2]
return {current(prefix, channel), redis.call('HGETALL', prefix .. ':voice:' .. channel)}
";

/// Ends a call. Returns the version of its (empty) list.
const END: &str = r"
local prefix, channel = ARGV[1], ARGV[2]
redis.call('DEL', prefix .. ':voice:' .. channel)
return bump(prefix, channel)
";

/// The voice scripts, each with [`VERSIONS`] before it.
pub(super) struct VoiceScripts {
    seat: redis::Script,
    reseat: redis::Script,
    unseat: redis::Script,
    read: redis::Script,
    end: redis::Script,
}

impl VoiceScripts {
    pub(super) fn new() -> VoiceScripts {
        let script = |body: &str| redis::Script::new(&format!("{VERSIONS}{body}"));
        VoiceScripts {
            seat: script(SEAT),
            reseat: script(RESEAT),
            unseat: script(UNSEAT),
            read: script(READ),
            end: script(END),
        }
    }
}

type RawSeats = Vec<(String, String)>;

impl RedisState {
    /// Seats `user` in `channel`'s call (replacing where they sat). Returns the call now.
    pub(in crate::cluster) async fn seat(&self, channel: &ChannelId, user: &UserId, seat: &Seat) -> Result<SeatsAt> {
        let mut invocation = self.voice.seat.prepare_invoke();
        invocation
            .arg(&self.prefix)
            .arg(&self.node)
            .arg(self.ttl_ms)
            .arg(channel.as_str())
            .arg(user.as_str())
            .arg(encoded(seat)?);
        let (version, seats): (String, RawSeats) =
            self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        at(&version, seats)
    }

    /// Seats this node's callers again where Redis lost them (it restarted), leaving seats
    /// that are there alone.
    pub(in crate::cluster) async fn reseat(&self, seats: &[(ChannelId, UserId, Seat)]) -> Result<()> {
        if seats.is_empty() {
            return Ok(());
        }
        let mut invocation = self.voice.reseat.prepare_invoke();
        invocation.arg(&self.prefix).arg(&self.node).arg(self.ttl_ms);
        for (channel, user, seat) in seats {
            invocation.arg(channel.as_str()).arg(user.as_str()).arg(encoded(seat)?);
        }
        self.run(invocation.invoke_async::<i64>(&mut self.connection.clone()))
            .await
            .map(drop)
    }

    /// Takes `user` out of `channel`'s call: wherever they sit, or (with `connection`) only if
    /// they sit there on it. Returns whether they were taken out and the call now.
    pub(in crate::cluster) async fn unseat(
        &self,
        channel: &ChannelId,
        user: &UserId,
        connection: Option<u64>,
    ) -> Result<(bool, SeatsAt)> {
        let mut invocation = self.voice.unseat.prepare_invoke();
        invocation
            .arg(&self.prefix)
            .arg(channel.as_str())
            .arg(user.as_str())
            .arg(connection.map(|connection| connection.to_string()).unwrap_or_default());
        let (removed, version, seats): (i64, String, RawSeats) =
            self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        Ok((removed == 1, at(&version, seats)?))
    }

    /// Everyone in `channel`'s call.
    pub(in crate::cluster) async fn call(&self, channel: &ChannelId) -> Result<SeatsAt> {
        let mut invocation = self.voice.read.prepare_invoke();
        invocation.arg(&self.prefix).arg(channel.as_str());
        let (version, seats): (String, RawSeats) =
            self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        at(&version, seats)
    }

    /// Ends `channel`'s call. Returns the version of its empty list.
    pub(in crate::cluster) async fn end_call(&self, channel: &ChannelId) -> Result<i64> {
        let mut invocation = self.voice.end.prepare_invoke();
        invocation.arg(&self.prefix).arg(channel.as_str());
        let version: String = self.run(invocation.invoke_async(&mut self.connection.clone())).await?;
        parse_version(&version)
    }
}

fn encoded(seat: &Seat) -> Result<String> {
    serde_json::to_string(seat).map_err(|err| Error::internal(err.to_string()))
}

fn parse_version(version: &str) -> Result<i64> {
    version
        .parse()
        .map_err(|_| Error::internal(format!("Redis gave a call version that is not a number: {version:?}")))
}

/// A call's seats at `version`, in joining order; unreadable seats are skipped.
fn at(version: &str, seats: RawSeats) -> Result<SeatsAt> {
    let mut seats: Vec<(UserId, Seat)> = seats
        .into_iter()
        .filter_map(|(user, seat)| Some((UserId::from_string(user), serde_json::from_str(&seat).ok()?)))
        .collect();
    seats.sort_by(|a, b| a.1.joined_ms.cmp(&b.1.joined_ms).then_with(|| a.0.cmp(&b.0)));
    Ok(SeatsAt {
        version: parse_version(version)?,
        seats,
    })
}
