//! Diagnostics and quick fixes.
//!
//! Every diagnostic of the analysis is published as the CLI reports it: the same code,
//! message, help and notes (appended to the message, as the CLI prints them under it), and its
//! other labels as related locations. The quick fixes read the diagnostics' own suggestions and
//! make their edits through the edit engine (`whatif`, written back with `whatif::rewrite`):
//!
//! - a `did you mean `X`?` help: replace the name with `X`;
//! - a keyword used as a name (`… is a keyword; write it as a string`): quote it;
//! - an unknown country: declare it (`country X { }`, placed as `whatif` places a declaration);
//! - a group with legacy `exception` lines (a `legacy-exceptions-ignored` or
//!   `mixed-group-modes` warning, or the cursor in such a group): `convert` it.

use super::analysis::Doc;
use crate::analysis::Analysis;
use crate::diag::{Diagnostic, Severity};
use crate::source::{Sources, Span};
use crate::syntax::{Decl, GroupStmt, Item};
use lsp_types as lt;
use std::collections::HashMap;

/// The protocol's diagnostics of a document.
pub fn publish(doc: &Doc, a: &Analysis) -> lt::PublishDiagnosticsParams {
    let diagnostics = a.diagnostics.iter().map(|d| to_lsp(doc, a, d)).collect();
    lt::PublishDiagnosticsParams {
        uri: doc.uri.clone(),
        diagnostics,
        version: Some(doc.version),
    }
}

fn in_file(a: &Analysis, span: Span) -> bool {
    span.file == a.file
}

fn to_lsp(doc: &Doc, a: &Analysis, d: &Diagnostic) -> lt::Diagnostic {
    let primary = d.labels.iter().find(|l| in_file(a, l.span));
    let range = primary.map_or_else(lt::Range::default, |l| doc.lines.range(l.span));
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        message.push_str(&format!("\nnote: {n}"));
    }
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| in_file(a, l.span) && !l.message.is_empty())
        .map(|l| lt::DiagnosticRelatedInformation {
            location: lt::Location {
                uri: doc.uri.clone(),
                range: doc.lines.range(l.span),
            },
            message: l.message.clone(),
        })
        .collect();
    lt::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
            Severity::Note => lt::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lt::NumberOrString::String(d.code.to_string())),
        source: Some("entitle".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// The text between the first pair of backticks after `prefix` in `s`.
fn quoted_after<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let rest = &s[s.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

/// A name as it is written in place of `old` (an email stays bare where it was bare).
fn written(name: &str, old: &str) -> String {
    if name.contains('@') && !old.starts_with('"') && !name.contains(char::is_whitespace) && !name.contains('"') {
        name.to_string()
    } else {
        crate::fmt::format_name(name)
    }
}

/// One edit that turns `before` into `after`: the differing middle.
pub fn minimal_edit(doc: &Doc, before: &str, after: &str) -> lt::TextEdit {
    let prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, x), y)| x != y)
        .map_or(before.len().min(after.len()), |((i, _), _)| i);
    let (b, c) = (&before[prefix..], &after[prefix..]);
    let mut suffix = b
        .chars()
        .rev()
        .zip(c.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum::<usize>();
    suffix = suffix.min(b.len()).min(c.len());
    let range = lt::Range {
        start: doc.lines.position(prefix),
        end: doc.lines.position(before.len() - suffix),
    };
    lt::TextEdit {
        range,
        new_text: c[..c.len() - suffix].to_string(),
    }
}

fn action(
    doc: &Doc,
    title: String,
    edits: Vec<lt::TextEdit>,
    diag: Option<lt::Diagnostic>,
    preferred: bool,
) -> lt::CodeActionOrCommand {
    // (lsp-types' `Uri` hashes by its text: the clippy lint's interior mutability is a cache)
    #[allow(clippy::mutable_key_type)]
    let mut changes = HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
        title,
        kind: Some(lt::CodeActionKind::QUICKFIX),
        diagnostics: diag.map(|d| vec![d]),
        edit: Some(lt::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: Some(preferred),
        ..Default::default()
    })
}

/// The text after one statement (`country X { }`, `convert G`) through the edit engine, or
/// `None` when the edit cannot be made.
fn edited(a: &Analysis, statement: &str, check: bool) -> Option<String> {
    let mut sources: Sources = a.sources.clone();
    let f = sources.add("<quick fix>", statement);
    let (stmts, errors) = crate::syntax::parse_statements(&sources, f);
    let stmt = stmts.items.first().filter(|_| errors.is_empty())?;
    let mut doc = a.document.clone();
    let result = crate::whatif::apply_in_place(&mut doc, &a.model, stmt);
    if check && result.is_err() {
        return None;
    }
    Some(crate::whatif::rewrite(a.text(), a.file, &a.document, &doc))
}

/// The quick fixes for the byte range `range` of a document.
pub fn code_actions(doc: &Doc, a: &Analysis, range: std::ops::Range<usize>) -> Vec<lt::CodeActionOrCommand> {
    let mut out = vec![];
    let overlaps = |s: Span| (s.start as usize) <= range.end && range.start <= s.end as usize;
    let mut converted = vec![];
    for d in &a.diagnostics {
        let Some(primary) = d.primary_span().filter(|s| in_file(a, *s)) else {
            continue;
        };
        if !d.labels.iter().any(|l| in_file(a, l.span) && overlaps(l.span)) {
            continue;
        }
        let lsp = to_lsp(doc, a, d);
        let old = a.sources.text(primary);
        let help = d.help.as_deref().unwrap_or("");
        if let Some(name) = quoted_after(help, "did you mean ") {
            let new = written(name, old);
            let edit = lt::TextEdit {
                range: doc.lines.range(primary),
                new_text: new.clone(),
            };
            out.push(action(
                doc,
                format!("Replace with `{new}`"),
                vec![edit],
                Some(lsp.clone()),
                true,
            ));
        }
        if let Some(word) = quoted_after(help, "").filter(|_| help.contains("is a keyword; write it as a string")) {
            let edit = lt::TextEdit {
                range: doc.lines.range(primary),
                new_text: crate::fmt::quote(word),
            };
            out.push(action(
                doc,
                format!("Quote the keyword `{word}` (\"{word}\")"),
                vec![edit],
                Some(lsp.clone()),
                true,
            ));
        }
        if d.code == "unknown-name" {
            if let Some(name) = quoted_after(&d.message, "unknown country ") {
                let stmt = format!("country {} {{ }}", crate::fmt::format_name(name));
                if let Some(text) = edited(a, &stmt, false) {
                    let edit = minimal_edit(doc, a.text(), &text);
                    out.push(action(
                        doc,
                        format!("Declare country `{name}`"),
                        vec![edit],
                        Some(lsp.clone()),
                        false,
                    ));
                }
            }
        }
        if matches!(d.code, "legacy-exceptions-ignored" | "mixed-group-modes") {
            for l in &d.labels {
                if let Some(g) = legacy_group_at(a, l.span) {
                    if !converted.contains(&g) {
                        converted.push(g.clone());
                        out.extend(convert(doc, a, &g, Some(lsp.clone())));
                    }
                }
            }
        }
    }
    // the cursor in a group with exception lines
    for item in &a.document.items {
        if let Item::Decl(Decl::Group(g)) = &item.kind {
            let legacy = g.stmts.iter().any(|s| matches!(s.kind, GroupStmt::Exception(..)));
            if legacy && overlaps(item.span) && !converted.contains(&g.name.text) {
                converted.push(g.name.text.clone());
                out.extend(convert(doc, a, &g.name.text, None));
            }
        }
    }
    out
}

/// The group with `exception` lines whose declaration holds `span`.
fn legacy_group_at(a: &Analysis, span: Span) -> Option<String> {
    a.document.items.iter().find_map(|item| match &item.kind {
        Item::Decl(Decl::Group(g))
            if item.span.start <= span.start
                && span.end <= item.span.end
                && g.stmts.iter().any(|s| matches!(s.kind, GroupStmt::Exception(..))) =>
        {
            Some(g.name.text.clone())
        }
        _ => None,
    })
}

fn convert(doc: &Doc, a: &Analysis, group: &str, diag: Option<lt::Diagnostic>) -> Option<lt::CodeActionOrCommand> {
    let name = crate::fmt::format_name(group);
    let text = edited(a, &format!("convert {name}"), true)?;
    let edit = minimal_edit(doc, a.text(), &text);
    Some(action(
        doc,
        format!("Convert legacy group `{group}` to an Allowed Applications list (`convert {name}`)"),
        vec![edit],
        diag,
        false,
    ))
}
