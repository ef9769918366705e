//! `hub bench fanout`: one channel, many members, a few senders; messages stored per second,
//! deliveries per second and send-to-receive latency.

use super::room::{Pace, PhaseFigures, Room, RoomShape};
use super::server::{Run, Server};
use super::{print_header, seconds};
use crate::args::FanoutArgs;
use crate::plural;

/// Runs the workload and prints its figures.
pub async fn run(args: &FanoutArgs) -> anyhow::Result<()> {
    let shape = RoomShape {
        members: args.members as usize,
        senders: args.senders as usize,
        in_flight: args.in_flight as usize,
        message_bytes: args.message_bytes as usize,
    };
    shape.check()?;
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let pace = args.rate.map_or(Pace::Flood, Pace::Total);
    let mut room = Room::open(&server, &run, shape).await?;
    let result = room.run_phase(0, pace, args.duration, "send").await;
    room.close().await;
    let figures = result?;

    let mode = match pace {
        Pace::Flood => format!("flood, {} in flight per sender", args.in_flight),
        Pace::Total(rate) => format!("paced at {rate} msg/s in all"),
    };
    print_header(
        "fanout",
        &server,
        &run,
        &[
            plural(args.members as usize, "member"),
            plural(args.senders as usize, "sender"),
            mode,
            format!("{} B messages", args.message_bytes),
            format!("{} s", seconds(args.duration)),
        ],
    );
    print_figures(&figures, args.members, pace);
    Ok(())
}

/// The figures of one fan-out phase, one per line.
pub fn print_figures(figures: &PhaseFigures, members: u32, pace: Pace) {
    println!(
        "stored:         {:.0} msg/s  ({} acks in {} s)",
        figures.stored_per_second(),
        figures.stored,
        seconds(figures.elapsed)
    );
    println!(
        "delivered:      {:.0} msg/s  ({} message.created frames over {members} connections)",
        figures.delivered_per_second(),
        figures.delivered
    );
    println!("send→receive:   {}", figures.delivery.summary());
    println!("send→ack:       {}", figures.ack.summary());
    if figures.missing > 0 {
        println!(
            "missing:        {} deliveries had not arrived 5 s after the last one",
            figures.missing
        );
    }
    if let Pace::Total(rate) = pace
        && figures.stored_per_second() < 0.95 * f64::from(rate)
    {
        println!(
            "note:           the server stored {:.0} of the {rate} msg/s asked for: latencies include the queue",
            figures.stored_per_second()
        );
    }
    figures.errors.print();
}
