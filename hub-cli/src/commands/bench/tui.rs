//! `hub bench tui`: the terminal client as a person meets it, measured off the screen. One user
//! with many channels, one of them long; the real hub-tui binary signed in through a saved
//! profile and driven in tmux; times from the keystroke (or the start) until the screen shows
//! what was asked for, and the client's resident memory with everything loaded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use hub_core::model::{ChannelId, ChannelKind};
use hub_core::protocol::v1::CreateChannelRequest;
use hub_tui::profiles::{Profile, Profiles};
use hub_tui::tmux::Tmux;

use super::accounts::{self, BenchUser};
use super::history::{seed_channel, seed_content};
use super::server::{Run, Server};
use super::{print_header, progress, seconds};
use crate::args::TuiBenchArgs;

/// How often the screen is read while timing.
const POLL: Duration = Duration::from_millis(2);
/// The longest any one step may take.
const PATIENCE: Duration = Duration::from_secs(120);

/// Runs the workload and prints its figures.
pub async fn run(args: &TuiBenchArgs) -> anyhow::Result<()> {
    let tui = tui_binary(args.tui.as_deref())?;
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let user = accounts::register(&server, &run, "tui", 1)
        .await?
        .pop()
        .context("no bench user")?;
    // The sidebar sorts by name: the short channels first, the long one last.
    let short = args.channels.saturating_sub(1);
    let bar = progress::counting("channels", args.channels as usize);
    for index in 0..short {
        create(&user, &format!("b{}-c{index:04}", run.tag())).await?;
        bar.inc(1);
    }
    let long_name = format!("z{}-long", run.tag());
    let long = create(&user, &long_name).await?;
    bar.finish_and_clear();
    let seeding = progress::counting("seed", args.messages as usize);
    seed_channel(
        &server,
        &user,
        &long,
        0..u64::from(args.messages),
        &seeding,
        seed_content,
    )
    .await?;
    seeding.finish_and_clear();
    let newest = seed_content(u64::from(args.messages) - 1);
    let newest = newest.trim_end_matches('.').trim_end();

    let home = tempfile::tempdir()?;
    save_profile(home.path(), &server, &user)?;
    print_header(
        "tui",
        &server,
        &run,
        &[
            format!("{} channels", args.channels),
            format!("{} messages in #{long_name}", args.messages),
            format!("{}", tui.display()),
        ],
    );
    let command = format!(
        "exec env -i PATH=/usr/bin:/bin HOME={home} TERM=xterm-256color XDG_CONFIG_HOME={home} {tui} --server {base}",
        home = home.path().display(),
        tui = tui.display(),
        base = server.base(),
    );
    let started = Instant::now();
    let tmux = Tmux::start(&format!("bench-{}", run.tag()), &command, 120, 40)?;
    let watch = |what: &'static str, ready: Box<dyn Fn(&str) -> bool>| {
        let tmux = &tmux;
        async move {
            tmux.watch(what, PATIENCE, POLL, ready)
                .await
                .map_err(|screen| anyhow::anyhow!("hub bench tui: {screen}"))
        }
    };
    watch("a first screen", Box::new(|screen: &str| !screen.trim().is_empty())).await?;
    let first_drawn = started.elapsed();
    let first_channel = format!("b{}-c0000", run.tag());
    let listed_name = if short > 0 {
        first_channel.clone()
    } else {
        long_name.clone()
    };
    watch(
        "the channel list, connected",
        Box::new(move |screen: &str| screen.contains("● connected") && screen.contains(&listed_name)),
    )
    .await?;
    let listed = started.elapsed();

    // K from the first channel wraps round to the last: the long one.
    let asked = Instant::now();
    tmux.keys(&["K"])?;
    let wanted = newest.to_owned();
    watch(
        "the long channel's newest message",
        Box::new(move |screen: &str| screen.contains(&wanted)),
    )
    .await?;
    let opened = asked.elapsed();

    let asked = Instant::now();
    tmux.keys(&["g"])?;
    watch(
        "the start of the long channel",
        Box::new(|screen: &str| screen.contains("(the start of the conversation)")),
    )
    .await?;
    let at_top = asked.elapsed();
    let memory = tmux.pane_pid().and_then(resident_kib).map_or_else(
        || "unknown (no /proc)".to_owned(),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    );
    tmux.keys(&["C-c"])?;

    println!("start to first drawn screen:       {} ms", millis(first_drawn));
    println!("start to channel list (connected): {} ms", millis(listed));
    println!("open the {}-message channel:     {} ms", args.messages, millis(opened));
    println!(
        "g to its first message:            {} ms ({} s; every page of 50 fetched)",
        millis(at_top),
        seconds(at_top)
    );
    println!(
        "hub-tui resident memory, {} channels and {} messages loaded: {memory}",
        args.channels, args.messages
    );
    Ok(())
}

fn millis(duration: Duration) -> u128 {
    duration.as_millis()
}

async fn create(user: &BenchUser, name: &str) -> anyhow::Result<ChannelId> {
    let made = user
        .client
        .create_channel(&CreateChannelRequest {
            name: name.to_owned(),
            kind: ChannelKind::Public,
            description: Some("hub bench tui".to_owned()),
            topic: None,
        })
        .await
        .with_context(|| format!("cannot create the channel {name}"))?;
    Ok(made.channel.id)
}

/// A profiles file in `home` that signs hub-tui in as `user`, so start-up goes straight in.
fn save_profile(home: &Path, server: &Server, user: &BenchUser) -> anyhow::Result<()> {
    let mut profiles = Profiles {
        current: Some("default".to_owned()),
        ..Profiles::default()
    };
    profiles.profiles.insert(
        "default".to_owned(),
        Profile {
            server: server.base().to_owned(),
            username: user.username.clone(),
            access_token: user.token.clone(),
            refresh_token: None,
            version_warned: None,
        },
    );
    let dir = home.join("hub");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("profiles.json"), serde_json::to_vec_pretty(&profiles)?)?;
    Ok(())
}

/// The hub-tui to measure: the one asked for, else the one beside this `hub`, else on PATH.
fn tui_binary(asked: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = asked {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
        return Ok(path.to_path_buf());
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hub-tui")))
        .filter(|path| path.exists());
    Ok(beside.unwrap_or_else(|| PathBuf::from("hub-tui")))
}

/// A process's resident memory in KiB, from /proc.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
