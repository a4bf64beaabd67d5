//! `entitle test`: expectations and scenarios (LANGUAGE.md §6).
//!
//! Top-level `expect` lines run against the file's policy. A `scenario` runs on a copy of
//! the declarations, statement by statement; each expectation sees the statements before it.

use crate::diag::{Diagnostic, Label};
use crate::eval::{decide, Decision, Rule};
use crate::model::Model;
use crate::resolve::resolve_expect;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{Access, Document, Item, Node};
use crate::whatif;

/// An expectation that did not hold.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The `expect` line.
    pub span: Span,
    pub scenario: Option<String>,
    pub principal: String,
    pub product: String,
    pub expected_access: Access,
    pub expected_rule: Option<Rule>,
    pub expected_group: Option<String>,
    pub actual: Decision,
    pub actual_group: Option<String>,
}

/// What running one file's expectations gave.
#[derive(Clone, Debug, Default)]
pub struct FileOutcome {
    pub passed: usize,
    pub failures: Vec<Failure>,
    /// Errors (exit 2): an invalid file, an expectation naming something unknown, a
    /// what-if statement that fails. A scenario stops at its first error; the others go on.
    pub errors: Vec<Diagnostic>,
    /// How many expectations there were in all (passed + failed + not run).
    pub expectations: usize,
}

/// Run every expectation of the file `file` in `sources`.
pub fn run_file(sources: &Sources, file: FileId) -> FileOutcome {
    let mut out = FileOutcome::default();
    let (doc, model, errors) = crate::check_file(sources, file);
    if errors.iter().any(Diagnostic::is_error) {
        out.errors = errors;
        return out;
    }
    for item in &doc.items {
        match &item.kind {
            Item::Expect(_) => {
                out.expectations += 1;
                check_expect(&model, item, None, &mut out);
            }
            Item::Scenario(s) => {
                out.expectations += s.items.iter().filter(|i| matches!(i.kind, Item::Expect(_))).count();
                run_scenario(&doc, &model, &s.name.text, &s.items, &mut out);
            }
            _ => {}
        }
    }
    out
}

fn run_scenario(doc: &Document, model: &Model, name: &str, items: &[Node<Item>], out: &mut FileOutcome) {
    let mut work = whatif::declarations_only(doc);
    let mut model = model.clone();
    for item in items {
        match &item.kind {
            Item::Expect(_) => {
                if !check_expect(&model, item, Some(name), out) {
                    return;
                }
            }
            Item::Scenario(_) => unreachable!("the grammar has no nested scenarios"),
            Item::Decl(_) | Item::WhatIf(_) => match whatif::apply(&mut work, &model, item) {
                Ok(m) => model = m,
                Err(errs) => {
                    out.errors.extend(errs.into_iter().map(|d| in_scenario(d, name)));
                    return;
                }
            },
        }
    }
}

fn in_scenario(mut d: Diagnostic, name: &str) -> Diagnostic {
    d.notes.push(format!("in scenario \"{name}\""));
    d
}

/// Evaluate one expectation; false when it could not be run (an error was recorded).
fn check_expect(model: &Model, item: &Node<Item>, scenario: Option<&str>, out: &mut FileOutcome) -> bool {
    let Item::Expect(e) = &item.kind else { unreachable!() };
    let r = match resolve_expect(model, e) {
        Ok(r) => r,
        Err(errs) => {
            out.errors.extend(errs.into_iter().map(|d| match scenario {
                Some(s) => in_scenario(d, s),
                None => d,
            }));
            return false;
        }
    };
    let actual = decide(model, r.principal, r.product);
    let ok = actual.access == r.access
        && r.rule.is_none_or(|rule| rule == actual.rule)
        && r.group.is_none_or(|g| Some(g) == actual.group);
    if ok {
        out.passed += 1;
    } else {
        out.failures.push(Failure {
            span: item.span,
            scenario: scenario.map(str::to_string),
            principal: model.principal_name(r.principal).to_string(),
            product: model.product(r.product).name.clone(),
            expected_access: r.access,
            expected_rule: r.rule,
            expected_group: r.group.map(|g| model.group(g).name.clone()),
            actual_group: actual.group.map(|g| model.group(g).name.clone()),
            actual,
        });
    }
    true
}

impl Failure {
    fn expected_text(&self) -> String {
        let mut s = self.expected_access.to_string();
        if let Some(r) = self.expected_rule {
            s.push_str(&format!(" by {r}"));
        }
        if let Some(g) = &self.expected_group {
            s.push_str(&format!(" {g}"));
        }
        s
    }

    fn actual_text(&self) -> String {
        let mut s = format!("{} by {}", self.actual.access, self.actual.rule);
        if let Some(g) = &self.actual_group {
            s.push_str(&format!(" {g}"));
        }
        s
    }

    /// The failure as a diagnostic: the expectation, and where the actual decision was made.
    pub fn to_diagnostic(&self, sources: &Sources) -> Diagnostic {
        let title = match &self.scenario {
            Some(s) => format!(
                "expectation failed in scenario \"{s}\": {} {}",
                self.principal, self.product
            ),
            None => format!("expectation failed: {} {}", self.principal, self.product),
        };
        let mut d = Diagnostic::error("expectation-failed", title)
            .with_label(self.span, format!("expected {}", self.expected_text()));
        d.labels.push(Label {
            span: self.actual.source,
            message: format!("actual: {}, decided here", self.actual_text()),
        });
        let loc = sources.location(self.actual.source);
        d.with_note(format!(
            "expected {}, actual {} ({}:{}:{})",
            self.expected_text(),
            self.actual_text(),
            loc.file,
            loc.line,
            loc.column
        ))
    }
}

/// Errors in a policy's scenarios (statements that fail, expectations naming unknown
/// things), without judging whether expectations pass: what `lint` reports of scenarios.
pub fn scenario_errors(policy: &crate::Policy) -> Vec<Diagnostic> {
    let mut out = FileOutcome::default();
    for item in &policy.document.items {
        if let Item::Scenario(s) = &item.kind {
            run_scenario(&policy.document, &policy.model, &s.name.text, &s.items, &mut out);
        }
    }
    out.errors
}

/// One expectation with the policy it is checked against (the file's, or the scenario's
/// working copy at that point): what snapshot tests and tools use to explain each one.
#[derive(Clone, Debug)]
pub struct ExpectationContext {
    pub scenario: Option<String>,
    /// The `expect` line.
    pub span: Span,
    pub policy: crate::Policy,
    pub expect: crate::resolve::ResolvedExpect,
}

/// Every expectation of a file with its policy, in file order. Errors as for [`run_file`].
pub fn expectation_contexts(sources: &Sources, file: FileId) -> Result<Vec<ExpectationContext>, Vec<Diagnostic>> {
    let policy = crate::Policy::load(sources.clone(), file).map_err(|e| e.diagnostics)?;
    let mut out = vec![];
    let context = |policy: &crate::Policy, item: &Node<Item>, scenario: Option<&str>| {
        let Item::Expect(e) = &item.kind else { unreachable!() };
        resolve_expect(&policy.model, e).map(|expect| ExpectationContext {
            scenario: scenario.map(str::to_string),
            span: item.span,
            policy: policy.clone(),
            expect,
        })
    };
    for item in &policy.document.items {
        match &item.kind {
            Item::Expect(_) => out.push(context(&policy, item, None)?),
            Item::Scenario(s) => {
                let mut work = crate::Policy {
                    document: whatif::declarations_only(&policy.document),
                    ..policy.clone()
                };
                for inner in &s.items {
                    match &inner.kind {
                        Item::Expect(_) => out.push(context(&work, inner, Some(&s.name.text))?),
                        _ => {
                            work.model = whatif::apply(&mut work.document, &work.model, inner)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- helpers for the project's tests

/// A `Debug` rendering without spans (`Span { … }` outside string literals).
pub fn spanless(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if c == '\\' {
                let n = rest.chars().take(2).map(char::len_utf8).sum::<usize>();
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
            in_string = c != '"';
        } else if c == '"' {
            in_string = true;
        } else if rest.starts_with("Span {") {
            let close = rest.find('}').map_or(rest.len(), |i| i + 1);
            out.push_str("Span");
            rest = &rest[close..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The lines of `before` not in `after` and the lines of `after` not in `before` (0-based
/// indices), by a longest common subsequence of lines: what a line diff shows.
pub fn line_diff(before: &str, after: &str) -> (Vec<usize>, Vec<usize>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let mut lcs = vec![vec![0u32; a.len() + 1]; b.len() + 1];
    for i in (0..b.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if b[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (vec![], vec![]);
    while i < b.len() || j < a.len() {
        if i < b.len() && j < a.len() && b[i] == a[j] {
            i += 1;
            j += 1;
        } else if j < a.len() && (i == b.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(j);
            j += 1;
        } else {
            removed.push(i);
            i += 1;
        }
    }
    (removed, added)
}
