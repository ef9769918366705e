//! The REST calls behind effects: each answers with the action that reports its result.

use std::sync::Arc;

use hub_core::client::{ClientError, HistoryParams, MentionsParams, PageParams, ReportFilter};
use hub_core::model::{ChannelId, ChannelKind, CommentSort, ReportStatus, UserId};
use hub_core::protocol::v1::{CreateChannelRequest, CreateCommentRequest, CreatePostRequest, CreateReportRequest};

use super::Net;
use crate::chat::action::{Action, Effect, VoteTarget};

/// History pages are this long.
const PAGE_SIZE: u32 = 50;
/// Forum pages are this long.
const POSTS_PAGE: u32 = 30;

pub(super) async fn call(net: Arc<Net>, effect: Effect) {
    let action = match carry_out(&net, effect).await {
        Ok(Some(action)) => action,
        Ok(None) => return,
        Err(err) => Action::Failed(err.to_string()),
    };
    net.tell(action);
}

async fn carry_out(net: &Net, effect: Effect) -> Result<Option<Action>, ClientError> {
    let action = match effect {
        Effect::LoadChannels => {
            let found = net
                .with_client(|client| async move { client.my_channels().await })
                .await;
            match found {
                Ok(page) => Action::ChannelsLoaded(page.items),
                Err(err) => Action::ChannelsFailed(err.to_string()),
            }
        }
        Effect::LoadHistory { channel_id, before } => {
            let params = HistoryParams {
                before: before.as_ref().map(ToString::to_string),
                limit: Some(PAGE_SIZE),
                ..HistoryParams::default()
            };
            let id = channel_id.clone();
            let found = net
                .with_client(|client| {
                    let (id, params) = (id.clone(), params.clone());
                    async move { client.history(&id, &params).await }
                })
                .await;
            match found {
                Ok(page) => Action::HistoryLoaded {
                    channel_id,
                    before,
                    has_more: page.next_cursor.is_some(),
                    messages: page.items,
                },
                Err(err) => Action::HistoryFailed {
                    channel_id,
                    error: err.to_string(),
                },
            }
        }
        Effect::LoadThread(id) => {
            let view = net
                .with_client(|client| {
                    let id = id.clone();
                    async move { client.thread(&id, None, Some(100)).await }
                })
                .await?;
            Action::ThreadLoaded(Box::new(view))
        }
        Effect::LoadPerson(id) => {
            let user = net
                .with_client(|client| {
                    let id = id.clone();
                    async move { client.user(&id).await }
                })
                .await?;
            Action::PersonLoaded(Box::new(user))
        }
        Effect::Edit { message_id, content } => {
            net.with_client(|client| {
                let (id, content) = (message_id.clone(), content.clone());
                async move { client.edit_message(&id, &content).await }
            })
            .await?;
            Action::Done("edited".to_owned())
        }
        Effect::Delete(message_id) => {
            net.with_client(|client| {
                let id = message_id.clone();
                async move { client.delete_message(&id, None).await }
            })
            .await?;
            Action::Done("deleted".to_owned())
        }
        Effect::React { message_id, emoji } => {
            net.with_client(|client| {
                let (id, emoji) = (message_id.clone(), emoji.clone());
                async move { client.add_reaction(&id, &emoji).await }
            })
            .await?;
            return Ok(None);
        }
        Effect::Join { name, code } => {
            let found = net
                .with_client(|client| {
                    let name = name.clone();
                    async move { client.list_channels(Some(&name), &PageParams::first(20)).await }
                })
                .await?;
            // A private channel is not listed: with a code, the name may be its id.
            let id = match found.items.into_iter().find(|channel| channel.name == name) {
                Some(channel) => channel.id,
                None if code.is_some() => ChannelId::from(name.clone()),
                None => {
                    return Ok(Some(Action::Failed(format!(
                        "no public channel #{name}; a private one joins by its id and code: :join ID CODE"
                    ))));
                }
            };
            let joined = net
                .with_client(|client| {
                    let (id, code) = (id.clone(), code.clone());
                    async move { client.join_channel(&id, code.as_deref()).await }
                })
                .await?;
            Action::ChannelOpened(Box::new(joined))
        }
        Effect::Create { name, private } => {
            let request = CreateChannelRequest {
                name,
                kind: if private {
                    ChannelKind::Private
                } else {
                    ChannelKind::Public
                },
                description: None,
                topic: None,
            };
            let made = net
                .with_client(|client| {
                    let request = request.clone();
                    async move { client.create_channel(&request).await }
                })
                .await?;
            Action::ChannelOpened(Box::new(made))
        }
        Effect::OpenDm(username) => {
            let Some(user) = find_user(net, &username).await? else {
                return Ok(Some(nobody(&username)));
            };
            let opened = net
                .with_client(|client| {
                    let id = user.clone();
                    async move { client.open_dm(&[id]).await }
                })
                .await?;
            Action::ChannelOpened(Box::new(opened))
        }
        Effect::Leave(channel_id) => {
            net.with_client(|client| {
                let id = channel_id.clone();
                async move { client.leave_channel(&id).await }
            })
            .await?;
            Action::ChannelLeft(channel_id)
        }
        Effect::Mute { username, on } => {
            let Some(user) = find_user(net, &username).await? else {
                return Ok(Some(nobody(&username)));
            };
            net.with_client(|client| {
                let id = user.clone();
                async move { client.set_muted(&id, on).await }
            })
            .await?;
            Action::Done(format!("{} @{username}", if on { "muted" } else { "unmuted" }))
        }
        Effect::Block { username, on } => {
            let Some(user) = find_user(net, &username).await? else {
                return Ok(Some(nobody(&username)));
            };
            net.with_client(|client| {
                let id = user.clone();
                async move { client.set_blocked(&id, on).await }
            })
            .await?;
            Action::Done(format!("{} @{username}", if on { "blocked" } else { "unblocked" }))
        }
        Effect::Notify { channel_id, level } => {
            net.with_client(|client| {
                let id = channel_id.clone();
                async move { client.set_notifications(&id, level).await }
            })
            .await?;
            Action::Done(format!("notifications: {level}"))
        }
        Effect::Report {
            target_type,
            target_id,
            reason,
            details,
        } => {
            let request = CreateReportRequest {
                target_type,
                target_id,
                reason,
                details: Some(details),
            };
            net.with_client(|client| {
                let request = request.clone();
                async move { client.create_report(&request).await }
            })
            .await?;
            Action::Done("reported: the moderators will look at it".to_owned())
        }
        Effect::ReportUser {
            username,
            reason,
            details,
        } => {
            let Some(user) = find_user(net, &username).await? else {
                return Ok(Some(nobody(&username)));
            };
            let request = CreateReportRequest {
                target_type: hub_core::model::ReportTarget::User,
                target_id: user.to_string(),
                reason,
                details: Some(details),
            };
            net.with_client(|client| {
                let request = request.clone();
                async move { client.create_report(&request).await }
            })
            .await?;
            Action::Done(format!("reported @{username}: the moderators will look at it"))
        }
        Effect::LoadMentions => {
            let params = MentionsParams {
                limit: Some(50),
                ..MentionsParams::default()
            };
            let found = net
                .with_client(|client| {
                    let params = params.clone();
                    async move { client.mentions(&params).await }
                })
                .await?;
            Action::MentionsLoaded(found.items)
        }
        Effect::BrowseChannels => {
            let found = net
                .with_client(|client| async move { client.list_channels(None, &PageParams::first(100)).await })
                .await?;
            Action::ChannelsBrowsed(found.items)
        }
        Effect::JoinId(channel_id) => {
            let joined = net
                .with_client(|client| {
                    let id = channel_id.clone();
                    async move { client.join_channel(&id, None).await }
                })
                .await?;
            Action::ChannelOpened(Box::new(joined))
        }
        Effect::CountReports => {
            let filter = ReportFilter {
                status: Some(ReportStatus::Open),
                ..ReportFilter::default()
            };
            let mut count = 0;
            let mut page = PageParams::first(100);
            // Ten pages at most: past a thousand the count says "1000".
            for _ in 0..10 {
                let found = net
                    .with_client(|client| {
                        let (filter, page) = (filter.clone(), page.clone());
                        async move { client.report_queue(&filter, &page).await }
                    })
                    .await?;
                count += found.items.len() as u64;
                match found.next_cursor {
                    Some(cursor) => page = PageParams::after(cursor),
                    None => break,
                }
            }
            Action::OpenReports(count)
        }
        Effect::LoadPosts { sort, cursor } => {
            let page = match &cursor {
                Some(cursor) => PageParams::after(cursor.clone()),
                None => PageParams::first(POSTS_PAGE),
            };
            let found = net
                .with_client(|client| {
                    let page = page.clone();
                    async move { client.posts(sort, None, None, &page).await }
                })
                .await?;
            Action::PostsLoaded {
                sort,
                posts: found.items,
                next_cursor: found.next_cursor,
                more: cursor.is_some(),
            }
        }
        Effect::LoadComments(post_id) => {
            let found = net
                .with_client(|client| {
                    let id = post_id.clone();
                    async move { client.comments(&id, CommentSort::Top, &PageParams::first(100)).await }
                })
                .await?;
            Action::CommentsLoaded {
                post_id,
                comments: found.items,
            }
        }
        Effect::Vote { target, value } => {
            let vote = net
                .with_client(|client| {
                    let target = target.clone();
                    async move {
                        match &target {
                            VoteTarget::Post(id) => client.vote_post(id, value).await,
                            VoteTarget::Comment(id) => client.vote_comment(id, value).await,
                        }
                    }
                })
                .await?;
            Action::Voted { target, vote }
        }
        Effect::WritePost { title, body } => {
            let request = CreatePostRequest {
                title,
                body,
                tags: Vec::new(),
            };
            let post = net
                .with_client(|client| {
                    let request = request.clone();
                    async move { client.create_post(&request).await }
                })
                .await?;
            Action::PostWritten(Box::new(post))
        }
        Effect::WriteComment {
            post_id,
            parent_id,
            body,
        } => {
            let request = CreateCommentRequest { body, parent_id };
            let comment = net
                .with_client(|client| {
                    let (id, request) = (post_id.clone(), request.clone());
                    async move { client.create_comment(&id, &request).await }
                })
                .await?;
            Action::CommentWritten(Box::new(comment))
        }
        Effect::SignIn { .. }
        | Effect::Send(_)
        | Effect::Typing(_)
        | Effect::SetStatus(_)
        | Effect::MarkRead { .. }
        | Effect::Yank(_)
        | Effect::OpenLink(_)
        | Effect::Bell
        | Effect::Desktop { .. }
        | Effect::OpenEditor(_)
        | Effect::Moderate => return Ok(None),
    };
    Ok(Some(action))
}

/// The id of the user with exactly this username.
async fn find_user(net: &Net, username: &str) -> Result<Option<UserId>, ClientError> {
    let found = net
        .with_client(|client| {
            let query = username.to_owned();
            async move { client.search_users(&query, &PageParams::first(20)).await }
        })
        .await?;
    Ok(found
        .items
        .into_iter()
        .find(|user| user.username.eq_ignore_ascii_case(username))
        .map(|user| user.id))
}

fn nobody(username: &str) -> Action {
    Action::Failed(format!("nobody is called @{username}"))
}
