//! Search: what a search box accepts ([`query`]), how it is written for each database
//! ([`compile`]), the highlighted snippet a result shows ([`snippet`]), and paging through
//! ranked results ([`window`]).

pub mod compile;
pub mod query;
pub mod snippet;
pub mod window;

pub use query::{QueryLimits, SearchQuery, Term, parse, words};
pub use snippet::{SnippetSegment, snippet, snippet_of_fields};
