//! [`Backoff`]: how long a session waits before each reconnect attempt: exponential growth from
//! an initial delay up to a cap, with random jitter so that clients dropped together (a server
//! restart) do not all come back in the same instant. Plain arithmetic, no I/O; the only
//! randomness is [`Backoff::next_delay`]'s draw, and [`Backoff::delay`] takes it as an argument.

use std::time::Duration;

/// Exponential backoff with jitter.
///
/// Attempt `n` (from 0) has the ceiling `min(max, initial × 2ⁿ)`; its delay is drawn from
/// `[ceiling × (1 − jitter), ceiling]`.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    jitter: f64,
    attempts: u32,
}

impl Backoff {
    /// Starts at `initial`, doubles up to `max`; `jitter` (0 to 1) is the share of each delay
    /// that is random: 0 gives exact doubling, 1 anything from zero to the ceiling.
    pub fn new(initial: Duration, max: Duration, jitter: f64) -> Self {
        Backoff {
            initial,
            max: max.max(initial),
            jitter: if jitter.is_finite() {
                jitter.clamp(0.0, 1.0)
            } else {
                0.0
            },
            attempts: 0,
        }
    }

    /// The longest wait before attempt `attempt` (counted from 0).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }

    /// The wait before attempt `attempt` for a random draw `unit` in `[0, 1]` (out-of-range
    /// draws are clamped): `unit` 0 gives the ceiling, 1 the shortest jittered wait.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.0 };
        // In [0, 1], so the product never exceeds the ceiling and never panics.
        self.ceiling(attempt).mul_f64(1.0 - self.jitter * unit)
    }

    /// The wait before the next attempt, with a fresh random draw; counts the attempt.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.delay(self.attempts, random_unit());
        self.attempts = self.attempts.saturating_add(1);
        delay
    }

    /// Attempts counted since the last [`reset`](Backoff::reset).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Starts again from the initial delay (after a connection that stayed up).
    pub fn reset(&mut self) {
        self.attempts = 0;
    }
}

/// A uniform draw in `[0, 1)`; 0.5 if the system has no randomness to give.
fn random_unit() -> f64 {
    match getrandom::u64() {
        // The top 53 bits fill an f64's mantissa exactly.
        Ok(bits) => (bits >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn without_jitter_delays_double_up_to_the_cap() {
        let mut backoff = Backoff::new(100 * MS, 10_000 * MS, 0.0);
        let delays: Vec<Duration> = (0..10).map(|_| backoff.next_delay()).collect();
        let expected: Vec<Duration> = [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]
            .into_iter()
            .map(|ms| ms * MS)
            .collect();
        assert_eq!(delays, expected);
        assert_eq!(backoff.attempts(), 10);
    }

    #[test]
    fn reset_starts_over() {
        let mut backoff = Backoff::new(100 * MS, 10_000 * MS, 0.0);
        backoff.next_delay();
        backoff.next_delay();
        backoff.reset();
        assert_eq!(backoff.attempts(), 0);
        assert_eq!(backoff.next_delay(), 100 * MS);
    }

    #[test]
    fn jittered_delays_stay_within_their_bounds() {
        let mut backoff = Backoff::new(100 * MS, 10_000 * MS, 0.5);
        for attempt in 0..40 {
            let ceiling = backoff.ceiling(attempt);
            let delay = backoff.next_delay();
            assert!(delay <= ceiling, "attempt {attempt}: {delay:?} > {ceiling:?}");
            assert!(
                delay >= ceiling / 2,
                "attempt {attempt}: {delay:?} < half of {ceiling:?}"
            );
        }
    }

    #[test]
    fn jitter_actually_varies() {
        let mut backoff = Backoff::new(Duration::from_secs(10), Duration::from_secs(10), 1.0);
        let delays: std::collections::BTreeSet<Duration> = (0..20).map(|_| backoff.next_delay()).collect();
        assert!(delays.len() > 1, "20 draws gave one delay: {delays:?}");
    }

    #[test]
    fn the_draw_maps_onto_the_jitter_range() {
        let backoff = Backoff::new(100 * MS, 10_000 * MS, 0.5);
        assert_eq!(backoff.delay(2, 0.0), 400 * MS);
        assert_eq!(backoff.delay(2, 1.0), 200 * MS);
        assert_eq!(backoff.delay(2, 0.5), 300 * MS);
        // Nonsense draws are clamped rather than panicking.
        assert_eq!(backoff.delay(2, -3.0), 400 * MS);
        assert_eq!(backoff.delay(2, 7.0), 200 * MS);
        assert_eq!(backoff.delay(2, f64::NAN), 400 * MS);
    }

    #[test]
    fn huge_attempt_counts_and_odd_settings_do_not_overflow() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30), f64::INFINITY);
        assert_eq!(backoff.ceiling(u32::MAX), Duration::from_secs(30));
        assert_eq!(backoff.delay(u32::MAX, 0.9), Duration::from_secs(30));
        // A cap below the start is raised to the start.
        let backoff = Backoff::new(Duration::from_secs(5), Duration::from_secs(1), 0.0);
        assert_eq!(backoff.ceiling(3), Duration::from_secs(5));
    }

    #[test]
    fn draws_are_in_the_unit_interval() {
        for _ in 0..1000 {
            let unit = random_unit();
            assert!((0.0..1.0).contains(&unit), "{unit}");
        }
    }
}
