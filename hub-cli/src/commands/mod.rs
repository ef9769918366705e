//! One module per command, each a thin shell: read the arguments, call hub-core, print the result.

pub mod migrate;
pub mod users;
