//! Custom reaction codes.

use crate::error::{Error, Result};

/// Longest reaction code.
pub const MAX_REACTION_CODE_LENGTH: usize = 32;

/// A custom reaction's code: 1 to 32 of lowercase letters, digits, `_`, `-` and `+`.
pub fn validate_reaction_code(raw: &str) -> Result<String> {
    let code = raw.trim().trim_matches(':').to_lowercase();
    let ok = !code.is_empty()
        && code.len() <= MAX_REACTION_CODE_LENGTH
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '+'));
    if ok {
        Ok(code)
    } else {
        Err(Error::invalid(
            "emoji",
            format!("a reaction code is 1 to {MAX_REACTION_CODE_LENGTH} of a-z, 0-9, '_', '-' and '+'"),
        ))
    }
}

/// A custom reaction's picture: an http(s) URL without spaces, at most 2048 characters.
pub fn validate_image_url(raw: &str) -> Result<String> {
    let url = raw.trim();
    let is_web = url.starts_with("https://") || url.starts_with("http://");
    if !is_web || url.chars().count() > 2048 || url.chars().any(char::is_whitespace) {
        return Err(Error::invalid("image_url", "image_url must be an http(s) URL"));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            validate_reaction_code(":party_parrot:").ok().as_deref(),
            Some("party_parrot")
        );
        assert_eq!(validate_reaction_code("+1").ok().as_deref(), Some("+1"));
        assert!(validate_reaction_code("two words").is_err());
        assert!(validate_reaction_code("").is_err());
        assert!(validate_image_url("https://img.example/p.gif").is_ok());
        assert!(validate_image_url("ftp://img.example/p.gif").is_err());
    }
}
