//! `hub seed`: a realistic, repeatable demo community straight into the database, through the
//! same services the server uses (so every rule holds): people, channels with topics and members,
//! conversations with threads, mentions and reactions, direct conversations opened by accepted
//! chat requests, forum posts with comment trees and votes, and a few reports. `plan` decides
//! everything from the seed first; this module makes it, with a progress bar.

mod plan;
mod words;

use std::time::Instant;

use anyhow::Context as _;
use futures_util::StreamExt as _;
use hub_core::database::DataFolderLock;
use hub_core::model::{ChannelKind, MessageId, ReactionChange, ReportTarget};
use hub_core::protocol::v1::{
    CreateChannelRequest, CreateChatRequestRequest, CreateCommentRequest, CreatePostRequest, CreateReportRequest,
    SendMessageRequest,
};
use hub_core::service::{Caller, NewAccount};
use hub_core::{Config, Hub};
use indicatif::ProgressBar;

use self::plan::{Plan, PlannedMessage, Sizes};
use crate::args::SeedArgs;
use crate::{progress, setup};

/// Conversations written at once (each one in order; different ones side by side, which is how
/// the store's group commit gets its batches).
const CONVERSATIONS_AT_ONCE: usize = 16;

/// Seeds the configured database as `args` asks.
pub async fn run(mut config: Config, args: SeedArgs) -> anyhow::Result<()> {
    let sizes = Sizes {
        users: args.users,
        channels: args.channels,
        messages: args.messages,
        posts: args.posts,
        reports: args.reports,
    };
    if sizes.users == 0 && (sizes.channels + sizes.messages + sizes.posts) > 0 {
        anyhow::bail!("--users 0 leaves nobody to write anything: give at least one user");
    }
    // A server keeps caches of what it stored; writing under a running one would leave them stale.
    let _lock = DataFolderLock::acquire(&config.data_dir)?;
    // Seeding is one trusted writer: no per-user pacing. The demo accounts share a password that
    // is printed below, so their hashes need not be costly.
    config.gateway.messages_per_second = f64::MAX;
    config.gateway.messages_burst = f64::MAX;
    config.auth.argon2_memory_kib = 1024;
    config.auth.argon2_iterations = 1;
    let plan = Plan::new(sizes, args.seed);
    let hub = setup::open_hub(config).await?;
    let result = seed(&hub, &plan, &password(args.seed)).await;
    hub.close().await;
    let summary = result?;
    println!("{summary}");
    println!(
        "every seeded account signs in with the password {:?}",
        password(args.seed)
    );
    Ok(())
}

fn password(seed: u64) -> String {
    format!("seeded-{seed}-demo")
}

async fn seed(hub: &Hub, plan: &Plan, password: &str) -> anyhow::Result<String> {
    let started = Instant::now();
    let people = accounts(hub, plan, password).await?;
    let channels = channels(hub, plan, &people).await?;
    let messages_started = Instant::now();
    let bar = progress::counting("messages", plan.message_count());
    let mut work = Vec::new();
    for (index, channel) in plan.channels.iter().enumerate() {
        work.push((channels[index].clone(), &channel.messages, format!("#{}", channel.name)));
    }
    for dm in &plan.dms {
        let to = &people[dm.to];
        let request = hub
            .send_chat_request(
                &people[dm.from],
                CreateChatRequestRequest {
                    to_user_id: to.user.id.clone(),
                    message: Some("hi! got a minute?".to_owned()),
                },
            )
            .await
            .context("asking for a direct conversation")?;
        let opened = hub.accept_chat_request(to, &request.id).await?;
        work.push((opened.channel.id, &dm.messages, "a direct conversation".to_owned()));
    }
    let written: Vec<anyhow::Result<Vec<MessageId>>> = futures_util::stream::iter(
        work.into_iter()
            .map(|(channel, messages, name)| conversation(hub, &people, channel, messages, name, bar.clone())),
    )
    .buffered(CONVERSATIONS_AT_ONCE)
    .collect()
    .await;
    bar.finish_and_clear();
    let written: Vec<Vec<MessageId>> = written.into_iter().collect::<anyhow::Result<_>>()?;
    let messages_took = messages_started.elapsed();
    let forum_started = Instant::now();
    let comments = forum(hub, plan, &people).await?;
    let forum_took = forum_started.elapsed();
    let reports_started = Instant::now();
    reports(hub, plan, &people, &written).await?;
    let reports_took = reports_started.elapsed();
    let messages = plan.message_count();
    Ok(format!(
        "seeded {} users, {} channels, {messages} messages ({} direct conversations), {} posts with {comments} \
         comments and {} reports in {:.1} s (people and channels {:.1} s, messages {:.1} s, forum {:.1} s, \
         reports {:.1} s)\nmessages: {:.0} per second",
        plan.users.len(),
        plan.channels.len(),
        plan.dms.len(),
        plan.posts.len(),
        plan.reports.len(),
        started.elapsed().as_secs_f64(),
        (messages_started - started).as_secs_f64(),
        messages_took.as_secs_f64(),
        forum_took.as_secs_f64(),
        reports_took.as_secs_f64(),
        messages as f64 / messages_took.as_secs_f64().max(1e-9),
    ))
}

async fn accounts(hub: &Hub, plan: &Plan, password: &str) -> anyhow::Result<Vec<Caller>> {
    let bar = progress::counting("people", plan.users.len());
    let mut people = Vec::with_capacity(plan.users.len());
    for planned in &plan.users {
        let user = hub
            .create_account(NewAccount {
                username: planned.username.clone(),
                password: password.to_owned(),
                email: None,
                full_name: Some(planned.full_name.clone()),
                is_superuser: false,
            })
            .await
            .with_context(|| {
                format!(
                    "cannot create {:?}: hub seed fills a fresh database (or try another --seed)",
                    planned.username
                )
            })?;
        people.push(Caller::new(user, None));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(people)
}

async fn channels(hub: &Hub, plan: &Plan, people: &[Caller]) -> anyhow::Result<Vec<hub_core::model::ChannelId>> {
    let joins: usize = plan.channels.iter().map(|channel| channel.members.len()).sum();
    let bar = progress::counting("channels", joins);
    let mut ids = Vec::with_capacity(plan.channels.len());
    for planned in &plan.channels {
        let owner = &people[planned.members[0]];
        let created = hub
            .create_channel(
                owner,
                CreateChannelRequest {
                    name: planned.name.clone(),
                    kind: if planned.private {
                        ChannelKind::Private
                    } else {
                        ChannelKind::Public
                    },
                    description: Some(planned.description.clone()),
                    topic: Some(planned.topic.clone()),
                },
            )
            .await
            .with_context(|| format!("cannot create #{}", planned.name))?;
        let id = created.channel.id;
        bar.inc(1);
        for &member in &planned.members[1..] {
            if planned.private {
                hub.add_channel_member(owner, &id, &people[member].user.id).await?;
            } else {
                hub.join_channel(&people[member], &id, None).await?;
            }
            bar.inc(1);
        }
        ids.push(id);
    }
    bar.finish_and_clear();
    Ok(ids)
}

/// One conversation, in order: its messages (replies after their parents) and their reactions.
async fn conversation(
    hub: &Hub,
    people: &[Caller],
    channel: hub_core::model::ChannelId,
    messages: &[PlannedMessage],
    name: String,
    bar: ProgressBar,
) -> anyhow::Result<Vec<MessageId>> {
    let mut ids: Vec<MessageId> = Vec::with_capacity(messages.len());
    for planned in messages {
        let author = &people[planned.author];
        let request = SendMessageRequest {
            content: planned.text.clone(),
            client_id: None,
            parent_id: planned.parent.map(|parent| ids[parent].clone()),
            file_ids: Vec::new(),
        };
        let (message, _) = hub
            .send_message(author, &channel, request)
            .await
            .with_context(|| format!("writing in {name}"))?;
        for (who, code) in &planned.reactions {
            hub.change_reaction(&people[*who], &message.id, code, ReactionChange::Add)
                .await?;
        }
        ids.push(message.id);
        bar.inc(1);
    }
    Ok(ids)
}

/// Posts, their comment trees and votes; returns how many comments.
async fn forum(hub: &Hub, plan: &Plan, people: &[Caller]) -> anyhow::Result<usize> {
    let bar = progress::counting("forum", plan.posts.len());
    let mut comments = 0;
    for planned in &plan.posts {
        let post = hub
            .create_post(
                &people[planned.author],
                CreatePostRequest {
                    title: planned.title.clone(),
                    body: planned.body.clone(),
                    tags: planned.tags.clone(),
                },
            )
            .await
            .context("writing a forum post")?;
        let mut ids: Vec<hub_core::model::CommentId> = Vec::with_capacity(planned.comments.len());
        for comment in &planned.comments {
            let made = hub
                .create_comment(
                    &people[comment.author],
                    &post.id,
                    CreateCommentRequest {
                        body: comment.body.clone(),
                        parent_id: comment.parent.map(|parent| ids[parent].clone()),
                    },
                )
                .await?;
            for (who, value) in &comment.votes {
                hub.vote_comment(&people[*who], &made.id, *value).await?;
            }
            ids.push(made.id);
        }
        for (who, value) in &planned.votes {
            hub.vote_post(&people[*who], &post.id, *value).await?;
        }
        comments += ids.len();
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(comments)
}

async fn reports(hub: &Hub, plan: &Plan, people: &[Caller], written: &[Vec<MessageId>]) -> anyhow::Result<()> {
    let bar = progress::counting("reports", plan.reports.len());
    for planned in &plan.reports {
        hub.create_report(
            &people[planned.reporter],
            CreateReportRequest {
                target_type: ReportTarget::Message,
                target_id: written[planned.channel][planned.message].to_string(),
                reason: planned.reason,
                details: Some(planned.details.clone()),
            },
        )
        .await
        .context("filing a report")?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}
