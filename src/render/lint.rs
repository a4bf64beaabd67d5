//! `lint`: errors and warnings, rendered with source excerpts or as JSON.

use crate::diag::{self, Diagnostic, DiagnosticJson};
use crate::source::Sources;
use serde::Serialize;

/// `lint --json`: the counts, then every diagnostic.
#[derive(Serialize)]
pub struct LintJson {
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<DiagnosticJson>,
}

/// The JSON of `lint`.
pub fn lint_json(diags: &[Diagnostic], sources: &Sources) -> LintJson {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    LintJson {
        errors,
        warnings: diags.len() - errors,
        diagnostics: diags.iter().map(|d| d.to_json(sources)).collect(),
    }
}

/// The text of `lint` (printed on standard error): every diagnostic with its excerpt, or
/// `no problems found`.
pub fn lint_text(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    if diags.is_empty() {
        "no problems found\n".to_string()
    } else {
        diag::render_all(diags, sources, color)
    }
}
