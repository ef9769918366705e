//! The one error type of hub. Every failure a caller can see carries an [`ErrorKind`] (a stable
//! snake_case code), a human message, and optionally the offending field and structured details.
//! Internal causes (database, I/O) are kept as the `source` for logs and never sent to clients.

use std::time::Duration;

use serde::Serialize;

/// Result with hub's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a stable code a front end can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The body is not valid JSON (or not a valid form).
    InvalidJson,
    /// A field is missing or has a value the rules refuse.
    InvalidInput,
    /// The password does not meet the password policy.
    WeakPassword,
    /// The body's content type is not one this route accepts.
    UnsupportedMediaType,
    /// No bearer token was given where one is required.
    MissingToken,
    /// The token is malformed, has a bad signature, or belongs to a revoked session.
    InvalidToken,
    /// The token was valid but has expired.
    TokenExpired,
    /// Wrong username or password.
    InvalidCredentials,
    /// A refresh token was presented a second time; its whole family is now revoked.
    RefreshTokenReused,
    /// The account is suspended by a site admin.
    AccountSuspended,
    /// Authenticated, but not allowed to do this.
    Forbidden,
    /// One of the two people blocks the other.
    Blocked,
    /// The person takes direct conversations only after a chat request is accepted.
    ChatRequestRequired,
    /// The person takes no new direct conversations.
    ChatClosed,
    /// The thing does not exist, or the caller may not know it exists.
    NotFound,
    /// No route has this path.
    RouteNotFound,
    /// The path exists but not with this method.
    MethodNotAllowed,
    /// The username is already taken (case-insensitively).
    UsernameTaken,
    /// The email is already in use by another account.
    EmailTaken,
    /// Another channel already has this name.
    ChannelNameTaken,
    /// Any other conflict with the current state.
    Conflict,
    /// The request body is over the configured limit.
    PayloadTooLarge,
    /// A download's `Range` lies outside the file.
    RangeNotSatisfiable,
    /// Too many requests; retry after the given delay.
    RateLimited,
    /// A dependency (database, identity provider) is unavailable right now.
    Unavailable,
    /// A bug or an unexpected failure; details are only in the server log.
    Internal,
}

impl ErrorKind {
    /// Every kind, for documentation and exhaustive tests.
    pub const ALL: [ErrorKind; 26] = [
        ErrorKind::InvalidJson,
        ErrorKind::InvalidInput,
        ErrorKind::WeakPassword,
        ErrorKind::UnsupportedMediaType,
        ErrorKind::MissingToken,
        ErrorKind::InvalidToken,
        ErrorKind::TokenExpired,
        ErrorKind::InvalidCredentials,
        ErrorKind::RefreshTokenReused,
        ErrorKind::AccountSuspended,
        ErrorKind::Forbidden,
        ErrorKind::Blocked,
        ErrorKind::ChatRequestRequired,
        ErrorKind::ChatClosed,
        ErrorKind::NotFound,
        ErrorKind::RouteNotFound,
        ErrorKind::MethodNotAllowed,
        ErrorKind::UsernameTaken,
        ErrorKind::EmailTaken,
        ErrorKind::ChannelNameTaken,
        ErrorKind::Conflict,
        ErrorKind::PayloadTooLarge,
        ErrorKind::RangeNotSatisfiable,
        ErrorKind::RateLimited,
        ErrorKind::Unavailable,
        ErrorKind::Internal,
    ];

    /// The snake_case code sent in error bodies.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::WeakPassword => "weak_password",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::MissingToken => "missing_token",
            ErrorKind::InvalidToken => "invalid_token",
            ErrorKind::TokenExpired => "token_expired",
            ErrorKind::InvalidCredentials => "invalid_credentials",
            ErrorKind::RefreshTokenReused => "refresh_token_reused",
            ErrorKind::AccountSuspended => "account_suspended",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Blocked => "blocked",
            ErrorKind::ChatRequestRequired => "chat_request_required",
            ErrorKind::ChatClosed => "chat_closed",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RouteNotFound => "route_not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::UsernameTaken => "username_taken",
            ErrorKind::EmailTaken => "email_taken",
            ErrorKind::ChannelNameTaken => "channel_name_taken",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::RangeNotSatisfiable => "range_not_satisfiable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A hub error: a kind, a message for humans, and where it applies.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// The stable code.
    pub kind: ErrorKind,
    /// Human-readable text, safe to show to the caller.
    pub message: String,
    /// The request field this error is about, when there is one.
    pub field: Option<String>,
    /// Extra structured facts (for example the limit that was passed).
    pub details: Option<serde_json::Value>,
    /// For [`ErrorKind::RateLimited`]: when to try again.
    pub retry_after: Option<Duration>,
    /// The internal cause, for logs only.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            field: None,
            details: None,
            retry_after: None,
            source: None,
        }
    }

    /// Bad input in one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message).with_field(field)
    }

    /// Something that does not exist (or that the caller may not see).
    pub fn not_found(what: &str) -> Self {
        Error::new(ErrorKind::NotFound, format!("{what} not found"))
    }

    /// Not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Forbidden, message)
    }

    /// An unexpected failure; the cause goes to the log, a generic message to the caller.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::new(ErrorKind::Internal, "internal error").with_source(cause)
    }

    /// Names the request field this error is about.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Attaches structured details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Attaches the internal cause.
    pub fn with_source(mut self, cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.source = Some(cause.into());
        self
    }
}

impl From<sqlx::Error> for Error {
    fn from(cause: sqlx::Error) -> Self {
        database_error(cause)
    }
}

/// A failure that several requests share (a batched read's, `store::pg_reads`).
impl From<std::sync::Arc<sqlx::Error>> for Error {
    fn from(cause: std::sync::Arc<sqlx::Error>) -> Self {
        database_error(cause)
    }
}

/// `unavailable` when the database is away, else an internal error.
fn database_error<E>(cause: E) -> Error
where
    E: std::borrow::Borrow<sqlx::Error> + std::error::Error + Send + Sync + 'static,
{
    match is_database_away(cause.borrow()) {
        true => database_unavailable(cause),
        false => Error::internal(cause),
    }
}

/// Whether `cause` says the database is away rather than that the request was wrong.
fn is_database_away(cause: &sqlx::Error) -> bool {
    match cause {
        // A connection that breaks or is closed mid-handshake (a restart, a proxy in
        // between going away) is the database being away, not a bad request.
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(err) => err.code().is_some_and(|code| is_unavailable_state(&code)),
        _ => false,
    }
}

/// The database cannot be reached or is restarting: `unavailable` (503) with `Retry-After`,
/// for clients to try again shortly; nothing was written.
fn database_unavailable(cause: impl std::error::Error + Send + Sync + 'static) -> Error {
    let mut err =
        Error::new(ErrorKind::Unavailable, "the database is unavailable; try again shortly").with_source(cause);
    err.retry_after = Some(std::time::Duration::from_secs(1));
    err
}

/// PostgreSQL's SQLSTATEs for a server that is going away, starting up or refusing
/// connections: class 08 (connection exception), `57P01`-`57P03` (admin shutdown, crash
/// shutdown, cannot connect now) and `53300` (too many connections).
fn is_unavailable_state(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

impl From<rusqlite::Error> for Error {
    fn from(cause: rusqlite::Error) -> Self {
        match cause.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            | Some(rusqlite::ErrorCode::SystemIoFailure | rusqlite::ErrorCode::DiskFull) => database_unavailable(cause),
            _ => Error::internal(cause),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(cause: sqlx::migrate::MigrateError) -> Self {
        Error::internal(cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_match_serde() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            assert!(seen.insert(kind.code()), "duplicate code {}", kind.code());
            let json = serde_json::to_value(kind).unwrap_or_default();
            assert_eq!(json, serde_json::Value::String(kind.code().to_owned()));
        }
    }

    #[test]
    fn database_causes_are_not_in_the_message() {
        let err = Error::from(sqlx::Error::RowNotFound);
        assert_eq!(err.kind, ErrorKind::Internal);
        assert_eq!(err.message, "internal error");
    }
}
