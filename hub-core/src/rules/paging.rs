//! List paging: how many items a page holds, and what a search query may be.

use crate::error::{Error, Result};

/// Longest search query, in characters.
pub const MAX_QUERY_LENGTH: usize = 100;

/// The page size for a requested `limit`: the default when absent, an error outside `1..=max`.
pub fn page_size(requested: Option<u32>, default: u32, max: u32) -> Result<u32> {
    match requested {
        None => Ok(default.min(max)),
        Some(limit) if (1..=max).contains(&limit) => Ok(limit),
        Some(_) => Err(Error::invalid("limit", format!("limit must be between 1 and {max}"))
            .with_details(serde_json::json!({ "max": max }))),
    }
}

/// A search query: trimmed and bounded.
pub fn search_query(raw: &str) -> Result<String> {
    let query = raw.trim();
    if query.chars().count() > MAX_QUERY_LENGTH {
        return Err(Error::invalid(
            "q",
            format!("q must be at most {MAX_QUERY_LENGTH} characters"),
        ));
    }
    Ok(query.to_owned())
}

/// The `cursor` of a list ordered by username: a username, as such a list gives them out. Anything
/// else is a 422 rather than a silently empty page.
pub fn username_cursor(cursor: Option<&str>) -> Result<Option<&str>> {
    match cursor {
        Some(cursor)
            if cursor.is_empty()
                || cursor.chars().count() > 128
                || !cursor
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) =>
        {
            Err(Error::invalid(
                "cursor",
                "not a cursor of this list: pass its next_cursor back",
            ))
        }
        cursor => Ok(cursor),
    }
}

/// A cursor (or `before` / `after`) that names one of hub's ids: a UUID. Anything else is a 422.
pub fn id_cursor(field: &str, cursor: Option<&str>) -> Result<()> {
    match cursor {
        Some(cursor) if !crate::model::is_id(cursor) => Err(Error::invalid(
            field,
            format!("{field} must be an id this server gave out"),
        )),
        _ => Ok(()),
    }
}

/// A `LIKE` pattern matching `query` anywhere, lowercased, with `%`, `_` and `\` escaped
/// (the SQL uses `ESCAPE '\'`).
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn limits() {
        assert_eq!(page_size(None, 50, 200).ok(), Some(50));
        assert_eq!(page_size(Some(200), 50, 200).ok(), Some(200));
        assert!(page_size(Some(0), 50, 200).is_err());
        assert!(page_size(Some(201), 50, 200).is_err());
    }

    #[test]
    fn cursors_are_what_lists_give_out() {
        assert_eq!(username_cursor(Some("ada.costa")).ok(), Some(Some("ada.costa")));
        assert_eq!(username_cursor(None).ok(), Some(None));
        for garbage in ["", "%%%", "a b", "x'; --"] {
            assert!(username_cursor(Some(garbage)).is_err(), "{garbage:?}");
        }
        assert!(id_cursor("before", Some("01a231ee-b208-72b4-a062-def00a63488f")).is_ok());
        assert!(id_cursor("before", None).is_ok());
        assert!(id_cursor("before", Some("garbage")).is_err());
    }

    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(contains_pattern("A_b%"), "%a\\_b\\%%");
    }

    proptest! {
        #[test]
        fn accepted_page_sizes_are_within_bounds(req in proptest::option::of(0u32..1000), max in 1u32..500) {
            if let Ok(size) = page_size(req, 50, max) {
                prop_assert!(size >= 1 && size <= max);
            }
        }
    }
}
