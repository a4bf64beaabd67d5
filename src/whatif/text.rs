//! Writing an edited document back over the text it was parsed from: the one edit engine
//! behind every tool that saves a policy (REPL `:save`, `import-users --write`).
//!
//! [`rewrite`] compares the document as parsed (`before`) with the document after the edits
//! (`after`) node by node. Edits keep the span of every node they leave alone, and give a node
//! they create or change the span of the statement that made it (another file, or
//! [`Span::default`]), so a node of `after` whose span points into the original text *is* the
//! node parsed there. Then:
//!
//! - a top-level item that is unchanged is copied byte for byte, with its comments and the
//!   whitespace around it;
//! - in a changed block declaration, the header is re-printed only if it changed, and each
//!   statement is handled the same way: unchanged statements are copied, a changed statement
//!   is re-printed in canonical form at its original place (its comments kept as written),
//!   an added one is printed in the block's style (on the same line two spaces apart in a
//!   one-line block, on its own line at the block's indentation otherwise), a removed one
//!   disappears with its comments and one of the gaps around it;
//! - an added top-level item is printed in canonical form: after an item of the same kind
//!   that prints on one line (and that was not separated from its own neighbour of the same
//!   kind by a blank line), on the next line; otherwise after one blank line. A declaration
//!   that replaces another (REPL `user x { … }` over an existing `x`) takes its place, and a
//!   block written on one line stays on one line;
//! - a removed item disappears with its own comments and one of the blank lines around it.
//!
//! Whatever cannot be located in the original text (a `before` that was not parsed from it)
//! falls back to [`crate::fmt::format_source`], so the result always means `after`.

use crate::fmt::{comment, Printer, Src};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::comments::{scan, Comment};
use std::ops::Range;

/// The text of `after`, written over `original` (the text `before` was parsed from, as file
/// `file`): every item and statement `after` shares unchanged with `before` keeps its bytes,
/// comments and surrounding whitespace; only what the edits added, removed or changed is
/// printed (see the module documentation). `rewrite(t, f, d, d) == t` for a document `d`
/// parsed from `t`, and parsing the result gives `after` back (spans aside).
pub fn rewrite(original: &str, file: FileId, before: &Document, after: &Document) -> String {
    let cx = Cx {
        text: original,
        file,
        comments: scan(original),
        printer: Printer {
            src: Some(Src::new(file, original)),
        },
    };
    cx.document(before, after)
        .unwrap_or_else(|| crate::fmt::format_source(after, file, original))
}

struct Cx<'a> {
    text: &'a str,
    file: FileId,
    comments: Vec<Comment>,
    printer: Printer<'a>,
}

/// Where a node of `before` is in the text: its span, and its region (the span with its
/// leading and trailing comments).
#[derive(Clone, Debug)]
struct Slot {
    region: Range<usize>,
    span: Range<usize>,
}

/// One element of the rewritten run: its text (comments included) and the original element
/// whose place it takes, if any.
struct Out {
    orig: Option<usize>,
    text: String,
    /// The item's kind (top level), for the gap before a new item.
    kind: u8,
}

/// Where a run of gaps (around removed elements) is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pos {
    /// Nothing kept before it.
    Start,
    /// Between two kept elements.
    Middle,
    /// Nothing kept after it.
    End,
}

/// Whether two nodes carry the same comments (however the empty set is represented).
fn same_comments(a: &Comments, b: &Comments) -> bool {
    a.leading() == b.leading() && a.trailing() == b.trailing()
}

fn no_comments(c: &Comments) -> bool {
    c.leading().is_empty() && c.trailing().is_none()
}

fn newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// Whether a gap holds more than whitespace and `;` (a comment).
fn has_comment(s: &str) -> bool {
    s.contains('#')
}

/// The leading whitespace (and `;`) of a gap, and the rest.
fn split_ws(s: &str) -> (&str, &str) {
    let rest = s.trim_start_matches([' ', '\t', '\r', '\n', ';']);
    (&s[..s.len() - rest.len()], rest)
}

/// Whether the last line of `text` ends in a comment (outside strings).
fn ends_in_comment(text: &str) -> bool {
    let line = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
    scan(line).last().is_some()
}

/// Append a gap; after a comment, a gap that does not start a new line gets one (a
/// comment runs to the end of its line: `;` or a statement after it would join it).
fn push_gap(s: &mut String, gap: &str) {
    if ends_in_comment(s) && !gap.trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
        s.push('\n');
        s.push_str(gap.trim_start_matches([' ', '\t', '\r', ';']));
    } else {
        s.push_str(gap);
    }
}

fn item_kind(item: &Item) -> u8 {
    match item {
        Item::Decl(Decl::Account(_)) => 0,
        Item::Decl(Decl::Product(_)) => 1,
        Item::Decl(Decl::Country(_)) => 2,
        Item::Decl(Decl::Group(_)) => 3,
        Item::Decl(Decl::User(_)) => 4,
        Item::Decl(Decl::Key(_)) => 5,
        Item::Expect(_) => 6,
        Item::Scenario(_) => 7,
        Item::WhatIf(_) => 8,
    }
}

/// Whether `a` (after) can take the place of `b` (before): the same declaration.
fn same_entity(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::Decl(Decl::Account(_)), Item::Decl(Decl::Account(_))) => true,
        (Item::Decl(x), Item::Decl(y)) => {
            x.kind() == y.kind()
                && match (x.name(), y.name()) {
                    (Some(m), Some(n)) => crate::model::same_key(&m.text, &n.text),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// A declaration without its statements and end comments: what its header says.
fn header(d: &Decl) -> Decl {
    let mut d = d.clone();
    match &mut d {
        Decl::Account(a) => {
            a.stmts.clear();
            a.end_comments.clear();
        }
        Decl::Product(_) => {}
        Decl::Country(c) => {
            c.stmts.clear();
            c.end_comments.clear();
        }
        Decl::Group(g) => {
            g.stmts.clear();
            g.end_comments.clear();
        }
        Decl::User(u) => {
            u.stmts.clear();
            u.end_comments.clear();
        }
        Decl::Key(k) => {
            k.stmts.clear();
            k.end_comments.clear();
        }
    }
    d
}

/// For each element of `after`, the element of `before` it is (same span into the text,
/// `same` kind), in increasing order; then each unmatched element of `after` paired with an
/// unmatched element of `before` between the same matched neighbours that `pair` accepts
/// (it takes that element's place).
fn align<T, N: AsNode<Kind = T>>(
    before: &[N],
    slots: &[Slot],
    after: &[N],
    held: impl Fn(Span) -> bool,
    same: impl Fn(&T, &T) -> bool,
    pair: impl Fn(&T, &T) -> bool,
) -> Vec<(Option<usize>, bool)> {
    let by_span: std::collections::HashMap<(usize, usize), usize> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.span.start, s.span.end), i))
        .collect();
    let mut out: Vec<(Option<usize>, bool)> = Vec::with_capacity(after.len());
    let mut last: Option<usize> = None;
    for a in after {
        let a = a.node();
        let found = held(a.span)
            .then(|| by_span.get(&(a.span.start as usize, a.span.end as usize)).copied())
            .flatten()
            .filter(|&i| last.is_none_or(|l| i > l) && same(&a.kind, &before[i].node().kind));
        if let Some(i) = found {
            last = Some(i);
        }
        out.push((found, true));
    }
    // pair the rest with removed elements between the same anchors
    let mut used = vec![false; before.len()];
    for (m, _) in &out {
        if let Some(i) = m {
            used[*i] = true;
        }
    }
    // the next anchor after each element
    let mut next_anchor = vec![None; out.len()];
    let mut next = None;
    for j in (0..out.len()).rev() {
        next_anchor[j] = next;
        if out[j].0.is_some() {
            next = out[j].0;
        }
    }
    let mut cursor = 0;
    for j in 0..out.len() {
        match out[j].0 {
            Some(i) => cursor = i + 1,
            None => {
                let (from, to) = (cursor, next_anchor[j].unwrap_or(before.len()));
                if let Some(i) = (from..to).find(|&i| !used[i] && pair(&after[j].node().kind, &before[i].node().kind)) {
                    used[i] = true;
                    cursor = i + 1;
                    out[j] = (Some(i), false);
                }
            }
        }
    }
    out
}

impl Cx<'_> {
    /// Whether a span points into the original text.
    fn holds(&self, span: Span) -> bool {
        crate::fmt::span_in(self.file, self.text, span)
    }

    /// Where each node is, within `within`, in order; `None` if one cannot be located.
    fn locate(&self, nodes: &[impl AsNode], within: Range<usize>) -> Option<Vec<Slot>> {
        let mut out = Vec::with_capacity(nodes.len());
        let mut floor = within.start;
        for n in nodes {
            let n = n.node();
            if !self.holds(n.span) {
                return None;
            }
            let span = n.span.range();
            if span.start < floor || span.end > within.end {
                return None;
            }
            let leading = n.comments.leading();
            let before = self.comments.partition_point(|c| c.start < span.start);
            let first = before.checked_sub(leading.len())?;
            let mine = &self.comments[first..before];
            if mine.iter().zip(leading).any(|(c, t)| c.text != *t) {
                return None;
            }
            // a comment written inside the previous node stays with its text
            let start = mine.iter().map(|c| c.start).find(|&c| c >= floor).unwrap_or(span.start);
            let mut end = span.end;
            if let Some(t) = n.comments.trailing() {
                let at = self.comments.partition_point(|c| c.start < span.end);
                let c = self.comments.get(at)?;
                let between = &self.text[span.end..c.start];
                if c.text != *t || !between.chars().all(|ch| matches!(ch, ' ' | '\t' | ';')) {
                    return None;
                }
                end = c.start + c.text.len();
            }
            if end > within.end {
                return None;
            }
            floor = end;
            out.push(Slot {
                region: start..end,
                span,
            });
        }
        Some(out)
    }

    /// The gaps around the regions: before the first, between each two, after the last.
    fn gaps(slots: &[Slot], within: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::with_capacity(slots.len() + 1);
        let mut at = within.start;
        for s in slots {
            out.push(at..s.region.start);
            at = s.region.end;
        }
        out.push(at..within.end);
        out
    }

    /// What stays of the gaps around a run of removed elements (`gaps` has one more entry
    /// than the run): one of them, the end comments of the last one kept.
    fn merge(&self, gaps: &[Range<usize>], pos: Pos) -> String {
        let g = |r: &Range<usize>| &self.text[r.clone()];
        let (first, last) = (g(&gaps[0]), g(&gaps[gaps.len() - 1]));
        if gaps.len() == 1 {
            return first.to_string();
        }
        match pos {
            Pos::Start => first.to_string(),
            Pos::Middle => {
                if newlines(last) > newlines(first) {
                    last.to_string()
                } else {
                    first.to_string()
                }
            }
            Pos::End => {
                if !has_comment(last) {
                    return last.to_string();
                }
                let (ws, rest) = split_ws(last);
                let ws = if newlines(first) > newlines(ws) { first } else { ws };
                format!("{ws}{rest}")
            }
        }
    }

    /// The elements with the gaps between them, then the closing gap. `first_new` is the gap
    /// before a new first element when nothing of the original run is left before it,
    /// `default` the gap before a new element (or a kept one after a new one), `closing_empty`
    /// the closing gap when nothing of the original run is kept.
    fn assemble(
        &self,
        gaps: &[Range<usize>],
        outs: &[Out],
        first_new: &str,
        default: impl Fn(&Out, &Out) -> String,
        closing_empty: &str,
    ) -> String {
        let n = gaps.len() - 1;
        let mut s = String::new();
        let mut last_orig: Option<usize> = None;
        for (k, o) in outs.iter().enumerate() {
            let gap = match (o.orig, last_orig) {
                (Some(i), Some(p)) => self.merge(&gaps[p + 1..=i], Pos::Middle),
                (Some(i), None) if k == 0 => self.merge(&gaps[..=i], Pos::Start),
                (None, _) if k == 0 => first_new.to_string(),
                _ => default(&outs[k - 1], o),
            };
            // an element printed with a leading comment never follows on the line of the
            // one before it: the comment would become that one's trailing comment
            let same_line = !s.is_empty() && !s.ends_with('\n') && !gap.contains('\n');
            let gap = if same_line && o.text.trim_start().starts_with('#') {
                let next_line = o.text.split('\n').nth(1).unwrap_or("");
                format!("\n{}", &next_line[..next_line.len() - next_line.trim_start().len()])
            } else {
                gap
            };
            push_gap(&mut s, &gap);
            s.push_str(&o.text);
            if o.orig.is_some() {
                last_orig = o.orig;
            }
        }
        let closing = match last_orig {
            Some(p) => self.merge(&gaps[p + 1..=n], Pos::End),
            None => closing_empty.to_string(),
        };
        push_gap(&mut s, &closing);
        s
    }

    // ------------------------------------------------------------ the document

    fn document(&self, before: &Document, after: &Document) -> Option<String> {
        if before.end_comments != after.end_comments {
            return None;
        }
        let slots = self.locate(&before.items, 0..self.text.len())?;
        let gaps = Self::gaps(&slots, 0..self.text.len());
        let aligned = align(
            &before.items,
            &slots,
            &after.items,
            |s| self.holds(s),
            |a, b| item_kind(a) == item_kind(b),
            same_entity,
        );
        let mut outs = Vec::with_capacity(after.items.len());
        for (a, (m, anchored)) in after.items.iter().zip(aligned) {
            let text = match m {
                Some(i) if anchored && *a == before.items[i] => self.text[slots[i].region.clone()].to_string(),
                Some(i) if anchored => self.changed_item(&before.items[i], a, &slots[i]),
                Some(i) => self.replacing_item(a, &slots[i]),
                None => self.print_full(a, a.span),
            };
            outs.push(Out {
                orig: m,
                text,
                kind: item_kind(&a.kind),
            });
        }
        let whole = self.text;
        let (first_new, closing_empty) = if slots.is_empty() {
            let body = whole.trim_start_matches([' ', '\t', '\r', '\n', ';']);
            let closing = if outs.is_empty() {
                body.to_string()
            } else if has_comment(body) {
                format!("\n\n{body}")
            } else {
                "\n".to_string()
            };
            (String::new(), closing)
        } else {
            // everything removed: the end comments (the file's own last gap) stay
            let last = &whole[gaps[gaps.len() - 1].clone()];
            let rest = split_ws(last).1;
            let closing = if outs.is_empty() {
                rest.to_string()
            } else if has_comment(rest) {
                format!("\n\n{rest}")
            } else {
                "\n".to_string()
            };
            (whole[gaps[0].clone()].to_string(), closing)
        };
        let one_line = |o: &Out| !o.text.contains('\n');
        let default = |prev: &Out, cur: &Out| {
            if prev.kind != cur.kind {
                return "\n\n".to_string();
            }
            // follow how the author separated two items of this kind
            if let Some(p) = prev.orig.filter(|&p| p > 0) {
                if item_kind(&before.items[p - 1].kind) == prev.kind {
                    let gap = &whole[gaps[p].clone()];
                    return if newlines(gap) >= 2 { "\n\n" } else { "\n" }.to_string();
                }
            }
            if one_line(prev) && one_line(cur) { "\n" } else { "\n\n" }.to_string()
        };
        Some(self.assemble(&gaps, &outs, &first_new, default, &closing_empty))
    }

    /// An item of `after` printed on its own, with its comments; `layout` is the span whose
    /// source text decides one-line blocks.
    fn print_full(&self, node: &Node<Item>, layout: Span) -> String {
        let mut node = node.clone();
        node.span = layout;
        let text = self.printer.document(&Document {
            items: vec![node.into()],
            end_comments: vec![],
        });
        text.strip_suffix('\n').unwrap_or(&text).to_string()
    }

    /// An item printed without its comments, laid out as the source text at `layout` was.
    fn print_bare(&self, node: &Node<Item>, layout: Span) -> String {
        self.printer.item(&node.kind, layout, 0).join("\n")
    }

    /// A declaration that takes the place of another (`slot`): printed in canonical form, on
    /// one line if the one it replaces was.
    fn replacing_item(&self, a: &Node<Item>, slot: &Slot) -> String {
        let one_line = !self.text[slot.span.clone()].contains('\n');
        let layout = if one_line && no_comments(&a.comments) {
            Span::new(self.file, slot.span.clone())
        } else {
            a.span
        };
        self.print_full(a, layout)
    }

    /// An item parsed from the text and changed by an edit (same span, other content).
    fn changed_item(&self, b: &Node<Item>, a: &Node<Item>, slot: &Slot) -> String {
        if !same_comments(&a.comments, &b.comments) {
            return self.print_full(a, a.span);
        }
        let inner = match (&b.kind, &a.kind) {
            (Item::Decl(x), Item::Decl(y)) => self.changed_decl(x, y, slot.span.clone()),
            _ => None,
        }
        .unwrap_or_else(|| self.print_bare(a, a.span));
        format!(
            "{}{inner}{}",
            &self.text[slot.region.start..slot.span.start],
            &self.text[slot.span.end..slot.region.end]
        )
    }

    /// The text of a changed block declaration at `span`, statement by statement; `None`
    /// when it must be printed whole.
    fn changed_decl(&self, b: &Decl, a: &Decl, span: Range<usize>) -> Option<String> {
        let head = match header(a) != header(b) {
            true => Some(self.head(a)?),
            false => None,
        };
        let head = head.as_deref();
        match (b, a) {
            (Decl::Account(x), Decl::Account(y)) => {
                if !x.has_block || !y.has_block {
                    return None;
                }
                self.block(span, head, &x.stmts, &y.stmts, &x.end_comments, &y.end_comments, |s| {
                    Item::Decl(Decl::Account(AccountDecl {
                        name: None,
                        has_block: true,
                        stmts: s,
                        end_comments: vec![],
                    }))
                })
            }
            (Decl::Country(x), Decl::Country(y)) => {
                self.block(span, head, &x.stmts, &y.stmts, &x.end_comments, &y.end_comments, |s| {
                    Item::Decl(Decl::Country(CountryDecl {
                        name: y.name.clone(),
                        display: None,
                        stmts: s,
                        end_comments: vec![],
                    }))
                })
            }
            (Decl::Group(x), Decl::Group(y)) => {
                self.block(span, head, &x.stmts, &y.stmts, &x.end_comments, &y.end_comments, |s| {
                    Item::Decl(Decl::Group(GroupDecl {
                        name: y.name.clone(),
                        country: y.country.clone(),
                        stmts: s,
                        end_comments: vec![],
                    }))
                })
            }
            (Decl::User(x), Decl::User(y)) => {
                self.block(span, head, &x.stmts, &y.stmts, &x.end_comments, &y.end_comments, |s| {
                    Item::Decl(Decl::User(UserDecl {
                        email: y.email.clone(),
                        display: None,
                        stmts: s,
                        end_comments: vec![],
                    }))
                })
            }
            (Decl::Key(x), Decl::Key(y)) => {
                self.block(span, head, &x.stmts, &y.stmts, &x.end_comments, &y.end_comments, |s| {
                    Item::Decl(Decl::Key(KeyDecl {
                        name: y.name.clone(),
                        country: None,
                        stmts: s,
                        end_comments: vec![],
                    }))
                })
            }
            _ => None,
        }
    }

    /// The header of a declaration in canonical form (`user a@b.c "Name"`), without `{`.
    fn head(&self, d: &Decl) -> Option<String> {
        let line = self.printer.item(&Item::Decl(header(d)), Span::default(), 0).join("\n");
        line.strip_suffix(" { }").map(str::to_string)
    }

    /// Where the `{` of a block declaration at `span` is (outside strings and comments).
    fn open_brace(&self, span: &Range<usize>) -> Option<usize> {
        let text = self.text.get(span.clone())?;
        crate::syntax::scan::code_bytes(text)
            .find(|&(_, b)| b == b'{')
            .map(|(i, _)| span.start + i)
    }

    /// One statement in canonical form (`None`: it has no written form), printed inside a
    /// declaration that `wrap` makes.
    fn stmt_line<T: Clone>(&self, kind: &T, wrap: &impl Fn(Vec<Node<T>>) -> Item) -> Option<String> {
        let item = wrap(vec![Node::new(kind.clone(), Span::default())]);
        let lines = self.printer.item(&item, Span::default(), 0);
        (lines.len() == 3).then(|| lines[1].trim_start().to_string())
    }

    /// A block declaration at `span`, its statements rewritten one by one.
    #[allow(clippy::too_many_arguments)]
    fn block<T: Clone + PartialEq>(
        &self,
        span: Range<usize>,
        head: Option<&str>,
        before: &[Node<T>],
        after: &[Node<T>],
        before_end: &[String],
        after_end: &[String],
        wrap: impl Fn(Vec<Node<T>>) -> Item,
    ) -> Option<String> {
        if before_end != after_end {
            return None;
        }
        let open = self.open_brace(&span)?;
        let close = span.end - 1;
        if self.text.as_bytes()[close] != b'}' || close < open {
            return None;
        }
        let within = open + 1..close;
        let slots = self.locate(before, within.clone())?;
        let gaps = Self::gaps(&slots, within.clone());
        let one_line = !self.text[span.clone()].contains('\n');
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &self.text[line_start..span.start];
        let head_indent = if prefix.trim().is_empty() { prefix } else { "" };
        let indent = slots
            .first()
            .and_then(|s| {
                let gap = &self.text[within.start..s.region.start];
                let tail = &gap[gap.rfind('\n')? + 1..];
                tail.trim().is_empty().then(|| tail.to_string())
            })
            .unwrap_or_else(|| format!("{head_indent}  "));
        let fresh = |node: &Node<T>, line: String| -> Option<String> {
            let c = &node.comments;
            if no_comments(c) {
                return Some(line);
            }
            if one_line {
                return None;
            }
            let mut s = String::new();
            for l in c.leading() {
                s.push_str(&comment(l));
                s.push('\n');
                s.push_str(&indent);
            }
            s.push_str(&line);
            if let Some(t) = c.trailing() {
                s.push_str("  ");
                s.push_str(&comment(t));
            }
            Some(s)
        };
        let discriminant = |x: &T, y: &T| std::mem::discriminant(x) == std::mem::discriminant(y);
        let aligned = align(before, &slots, after, |s| self.holds(s), discriminant, discriminant);
        let mut outs = vec![];
        for (a, (m, _)) in after.iter().zip(aligned) {
            let text = match m {
                Some(i) if *a == before[i] => self.text[slots[i].region.clone()].to_string(),
                Some(i) => {
                    let line = match self.stmt_line(&a.kind, &wrap) {
                        Some(l) => l,
                        None if no_comments(&a.comments) => continue,
                        None => return None,
                    };
                    if same_comments(&a.comments, &before[i].comments) {
                        let (r, s) = (&slots[i].region, &slots[i].span);
                        format!("{}{line}{}", &self.text[r.start..s.start], &self.text[s.end..r.end])
                    } else {
                        fresh(a, line)?
                    }
                }
                None => match self.stmt_line(&a.kind, &wrap) {
                    Some(line) => fresh(a, line)?,
                    None if no_comments(&a.comments) => continue,
                    None => return None,
                },
            };
            outs.push(Out { orig: m, text, kind: 0 });
        }
        let head = match head {
            Some(h) => format!("{h} "),
            None => self.text[span.start..open].to_string(),
        };
        if outs.is_empty() && after_end.is_empty() {
            return Some(format!("{head}{{ }}"));
        }
        let body_text = &self.text[within.clone()];
        let sep = if one_line {
            "  ".to_string()
        } else {
            format!("\n{indent}")
        };
        let (first_new, closing_empty) = if slots.is_empty() {
            if has_comment(body_text) {
                (format!("\n{indent}"), format!("\n{indent}{}", body_text.trim_start()))
            } else if body_text.contains('\n') || !one_line {
                (format!("\n{indent}"), format!("\n{head_indent}"))
            } else {
                (" ".to_string(), " ".to_string())
            }
        } else {
            let last = &self.text[gaps[gaps.len() - 1].clone()];
            let closing = if outs.is_empty() || !has_comment(last) {
                last.to_string()
            } else {
                let (ws, rest) = split_ws(last);
                let ws = if ws.contains('\n') {
                    ws.to_string()
                } else {
                    format!("\n{indent}")
                };
                format!("{ws}{rest}")
            };
            (self.text[gaps[0].clone()].to_string(), closing)
        };
        let body = self.assemble(&gaps, &outs, &first_new, |_, _| sep.clone(), &closing_empty);
        Some(format!("{head}{{{body}}}"))
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
