//! Paging through ranked results, and the date bounds of a message search. Ranked results
//! have no stable key to continue from (a rank moves as the index grows), so a search cursor is
//! the number of results already read, bounded by how deep a search may go.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Error, Result};

/// The offset a search `cursor` names (0 without one). Anything but a cursor a search gave
/// out, or one past `max_depth`, is a 422.
pub fn offset(cursor: Option<&str>, max_depth: u32) -> Result<u32> {
    let Some(cursor) = cursor else {
        return Ok(0);
    };
    match cursor.parse::<u32>() {
        Ok(offset) if offset > 0 && offset < max_depth && !cursor.starts_with(['+', '0']) => Ok(offset),
        _ => Err(Error::invalid(
            "cursor",
            "not a cursor of this search: pass its next_cursor back",
        )),
    }
}

/// The cursor after a page read at `offset` that was asked for `limit` results and got
/// `more` (whether a further result exists), or none at the end or at `max_depth`.
pub fn next_cursor(offset: u32, limit: u32, more: bool, max_depth: u32) -> Option<String> {
    let next = offset.saturating_add(limit);
    (more && next < max_depth).then(|| next.to_string())
}

/// A `before` / `after` bound: an RFC 3339 time, or a date (its first instant, UTC).
pub fn time_bound(field: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Ok(None);
    };
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => Ok(date.and_hms_opt(0, 0, 0).map(|time| time.and_utc())),
        Err(_) => Err(Error::invalid(
            field,
            format!("{field} must be a date (2026-12-01) or a time (2026-12-01T09:30:00Z)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_offsets_the_search_gave_out() {
        assert_eq!(offset(None, 1000).ok(), Some(0));
        assert_eq!(offset(Some("20"), 1000).ok(), Some(20));
        for bad in ["", "0", "-1", "+20", "020", "abc", "1000", "99999999999"] {
            assert!(offset(Some(bad), 1000).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn paging_stops_at_the_end_and_at_the_depth() {
        assert_eq!(next_cursor(0, 20, true, 1000).as_deref(), Some("20"));
        assert_eq!(next_cursor(0, 20, false, 1000), None);
        assert_eq!(next_cursor(980, 20, true, 1000), None);
        // Every cursor given out is accepted back.
        let cursor = next_cursor(960, 20, true, 1000).unwrap_or_default();
        assert_eq!(offset(Some(&cursor), 1000).ok(), Some(980));
    }

    #[test]
    fn bounds_are_dates_or_times() {
        let day = time_bound("before", Some("2026-12-01")).ok().flatten();
        assert_eq!(
            day.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-01T00:00:00+00:00")
        );
        let time = time_bound("after", Some("2026-12-01T09:30:00+01:00")).ok().flatten();
        assert_eq!(
            time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-01T08:30:00+00:00")
        );
        assert_eq!(time_bound("after", None).ok(), Some(None));
        let err = time_bound("after", Some("yesterday")).err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("after"));
    }
}
