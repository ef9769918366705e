//! Reports and their triage: anyone reports a user or a message they can see, with the
//! evidence captured at that moment; site admins work the queue, resolving (with an action
//! done through the same calls as everywhere else) or dismissing, each step in the audit log.

mod create;
mod queue;
mod resolve;

pub use queue::ReportQuery;
