//! Files: what a file is (decided from its first bytes, never its name), whether this hub
//! takes that type, the name it is saved and served under, and which bytes a `Range` asks for.

use std::ops::Range;

use crate::error::{Error, ErrorKind, Result};

/// Bytes of a file's start that decide its type (and an image's size).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The type of a file from its first bytes: a known magic number, else `text/plain` for text
/// (valid UTF-8 without NUL or other control bytes but tabs and line ends), else
/// `application/octet-stream`.
pub fn sniff(head: &[u8]) -> &'static str {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type();
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The sample may end inside a character.
        Err(err) if err.error_len().is_none() => std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default(),
        Err(_) => return "application/octet-stream",
    };
    let is_text = !head.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    if is_text {
        "text/plain"
    } else {
        "application/octet-stream"
    }
}

/// Whether `content_type` is among the `allowed` ones (`image/*` allows every image type).
pub fn check_type(content_type: &str, allowed: &[String]) -> Result<()> {
    let family = content_type.split('/').next().unwrap_or_default();
    let accepted = allowed
        .iter()
        .any(|entry| entry == content_type || entry.strip_suffix("/*").is_some_and(|prefix| prefix == family));
    if accepted {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::UnsupportedMediaType,
        format!(
            "this file is {content_type} (by its content, whatever its name says), which this hub does not take; it takes {}",
            allowed.join(", ")
        ),
    )
    .with_field("file")
    .with_details(serde_json::json!({ "content_type": content_type, "allowed": allowed })))
}

/// Longest stored file name, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// The name a file is kept under: the last part of what the client sent (no folders), without
/// control characters, quotes or backslashes, trimmed, at most [`MAX_NAME_BYTES`]; `file` when
/// nothing is left.
pub fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
        .collect();
    let mut name = cleaned.trim().trim_start_matches('.').trim().to_owned();
    while name.len() > MAX_NAME_BYTES {
        name.pop();
    }
    if name.is_empty() { "file".to_owned() } else { name }
}

/// The `Content-Disposition` of a download: an ASCII fallback and the exact name (RFC 6266,
/// RFC 8187), always as an attachment so a browser never runs what it fetched.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(byte).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Which bytes a download sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// The whole file (no `Range`, or one this server does not serve in part: several ranges,
    /// another unit, or text it cannot read, all of which HTTP lets it ignore).
    Whole,
    /// These bytes (206).
    Part(Range<u64>),
}

/// The bytes a `Range` header asks of a file of `size` bytes. A range that starts past the end
/// is a 416.
pub fn wanted(range: Option<&str>, size: u64) -> Result<Wanted> {
    let Some(spec) = range.and_then(|value| value.trim().strip_prefix("bytes=")) else {
        return Ok(Wanted::Whole);
    };
    if spec.contains(',') {
        return Ok(Wanted::Whole);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(Wanted::Whole);
    };
    let parse = |text: &str| text.trim().parse::<u64>().ok();
    let unsatisfiable = || {
        Error::new(
            ErrorKind::RangeNotSatisfiable,
            format!("the range {spec} is outside the file's {size} bytes"),
        )
        .with_details(serde_json::json!({ "size": size }))
    };
    match (first.trim().is_empty(), parse(first), parse(last)) {
        // `bytes=-500`: the last 500 bytes.
        (true, _, Some(suffix)) => {
            if suffix == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            Ok(Wanted::Part(size.saturating_sub(suffix)..size))
        }
        (false, Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= size {
                return Err(unsatisfiable());
            }
            let end = end.map_or(size, |end| end.saturating_add(1).min(size));
            if end <= start {
                return Ok(Wanted::Whole);
            }
            Ok(Wanted::Part(start..end))
        }
        _ => Ok(Wanted::Whole),
    }
}

/// The entity tag of a file: its contents never change, so its id serves.
pub fn etag(file_id: &str) -> String {
    format!("\"{file_id}\"")
}

/// Whether an `If-None-Match` header names this `etag` (or is `*`).
pub fn not_modified(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|header| {
        header
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag == etag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    const ELF: &[u8] = &[
        0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0,
    ];

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(PNG), "image/png");
        let mut elf = ELF.to_vec();
        elf.resize(4096, 0);
        assert_eq!(sniff(&elf), "application/x-executable");
        assert_eq!(sniff("plain words\nand a tab\t".as_bytes()), "text/plain");
        assert_eq!(sniff("café".as_bytes()), "text/plain");
        assert_eq!(
            sniff(&"é".as_bytes()[..1]),
            "text/plain",
            "a sample cut inside a character"
        );
        assert_eq!(sniff(b"\x00\x01\x02binary"), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
    }

    #[test]
    fn the_allow_list_decides() {
        let allowed = vec!["image/*".to_owned(), "application/pdf".to_owned()];
        assert!(check_type("image/png", &allowed).is_ok());
        assert!(check_type("application/pdf", &allowed).is_ok());
        let refused = check_type("application/x-executable", &allowed).err();
        assert_eq!(refused.map(|err| err.kind), Some(ErrorKind::UnsupportedMediaType));
        assert!(check_type("text/plain", &allowed).is_err());
    }

    #[test]
    fn names_lose_folders_controls_and_quotes() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(safe_file_name("a\"b\r\n.png"), "ab.png");
        assert_eq!(safe_file_name("  .hidden "), "hidden");
        assert_eq!(safe_file_name(""), "file");
        assert_eq!(safe_file_name("///"), "file");
        assert!(safe_file_name(&"é".repeat(300)).len() <= MAX_NAME_BYTES);
    }

    #[test]
    fn dispositions_carry_an_ascii_fallback_and_the_exact_name() {
        assert_eq!(
            content_disposition("Résumé 2026.pdf"),
            "attachment; filename=\"R_sum_ 2026.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf"
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(wanted(None, 100).ok(), Some(Wanted::Whole));
        assert_eq!(wanted(Some("bytes=0-9"), 100).ok(), Some(Wanted::Part(0..10)));
        assert_eq!(wanted(Some("bytes=90-"), 100).ok(), Some(Wanted::Part(90..100)));
        assert_eq!(wanted(Some("bytes=-5"), 100).ok(), Some(Wanted::Part(95..100)));
        assert_eq!(wanted(Some("bytes=-500"), 100).ok(), Some(Wanted::Part(0..100)));
        assert_eq!(wanted(Some("bytes=50-500"), 100).ok(), Some(Wanted::Part(50..100)));
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100).ok(), Some(Wanted::Whole));
        assert_eq!(wanted(Some("items=0-1"), 100).ok(), Some(Wanted::Whole));
        assert_eq!(wanted(Some("bytes=x-y"), 100).ok(), Some(Wanted::Whole));
        assert_eq!(wanted(Some("bytes=9-3"), 100).ok(), Some(Wanted::Whole));
        for past in ["bytes=100-", "bytes=100-200", "bytes=-0"] {
            let err = wanted(Some(past), 100).err().map(|err| err.kind);
            assert_eq!(err, Some(ErrorKind::RangeNotSatisfiable), "{past}");
        }
    }

    #[test]
    fn entity_tags() {
        let tag = etag("f1");
        assert!(not_modified(Some("\"f1\""), &tag));
        assert!(not_modified(Some("\"x\", W/\"f1\""), &tag));
        assert!(not_modified(Some("*"), &tag));
        assert!(!not_modified(Some("\"f2\""), &tag));
        assert!(!not_modified(None, &tag));
    }

    proptest! {
        #[test]
        fn a_part_is_always_inside_the_file(header in "\\PC{0,30}", size in 0u64..10_000) {
            if let Ok(Wanted::Part(range)) = wanted(Some(&header), size) {
                prop_assert!(range.start < range.end && range.end <= size, "{header}: {range:?}");
            }
        }

        #[test]
        fn safe_names_are_safe(raw in "\\PC{0,400}") {
            let name = safe_file_name(&raw);
            prop_assert!(!name.is_empty() && name.len() <= MAX_NAME_BYTES);
            prop_assert!(!name.contains(['/', '\\', '"']) && !name.chars().any(char::is_control));
        }
    }
}
