//! Rate limits, one token bucket per key, shared by every node through Redis when there are
//! several (a GCRA bucket in [`crate::cluster`]), or kept in this node's memory (alone, or while
//! Redis is away):
//!
//! - each user's actions per second (`gateway.messages_per_second`, `gateway.messages_burst`),
//!   charged by every use case a client can repeat quickly (sending, marking read, typing,
//!   setting presence, and the gateway's own frames), whichever transport it comes over: a REST
//!   send and a WebSocket send draw from the same bucket;
//! - failed logins per username (`auth.failed_logins_per_minute`, `auth.failed_login_burst`):
//!   once they are spent, a login for that name is refused before its password is hashed;
//! - the channels each user's `resume` frames name (`gateway.resume_positions_per_minute`,
//!   `gateway.resume_positions_burst`), apart from actions so that a client slowed down for
//!   sending can still catch up.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::model::UserId;
use crate::rules::rate::{Rate, TokenBucket};
use crate::service::{Caller, Hub};

/// Buckets kept before full ones (the same as new ones) are forgotten.
const BUCKETS_BEFORE_PRUNING: usize = 4096;

/// Buckets by key (a user, a username).
#[derive(Debug)]
pub(crate) struct RateBuckets<K = UserId> {
    buckets: Mutex<HashMap<K, TokenBucket>>,
}

impl<K> Default for RateBuckets<K> {
    fn default() -> Self {
        RateBuckets {
            buckets: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> RateBuckets<K> {
    /// Takes one of `key`'s tokens, or says how long until one is there.
    #[cfg(test)]
    fn take(&self, key: &K, rate: Rate, now: Instant) -> std::result::Result<(), std::time::Duration> {
        self.take_many(key, 1.0, rate, now)
    }

    /// Takes `cost` of `key`'s tokens at once, or says how long until they are there.
    fn take_many(&self, key: &K, cost: f64, rate: Rate, now: Instant) -> std::result::Result<(), std::time::Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= BUCKETS_BEFORE_PRUNING && !buckets.contains_key(key) {
            buckets.retain(|_, bucket| !bucket.is_full(rate, now));
        }
        buckets
            .entry(key.clone())
            .or_insert_with(|| TokenBucket::full(rate, now))
            .try_take_many(cost, rate, now)
    }

    /// Whether `key` has a token left (taking none), or how long until it has.
    fn check(&self, key: &K, rate: Rate, now: Instant) -> std::result::Result<(), std::time::Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        buckets.get(key).map_or(Ok(()), |bucket| bucket.check(rate, now))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

impl Hub {
    /// Takes `cost` of `key`'s tokens from the bucket named `name` (or, without `take`, checks
    /// one is there): the one every node shares when there is one, else `here`.
    async fn draw<K: std::hash::Hash + Eq + Clone>(
        &self,
        name: &str,
        here: &RateBuckets<K>,
        key: (&K, &str),
        rate: Rate,
        cost: f64,
        take: bool,
    ) -> std::result::Result<(), std::time::Duration> {
        if let Some(shared) = self.inner.cluster.shared_rate(name, key.1, rate, cost, take).await {
            return shared;
        }
        match take {
            true => here.take_many(key.0, cost, rate, Instant::now()),
            false => here.check(key.0, rate, Instant::now()),
        }
    }

    /// Charges one action to the caller's rate bucket: `rate_limited` (with when to retry)
    /// once they go faster than `gateway.messages_per_second` beyond the burst allowance.
    pub async fn charge_action(&self, caller: &Caller) -> Result<()> {
        let settings = &self.inner.config.gateway;
        let rate = Rate {
            per_second: settings.messages_per_second,
            burst: settings.messages_burst,
        };
        let user = &caller.user.id;
        self.draw("actions", &self.inner.rates, (user, user.as_str()), rate, 1.0, true)
            .await
            .map_err(|wait| {
                rate_limited(
                    wait,
                    "too many actions; slow down",
                    serde_json::json!({ "messages_per_second": rate.per_second }),
                )
            })
    }
}

impl Hub {
    /// Charges one question to the caller's assistant bucket (`assistant.questions_per_minute`
    /// beyond `assistant.question_burst`): a model's answer costs far more than a message.
    pub(crate) async fn charge_question(&self, caller: &Caller) -> Result<()> {
        let settings = &self.inner.config.assistant;
        let rate = Rate {
            per_second: settings.questions_per_minute / 60.0,
            burst: settings.question_burst,
        };
        let user = &caller.user.id;
        self.draw(
            "questions",
            &self.inner.questions,
            (user, user.as_str()),
            rate,
            1.0,
            true,
        )
        .await
        .map_err(|wait| {
            rate_limited(
                wait,
                "too many questions for the assistant; wait a little",
                serde_json::json!({ "questions_per_minute": settings.questions_per_minute }),
            )
        })
    }

    /// Charges a `resume` naming `positions` channels (each a lookup; an empty one costs one)
    /// to the caller's own bucket.
    pub(crate) async fn charge_resume(&self, caller: &Caller, positions: usize) -> Result<()> {
        let settings = &self.inner.config.gateway;
        let rate = Rate {
            per_second: settings.resume_positions_per_minute / 60.0,
            burst: settings.resume_positions_burst,
        };
        let cost = positions.max(1) as f64;
        let user = &caller.user.id;
        self.draw("resumes", &self.inner.resumes, (user, user.as_str()), rate, cost, true)
            .await
            .map_err(|wait| {
                rate_limited(
                    wait,
                    "too many channels resumed; wait and resume once",
                    serde_json::json!({ "resume_positions_per_minute": settings.resume_positions_per_minute }),
                )
            })
    }

    fn failed_login_rate(&self) -> Rate {
        let settings = &self.inner.config.auth;
        Rate {
            per_second: settings.failed_logins_per_minute / 60.0,
            burst: settings.failed_login_burst,
        }
    }

    /// Refuses a login for `username` while its failed attempts are spent (before any
    /// password is hashed), with when to try again.
    pub(crate) async fn check_login_attempts(&self, username: &str) -> Result<()> {
        let rate = self.failed_login_rate();
        let name = username.to_lowercase();
        self.draw(
            "failed-logins",
            &self.inner.failed_logins,
            (&name, &name),
            rate,
            1.0,
            false,
        )
        .await
        .map_err(|wait| too_many_failed_logins(wait, rate))
    }

    /// Counts a failed login for `username`.
    pub(crate) async fn record_failed_login(&self, username: &str) {
        let rate = self.failed_login_rate();
        let name = username.to_lowercase();
        let _ = self
            .draw(
                "failed-logins",
                &self.inner.failed_logins,
                (&name, &name),
                rate,
                1.0,
                true,
            )
            .await;
    }
}

fn too_many_failed_logins(wait: std::time::Duration, rate: Rate) -> Error {
    rate_limited(
        wait,
        "too many failed logins for this username; wait and try again",
        serde_json::json!({ "failed_logins_per_minute": rate.per_second * 60.0 }),
    )
}

/// `rate_limited`, with the limit that was passed and when to try again.
fn rate_limited(wait: std::time::Duration, message: &str, details: serde_json::Value) -> Error {
    let mut err = Error::new(ErrorKind::RateLimited, message).with_details(details);
    err.retry_after = Some(wait);
    err
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn refilled_buckets_are_forgotten_when_there_are_many() {
        let buckets: RateBuckets = RateBuckets::default();
        let rate = Rate {
            per_second: 10.0,
            burst: 1.0,
        };
        let start = Instant::now();
        for n in 0..BUCKETS_BEFORE_PRUNING {
            assert!(buckets.take(&UserId::from_string(format!("u{n}")), rate, start).is_ok());
        }
        let busy = UserId::from_string("u0");
        let later = start + Duration::from_secs(1);
        assert!(buckets.take(&busy, rate, later).is_ok());
        assert!(buckets.take(&UserId::from_string("new"), rate, later).is_ok());
        // Everyone refilled but `busy`, who just spent their token, and the newcomer.
        assert_eq!(buckets.len(), 2);
        assert!(buckets.take(&busy, rate, later).is_err(), "a spent bucket is kept");
    }
}
