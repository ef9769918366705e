//! The WebSocket gateway with real clients, one file a story: live delivery, sends, typing and
//! presence and read markers, voice signalling, resume after a cut, and the limits.

mod delivery;
mod limits;
mod presence;
mod resume;
mod sends;
mod sessions;
mod voice;

use hub_tests::{TestServer, TestUser};
use serde_json::Value;

pub(super) fn is_event(kind: &'static str, channel: &str) -> impl Fn(&Value) -> bool {
    let channel = channel.to_owned();
    move |frame: &Value| frame["type"] == kind && frame["channel_id"] == channel.as_str()
}

pub(super) fn is_message(content: &str) -> impl Fn(&Value) -> bool {
    let content = content.to_owned();
    move |frame: &Value| frame["type"] == "message.created" && frame["message"]["content"] == content.as_str()
}

/// Three people: alice owns #general (bob is in it), carol is not; carol has her own #side.
pub(super) async fn three_people(server: &TestServer) -> (TestUser, TestUser, TestUser, String, String) {
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let general = server.new_channel(&alice, "general", "public").await;
    server.join(&bob, &general).await;
    let side = server.new_channel(&carol, "side", "private").await;
    (alice, bob, carol, general, side)
}
