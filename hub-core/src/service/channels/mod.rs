//! Channels and membership: create, read, list, update, archive, join and leave, members,
//! roles, time-outs, bans, read markers, notification levels, pins, direct conversations.

mod access;
mod bans;
mod create;
mod direct;
mod join;
mod members;
mod pins;
mod read;
mod reading_state;
mod update;

pub(crate) use access::ChannelContext;
