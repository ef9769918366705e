//! What a search box accepts, parsed into a [`SearchQuery`]: words (all must match), `"quoted
//! phrases"`, `word*` prefixes for as-you-type search, `a OR b`, `-word` to exclude, and the
//! operators `has:file` and `in:thread`. Anything the grammar cannot read is a 422 on `q`
//! that says what to change; the database never sees text it could fail to parse, because
//! [`super::compile`] writes its query from the parsed words alone.
//!
//! Words are split the way the indexes split text ([`words`]): runs of letters and digits,
//! lowercased. So `don't` searches the phrase `don t`, as the index holds it.

use crate::error::{Error, Result};

/// How much a query may ask for (`HUB_SEARCH__*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Longest query, in characters.
    pub max_chars: usize,
    /// Most words and phrases in one query.
    pub max_terms: usize,
    /// Fewest letters before a `*` (a one-letter prefix would match half the index).
    pub min_prefix_chars: usize,
}

/// One thing to look for: a word (or word prefix), or words in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The words, lowercased; more than one is a phrase.
    pub words: Vec<String>,
    /// Whether the last word is a prefix (`word*`).
    pub prefix: bool,
}

/// A parsed query: every group must match (one of its terms will do), no excluded term may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Groups joined by AND; the terms in a group are joined by OR.
    pub groups: Vec<Vec<Term>>,
    /// Terms that must not match.
    pub excluded: Vec<Term>,
    /// `has:file`: only messages with files.
    pub has_file: bool,
    /// `in:thread`: only messages in threads (replies and the messages they reply to).
    pub in_thread: bool,
}

impl SearchQuery {
    /// Every term the results match, for highlighting.
    pub fn positive_terms(&self) -> impl Iterator<Item = &Term> {
        self.groups.iter().flatten()
    }
}

/// The words of `text` as the search indexes see them: runs of letters and digits, lowercased,
/// with their byte ranges in `text`.
pub fn words(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, String)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(index, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = index;
                break;
            }
            chars.next();
        }
        Some((start..end, text[start..end].to_lowercase()))
    })
}

fn syntax(message: impl Into<String>) -> Error {
    Error::invalid("q", message)
}

/// One whitespace-separated piece of the query before it is understood.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Text { text: String, quoted: bool, negated: bool },
    Or,
    And,
}

fn tokens(raw: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => text.push(c),
                    None => return Err(syntax("a quoted phrase is not closed: add the closing \"")),
                }
            }
            // `"phrase"*` keeps its star, as a prefix on the last word.
            if chars.peek() == Some(&'*') {
                chars.next();
                text.push('*');
            }
            tokens.push(Token::Text {
                text,
                quoted: true,
                negated,
            });
            continue;
        }
        let mut text = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            if c == '"' {
                return Err(syntax("a quote must start a phrase: put a space before \""));
            }
            text.push(c);
            chars.next();
        }
        tokens.push(match text.as_str() {
            "OR" if !negated => Token::Or,
            "AND" if !negated => Token::And,
            _ => Token::Text {
                text,
                quoted: false,
                negated,
            },
        });
    }
    Ok(tokens)
}

/// The term a piece of text names, or `None` when it holds no letters or digits.
fn term(text: &str, limits: QueryLimits) -> Result<Option<Term>> {
    let prefix = text.ends_with('*');
    let body = text.trim_end_matches('*');
    let words: Vec<String> = words(body).map(|(_, word)| word).collect();
    let Some(last) = words.last() else {
        if prefix {
            return Err(syntax(format!(
                "a * needs at least {} letters before it, as in design*",
                limits.min_prefix_chars
            )));
        }
        return Ok(None);
    };
    if prefix && last.chars().count() < limits.min_prefix_chars {
        return Err(syntax(format!(
            "a * needs at least {} letters before it, as in design*",
            limits.min_prefix_chars
        )));
    }
    Ok(Some(Term { words, prefix }))
}

fn operator(name: &str, value: &str, query: &mut SearchQuery) -> Result<()> {
    match (name, value) {
        ("has", "file") => query.has_file = true,
        ("in", "thread") => query.in_thread = true,
        ("has", _) => return Err(syntax(format!("has:{value} is not a filter; try has:file"))),
        _ => return Err(syntax(format!("in:{value} is not a filter; try in:thread"))),
    }
    Ok(())
}

/// Reads a search box's text. Errors are 422s on `q` that say what to change.
pub fn parse(raw: &str, limits: QueryLimits) -> Result<SearchQuery> {
    if raw.chars().count() > limits.max_chars {
        return Err(syntax(format!("q must be at most {} characters", limits.max_chars))
            .with_details(serde_json::json!({ "max": limits.max_chars })));
    }
    let mut query = SearchQuery::default();
    // Set by OR (`true`) or AND (`false`) until the term they join comes.
    let mut joiner: Option<bool> = None;
    // What came before: nothing, a term to look for, or an excluded one.
    let mut previous: Option<bool> = None;
    let mut terms = 0usize;
    for token in tokens(raw)? {
        let (text, quoted, negated) = match token {
            Token::Or | Token::And => {
                if joiner.is_some() || previous.is_none() {
                    return Err(syntax("OR and AND go between two words, as in deploy OR release"));
                }
                if token == Token::Or && previous == Some(true) {
                    return Err(syntax("OR cannot follow an excluded -word"));
                }
                joiner = Some(token == Token::Or);
                continue;
            }
            Token::Text { text, quoted, negated } => (text, quoted, negated),
        };
        if !quoted
            && let Some((name, value)) = text.split_once(':')
            && matches!(name, "has" | "in")
        {
            if negated {
                return Err(syntax(format!("{name}: filters cannot be excluded")));
            }
            operator(name, value, &mut query)?;
            continue;
        }
        let Some(term) = term(&text, limits)? else {
            continue;
        };
        terms += 1;
        if terms > limits.max_terms {
            return Err(
                syntax(format!("a search takes at most {} words and phrases", limits.max_terms))
                    .with_details(serde_json::json!({ "max": limits.max_terms })),
            );
        }
        previous = Some(negated);
        if negated {
            if joiner.take() == Some(true) {
                return Err(syntax("an excluded -word cannot follow OR"));
            }
            query.excluded.push(term);
            continue;
        }
        match (joiner.take(), query.groups.last_mut()) {
            (Some(true), Some(group)) => group.push(term),
            _ => query.groups.push(vec![term]),
        }
    }
    if joiner.is_some() {
        return Err(syntax("OR and AND go between two words, as in deploy OR release"));
    }
    if query.groups.is_empty() {
        return Err(syntax(if query.excluded.is_empty() {
            "type a word to search for"
        } else {
            "a search needs at least one word that is not excluded"
        }));
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: QueryLimits = QueryLimits {
        max_chars: 200,
        max_terms: 8,
        min_prefix_chars: 2,
    };

    fn word(text: &str) -> Term {
        Term {
            words: vec![text.to_owned()],
            prefix: false,
        }
    }

    fn field_of(raw: &str) -> Option<String> {
        parse(raw, LIMITS).err().and_then(|err| err.field)
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let found: Vec<String> = words("Hello, wörld! it's 3.14 foo_bar").map(|(_, w)| w).collect();
        assert_eq!(found, ["hello", "wörld", "it", "s", "3", "14", "foo", "bar"]);
        let (range, _) = words("  Ünïcode").next().unwrap_or_default();
        assert_eq!(&"  Ünïcode"[range], "Ünïcode");
    }

    #[test]
    fn plain_words_are_all_required() {
        let query = parse("Deploy  friday", LIMITS).unwrap_or_default();
        assert_eq!(query.groups, vec![vec![word("deploy")], vec![word("friday")]]);
    }

    #[test]
    fn phrases_prefixes_or_and_exclusions() {
        let query = parse(r#""release notes" desi* OR draft -wip AND v2"#, LIMITS).unwrap_or_default();
        assert_eq!(query.groups.len(), 3);
        assert_eq!(query.groups[0][0].words, ["release", "notes"]);
        assert_eq!(
            query.groups[1],
            vec![
                Term {
                    words: vec!["desi".into()],
                    prefix: true
                },
                word("draft")
            ]
        );
        assert_eq!(query.excluded, vec![word("wip")]);
        assert_eq!(query.groups[2], vec![word("v2")]);
    }

    #[test]
    fn inner_punctuation_makes_a_phrase() {
        let query = parse("don't", LIMITS).unwrap_or_default();
        assert_eq!(query.groups[0][0].words, ["don", "t"]);
    }

    #[test]
    fn filters_are_operators() {
        let query = parse("has:file in:thread budget", LIMITS).unwrap_or_default();
        assert!(query.has_file && query.in_thread);
        assert_eq!(query.groups, vec![vec![word("budget")]]);
        assert_eq!(field_of("has:cake budget").as_deref(), Some("q"));
        assert_eq!(field_of("-has:file budget").as_deref(), Some("q"));
    }

    #[test]
    fn malformed_queries_are_errors_on_q() {
        for raw in [
            "\"unbalanced",
            "AND OR",
            "OR deploy",
            "deploy OR",
            "*",
            "a*",
            "-wip",
            "",
            "   ",
            "!!! ???",
            "half\"quote",
            "deploy OR -wip",
            "deploy AND",
            "-wip OR deploy",
        ] {
            assert_eq!(field_of(raw).as_deref(), Some("q"), "{raw:?} should be refused");
        }
        assert_eq!(field_of(&"x".repeat(10_000)).as_deref(), Some("q"));
        assert_eq!(field_of("a b c d e f g h i").as_deref(), Some("q"));
    }

    #[test]
    fn a_lowercase_or_is_a_word() {
        let query = parse("this or that", LIMITS).unwrap_or_default();
        assert_eq!(query.groups.len(), 3);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_an_error_on_q(raw in "\\PC{0,120}") {
            match parse(&raw, LIMITS) {
                Ok(query) => {
                    prop_assert!(!query.groups.is_empty());
                    for term in query.positive_terms().chain(&query.excluded) {
                        prop_assert!(!term.words.is_empty());
                        prop_assert!(term.words.iter().all(|w| w.chars().all(char::is_alphanumeric)));
                    }
                }
                Err(err) => prop_assert_eq!(err.field.as_deref(), Some("q")),
            }
        }
    }
}
