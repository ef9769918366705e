//! `hub messages ...`: one message, shown or deleted.

use anyhow::anyhow;
use hub_core::model::MessageId;
use hub_core::protocol::v1::MessageView;

use crate::args::{DeleteMessageArgs, Format, MessageArgs, MessagesCommand};
use crate::confirm::confirm;
use crate::output;
use crate::profiles::signed_in;

/// Runs one `hub messages` command.
pub async fn run(command: MessagesCommand) -> anyhow::Result<()> {
    match command {
        MessagesCommand::Show(args) => show(args).await,
        MessagesCommand::Delete(args) => delete(args).await,
        // Honest about what is missing: full-text search is its own piece of work (the files,
        // search and assistant issue), and a fake result would mislead a moderator.
        MessagesCommand::Search(_) => Err(anyhow!(
            "message search is not available yet: it arrives with hub's full-text search. \
             Until then, hub tail '#channel' --limit N prints a channel's recent messages"
        )),
    }
}

async fn show(args: MessageArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let message = client.message(&MessageId::from(args.id.as_str())).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::json(&message, args.format)?,
        Format::Table => print!("{}", describe(&message)),
    }
    Ok(())
}

fn describe(message: &MessageView) -> String {
    let mut out = format!("message {} in channel {}\n", message.id, message.channel_id);
    let mut fact = |label: &str, value: String| out.push_str(&format!("  {label:<9} {value}\n"));
    fact(
        "author:",
        message
            .author_id
            .as_ref()
            .map_or("(a deleted account)".to_owned(), ToString::to_string),
    );
    fact("sent:", message.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    if let Some(edited) = message.edited_at {
        fact("edited:", edited.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    }
    if let Some(parent) = &message.parent_id {
        fact("reply to:", parent.to_string());
    }
    if message.reply_count > 0 {
        fact("replies:", message.reply_count.to_string());
    }
    if !message.reactions.is_empty() {
        let reactions: Vec<String> = message
            .reactions
            .iter()
            .map(|reaction| format!("{} {}", reaction.emoji, reaction.count))
            .collect();
        fact("reactions:", reactions.join("  "));
    }
    if message.deleted {
        fact("text:", "(deleted)".to_owned());
    } else {
        fact("text:", message.content.clone());
    }
    out
}

async fn delete(args: DeleteMessageArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = MessageId::from(args.id.as_str());
    let message = client.message(&id).await?;
    confirm(
        args.yes,
        &format!(
            "{}Delete this message? A tombstone keeps its place.",
            describe(&message)
        ),
    )?;
    client.delete_message(&id, Some(&args.reason)).await?;
    eprintln!("deleted message {id}");
    Ok(())
}
