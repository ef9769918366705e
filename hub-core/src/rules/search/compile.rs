//! A parsed [`SearchQuery`] written in each database's own query language: an FTS5 `MATCH`
//! expression for SQLite and a `to_tsquery('simple', ...)` text for PostgreSQL. Both are built
//! from the parsed words alone (letters and digits), each quoted, so neither parser can meet a
//! syntax error or an operator the user did not mean.

use super::query::{SearchQuery, Term};

fn fts5_term(term: &Term) -> String {
    // FTS5: "a b" is a phrase; "a b"* makes the last word a prefix.
    let star = if term.prefix { "*" } else { "" };
    format!("\"{}\"{star}", term.words.join(" "))
}

/// The FTS5 `MATCH` expression: `(a OR b) AND c NOT d`.
pub fn fts5(query: &SearchQuery) -> String {
    let required = query
        .groups
        .iter()
        .map(|group| {
            let terms: Vec<String> = group.iter().map(fts5_term).collect();
            format!("({})", terms.join(" OR "))
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    // FTS5's NOT is binary: the required part, then each exclusion.
    query.excluded.iter().fold(required, |expression, term| {
        format!("({expression}) NOT {}", fts5_term(term))
    })
}

fn tsquery_term(term: &Term) -> String {
    let last = term.words.len().saturating_sub(1);
    let words: Vec<String> = term
        .words
        .iter()
        .enumerate()
        .map(|(index, word)| match term.prefix && index == last {
            true => format!("'{word}':*"),
            false => format!("'{word}'"),
        })
        .collect();
    format!("({})", words.join(" <-> "))
}

/// The text for `to_tsquery('simple', $1)`: `('a' | 'b') & 'c' & !'d'`.
pub fn tsquery(query: &SearchQuery) -> String {
    let required = query.groups.iter().map(|group| {
        let terms: Vec<String> = group.iter().map(tsquery_term).collect();
        format!("({})", terms.join(" | "))
    });
    let excluded = query.excluded.iter().map(|term| format!("!{}", tsquery_term(term)));
    required.chain(excluded).collect::<Vec<_>>().join(" & ")
}

#[cfg(test)]
mod tests {
    use super::super::query::{QueryLimits, parse};
    use super::*;

    const LIMITS: QueryLimits = QueryLimits {
        max_chars: 200,
        max_terms: 8,
        min_prefix_chars: 2,
    };

    fn parsed(raw: &str) -> SearchQuery {
        parse(raw, LIMITS).unwrap_or_default()
    }

    #[test]
    fn fts5_quotes_every_term() {
        assert_eq!(fts5(&parsed("deploy friday")), r#"("deploy") AND ("friday")"#);
        assert_eq!(
            fts5(&parsed(r#""release notes"* OR draft -wip -old"#)),
            r#"((("release notes"* OR "draft")) NOT "wip") NOT "old""#
        );
        // Words FTS5 would read as operators stay words.
        assert_eq!(fts5(&parsed("near not")), r#"("near") AND ("not")"#);
    }

    #[test]
    fn tsquery_quotes_every_word() {
        assert_eq!(tsquery(&parsed("deploy friday")), "(('deploy')) & (('friday'))");
        assert_eq!(
            tsquery(&parsed(r#""release notes"* OR draft -wip"#)),
            "(('release' <-> 'notes':*) | ('draft')) & !('wip')"
        );
    }
}
