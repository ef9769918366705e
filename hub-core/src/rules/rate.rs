//! A token bucket: at most `rate` actions a second on average, in bursts of up to `burst`.

use std::time::{Duration, Instant};

/// One bucket, owned by whoever limits (a user, a connection).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBucket {
    tokens: f64,
    updated: Instant,
}

/// How fast a bucket refills and how much it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added per second.
    pub per_second: f64,
    /// Most tokens the bucket holds.
    pub burst: f64,
}

impl TokenBucket {
    /// A full bucket.
    pub fn full(rate: Rate, now: Instant) -> Self {
        TokenBucket {
            tokens: rate.burst,
            updated: now,
        }
    }

    /// Whether the bucket has refilled completely by `now`: it is then the same as a new one,
    /// and whoever keeps buckets may forget it.
    pub fn is_full(&self, rate: Rate, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens + elapsed * rate.per_second >= rate.burst
    }

    /// Whether a token is there at `now` (taking none), or how long until one is.
    pub fn check(&self, rate: Rate, now: Instant) -> Result<(), Duration> {
        let mut probe = *self;
        probe.try_take(rate, now)
    }

    /// Takes one token, or says how long until one is there.
    pub fn try_take(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        self.try_take_many(1.0, rate, now)
    }

    /// Takes `cost` tokens at once (an action that costs more than one, such as a resume that
    /// names many channels), or says how long until they are there. A cost above the burst
    /// is charged as the whole burst: it can be paid from a full bucket.
    pub fn try_take_many(&mut self, cost: f64, rate: Rate, now: Instant) -> Result<(), Duration> {
        let cost = cost.clamp(0.0, rate.burst.max(1.0));
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second).min(rate.burst);
        self.updated = now;
        if self.tokens >= cost {
            self.tokens -= cost;
            Ok(())
        } else if rate.per_second <= 0.0 {
            Err(Duration::from_secs(3600))
        } else {
            Err(Duration::from_secs_f64((cost - self.tokens) / rate.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_costly_action_takes_its_cost_and_waits_for_all_of_it() {
        let rate = Rate {
            per_second: 10.0,
            burst: 100.0,
        };
        let start = Instant::now();
        let mut bucket = TokenBucket::full(rate, start);
        assert!(bucket.try_take_many(60.0, rate, start).is_ok());
        // 40 left: 60 more is 20 short, two seconds at 10 a second.
        assert_eq!(bucket.try_take_many(60.0, rate, start), Err(Duration::from_secs(2)));
        assert!(bucket.try_take_many(60.0, rate, start + Duration::from_secs(2)).is_ok());
        // More than the burst costs the burst: possible from a full bucket, never more.
        let mut full = TokenBucket::full(rate, start);
        assert!(full.try_take_many(1e9, rate, start).is_ok());
        assert!(full.try_take(rate, start).is_err());
    }

    #[test]
    fn a_burst_then_the_rate() {
        let rate = Rate {
            per_second: 10.0,
            burst: 3.0,
        };
        let start = Instant::now();
        let mut bucket = TokenBucket::full(rate, start);
        for _ in 0..3 {
            assert!(bucket.try_take(rate, start).is_ok());
        }
        let wait = bucket.try_take(rate, start).err();
        assert!(wait.is_some_and(|wait| wait <= Duration::from_millis(100)));
        assert!(bucket.try_take(rate, start + Duration::from_millis(100)).is_ok());
    }

    #[test]
    fn a_bucket_is_full_again_once_it_has_refilled() {
        let rate = Rate {
            per_second: 10.0,
            burst: 2.0,
        };
        let start = Instant::now();
        let mut bucket = TokenBucket::full(rate, start);
        assert!(bucket.is_full(rate, start));
        assert!(bucket.try_take(rate, start).is_ok());
        assert!(!bucket.is_full(rate, start));
        assert!(!bucket.is_full(rate, start + Duration::from_millis(50)));
        assert!(bucket.is_full(rate, start + Duration::from_millis(100)));
    }

    proptest! {
        #[test]
        fn never_more_than_burst_plus_rate_times_elapsed(steps in prop::collection::vec(0u64..50, 1..200)) {
            let rate = Rate { per_second: 20.0, burst: 5.0 };
            let start = Instant::now();
            let mut bucket = TokenBucket::full(rate, start);
            let mut now = start;
            let mut taken = 0u32;
            for step in steps {
                now += Duration::from_millis(step);
                if bucket.try_take(rate, now).is_ok() {
                    taken += 1;
                }
            }
            let allowed = rate.burst + rate.per_second * now.duration_since(start).as_secs_f64();
            prop_assert!(f64::from(taken) <= allowed + 1e-9);
        }
    }
}
