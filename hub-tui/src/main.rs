//! `hub-tui`: the terminal chat client. Arguments, then the terminal is taken over and
//! [`hub_tui::chat::run`] runs until the user quits; the terminal is restored on the way out
//! and on a panic.

use std::process::ExitCode;

use hub_tui::chat::config::{Config, config_path};
use hub_tui::chat::{Options, keymap};
use hub_tui::terminal;
use hub_tui::theme::Theme;

const USAGE: &str = "\
hub-tui: hub's terminal client for chat, threads and direct conversations

Usage: hub-tui [--server URL] [--profile NAME]

Options:
  --server URL     the hub server (default: the profile's, else $HUB_SERVER, else http://127.0.0.1:8000)
  --profile NAME   the signed-in profile to use (shared with `hub auth login`; default: the current one)
  --list-keys      print every key binding (markdown), yours from tui.toml too, and exit
  -V, --version    print the version
  -h, --help       this help

Settings (theme, notifications, mouse, your own keys) are read from $XDG_CONFIG_HOME/hub/tui.toml.
The session is kept per profile in $XDG_CONFIG_HOME/hub/profiles.json (readable by you only), so
the next start goes straight in. Inside, press ? for the keys of the current mode, Ctrl-K to switch,
:q to quit. NO_COLOR turns colours off.
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut server = None;
    let mut profile = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--version" | "-V" => {
                println!("hub-tui {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--list-keys" => {
                print!("{}", keymap::markdown());
                let yours = config_path()
                    .and_then(|path| Config::load(&path))
                    .and_then(|config| config.keymap());
                match yours {
                    Ok(yours) if !yours.bindings.is_empty() => {
                        print!("\nYours (tui.toml):\n\n{}", keymap::user_markdown(&yours))
                    }
                    Ok(_) => {}
                    Err(err) => {
                        eprintln!("hub-tui: {err:#}");
                        return ExitCode::FAILURE;
                    }
                }
                return ExitCode::SUCCESS;
            }
            "--server" | "--profile" => {
                let Some(value) = args.next() else {
                    eprintln!("hub-tui: {arg} needs a value");
                    return ExitCode::from(2);
                };
                if arg == "--server" {
                    server = Some(value);
                } else {
                    profile = Some(value);
                }
            }
            other => {
                eprintln!("hub-tui: unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if !terminal::is_interactive() {
        eprintln!("hub-tui: needs a terminal (stdin and stdout); for scripts use the `hub` CLI");
        return ExitCode::from(3);
    }
    let config = match config_path().and_then(|path| Config::load(&path)) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("hub-tui: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let mut theme = Theme::from_env();
    theme.color &= config.theme.color;
    let options = Options {
        server,
        profile,
        theme,
        default_server: std::env::var("HUB_SERVER").unwrap_or_else(|_| "http://127.0.0.1:8000".to_owned()),
        config,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hub-tui: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let mut screen = terminal::enter()?;
        let result = hub_tui::chat::run(&mut screen, options).await;
        terminal::leave();
        result
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hub-tui: {err:#}");
            ExitCode::FAILURE
        }
    }
}
