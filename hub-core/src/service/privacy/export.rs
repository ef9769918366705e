//! `export`: one JSON document with everything the caller made, written piece by piece into a
//! channel so that a large account never sits in memory: the account and its settings, mutes,
//! blocks, messages, posts, comments, votes, reactions, saved messages, chat requests and
//! reports.

use serde::Serialize;
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::model::{CommentId, MessageId, PostId};
use crate::protocol::v1::{AdminUserView, CommentView, MessageView, PostView};
use crate::service::{Caller, Hub, Relationship};
use crate::store::Marks;

/// Rows read (and chunks written) at a time.
const PAGE: u32 = 500;

/// Writes a JSON object's members one by one into the channel.
struct JsonWriter {
    out: mpsc::Sender<Vec<u8>>,
    first_member: bool,
}

impl JsonWriter {
    async fn raw(&mut self, text: &'static str) -> Result<()> {
        self.send(text.as_bytes().to_vec()).await
    }

    async fn send(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.out
            .send(bytes)
            .await
            .map_err(|_| Error::new(crate::ErrorKind::Unavailable, "the export's reader went away"))
    }

    /// Starts the member `key`: `"key":` after a comma when one came before.
    async fn key(&mut self, key: &str) -> Result<()> {
        let mut text = if self.first_member {
            String::new()
        } else {
            ",".to_owned()
        };
        self.first_member = false;
        text.push_str(&serde_json::to_string(key).map_err(Error::internal)?);
        text.push(':');
        self.send(text.into_bytes()).await
    }

    async fn value<T: Serialize>(&mut self, value: &T) -> Result<()> {
        self.send(serde_json::to_vec(value).map_err(Error::internal)?).await
    }

    /// Writes `items` as part of an array: `first` says whether one came before in it.
    async fn items<T: Serialize>(&mut self, items: &[T], first: &mut bool) -> Result<()> {
        let mut chunk = Vec::new();
        for item in items {
            if !*first {
                chunk.push(b',');
            }
            *first = false;
            serde_json::to_writer(&mut chunk, item).map_err(Error::internal)?;
        }
        self.send(chunk).await
    }
}

impl Hub {
    /// Writes the caller's export into `out`, chunk by chunk; an error ends it early (the
    /// reader then sees a document that does not close).
    pub async fn export(&self, caller: &Caller, out: mpsc::Sender<Vec<u8>>) -> Result<()> {
        let store = &self.inner.store;
        let me = &caller.user.id;
        let mut json = JsonWriter {
            out,
            first_member: true,
        };
        // The service's own pages are at most the largest page a client may ask for.
        let page_size = Some(self.inner.config.limits.max_page_size);
        json.raw("{").await?;
        let account = store.user_by_id(me).await?.ok_or_else(|| Error::not_found("user"))?;
        json.key("account").await?;
        json.value(&AdminUserView::from(&account)).await?;
        json.key("channels").await?;
        json.value(&self.my_channels(caller).await?).await?;
        json.key("mutes").await?;
        json.value(&self.relationships(caller, Relationship::Mute).await?)
            .await?;
        json.key("blocks").await?;
        json.value(&self.relationships(caller, Relationship::Block).await?)
            .await?;

        json.key("messages").await?;
        json.raw("[").await?;
        let (mut after, mut first) = (None::<MessageId>, true);
        loop {
            let page = store.messages_by(me, after.as_ref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            let views: Vec<MessageView> = page.iter().map(|message| MessageView::new(message, &[])).collect();
            json.items(&views, &mut first).await?;
        }
        json.raw("]").await?;

        json.key("posts").await?;
        json.raw("[").await?;
        let (mut after, mut first) = (None::<PostId>, true);
        loop {
            let page = store.posts_by(me, after.as_ref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            let views: Vec<PostView> = page.iter().map(|post| PostView::new(post, Vec::new(), 0)).collect();
            json.items(&views, &mut first).await?;
        }
        json.raw("]").await?;

        json.key("comments").await?;
        json.raw("[").await?;
        let (mut after, mut first) = (None::<CommentId>, true);
        loop {
            let page = store.comments_by(me, after.as_ref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            let views: Vec<CommentView> = page.iter().map(|comment| CommentView::new(comment, 0, false)).collect();
            json.items(&views, &mut first).await?;
        }
        json.raw("]").await?;

        for (key, marks) in [
            ("post_votes", Marks::PostVotes),
            ("comment_votes", Marks::CommentVotes),
            ("reactions", Marks::Reactions),
        ] {
            json.key(key).await?;
            json.raw("[").await?;
            let (mut after, mut first) = (None::<String>, true);
            loop {
                let page = store.marks_by(marks, me, after.as_deref(), PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.target_id.clone());
                json.items(&page, &mut first).await?;
                if page.len() < PAGE as usize {
                    break;
                }
            }
            json.raw("]").await?;
        }

        json.key("saved_messages").await?;
        json.raw("[").await?;
        let (mut cursor, mut first) = (None::<String>, true);
        loop {
            let page = self.saved_messages(caller, page_size, cursor.as_deref()).await?;
            json.items(&page.items, &mut first).await?;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        json.raw("]").await?;

        for (key, incoming) in [("chat_requests_sent", false), ("chat_requests_received", true)] {
            json.key(key).await?;
            json.raw("[").await?;
            let (mut cursor, mut first) = (None::<String>, true);
            loop {
                let page = self
                    .chat_requests(caller, incoming, None, page_size, cursor.as_deref())
                    .await?;
                json.items(&page.items, &mut first).await?;
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            json.raw("]").await?;
        }

        json.key("reports").await?;
        json.raw("[").await?;
        let (mut cursor, mut first) = (None::<String>, true);
        loop {
            let page = self.my_reports(caller, page_size, cursor.as_deref()).await?;
            json.items(&page.items, &mut first).await?;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        json.raw("]").await?;
        json.raw("}").await
    }
}
