//! Stage 1: text → AST. The pest grammar lives in `grammar/entitle.pest`.
//!
//! Parsing recovers after a syntax error at the next top-level declaration that starts a line,
//! so one run reports every broken declaration, not only the first. Each error lists what was
//! expected there and suggests the closest fixed word (`errors`); a CSV sheet or a JSON export
//! passed as a policy gets one error naming the command meant for it (`foreign`).

pub mod ast;
mod build;
pub(crate) mod comments;
mod errors;
mod fast;
mod fast_decls;
mod fast_whatif;
mod foreign;
pub mod scan;

pub use ast::*;
pub use fast::LeanUsers;
pub(crate) use fast::{Draft, LeanUser};

use crate::diag::Diagnostic;
use crate::source::{FileId, Sources, Span};
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/entitle.pest"]
pub struct Grammar;

/// Parse a whole policy file. Returns the document (every item that parsed) and the syntax
/// errors; the document is only complete when there are no errors.
pub fn parse(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    let (doc, _, errors) = parse_as(sources, file, Rule::file, Mode::Fast);
    (doc, errors)
}

/// [`parse`] for a caller that only resolves the document ([`crate::resolve::resolve_lean`]):
/// the plain `user` declarations the fast path takes are not built but kept as their place in
/// the text, and built one at a time as they are resolved. The document holds every other
/// item; its comments are not all kept.
pub fn parse_lean(sources: &Sources, file: FileId) -> (Document, LeanUsers<'_>, Vec<Diagnostic>) {
    let (doc, users, errors) = parse_as(sources, file, Rule::file, Mode::Lean);
    let text = &sources.get(file).text;
    (doc, LeanUsers { text, file, users }, errors)
}

/// [`parse`] by the pest grammar alone, without the fast path for plain declarations
/// and what-if statements (`fast`, `fast_decls`, `fast_whatif`): the reference it is tested
/// against.
#[doc(hidden)]
pub fn parse_reference(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    let (doc, _, errors) = parse_as(sources, file, Rule::file, Mode::Reference);
    (doc, errors)
}

/// Parse a run of statements (REPL input, `--what-if` arguments). Same language as a file,
/// and the same fast path for the plain shapes, what-if statements included.
pub fn parse_statements(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    let (doc, _, errors) = parse_as(sources, file, Rule::statements, Mode::Fast);
    (doc, errors)
}

/// [`parse_statements`] by the pest grammar alone: the reference it is tested against.
#[doc(hidden)]
pub fn parse_statements_reference(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    let (doc, _, errors) = parse_as(sources, file, Rule::statements, Mode::Reference);
    (doc, errors)
}

/// How plain `user` declarations are parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// By pest, as everything else.
    Reference,
    /// By the fast path ([`fast`]), into the same nodes.
    Fast,
    /// By the fast path, kept as their place in the text ([`parse_lean`]).
    Lean,
}

use crate::keywords::TOP_LEVEL as TOP_KEYWORDS;

/// Byte offsets of lines that start (at column 1) with a top-level keyword.
fn resync_points(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut points = vec![];
    let mut start = 0;
    while start < bytes.len() {
        // every top-level keyword starts with a lowercase letter: test one byte first
        if bytes[start].is_ascii_lowercase() {
            let line = &text[start..];
            if TOP_KEYWORDS.iter().any(|k| {
                line.starts_with(k)
                    && !line[k.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_.-".contains(c))
            }) {
                points.push(start);
            }
        }
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    points
}

/// The declaration lines and the comments of `text`. A large file is scanned in pieces in
/// parallel, split at line starts: a string or a comment never runs over a line end, so a
/// piece starts as the file does.
fn points_and_comments(text: &str) -> (Vec<usize>, Vec<comments::Comment>) {
    if text.len() < CHUNKED_MIN {
        return (resync_points(text), comments::scan(text));
    }
    use rayon::prelude::*;
    let mut bounds = vec![0];
    while let Some(&last) = bounds.last() {
        if last >= text.len() {
            break;
        }
        let at = (last + CHUNK_BYTES).min(text.len());
        let next = text.as_bytes()[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| at + i + 1);
        bounds.push(next);
    }
    let pieces: Vec<(Vec<usize>, Vec<comments::Comment>)> = bounds
        .par_windows(2)
        .map(|w| {
            let piece = &text[w[0]..w[1]];
            let mut points = resync_points(piece);
            points.iter_mut().for_each(|p| *p += w[0]);
            let mut found = comments::scan(piece);
            found.iter_mut().for_each(|c| c.start += w[0]);
            (points, found)
        })
        .collect();
    let mut points = Vec::with_capacity(pieces.iter().map(|p| p.0.len()).sum());
    let mut found = Vec::with_capacity(pieces.iter().map(|p| p.1.len()).sum());
    for (p, c) in pieces {
        points.extend(p);
        found.extend(c);
    }
    (points, found)
}

/// Syntax errors reported for one file before parsing gives up on the rest.
const MAX_SYNTAX_ERRORS: usize = 100;

/// Files at least this large are parsed in parts, in parallel.
const CHUNKED_MIN: usize = 1 << 20;
/// Target size of one part parsed in parallel.
const CHUNK_BYTES: usize = 256 << 10;
/// Target size of one pest run inside a part. A syntax error costs re-parsing at most this much
/// (the declarations of its run before the broken one); anything else is parsed exactly once.
/// (4 KiB was a tenth slower on the `parse` fuzz target's inputs, up to 4 KiB with many
/// errors: pest's error walks the text it was given back from its end to the line of the
/// error, `Position::find_line_start`. For that reason too a run after a syntax error is one
/// declaration, and the runs grow back to this size fourfold with each one that parses: where
/// errors are dense, as in fuzzed text, the next declaration is often broken too.)
const RUN_BYTES: usize = 1 << 10;

/// Where a file splits: at declaration lines. A split can only fall between two top-level
/// items: a declaration line inside a block leaves that block unclosed in the text before it,
/// which fails to parse (and is reported as a missing `}`).
struct Splitter<'a> {
    text: &'a str,
    file: FileId,
    rule: Rule,
    /// [`resync_points`], sorted.
    points: Vec<usize>,
    top_items: &'static [&'static str],
    /// Whether plain `user` declarations take the fast path (`fast`): in files, unless the
    /// reference parse (pest alone) is asked for; and whether they are then built.
    mode: Mode,
}

/// One part's result: its document, its syntax errors (each with where the broken item
/// starts), and where it ended: past the end it was given when an item ran on over it.
struct Part {
    start: usize,
    reached: usize,
    doc: Document,
    /// The plain user declarations not built (lean mode).
    lean: Vec<LeanUser>,
    errors: Vec<(usize, Diagnostic)>,
}

impl Splitter<'_> {
    /// The first declaration line at or after `from`, else `None`.
    fn point_at_or_after(&self, from: usize) -> Option<usize> {
        self.points.get(self.points.partition_point(|&p| p < from)).copied()
    }

    /// The last declaration line in `from..at` (where the item broken at `at` starts), else
    /// `from`.
    fn last_point_before(&self, from: usize, at: usize) -> usize {
        let i = self.points.partition_point(|&p| p < at);
        match i.checked_sub(1).map(|i| self.points[i]) {
            Some(p) if p >= from => p,
            _ => from,
        }
    }

    /// Parse `start..end` (both declaration lines, or the file's ends) in runs of about
    /// [`RUN_BYTES`] split at declaration lines, each run once. A run that fails is the only
    /// text parsed twice: the items before the broken one are parsed again on their own, the
    /// broken item is reported, and parsing resumes at the next declaration line. At most
    /// [`MAX_SYNTAX_ERRORS`] errors; the caller adds the note.
    ///
    /// A split is not always between two items: the declarations of a `scenario` block start
    /// lines too. A run (or a part) whose last item is not closed at its end is parsed on past
    /// it ([`Self::parse_on`]), and the part then ends at the first of `bounds` after where
    /// that stopped.
    ///
    /// At each declaration line the fast path (`fast`) is tried first: a plain `user`
    /// declaration it takes never reaches pest.
    fn part(&self, bounds: &[usize], i: usize, comments: &[comments::Comment]) -> Part {
        let text = self.text;
        let (start, mut end) = (bounds[i], bounds[i + 1]);
        let mut builder = build::Builder::new(self.file, text, comments);
        if self.mode == Mode::Lean {
            builder.lean = Some(vec![]);
        }
        let fast = self.mode != Mode::Reference;
        let mut errors = vec![];
        let mut declined = Declined::default();
        // the size of the next run: RUN_BYTES, but one declaration after a syntax error,
        // growing back fourfold with each run that parses (see RUN_BYTES)
        let mut run = RUN_BYTES;
        let mut pos = start;
        while pos < end {
            let next = self.point_at_or_after(pos + 1).filter(|&p| p < end).unwrap_or(end);
            if fast && !declined.holds(pos, end) && (builder.fast_user(pos, next) || builder.fast_item(pos, next)) {
                pos = next;
                continue;
            }
            // pest parses up to the next declaration the fast path takes (one run for the
            // declarations it declines in a row, not one each), at most about `run` bytes
            let stop = if fast {
                self.fast_stop(&mut builder, &mut declined, next, end, pos + run)
            } else {
                self.point_at_or_after(pos + run).filter(|&p| p < end).unwrap_or(end)
            };
            let e = match Grammar::parse(self.rule, &text[pos..stop]) {
                Ok(pairs) => {
                    builder.file(pairs, pos);
                    pos = stop;
                    run = (run * 4).min(RUN_BYTES);
                    continue;
                }
                Err(e) => e,
            };
            run = 1;
            let mut at = pos + error_offset(&e);
            let mut e = e;
            if at >= stop && stop < text.len() {
                // an item reaches the end of the run (a block not closed before the next
                // declaration line, or a scenario's declarations): parse on, to a declaration
                // line twice as far each time, until the text parses or fails before its end
                // ([`Self::parse_on`])
                match self.parse_on(pos, stop) {
                    Ok((pairs, upto)) => {
                        builder.file(pairs, pos);
                        pos = upto;
                        end = extended_end(bounds, end, pos);
                        continue;
                    }
                    Err(on) => {
                        at = pos + error_offset(&on);
                        e = on;
                    }
                }
            }
            let item_start = self.broken_item_start(pos, at);
            // keep what parsed before it (the only text parsed twice, less than a run); when
            // that text is broken too (a block left open before the line the error is on),
            // report its broken item and keep what parsed before that, and so on
            let mut upto = item_start;
            let mut before = vec![];
            while upto > pos {
                match Grammar::parse(self.rule, &text[pos..upto]) {
                    Ok(pairs) => {
                        builder.file(pairs, pos);
                        break;
                    }
                    Err(e2) => {
                        let at = pos + error_offset(&e2);
                        let item_start = self.broken_item_start(pos, at);
                        let site = self.site(item_start, at);
                        before.push((item_start, errors::syntax_error(&site, &e2)));
                        if item_start >= upto {
                            break;
                        }
                        upto = item_start;
                    }
                }
            }
            errors.extend(before.into_iter().rev());
            errors.push((item_start, self.error(item_start, at, &e)));
            if errors.len() >= MAX_SYNTAX_ERRORS {
                // (stop while it is cheap)
                break;
            }
            // resume at the next declaration line: the one at the error, or after its line;
            // when the file ends inside a scenario, at its first declaration line
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let next = if self.points.binary_search(&at).is_ok() && at > pos {
                Some(at)
            } else if text[at..].trim().is_empty() {
                self.reread_from(item_start, at)
            } else {
                self.point_at_or_after(line_end + 1).filter(|&p| p > pos)
            };
            match next {
                Some(next) => pos = next,
                None => {
                    // nothing left to resume at
                    end = text.len();
                    break;
                }
            }
            end = extended_end(bounds, end, pos);
        }
        let lean = builder.lean.take().unwrap_or_default();
        Part {
            start,
            reached: end,
            doc: builder.finish(end),
            lean,
            errors,
        }
    }

    /// Where the item broken at `at` starts, in a run that starts at `pos` (a top-level item's
    /// start): the declaration line of the outermost block still open at `at`, else the last
    /// declaration line before `at`.
    ///
    /// The two differ when an open block holds declaration lines (a `scenario`'s declarations
    /// start lines): taking the last line before the error, each line back to the block's
    /// start failed again at its end, and was reported, parsing the text before it once per
    /// line (a `scenario` left open above 8,000 declarations took 72 s instead of 4 ms).
    fn broken_item_start(&self, pos: usize, at: usize) -> usize {
        match outermost_unclosed(self.text, pos, at) {
            Some(open) => self.last_point_before(pos, open + 1),
            None => self.last_point_before(pos, at),
        }
    }

    /// Where to read again when the file ends (at `at`) inside the block of the item broken
    /// at `item_start`: the first declaration line inside it, when that block is a
    /// `scenario`'s (a scenario holds the declarations a file does, so they are checked as
    /// top-level items: one error for the scenario left open, and the rest of the file
    /// checked). Another block's statements are not top-level items (`country US` in a user
    /// block): nothing is read again.
    fn reread_from(&self, item_start: usize, at: usize) -> Option<usize> {
        debug_assert!(self.text[at..].trim().is_empty(), "only when the file ends at `at`");
        let open = outermost_unclosed(self.text, item_start, at)?;
        if errors::block_kind(self.text, item_start, open) != Some("scenario") {
            return None;
        }
        self.point_at_or_after(item_start + 1).filter(|&p| p < at)
    }

    /// Parse on from `pos` past `stop` (a declaration line the run from `pos` ran up to), to a
    /// declaration line twice as far each time, else the end of the text: the pairs and where
    /// they end once the text parses, or the error once it fails before the end of the text it
    /// was given.
    ///
    /// It is the parse of all the rest that this stands for, and gives what it would: a
    /// declaration line starts with a keyword and no token runs over a line end, so a parse
    /// of the text up to a declaration line that fails before it made every test the whole
    /// rest would have made up to there, with the same results; one that parses ends with a
    /// whole item, and the rest starts with the next one. But it gives pest only the text it
    /// needs: pest's error walks the text it was given back from its end to the error's line
    /// (`Position::line_of`), which for the rest of a 6 MB file was a quarter of parsing it
    /// with 100 errors.
    fn parse_on(
        &self,
        pos: usize,
        stop: usize,
    ) -> Result<(pest::iterators::Pairs<'_, Rule>, usize), pest::error::Error<Rule>> {
        let mut upto = stop;
        loop {
            upto = self
                .point_at_or_after(pos + 2 * (upto - pos))
                .unwrap_or(self.text.len());
            match Grammar::parse(self.rule, &self.text[pos..upto]) {
                Ok(pairs) => return Ok((pairs, upto)),
                Err(e) if pos + error_offset(&e) < upto || upto == self.text.len() => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// Where a pest run that starts before `from` (a declaration line, or `end`) stops: at the
    /// first declaration line from `from` on that the fast path takes, at the first one at or
    /// after `limit`, else at `end`.
    ///
    /// `declined` keeps what the last call found, so that the lines it looked at are not
    /// looked at again: a run that fails is followed by another from a line inside it, and in
    /// a file of broken declarations each look went a run ahead (every line up to eight
    /// times). Called with a `from` inside what it found, it stops at the first line at or after
    /// `limit` when that is inside too, else goes on from where that call stopped: the same
    /// result.
    fn fast_stop(
        &self,
        builder: &mut build::Builder<'_>,
        declined: &mut Declined,
        from: usize,
        end: usize,
        limit: usize,
    ) -> usize {
        let (lo, mut at, mut taken) = if declined.end == end && declined.lo <= from && from <= declined.hi {
            // (a run after a syntax error is shorter than the one before: it stops at the
            // first line at or after its limit when that comes before where the last look
            // stopped, all the lines before it declined)
            let cut = self
                .point_at_or_after(limit.max(from))
                .filter(|&p| p < end)
                .unwrap_or(end);
            if cut < declined.hi {
                return cut;
            }
            (declined.lo, declined.hi, declined.taken)
        } else {
            (from, from, false)
        };
        while at < end && at < limit {
            if taken {
                return at;
            }
            let next = self.point_at_or_after(at + 1).filter(|&p| p < end).unwrap_or(end);
            if builder.fast_takes(at, next) {
                *declined = Declined {
                    lo,
                    hi: at,
                    end,
                    taken: true,
                };
                return at;
            }
            at = next;
            taken = false;
        }
        *declined = Declined {
            lo,
            hi: at,
            end,
            taken: false,
        };
        at.min(end)
    }

    fn site(&self, item_start: usize, at: usize) -> errors::Site<'_> {
        errors::Site {
            text: self.text,
            file: self.file,
            item_start,
            at,
            top_items: self.top_items,
        }
    }

    /// The error for an item broken at `at`: a missing `}` when a block opened in it is still
    /// open where the next declaration starts or the file ends, else what was expected there.
    fn error(&self, item_start: usize, at: usize, e: &pest::error::Error<Rule>) -> Diagnostic {
        let (text, file) = (self.text, self.file);
        if let Some(open) = unclosed_brace(text, item_start, at) {
            if self.points.binary_search(&at).is_ok() {
                return Diagnostic::error("syntax", "missing `}`: a block is not closed")
                    .with_label(Span::new(file, at..at + 1), "a new declaration starts here")
                    .with_label(Span::new(file, open..open + 1), "this `{` is never closed")
                    .with_help("add `}` at the end of the block");
            } else if text[at..].trim().is_empty() {
                // the file ends inside the block. When the declarations of a scenario are read
                // again ([`Self::reread_from`]), the scenario is the block reported here: one
                // open inside it is reported as its line is read again, not twice
                let open = match self.reread_from(item_start, at) {
                    Some(_) => outermost_unclosed(text, item_start, at).unwrap_or(open),
                    None => open,
                };
                return Diagnostic::error("syntax", "missing `}`: the file ends inside a block")
                    .with_label(Span::new(file, open..open + 1), "this `{` is never closed")
                    .with_help("add `}` at the end of the block");
            }
        }
        errors::syntax_error(&self.site(item_start, at), e)
    }
}

/// The declaration lines `lo..hi` of a part, all declined by the fast path when the part
/// ended at `end`; `taken`: whether it takes the one at `hi` ([`Splitter::fast_stop`]).
#[derive(Default)]
struct Declined {
    lo: usize,
    hi: usize,
    end: usize,
    taken: bool,
}

impl Declined {
    /// Whether the fast path is known to decline the declaration line at `pos` (the part
    /// ending at `end`).
    fn holds(&self, pos: usize, end: usize) -> bool {
        self.end == end && self.lo <= pos && pos < self.hi
    }
}

fn parse_as(sources: &Sources, file: FileId, rule: Rule, mode: Mode) -> (Document, Vec<LeanUser>, Vec<Diagnostic>) {
    let text = &sources.get(file).text;
    if rule == Rule::file {
        if let Some(d) = foreign::foreign_file(text, file) {
            // (a policy that merely looks like one parses, and is a policy)
            if Grammar::parse(rule, text).is_err() {
                return (Document::default(), vec![], vec![d]);
            }
        }
    }
    let (points, comments) = points_and_comments(text);
    let splitter = Splitter {
        text,
        file,
        rule,
        points,
        top_items: if rule == Rule::file {
            crate::keywords::FILE_ITEMS
        } else {
            crate::keywords::STATEMENT_ITEMS
        },
        mode,
    };
    let part_bytes = if text.len() >= CHUNKED_MIN {
        CHUNK_BYTES
    } else {
        usize::MAX
    };
    parse_parts(&splitter, part_bytes, &comments)
}

/// Parse in parts of about `part_bytes` (split at declaration lines), in parallel.
fn parse_parts(
    splitter: &Splitter<'_>,
    part_bytes: usize,
    comments: &[comments::Comment],
) -> (Document, Vec<LeanUser>, Vec<Diagnostic>) {
    let text = splitter.text;
    let parts = if part_bytes < text.len() {
        // large files: parts of about CHUNK_BYTES on all cores, each with its own builder
        use rayon::prelude::*;
        let mut bounds = vec![0];
        for &p in &splitter.points {
            if p - bounds[bounds.len() - 1] >= part_bytes {
                bounds.push(p);
            }
        }
        bounds.push(text.len());
        (0..bounds.len() - 1)
            .into_par_iter()
            .map(|i| {
                // (a part that runs on past its end takes every comment it may meet)
                let lo = comments.partition_point(|c| c.start < bounds[i]);
                splitter.part(&bounds, i, &comments[lo..])
            })
            .collect()
    } else {
        vec![splitter.part(&[0, text.len()], 0, comments)]
    };
    join(parts)
}

/// The parts' documents as one, and their errors in order up to the cap (items after the
/// last error reported are dropped then, as if parsing had stopped there).
fn join(parts: Vec<Part>) -> (Document, Vec<LeanUser>, Vec<Diagnostic>) {
    let mut errors: Vec<(usize, Diagnostic)> = vec![];
    let mut doc = Document::default();
    doc.items.reserve_exact(parts.iter().map(|p| p.doc.items.len()).sum());
    let mut lean = Vec::with_capacity(parts.iter().map(|p| p.lean.len()).sum());
    let mut reached = 0;
    for Part {
        start,
        reached: part_end,
        doc: mut part,
        lean: part_lean,
        errors: mut part_errors,
    } in parts
    {
        if errors.len() >= MAX_SYNTAX_ERRORS {
            break;
        }
        if start < reached {
            // the part before ran on over this one
            continue;
        }
        reached = part_end;
        // comments at the end of a part precede the first item of the next one
        let carried = std::mem::take(&mut doc.end_comments);
        match part.items.first_mut() {
            _ if carried.is_empty() => {}
            Some(first) => {
                let first = std::sync::Arc::make_mut(first);
                let mut leading = carried;
                leading.append(first.comments.leading_mut());
                *first.comments.leading_mut() = leading;
            }
            None => part.end_comments.splice(0..0, carried).for_each(drop),
        }
        let before = doc.items.len() as u32;
        lean.extend(part_lean.into_iter().map(|mut u| {
            u.before += before;
            u
        }));
        doc.items.append(&mut part.items);
        doc.end_comments = part.end_comments;
        errors.append(&mut part_errors);
    }
    if errors.len() >= MAX_SYNTAX_ERRORS {
        errors.truncate(MAX_SYNTAX_ERRORS);
        let (stop, last) = errors.pop().expect("at the cap");
        doc.items.retain(|item| (item.span.start as usize) < stop);
        lean.retain(|u| u.start() < stop);
        errors.push((
            stop,
            last.with_note(format!(
                "stopped after {MAX_SYNTAX_ERRORS} syntax errors: the rest of the file was not checked"
            )),
        ));
    }
    (doc, lean, errors.into_iter().map(|(_, d)| d).collect())
}

/// Braces of a text, outside strings and comments: how many more `{` than `}` it has (negative
/// when `}` are in excess), and the offset of the innermost `{` still open at its end.
pub fn brace_depth(text: &str) -> (i64, Option<usize>) {
    let (depth, mut open) = open_braces(text);
    (depth, open.pop())
}

/// [`brace_depth`] with every `{` still open at the end of the text, outermost first (a `}`
/// with no block open closes nothing).
fn open_braces(text: &str) -> (i64, Vec<usize>) {
    let mut stack = vec![];
    let mut depth = 0i64;
    for (i, b) in scan::code_bytes(text) {
        match b {
            b'{' => {
                depth += 1;
                stack.push(i);
            }
            b'}' => {
                depth -= 1;
                stack.pop();
            }
            _ => {}
        }
    }
    (depth, stack)
}

/// The offset of the innermost `{` still open at `end`, scanning from `start`.
fn unclosed_brace(text: &str, start: usize, end: usize) -> Option<usize> {
    brace_depth(text.get(start..end)?).1.map(|o| o + start)
}

/// The offset of the outermost `{` still open at `end`, scanning from `start`.
fn outermost_unclosed(text: &str, start: usize, end: usize) -> Option<usize> {
    open_braces(text.get(start..end)?).1.first().map(|o| o + start)
}

/// Where a part that ends at `end` (one of `bounds`) ends once parsing reached `pos`: still at
/// `end`, or, when an item ran on past it, at the first of `bounds` at or after `pos`.
fn extended_end(bounds: &[usize], end: usize, pos: usize) -> usize {
    if pos > end {
        bounds[bounds.partition_point(|&b| b < pos)]
    } else {
        end
    }
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

#[cfg(test)]
mod tests;
