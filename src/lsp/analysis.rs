//! One open document: its text, its version, and the analysis of that text
//! ([`crate::analysis::analyze`], the library's), with the conversions between the
//! protocol's positions (line and UTF-16 column) and byte offsets.

use crate::analysis::Analysis;
use crate::source::{SourceFile, Span};
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
    /// The lines of the analysed text (the text spans point into): a view of `analysis`.
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
            lines: Lines::default(),
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
        self.lines = Lines::of(a.clone());
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

/// The lines of an analysed text, for converting byte offsets (what spans hold) to and from
/// protocol positions (line and UTF-16 column): a thin view of the analysis' [`SourceFile`],
/// whose line index ([`SourceFile::line_starts`]) and conversions
/// ([`crate::source::utf16_position`], [`crate::source::utf16_offset`]) are the core's.
/// Before the first analysis it is the empty text.
#[derive(Clone, Default)]
pub struct Lines {
    analysis: Option<Arc<Analysis>>,
}

impl Lines {
    /// The lines of the text `a` analysed.
    pub fn of(a: Arc<Analysis>) -> Lines {
        Lines { analysis: Some(a) }
    }

    fn file(&self) -> Option<&SourceFile> {
        self.analysis.as_ref().map(|a| a.sources.get(a.file))
    }

    /// The byte offset of a protocol position; a position past the end of its line is the
    /// line's end, past the last line the text's end.
    pub fn offset(&self, p: Position) -> usize {
        self.file().map_or(0, |f| f.utf16_offset(p.line, p.character))
    }

    /// The protocol position of a byte offset (clamped to the text, and to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let (line, character) = self.file().map_or((0, 0), |f| f.utf16_position(offset));
        Position { line, character }
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
            end: self.position(usize::MAX),
        }
    }

    /// The byte range of a protocol range.
    pub fn bytes(&self, r: Range) -> std::ops::Range<usize> {
        match self.file() {
            Some(f) => bytes(&f.text, f.line_starts(), r),
            None => 0..0,
        }
    }
}

/// The byte range of a protocol range in `text` (`starts`: its
/// [`line_starts`](crate::source::line_starts)), for a text no analysis holds (an edit applied
/// before the next analysis).
pub fn bytes(text: &str, starts: &[usize], r: Range) -> std::ops::Range<usize> {
    let a = crate::source::utf16_offset(text, starts, r.start.line, r.start.character);
    let b = crate::source::utf16_offset(text, starts, r.end.line, r.end.character);
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        // `é` is one UTF-16 unit and two bytes; `𝄞` two units and four bytes
        let text = "ab\nxé𝄞y\n";
        let l = Lines::of(Arc::new(crate::analysis::analyze("t.ent", text)));
        let y = "ab\nxé𝄞".len();
        assert_eq!(l.position(y), Position { line: 1, character: 4 });
        assert_eq!(l.offset(Position { line: 1, character: 4 }), y);
        assert_eq!(l.offset(Position { line: 1, character: 99 }), "ab\nxé𝄞y".len());
        assert_eq!(l.offset(Position { line: 9, character: 0 }), text.len());
        // inside a multi-byte character: clamped to its start
        assert_eq!(l.position(4), Position { line: 1, character: 1 });
        assert_eq!(l.all().end, Position { line: 2, character: 0 });
        let r = Range {
            start: Position { line: 1, character: 4 },
            end: Position { line: 0, character: 1 },
        };
        assert_eq!(l.bytes(r), 1..y);
        assert_eq!(bytes(text, &crate::source::line_starts(text), r), 1..y);
        // before the first analysis: the empty text
        let empty = Lines::default();
        assert_eq!(empty.position(5), Position::default());
        assert_eq!(empty.offset(Position { line: 2, character: 3 }), 0);
    }

    #[test]
    fn file_uris_give_paths() {
        let uri: Uri = "file:///tmp/my%20policy.ent".parse().unwrap();
        assert_eq!(Doc::new(uri, 0, String::new()).name(), "/tmp/my policy.ent");
    }
}
