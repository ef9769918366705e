//! One module per command, each a thin shell: read the arguments, call hub-core, print the result.
//! `bench` is the exception: its workloads are load generators, and most of their code is theirs.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod channels;
pub mod chat;
pub mod doctor;
pub mod help;
pub mod messages;
pub mod migrate;
pub mod reports;
pub mod seed;
pub mod users;
