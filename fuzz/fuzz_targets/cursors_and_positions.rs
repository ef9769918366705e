//! Page cursors and resume positions as the server reads them: an id cursor is accepted exactly
//! when it is a UUID, a username cursor is a bounded ASCII name, and a `resume` frame's
//! positions decode to channel ids and sequence numbers or not at all.
#![no_main]

use hub_core::model::is_id;
use hub_core::protocol::v1::ClientFrame;
use hub_core::rules::paging;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    assert_eq!(paging::id_cursor("cursor", Some(text)).is_ok(), is_id(text));
    if is_id(text) {
        assert_eq!(text.len(), 36);
    }
    if let Ok(Some(cursor)) = paging::username_cursor(Some(text)) {
        assert!(cursor.len() <= 128 && cursor.is_ascii());
    }
    let _ = paging::search_query(text);
    let frame = format!(r#"{{"type":"resume","positions":{text}}}"#);
    if let Ok(ClientFrame::Resume { positions }) = serde_json::from_str::<ClientFrame>(&frame) {
        for (channel, seq) in &positions {
            let _ = (channel.as_str(), *seq);
        }
    }
});
