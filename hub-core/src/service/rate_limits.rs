//! Each user's actions per second: one token bucket per user (`gateway.messages_per_second`,
//! `gateway.messages_burst`), charged by every use case a client can repeat quickly (sending,
//! marking read, typing, setting presence, and the gateway's own frames), whichever transport
//! it comes over. A REST send and a WebSocket send draw from the same bucket.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::model::UserId;
use crate::rules::rate::{Rate, TokenBucket};
use crate::service::{Caller, Hub};

/// Buckets kept before full ones (the same as new ones) are forgotten.
const BUCKETS_BEFORE_PRUNING: usize = 4096;

/// The users' buckets.
#[derive(Debug, Default)]
pub(crate) struct RateBuckets {
    buckets: Mutex<HashMap<UserId, TokenBucket>>,
}

impl RateBuckets {
    /// Takes one of `user`'s tokens, or says how long until one is there.
    fn take(&self, user: &UserId, rate: Rate, now: Instant) -> std::result::Result<(), std::time::Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= BUCKETS_BEFORE_PRUNING && !buckets.contains_key(user) {
            buckets.retain(|_, bucket| !bucket.is_full(rate, now));
        }
        buckets
            .entry(user.clone())
            .or_insert_with(|| TokenBucket::full(rate, now))
            .try_take(rate, now)
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
    /// Charges one action to the caller's rate bucket: `rate_limited` (with when to retry)
    /// once they go faster than `gateway.messages_per_second` beyond the burst allowance.
    pub fn charge_action(&self, caller: &Caller) -> Result<()> {
        let settings = &self.inner.config.gateway;
        let rate = Rate {
            per_second: settings.messages_per_second,
            burst: settings.messages_burst,
        };
        self.inner
            .rates
            .take(&caller.user.id, rate, Instant::now())
            .map_err(|wait| {
                let mut err = Error::new(ErrorKind::RateLimited, "too many actions; slow down")
                    .with_details(serde_json::json!({ "messages_per_second": rate.per_second }));
                err.retry_after = Some(wait);
                err
            })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn refilled_buckets_are_forgotten_when_there_are_many() {
        let buckets = RateBuckets::default();
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
