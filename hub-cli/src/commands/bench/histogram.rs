//! [`Histogram`]: latencies in microseconds, in log-linear buckets (64 per power of two, so
//! within 1.6% of the true value), cheap to record into from a hot loop and to merge. Every
//! workload records and prints its latencies through this one type.

use std::fmt;
use std::time::Duration;

/// Sub-buckets per power of two, as a power of two.
const SUB_BUCKET_BITS: u32 = 6;
const SUB_BUCKETS: u64 = 1 << SUB_BUCKET_BITS;

/// Counts of microsecond values; grows only as far as the largest value seen.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Histogram {
    /// Records one duration.
    pub fn record(&mut self, elapsed: Duration) {
        self.record_micros(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
    }

    /// Records one value in microseconds.
    pub fn record_micros(&mut self, micros: u64) {
        let index = bucket_index(micros);
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
        self.total += 1;
        self.max = self.max.max(micros);
    }

    /// Adds everything `other` recorded.
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The value at `quantile` (0.0 to 1.0) in microseconds: the upper edge of its bucket, never
    /// above the largest value recorded. Zero when empty.
    pub fn quantile_micros(&self, quantile: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        // The rank of the value asked for, 1-based: p50 of 4 values is the 2nd.
        let wanted = ((quantile.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return bucket_upper_edge(index).min(self.max);
            }
        }
        self.max
    }

    /// The largest value recorded, in microseconds.
    pub fn max_micros(&self) -> u64 {
        self.max
    }

    /// `p50 1.23 ms  p90 ...  p99 ...  max ...  (n samples)`, for a report line.
    pub fn summary(&self) -> Summary<'_> {
        Summary(self)
    }
}

/// The percentile line of a [`Histogram`]; see [`Histogram::summary`].
#[derive(Debug)]
pub struct Summary<'a>(&'a Histogram);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let histogram = self.0;
        if histogram.count() == 0 {
            return f.write_str("no samples");
        }
        write!(
            f,
            "p50 {}  p90 {}  p99 {}  max {}  ({} samples)",
            Millis(histogram.quantile_micros(0.50)),
            Millis(histogram.quantile_micros(0.90)),
            Millis(histogram.quantile_micros(0.99)),
            Millis(histogram.max_micros()),
            histogram.count()
        )
    }
}

/// Microseconds shown as milliseconds: `0.42 ms`, `12.3 ms`, `1520 ms`.
#[derive(Debug, Clone, Copy)]
pub struct Millis(pub u64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0 as f64 / 1000.0;
        if millis < 10.0 {
            write!(f, "{millis:.2} ms")
        } else if millis < 100.0 {
            write!(f, "{millis:.1} ms")
        } else {
            write!(f, "{millis:.0} ms")
        }
    }
}

/// Values below 64 get a bucket each; above, each power of two is cut into 64 buckets.
fn bucket_index(value: u64) -> usize {
    if value < SUB_BUCKETS {
        return value as usize;
    }
    let top_bit = 63 - value.leading_zeros();
    let shift = top_bit - SUB_BUCKET_BITS;
    let group = u64::from(shift) + 1;
    let sub = (value >> shift) - SUB_BUCKETS;
    (group * SUB_BUCKETS + sub) as usize
}

/// The largest value that falls in bucket `index`.
fn bucket_upper_edge(index: usize) -> u64 {
    let index = index as u64;
    let group = index / SUB_BUCKETS;
    let sub = index % SUB_BUCKETS;
    if group == 0 {
        return sub;
    }
    let shift = group - 1;
    let edge = (u128::from(SUB_BUCKETS + sub + 1) << shift) - 1;
    u64::try_from(edge).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_hold_their_values() {
        let mut previous_edge = None;
        for index in 0..2000 {
            let edge = bucket_upper_edge(index);
            assert_eq!(bucket_index(edge), index, "upper edge of {index}");
            if let Some(previous) = previous_edge {
                assert_eq!(bucket_index(previous + 1), index, "lower edge of {index}");
            }
            previous_edge = Some(edge);
        }
        assert!(bucket_index(u64::MAX) < 64 * 60);
    }

    #[test]
    fn buckets_are_within_two_percent() {
        for value in [100u64, 999, 12_345, 1_000_000, 987_654_321] {
            let edge = bucket_upper_edge(bucket_index(value));
            assert!(edge >= value);
            assert!((edge - value) as f64 / value as f64 <= 1.0 / 64.0, "{value} -> {edge}");
        }
    }

    #[test]
    fn quantiles_of_a_known_spread() {
        let mut histogram = Histogram::default();
        for micros in 1..=1000 {
            histogram.record_micros(micros);
        }
        assert_eq!(histogram.count(), 1000);
        let p50 = histogram.quantile_micros(0.5);
        assert!((500..=508).contains(&p50), "{p50}");
        let p99 = histogram.quantile_micros(0.99);
        assert!((990..=1000).contains(&p99), "{p99}");
        assert_eq!(histogram.quantile_micros(1.0), 1000);
        assert_eq!(histogram.max_micros(), 1000);
    }

    #[test]
    fn merging_adds_counts() {
        let mut fast = Histogram::default();
        let mut slow = Histogram::default();
        for _ in 0..99 {
            fast.record(Duration::from_micros(100));
        }
        slow.record(Duration::from_millis(50));
        fast.merge(&slow);
        assert_eq!(fast.count(), 100);
        assert_eq!(fast.quantile_micros(0.99), 100);
        assert_eq!(fast.max_micros(), 50_000);
        assert!(fast.quantile_micros(1.0) >= 49_000);
    }

    #[test]
    fn an_empty_histogram_says_so() {
        let histogram = Histogram::default();
        assert_eq!(histogram.quantile_micros(0.99), 0);
        assert_eq!(histogram.summary().to_string(), "no samples");
    }

    #[test]
    fn milliseconds_read_well() {
        assert_eq!(Millis(420).to_string(), "0.42 ms");
        assert_eq!(Millis(12_345).to_string(), "12.3 ms");
        assert_eq!(Millis(1_520_000).to_string(), "1520 ms");
    }
}
