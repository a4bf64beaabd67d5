//! `lint`: findings (and errors), rendered with source excerpts or as JSON.

use crate::diag::{self, Diagnostic, DiagnosticJson};
use crate::lint::Finding;
use crate::source::Sources;
use serde::Serialize;

/// `lint --json`: the counts, then every diagnostic.
#[derive(Serialize)]
pub struct LintJson {
    /// Diagnostics of severity `error`: denied findings and errors.
    pub errors: usize,
    /// Findings reported as warnings.
    pub warnings: usize,
    pub diagnostics: Vec<FindingJson>,
}

/// One element of `diagnostics`: a diagnostic's JSON and the level it is reported at.
#[derive(Serialize)]
pub struct FindingJson {
    #[serde(flatten)]
    pub diagnostic: DiagnosticJson,
    /// `warn` or `deny` for a lint finding; `error` for an error that is not a lint (the
    /// policy does not load, a scenario statement fails), which no flag changes.
    pub level: &'static str,
}

/// The findings and the errors, in source order (errors first at the same place).
fn merged<'d>(findings: &'d [Finding], errors: &'d [Diagnostic]) -> Vec<(&'d Diagnostic, &'static str)> {
    let mut all: Vec<(&Diagnostic, &'static str)> = errors
        .iter()
        .map(|d| (d, "error"))
        .chain(findings.iter().map(|f| (&f.diagnostic, f.level.as_str())))
        .collect();
    all.sort_by_key(|(d, _)| d.primary_span().map(|s| (s.file, s.start)).unwrap_or_default());
    all
}

/// The JSON of `lint`: `findings` at their levels, and `errors` (failing scenario statements).
pub fn lint_json(findings: &[Finding], errors: &[Diagnostic], sources: &Sources) -> LintJson {
    let all = merged(findings, errors);
    let errors = all.iter().filter(|(d, _)| d.is_error()).count();
    LintJson {
        errors,
        warnings: all.len() - errors,
        diagnostics: all
            .into_iter()
            .map(|(d, level)| FindingJson {
                diagnostic: d.to_json(sources),
                level,
            })
            .collect(),
    }
}

/// The JSON of `lint --json` for a policy that does not load: its errors.
pub fn errors_json(errors: &[Diagnostic], sources: &Sources) -> LintJson {
    lint_json(&[], errors, sources)
}

/// The text of `lint` (printed on standard output): every finding and error with its
/// excerpt and a count line, or `no problems found`.
pub fn lint_text(findings: &[Finding], errors: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let all: Vec<Diagnostic> = merged(findings, errors).into_iter().map(|(d, _)| d.clone()).collect();
    if all.is_empty() {
        "no problems found\n".to_string()
    } else {
        diag::render_all(&all, sources, color)
    }
}
