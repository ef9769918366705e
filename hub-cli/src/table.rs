//! Plain-text tables: left-aligned columns two spaces apart, sized to their widest cell.

/// Renders `headers` and `rows` as lines of text, each ending in a newline. The last column is
/// not padded, so lines carry no trailing spaces.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_cells: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header_cells).chain(rows) {
        let last = row.len().saturating_sub(1);
        for (index, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if index < last {
                let width = widths.get(index).copied().unwrap_or(0);
                let padding = width.saturating_sub(cell.chars().count()) + 2;
                out.extend(std::iter::repeat_n(' ', padding));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_under_their_headers() {
        let rows = vec![
            vec!["alice".to_owned(), "Alice Liddell".to_owned(), "yes".to_owned()],
            vec!["bob".to_owned(), "".to_owned(), "no".to_owned()],
        ];
        let text = render(&["USERNAME", "FULL NAME", "ADMIN"], &rows);
        assert_eq!(
            text,
            "USERNAME  FULL NAME      ADMIN\n\
             alice     Alice Liddell  yes\n\
             bob                      no\n"
        );
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        let rows = vec![vec!["zoë".to_owned(), "x".to_owned()]];
        assert_eq!(render(&["N", "X"], &rows), "N    X\nzoë  x\n");
    }

    #[test]
    fn no_rows_is_just_the_header() {
        assert_eq!(render(&["A", "B"], &[]), "A  B\n");
    }
}
