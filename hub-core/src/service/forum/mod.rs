//! The forum: posts with tags, comment trees and votes, beside the chat. Its events (`post.*`,
//! `comment.*`, `vote.changed`) go to every gateway connection, numbered in one forum log that
//! a client resumes like a channel (its `channel_id` is `forum`). Lists and trees leave out (or,
//! for a comment with replies, hide) what people the viewer does not hear from wrote.

mod comments;
mod posts;
mod votes;

pub use posts::PostListQuery;
