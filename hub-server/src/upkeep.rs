//! Background upkeep while the server runs: pruning the event logs of what no resume may ask
//! for any more (`gateway.event_prune_interval_secs`). It stops before the database closes.

use std::time::Duration;

use hub_core::Hub;

/// Runs until `stop` turns true: a pruning pass every interval (none when the interval is 0).
/// A pass under way finishes first, so no statement is cut off by shutdown.
pub async fn run(hub: Hub, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = hub.config().gateway.event_prune_interval_secs;
    if every == 0 {
        return;
    }
    let mut ticks = tokio::time::interval(Duration::from_secs(every));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        match hub.prune_event_logs().await {
            Ok(pruned) if pruned.channel_events + pruned.forum_events > 0 => tracing::info!(
                channel_events = pruned.channel_events,
                forum_events = pruned.forum_events,
                "pruned the event logs past the resume window"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not prune the event logs"),
        }
    }
}
