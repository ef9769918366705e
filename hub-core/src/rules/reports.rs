//! Report rules: the text a reporter or a moderator may write, how long a suspension lasts,
//! and what resolving a report does to the reported thing and its author. Pure: values in, a
//! decision out.

use chrono::Duration;

use crate::error::{Error, Result};
use crate::model::{ReportAction, ReportTarget};

/// Shortest suspension.
const MIN_SUSPENSION: Duration = Duration::minutes(1);
/// Longest suspension (a longer one is a ban).
const MAX_SUSPENSION_DAYS: i64 = 3650;

/// A reporter's details (may be empty) within `max` characters, trimmed.
pub fn validate_details(details: &str, max: usize) -> Result<String> {
    let details = details.trim();
    if details.chars().count() > max {
        return Err(
            Error::invalid("details", format!("details may be at most {max} characters"))
                .with_details(serde_json::json!({ "max_length": max })),
        );
    }
    Ok(details.to_owned())
}

/// A moderator's note: required (the audit log keeps it as the reason), within `max` characters.
pub fn validate_note(note: &str, max: usize) -> Result<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::invalid("note", "say why: the audit log keeps the note"));
    }
    if note.chars().count() > max {
        return Err(
            Error::invalid("note", format!("a note may be at most {max} characters"))
                .with_details(serde_json::json!({ "max_length": max })),
        );
    }
    Ok(note.to_owned())
}

/// A suspension's length: a number with a unit, `30m`, `12h`, `7d` or `2w` (a bare number is
/// seconds), from a minute to ten years.
pub fn parse_duration(text: &str) -> Result<Duration> {
    let bad = || Error::invalid("duration", "a duration is a number and a unit: 30m, 12h, 7d or 2w");
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    if number.is_empty() || !matches!(unit, "s" | "m" | "h" | "d" | "w") {
        return Err(bad());
    }
    let out_of_range = || {
        Error::invalid(
            "duration",
            format!("a suspension lasts from a minute to {MAX_SUSPENSION_DAYS} days; longer is a ban"),
        )
    };
    // All digits: a number too large for i64 is too long a suspension, not a malformed one.
    let number: i64 = number.parse().map_err(|_| out_of_range())?;
    let duration = match unit {
        "s" => Duration::try_seconds(number),
        "m" => Duration::try_minutes(number),
        "h" => Duration::try_hours(number),
        "d" => Duration::try_days(number),
        _ => Duration::try_weeks(number),
    }
    .ok_or_else(out_of_range)?;
    if duration < MIN_SUSPENSION || duration > Duration::days(MAX_SUSPENSION_DAYS) {
        return Err(out_of_range());
    }
    Ok(duration)
}

/// What resolving a report does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// Delete the reported content.
    pub delete_content: bool,
    /// Suspend its author: for this long, or (`Some(None)`) for good.
    pub suspend_author: Option<Option<Duration>>,
}

/// What `action` does to a report's target (`has_author`: the report names a person, the
/// reported one or the content's author).
pub fn plan_resolution(
    action: ReportAction,
    target: ReportTarget,
    has_author: bool,
    duration: Option<Duration>,
) -> Result<Resolution> {
    if duration.is_some() && action != ReportAction::Suspend {
        return Err(Error::invalid("duration", "only a suspension has a duration"));
    }
    let needs_author = || {
        if has_author {
            Ok(())
        } else {
            Err(Error::invalid(
                "action",
                "the reported content has no author left to act on",
            ))
        }
    };
    match action {
        ReportAction::None => Ok(Resolution {
            delete_content: false,
            suspend_author: None,
        }),
        ReportAction::DeleteContent => match target {
            ReportTarget::Message | ReportTarget::Post | ReportTarget::Comment => Ok(Resolution {
                delete_content: true,
                suspend_author: None,
            }),
            ReportTarget::User => Err(Error::invalid(
                "action",
                "a reported person has no content to delete: suspend or ban them",
            )),
        },
        ReportAction::Suspend => {
            needs_author()?;
            let duration = duration.ok_or_else(|| Error::invalid("duration", "say how long: 30m, 12h, 7d or 2w"))?;
            Ok(Resolution {
                delete_content: false,
                suspend_author: Some(Some(duration)),
            })
        }
        ReportAction::Ban => {
            needs_author()?;
            Ok(Resolution {
                delete_content: false,
                suspend_author: Some(None),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_units_and_bounds() {
        assert_eq!(parse_duration("30m").ok(), Some(Duration::minutes(30)));
        assert_eq!(parse_duration("12h").ok(), Some(Duration::hours(12)));
        assert_eq!(parse_duration(" 7d ").ok(), Some(Duration::days(7)));
        assert_eq!(parse_duration("2w").ok(), Some(Duration::weeks(2)));
        assert_eq!(parse_duration("3600").ok(), Some(Duration::hours(1)));
        for bad in ["", "d", "7y", "-1d", "10s", "5000d", "99999999999999999999d", "1.5h"] {
            let err = parse_duration(bad).err();
            assert_eq!(err.and_then(|e| e.field).as_deref(), Some("duration"), "{bad:?}");
        }
    }

    #[test]
    fn notes_are_required_and_bounded_details_are_not_required() {
        assert_eq!(validate_note("  spam link ", 20).ok().as_deref(), Some("spam link"));
        assert!(validate_note("   ", 20).is_err());
        assert!(validate_note(&"x".repeat(21), 20).is_err());
        assert_eq!(validate_details("", 20).ok().as_deref(), Some(""));
        assert!(validate_details(&"é".repeat(21), 20).is_err());
        assert!(validate_details(&"é".repeat(20), 20).is_ok(), "characters, not bytes");
    }

    #[test]
    fn each_action_does_what_it_says_to_what_it_can() {
        let day = Some(Duration::days(1));
        let plan = |action, target, author, duration| plan_resolution(action, target, author, duration);
        for content in [ReportTarget::Message, ReportTarget::Post, ReportTarget::Comment] {
            assert_eq!(
                plan(ReportAction::DeleteContent, content, true, None).ok(),
                Some(Resolution {
                    delete_content: true,
                    suspend_author: None
                }),
                "{content:?}"
            );
        }
        assert_eq!(
            plan(ReportAction::Suspend, ReportTarget::Message, true, day).ok(),
            Some(Resolution {
                delete_content: false,
                suspend_author: Some(day)
            })
        );
        assert_eq!(
            plan(ReportAction::Ban, ReportTarget::User, true, None).ok(),
            Some(Resolution {
                delete_content: false,
                suspend_author: Some(None)
            })
        );
        assert!(plan(ReportAction::None, ReportTarget::User, false, None).is_ok());
        // Refused, each naming the field to fix.
        for (action, target, author, duration, field) in [
            (ReportAction::DeleteContent, ReportTarget::User, true, None, "action"),
            (ReportAction::Suspend, ReportTarget::User, true, None, "duration"),
            (ReportAction::Suspend, ReportTarget::Message, false, day, "action"),
            (ReportAction::Ban, ReportTarget::Message, true, day, "duration"),
            (ReportAction::None, ReportTarget::Message, true, day, "duration"),
        ] {
            let err = plan(action, target, author, duration).err();
            assert_eq!(
                err.and_then(|e| e.field).as_deref(),
                Some(field),
                "{action:?} {target:?}"
            );
        }
    }
}
