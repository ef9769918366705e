//! Search: messages, channels, people and the forum, each only from what the caller may read,
//! ranked, with highlighted snippets, a page at a time. The query is parsed once by
//! [`rules::search`]; the store matches it with each database's own index.

mod others;

use crate::error::Result;
use crate::model::{ChannelId, Message, UserId};
use crate::protocol::v1::{HitChannel, MessageHit, SearchSort};
use crate::rules::permissions;
use crate::rules::search::{self, SearchQuery, window};
use crate::service::{Caller, Hub, Paged};
use crate::store::{MessageFilters, ResultWindow, Searcher};

/// A message search as a front end asks for it.
#[derive(Debug, Clone, Default)]
pub struct MessageSearch {
    /// The search box's text.
    pub q: String,
    /// Only this channel.
    pub channel_id: Option<ChannelId>,
    /// Only this author.
    pub from: Option<UserId>,
    /// Sent before this date or time.
    pub before: Option<String>,
    /// Sent on or after this date or time.
    pub after: Option<String>,
    /// Best match or newest first.
    pub sort: SearchSort,
    /// Page size.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A parsed search and the part of its results to read.
struct Prepared {
    query: SearchQuery,
    offset: u32,
    limit: u32,
}

impl Prepared {
    /// The window to read: one more than a page, to know whether another follows.
    fn lookahead(&self) -> ResultWindow {
        ResultWindow {
            limit: self.limit + 1,
            offset: self.offset,
        }
    }
}

impl Hub {
    fn prepare_search(&self, q: &str, limit: Option<u32>, cursor: Option<&str>) -> Result<Prepared> {
        let config = &self.inner.config;
        let query = search::parse(q, config.search.query_limits())?;
        let limit =
            crate::rules::paging::page_size(limit, config.search.default_page_size, config.limits.max_page_size)?;
        let offset = window::offset(cursor, config.search.max_result_depth)?;
        Ok(Prepared { query, offset, limit })
    }

    /// The page of `found`, read with [`Prepared::lookahead`].
    fn search_page<T>(&self, prepared: &Prepared, mut found: Vec<T>) -> Paged<T> {
        let more = found.len() > prepared.limit as usize;
        found.truncate(prepared.limit as usize);
        Paged {
            items: found,
            next_cursor: window::next_cursor(
                prepared.offset,
                prepared.limit,
                more,
                self.inner.config.search.max_result_depth,
            ),
        }
    }

    pub(crate) fn searcher<'a>(caller: &'a Caller) -> Searcher<'a> {
        Searcher {
            user: &caller.user.id,
            site_admin: caller.user.is_superuser,
        }
    }

    /// Messages matching the search that the caller may read: in channels they may read, not
    /// deleted, not by people they mute or block (or who block them).
    pub async fn search_messages(&self, caller: &Caller, request: MessageSearch) -> Result<Paged<MessageHit>> {
        let prepared = self.prepare_search(&request.q, request.limit, request.cursor.as_deref())?;
        if let Some(channel) = &request.channel_id {
            let context = self.channel_context(caller, channel).await?;
            permissions::check_read(context.facts, context.viewer)?;
        }
        let filters = MessageFilters {
            channel: request.channel_id,
            author: request.from,
            before: window::time_bound("before", request.before.as_deref())?,
            after: window::time_bound("after", request.after.as_deref())?,
            in_thread: prepared.query.in_thread,
            has_file: prepared.query.has_file,
            newest_first: request.sort == SearchSort::Newest,
        };
        let found = self
            .inner
            .store
            .search_messages(Self::searcher(caller), &prepared.query, &filters, prepared.lookahead())
            .await?;
        let page = self.search_page(&prepared, found);
        let hits = self.message_hits(caller, &prepared.query, &page.items).await?;
        Ok(Paged {
            items: hits,
            next_cursor: page.next_cursor,
        })
    }

    pub(crate) async fn message_hits(
        &self,
        caller: &Caller,
        query: &SearchQuery,
        messages: &[Message],
    ) -> Result<Vec<MessageHit>> {
        let mut channel_ids: Vec<ChannelId> = messages.iter().map(|message| message.channel_id.clone()).collect();
        channel_ids.sort();
        channel_ids.dedup();
        let channels: std::collections::HashMap<ChannelId, HitChannel> = self
            .inner
            .store
            .channels_by_ids(&channel_ids)
            .await?
            .into_iter()
            .map(|channel| {
                let hit = HitChannel {
                    id: channel.id.clone(),
                    name: channel.name,
                    kind: channel.kind,
                };
                (channel.id, hit)
            })
            .collect();
        let views = self.message_views(caller, messages).await?;
        let words = self.inner.config.search.snippet_words;
        Ok(messages
            .iter()
            .zip(views)
            .filter_map(|(message, view)| {
                Some(MessageHit {
                    channel: channels.get(&message.channel_id)?.clone(),
                    snippet: search::snippet(&message.content, query, words),
                    message: view,
                })
            })
            .collect())
    }
}
