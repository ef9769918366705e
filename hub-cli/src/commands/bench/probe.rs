//! What a benchmark reads of a server frame: which kind it is, and the few fields a workload
//! counts (a message's text, an error's code, what it refers to). A full
//! [`ServerFrame`](hub_core::protocol::v1::ServerFrame) parse costs more than the server's own
//! work per delivery, so frames are probed instead: `message.created` without a parse when it
//! is laid out the way the server writes it, anything else with a borrowing partial parse.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::LazyLock;

use memchr::memmem::Finder;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The kinds of server frame a benchmark tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `message.created`: a delivery.
    MessageCreated,
    /// `ack`: a send was stored.
    Ack,
    /// `error`: a frame failed (`code`, `ref`).
    Error,
    /// `pong`.
    Pong,
    /// `resumed`.
    Resumed,
    /// Anything else (presence, member events, ...).
    Other,
}

/// What a benchmark needs from one server frame; strings are borrowed from the frame's text.
#[derive(Debug)]
pub struct Probe<'a> {
    /// Which frame.
    pub kind: Kind,
    /// The message's text, for `message.created` and `ack`.
    pub content: Option<Cow<'a, str>>,
    /// The error code, for `error`.
    pub code: Option<Cow<'a, str>>,
    /// What an `error` is about (a `client_id`), or an `ack`'s `client_id`.
    pub reference: Option<Cow<'a, str>>,
}

/// Reads the fields of [`Probe`] out of a server frame; anything unreadable is [`Kind::Other`].
pub fn probe(text: &str) -> Probe<'_> {
    if let Some(content) = created_content(text) {
        return Probe {
            kind: Kind::MessageCreated,
            content: Some(Cow::Borrowed(content)),
            code: None,
            reference: None,
        };
    }
    match serde_json::from_str::<RawProbe<'_>>(text) {
        Ok(raw) => {
            let kind = match &*raw.kind {
                "message.created" => Kind::MessageCreated,
                "ack" => Kind::Ack,
                "error" => Kind::Error,
                "pong" => Kind::Pong,
                "resumed" => Kind::Resumed,
                _ => Kind::Other,
            };
            let content = match raw.message {
                MessageField::Object { content } => content,
                MessageField::Absent | MessageField::Text => None,
            };
            Probe {
                kind,
                content,
                code: raw.code,
                reference: raw.reference.or(raw.client_id),
            }
        }
        Err(_) => Probe {
            kind: Kind::Other,
            content: None,
            code: None,
            reference: None,
        },
    }
}

/// The text of a `message.created` event, found without parsing the frame: the load generator
/// reads hundreds of thousands of them a second on the same two cores as the server, and the
/// parse was a third of its CPU. Only for a frame laid out the way hub's `StoredEvent` and
/// `MessageView` serialize (tag, then the message object, whose `content` key comes before any
/// nested object) and whose text has no escapes; anything else returns `None` and is parsed.
fn created_content(text: &str) -> Option<&str> {
    // Built once: making a searcher costs more than a search of a frame.
    static EVENT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(r#""type":"message.created","message":{"#));
    static CONTENT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(r#""content":""#));
    let bytes = text.as_bytes();
    let message = EVENT.find(bytes)? + EVENT.needle().len();
    let start = message + CONTENT.find(&bytes[message..])? + CONTENT.needle().len();
    let length = memchr::memchr2(b'"', b'\\', &bytes[start..])?;
    // An unescaped quote can only end a string, so this is the whole text unless it stopped at
    // an escape; `{` before it would mean a nested object came first.
    let content = text.get(start..start + length)?;
    let before = text.get(message..start)?;
    (bytes[start + length] == b'"' && !before.contains('{')).then_some(content)
}

/// The fields of any server frame a benchmark reads; serde skips the rest without allocating.
#[derive(Deserialize)]
struct RawProbe<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(default, rename = "ref", borrow)]
    reference: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    client_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    message: MessageField<'a>,
}

/// `message` is an object in events and acks, and a string in `error` frames.
#[derive(Default)]
enum MessageField<'a> {
    #[default]
    Absent,
    Text,
    Object {
        content: Option<Cow<'a, str>>,
    },
}

impl<'de: 'a, 'a> Deserialize<'de> for MessageField<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MessageFieldVisitor(PhantomData))
    }
}

struct MessageFieldVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for MessageFieldVisitor<'a> {
    type Value = MessageField<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a message object or an error text")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(MessageField::Text)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut content = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if key.0 == "content" {
                content = Some(map.next_value::<Text<'de>>()?.0);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(MessageField::Object { content })
    }
}

/// A string borrowed from the input when it has no escapes (serde's own `Cow` always copies
/// outside derived structs).
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::bench::gateway::error_hint;

    #[test]
    fn events_and_acks_show_their_content() {
        let event = r#"{"channel_id":"c","seq":4,"at":"2026-01-01T00:00:00Z","type":"message.created","message":{"id":"m","channel_id":"c","seq":4,"author_id":"u","content":"0:123:x","client_id":"k","parent_id":null,"created_at":"2026-01-01T00:00:00Z","edited_at":null,"deleted":false,"reply_count":0,"last_reply_at":null,"reactions":[]}}"#;
        let probe = probe(event);
        assert_eq!(probe.kind, Kind::MessageCreated);
        assert_eq!(probe.content.as_deref(), Some("0:123:x"));
        assert!(matches!(probe.content, Some(Cow::Borrowed(_))));

        let ack = r#"{"type":"ack","client_id":"k-1","message":{"id":"m","content":"a \"quoted\" text","reactions":[{"emoji":"x","count":1,"me":true}]}}"#;
        let ack = super::probe(ack);
        assert_eq!(ack.kind, Kind::Ack);
        assert_eq!(ack.reference.as_deref(), Some("k-1"));
        assert_eq!(ack.content.as_deref(), Some("a \"quoted\" text"));
    }

    #[test]
    fn events_as_the_server_writes_them_are_read_without_a_parse() -> serde_json::Result<()> {
        let written = r#"{"channel_id":"c","seq":4,"at":"2026-01-01T00:00:00Z","type":"message.created","message":{"id":"m","channel_id":"c","seq":4,"author_id":"u","content":"0:123:x","client_id":"k","parent_id":null,"created_at":"2026-01-01T00:00:00Z","edited_at":null,"deleted":false,"reply_count":0,"last_reply_at":null,"reactions":[]}}"#;
        let event: hub_core::protocol::v1::StoredEvent = serde_json::from_str(written)?;
        let text = serde_json::to_string(&event)?;
        assert_eq!(created_content(&text), Some("0:123:x"), "{text}");

        // Escaped text, or fields in another order: the full parse answers, with the same result.
        let escaped = text.replace("0:123:x", r#"0:123:\"x\""#);
        assert_eq!(created_content(&escaped), None);
        assert_eq!(probe(&escaped).content.as_deref(), Some(r#"0:123:"x""#));
        let reordered = r#"{"type":"message.created","message":{"reactions":[{"content":"no"}],"content":"1:5:y"}}"#;
        assert_eq!(created_content(reordered), None);
        let probe = probe(reordered);
        assert_eq!(probe.kind, Kind::MessageCreated);
        assert_eq!(probe.content.as_deref(), Some("1:5:y"));
        Ok(())
    }

    #[test]
    fn errors_show_their_code_and_reference() {
        let text = r#"{"type":"error","code":"rate_limited","message":"too many frames; slow down","ref":"k-9","retry_after_ms":50}"#;
        let probe = probe(text);
        assert_eq!(probe.kind, Kind::Error);
        assert_eq!(probe.code.as_deref(), Some("rate_limited"));
        assert_eq!(probe.reference.as_deref(), Some("k-9"));
        assert_eq!(probe.content, None);
        assert!(error_hint("rate_limited").is_some_and(|hint| hint.contains("MESSAGES_PER_SECOND")));
    }

    #[test]
    fn other_frames_and_garbage_are_other() {
        for text in [
            r#"{"type":"presence","user_id":"u","status":"online","last_seen_at":null}"#,
            "not json",
            r#"{"no_type":1}"#,
        ] {
            assert_eq!(probe(text).kind, Kind::Other, "{text}");
        }
        assert_eq!(probe(r#"{"type":"resumed","replayed":0}"#).kind, Kind::Resumed);
        assert_eq!(probe(r#"{"type":"pong","nonce":null}"#).kind, Kind::Pong);
    }
}
