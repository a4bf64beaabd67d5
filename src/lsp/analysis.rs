//! One open document: its text, its version, and the analysis of that text
//! ([`crate::analysis::analyze`], the library's), with the conversions between the
//! protocol's positions (line and UTF-16 column) and byte offsets.

use crate::analysis::Analysis;
use crate::source::Span;
use lsp_types::{Position, Range, Uri};
use std::sync::Arc;
use std::time::Instant;

/// An open document.
pub struct Doc {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    /// The analysis of `text`, when it is up to date.
    pub analysis: Option<Arc<Analysis>>,
    /// The lines of the analysed text (the text spans point into).
    pub lines: Lines,
    /// When the text changed last without being analysed since: diagnostics are recomputed
    /// once the debounce delay has passed after it.
    pub dirty_since: Option<Instant>,
}

impl Doc {
    pub fn new(uri: Uri, version: i32, text: String) -> Doc {
        Doc {
            uri,
            version,
            lines: Lines::new(&text),
            text,
            analysis: None,
            dirty_since: Some(Instant::now()),
        }
    }

    /// The file name diagnostics and lint help lines use: the path of a `file:` URI.
    pub fn name(&self) -> String {
        let s = self.uri.as_str();
        match s.strip_prefix("file://") {
            Some(p) => percent_decode(p),
            None => s.to_string(),
        }
    }

    /// The analysis of the current text, computed now when the text changed since.
    pub fn analysed(&mut self) -> Arc<Analysis> {
        if let (Some(a), None) = (&self.analysis, self.dirty_since) {
            return a.clone();
        }
        let a = Arc::new(crate::analysis::analyze(&self.name(), &self.text));
        self.lines = Lines::new(&self.text);
        self.analysis = Some(a.clone());
        self.dirty_since = None;
        a
    }

    /// Replace the text (a full-document change).
    pub fn set_text(&mut self, version: i32, text: String) {
        self.version = version;
        self.text = text;
        self.dirty_since = Some(Instant::now());
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Line starts of a text, for converting offsets to and from protocol positions.
#[derive(Clone, Debug, Default)]
pub struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            text: text.to_string(),
            starts,
        }
    }

    /// The byte offset of a protocol position; a position past the end of its line is the
    /// line's end, past the last line the text's end.
    pub fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let end = self.starts.get(p.line as usize + 1).map_or(self.text.len(), |e| e - 1);
        let line = &self.text[start..end];
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= p.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    /// The protocol position of a byte offset (clamped to the text, and to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = self.text[start..offset].chars().map(|c| c.len_utf16() as u32).sum();
        Position {
            line: line as u32,
            character,
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start as usize),
            end: self.position(span.end as usize),
        }
    }

    /// The whole text's range.
    pub fn all(&self) -> Range {
        Range {
            start: Position::default(),
            end: self.position(self.text.len()),
        }
    }

    /// The byte range of a protocol range.
    pub fn bytes(&self, r: Range) -> std::ops::Range<usize> {
        let (a, b) = (self.offset(r.start), self.offset(r.end));
        a.min(b)..a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        // `é` is one UTF-16 unit and two bytes; `𝄞` two units and four bytes
        let l = Lines::new("ab\nxé𝄞y\n");
        let y = "ab\nxé𝄞".len();
        assert_eq!(l.position(y), Position { line: 1, character: 4 });
        assert_eq!(l.offset(Position { line: 1, character: 4 }), y);
        assert_eq!(l.offset(Position { line: 1, character: 99 }), "ab\nxé𝄞y".len());
        assert_eq!(l.offset(Position { line: 9, character: 0 }), "ab\nxé𝄞y\n".len());
        // inside a multi-byte character: clamped to its start
        assert_eq!(l.position(4), Position { line: 1, character: 1 });
    }

    #[test]
    fn file_uris_give_paths() {
        let uri: Uri = "file:///tmp/my%20policy.ent".parse().unwrap();
        assert_eq!(Doc::new(uri, 0, String::new()).name(), "/tmp/my policy.ent");
    }
}
