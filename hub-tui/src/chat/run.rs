//! The loop: key presses, news from the network worker and a clock tick become [`Action`]s;
//! `update` turns each into effects, which go to the worker, or (copy, open a link, the bell)
//! are done here on the terminal. The screen is drawn after each batch of actions.

use std::io::Write as _;
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, EventStream,
    MouseEventKind,
};
use futures_util::StreamExt as _;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc::unbounded_channel;

use super::action::{Action, Effect};
use super::config::Config;
use super::model::{Composer, Model, Screen};
use super::net::{self, Start};
use super::update::update;
use super::view::draw;
use crate::key::Key;
use crate::profiles::Profiles;
use crate::terminal::key_from;
use crate::theme::Theme;

/// How hub-tui was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The server asked for (`--server`); none: the profile's, or the login screen's default.
    pub server: Option<String>,
    /// The profile (`--profile`); none: the current one.
    pub profile: Option<String>,
    /// Colours.
    pub theme: Theme,
    /// The server the login screen offers when nothing else says.
    pub default_server: String,
    /// The config file's settings.
    pub config: Config,
}

/// Runs the client on `terminal` until the user quits.
pub async fn run(terminal: &mut DefaultTerminal, options: Options) -> anyhow::Result<()> {
    let profiles = Profiles::load()?;
    let profile_name = profiles.name_of(options.profile.as_deref());
    let saved = profiles
        .profiles
        .get(&profile_name)
        .filter(|saved| {
            options
                .server
                .as_ref()
                .is_none_or(|server| same_server(server, &saved.server))
        })
        .cloned();
    let server = options
        .server
        .clone()
        .or_else(|| saved.as_ref().map(|saved| saved.server.clone()))
        .unwrap_or_else(|| options.default_server.clone());
    let mut model = Model::new(Utc::now(), &server);
    model.keymap = options.config.keymap()?;
    model.alerts = options.config.alerts();
    if options.config.mouse {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    crossterm::execute!(std::io::stdout(), EnableBracketedPaste)?;
    model.outbox.tag = format!("tui-{}-{}", std::process::id(), Utc::now().timestamp_millis());
    let start = match &saved {
        Some(saved) => {
            if let Screen::Login(form) = &mut model.screen {
                form.username = Composer::with_text(saved.username.clone());
                form.busy = true;
            }
            Start::Saved(saved.clone())
        }
        None => Start::Login,
    };
    let (actions_tx, mut actions) = unbounded_channel();
    let net = net::start(start, profile_name, model.outbox.tag.clone(), actions_tx.clone());
    let mut events = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    loop {
        terminal.draw(|frame| draw(frame, &model, &options.theme))?;
        if model.quit {
            break;
        }
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => match key_from(&key) {
                    Some(key) => Action::Key(key),
                    None => continue,
                },
                Some(Ok(Event::Paste(text))) => Action::Paste(text),
                Some(Ok(Event::Mouse(mouse))) => match mouse.kind {
                    MouseEventKind::ScrollUp => Action::Key(Key::Up),
                    MouseEventKind::ScrollDown => Action::Key(Key::Down),
                    _ => continue,
                },
                // A resize needs only the redraw at the top of the loop.
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err.into()),
                None => break,
            },
            Some(action) = actions.recv() => action,
            _ = clock.tick() => Action::Tick(Utc::now()),
        };
        let mut batch = vec![action];
        // Whatever else the network has brought is applied before the next draw.
        while batch.len() < 256
            && let Ok(more) = actions.try_recv()
        {
            batch.push(more);
        }
        for action in batch {
            for effect in update(&mut model, action) {
                match effect {
                    Effect::Yank(text) => yank(&text),
                    Effect::OpenLink(link) => open_link(&link),
                    Effect::Bell => bell(),
                    Effect::Desktop { title, body } => desktop(&title, &body),
                    Effect::OpenEditor(text) => {
                        let edited = edit_in_editor(terminal, &text);
                        let _ = actions_tx.send(match edited {
                            Ok(text) => Action::Edited(text),
                            Err(err) => Action::Failed(format!("the editor: {err:#}")),
                        });
                    }
                    Effect::Moderate => {
                        let Some(client) = net.client() else {
                            continue;
                        };
                        let outcome = crate::triage::run(client, terminal, options.theme, Some(net.tokens())).await;
                        let said = match outcome {
                            Ok(summary) => Action::Done(format!(
                                "triage: {} decided, {} left open{}",
                                summary.done.len(),
                                summary.open,
                                if summary.failed > 0 {
                                    format!(", {} refused", summary.failed)
                                } else {
                                    String::new()
                                }
                            )),
                            Err(err) => Action::Failed(format!("triage: {err:#}")),
                        };
                        let _ = actions_tx.send(said);
                        let _ = net.effects.send(Effect::CountReports);
                    }
                    other => {
                        let _ = net.effects.send(other);
                    }
                }
            }
        }
    }
    // Dropping the effect sender ends the worker, which closes the gateway session.
    drop(net);
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste, DisableMouseCapture);
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(())
}

/// Whether two server addresses name the same server (a trailing slash aside).
fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Copies to the clipboard of the terminal (and of tmux, which passes OSC 52 on).
fn yank(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

fn bell() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07");
    let _ = out.flush();
}

/// A desktop notification through `notify-send` (libnotify), when there is one: no D-Bus
/// stack compiled into hub-tui for an opt-in feature.
fn desktop(title: &str, body: &str) {
    let _ = std::process::Command::new("notify-send")
        .args(["--app-name=hub", title, body])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Hands the terminal to `$VISUAL` (or `$EDITOR`, or `vi`) on a private file holding `text`,
/// and takes it back when the editor exits; the file's text is the answer.
fn edit_in_editor(terminal: &mut DefaultTerminal, text: &str) -> anyhow::Result<String> {
    use std::io::Write as _;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let mut file = tempfile::Builder::new()
        .prefix("hub-message-")
        .suffix(".md")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    crate::terminal::leave();
    // `$EDITOR` may carry arguments (`code --wait`).
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status();
    *terminal = crate::terminal::enter()?;
    crossterm::execute!(std::io::stdout(), EnableBracketedPaste)?;
    terminal.clear()?;
    let status = status.map_err(|err| anyhow::anyhow!("cannot run {program}: {err}"))?;
    if !status.success() {
        anyhow::bail!("{program} exited with {status}; the message is as it was");
    }
    Ok(std::fs::read_to_string(file.path())?)
}

/// Opens a link with the desktop's opener, quietly (its output would draw over the screen).
fn open_link(link: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let _ = std::process::Command::new(opener)
        .arg(link)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
