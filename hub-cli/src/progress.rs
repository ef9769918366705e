//! Progress on stderr while a command sets up and runs (benchmarks, `hub seed`), hidden when
//! stderr is not a terminal. Figures themselves go to stdout as plain lines.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting `total` steps of a set-up stage (`register [=====>    ] 40/100`).
pub fn counting(stage: &str, total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(stage.to_owned());
    bar
}

/// A bar over the `length` of a measured phase; the caller sets its position in milliseconds
/// and shows live figures as its message.
pub fn timed(stage: &str, length: Duration) -> ProgressBar {
    let millis = u64::try_from(length.as_millis()).unwrap_or(u64::MAX);
    let bar = ProgressBar::with_draw_target(Some(millis), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {elapsed:>3} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(stage.to_owned());
    bar
}

/// A spinner for a wait of unknown length (draining, closing).
pub fn waiting(stage: &str) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix:>10} {spinner} {msg}") {
        spinner.set_style(style);
    }
    spinner.set_prefix(stage.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}
