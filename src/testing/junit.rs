//! `entitle test --junit FILE`: the run as JUnit XML, for CI systems.
//!
//! One `<testsuite>` per file (named by the file), one `<testcase>` per expectation (named
//! `line N: expect …`, `classname` the file, or `FILE > scenario "NAME"` inside a scenario).
//! A failed expectation has a `<failure>` whose `message` gives the expected and the actual
//! decision and rule, and whose text is the rendered failure (with where the decision was
//! made). A what-if statement that fails is its own test case with an `<error>`; the
//! expectations after it in its scenario are `<skipped/>`. A file that cannot be read or
//! loaded has one test case, `load`, with an `<error>` holding every diagnostic.

use super::{CaseResult, FileOutcome};
use crate::source::Sources;

/// One file's run.
pub struct Suite<'a> {
    /// The file as named on the command line (or found in a folder).
    pub name: String,
    /// The sources the file was loaded into (empty when it could not be read).
    pub sources: &'a Sources,
    pub outcome: &'a FileOutcome,
}

/// Escape text for an XML attribute or element; characters XML 1.0 cannot hold are dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

/// The XML document for `suites`.
pub fn report(suites: &[Suite<'_>]) -> String {
    let mut body = String::new();
    let mut all = Counts::default();
    for suite in suites {
        let (xml, c) = testsuite(suite);
        body.push_str(&xml);
        all.tests += c.tests;
        all.failures += c.failures;
        all.errors += c.errors;
        all.skipped += c.skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"entitle test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{body}</testsuites>\n",
        all.tests, all.failures, all.errors, all.skipped
    )
}

fn testsuite(suite: &Suite<'_>) -> (String, Counts) {
    let (sources, out) = (suite.sources, suite.outcome);
    let mut c = Counts::default();
    let mut cases = String::new();
    let file = esc(&suite.name);
    if out.load_failed {
        c.tests = 1;
        c.errors = 1;
        let first = out.errors.iter().find(|d| d.is_error()).or(out.errors.first());
        cases.push_str(&format!(
            "    <testcase name=\"load\" classname=\"{file}\">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
            first.map_or("error", |d| d.code),
            esc(&first.map_or_else(|| "the file did not load".to_string(), |d| d.message.clone())),
            esc(&crate::diag::render_all(&out.errors, sources, false)),
        ));
    }
    for case in &out.cases {
        c.tests += 1;
        let loc = sources.location(case.span);
        let text = sources.text(case.span).lines().next().unwrap_or("").trim().to_string();
        let name = esc(&format!("line {}: {text}", loc.line));
        let class = match &case.scenario {
            Some(s) => esc(&format!("{} > scenario \"{s}\"", suite.name)),
            None => file.clone(),
        };
        let open = format!("    <testcase name=\"{name}\" classname=\"{class}\"");
        match &case.result {
            CaseResult::Passed(_) => cases.push_str(&format!("{open}/>\n")),
            CaseResult::Failed(i) => {
                c.failures += 1;
                let f = &out.failures[*i];
                let at = sources.location(f.actual.source);
                let message = format!(
                    "expected {}, actual {} (decided at {}:{}:{})",
                    f.expected_text(),
                    f.actual_text(),
                    at.file,
                    at.line,
                    at.column
                );
                cases.push_str(&format!(
                    "{open}>\n      <failure type=\"expectation-failed\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    esc(&message),
                    esc(&f.to_diagnostic(sources).render(sources, false)),
                ));
            }
            CaseResult::Error(diags) => {
                c.errors += 1;
                let first = diags.first();
                cases.push_str(&format!(
                    "{open}>\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
                    first.map_or("error", |d| d.code),
                    esc(&first.map_or_else(String::new, |d| d.message.clone())),
                    esc(&crate::diag::render_all(diags, sources, false)),
                ));
            }
            CaseResult::Skipped => {
                c.skipped += 1;
                cases.push_str(&format!(
                    "{open}>\n      <skipped message=\"an earlier statement of the scenario failed\"/>\n    </testcase>\n"
                ));
            }
        }
    }
    let xml = format!(
        "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{cases}  </testsuite>\n",
        c.tests, c.failures, c.errors, c.skipped
    );
    (xml, c)
}
