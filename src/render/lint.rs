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

/// A code with more findings than this is shown by [`SHOWN_PER_CODE`] examples and a count,
/// unless verbose.
pub const GROUP_OVER: usize = 10;
/// How many findings of a grouped code are shown in full.
pub const SHOWN_PER_CODE: usize = 3;

/// The text of `lint` (printed on standard output): every finding and error with its excerpt
/// and a count line, or `no problems found`. Unless `verbose`, a code with more than
/// [`GROUP_OVER`] findings shows its first [`SHOWN_PER_CODE`], then how many more, and a table
/// of the counts by code ends the report (a large account has one `mixed-group-modes` per
/// user).
pub fn lint_text(findings: &[Finding], errors: &[Diagnostic], sources: &Sources, color: bool, verbose: bool) -> String {
    let all: Vec<&Diagnostic> = merged(findings, errors).into_iter().map(|(d, _)| d).collect();
    if all.is_empty() {
        return "no problems found\n".to_string();
    }
    let mut by_code: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in &all {
        *by_code.entry(d.code).or_default() += 1;
    }
    let grouped = |code: &str| !verbose && by_code[code] > GROUP_OVER;
    let mut out = String::new();
    let mut shown: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in &all {
        let n = shown.entry(d.code).or_default();
        *n += 1;
        if grouped(d.code) && *n > SHOWN_PER_CODE {
            continue;
        }
        out.push_str(&d.render(sources, color));
    }
    let cut: Vec<(&str, usize)> = by_code
        .iter()
        .filter(|(c, _)| grouped(c))
        .map(|(c, n)| (*c, *n))
        .collect();
    if !cut.is_empty() {
        for (code, n) in &cut {
            out.push_str(&format!(
                "… and {} more `{code}`\n",
                crate::filter::thousands(n - SHOWN_PER_CODE)
            ));
        }
        let mut rows: Vec<(&str, usize)> = by_code.iter().map(|(c, n)| (*c, *n)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let width = rows.iter().map(|(c, _)| c.len()).max().unwrap_or(4);
        out.push_str("\nby code (`--verbose` shows every finding, `--json` lists them all):\n");
        for (code, n) in rows {
            out.push_str(&format!("  {code:<width$}  {:>9}\n", crate::filter::thousands(n)));
        }
    }
    out.push_str(&diag::count_line(all.iter().copied()));
    out
}
