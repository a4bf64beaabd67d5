//! The one scanner of policy text for the places that need its lexical structure without
//! parsing it: where strings and comments are, so that braces, `#` and quotes inside them are
//! not taken for code. The comment list the formatter keeps, parser recovery's brace count,
//! the edit engine's search for a block's `{` and the REPL's cursor all read these pieces.

use std::ops::Range;

/// A stretch of policy text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Anything outside strings and comments.
    Code(Range<usize>),
    /// A string from its opening `"` to its closing one (included), or to the end of its line
    /// when it is not terminated (strings stay on one line; `\"` and `\\` are escapes).
    Str(Range<usize>),
    /// A `#` comment, to the end of its line (the line break excluded).
    Comment(Range<usize>),
}

/// The pieces of `text`, in order; together they cover it exactly.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces {
        bytes: text.as_bytes(),
        at: 0,
    }
}

/// The iterator of [`pieces`].
pub struct Pieces<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        let bytes = self.bytes;
        let start = self.at;
        if start >= bytes.len() {
            return None;
        }
        let end = match bytes[start] {
            b'"' => {
                let mut i = start + 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => break i,
                        Some(b'"') => break i + 1,
                        Some(b'\\') if i + 1 < bytes.len() && bytes[i + 1] != b'\n' => i += 2,
                        Some(_) => i += 1,
                    }
                }
            }
            b'#' => memchr_newline(bytes, start),
            _ => bytes[start..]
                .iter()
                .position(|&b| b == b'"' || b == b'#')
                .map_or(bytes.len(), |n| start + n),
        };
        self.at = end;
        Some(match bytes[start] {
            b'"' => Piece::Str(start..end),
            b'#' => Piece::Comment(start..end),
            _ => Piece::Code(start..end),
        })
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| from + n)
}

/// The code bytes of `text` (outside strings and comments) with their offsets.
pub fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    pieces(text)
        .filter_map(|p| match p {
            Piece::Code(r) => Some(r),
            _ => None,
        })
        .flat_map(move |r| r.clone().zip(text.as_bytes()[r].iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_text_and_keep_strings_and_comments_apart() {
        let text = "a { \"x # } \\\" y\" # c { }\nb \"open\n}";
        let ps: Vec<Piece> = pieces(text).collect();
        assert_eq!(
            ps,
            vec![
                Piece::Code(0..4),
                Piece::Str(4..16),
                Piece::Code(16..17),
                Piece::Comment(17..24),
                Piece::Code(24..27),
                Piece::Str(27..32),
                Piece::Code(32..34),
            ]
        );
        let braces: String = code_bytes(text)
            .map(|(_, b)| b as char)
            .filter(|c| "{}".contains(*c))
            .collect();
        assert_eq!(braces, "{}");
    }
}
