//! The assistant: a bot user that answers questions from the hub's own history. Retrieval
//! first, always as the asker (the message search, with its permissions, mutes and blocks), so
//! nothing the asker could not read reaches a prompt or a source list; then the answer, from an
//! OpenAI-compatible model when one is configured ([`model`]), else quotes of the best matches.
//! An `@assistant` mention in a channel is answered in the message's thread, from that
//! channel alone (everyone who sees the reply may read it), in the background.

mod model;

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ChannelKind, ChannelRole, ChatAvailability, ClientId, Message, User, UserId};
use crate::protocol::v1::{
    AnswerView, AskRequest, ContextItem, ContextView, MessageHit, MessageView, SendMessageRequest, SourceView,
};
use crate::rules::assistant::{self, Excerpt};
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};
use crate::store::{MessageFilters, NewUser, ResultWindow};

/// Quotes in an answer without a model.
const QUOTED: usize = 3;

impl Hub {
    /// The bot user, made on first use. A person who holds its username (registered before
    /// it was reserved) keeps it; the assistant then says it cannot run.
    pub(crate) async fn assistant_user(&self) -> Result<User> {
        let username = &self.inner.config.assistant.username;
        if let Some((user, _)) = self.inner.store.user_with_password(username).await? {
            return match user.is_bot {
                true => Ok(user),
                false => Err(Error::new(
                    ErrorKind::Unavailable,
                    format!("the assistant's username {username} belongs to a person; set HUB_ASSISTANT__USERNAME"),
                )),
            };
        }
        let new = NewUser {
            id: UserId::generate(),
            username: username.clone(),
            email: None,
            full_name: "Assistant".to_owned(),
            password_hash: None,
            is_superuser: false,
            is_bot: true,
            created_at: now(),
            // Nobody opens a conversation with the bot; it is asked in channels.
            chat_availability: ChatAvailability::Closed,
        };
        match self.inner.store.insert_user(&new).await {
            Ok(user) => Ok(user),
            // Made by a concurrent first question.
            Err(err) if err.kind == ErrorKind::UsernameTaken => self
                .inner
                .store
                .user_with_password(username)
                .await?
                .map(|(user, _)| user)
                .ok_or(err),
            Err(err) => Err(err),
        }
    }

    /// The messages the assistant would read for `question`, with scores and neighbours.
    pub async fn assistant_context(
        &self,
        caller: &Caller,
        question: &str,
        channel: Option<&ChannelId>,
    ) -> Result<ContextView> {
        let (words, hits) = self.retrieve(caller, question, channel).await?;
        let mut items = Vec::with_capacity(hits.len());
        for hit in hits {
            let neighbours = self.neighbours(caller, &hit.message).await?;
            items.push(ContextItem {
                score: assistant::overlap(&words, &hit.message.content),
                neighbours,
                message: hit.message,
                channel: hit.channel,
            });
        }
        Ok(ContextView { words, items })
    }

    /// Answers `request` for the caller, from what they may read (in `channel_id` only, when
    /// given).
    pub async fn ask_assistant(&self, caller: &Caller, request: AskRequest) -> Result<AnswerView> {
        self.charge_question(caller).await?;
        // Retrieval makes sure the bot exists (and says why when it cannot).
        self.answer(caller, &request.question, request.channel_id.as_ref())
            .await
    }

    async fn answer(&self, caller: &Caller, question: &str, channel: Option<&ChannelId>) -> Result<AnswerView> {
        let context = self.assistant_context(caller, question, channel).await?;
        // Hits first, then their neighbours, each once.
        let mut cited: Vec<(MessageView, crate::protocol::v1::HitChannel)> = Vec::new();
        for item in &context.items {
            cited.push((item.message.clone(), item.channel.clone()));
        }
        for item in &context.items {
            for neighbour in &item.neighbours {
                if !cited.iter().any(|(message, _)| message.id == neighbour.id) {
                    cited.push((neighbour.clone(), item.channel.clone()));
                }
            }
        }
        let authors = self
            .author_names(cited.iter().filter_map(|(message, _)| message.author_id.clone()))
            .await?;
        let excerpts: Vec<Excerpt> = cited
            .iter()
            .map(|(message, channel)| Excerpt {
                author: message
                    .author_id
                    .as_ref()
                    .and_then(|id| authors.get(id).cloned())
                    .unwrap_or_else(|| "someone".to_owned()),
                channel: channel.name.clone(),
                at: message.created_at.to_rfc3339(),
                text: message.content.clone(),
            })
            .collect();
        let config = &self.inner.config;
        let (answer, model) = match &config.ai_base_url {
            Some(base) => {
                let prompt = assistant::prompt(question, &excerpts);
                (
                    model::complete(config, base, assistant::SYSTEM_PROMPT, &prompt).await?,
                    config.ai_model.clone(),
                )
            }
            None => (assistant::extractive_answer(&excerpts, QUOTED), "extractive".to_owned()),
        };
        let sources = cited
            .into_iter()
            .map(|(message, channel)| SourceView {
                message_id: message.id,
                channel,
                author_id: message.author_id,
                created_at: message.created_at,
            })
            .collect();
        Ok(AnswerView { answer, sources, model })
    }

    /// What the search gives for the question, as the caller, without the bot's own messages.
    async fn retrieve(
        &self,
        caller: &Caller,
        question: &str,
        channel: Option<&ChannelId>,
    ) -> Result<(Vec<String>, Vec<MessageHit>)> {
        let config = &self.inner.config;
        let query = assistant::question_query(
            question,
            config.assistant.max_question_chars,
            config.search.query_limits(),
        )?;
        if let Some(channel) = channel {
            let context = self.channel_context(caller, channel).await?;
            permissions::check_read(context.facts, context.viewer)?;
        }
        let filters = MessageFilters {
            channel: channel.cloned(),
            ..MessageFilters::default()
        };
        let window = ResultWindow {
            limit: config.assistant.context_messages.max(1) + 1,
            offset: 0,
        };
        let bot = self.assistant_user().await?;
        let mut found = self
            .inner
            .store
            .search_messages(Self::searcher(caller), &query, &filters, window)
            .await?;
        found.retain(|message| message.author_id.as_ref() != Some(&bot.id));
        found.truncate(config.assistant.context_messages.max(1) as usize);
        let hits = self.message_hits(caller, &query, &found).await?;
        let words = query
            .positive_terms()
            .flat_map(|term| term.words.iter().cloned())
            .collect();
        Ok((words, hits))
    }

    /// The top-level messages just before and after `message` in its channel, as the caller
    /// sees them (a reply's neighbours are its thread's).
    async fn neighbours(&self, caller: &Caller, message: &MessageView) -> Result<Vec<MessageView>> {
        let anchor = message.parent_id.as_ref().unwrap_or(&message.id);
        let before = self
            .history(caller, &message.channel_id, Some(anchor), None, Some(1))
            .await?;
        let after = self
            .history(caller, &message.channel_id, None, Some(anchor), Some(1))
            .await?;
        let mut around: Vec<MessageView> = before.items.into_iter().chain(after.items).collect();
        around.retain(|neighbour| neighbour.id != message.id && !neighbour.deleted);
        around.sort_by_key(|neighbour| neighbour.seq);
        Ok(around)
    }

    async fn author_names(&self, ids: impl Iterator<Item = UserId>) -> Result<HashMap<UserId, String>> {
        let mut names = HashMap::new();
        for id in ids {
            if names.contains_key(&id) {
                continue;
            }
            if let Some(user) = self.inner.store.user_by_id(&id).await? {
                names.insert(id, user.username);
            }
        }
        Ok(names)
    }

    /// Whether `content` asks the assistant (`@assistant`).
    pub(crate) fn mentions_assistant(&self, usernames: &std::collections::BTreeSet<String>) -> bool {
        usernames.contains(&self.inner.config.assistant.username.to_lowercase())
    }

    /// Answers a message that mentions the assistant, in its thread, in the background: the
    /// send that asked is acknowledged at once and the channel never waits for the model.
    pub(crate) fn answer_mention(&self, caller: &Caller, message: &Message) {
        if caller.user.is_bot {
            return;
        }
        let (hub, caller, message) = (self.clone(), caller.clone(), message.clone());
        tokio::spawn(async move {
            if let Err(err) = hub.reply_in_thread(&caller, &message).await {
                tracing::warn!(error = %err, message = %message.id, "the assistant could not reply");
            }
        });
    }

    async fn reply_in_thread(&self, caller: &Caller, message: &Message) -> Result<()> {
        let context = self.channel_context(caller, &message.channel_id).await?;
        // A direct conversation is its members' own: the assistant does not join one.
        if context.access.channel.kind == ChannelKind::Dm {
            return Ok(());
        }
        let text = match self.charge_question(caller).await {
            Ok(()) => match self.answer(caller, &message.content, Some(&message.channel_id)).await {
                Ok(answer) => answer.answer,
                Err(err) => format!("I could not answer that: {}", err.message),
            },
            Err(err) => format!("I could not answer that: {}", err.message),
        };
        let bot = self.assistant_user().await?;
        if let Some(joined) = self
            .inner
            .store
            .add_member(&message.channel_id, &bot.id, ChannelRole::Member, now())
            .await?
        {
            self.publish(joined);
        }
        let max = self.inner.config.limits.max_message_length;
        let content: String = text.chars().take(max).collect();
        let bot = Caller {
            user: bot,
            session: None,
            connection_id: None,
        };
        let request = SendMessageRequest {
            content,
            client_id: Some(ClientId::from(format!("assistant-{}", message.id))),
            parent_id: Some(message.parent_id.clone().unwrap_or_else(|| message.id.clone())),
            file_ids: Vec::new(),
        };
        self.send_message(&bot, &message.channel_id, request).await?;
        Ok(())
    }
}
