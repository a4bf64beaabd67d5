//! Source text, file ids, spans and line/column lookup.
//!
//! Every AST node carries a [`Span`] into a [`Sources`] table, so that a decision, a lint
//! warning or an error can point back at the text a person wrote — even when that text came
//! from a what-if statement typed into the REPL rather than from the policy file.

use std::ops::Range;

/// Index of a file in a [`Sources`] table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct FileId(
    /// The file's position in its table: files are numbered from 0 in the order they were
    /// added ([`Sources::add`]).
    pub u32,
);

/// A byte range in one source file.
///
/// Offsets are 32-bit (policy files are at most [`MAX_SOURCE_BYTES`](crate::MAX_SOURCE_BYTES)).
/// `Span::default()` (file 0, the empty range at offset 0) is also the `source` of a decision
/// that rests on a principal described at request time ([`crate::request`]), whose statements
/// have no place in the sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte, from the start of the file's text.
    pub start: u32,
    /// Byte offset just past the last byte (exclusive; `start <= end`).
    pub end: u32,
}

impl Span {
    /// The span of the byte range `range` of `file` (offsets must fit in 32 bits).
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }
    /// The byte range, for slicing the file's text.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One source file: its display name (the path as given), its text and its line starts.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The display name shown in diagnostics and [`Location`]s: the path as given, or a
    /// label such as `<what-if>` for text that came from no file.
    pub name: String,
    /// The whole text, as added.
    pub text: String,
    /// Where each line starts, built on first use: a question answered from the cache never
    /// needs it, and on a large account it costs a scan of the whole text.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Bytes scanned for lines before the index was built: a few lookups (a question about one
    /// principal) count lines in the text directly; once they have scanned twice its length
    /// the index is built (see [`SourceFile::lines_by_scan`]).
    scanned: Scanned,
    /// The file as ariadne renders it, built on first use and then shared by every diagnostic
    /// (building it costs the whole file: once per diagnostic would be quadratic).
    rendered: std::sync::OnceLock<ariadne::Source<String>>,
    /// (byte offset, characters before it) every `CHECKPOINT` bytes, built on first use.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// The number of line breaks in `bytes` (a loop the compiler vectorises).
fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// A counter that clones as its value (a `SourceFile` is cloned with its text).
#[derive(Debug, Default)]
struct Scanned(std::sync::atomic::AtomicUsize);

impl Clone for Scanned {
    fn clone(&self) -> Scanned {
        Scanned(self.0.load(std::sync::atomic::Ordering::Relaxed).into())
    }
}

/// Bytes between two checkpoints of [`SourceFile::chars_before`].
const CHECKPOINT: usize = 4096;

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        SourceFile {
            name,
            text,
            line_starts: std::sync::OnceLock::new(),
            scanned: Scanned::default(),
            rendered: std::sync::OnceLock::new(),
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// The file for ariadne (see [`crate::diag`]).
    pub(crate) fn rendered(&self) -> &ariadne::Source<String> {
        self.rendered.get_or_init(|| ariadne::Source::from(self.text.clone()))
    }

    /// The byte offset where each line starts (the first is 0; a line starts after each
    /// `\n`, so a text ending in a newline has an empty last line), built on first use and
    /// then kept: [`line_starts`] of the text.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The protocol position (0-based line, 0-based column in UTF-16 code units, as the
    /// Language Server Protocol counts them) of a byte offset: [`utf16_position`] on this
    /// file's text and line starts.
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        utf16_position(&self.text, self.line_starts(), offset)
    }

    /// The byte offset of a protocol position (0-based line, UTF-16 column): [`utf16_offset`]
    /// on this file's text and line starts.
    pub fn utf16_offset(&self, line: u32, character: u32) -> usize {
        utf16_offset(&self.text, self.line_starts(), line, character)
    }

    /// Whether a lookup that scans `bytes` of the text may do so instead of building the line
    /// index: until the scans add up to twice the text's length, so that the index is only
    /// built where it pays (a question about one principal on a large account looks up a few
    /// lines; a report, thousands), and all scans cost at most twice building it.
    fn lines_by_scan(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.line_starts.get().is_none()
            && self.scanned.0.fetch_add(bytes, Relaxed).saturating_add(bytes) <= 2 * self.text.len()
    }

    /// 0-based index of the line holding a byte offset, and where that line starts.
    fn line_and_start(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if self.lines_by_scan(offset) {
            let before = &self.text.as_bytes()[..offset];
            let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            return (newlines(before), start);
        }
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line, starts[line])
    }

    /// Where the 0-based line `line` starts, if the text has that many lines.
    fn line_start(&self, line: usize) -> Option<usize> {
        if line == 0 {
            return Some(0);
        }
        if !self.lines_by_scan(self.text.len()) {
            return self.line_starts().get(line).copied();
        }
        // the `line`-th newline, counted a block at a time
        let bytes = self.text.as_bytes();
        let mut seen = 0;
        for (i, block) in bytes.chunks(1 << 16).enumerate() {
            let n = newlines(block);
            if seen + n >= line {
                let (at, _) = block
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .nth(line - seen - 1)?;
                return Some((i << 16) + at + 1);
            }
            seen += n;
        }
        None
    }

    /// 0-based index of the line holding a byte offset.
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        self.line_and_start(offset).0
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let (line, start) = self.line_and_start(offset);
        let col = if self.text.is_char_boundary(start) && self.text.is_char_boundary(offset) {
            // (a short line is counted directly: the checkpoints are for very long lines)
            if offset - start < CHECKPOINT {
                self.text[start..offset].chars().count()
            } else {
                self.chars_before(offset) - self.chars_before(start)
            }
        } else {
            offset - start
        };
        (line + 1, col + 1)
    }

    /// The character offset of a byte offset (rounded down to a character boundary, and to
    /// the end of the text).
    pub(crate) fn char_offset(&self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        self.chars_before(byte)
    }

    /// The number of characters before a byte offset (a character boundary). Counting from a
    /// checkpoint every `CHECKPOINT` bytes keeps this cheap on a line megabytes long that holds
    /// thousands of spans.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut out = vec![];
            let (mut at, mut chars) = (0, 0);
            while at < bytes.len() {
                out.push((at, chars));
                let mut next = (at + CHECKPOINT).min(bytes.len());
                while !self.text.is_char_boundary(next) {
                    next += 1;
                }
                chars += self.text[at..next].chars().count();
                at = next;
            }
            out
        });
        let i = checkpoints.partition_point(|&(at, _)| at <= offset);
        match i.checked_sub(1).and_then(|i| checkpoints.get(i)) {
            Some(&(at, chars)) => chars + self.text[at..offset].chars().count(),
            None => 0,
        }
    }

    /// The length in bytes of the lines a byte range touches, from the start of its first line
    /// to the end of its last.
    pub(crate) fn lines_len(&self, range: Range<usize>) -> usize {
        let (_, start) = self.line_and_start(range.start);
        let (last, _) = self.line_and_start(range.end);
        let end = self.line_start(last + 1).unwrap_or(self.text.len());
        end.saturating_sub(start)
    }

    /// The text of the 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.line_start(line.saturating_sub(1)) else {
            return "";
        };
        let end = self.text[start..].find('\n').map_or(self.text.len(), |e| start + e);
        self.text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }
}

/// The byte offset where each line of `text` starts: 0, then just past every `\n` (a `\r`
/// before it stays on its line).
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(newlines(bytes) + 1);
    starts.push(0);
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// The position of byte `offset` of `text` as (0-based line, 0-based column counted in UTF-16
/// code units), the Language Server Protocol's count; `starts` is [`line_starts`] of `text`.
/// An offset past the end is the end of the text; an offset inside a character is that
/// character's start. A `\r` before a line's `\n` counts as a column of its line.
pub fn utf16_position(text: &str, starts: &[usize], offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let start = starts.get(line).copied().unwrap_or(0).min(offset);
    let character = text[start..offset].chars().map(|c| c.len_utf16() as u32).sum();
    (line as u32, character)
}

/// The byte offset of the position (0-based `line`, `character` counted in UTF-16 code units)
/// in `text`; `starts` is [`line_starts`] of `text`. A column past the end of its line is the
/// line's end (just before its `\n`); a line past the last is the end of the text; a column in
/// the middle of a character (between the two halves of a surrogate pair) is the next
/// character's start. The inverse of [`utf16_position`] on every character boundary.
pub fn utf16_offset(text: &str, starts: &[usize], line: u32, character: u32) -> usize {
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let end = starts.get(line as usize + 1).map_or(text.len(), |e| e - 1);
    let mut units = 0u32;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    end
}

/// All source files a session has seen. Files are only ever added, so spans stay valid.
/// A clone shares the files' text (an error carries the sources it quotes: on a large account
/// that is not a copy of the policy).
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<std::sync::Arc<SourceFile>>,
}

/// Where a span starts, as a person reads it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file's display name ([`SourceFile::name`]).
    pub file: String,
    /// The line, counted from 1.
    pub line: usize,
    /// The column, counted from 1 in characters (not bytes).
    pub column: usize,
}

impl Sources {
    /// An empty table.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Add a file and return its id (the next number: ids count from 0 in the order added).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files
            .push(std::sync::Arc::new(SourceFile::new(name.into(), text.into())));
        FileId(self.files.len() as u32 - 1)
    }

    /// The file `id`. Panics if `id` is not from this table.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file `id`, if this table has it.
    pub(crate) fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|f| &**f)
    }

    /// Every file with its id, in the order added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), &**f))
    }

    /// File name, line and column of the start of `span`.
    pub fn location(&self, span: Span) -> Location {
        let file = self.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        Location {
            file: file.name.clone(),
            line,
            column,
        }
    }

    /// The source text a span covers.
    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_counted_by_scan_are_the_lines_of_the_index() {
        // every lookup, first counted in the text, then (its budget spent) from the index
        let text = "a\n\nbé c\r\n𝄞 x\nlast";
        let naive = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[start..].chars().count() + 1)
        };
        let mut s = Sources::new();
        let f = s.add("t", text);
        let file = s.get(f);
        let offsets: Vec<usize> = (0..=text.len()).filter(|&o| text.is_char_boundary(o)).collect();
        for &o in offsets.iter().chain(&offsets) {
            assert_eq!(file.line_col(o), naive(o), "offset {o}");
        }
        assert!(
            file.line_starts.get().is_some(),
            "the index is built once the scans add up"
        );
        let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        for round in 0..2 {
            let mut s = Sources::new();
            let f = s.add("t", text);
            let file = s.get(f);
            if round == 1 {
                file.line_starts();
            }
            for (i, l) in lines.iter().enumerate() {
                assert_eq!(file.line_text(i + 1), *l, "line {}", i + 1);
            }
            assert_eq!(file.line_text(lines.len() + 1), "");
            assert_eq!(file.lines_len(4..6), "bé c\r\n".len());
        }
    }

    #[test]
    fn line_and_column_are_one_based_and_count_chars() {
        let mut s = Sources::new();
        let f = s.add("a.ent", "ab\ncé d\n");
        assert_eq!(s.get(f).line_col(0), (1, 1));
        assert_eq!(s.get(f).line_col(3), (2, 1));
        // 'é' is two bytes but one column
        assert_eq!(s.get(f).line_col(7), (2, 4));
        assert_eq!(s.get(f).line_text(2), "cé d");
    }

    #[test]
    fn line_starts_follow_every_newline() {
        assert_eq!(line_starts(""), vec![0]);
        assert_eq!(line_starts("a\r\nb\n"), vec![0, 3, 5]);
        let mut s = Sources::new();
        let f = s.add("a.ent", "x\ny");
        assert_eq!(s.get(f).line_starts(), &[0, 2]);
    }

    #[test]
    fn utf16_positions_count_code_units() {
        // `é` is two bytes and one UTF-16 unit; `𝄞` four bytes and two units (a surrogate pair)
        let text = "ab\nxé𝄞y\n";
        let mut s = Sources::new();
        let f = s.add("a.ent", text);
        let f = s.get(f);
        let y = "ab\nxé𝄞".len();
        assert_eq!(f.utf16_position(y), (1, 4));
        assert_eq!(f.utf16_offset(1, 4), y);
        assert_eq!(f.utf16_position("ab\nxé".len()), (1, 2));
        assert_eq!(f.utf16_offset(1, 2), "ab\nxé".len());
        // inside a multi-byte character: its start
        assert_eq!(f.utf16_position(4), (1, 1));
        assert_eq!(f.utf16_position("ab\nxé".len() + 2), (1, 2));
        // between the halves of a surrogate pair: the next character
        assert_eq!(f.utf16_offset(1, 3), y);
        // past the end of a line: the line's end, before its newline
        assert_eq!(f.utf16_offset(1, 99), "ab\nxé𝄞y".len());
        // past the last line, or past the text: its end
        assert_eq!(f.utf16_offset(9, 0), text.len());
        assert_eq!(f.utf16_position(text.len()), (2, 0));
        assert_eq!(f.utf16_position(text.len() + 10), (2, 0));
        // every character boundary round-trips
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let (line, character) = f.utf16_position(i);
            assert_eq!(f.utf16_offset(line, character), i, "offset {i}");
        }
    }

    #[test]
    fn utf16_positions_keep_a_carriage_return_on_its_line() {
        let text = "a\r\nbc\r\n";
        let starts = line_starts(text);
        assert_eq!(utf16_position(text, &starts, 1), (0, 1));
        assert_eq!(utf16_position(text, &starts, 2), (0, 2));
        assert_eq!(utf16_position(text, &starts, 3), (1, 0));
        // past the end of a CRLF line: after its `\r`, before its `\n`
        assert_eq!(utf16_offset(text, &starts, 0, 5), 2);
        assert_eq!(utf16_offset(text, &starts, 1, 2), 5);
        assert_eq!(utf16_offset(text, &starts, 2, 0), text.len());
        assert_eq!(utf16_offset(text, &starts, 3, 0), text.len());
        // an empty text
        assert_eq!(utf16_position("", &[0], 7), (0, 0));
        assert_eq!(utf16_offset("", &[0], 0, 3), 0);
    }
}
