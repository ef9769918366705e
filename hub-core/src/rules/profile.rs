//! Profile fields: display name, bio and avatar.

use super::avatars;
use crate::error::{Error, Result};

/// Longest display name, in characters.
pub const MAX_FULL_NAME_LENGTH: usize = 64;
/// Longest bio, in characters.
pub const MAX_BIO_LENGTH: usize = 500;
/// Longest avatar URL, in characters.
pub const MAX_AVATAR_URL_LENGTH: usize = 2048;

/// A display name: trimmed, at most [`MAX_FULL_NAME_LENGTH`] characters, no control characters.
pub fn validate_full_name(raw: &str) -> Result<String> {
    let name = bounded_text("full_name", raw.trim(), MAX_FULL_NAME_LENGTH, false)?;
    if name.chars().any(is_invisible_formatting) {
        return Err(Error::invalid(
            "full_name",
            "full_name must not contain direction overrides or invisible characters",
        ));
    }
    Ok(name)
}

/// Characters that change how a name reads without showing: direction marks, embeddings,
/// overrides and isolates (U+202E turns "alice" into "ecila" on screen), the zero-width space,
/// the word joiner and the byte-order mark. The zero-width joiner and non-joiner stay: emoji
/// sequences and scripts such as Persian need them.
fn is_invisible_formatting(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A bio: at most [`MAX_BIO_LENGTH`] characters; newlines allowed, other control characters not.
pub fn validate_bio(raw: &str) -> Result<String> {
    bounded_text("bio", raw.trim(), MAX_BIO_LENGTH, true)
}

/// An avatar: a default avatar's path (or its bare name), or an `http(s)` URL. Empty clears it.
pub fn validate_avatar_url(raw: &str) -> Result<Option<String>> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(avatar) = avatars::find(value).or_else(|| avatars::default_avatar_for_path(value)) {
        return Ok(Some(avatars::avatar_path(avatar.name)));
    }
    let is_web_url = value.starts_with("https://") || value.starts_with("http://");
    if !is_web_url || value.chars().count() > MAX_AVATAR_URL_LENGTH || value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "avatar_url",
            "avatar_url must be a default avatar (see GET /api/v1/avatars) or an http(s) URL",
        ));
    }
    Ok(Some(value.to_owned()))
}

fn bounded_text(field: &str, value: &str, max: usize, allow_newlines: bool) -> Result<String> {
    if value.chars().count() > max {
        return Err(
            Error::invalid(field, format!("{field} must be at most {max} characters"))
                .with_details(serde_json::json!({ "max_length": max })),
        );
    }
    if value.chars().any(|c| c.is_control() && !(allow_newlines && c == '\n')) {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_direction_overrides_and_invisible_characters() {
        for sneaky in [
            "ali\u{202E}ecila",
            "bob\u{200B}",
            "\u{2066}eve\u{2069}",
            "mal\u{200F}lory",
            "\u{FEFF}x",
        ] {
            assert!(validate_full_name(sneaky).is_err(), "{sneaky:?}");
        }
        // Scripts and emoji that need joiners keep working.
        for fine in ["Zoë Ĳsselmeer", "مهدی\u{200C}زاده", "👩\u{200D}💻 Ada", "李小龍"] {
            assert_eq!(validate_full_name(fine).ok().as_deref(), Some(fine), "{fine:?}");
        }
    }

    #[test]
    fn avatars_accept_defaults_and_web_urls() {
        assert_eq!(
            validate_avatar_url("fox").ok().flatten().as_deref(),
            Some("/api/v1/avatars/fox.svg")
        );
        assert!(validate_avatar_url("https://example.com/a.png").is_ok());
        assert_eq!(validate_avatar_url("").ok(), Some(None));
        assert!(validate_avatar_url("javascript:alert(1)").is_err());
        assert!(validate_avatar_url("dragon").is_err());
    }

    #[test]
    fn text_fields_are_bounded() {
        assert!(validate_full_name(&"n".repeat(64)).is_ok());
        assert!(validate_full_name(&"n".repeat(65)).is_err());
        assert!(validate_full_name("a\u{0007}b").is_err());
        assert!(validate_bio("line one\nline two").is_ok());
        assert!(validate_bio(&"b".repeat(501)).is_err());
    }
}
