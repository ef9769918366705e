//! `hub send` and `hub tail`: posting to a channel and watching it from scripts.

use std::io::Read as _;

use anyhow::{Context as _, anyhow};
use hub_core::client::{HistoryParams, SessionEvent, SessionOptions};
use hub_core::model::MessageId;
use hub_core::protocol::v1::{ChannelEvent, MessageView, SendMessageRequest, ServerFrame};

use crate::args::{Format, SendArgs, TailArgs};
use crate::output;
use crate::profiles::signed_in;
use crate::targets;

/// Posts the text (or stdin) and prints the message.
pub async fn send(args: SendArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channel = targets::channel(&client, &args.channel).await?;
    let content = match args.text {
        Some(text) => text,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the message from stdin")?;
            text
        }
    };
    let request = SendMessageRequest {
        content,
        client_id: None,
        parent_id: args.thread.as_deref().map(MessageId::from),
        file_ids: Vec::new(),
    };
    let message = client.send_message(&channel, &request).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::line(&message)?,
        Format::Table => println!("{}", message.id),
    }
    Ok(())
}

/// Prints the newest messages, then (with `--follow`) each new one as it arrives.
pub async fn tail(args: TailArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let channel = targets::channel(&client, &args.channel).await?;
    let page = client.history(&channel, &HistoryParams::latest(args.limit)).await?;
    let mut last_seq = 0;
    for message in page.items.iter().rev() {
        last_seq = last_seq.max(message.seq);
        print_message(message, args.format)?;
    }
    if !args.follow {
        return Ok(());
    }
    let options = SessionOptions {
        positions: [(channel.clone(), last_seq)].into_iter().collect(),
        ..SessionOptions::default()
    };
    let mut session = client.connect_session(options).await?;
    crate::profiles::keep_session_fresh(args.profile.profile.as_deref(), session.sender());
    while let Some(event) = session.next().await {
        match event {
            SessionEvent::Frame(ServerFrame::Event(stored)) if stored.channel_id == channel => {
                if let ChannelEvent::MessageCreated { message } = &stored.event {
                    print_message(message, args.format)?;
                }
            }
            SessionEvent::Disconnected { reason, .. } => eprintln!("hub: connection lost ({reason}); reconnecting"),
            SessionEvent::Closed { reason, .. } => return Err(anyhow!("the server ended the session: {reason}")),
            _ => {}
        }
    }
    Ok(())
}

fn print_message(message: &MessageView, format: Format) -> anyhow::Result<()> {
    use std::io::Write as _;
    if format.is_json() {
        return output::line(message);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}  {}  {}",
        message.created_at.format("%Y-%m-%d %H:%M:%S"),
        message.author_id.as_ref().map_or("-", |author| author.as_str()),
        message.content
    )?;
    // A script reading line by line sees each message as it comes.
    out.flush()?;
    Ok(())
}
