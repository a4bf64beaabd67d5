//! `entitle test PATH... [--junit FILE] [--coverage] [--json]` (LANGUAGE.md §6, §8).
//!
//! Text: each failure rendered with both locations, one status line per file, then the
//! summary `N passed, M failed[, K errors]` (K counts error diagnostics; a file that cannot be
//! read or fails to load counts at least one; a folder without `.ent` files counts one), then
//! with `--coverage` the coverage report. `--json` prints one object instead (diagnostics
//! still go to standard error as text too). Exit 0 all passed, 1 a failure, 2 any error.

use super::{Ctx, EXIT_DENY, EXIT_ERROR, EXIT_OK};
use crate::diag::{self, DiagnosticJson};
use crate::source::{Location, Sources};
use crate::testing::{self, coverage, junit, FileOutcome};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The `--json` answer.
#[derive(Serialize)]
struct TestJson {
    passed: usize,
    failed: usize,
    errors: usize,
    files: Vec<FileJson>,
    failures: Vec<FailureJson>,
    diagnostics: Vec<DiagnosticJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<coverage::Coverage>,
}

#[derive(Serialize)]
struct FileJson {
    file: String,
    /// `ok`, `fail` or `error`
    status: &'static str,
    expectations: usize,
    passed: usize,
    failed: usize,
    errors: usize,
}

#[derive(Serialize)]
struct FailureJson {
    #[serde(flatten)]
    at: Location,
    scenario: Option<String>,
    principal: String,
    product: String,
    expected: String,
    actual: ActualJson,
}

#[derive(Serialize)]
struct ActualJson {
    decision: &'static str,
    rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    source: Location,
}

/// One file's run: its sources (empty when it could not be read) and outcome.
struct Ran {
    name: String,
    sources: Sources,
    file: Option<crate::source::FileId>,
    outcome: FileOutcome,
}

/// The number of errors `outcome` adds to the summary: its error diagnostics, at least one
/// when the file failed to load.
fn error_count(outcome: &FileOutcome) -> usize {
    let n = outcome.errors.iter().filter(|d| d.is_error()).count();
    if outcome.load_failed {
        n.max(1)
    } else {
        n
    }
}

impl Ctx<'_> {
    pub(super) fn test(
        &mut self,
        paths: &[PathBuf],
        junit_path: Option<&Path>,
        want_coverage: bool,
        json: bool,
    ) -> i32 {
        let (files, walk_errors) = testing::collect_files(paths);
        let empty = Sources::new();
        let mut extra_errors = walk_errors.len();
        let mut diagnostics: Vec<DiagnosticJson> = vec![];
        for (_, d) in &walk_errors {
            let _ = write!(self.err, "{}", d.render(&empty, self.color));
            diagnostics.push(d.to_json(&empty));
        }
        let mut runs = vec![];
        for path in &files {
            let name = path.display().to_string();
            let mut sources = Sources::new();
            let working = super::progress::Loading::working("testing", path);
            let (file, outcome) = match crate::read_source(path) {
                Ok(text) => {
                    let file = sources.add(name.clone(), text);
                    (Some(file), testing::run_file(&sources, file))
                }
                Err(d) => (
                    None,
                    FileOutcome {
                        errors: vec![d],
                        load_failed: true,
                        ..FileOutcome::default()
                    },
                ),
            };
            drop(working);
            runs.push(Ran {
                name,
                sources,
                file,
                outcome,
            });
        }

        let (mut passed, mut failed, mut errors) = (0, 0, 0);
        let mut file_json = vec![];
        let mut failures_json = vec![];
        for run in &runs {
            let (o, sources) = (&run.outcome, &run.sources);
            if !o.errors.is_empty() {
                let _ = write!(self.err, "{}", diag::render_all(&o.errors, sources, self.color));
                diagnostics.extend(o.errors.iter().map(|d| d.to_json(sources)));
            }
            let status = if !o.errors.is_empty() {
                "error"
            } else if o.failures.is_empty() {
                "ok"
            } else {
                "fail"
            };
            if !json {
                for f in &o.failures {
                    let _ = write!(self.out, "{}", f.to_diagnostic(sources).render(sources, self.color));
                }
                let _ = match run.file {
                    None => writeln!(self.out, "error {} (not read)", run.name),
                    Some(_) => writeln!(
                        self.out,
                        "{:<5} {} ({} expectation{}, {} failed)",
                        if status == "fail" { "FAIL" } else { status },
                        run.name,
                        o.expectations,
                        if o.expectations == 1 { "" } else { "s" },
                        o.failures.len()
                    ),
                };
            }
            failures_json.extend(o.failures.iter().map(|f| FailureJson {
                at: sources.location(f.span),
                scenario: f.scenario.clone(),
                principal: f.principal.clone(),
                product: f.product.clone(),
                expected: f.expected_text(),
                actual: ActualJson {
                    decision: f.actual.access.as_str(),
                    rule: f.actual.rule.as_str(),
                    group: f.actual_group.clone(),
                    source: sources.location(f.actual.source),
                },
            }));
            file_json.push(FileJson {
                file: run.name.clone(),
                status,
                expectations: o.expectations,
                passed: o.passed,
                failed: o.failures.len(),
                errors: error_count(o),
            });
            passed += o.passed;
            failed += o.failures.len();
            errors += error_count(o);
        }
        errors += std::mem::take(&mut extra_errors);

        let cov = want_coverage.then(|| {
            coverage::total(
                runs.iter()
                    .filter_map(|r| r.file.and_then(|f| coverage::file_coverage(&r.sources, f, &r.outcome)))
                    .collect(),
            )
        });

        let mut code = if errors > 0 {
            EXIT_ERROR
        } else if failed > 0 {
            EXIT_DENY
        } else {
            EXIT_OK
        };
        if let Some(path) = junit_path {
            let mut suites: Vec<junit::Suite<'_>> = vec![];
            let walk: Vec<FileOutcome> = walk_errors
                .iter()
                .map(|(_, d)| FileOutcome {
                    errors: vec![d.clone()],
                    load_failed: true,
                    ..FileOutcome::default()
                })
                .collect();
            for ((folder, _), o) in walk_errors.iter().zip(&walk) {
                suites.push(junit::Suite {
                    name: folder.display().to_string(),
                    sources: &empty,
                    outcome: o,
                });
            }
            suites.extend(runs.iter().map(|r| junit::Suite {
                name: r.name.clone(),
                sources: &r.sources,
                outcome: &r.outcome,
            }));
            if let Err(e) = crate::atomic_write(path, junit::report(&suites).as_bytes()) {
                let _ = writeln!(self.err, "error: cannot write `{}`: {e}", path.display());
                code = EXIT_ERROR;
            }
        }

        if json {
            self.json(&TestJson {
                passed,
                failed,
                errors,
                files: file_json,
                failures: failures_json,
                diagnostics,
                coverage: cov,
            });
        } else {
            let _ = match errors {
                0 => writeln!(self.out, "{passed} passed, {failed} failed"),
                1 => writeln!(self.out, "{passed} passed, {failed} failed, 1 error"),
                k => writeln!(self.out, "{passed} passed, {failed} failed, {k} errors"),
            };
            if let Some(c) = &cov {
                let _ = write!(self.out, "{}", c.text());
            }
        }
        code
    }
}
