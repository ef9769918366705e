//! Request bodies as the REST handlers parse them (`hub_server::http::parse_json`): never a
//! panic, and a refusal always names what was wrong.
#![no_main]

use hub_core::protocol::v1::{
    CreatePostRequest, LoginRequest, RegisterRequest, SendMessageRequest, UpdateChannelRequest, UpdateProfileRequest,
    VoteRequest,
};
use hub_server::http::parse_json;
use libfuzzer_sys::fuzz_target;

fn check<T: serde::de::DeserializeOwned>(body: &[u8]) {
    if let Err(err) = parse_json::<T>(body) {
        assert!(!err.message.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    check::<RegisterRequest>(data);
    check::<LoginRequest>(data);
    check::<SendMessageRequest>(data);
    check::<UpdateProfileRequest>(data);
    check::<UpdateChannelRequest>(data);
    check::<CreatePostRequest>(data);
    check::<VoteRequest>(data);
});
