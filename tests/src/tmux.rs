//! Whether the end-to-end stories of hub's full-screen programs can run here (the tmux driver
//! itself is `hub_tui::tmux`). Where tmux is missing a story says it was skipped, unless
//! `HUB_TEST_REQUIRE_TMUX` is set (`.ci/run` sets it and installs tmux), which makes a missing
//! tmux a failure.

use std::process::Command;

/// Whether tmux can be run here (announcing the skip when not).
pub fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var_os("HUB_TEST_REQUIRE_TMUX").is_none(),
            "HUB_TEST_REQUIRE_TMUX is set but tmux cannot be run"
        );
        crate::announce_skip(
            "the pseudo-terminal (tmux)",
            "up tmux (apt install tmux) and HUB_TEST_REQUIRE_TMUX",
        );
    }
    found
}
