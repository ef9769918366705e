//! `hub completions` and `hub man`: generated from the same clap definitions as the commands,
//! so they never drift from them.

use clap::CommandFactory as _;

use crate::args::Cli;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "hub", &mut std::io::stdout());
    Ok(())
}

/// Prints the manual page.
pub fn man() -> anyhow::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(())
}
