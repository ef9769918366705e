//! A WebSocket text frame as the gateway decodes it: never a panic, and a frame that decodes
//! encodes back to one that decodes to the same thing.
#![no_main]

use hub_core::protocol::v1::ClientFrame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else { return };
    let encoded = serde_json::to_string(&frame).expect("a decoded frame encodes");
    let again: ClientFrame = serde_json::from_str(&encoded).expect("an encoded frame decodes");
    assert_eq!(frame, again);
});
