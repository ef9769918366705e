//! Whether a client and the server it talks to speak the same protocol, from their versions.
//!
//! Versions follow Cargo's semver reading: below 1.0 a new minor version may break the API,
//! from 1.0 on only a new major version does. Patch releases never do.

use semver::Version;

/// This build's version: clients compare it with the one the server reports on `/healthz`.
pub const THIS_BUILD: &str = env!("CARGO_PKG_VERSION");

/// What a client should make of the server's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compatibility {
    /// Same API: nothing to say.
    Compatible,
    /// The API may differ; `server` is the version it reported.
    Mismatch {
        /// The server's version as it reported it.
        server: String,
        /// Whether the server is the newer side (so the client is the one to upgrade).
        server_is_newer: bool,
    },
    /// The server reported nothing readable (an older server, or a proxy's answer).
    Unknown,
}

/// Compares `client` with `server` (both as reported, e.g. `0.1.0`).
pub fn compatibility(client: &str, server: Option<&str>) -> Compatibility {
    let (Ok(ours), Some(Ok(theirs))) = (Version::parse(client), server.map(Version::parse)) else {
        return Compatibility::Unknown;
    };
    if api_line(&ours) == api_line(&theirs) {
        return Compatibility::Compatible;
    }
    Compatibility::Mismatch {
        server: theirs.to_string(),
        server_is_newer: theirs > ours,
    }
}

/// The part of a version that changes when the API may: `(0, minor)` below 1.0, `(major, 0)` after.
fn api_line(version: &Version) -> (u64, u64) {
    if version.major == 0 {
        (0, version.minor)
    } else {
        (version.major, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(server: &str, server_is_newer: bool) -> Compatibility {
        Compatibility::Mismatch {
            server: server.to_owned(),
            server_is_newer,
        }
    }

    #[test]
    fn patch_releases_stay_compatible() {
        assert_eq!(compatibility("0.1.0", Some("0.1.7")), Compatibility::Compatible);
        assert_eq!(compatibility("1.4.2", Some("1.4.0")), Compatibility::Compatible);
    }

    #[test]
    fn below_one_a_new_minor_version_is_a_mismatch() {
        assert_eq!(compatibility("0.1.0", Some("0.2.0")), mismatch("0.2.0", true));
        assert_eq!(compatibility("0.3.1", Some("0.2.9")), mismatch("0.2.9", false));
    }

    #[test]
    fn from_one_on_only_a_new_major_version_is_a_mismatch() {
        assert_eq!(compatibility("1.2.0", Some("1.9.0")), Compatibility::Compatible);
        assert_eq!(compatibility("1.2.0", Some("2.0.0")), mismatch("2.0.0", true));
        assert_eq!(compatibility("1.0.0", Some("0.9.0")), mismatch("0.9.0", false));
    }

    #[test]
    fn a_server_that_reports_nothing_readable_is_unknown_not_a_mismatch() {
        assert_eq!(compatibility("0.1.0", None), Compatibility::Unknown);
        assert_eq!(compatibility("0.1.0", Some("nightly")), Compatibility::Unknown);
    }

    #[test]
    fn this_build_is_compatible_with_itself() {
        assert_eq!(compatibility(THIS_BUILD, Some(THIS_BUILD)), Compatibility::Compatible);
    }
}
