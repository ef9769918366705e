//! The assistant's decisions: which words of a question to search for, how well a message
//! matches them, the prompt a model gets, and the answer given without a model (quotes of the
//! best matches). Only messages the asker may read ever reach these functions.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::rules::search::{QueryLimits, SearchQuery, Term, words};

/// Words that carry no meaning for retrieval.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "had",
    "has",
    "have",
    "how",
    "i",
    "in",
    "is",
    "it",
    "its",
    "me",
    "my",
    "of",
    "on",
    "or",
    "our",
    "so",
    "that",
    "the",
    "their",
    "them",
    "there",
    "this",
    "to",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "assistant",
    "please",
    "tell",
    "know",
];

/// The distinct meaningful words of a question, in order.
pub fn question_words(question: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    words(question)
        .map(|(_, word)| word)
        .filter(|word| word.chars().count() > 1 && !STOP_WORDS.contains(&word.as_str()))
        .filter(|word| seen.insert(word.clone()))
        .collect()
}

/// A question checked for length and turned into a search for any of its words (ranking puts
/// the messages with most of them first). A question with no meaningful word is a 422.
pub fn question_query(question: &str, max_chars: usize, limits: QueryLimits) -> Result<SearchQuery> {
    let question = question.trim();
    if question.chars().count() > max_chars {
        return Err(Error::invalid(
            "question",
            format!("a question may be at most {max_chars} characters"),
        ));
    }
    let mut terms: Vec<Term> = question_words(question)
        .into_iter()
        .map(|word| Term {
            words: vec![word],
            prefix: false,
        })
        .collect();
    terms.truncate(limits.max_terms.max(1));
    if terms.is_empty() {
        return Err(Error::invalid(
            "question",
            "ask about something: the question has no words to look for",
        ));
    }
    Ok(SearchQuery {
        groups: vec![terms],
        ..SearchQuery::default()
    })
}

/// How much of the question a text covers: the share of the question's words it contains,
/// from 0 to 1.
pub fn overlap(question_words: &[String], text: &str) -> f64 {
    if question_words.is_empty() {
        return 0.0;
    }
    let present: BTreeSet<String> = words(text).map(|(_, word)| word).collect();
    let found = question_words.iter().filter(|word| present.contains(*word)).count();
    found as f64 / question_words.len() as f64
}

/// A retrieved message as the assistant cites it.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    /// Who wrote it (a username, or "someone").
    pub author: String,
    /// Its channel's name.
    pub channel: String,
    /// When (RFC 3339).
    pub at: String,
    /// What it says.
    pub text: String,
}

/// The system prompt: answer from the excerpts only, and say so when they do not tell.
pub const SYSTEM_PROMPT: &str = "You are the assistant of a team chat. Answer the question using only \
    the numbered chat messages given. Cite them as [1], [2]. If they do not contain the answer, say that \
    you could not find it in the messages you can see. Be brief.";

/// The user turn of the prompt: the numbered excerpts, then the question.
pub fn prompt(question: &str, excerpts: &[Excerpt]) -> String {
    let mut text = String::from("Chat messages:\n");
    for (index, excerpt) in excerpts.iter().enumerate() {
        text.push_str(&format!(
            "[{}] {} in #{} at {}: {}\n",
            index + 1,
            excerpt.author,
            excerpt.channel,
            excerpt.at,
            excerpt.text.replace('\n', " ")
        ));
    }
    if excerpts.is_empty() {
        text.push_str("(none)\n");
    }
    text.push_str("\nQuestion: ");
    text.push_str(question.trim());
    text
}

/// The answer without a model: the best matches quoted, or a plain "not found".
pub fn extractive_answer(excerpts: &[Excerpt], quoted: usize) -> String {
    if excerpts.is_empty() {
        return "I could not find anything about that in the messages you can read.".to_owned();
    }
    let mut answer = String::from("Here is what I found in the messages you can read:\n");
    for (index, excerpt) in excerpts.iter().take(quoted.max(1)).enumerate() {
        answer.push_str(&format!(
            "[{}] {} in #{}: \"{}\"\n",
            index + 1,
            excerpt.author,
            excerpt.channel,
            excerpt.text.replace('\n', " ")
        ));
    }
    answer.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: QueryLimits = QueryLimits {
        max_chars: 256,
        max_terms: 4,
        min_prefix_chars: 2,
    };

    fn excerpt(text: &str) -> Excerpt {
        Excerpt {
            author: "alice".into(),
            channel: "general".into(),
            at: "2026-12-01T10:00:00Z".into(),
            text: text.into(),
        }
    }

    #[test]
    fn questions_keep_their_meaningful_words() {
        assert_eq!(question_words("When is the Launch? the launch!"), ["launch"]);
        assert_eq!(question_words("@assistant where do we deploy v2"), ["deploy", "v2"]);
        assert!(question_words("what is it?").is_empty());
    }

    #[test]
    fn a_question_becomes_a_search_for_any_of_its_words() {
        let query = question_query("launch date budget owner extra", 2000, LIMITS).unwrap_or_default();
        assert_eq!(query.groups.len(), 1, "one OR group");
        assert_eq!(query.groups[0].len(), 4, "at most max_terms");
        assert!(question_query("what is it?", 2000, LIMITS).is_err());
        assert!(question_query(&"launch ".repeat(400), 2000, LIMITS).is_err());
    }

    #[test]
    fn overlap_is_the_share_of_words_found() {
        let asked = question_words("launch date");
        assert_eq!(overlap(&asked, "The launch is on Friday"), 0.5);
        assert_eq!(overlap(&asked, "launch DATE set"), 1.0);
        assert_eq!(overlap(&asked, "nothing"), 0.0);
    }

    #[test]
    fn prompts_number_the_excerpts_and_end_with_the_question() {
        let text = prompt("when?", &[excerpt("launch on friday"), excerpt("two\nlines")]);
        assert!(text.contains("[1] alice in #general at 2026-12-01T10:00:00Z: launch on friday"));
        assert!(text.contains("[2] alice in #general at 2026-12-01T10:00:00Z: two lines"));
        assert!(text.ends_with("Question: when?"));
    }

    #[test]
    fn without_a_model_the_best_matches_are_quoted() {
        let answer = extractive_answer(&[excerpt("launch on friday"), excerpt("b"), excerpt("c")], 2);
        assert!(answer.contains("[1] alice in #general: \"launch on friday\""));
        assert!(answer.contains("[2]") && !answer.contains("[3]"));
        assert!(extractive_answer(&[], 3).contains("could not find"));
    }
}
