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
