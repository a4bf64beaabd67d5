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
mod foreign;
pub mod scan;

pub use ast::*;

use crate::diag::Diagnostic;
use crate::source::{FileId, Sources, Span};
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/entitle.pest"]
pub struct Grammar;

/// Parse a whole policy file. Returns the document (every item that parsed) and the syntax
/// errors; the document is only complete when there are no errors.
pub fn parse(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    parse_as(sources, file, Rule::file)
}

/// Parse a run of statements (REPL input, `--what-if` arguments). Same language as a file.
pub fn parse_statements(sources: &Sources, file: FileId) -> (Document, Vec<Diagnostic>) {
    parse_as(sources, file, Rule::statements)
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

/// The last resynchronisation point in `from..at` (where the item broken at `at` starts), else
/// `from`.
fn last_point_before(points: &[usize], from: usize, at: usize) -> usize {
    points
        .iter()
        .rev()
        .copied()
        .find(|&p| p >= from && p < at)
        .unwrap_or(from)
}

/// Syntax errors reported for one file before parsing gives up on the rest.
const MAX_SYNTAX_ERRORS: usize = 100;

/// Files at least this large are parsed in chunks, in parallel.
const CHUNKED_MIN: usize = 1 << 20;
/// Target size of one chunk.
const CHUNK_BYTES: usize = 256 << 10;

/// Parse a large file as independent chunks split at declaration lines, on all cores. The
/// result is the same document a sequential parse gives: a split can only fall between two
/// top-level items (a declaration line inside a block leaves that block unclosed in its chunk,
/// which fails to parse). Any failure returns `None`, and the caller parses sequentially,
/// which also produces the error messages.
fn parse_chunked(text: &str, file: FileId) -> Option<Document> {
    use rayon::prelude::*;
    let mut bounds = vec![0];
    for p in resync_points(text) {
        if p - bounds[bounds.len() - 1] >= CHUNK_BYTES {
            bounds.push(p);
        }
    }
    bounds.push(text.len());
    let comments = comments::scan(text);
    let docs: Vec<Document> = bounds
        .par_windows(2)
        .map(|w| {
            let (start, end) = (w[0], w[1]);
            let pairs = Grammar::parse(Rule::file, &text[start..end]).ok()?;
            let lo = comments.partition_point(|c| c.start < start);
            let hi = comments.partition_point(|c| c.start < end);
            let mut builder = build::Builder::new(file, text, comments[lo..hi].to_vec());
            builder.file(pairs, start);
            Some(builder.finish())
        })
        .collect::<Option<Vec<_>>>()?;
    let mut doc = Document::default();
    doc.items.reserve_exact(docs.iter().map(|d| d.items.len()).sum());
    for mut part in docs {
        // comments at the end of a chunk precede the first item of the next one
        let carried = std::mem::take(&mut doc.end_comments);
        match part.items.first_mut() {
            Some(first) => {
                let mut leading = carried;
                leading.append(first.comments.leading_mut());
                *first.comments.leading_mut() = leading;
            }
            None => part.end_comments.splice(0..0, carried).for_each(drop),
        }
        doc.items.append(&mut part.items);
        doc.end_comments = part.end_comments;
    }
    Some(doc)
}

fn parse_as(sources: &Sources, file: FileId, rule: Rule) -> (Document, Vec<Diagnostic>) {
    let text = &sources.get(file).text;
    if rule == Rule::file && text.len() >= CHUNKED_MIN {
        if let Some(doc) = parse_chunked(text, file) {
            return (doc, vec![]);
        }
    }
    if rule == Rule::file {
        if let Some(d) = foreign::foreign_file(text, file) {
            // (a policy that merely looks like one parses, and is a policy)
            if Grammar::parse(rule, text).is_err() {
                return (Document::default(), vec![d]);
            }
        }
    }
    let comments = comments::scan(text);
    let mut builder = build::Builder::new(file, text, comments);
    let mut errors = vec![];
    let points = resync_points(text);
    let site = errors::Site {
        text,
        file,
        item_start: 0,
        at: 0,
        top_items: if rule == Rule::file {
            crate::keywords::FILE_ITEMS
        } else {
            crate::keywords::STATEMENT_ITEMS
        },
    };
    let mut pos = 0;
    loop {
        match Grammar::parse(rule, &text[pos..]) {
            Ok(pairs) => {
                builder.file(pairs, pos);
                break;
            }
            Err(e) => {
                let at = pos + error_offset(&e);
                // the broken item starts at the last declaration line before the error
                let item_start = last_point_before(&points, pos, at);
                // keep what parsed before it
                if item_start > pos {
                    match Grammar::parse(rule, &text[pos..item_start]) {
                        Ok(pairs) => builder.file(pairs, pos),
                        Err(e2) => {
                            let at = pos + error_offset(&e2);
                            let site = errors::Site {
                                item_start: last_point_before(&points, pos, at),
                                at,
                                ..site
                            };
                            errors.push(errors::syntax_error(&site, &e2));
                        }
                    }
                }
                let mut d = errors::syntax_error(&errors::Site { item_start, at, ..site }, &e);
                if let Some(open) = unclosed_brace(text, item_start, at) {
                    if points.contains(&at) {
                        d = Diagnostic::error("syntax", "missing `}`: a block is not closed")
                            .with_label(Span::new(file, at..at + 1), "a new declaration starts here")
                            .with_label(Span::new(file, open..open + 1), "this `{` is never closed")
                            .with_help("add `}` at the end of the block");
                    } else if text[at..].trim().is_empty() {
                        // the file ends inside the block
                        d = Diagnostic::error("syntax", "missing `}`: the file ends inside a block")
                            .with_label(Span::new(file, open..open + 1), "this `{` is never closed")
                            .with_help("add `}` at the end of the block");
                    }
                }
                errors.push(d);
                if errors.len() >= MAX_SYNTAX_ERRORS {
                    // (each failed parse costs pest the rest of the file: stop while it is cheap)
                    if let Some(last) = errors.pop() {
                        errors.push(last.with_note(format!(
                            "stopped after {MAX_SYNTAX_ERRORS} syntax errors: the rest of the file was not checked"
                        )));
                    }
                    break;
                }
                // resume at the next declaration line: the one at the error, or after its line
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                match points.iter().find(|&&p| p > pos && (p == at || p > line_end)) {
                    Some(&next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (builder.finish(), errors)
}

/// Braces of a text, outside strings and comments: how many more `{` than `}` it has (negative
/// when `}` are in excess), and the offset of the innermost `{` still open at its end.
pub fn brace_depth(text: &str) -> (i64, Option<usize>) {
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
    (depth, stack.pop())
}

/// The offset of the innermost `{` still open at `end`, scanning from `start`.
fn unclosed_brace(text: &str, start: usize, end: usize) -> Option<usize> {
    brace_depth(text.get(start..end)?).1.map(|o| o + start)
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Document, Vec<Diagnostic>) {
        let mut s = Sources::new();
        let f = s.add("t.ent", text);
        parse(&s, f)
    }

    #[test]
    fn tokens_are_maximal() {
        let (doc, errs) = parse_str("group in_x in US { allowed in_y }");
        assert!(errs.is_empty(), "{errs:?}");
        let Item::Decl(Decl::Group(g)) = &doc.items[0].kind else {
            panic!()
        };
        assert_eq!(g.name.text, "in_x");
        assert_eq!(g.country.text, "US");
    }

    #[test]
    fn keyword_case_differs_is_a_name() {
        let (doc, errs) = parse_str("country IN { }\nproduct Product");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(doc.items.len(), 2);
    }

    #[test]
    fn keywords_cannot_be_bare_names() {
        let (_, errs) = parse_str("product access");
        assert_eq!(errs.len(), 1);
        let (doc, errs) = parse_str("product \"access\"");
        assert!(errs.is_empty());
        assert_eq!(doc.items.len(), 1);
    }

    #[test]
    fn semicolons_separate_statements() {
        let (doc, errs) = parse_str("product A; product B;\ncountry US { default deny; allow A; }");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(doc.items.len(), 3);
    }

    #[test]
    fn string_escapes() {
        let (doc, errs) = parse_str(r#"product "a \"b\" \\ c""#);
        assert!(errs.is_empty(), "{errs:?}");
        let Item::Decl(Decl::Product(p)) = &doc.items[0].kind else {
            panic!()
        };
        assert_eq!(p.name.text, r#"a "b" \ c"#);
    }

    #[test]
    fn recovers_and_reports_every_broken_declaration() {
        let text = "product A\ncountry US { default maybe }\nproduct B\ngroup G in US { allowed }\nproduct C\n";
        let (doc, errs) = parse_str(text);
        assert_eq!(errs.len(), 2, "{errs:#?}");
        let names: Vec<_> = doc
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                Item::Decl(d) => d.name().map(|n| n.text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
    }

    #[test]
    fn comments_attach_to_statements() {
        let text = "# lead\nproduct A # trail\ncountry US {\n  # inner\n  default deny # why\n  # end\n}\n# eof\n";
        let (doc, errs) = parse_str(text);
        assert!(errs.is_empty());
        assert_eq!(doc.items[0].comments.leading(), ["# lead"]);
        assert_eq!(doc.items[0].comments.trailing().map(String::as_str), Some("# trail"));
        let Item::Decl(Decl::Country(c)) = &doc.items[1].kind else {
            panic!()
        };
        assert_eq!(c.stmts[0].comments.leading(), ["# inner"]);
        assert_eq!(c.stmts[0].comments.trailing().map(String::as_str), Some("# why"));
        assert_eq!(c.end_comments, ["# end"]);
        assert_eq!(doc.end_comments, ["# eof"]);
    }
}
