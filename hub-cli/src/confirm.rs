//! The one question destructive commands ask: shown on stderr, No unless the answer is yes;
//! without a terminal it is not asked at all and the command needs `--yes` (exit 3).

use std::io::IsTerminal as _;

use anyhow::{Context as _, anyhow};

use crate::exit::Cancelled;
use crate::password::first_line;

/// Goes on when `yes` was given or the person answers yes to `question`.
pub fn confirm(yes: bool, question: &str) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(anyhow!(Cancelled(
            "not asking without a terminal: add --yes".to_owned()
        )));
    }
    eprint!("{question} [y/N] ");
    let answer = first_line(std::io::stdin().lock()).context("cannot read the answer")?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(anyhow!(Cancelled("cancelled; nothing changed".to_owned())))
    }
}
