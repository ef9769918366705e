//! Getting a new account's password from the operator: the first line of standard input
//! (`--password-stdin`), or asked twice on the terminal without echo.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context as _, bail};

/// The password for `username`, from standard input or from a hidden prompt.
pub fn read_new_password(username: &str, from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        return first_line(std::io::stdin().lock());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "standard input is not a terminal, so hub cannot ask for a password; \
             pipe it in with --password-stdin, e.g. \
             printf '%s\\n' \"$PASSWORD\" | hub users create {username} --password-stdin"
        );
    }
    let first = rpassword::prompt_password(format!("Password for {username}: "))
        .context("cannot read the password from the terminal")?;
    let second =
        rpassword::prompt_password("Repeat the password: ").context("cannot read the password from the terminal")?;
    if first != second {
        bail!("the two passwords differ; no account was created");
    }
    Ok(first)
}

/// The first line of `input` without its line ending; spaces are kept, they may be part of
/// the password.
pub fn first_line(mut input: impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    let read = input
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    if read == 0 {
        bail!("--password-stdin was given but standard input is empty");
    }
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_line_ending_is_stripped() -> anyhow::Result<()> {
        assert_eq!(first_line(&b"hunter22 \n"[..])?, "hunter22 ");
        assert_eq!(first_line(&b"windows\r\n"[..])?, "windows");
        assert_eq!(first_line(&b"no newline"[..])?, "no newline");
        assert_eq!(
            first_line(&b"first\nsecond\n"[..])?,
            "first",
            "only the first line is the password"
        );
        Ok(())
    }

    #[test]
    fn empty_input_is_an_error_but_an_empty_line_is_a_password() -> anyhow::Result<()> {
        assert!(first_line(&b""[..]).is_err());
        // The password policy, not the reader, refuses an empty password.
        assert_eq!(first_line(&b"\n"[..])?, "");
        Ok(())
    }
}
