//! A text box being written in: the text and the cursor (a byte offset on a character boundary).
//! Multi-line: Alt-Enter adds a line, Enter sends.

/// A composer's text and cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Composer {
    /// What is written.
    pub text: String,
    /// Where the cursor is, in bytes.
    pub cursor: usize,
}

impl Composer {
    /// A composer holding `text`, the cursor at its end.
    pub fn with_text(text: impl Into<String>) -> Composer {
        let text = text.into();
        Composer {
            cursor: text.len(),
            text,
        }
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Types a character at the cursor.
    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    /// Types text at the cursor.
    pub fn insert_str(&mut self, text: &str) {
        self.text.insert_str(self.cursor, text);
        self.cursor += text.len();
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// Moves the cursor to the start of its line.
    pub fn home(&mut self) {
        self.cursor = self.text[..self.cursor].rfind('\n').map_or(0, |at| at + 1);
    }

    /// Moves the cursor to the end of its line.
    pub fn end(&mut self) {
        self.cursor = self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |at| self.cursor + at);
    }

    /// Empties the composer, returning what was written.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// The word being typed just before the cursor (for completion), and where it starts.
    pub fn word_before_cursor(&self) -> (usize, &str) {
        let before = &self.text[..self.cursor];
        let start = before.rfind(char::is_whitespace).map_or(0, |at| at + 1);
        (start, &before[start..])
    }

    /// Replaces the text from `start` to the cursor with `with`.
    pub fn replace_before_cursor(&mut self, start: usize, with: &str) {
        self.text.replace_range(start..self.cursor, with);
        self.cursor = start + with.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_and_deleting_respects_multibyte_characters() {
        let mut composer = Composer::default();
        for c in "né👍".chars() {
            composer.insert(c);
        }
        composer.backspace();
        assert_eq!(composer.text, "né");
        composer.left();
        composer.insert('x');
        assert_eq!(composer.text, "nxé");
        composer.end();
        composer.insert('!');
        assert_eq!(composer.text, "nxé!");
    }

    #[test]
    fn home_and_end_stay_on_the_cursor_line() {
        let mut composer = Composer::with_text("first\nsecond");
        composer.home();
        assert_eq!(composer.cursor, 6);
        composer.left();
        composer.home();
        assert_eq!(composer.cursor, 0);
        composer.end();
        assert_eq!(composer.cursor, 5);
    }

    #[test]
    fn completion_replaces_only_the_word_being_typed() {
        let mut composer = Composer::with_text("hi @al");
        let (start, word) = composer.word_before_cursor();
        assert_eq!(word, "@al");
        composer.replace_before_cursor(start, "@alice ");
        assert_eq!(composer.text, "hi @alice ");
        assert_eq!(composer.cursor, composer.text.len());
    }
}
