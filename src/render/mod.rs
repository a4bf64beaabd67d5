//! The text and JSON of every answer, shared by every front end: the command line
//! (`crate::cli`), the REPL (`crate::repl`) and, where it shows answers, the HTML report.
//!
//! One submodule per answer: [`decision`] (`check`), [`explain`] (`explain`, and the sentence
//! for every evaluation step), [`access`](mod@access), [`can`], [`who`](mod@who), [`diff`] (`diff`, `simulate`, the
//! REPL's `:diff`, `matrix --format summary`), [`matrix`] (the streamed grids and the rule
//! codes), [`lint`], [`plain`] (`explain`, `access` and `can` in the portal's words, for a
//! customer). The front ends parse their input, call the library, and print what these
//! functions return, so the same query prints the same bytes everywhere. [`exit`] holds the
//! exit codes every front end uses.
//!
//! The core computes data ([`crate::eval`] returns steps, not sentences); English lives here.

pub mod access;
pub mod batch;
pub mod can;
pub mod decision;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod matrix;
pub mod plain;
pub mod who;

pub use access::{
    access, access_filtered, access_json, access_text, access_text_limit, country_by_words, AccessDecisionJson,
    AccessJson,
};
pub use can::{can_json, can_text};
pub use decision::{decision_json, decision_text, DecisionJson};
pub use diff::{
    diff_json, diff_since_text, diff_text, effect_text, impact_markdown, impact_text, limit_diff, summary_text,
    DiffJson,
};
pub use explain::{
    blockers_text, explain_json, explanation_text, fixes_text, step_sentence, steps_json, BlockerJson, ExplainJson,
    FixEditJson, FixJson, StepJson,
};
pub use lint::{lint_json, lint_text, LintJson};
pub use matrix::rule_code;
pub use plain::{access_plain, can_plain, explain_plain, fix_sets, portal_step, PortalStep};
pub use who::{who, who_json, who_text, WhoJson};

use crate::source::{Sources, Span};
use serde::Serialize;

/// Exit codes, the same for every command and for the REPL's piped mode.
pub mod exit {
    use crate::model::Access;

    /// Success; the answer is allow (or yes).
    pub const OK: i32 = 0;
    /// The answer is deny (or no), an expectation failed, or something changed.
    pub const DENY: i32 = 1;
    /// Bad input: the question could not be answered.
    pub const ERROR: i32 = 2;

    /// [`OK`] for allow, [`DENY`] for deny.
    pub fn of(access: Access) -> i32 {
        match access {
            Access::Allow => OK,
            Access::Deny => DENY,
        }
    }
}

/// The `source` object of the JSON answers: the policy's base name, line and column.
#[derive(Serialize)]
pub struct SourceJson {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// The `source` object for a span (the file's base name, LANGUAGE.md §7).
pub fn source_json(sources: &Sources, span: Span) -> SourceJson {
    let loc = sources.location(span);
    SourceJson {
        file: base_name(&loc.file),
        line: loc.line,
        column: loc.column,
    }
}

/// The last component of a path as given.
pub fn base_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned())
}

/// `at file:line:column  ` and the first line of the statement there.
pub fn at(sources: &Sources, span: Span) -> String {
    let loc = sources.location(span);
    let text = sources.text(span).lines().next().unwrap_or("").trim();
    format!("at {}:{}:{}  {text}", loc.file, loc.line, loc.column)
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", crate::filter::thousands(n), if n == 1 { one } else { many })
}

/// How many of `len` items `limit` lets through (0: all).
pub(crate) fn shown(limit: usize, len: usize) -> usize {
    if limit == 0 {
        len
    } else {
        limit.min(len)
    }
}
