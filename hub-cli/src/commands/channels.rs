//! `hub channels ...`: the directory, one channel, creating and archiving, members.

use hub_core::client::{Client, PageParams};
use hub_core::model::ChannelKind;
use hub_core::protocol::v1::{ChannelView, CreateChannelRequest, MemberView};

use crate::args::{
    ArchiveChannelArgs, ChannelArgs, ChannelsCommand, CreateChannelArgs, Format, ListChannelsArgs, MemberArgs,
    MembersCommand, RemoveMemberArgs,
};
use crate::confirm::confirm;
use crate::profiles::signed_in;
use crate::{output, table, targets};

/// Runs one `hub channels` command.
pub async fn run(command: ChannelsCommand) -> anyhow::Result<()> {
    match command {
        ChannelsCommand::List(args) => list(args).await,
        ChannelsCommand::Show(args) => show(args).await,
        ChannelsCommand::Create(args) => create(args).await,
        ChannelsCommand::Archive(args) => archive(args).await,
        ChannelsCommand::Members(MembersCommand::List(args)) => members(args).await,
        ChannelsCommand::Members(MembersCommand::Add(args)) => add(args).await,
        ChannelsCommand::Members(MembersCommand::Remove(args)) => remove(args).await,
    }
}

async fn list(args: ListChannelsArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channels: Vec<ChannelView> = if args.mine {
        let mine = client.my_channels().await?;
        if args.format.is_json() {
            return output::list(&mine, &mine.items, args.format);
        }
        mine.items.into_iter().map(|mine| mine.channel).collect()
    } else {
        let page = client
            .list_channels(args.search.as_deref(), &PageParams::first(args.limit))
            .await?;
        if args.format.is_json() {
            return output::list(&page, &page.items, args.format);
        }
        page.items
    };
    if channels.is_empty() {
        eprintln!("no channels");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = channels
        .iter()
        .map(|channel| {
            vec![
                channel.id.to_string(),
                format!("#{}", channel.name),
                channel.kind.to_string(),
                channel.member_count.to_string(),
                if channel.archived { "archived" } else { "" }.to_owned(),
                channel.topic.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["ID", "NAME", "KIND", "MEMBERS", "STATE", "TOPIC"], &rows)
    );
    Ok(())
}

async fn show(args: ChannelArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channel = client.channel(&targets::channel(&client, &args.channel).await?).await?;
    if args.format.is_json() {
        return output::json(&channel, args.format);
    }
    print!("{}", describe(&channel));
    Ok(())
}

fn describe(channel: &ChannelView) -> String {
    let mut out = format!("#{} ({})\n", channel.name, channel.id);
    let mut fact = |label: &str, value: String| out.push_str(&format!("  {label:<13} {value}\n"));
    fact("kind:", channel.kind.to_string());
    if !channel.topic.is_empty() {
        fact("topic:", channel.topic.clone());
    }
    if !channel.description.is_empty() {
        fact("description:", channel.description.clone());
    }
    fact("members:", channel.member_count.to_string());
    fact("created:", channel.created_at.format("%Y-%m-%d %H:%M UTC").to_string());
    fact(
        "last message:",
        channel
            .last_message_at
            .map_or("none yet".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
    );
    if let Some(at) = channel.archived_at {
        fact("archived:", at.format("%Y-%m-%d %H:%M UTC").to_string());
    }
    out
}

async fn create(args: CreateChannelArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let request = CreateChannelRequest {
        name: args.name,
        kind: if args.private {
            ChannelKind::Private
        } else {
            ChannelKind::Public
        },
        description: args.description,
        topic: args.topic,
    };
    let created = client.create_channel(&request).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::json(&created, args.format)?,
        Format::Table => println!("{}", created.channel.id),
    }
    eprintln!("created #{}", created.channel.name);
    if let Some(code) = created.join_code {
        eprintln!("join code: {code} (people join with it; hub channels members add works too)");
    }
    Ok(())
}

async fn archive(args: ArchiveChannelArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::channel(&client, &args.channel).await?;
    let channel = client.channel(&id).await?;
    confirm(
        args.yes,
        &format!(
            "Archive #{} ({} members)? It stays readable and takes no new messages.",
            channel.name, channel.member_count
        ),
    )?;
    client.archive_channel(&id, Some(&args.reason)).await?;
    eprintln!("archived #{}", channel.name);
    Ok(())
}

async fn members(args: ChannelArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::channel(&client, &args.channel).await?;
    let members = all_members(&client, &id).await?;
    if args.format.is_json() {
        return output::list(&members, &members, args.format);
    }
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|member| {
            vec![
                member.user.id.to_string(),
                format!("@{}", member.user.username),
                member.role.to_string(),
                member.joined_at.format("%Y-%m-%d %H:%M").to_string(),
                member.timed_out_until.map_or(String::new(), |until| {
                    format!("timed out until {}", until.format("%Y-%m-%d %H:%M"))
                }),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["ID", "USERNAME", "ROLE", "JOINED", "STATE"], &rows)
    );
    Ok(())
}

async fn all_members(client: &Client, id: &hub_core::model::ChannelId) -> anyhow::Result<Vec<MemberView>> {
    let mut members = Vec::new();
    let mut page = PageParams::first(200);
    loop {
        let found = client.channel_members(id, &page).await?;
        members.extend(found.items);
        match found.next_cursor {
            Some(cursor) => page = PageParams::after(cursor),
            None => return Ok(members),
        }
    }
}

async fn add(args: MemberArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channel = targets::channel(&client, &args.channel).await?;
    let user = targets::user(&client, &args.user).await?;
    let member = client.add_member(&channel, &user).await?;
    eprintln!("added @{} to {}", member.user.username, args.channel);
    Ok(())
}

async fn remove(args: RemoveMemberArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channel = targets::channel(&client, &args.channel).await?;
    let user = targets::user(&client, &args.user).await?;
    confirm(
        args.yes,
        &format!(
            "Remove {} from {}? They can join again unless banned.",
            args.user, args.channel
        ),
    )?;
    client.kick_member(&channel, &user, Some(&args.reason)).await?;
    eprintln!("removed {} from {}", args.user, args.channel);
    Ok(())
}
