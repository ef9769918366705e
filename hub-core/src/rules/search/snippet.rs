//! The snippet shown under a search result: a window of the matched text around its first hit,
//! cut into plain and highlighted segments. Segments rather than markup, so that no front end
//! has to escape anything or count offsets in its own string encoding.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::query::{SearchQuery, Term, words};

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnippetSegment {
    /// The text.
    pub text: String,
    /// Whether it is a word the search matched.
    #[serde(rename = "match")]
    pub hit: bool,
}

/// Words shown before the first hit, so it is read in context (at most half the window).
const LEAD_WORDS: usize = 6;
/// Marks text left out at either end.
const ELLIPSIS: &str = "…";

fn matches(term: &Term, word: &str) -> bool {
    term.words
        .iter()
        .enumerate()
        .any(|(index, wanted)| match term.prefix && index + 1 == term.words.len() {
            true => word.starts_with(wanted.as_str()),
            false => word == wanted,
        })
}

/// The snippet of `text` for `query`: at most `max_words` words, starting a few words before
/// the first hit, with every matched word highlighted. Text with no hit gives its start.
pub fn snippet(text: &str, query: &SearchQuery, max_words: usize) -> Vec<SnippetSegment> {
    let found: Vec<(std::ops::Range<usize>, bool)> = words(text)
        .map(|(range, word)| {
            let hit = query.positive_terms().any(|term| matches(term, &word));
            (range, hit)
        })
        .collect();
    let Some(last_index) = found.len().checked_sub(1) else {
        return match text.trim().is_empty() {
            true => Vec::new(),
            false => vec![plain(text.trim())],
        };
    };
    let first_hit = found.iter().position(|(_, hit)| *hit).unwrap_or(0);
    let max_words = max_words.max(1);
    let mut first = first_hit.saturating_sub(LEAD_WORDS.min(max_words / 2));
    let mut last = (first + max_words - 1).min(last_index);
    // Near the end, use the room before the hit instead.
    first = first.min((last + 1).saturating_sub(max_words));
    last = last.max(first);
    let window_start = if first == 0 { 0 } else { found[first].0.start };
    let window_end = if last == last_index {
        text.len()
    } else {
        found[last].0.end
    };

    let mut segments = Vec::new();
    let mut push = |piece: &str, hit: bool| {
        if piece.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(SnippetSegment { text, hit: previous }) if *previous == hit => text.push_str(piece),
            _ => segments.push(SnippetSegment {
                text: piece.to_owned(),
                hit,
            }),
        }
    };
    if first > 0 {
        push(ELLIPSIS, false);
    }
    let mut at = window_start;
    for (range, hit) in &found[first..=last] {
        push(&text[at..range.start], false);
        push(&text[range.clone()], *hit);
        at = range.end;
    }
    push(&text[at..window_end], false);
    if last < last_index {
        push(ELLIPSIS, false);
    }
    segments
}

/// The snippet of the first of `fields` (in order of weight) where a word matched, else of
/// the first field: a channel's name, topic and description; a person's username and name.
pub fn snippet_of_fields(fields: &[&str], query: &SearchQuery, max_words: usize) -> Vec<SnippetSegment> {
    let mut first = None;
    for field in fields.iter().filter(|field| !field.trim().is_empty()) {
        let segments = snippet(field, query, max_words);
        if segments.iter().any(|segment| segment.hit) {
            return segments;
        }
        first.get_or_insert(segments);
    }
    first.unwrap_or_default()
}

fn plain(text: &str) -> SnippetSegment {
    SnippetSegment {
        text: text.to_owned(),
        hit: false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::query::{QueryLimits, parse};
    use super::*;
    use proptest::prelude::*;

    const LIMITS: QueryLimits = QueryLimits {
        max_chars: 200,
        max_terms: 8,
        min_prefix_chars: 2,
    };

    fn shown(text: &str, raw: &str, max_words: usize) -> String {
        let query = parse(raw, LIMITS).unwrap_or_default();
        snippet(text, &query, max_words)
            .into_iter()
            .map(|segment| match segment.hit {
                true => format!("[{}]", segment.text),
                false => segment.text,
            })
            .collect()
    }

    #[test]
    fn hits_are_highlighted_in_place() {
        assert_eq!(
            shown("Deploy on Friday, deploying again", "deploy", 20),
            "[Deploy] on Friday, deploying again"
        );
        assert_eq!(
            shown("Deploy on Friday, deploying again", "dep*", 20),
            "[Deploy] on Friday, [deploying] again"
        );
        assert_eq!(
            shown("the release notes", "\"release notes\"", 20),
            "the [release] [notes]"
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_hit() {
        let text = (1..=40).map(|n| format!("w{n}")).collect::<Vec<_>>().join(" ");
        assert_eq!(shown(&text, "w20", 5), "…w18 w19 [w20] w21 w22…");
        assert_eq!(shown(&text, "w20", 10), "…w15 w16 w17 w18 w19 [w20] w21 w22 w23 w24…");
        // Near the end the window reaches back instead: still 30 words.
        let tail: Vec<String> = (11..=40)
            .map(|n| if n == 20 { "[w20]".into() } else { format!("w{n}") })
            .collect();
        assert_eq!(shown(&text, "w20", 30), format!("…{}", tail.join(" ")));
        assert_eq!(shown(&text, "w40", 3), "…w38 w39 [w40]");
        assert_eq!(shown(&text, "w1", 3), "[w1] w2 w3…");
    }

    #[test]
    fn text_without_words_or_hits() {
        assert_eq!(shown("no hit here", "zebra", 2), "no hit…");
        assert_eq!(shown("  ...  ", "zebra", 2), "...");
        assert!(snippet("", &parse("zebra", LIMITS).unwrap_or_default(), 3).is_empty());
    }

    #[test]
    fn the_first_field_with_a_hit_gives_the_snippet() {
        let query = parse("roadmap", LIMITS).unwrap_or_default();
        let from = |fields: &[&str]| -> String {
            snippet_of_fields(fields, &query, 10)
                .into_iter()
                .map(|s| s.text)
                .collect()
        };
        assert_eq!(from(&["general", "", "the roadmap for 2027"]), "the roadmap for 2027");
        assert_eq!(from(&["general", "chit chat"]), "general");
        assert_eq!(from(&["", ""]), "");
    }

    proptest! {
        #[test]
        fn a_snippet_is_a_piece_of_the_text(text in "\\PC{0,200}", max_words in 1usize..30) {
            let query = parse("ab OR c* OR \"x y\"", LIMITS).unwrap_or_default();
            let joined: String = snippet(&text, &query, max_words).into_iter().map(|s| s.text).collect();
            let inner = joined.trim_start_matches(ELLIPSIS).trim_end_matches(ELLIPSIS);
            prop_assert!(text.contains(inner), "{inner:?} is not in {text:?}");
        }
    }
}
