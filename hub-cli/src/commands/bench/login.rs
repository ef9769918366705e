//! `hub bench login`: does password hashing slow the chat down? A paced fan-out runs alone,
//! then again while users log in at a steady rate (each login is a real argon2 check on the
//! server); the chat latency of both phases side by side, and the login latency.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::accounts::{self, BenchUser};
use super::fanout;
use super::histogram::{Histogram, Millis};
use super::room::{Pace, PhaseFigures, Room, RoomShape, per_second};
use super::server::{Run, Server};
use super::{print_header, seconds};
use crate::args::LoginArgs;

/// Users that log in, in turn.
const LOGIN_USERS: usize = 10;
/// Unacknowledged sends one chat sender may keep on the wire (paced senders rarely have more than one).
const CHAT_IN_FLIGHT: usize = 64;
/// Length of each chat message's text.
const CHAT_MESSAGE_BYTES: usize = 64;
/// How long logins still under way when the phase ends may take to finish.
const LOGIN_GRACE: Duration = Duration::from_secs(30);

/// Runs the workload and prints its figures.
pub async fn run(args: &LoginArgs) -> anyhow::Result<()> {
    let shape = RoomShape {
        members: args.members as usize,
        senders: args.senders as usize,
        in_flight: CHAT_IN_FLIGHT,
        message_bytes: CHAT_MESSAGE_BYTES,
    };
    shape.check()?;
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let login_users = accounts::register(&server, &run, "l", LOGIN_USERS).await?;
    let pace = Pace::Total(args.chat_rate);
    let mut room = Room::open(&server, &run, shape).await?;
    let quiet = room.run_phase(0, pace, args.duration, "chat").await;
    let loaded = match &quiet {
        Ok(_) => {
            let (chat, logins) = tokio::join!(
                room.run_phase(1, pace, args.duration, "chat+login"),
                drive_logins(&server, &login_users, args.rate, args.duration)
            );
            chat.map(|chat| (chat, logins))
        }
        Err(_) => Err(anyhow::anyhow!("not run")),
    };
    room.close().await;
    let quiet = quiet?;
    let (loaded, logins) = loaded?;

    print_header(
        "login",
        &server,
        &run,
        &[
            format!("{} logins/s", args.rate),
            format!(
                "chat paced at {} msg/s over {} members ({} senders)",
                args.chat_rate, args.members, args.senders
            ),
            format!("{} s per phase", seconds(args.duration)),
        ],
    );
    print_chat("chat alone", &quiet, args.members, pace);
    print_chat("chat + logins", &loaded, args.members, pace);
    println!("---");
    println!(
        "chat p99:       {} alone, {} with logins (send→receive)",
        Millis(quiet.delivery.quantile_micros(0.99)),
        Millis(loaded.delivery.quantile_micros(0.99))
    );
    println!(
        "logins:         {:.1} logins/s  ({} ok in {} s)",
        per_second(logins.latency.count(), logins.elapsed),
        logins.latency.count(),
        seconds(logins.elapsed)
    );
    println!("login latency:  {}", logins.latency.summary());
    if !logins.failures.is_empty() {
        let failures: Vec<String> = logins.failures.iter().map(|(why, n)| format!("{why} x{n}")).collect();
        println!("login failures: {}", failures.join(", "));
    }
    Ok(())
}

fn print_chat(label: &str, figures: &PhaseFigures, members: u32, pace: Pace) {
    println!("--- {label}");
    fanout::print_figures(figures, members, pace);
}

/// What the logins measured.
#[derive(Debug, Default)]
struct LoginFigures {
    latency: Histogram,
    failures: BTreeMap<String, u64>,
    elapsed: Duration,
}

/// Starts `rate` logins a second for `duration` without waiting for earlier ones (an open
/// loop, as real users arrive), cycling through `users`; then waits for those under way.
async fn drive_logins(server: &Server, users: &[BenchUser], rate: u32, duration: Duration) -> LoginFigures {
    let mut figures = LoginFigures::default();
    let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut timer = tokio::time::interval(period);
    let start = Instant::now();
    let mut logins = JoinSet::new();
    for user in users.iter().cycle() {
        timer.tick().await;
        if start.elapsed() >= duration {
            break;
        }
        let mut client = server.client();
        let (username, password) = (user.username.clone(), user.password.clone());
        logins.spawn(async move {
            let began = Instant::now();
            client
                .login(&username, &password)
                .await
                .map(|_| began.elapsed())
                .map_err(|err| err.code().map_or_else(|| "request failed".to_owned(), str::to_owned))
        });
    }
    figures.elapsed = start.elapsed();
    let grace_ends = tokio::time::Instant::now() + LOGIN_GRACE;
    while let Ok(Some(joined)) = tokio::time::timeout_at(grace_ends, logins.join_next()).await {
        match joined {
            Ok(Ok(took)) => figures.latency.record(took),
            Ok(Err(why)) => *figures.failures.entry(why).or_default() += 1,
            Err(_) => *figures.failures.entry("task failed".to_owned()).or_default() += 1,
        }
    }
    if !logins.is_empty() {
        *figures.failures.entry("no answer in time".to_owned()).or_default() += logins.len() as u64;
    }
    figures
}
