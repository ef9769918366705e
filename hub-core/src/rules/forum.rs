//! Forum rules: what a post, a comment, a tag and a vote may be, and the `hot` ranking.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::model::TimeWindow;

/// Longest tag.
const MAX_TAG_LENGTH: usize = 24;

/// A post title: 1 to `max` characters, trimmed.
pub fn validate_title(title: &str, max: usize) -> Result<String> {
    bounded_text("title", title, 1, max)
}

/// A post body: up to `max` characters (a title alone is a post).
pub fn validate_post_body(body: &str, max: usize) -> Result<String> {
    bounded_text("body", body, 0, max)
}

/// A comment: 1 to `max` characters.
pub fn validate_comment(body: &str, max: usize) -> Result<String> {
    bounded_text("body", body, 1, max)
}

fn bounded_text(field: &str, text: &str, min: usize, max: usize) -> Result<String> {
    let text = text.trim();
    let length = text.chars().count();
    if length < min {
        return Err(Error::invalid(field, format!("{field} must not be empty")));
    }
    if length > max {
        return Err(
            Error::invalid(field, format!("{field} may be at most {max} characters"))
                .with_details(serde_json::json!({ "max_length": max })),
        );
    }
    Ok(text.to_owned())
}

/// A post's tags: lowercase letters, digits and `-`, 1 to 24 characters each, at most `max`
/// of them as sent; repeats are merged. Returned sorted.
pub fn validate_tags(tags: &[String], max: usize) -> Result<Vec<String>> {
    if tags.len() > max {
        return Err(Error::invalid("tags", format!("a post has at most {max} tags"))
            .with_details(serde_json::json!({ "max_tags": max })));
    }
    let mut clean = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        let ok = !tag.is_empty()
            && tag.len() <= MAX_TAG_LENGTH
            && tag
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(Error::invalid(
                "tags",
                format!("a tag is 1 to {MAX_TAG_LENGTH} lowercase letters, digits or '-'; not {tag:?}"),
            ));
        }
        clean.push(tag);
    }
    clean.sort_unstable();
    clean.dedup();
    Ok(clean)
}

/// A vote: 1 (up), -1 (down) or 0 (take it back).
pub fn validate_vote(value: i64) -> Result<i64> {
    match value {
        -1..=1 => Ok(value),
        _ => Err(Error::invalid("value", "a vote is 1, -1 or 0 (no vote)")),
    }
}

/// Reddit's "hot" rank (`_hot` in reddit's open-sourced `sorts.pyx`): the order of magnitude of
/// the score, signed, plus the post's age in units of 12.5 hours since reddit's epoch. A post
/// needs ten times the score to outrank one 12.5 hours newer. It depends on the creation time,
/// not on the current time, so it is stored with the post and changes only when the score does.
pub fn hot_rank(score: i64, created_at: DateTime<Utc>) -> f64 {
    const EPOCH_SECONDS: f64 = 1_134_028_003.0;
    let order = (score.unsigned_abs().max(1) as f64).log10();
    let sign = score.signum() as f64;
    let seconds = created_at.timestamp() as f64 - EPOCH_SECONDS;
    ((sign * order + seconds / 45_000.0) * 1e7).round() / 1e7
}

/// The oldest creation time `top` shows for `window` at `now` (`None`: no bound).
pub fn window_start(window: TimeWindow, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match window {
        TimeWindow::Day => Some(now - Duration::days(1)),
        TimeWindow::Week => Some(now - Duration::days(7)),
        TimeWindow::Month => Some(now - Duration::days(30)),
        TimeWindow::All => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of<T>(result: Result<T>) -> Option<String> {
        result.err().and_then(|err| err.field)
    }

    #[test]
    fn tags_are_small_lowercase_and_bounded() {
        let tags = |list: &[&str]| list.iter().map(|tag| (*tag).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            validate_tags(&tags(&["Rust", "help", "rust"]), 5).ok(),
            Some(tags(&["help", "rust"]))
        );
        assert_eq!(
            field_of(validate_tags(&tags(&["no spaces"]), 5)).as_deref(),
            Some("tags")
        );
        assert_eq!(field_of(validate_tags(&tags(&[""]), 5)).as_deref(), Some("tags"));
        assert_eq!(
            field_of(validate_tags(&tags(&["a", "b", "c"]), 2)).as_deref(),
            Some("tags")
        );
        assert_eq!(
            validate_tags(&tags(&["a", "A", "b"]), 3).ok(),
            Some(tags(&["a", "b"])),
            "repeats are merged"
        );
        assert!(validate_tags(&tags(&["a", "a", "b"]), 2).is_err(), "counted as sent");
    }

    #[test]
    fn votes_are_one_minus_one_or_zero() {
        for value in [-1, 0, 1] {
            assert_eq!(validate_vote(value).ok(), Some(value));
        }
        for value in [2, -2, 100] {
            assert_eq!(field_of(validate_vote(value)).as_deref(), Some("value"));
        }
    }

    #[test]
    fn hot_weighs_score_by_age() -> std::result::Result<(), chrono::ParseError> {
        let at = DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")?.with_timezone(&Utc);
        let later = at + Duration::seconds(45_000);
        // Ten times the score is worth 12.5 hours of age.
        assert!((hot_rank(100, at) - hot_rank(10, later)).abs() < 1e-6);
        assert!(hot_rank(10, at) > hot_rank(9, at));
        assert!(
            hot_rank(1, later) > hot_rank(1, at),
            "newer ranks higher at equal score"
        );
        assert!(hot_rank(-10, at) < hot_rank(0, at));
        assert_eq!(hot_rank(0, at), hot_rank(1, at), "0 and 1 share the bottom order");
        Ok(())
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(validate_title("  Hello ", 10).ok().as_deref(), Some("Hello"));
        assert_eq!(field_of(validate_title("   ", 10)).as_deref(), Some("title"));
        assert_eq!(field_of(validate_title(&"x".repeat(11), 10)).as_deref(), Some("title"));
        assert_eq!(validate_post_body("", 10).ok().as_deref(), Some(""));
        assert_eq!(field_of(validate_comment("", 10)).as_deref(), Some("body"));
    }
}
