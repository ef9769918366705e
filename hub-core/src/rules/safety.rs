//! Consent rules for private chat: who may open a direct conversation with whom, and when a
//! chat request may be sent. Pure: facts in, a decision out.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChatAvailability, UserId};

/// What is known about the caller and one other person of a direct conversation to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectFacts {
    /// The other person's availability.
    pub availability: ChatAvailability,
    /// Either of the two blocks the other.
    pub blocked: bool,
    /// A chat request between them (either way) was accepted.
    pub request_accepted: bool,
}

/// Whether the caller may open a new direct conversation with the other person.
pub fn check_direct_start(facts: DirectFacts) -> Result<()> {
    if facts.blocked {
        return Err(Error::new(ErrorKind::Blocked, "one of you blocked the other"));
    }
    match facts.availability {
        ChatAvailability::Open => Ok(()),
        ChatAvailability::Requests if facts.request_accepted => Ok(()),
        ChatAvailability::Requests => Err(Error::new(
            ErrorKind::ChatRequestRequired,
            "they take direct conversations after a chat request: send one with POST /chat-requests",
        )),
        ChatAvailability::Closed => Err(Error::new(
            ErrorKind::ChatClosed,
            "they take no new direct conversations",
        )),
    }
}

/// What is known when a chat request is about to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    /// The recipient's availability.
    pub availability: ChatAvailability,
    /// Either of the two blocks the other.
    pub blocked: bool,
    /// The two already share a direct conversation.
    pub already_talking: bool,
    /// When the sender's last request to them was declined.
    pub last_declined: Option<DateTime<Utc>>,
}

/// Whether a chat request may be sent now (a declined one waits out `cooldown`).
pub fn check_chat_request(facts: RequestFacts, cooldown: Duration, now: DateTime<Utc>) -> Result<()> {
    if facts.blocked {
        return Err(Error::new(ErrorKind::Blocked, "one of you blocked the other"));
    }
    if facts.availability == ChatAvailability::Closed {
        return Err(Error::new(
            ErrorKind::ChatClosed,
            "they take no new direct conversations",
        ));
    }
    if facts.already_talking {
        return Err(Error::new(
            ErrorKind::Conflict,
            "you already share a direct conversation",
        ));
    }
    if let Some(declined) = facts.last_declined {
        let again = declined + cooldown;
        if again > now {
            let mut err = Error::new(
                ErrorKind::RateLimited,
                "they declined your last request; you can ask again later",
            )
            .with_details(serde_json::json!({ "retry_at": again }));
            err.retry_after = (again - now).to_std().ok();
            return Err(err);
        }
    }
    Ok(())
}

/// One key for a pair of people, whichever of them asks.
pub fn pair_key(one: &UserId, other: &UserId) -> String {
    if one <= other {
        format!("{one},{other}")
    } else {
        format!("{other},{one}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(result: Result<()>) -> Option<ErrorKind> {
        result.err().map(|err| err.kind)
    }

    const OPEN: DirectFacts = DirectFacts {
        availability: ChatAvailability::Open,
        blocked: false,
        request_accepted: false,
    };

    #[test]
    fn availability_decides_who_may_start_a_conversation() {
        assert_eq!(kind_of(check_direct_start(OPEN)), None);
        let requests = DirectFacts {
            availability: ChatAvailability::Requests,
            ..OPEN
        };
        assert_eq!(
            kind_of(check_direct_start(requests)),
            Some(ErrorKind::ChatRequestRequired)
        );
        let accepted = DirectFacts {
            request_accepted: true,
            ..requests
        };
        assert_eq!(kind_of(check_direct_start(accepted)), None);
        let closed = DirectFacts {
            availability: ChatAvailability::Closed,
            request_accepted: true,
            ..OPEN
        };
        assert_eq!(kind_of(check_direct_start(closed)), Some(ErrorKind::ChatClosed));
        for availability in ChatAvailability::ALL {
            let blocked = DirectFacts {
                availability: *availability,
                blocked: true,
                request_accepted: true,
            };
            assert_eq!(
                kind_of(check_direct_start(blocked)),
                Some(ErrorKind::Blocked),
                "{availability:?}"
            );
        }
    }

    #[test]
    fn a_declined_request_waits_out_the_cool_down() {
        let now = Utc::now();
        let day = Duration::hours(24);
        let fresh = RequestFacts {
            availability: ChatAvailability::Requests,
            blocked: false,
            already_talking: false,
            last_declined: None,
        };
        assert_eq!(kind_of(check_chat_request(fresh, day, now)), None);
        let declined = RequestFacts {
            last_declined: Some(now - Duration::hours(1)),
            ..fresh
        };
        let err = check_chat_request(declined, day, now).err();
        assert_eq!(err.as_ref().map(|err| err.kind), Some(ErrorKind::RateLimited));
        assert!(
            err.and_then(|err| err.retry_after)
                .is_some_and(|wait| wait.as_secs() > 22 * 3600)
        );
        let long_ago = RequestFacts {
            last_declined: Some(now - Duration::hours(25)),
            ..fresh
        };
        assert_eq!(kind_of(check_chat_request(long_ago, day, now)), None);
        for (facts, kind) in [
            (RequestFacts { blocked: true, ..fresh }, ErrorKind::Blocked),
            (
                RequestFacts {
                    availability: ChatAvailability::Closed,
                    ..fresh
                },
                ErrorKind::ChatClosed,
            ),
            (
                RequestFacts {
                    already_talking: true,
                    ..fresh
                },
                ErrorKind::Conflict,
            ),
        ] {
            assert_eq!(kind_of(check_chat_request(facts, day, now)), Some(kind));
        }
    }

    #[test]
    fn a_pair_has_one_key_whoever_asks() {
        let (ann, bob) = (UserId::from("ann"), UserId::from("bob"));
        assert_eq!(pair_key(&ann, &bob), pair_key(&bob, &ann));
        assert_ne!(pair_key(&ann, &bob), pair_key(&ann, &UserId::from("cat")));
    }
}
