//! What the source text says about layout: which blocks were written on one line, where
//! blank lines and trailing comments stood.

use super::*;

// ---------------------------------------------------------------- layout

/// The source text a document was parsed from: where its line breaks, blank lines and
/// comments were.
pub(crate) struct Src<'a> {
    pub(super) file: FileId,
    pub(super) text: &'a str,
    /// Where each comment of the text starts, in order.
    pub(super) comments: Vec<usize>,
}

impl<'a> Src<'a> {
    pub(crate) fn new(file: FileId, text: &'a str) -> Src<'a> {
        let comments = crate::syntax::comments::scan(text)
            .into_iter()
            .map(|c| c.start)
            .collect();
        Src { file, text, comments }
    }

    /// Whether a span points into this text (a node made by an edit may carry the span of a
    /// what-if statement in another file).
    pub(super) fn holds(&self, span: Span) -> bool {
        span_in(self.file, self.text, span)
    }

    /// Whether the text of a span is on one line.
    pub(super) fn one_line(&self, span: Span) -> bool {
        self.holds(span) && !self.text[span.range()].contains('\n')
    }

    /// Whether `from..to` holds a blank line: a whole line (not the first or the last one of
    /// the range, which belong to what is before and after) of only whitespace.
    pub(super) fn blank_between(&self, from: usize, to: usize) -> bool {
        let Some(gap) = self.text.get(from..to) else {
            return false;
        };
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() > 2
            && lines[1..lines.len() - 1]
                .iter()
                .any(|l| l.trim_matches([' ', '\t', '\r']).is_empty())
    }

    /// Where the comments `texts` start: the last `texts.len()` comments before `before`,
    /// if their texts match (they do for a node parsed from this text).
    pub(super) fn comment_starts(&self, before: usize, texts: &[String]) -> Option<Vec<usize>> {
        let end = self.comments.partition_point(|&c| c < before);
        let starts = &self.comments[end.checked_sub(texts.len())?..end];
        let matches = starts.iter().zip(texts).all(|(&s, t)| {
            let line = &self.text[s..];
            line[..line.find('\n').unwrap_or(line.len())].trim_end() == t
        });
        matches.then(|| starts.to_vec())
    }

    /// The column (in characters) of the trailing comment of the node `span`, when the
    /// author placed it: two or more spaces after the node, which began its line (or whose
    /// line holds nothing before the node's own text).
    pub(super) fn trailing_column(&self, span: Span) -> Option<usize> {
        let (start, end) = (span.start as usize, span.end as usize);
        let rest = self.text.get(end..)?;
        let at = end + rest.len() - rest.trim_start_matches([' ', '\t', ';']).len();
        if !self.text[at..].starts_with('#') || self.text[end..at].chars().count() < 2 {
            return None;
        }
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        if line_start <= start && !self.text[line_start..start].trim_matches([' ', '\t']).is_empty() {
            return None;
        }
        Some(self.text[line_start..at].chars().count())
    }
}

/// Where the previous line of a run came from, for deciding blank lines.
#[derive(Clone, Copy)]
pub(super) enum Prev {
    /// Nothing before it in this run (the start of the file or of a block).
    Start,
    /// Something ending at this offset of the source text.
    At(usize),
    /// Something without a place in the source text (built by an edit).
    Nowhere,
}

/// One statement or item of a run, printed: its span, comments and lines (the trailing
/// comment already on the last line).
pub(super) struct Entry<'n> {
    pub(super) span: Span,
    pub(super) comments: &'n Comments,
    pub(super) lines: Vec<String>,
    pub(super) kind: Option<Kind>,
}

/// Whether `span` points into `text`, the text of `file` (a node made by an edit may carry
/// the span of a what-if statement in another file, or no span at all).
pub(crate) fn span_in(file: FileId, text: &str, span: Span) -> bool {
    let r = span.range();
    span.file == file
        && r.start < r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}
