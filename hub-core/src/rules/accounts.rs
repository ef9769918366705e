//! Username, password and email policy.

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};

/// Names that mean something in message text (`@channel`, `@here`) or would mislead.
pub const RESERVED_USERNAMES: &[&str] = &[
    "channel",
    "here",
    "everyone",
    "all",
    "hub",
    "system",
    "admin",
    "root",
    "me",
    "null",
    "assistant",
];

/// Shortest username.
pub const MIN_USERNAME_LENGTH: usize = 2;

/// Passwords so common that attackers try them first (a small list; length rules catch the rest).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "qwerty123",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "letmein1",
    "trustno1",
    "abc12345",
    "11111111",
    "00000000",
    "admin123",
    "changeme",
    "superman",
    "starwars",
    "dragon12",
    "monkey12",
    "asdfghjk",
    "zxcvbnm1",
];

/// Checks a username: `min..=max_length` characters of `[A-Za-z0-9._-]`, starting with a letter or
/// digit, not reserved. Returns it trimmed.
pub fn validate_username(raw: &str, max_length: usize) -> Result<String> {
    let name = raw.trim();
    let invalid = |message: String| Err(Error::invalid("username", message));
    if name.chars().count() < MIN_USERNAME_LENGTH {
        return invalid(format!("username must be at least {MIN_USERNAME_LENGTH} characters"));
    }
    if name.chars().count() > max_length {
        return Err(
            Error::invalid("username", format!("username must be at most {max_length} characters"))
                .with_details(serde_json::json!({ "max_length": max_length })),
        );
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return invalid("username may only contain letters, digits, '_', '.' and '-'".to_owned());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("username must start with a letter or a digit".to_owned());
    }
    if RESERVED_USERNAMES.contains(&name.to_ascii_lowercase().as_str()) {
        return invalid(format!("the username {name:?} is reserved"));
    }
    Ok(name.to_owned())
}

/// The password policy: a length window, not the username, not a common password, and at least
/// four different characters. Composition rules (a digit, a symbol) are deliberately absent (NIST 800-63B).
pub fn check_password(password: &str, username: &str, min_length: usize, max_length: usize) -> Result<()> {
    let weak = |message: String| Err(Error::new(ErrorKind::WeakPassword, message).with_field("password"));
    let length = password.chars().count();
    if length < min_length {
        return weak(format!("password must be at least {min_length} characters"));
    }
    if length > max_length {
        return Err(Error::invalid(
            "password",
            format!("password must be at most {max_length} characters"),
        ));
    }
    let lowered = password.to_lowercase();
    if lowered == username.to_lowercase() {
        return weak("password must not be the username".to_owned());
    }
    if COMMON_PASSWORDS.contains(&lowered.as_str()) {
        return weak("this password is too common; choose another".to_owned());
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return weak("password must contain at least four different characters".to_owned());
    }
    Ok(())
}

/// Checks an email address's shape (deliverability is not checked). Returns it trimmed.
pub fn validate_email(raw: &str) -> Result<String> {
    let email = raw.trim();
    let bad = || Err(Error::invalid("email", "email must look like name@example.com"));
    if email.chars().count() > 254 || email.chars().any(char::is_whitespace) {
        return bad();
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(email.to_owned())
        }
        _ => bad(),
    }
}

/// Makes a valid, unreserved username out of whatever an identity provider offers
/// (`preferred_username`, `nickname`, the local part of an email). Falls back to `user`.
pub fn username_from_claim(claim: &str, max_length: usize) -> String {
    let base: String = claim
        .split('@')
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(max_length.saturating_sub(5).max(MIN_USERNAME_LENGTH))
        .collect();
    match validate_username(&base, max_length) {
        Ok(name) => name,
        Err(_) => "user".to_owned(),
    }
}

/// Whether a suspension keeps an account out at `now`: one with an end is over once it has
/// passed, one without lasts until it is lifted.
pub fn suspension_in_force(is_suspended: bool, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    is_suspended && until.is_none_or(|until| until > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timed_suspension_ends_by_itself() {
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        assert!(suspension_in_force(true, None, now), "until lifted");
        assert!(suspension_in_force(true, Some(now + hour), now));
        assert!(!suspension_in_force(true, Some(now - hour), now), "over");
        assert!(!suspension_in_force(true, Some(now), now), "ends at its end");
        assert!(!suspension_in_force(false, None, now));
    }
    use proptest::prelude::*;

    #[test]
    fn usernames() {
        assert_eq!(validate_username(" alice ", 32).ok().as_deref(), Some("alice"));
        assert!(validate_username("Bob.Smith-2", 32).is_ok());
        for bad in ["a", "_alice", "al ice", "ålice", "here", "Channel", &"x".repeat(33)] {
            let err = validate_username(bad, 32).err();
            assert_eq!(err.map(|e| e.field), Some(Some("username".to_owned())), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(check_password("correct horse battery", "alice", 8, 256).is_ok());
        let kind = |p: &str| check_password(p, "alice1234", 8, 256).err().map(|e| e.kind);
        assert_eq!(kind("short"), Some(ErrorKind::WeakPassword));
        assert_eq!(kind("Password123"), Some(ErrorKind::WeakPassword));
        assert_eq!(kind("ALICE1234"), Some(ErrorKind::WeakPassword));
        assert_eq!(kind("abababababab"), Some(ErrorKind::WeakPassword));
        assert_eq!(kind(&"long enough ".repeat(30)), Some(ErrorKind::InvalidInput));
    }

    #[test]
    fn emails() {
        assert!(validate_email("a@example.com").is_ok());
        for bad in [
            "",
            "a",
            "a@b",
            "@example.com",
            "a@.com",
            "a b@example.com",
            "a@@example.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn claims_become_usernames() {
        assert_eq!(username_from_claim("jane.doe@example.com", 32), "jane.doe");
        assert_eq!(username_from_claim("Jöhn Smith", 32), "J_hn_Smith");
        assert_eq!(username_from_claim("here", 32), "user");
        assert_eq!(username_from_claim("", 32), "user");
    }

    proptest! {
        #[test]
        fn any_claim_gives_a_valid_username(claim in ".{0,80}") {
            let name = username_from_claim(&claim, 32);
            prop_assert!(validate_username(&name, 32).is_ok(), "{name}");
        }

        #[test]
        fn accepted_usernames_stay_within_the_limit(raw in "[a-zA-Z0-9._ -]{0,50}", max in 2usize..40) {
            if let Ok(name) = validate_username(&raw, max) {
                prop_assert!(name.chars().count() <= max);
                prop_assert!(name.chars().count() >= MIN_USERNAME_LENGTH);
            }
        }
    }
}
