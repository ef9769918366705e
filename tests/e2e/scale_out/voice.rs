//! A voice call across two nodes: lists of one call made on both nodes at once cross on their
//! way to a client (one comes through this node's bus, the other through Redis), so arrival
//! order says nothing. Their versions must say which list is the newest.

use serde_json::{Value, json};

use super::two_nodes;

/// The lists of `room`'s call a socket received: (version, participants' user ids).
fn lists_of(received: &[Value], room: &str) -> Vec<(i64, Vec<String>)> {
    received
        .iter()
        .filter(|frame| frame["type"] == "voice.participants" && frame["channel_id"] == room)
        .filter_map(|frame| {
            let version = frame["version"].as_i64()?;
            let people = frame["participants"].as_array()?;
            let ids = people.iter().filter_map(|p| p["user_id"].as_str().map(str::to_owned));
            Some((version, ids.collect()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_joining_on_two_nodes_at_once_the_highest_version_is_the_newest_list() {
    let Some((a, b, _redis, _data)) = two_nodes().await else {
        return;
    };
    const CALLERS: usize = 8;
    let owner = a.new_user("owner").await;
    let room = a.new_channel(&owner, "standup", "voice").await;
    let mut watchers = [
        a.ws_connect(&owner.access_token).await,
        b.ws_connect(&owner.access_token).await,
    ];
    let mut callers = Vec::new();
    let mut ids = Vec::new();
    for n in 0..CALLERS {
        let node = if n % 2 == 0 { &a } else { &b };
        let caller = node.new_user(&format!("caller{n}")).await;
        node.join(&caller, &room).await;
        ids.push(caller.id.to_string());
        callers.push(node.ws_connect(&caller.access_token).await);
    }
    for socket in &mut callers {
        socket.send(json!({"type": "voice.join", "channel_id": room})).await;
    }
    ids.sort();
    for (node, watcher) in ["A", "B"].into_iter().zip(&mut watchers) {
        // One list per join, from whichever node took it.
        let in_room = |frame: &Value| frame["type"] == "voice.participants" && frame["channel_id"] == room.as_str();
        watcher.receive_until(CALLERS, in_room).await;
        let mut lists = lists_of(&watcher.received, &room);
        assert_eq!(lists.len(), CALLERS, "a watcher on {node}: {lists:?}");
        // In version order, each list is the one before it and one more caller: the versions
        // follow the order the joins happened in, on whichever node.
        lists.sort_by_key(|(version, _)| *version);
        for pair in lists.windows(2) {
            let ((older, before), (newer, after)) = (&pair[0], &pair[1]);
            assert!(older < newer, "two lists at one version, on {node}: {lists:?}");
            assert!(
                before.iter().all(|id| after.contains(id)) && after.len() == before.len() + 1,
                "on {node}, a list with a higher version is not the newer one: {lists:?}"
            );
        }
        let Some((_, newest)) = lists.last() else {
            panic!("no list on {node}")
        };
        let mut newest = newest.clone();
        newest.sort();
        assert_eq!(newest, ids, "on {node}, the highest version lists everyone");
    }
    a.stop().await;
    b.stop().await;
}
