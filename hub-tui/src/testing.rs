//! Helpers the screens' snapshot tests share.

use ratatui::buffer::Buffer;

/// A drawn buffer as text, one line per row, trailing spaces cut.
pub fn buffer_text(buffer: &Buffer) -> String {
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
