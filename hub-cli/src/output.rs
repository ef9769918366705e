//! Data for scripts on stdout: `--format json` prints one document (indented), `--format jsonl`
//! one compact JSON value a line (a list's items one a line), ready for `jq -c` and line tools.
//! Streams (`hub tail`, `hub audit list --follow`) print one value a line either way.

use std::io::Write as _;

use serde::Serialize;

use crate::args::Format;

/// Prints `value`: indented for `json`, on one line for `jsonl`.
pub fn json<T: Serialize>(value: &T, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Jsonl => line(value),
        _ => {
            println!("{}", serde_json::to_string_pretty(value)?);
            Ok(())
        }
    }
}

/// Prints a list: the whole document (with its paging) for `json`, each item on its own line
/// for `jsonl`.
pub fn list<W: Serialize, T: Serialize>(whole: &W, items: &[T], format: Format) -> anyhow::Result<()> {
    match format {
        Format::Jsonl => items.iter().try_for_each(line),
        _ => json(whole, format),
    }
}

/// One value on one line, flushed at once, so a script reading line by line sees it now.
pub fn line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string(value)?)?;
    out.flush()?;
    Ok(())
}
