//! `entitle test`: expectations and scenarios (LANGUAGE.md §6).
//!
//! Top-level `expect` lines run against the file's policy. A `scenario` runs on a copy of
//! the declarations, statement by statement; each expectation sees the statements before it.
//!
//! Besides the counts, [`run_file`] keeps one [`Case`] per expectation (and per what-if
//! statement that failed), in file order: what the JUnit report ([`junit`]) and the coverage
//! report ([`coverage`]) are built from. [`collect_files`] finds the files of `entitle test
//! PATH...` (folders are searched recursively).

pub mod coverage;
pub mod junit;

use crate::diag::{Diagnostic, Label};
use crate::eval::{explain, Decision, Rule, Step};
use crate::model::{CountryBy, Model, Subject};
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
    /// Whether the file failed to load (then `errors` says why and `cases` is empty).
    pub load_failed: bool,
    /// Every expectation, and every what-if statement that failed, in file order.
    pub cases: Vec<Case>,
}

/// One expectation as run (or a what-if statement that failed): a JUnit test case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The `expect` line, or the failing what-if statement.
    pub span: Span,
    /// The scenario it is in; `None` for a top-level expectation.
    pub scenario: Option<String>,
    /// What happened.
    pub result: CaseResult,
    /// The statements (and declarations) the decision rests on, for coverage: the deciding
    /// `source`, the statement of every step that passed on the way (status, entitlement
    /// country, entitled), the `covers` entry or `revenue` statement that chose the country,
    /// the membership entry of the credited group (for a key whose groups give its country,
    /// every membership entry), and the declarations of the principal and the product.
    /// Empty when the expectation did not run.
    pub cites: Vec<Span>,
}

/// The result of a [`Case`].
#[derive(Clone, Debug)]
pub enum CaseResult {
    /// The expectation held.
    Passed(Decision),
    /// The expectation did not hold: the index in [`FileOutcome::failures`].
    Failed(usize),
    /// An expectation naming something unknown, or a what-if statement that failed (the
    /// diagnostics are also in [`FileOutcome::errors`]).
    Error(Vec<Diagnostic>),
    /// Not run: an earlier statement or expectation of its scenario failed with an error.
    Skipped,
}

/// Run every expectation of the file `file` in `sources`.
pub fn run_file(sources: &Sources, file: FileId) -> FileOutcome {
    let (doc, model, errors) = crate::check_file(sources, file);
    if errors.iter().any(Diagnostic::is_error) {
        return FileOutcome {
            errors,
            load_failed: true,
            ..FileOutcome::default()
        };
    }
    run_document(&doc, &model)
}

/// Run every expectation of a document already parsed and resolved without errors (`model`
/// is `doc`'s): [`run_file`] without parsing again, for a caller that holds both (the
/// editor's analysis, [`crate::analysis::analyze`]).
pub fn run_document(doc: &Document, model: &Model) -> FileOutcome {
    let mut out = FileOutcome::default();
    for item in &doc.items {
        match &item.kind {
            Item::Expect(_) => {
                out.expectations += 1;
                check_expect(model, item, None, &mut out);
            }
            Item::Scenario(s) => {
                out.expectations += s.items.iter().filter(|i| matches!(i.kind, Item::Expect(_))).count();
                run_scenario(doc, model, &s.name.text, &s.items, &mut out);
            }
            _ => {}
        }
    }
    out
}

fn run_scenario(
    doc: &Document,
    model: &Model,
    name: &str,
    items: &[std::sync::Arc<Node<Item>>],
    out: &mut FileOutcome,
) {
    let mut work = whatif::declarations_only(doc);
    let mut model = model.clone();
    for (i, item) in items.iter().enumerate() {
        match &item.kind {
            Item::Expect(_) => {
                if !check_expect(&model, item, Some(name), out) {
                    skip_rest(&items[i + 1..], name, out);
                    return;
                }
            }
            Item::Scenario(_) => unreachable!("the grammar has no nested scenarios"),
            Item::Decl(_) | Item::WhatIf(_) => match whatif::apply(&mut work, &model, item) {
                Ok(m) => model = m,
                Err(errs) => {
                    let errs: Vec<Diagnostic> = errs.into_iter().map(|d| in_scenario(d, name)).collect();
                    out.cases.push(Case {
                        span: item.span,
                        scenario: Some(name.to_string()),
                        result: CaseResult::Error(errs.clone()),
                        cites: vec![],
                    });
                    out.errors.extend(errs);
                    skip_rest(&items[i + 1..], name, out);
                    return;
                }
            },
        }
    }
}

/// Record the expectations of a scenario after an error as skipped.
fn skip_rest(rest: &[std::sync::Arc<Node<Item>>], name: &str, out: &mut FileOutcome) {
    for item in rest.iter().filter(|i| matches!(i.kind, Item::Expect(_))) {
        out.cases.push(Case {
            span: item.span,
            scenario: Some(name.to_string()),
            result: CaseResult::Skipped,
            cites: vec![],
        });
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
            let errs: Vec<Diagnostic> = errs
                .into_iter()
                .map(|d| match scenario {
                    Some(s) => in_scenario(d, s),
                    None => d,
                })
                .collect();
            out.cases.push(Case {
                span: item.span,
                scenario: scenario.map(str::to_string),
                result: CaseResult::Error(errs.clone()),
                cites: vec![],
            });
            out.errors.extend(errs);
            return false;
        }
    };
    let explanation = explain(model, r.principal, r.product);
    let actual = explanation.decision;
    let cites = cites(
        model,
        model.subject(r.principal),
        r.product,
        &explanation.steps,
        &actual,
    );
    let ok = actual.access == r.access
        && r.rule.is_none_or(|rule| rule == actual.rule)
        && r.group.is_none_or(|g| Some(g) == actual.group);
    out.cases.push(Case {
        span: item.span,
        scenario: scenario.map(str::to_string),
        result: if ok {
            CaseResult::Passed(actual)
        } else {
            CaseResult::Failed(out.failures.len())
        },
        cites,
    });
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

/// What a decision rests on (see [`Case::cites`]).
fn cites(
    model: &Model,
    subject: Subject<'_>,
    product: crate::model::ProductId,
    steps: &[Step],
    d: &Decision,
) -> Vec<Span> {
    let mut out = vec![d.source, subject.span(), model.product(product).span];
    for step in steps {
        let passed = matches!(
            step,
            Step::Status { .. } | Step::UserCountry { .. } | Step::KeyCountry { .. } | Step::Entitled { .. }
        ) && step.outcome() == "pass";
        if let (true, Some(span)) = (passed, step.span(model)) {
            out.push(span);
        }
        if let (
            Step::UserCountry {
                profile,
                country: Some(c),
                by,
                ..
            },
            true,
        ) = (step, passed)
        {
            let c = model.country(*c);
            match by {
                Some(CountryBy::Covers) => out.extend(
                    c.covers
                        .iter()
                        .filter(|(code, _)| code.eq_ignore_ascii_case(profile))
                        .map(|(_, s)| *s),
                ),
                Some(CountryBy::Revenue) => out.extend(c.revenue.map(|(_, s)| s)),
                _ => {}
            }
        }
        if let (
            Step::KeyCountry {
                by: Some(CountryBy::KeyGroups),
                ..
            },
            true,
        ) = (step, passed)
        {
            out.extend(subject.groups().iter().map(|(_, s)| *s));
        }
    }
    if let Some(g) = d.group {
        out.extend(subject.groups().iter().filter(|(id, _)| *id == g).map(|(_, s)| *s));
    }
    out
}

impl Failure {
    /// The expectation as written after the principal and product: `allow by group-allowed A`.
    pub fn expected_text(&self) -> String {
        let mut s = self.expected_access.to_string();
        if let Some(r) = self.expected_rule {
            s.push_str(&format!(" by {r}"));
        }
        if let Some(g) = &self.expected_group {
            s.push_str(&format!(" {g}"));
        }
        s
    }

    /// The actual decision in the same words: `deny by group-not-allowed Design`.
    pub fn actual_text(&self) -> String {
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

/// The files `entitle test PATH...` runs, in order: a file is taken as given; a folder is
/// searched recursively for `*.ent` files, in sorted path order, skipping hidden entries
/// (names starting with `.`) and folders named `target`; symbolic links to folders are not
/// followed. A file named twice runs once (where it first appears). A folder with no `.ent`
/// file, or one that cannot be read, is an error (with the folder); the files found elsewhere
/// are still listed.
#[allow(clippy::type_complexity)]
pub fn collect_files(paths: &[std::path::PathBuf]) -> (Vec<std::path::PathBuf>, Vec<(std::path::PathBuf, Diagnostic)>) {
    let (mut files, mut errors) = (vec![], vec![]);
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = vec![];
        match walk(path, &mut found) {
            Err(e) => errors.push((
                path.clone(),
                Diagnostic::error("io", format!("cannot read the folder `{}`: {e}", path.display())),
            )),
            Ok(()) if found.is_empty() => errors.push((
                path.clone(),
                Diagnostic::error(
                    "no-policy-files",
                    format!("no `.ent` file in the folder `{}`", path.display()),
                )
                .with_help("`entitle test` searches folders recursively (hidden entries and `target/` aside)"),
            )),
            Ok(()) => {
                found.sort();
                files.extend(found);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    (files, errors)
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            if name != "target" {
                walk(&path, out)?;
            }
        } else if name.ends_with(".ent") && (kind.is_file() || path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
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
                            work.model = whatif::apply(&mut work.document, &work.model, inner)?.into();
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
///
/// It scans bytes and compares text only where an `S` starts a word: under a fuzzer, every
/// comparison of unequal bytes goes through libFuzzer's `memcmp` hook, and testing for
/// `Span {` at every character was a tenth of an execution of the `whatif` target.
pub fn spanless(debug: &str) -> String {
    let bytes = debug.as_bytes();
    let mut out = String::with_capacity(debug.len());
    let (mut at, mut copied, mut in_string) = (0, 0, false);
    while at < bytes.len() {
        match bytes[at] {
            // (an escaped character: the one after a backslash, which is ASCII or starts a
            // character whose other bytes are never `"` or `\`)
            b'\\' if in_string => at += 2,
            b'"' => {
                in_string = !in_string;
                at += 1;
            }
            b'S' if !in_string && bytes[at..].starts_with(b"Span {") => {
                out.push_str(&debug[copied..at]);
                out.push_str("Span");
                at = debug[at..].find('}').map_or(bytes.len(), |i| at + i + 1);
                copied = at;
            }
            _ => at += 1,
        }
    }
    out.push_str(&debug[copied..]);
    out
}

/// The lean load of a file ([`crate::syntax::parse_lean`], [`crate::resolve::resolve_lean`])
/// against the full one (`doc` and `errors`, what [`crate::syntax::parse`] gave, resolved by
/// [`crate::resolve::resolve`]): the first difference in syntax errors, diagnostics, users,
/// keys, groups or principal lookups, if any (for the project's tests and fuzz targets).
pub fn lean_difference(sources: &Sources, file: FileId, doc: &Document, errors: &[Diagnostic]) -> Option<String> {
    let (lean_doc, lean_users, lean_errors) = crate::syntax::parse_lean(sources, file);
    let (model, diagnostics) = crate::resolve::resolve(doc);
    let (lean, lean_diagnostics) = crate::resolve::resolve_lean(&lean_doc, &lean_users);
    // (compared as values; rendered only to report a difference)
    fn differ<T: PartialEq + std::fmt::Debug + ?Sized>(what: &str, full: &T, lean: &T) -> Option<String> {
        (full != lean).then(|| format!("the lean load changed the {what}:\n  full: {full:?}\n  lean: {lean:?}"))
    }
    differ("syntax errors", errors, &lean_errors[..])
        .or_else(|| differ("diagnostics", &diagnostics, &lean_diagnostics))
        .or_else(|| differ("users", &model.users, &lean.users))
        .or_else(|| differ("keys", &model.keys, &lean.keys))
        .or_else(|| differ("groups", &model.groups, &lean.groups))
        .or_else(|| {
            model.principal_names().find_map(|n| {
                let (a, b) = (model.find_principal(n), lean.find_principal(n));
                (a != b).then(|| format!("`{n}` is {a:?} in the full load, {b:?} in the lean one"))
            })
        })
}

/// `doc` with every number (`revenue`, `set revenue`) written as `fmt` writes it (`0042` →
/// `42`, `1000` → `1_000`): numbers compare by value (LANGUAGE.md §8), so a formatted document
/// compares equal to its input after this. An invalid number stays as written, as `fmt` keeps
/// it.
pub fn canonical_numbers(doc: &mut crate::syntax::Document) {
    use crate::syntax::{CountryStmt, Decl, Item, Name, Node, WhatIf};
    fn number(n: &mut Name) {
        if let Ok(v) = crate::resolve::number(n) {
            n.text = crate::fmt::format_number(v);
        }
    }
    fn items(list: &mut [std::sync::Arc<Node<Item>>]) {
        for item in list {
            match &mut std::sync::Arc::make_mut(item).kind {
                Item::Decl(Decl::Country(c)) => {
                    for s in &mut c.stmts {
                        if let CountryStmt::Revenue(n) = &mut s.kind {
                            number(n);
                        }
                    }
                }
                Item::WhatIf(WhatIf::SetRevenue { revenue: Some(n), .. }) => number(n),
                Item::Scenario(s) => items(&mut s.items),
                _ => {}
            }
        }
    }
    items(&mut doc.items);
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

#[cfg(test)]
mod tests {
    #[test]
    fn spanless_drops_spans_outside_strings_only() {
        let cases = [
            (
                "Name { text: \"a\", span: Span { file: FileId(0), start: 1, end: 2 } }",
                "Name { text: \"a\", span: Span }",
            ),
            // a span's text inside a string, an escaped quote, characters of several bytes
            (
                "[\"Span { x }\", \"é\\\"Span {\", Span { start: 3 }, Spans { a }, S]",
                "[\"Span { x }\", \"é\\\"Span {\", Span, Spans { a }, S]",
            ),
            ("\"ü\\ü\" Span { 1 } é", "\"ü\\ü\" Span é"),
            ("Span { never closed", "Span"),
            ("", ""),
        ];
        for (debug, want) in cases {
            assert_eq!(super::spanless(debug), want, "{debug}");
        }
    }
}
