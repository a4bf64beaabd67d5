//! Code lens on every `expect` line and `scenario` (passes, or the actual decision), and
//! formatting of the whole document through `fmt` (as `entitle fmt`).

use super::analysis::Doc;
use super::hover::case_text;
use crate::analysis::Analysis;
use crate::syntax::Item;
use lsp_types as lt;

fn lens(doc: &Doc, span: crate::source::Span, title: String) -> lt::CodeLens {
    lt::CodeLens {
        range: doc.lines.range(span),
        command: Some(lt::Command {
            title,
            command: String::new(),
            arguments: None,
        }),
        data: None,
    }
}

/// One lens per `expect` line and per scenario.
pub fn code_lens(doc: &Doc, a: &Analysis) -> Vec<lt::CodeLens> {
    let mut out = vec![];
    let not_run = "not run: the policy has errors".to_string();
    for item in &a.document.items {
        match &item.kind {
            Item::Expect(_) => {
                let title = a
                    .case(item.span)
                    .map_or(not_run.clone(), |c| case_text(a, &c.result, true));
                out.push(lens(doc, item.span, title.replace("**", "")));
            }
            Item::Scenario(s) => {
                let (passed, all) = a.passing_in(item.span);
                let title = if !a.valid {
                    not_run.clone()
                } else if passed == all {
                    format!("✓ scenario passes ({passed} expectations)")
                } else {
                    format!("✗ {} of {all} expectations fail or did not run", all - passed)
                };
                out.push(lens(doc, s.name.span, title));
                for i in s.items.iter().filter(|i| matches!(i.kind, Item::Expect(_))) {
                    let title = a
                        .case(i.span)
                        .map_or(not_run.clone(), |c| case_text(a, &c.result, false));
                    out.push(lens(doc, i.span, title.replace("**", "")));
                }
            }
            _ => {}
        }
    }
    out
}

/// The edit formatting the whole document, or why it cannot be formatted (a syntax error).
pub fn format(doc: &Doc, a: &Analysis) -> Option<Vec<lt::TextEdit>> {
    let text = a.text();
    let (document, errors) = crate::syntax::parse(&a.sources, a.file);
    if !errors.is_empty() {
        return None;
    }
    let formatted = crate::fmt::format_source(&document, a.file, text);
    if formatted == text {
        return Some(vec![]);
    }
    Some(vec![lt::TextEdit {
        range: doc.lines.all(),
        new_text: formatted,
    }])
}
