//! Driving a full-screen program in a real pseudo-terminal: a tmux server of its own (`-L`, so
//! nothing touches the user's sessions), one session running the program, keys sent in and the
//! screen read back. `hub bench tui` measures hub-tui this way, and the end-to-end stories of
//! hub-tui and `hub reports triage` use it too.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// One program running in a tmux session; the tmux server goes when this is dropped.
pub struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a `width` x `height` terminal. `label` names
    /// the tmux server (made unique per process).
    pub fn start(label: &str, command: &str, width: u16, height: u16) -> std::io::Result<Tmux> {
        let tmux = Tmux {
            socket: format!("hub-{label}-{}", std::process::id()),
            session: "main".to_owned(),
        };
        let (width, height) = (width.to_string(), height.to_string());
        let started = tmux.run(&["new-session", "-d", "-s", "main", "-x", &width, "-y", &height, command])?;
        if !started.status.success() {
            return Err(std::io::Error::other(format!(
                "tmux new-session: {}",
                String::from_utf8_lossy(&started.stderr)
            )));
        }
        Ok(tmux)
    }

    /// Runs a tmux command against this server.
    pub fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output()
    }

    /// Sends keys by tmux's names (`Enter`, `Escape`, `C-k`, or letters).
    pub fn keys(&self, keys: &[&str]) -> std::io::Result<()> {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        self.run(&args).map(drop)
    }

    /// Types text literally.
    pub fn text(&self, text: &str) -> std::io::Result<()> {
        self.run(&["send-keys", "-t", &self.session, "-l", text]).map(drop)
    }

    /// The process id of the program in the pane (started with `exec`, it is the program).
    pub fn pane_pid(&self) -> Option<u32> {
        let out = self
            .run(&["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    /// The screen as it is now.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.session])
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Waits (up to 20 s) until the screen shows `text`; the screen as it was when it did, or
    /// the failure with the screen it showed instead.
    pub async fn wait_for(&self, text: &str) -> Result<String, String> {
        self.wait_until(text, |screen| screen.contains(text)).await
    }

    /// Waits (up to 20 s) until `ready` holds for the screen; `what` describes it for the failure.
    pub async fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> Result<String, String> {
        self.watch(what, Duration::from_secs(20), Duration::from_millis(100), ready)
            .await
    }

    /// Reads the screen every `every` until `ready` holds for it (the screen then), or `within`
    /// has passed (the failure, with the screen it showed instead).
    pub async fn watch(
        &self,
        what: &str,
        within: Duration,
        every: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return Ok(screen);
            }
            if Instant::now() > deadline {
                return Err(format!("the screen never showed {what:?}; it shows:\n{screen}"));
            }
            tokio::time::sleep(every).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
