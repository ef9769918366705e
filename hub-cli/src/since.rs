//! `--since`, as `hub reports list` and `hub audit list` read it: a time, or a duration ago.

use anyhow::anyhow;

/// A time as given (RFC 3339), or one DURATION ago (`30m`, `12h`, `2d`, `1w`: the spelling of
/// suspension lengths), as the RFC 3339 time the server's `since=` filters take.
pub fn since(value: &str) -> anyhow::Result<String> {
    if chrono::DateTime::parse_from_rfc3339(value).is_ok() {
        return Ok(value.to_owned());
    }
    let ago = hub_core::rules::reports::parse_duration(value)
        .map_err(|_| anyhow!("--since {value:?}: give a duration (30m, 12h, 2d, 1w) or an RFC 3339 time"))?;
    Ok((chrono::Utc::now() - ago).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;

    #[test]
    fn a_time_is_passed_on_as_given() {
        assert_eq!(
            since("2026-11-30T08:00:00Z").ok().as_deref(),
            Some("2026-11-30T08:00:00Z")
        );
    }

    #[test]
    fn a_duration_means_that_long_ago() {
        let before = Utc::now();
        let Ok(text) = since("2d") else {
            panic!("2d is a duration")
        };
        let Ok(time) = DateTime::parse_from_rfc3339(&text) else {
            panic!("{text} is not RFC 3339")
        };
        let ago = before - time.with_timezone(&Utc);
        // Whole seconds, taken just after `before`.
        assert!(
            ago > Duration::days(2) - Duration::seconds(2) && ago <= Duration::days(2) + Duration::seconds(1),
            "{ago}"
        );
    }

    #[test]
    fn anything_else_says_what_to_give() {
        let Err(err) = since("yesterday") else {
            panic!("yesterday is neither")
        };
        assert!(err.to_string().contains("30m, 12h, 2d, 1w"), "{err}");
    }
}
