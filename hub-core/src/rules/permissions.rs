//! Who may do what in a channel: pure decisions over small facts, so every rule is tested here
//! with scenario values and property tests.
//!
//! The shape of the rules:
//! - public and voice channels are open: anyone signed in sees and reads them; posting needs
//!   membership;
//! - private channels are seen only by members and site admins; to everyone else they do not
//!   exist (404, never 403), and a wrong join code is a 404 too;
//! - direct conversations are seen only by their members (not even by site admins);
//! - roles rank owner > admin > member; moderating a member (kick, ban, time-out) needs a higher
//!   rank than theirs, or being a site admin; only owners (and site admins) change roles;
//! - archived channels stay readable and accept nothing new.

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelKind, ChannelRole};

/// The facts about a channel the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelFacts {
    /// Its kind.
    pub kind: ChannelKind,
    /// Whether it is archived.
    pub archived: bool,
}

/// The facts about the person acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// A site admin.
    pub is_site_admin: bool,
    /// Their role, when they are a member.
    pub role: Option<ChannelRole>,
    /// Banned from this channel (the ban has not expired).
    pub banned: bool,
    /// Timed out in this channel until this time (in the future).
    pub timed_out_until: Option<DateTime<Utc>>,
    /// In a direct conversation, someone else in it blocks them or is blocked by them.
    pub blocked_in_dm: bool,
}

impl Viewer {
    /// Someone with no relation to the channel.
    pub const STRANGER: Viewer = Viewer {
        is_site_admin: false,
        role: None,
        banned: false,
        timed_out_until: None,
        blocked_in_dm: false,
    };

    /// A member with `role`.
    pub fn member(role: ChannelRole) -> Viewer {
        Viewer {
            role: Some(role),
            ..Viewer::STRANGER
        }
    }

    fn rank(&self) -> u8 {
        self.role.map_or(0, ChannelRole::rank)
    }

    fn at_least(&self, role: ChannelRole) -> bool {
        self.rank() >= role.rank()
    }
}

fn hidden() -> Error {
    Error::not_found("channel")
}

/// Whether the viewer may know the channel exists.
pub fn can_see(channel: ChannelFacts, viewer: Viewer) -> bool {
    match channel.kind {
        ChannelKind::Public | ChannelKind::Voice => true,
        ChannelKind::Private => viewer.role.is_some() || viewer.is_site_admin,
        ChannelKind::Dm => viewer.role.is_some(),
    }
}

/// Reading the channel, its messages, members and pins.
pub fn check_read(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    if can_see(channel, viewer) {
        Ok(())
    } else {
        Err(hidden())
    }
}

fn check_open_for_changes(channel: ChannelFacts) -> Result<()> {
    if channel.archived {
        return Err(Error::forbidden("this channel is archived"));
    }
    Ok(())
}

fn check_member(viewer: Viewer, doing: &str) -> Result<()> {
    if viewer.role.is_none() {
        return Err(Error::forbidden(format!("join the channel to {doing}")));
    }
    Ok(())
}

/// Sending a message.
pub fn check_post(channel: ChannelFacts, viewer: Viewer, now: DateTime<Utc>) -> Result<()> {
    check_read(channel, viewer)?;
    check_member(viewer, "post")?;
    check_open_for_changes(channel)?;
    if let Some(until) = viewer.timed_out_until.filter(|until| *until > now) {
        return Err(Error::forbidden(format!(
            "you are timed out in this channel until {}",
            until.to_rfc3339()
        ))
        .with_details(serde_json::json!({ "timed_out_until": until })));
    }
    if viewer.blocked_in_dm {
        return Err(Error::new(
            ErrorKind::Blocked,
            "this conversation takes no new messages: one of you blocked the other",
        ));
    }
    Ok(())
}

/// Adding or removing a reaction, marking read, choosing notifications: members only.
pub fn check_member_action(channel: ChannelFacts, viewer: Viewer, doing: &str) -> Result<()> {
    check_read(channel, viewer)?;
    check_member(viewer, doing)
}

/// Reacting: members of channels that are not archived.
pub fn check_react(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    check_member_action(channel, viewer, "react")?;
    check_open_for_changes(channel)
}

/// Joining. `code_matches`: the request carried the channel's current join code.
pub fn check_join(channel: ChannelFacts, viewer: Viewer, code_matches: bool) -> Result<()> {
    if viewer.role.is_some() {
        return Ok(());
    }
    let may_know = match channel.kind {
        ChannelKind::Public | ChannelKind::Voice => true,
        ChannelKind::Private => code_matches,
        ChannelKind::Dm => false,
    };
    if !may_know {
        return Err(hidden());
    }
    check_open_for_changes(channel)?;
    if viewer.banned {
        return Err(Error::forbidden("you are banned from this channel"));
    }
    Ok(())
}

/// Leaving. `owners`: how many owners the channel has.
pub fn check_leave(channel: ChannelFacts, viewer: Viewer, owners: i64) -> Result<()> {
    check_read(channel, viewer)?;
    if channel.kind == ChannelKind::Dm {
        return Err(Error::forbidden("direct conversations cannot be left"));
    }
    if viewer.role == Some(ChannelRole::Owner) && owners <= 1 {
        return Err(Error::new(
            ErrorKind::Conflict,
            "you are the last owner: make another member owner first, or archive the channel",
        ));
    }
    Ok(())
}

fn check_not_dm(channel: ChannelFacts) -> Result<()> {
    if channel.kind == ChannelKind::Dm {
        return Err(Error::forbidden("direct conversations have no moderators"));
    }
    Ok(())
}

/// Editing name, description and topic, adding members, rotating the join code, listing bans:
/// channel admins, owners and site admins.
pub fn check_manage(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    check_read(channel, viewer)?;
    check_not_dm(channel)?;
    if viewer.at_least(ChannelRole::Admin) || viewer.is_site_admin {
        Ok(())
    } else {
        Err(Error::forbidden("only channel admins may do this"))
    }
}

/// Archiving: owners and site admins.
pub fn check_archive(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    check_read(channel, viewer)?;
    check_not_dm(channel)?;
    if viewer.role == Some(ChannelRole::Owner) || viewer.is_site_admin {
        Ok(())
    } else {
        Err(Error::forbidden("only the channel's owners may archive it"))
    }
}

/// Kicking, banning or timing out someone whose role is `target` (`None`: not a member).
pub fn check_moderate(channel: ChannelFacts, actor: Viewer, target: Option<ChannelRole>) -> Result<()> {
    check_manage(channel, actor)?;
    if actor.is_site_admin {
        return Ok(());
    }
    let target_rank = target.map_or(0, ChannelRole::rank);
    if actor.rank() > target_rank {
        Ok(())
    } else {
        Err(Error::forbidden("you can only moderate members below your own role"))
    }
}

/// Changing a member's role from `current` to `new`. `owners`: how many owners there are.
pub fn check_set_role(
    channel: ChannelFacts,
    actor: Viewer,
    current: ChannelRole,
    new: ChannelRole,
    owners: i64,
) -> Result<()> {
    check_manage(channel, actor)?;
    if actor.role != Some(ChannelRole::Owner) && !actor.is_site_admin {
        return Err(Error::forbidden("only the channel's owners may change roles"));
    }
    if current == ChannelRole::Owner && new != ChannelRole::Owner && owners <= 1 {
        return Err(Error::new(
            ErrorKind::Conflict,
            "a channel keeps at least one owner: make someone else owner first",
        ));
    }
    Ok(())
}

/// Rotating the join code: managers of private channels.
pub fn check_rotate_join_code(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    check_manage(channel, viewer)?;
    if channel.kind != ChannelKind::Private {
        return Err(Error::new(ErrorKind::Conflict, "only private channels have join codes").with_field("kind"));
    }
    check_open_for_changes(channel)
}

/// Pinning and unpinning: channel admins (any member in a direct conversation) and site admins.
pub fn check_pin(channel: ChannelFacts, viewer: Viewer) -> Result<()> {
    check_read(channel, viewer)?;
    check_open_for_changes(channel)?;
    let allowed = viewer.at_least(ChannelRole::Admin)
        || viewer.is_site_admin
        || (channel.kind == ChannelKind::Dm && viewer.role.is_some());
    if allowed {
        Ok(())
    } else {
        Err(Error::forbidden("only channel admins may pin messages"))
    }
}

/// Editing a message: its author only, while they can still read the channel.
pub fn check_edit_message(channel: ChannelFacts, viewer: Viewer, is_author: bool) -> Result<()> {
    check_read(channel, viewer)?;
    if !is_author {
        return Err(Error::forbidden("only the author may edit a message"));
    }
    check_open_for_changes(channel)
}

/// Deleting a message: its author, channel admins and owners, and site admins.
pub fn check_delete_message(channel: ChannelFacts, viewer: Viewer, is_author: bool) -> Result<()> {
    check_read(channel, viewer)?;
    if is_author || viewer.at_least(ChannelRole::Admin) || viewer.is_site_admin {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only the author or a channel admin may delete this message",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PUBLIC: ChannelFacts = ChannelFacts {
        kind: ChannelKind::Public,
        archived: false,
    };
    const PRIVATE: ChannelFacts = ChannelFacts {
        kind: ChannelKind::Private,
        archived: false,
    };
    const DM: ChannelFacts = ChannelFacts {
        kind: ChannelKind::Dm,
        archived: false,
    };
    const SITE_ADMIN: Viewer = Viewer {
        is_site_admin: true,
        ..Viewer::STRANGER
    };

    fn kind_of(result: Result<()>) -> Option<ErrorKind> {
        result.err().map(|err| err.kind)
    }

    #[test]
    fn private_channels_do_not_exist_for_strangers() {
        assert_eq!(
            kind_of(check_read(PRIVATE, Viewer::STRANGER)),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(
            kind_of(check_manage(PRIVATE, Viewer::STRANGER)),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(
            kind_of(check_join(PRIVATE, Viewer::STRANGER, false)),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(kind_of(check_join(PRIVATE, Viewer::STRANGER, true)), None);
        assert_eq!(kind_of(check_read(PRIVATE, SITE_ADMIN)), None);
    }

    #[test]
    fn direct_conversations_are_for_their_members_only() {
        assert_eq!(kind_of(check_read(DM, SITE_ADMIN)), Some(ErrorKind::NotFound));
        assert_eq!(kind_of(check_read(DM, Viewer::member(ChannelRole::Member))), None);
        assert_eq!(
            kind_of(check_leave(DM, Viewer::member(ChannelRole::Member), 0)),
            Some(ErrorKind::Forbidden)
        );
        assert_eq!(kind_of(check_pin(DM, Viewer::member(ChannelRole::Member))), None);
        assert_eq!(
            kind_of(check_manage(DM, Viewer::member(ChannelRole::Member))),
            Some(ErrorKind::Forbidden)
        );
    }

    #[test]
    fn posting_needs_membership_an_open_channel_and_no_time_out() {
        let now = Utc::now();
        assert_eq!(
            kind_of(check_post(PUBLIC, Viewer::STRANGER, now)),
            Some(ErrorKind::Forbidden)
        );
        assert_eq!(
            kind_of(check_post(PUBLIC, Viewer::member(ChannelRole::Member), now)),
            None
        );
        let archived = ChannelFacts {
            archived: true,
            ..PUBLIC
        };
        assert_eq!(
            kind_of(check_post(archived, Viewer::member(ChannelRole::Owner), now)),
            Some(ErrorKind::Forbidden)
        );
        let timed_out = Viewer {
            timed_out_until: Some(now + chrono::Duration::minutes(5)),
            ..Viewer::member(ChannelRole::Member)
        };
        assert_eq!(kind_of(check_post(PUBLIC, timed_out, now)), Some(ErrorKind::Forbidden));
        let expired = Viewer {
            timed_out_until: Some(now - chrono::Duration::minutes(5)),
            ..Viewer::member(ChannelRole::Member)
        };
        assert_eq!(kind_of(check_post(PUBLIC, expired, now)), None);
        let blocked = Viewer {
            blocked_in_dm: true,
            ..Viewer::member(ChannelRole::Member)
        };
        assert_eq!(kind_of(check_post(DM, blocked, now)), Some(ErrorKind::Blocked));
        assert_eq!(kind_of(check_post(DM, Viewer::member(ChannelRole::Member), now)), None);
    }

    #[test]
    fn banned_people_cannot_join() {
        let banned = Viewer {
            banned: true,
            ..Viewer::STRANGER
        };
        assert_eq!(kind_of(check_join(PUBLIC, banned, false)), Some(ErrorKind::Forbidden));
        assert_eq!(kind_of(check_join(PRIVATE, banned, true)), Some(ErrorKind::Forbidden));
    }

    #[test]
    fn the_last_owner_stays() {
        let owner = Viewer::member(ChannelRole::Owner);
        assert_eq!(kind_of(check_leave(PUBLIC, owner, 1)), Some(ErrorKind::Conflict));
        assert_eq!(kind_of(check_leave(PUBLIC, owner, 2)), None);
        let demote = check_set_role(PUBLIC, owner, ChannelRole::Owner, ChannelRole::Member, 1);
        assert_eq!(kind_of(demote), Some(ErrorKind::Conflict));
    }

    #[test]
    fn only_owners_change_roles_and_archive() {
        let admin = Viewer::member(ChannelRole::Admin);
        let set = check_set_role(PUBLIC, admin, ChannelRole::Member, ChannelRole::Admin, 1);
        assert_eq!(kind_of(set), Some(ErrorKind::Forbidden));
        assert_eq!(kind_of(check_archive(PUBLIC, admin)), Some(ErrorKind::Forbidden));
        assert_eq!(kind_of(check_archive(PUBLIC, SITE_ADMIN)), None);
        assert_eq!(
            kind_of(check_rotate_join_code(PUBLIC, admin)),
            Some(ErrorKind::Conflict)
        );
        assert_eq!(kind_of(check_rotate_join_code(PRIVATE, admin)), None);
    }

    #[test]
    fn message_edits_are_for_authors_and_deletes_for_moderators_too() {
        let member = Viewer::member(ChannelRole::Member);
        assert_eq!(kind_of(check_edit_message(PUBLIC, member, true)), None);
        assert_eq!(
            kind_of(check_edit_message(PUBLIC, Viewer::member(ChannelRole::Owner), false)),
            Some(ErrorKind::Forbidden)
        );
        assert_eq!(
            kind_of(check_delete_message(PUBLIC, member, false)),
            Some(ErrorKind::Forbidden)
        );
        assert_eq!(
            kind_of(check_delete_message(PUBLIC, Viewer::member(ChannelRole::Admin), false)),
            None
        );
        assert_eq!(
            kind_of(check_delete_message(PRIVATE, Viewer::STRANGER, false)),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(kind_of(check_delete_message(PRIVATE, SITE_ADMIN, false)), None);
    }

    fn any_kind() -> impl Strategy<Value = ChannelKind> {
        prop::sample::select(ChannelKind::ALL.to_vec())
    }

    fn any_role() -> impl Strategy<Value = Option<ChannelRole>> {
        prop::option::of(prop::sample::select(ChannelRole::ALL.to_vec()))
    }

    fn any_viewer() -> impl Strategy<Value = Viewer> {
        (any::<bool>(), any_role(), any::<bool>()).prop_map(|(is_site_admin, role, banned)| Viewer {
            is_site_admin,
            role,
            banned,
            timed_out_until: None,
            blocked_in_dm: false,
        })
    }

    proptest! {
        #[test]
        fn whoever_may_act_may_read(kind in any_kind(), archived in any::<bool>(), viewer in any_viewer()) {
            let channel = ChannelFacts { kind, archived };
            let readable = check_read(channel, viewer).is_ok();
            let actions = [
                check_post(channel, viewer, Utc::now()).is_ok(),
                check_react(channel, viewer).is_ok(),
                check_manage(channel, viewer).is_ok(),
                check_archive(channel, viewer).is_ok(),
                check_pin(channel, viewer).is_ok(),
                check_delete_message(channel, viewer, false).is_ok(),
            ];
            prop_assert!(readable || actions.iter().all(|allowed| !allowed));
        }

        #[test]
        fn those_who_may_not_see_get_not_found(kind in any_kind(), viewer in any_viewer()) {
            let channel = ChannelFacts { kind, archived: false };
            if !can_see(channel, viewer) {
                for result in [check_read(channel, viewer), check_manage(channel, viewer), check_pin(channel, viewer)] {
                    prop_assert_eq!(kind_of(result), Some(ErrorKind::NotFound));
                }
            }
        }

        #[test]
        fn nobody_but_site_admins_moderates_their_equals(kind in any_kind(), actor in any_role(), target in any_role()) {
            let channel = ChannelFacts { kind, archived: false };
            let viewer = Viewer { role: actor, ..Viewer::STRANGER };
            if check_moderate(channel, viewer, target).is_ok() {
                prop_assert!(actor.map_or(0, ChannelRole::rank) > target.map_or(0, ChannelRole::rank));
                prop_assert!(actor.is_some_and(|role| role.rank() >= ChannelRole::Admin.rank()));
            }
        }

        #[test]
        fn strangers_never_see_private_or_direct_channels(is_site_admin in any::<bool>()) {
            let viewer = Viewer { is_site_admin, ..Viewer::STRANGER };
            prop_assert!(!can_see(DM, viewer));
            prop_assert_eq!(can_see(PRIVATE, viewer), is_site_admin);
        }
    }
}
