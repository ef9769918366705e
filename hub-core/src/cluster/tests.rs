//! The soft state across two nodes on a real Redis (skipped without `HUB_TEST_REDIS_URL`), and
//! one node alone.

use std::time::Duration;

use super::*;

const TTL: Duration = Duration::from_millis(600);

/// Two nodes on a prefix of their own, or `None` (skipped) without Redis.
async fn two_nodes() -> Option<(Cluster, Cluster)> {
    let Ok(url) = std::env::var("HUB_TEST_REDIS_URL") else {
        eprintln!("note: Redis soft-state tests skipped: set HUB_TEST_REDIS_URL to run them (.ci/run does)");
        return None;
    };
    let prefix = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
    let (Ok(a), Ok(b)) = (
        Cluster::shared(&url, &prefix, "a", TTL).await,
        Cluster::shared(&url, &prefix, "b", TTL).await,
    ) else {
        panic!("HUB_TEST_REDIS_URL is set but Redis does not answer at {url}");
    };
    a.heartbeat().await;
    Some((a, b))
}

fn user(name: &str) -> UserId {
    UserId::from_string(name)
}

#[tokio::test]
async fn a_user_connected_to_one_node_is_online_on_the_other() {
    let Some((a, b)) = two_nodes().await else { return };
    let ann = user("ann");
    assert_eq!(a.open_connection(&ann, 5).await, Admission::Admitted { first: true });
    assert!(!b.is_connected(&ann), "not before b's next heartbeat");
    b.heartbeat().await;
    assert!(b.is_connected(&ann));
    assert_eq!(
        b.open_connection(&ann, 5).await,
        Admission::Admitted { first: false },
        "her second, on another node"
    );
    assert!(!a.close_connection(&ann).await, "she is still on b");
    assert!(b.close_connection(&ann).await, "her last");
    let peers: Vec<String> = b.peers().into_iter().map(|peer| peer.node_id).collect();
    assert_eq!(peers, ["a", "b"]);
}

#[tokio::test]
async fn the_connection_cap_counts_every_node() {
    let Some((a, b)) = two_nodes().await else { return };
    let ann = user("ann");
    assert!(matches!(a.open_connection(&ann, 3).await, Admission::Admitted { .. }));
    assert!(matches!(a.open_connection(&ann, 3).await, Admission::Admitted { .. }));
    assert!(matches!(b.open_connection(&ann, 3).await, Admission::Admitted { .. }));
    assert_eq!(b.open_connection(&ann, 3).await, Admission::OverCap);
    assert_eq!(a.open_connection(&ann, 3).await, Admission::OverCap);
    a.close_connection(&ann).await;
    assert!(matches!(b.open_connection(&ann, 3).await, Admission::Admitted { .. }));
}

#[tokio::test]
async fn a_node_that_stops_beating_is_swept_once_with_its_users_and_callers() {
    let Some((a, b)) = two_nodes().await else { return };
    let (ann, ben) = (user("ann"), user("ben"));
    let room = ChannelId::from_string("room");
    a.open_connection(&ann, 5).await;
    a.open_connection(&ben, 5).await;
    b.open_connection(&ben, 5).await;
    a.join_call(&room, &ann, 1, false, false).await;
    let call = b.join_call(&room, &ben, 2, true, false).await;
    assert_eq!(call.len(), 2, "one call across the nodes: {call:?}");
    assert_eq!(
        b.signal_route(&room, &ben, &ann).await,
        Some(1),
        "ann's seat, seen from b"
    );
    assert_eq!(
        b.signal_route(&room, &user("cid"), &ann).await,
        None,
        "cid is not in the call"
    );
    // `a` stops beating (as when it is killed); `b` beats on.
    drop(a);
    tokio::time::sleep(TTL + TTL / 2).await;
    let departures = b.heartbeat().await;
    assert_eq!(departures.offline, vec![ann.clone()], "ben is still on b");
    let [(channel, left)] = departures.calls.as_slice() else {
        panic!("one call changed: {departures:?}")
    };
    assert_eq!(channel, &room);
    assert_eq!(
        left.iter().map(|p| p.user_id.clone()).collect::<Vec<_>>(),
        vec![ben.clone()]
    );
    assert!(!b.is_connected(&ann));
    assert!(b.heartbeat().await.offline.is_empty(), "swept once");
    assert_eq!(b.peers().len(), 1);
}

#[tokio::test]
async fn shared_buckets_are_one_bucket() {
    let Some((a, b)) = two_nodes().await else { return };
    let rate = Rate {
        per_second: 0.001,
        burst: 2.0,
    };
    assert_eq!(a.shared_rate("test", "ann", rate, 1.0, true).await, Some(Ok(())));
    assert_eq!(b.shared_rate("test", "ann", rate, 1.0, true).await, Some(Ok(())));
    let refused = a.shared_rate("test", "ann", rate, 1.0, true).await;
    assert!(
        matches!(refused, Some(Err(wait)) if wait > Duration::from_secs(100)),
        "{refused:?}"
    );
    assert_eq!(
        b.shared_rate("test", "ann", rate, 1.0, false)
            .await
            .map(|outcome| outcome.is_ok()),
        Some(false),
        "checking takes nothing and says no"
    );
    assert_eq!(
        b.shared_rate("test", "ben", rate, 1.0, true).await,
        Some(Ok(())),
        "per key"
    );
}

#[tokio::test]
async fn a_node_alone_counts_and_seats_in_memory() {
    let alone = Cluster::alone("solo");
    let ann = user("ann");
    assert_eq!(
        alone.open_connection(&ann, 1).await,
        Admission::Admitted { first: true }
    );
    assert_eq!(alone.open_connection(&ann, 1).await, Admission::OverCap);
    assert!(alone.is_connected(&ann));
    assert!(alone.close_connection(&ann).await);
    assert!(!alone.is_connected(&ann));
    let room = ChannelId::from_string("room");
    assert_eq!(alone.join_call(&room, &ann, 7, false, false).await.len(), 1);
    assert_eq!(alone.signal_route(&room, &ann, &ann).await, Some(7));
    assert_eq!(alone.signal_route(&room, &user("ben"), &ann).await, None);
    assert_eq!(alone.drop_connection(7).await.len(), 1);
    assert!(alone.heartbeat_interval().is_none());
    assert_eq!(
        alone
            .shared_rate(
                "actions",
                "ann",
                Rate {
                    per_second: 1.0,
                    burst: 1.0
                },
                1.0,
                true
            )
            .await,
        None
    );
}
