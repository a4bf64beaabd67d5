//! `entitle test --coverage`: which policy statements the expectations exercise.
//!
//! The units are the **statements** inside declarations, one line each as `fmt` writes them:
//! a country's `revenue`, `covers`, `entitled`, `default` and `allow`/`deny` (General Access);
//! a group's `allowed`, `include-country` and `exception`; a user's `country`,
//! `entitlement-country`, `groups`, `status` and `allow`/`deny`; a key's `groups`; the
//! account's `global`. Statements no decision reads (`roles`, `domain`, `alerts`) are not
//! counted. Statements written inside scenarios are not policy statements either.
//!
//! A statement is **covered** when at least one expectation that ran (top-level or in a
//! scenario, passed or failed) rests on it: it holds the decision's `source` (the statement
//! that decided, LANGUAGE.md §7), or it is the statement of a step the decision passed on the
//! way (the user's `status`, the `country` / `entitlement-country` statement or `covers` entry
//! or fallback `revenue` that chose the entitlement country, the `entitled` or `global` entry
//! that entitled the product), or the `groups` statement that makes the principal a member of
//! the credited group (for a key whose groups give its country, every `groups` statement).
//! See [`super::Case::cites`]; the percentage is covered statements over statements.
//!
//! A **declaration** (product, country, group, user, key) is **unreached** when no
//! expectation names it as its principal or product and no expectation's decision rests on
//! it or on one of its statements (in the sense above): nothing tests it.

use super::FileOutcome;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{AccountStmt, Decl, Item, UserStmt};
use serde::Serialize;

/// What "covered" means, as `entitle test --help` and the JSON report say it.
pub const DEFINITION: &str = "a statement is covered when the decision of at least one \
expectation that ran rests on it: it decided (the decision's source), or it is a step the \
decision passed on the way (the user's status, the statement that chose the entitlement \
country, the entitled or global entry of the product) or the membership in the credited group; \
a declaration is unreached when no expectation names it and no decision rests on it";

/// Coverage over every file that loaded.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// [`DEFINITION`].
    pub definition: &'static str,
    /// Statements in all files.
    pub statements: usize,
    /// Covered statements in all files.
    pub covered: usize,
    /// `covered / statements` in percent, rounded to one decimal; `None` when there is no
    /// statement.
    pub percent: Option<f64>,
    /// One entry per file that loaded, in run order.
    pub files: Vec<FileCoverage>,
}

/// The coverage of one file.
#[derive(Clone, Debug, Serialize)]
pub struct FileCoverage {
    /// The file as named on the command line (or found in a folder).
    pub file: String,
    /// Statements in the file.
    pub statements: usize,
    /// Covered statements.
    pub covered: usize,
    /// As [`Coverage::percent`].
    pub percent: Option<f64>,
    /// Covered statements, in file order.
    pub covered_statements: Vec<Statement>,
    /// Statements no expectation rests on, in file order.
    pub uncovered_statements: Vec<Statement>,
    /// Declarations no expectation reaches, in file order.
    pub unreached_declarations: Vec<Declaration>,
}

/// One statement of a declaration.
#[derive(Clone, Debug, Serialize)]
pub struct Statement {
    pub line: usize,
    pub column: usize,
    /// The declaration it is in: `group Design`, `account`.
    pub of: String,
    /// The statement's text (its first line).
    pub text: String,
    /// How many expectations rest on it.
    pub expectations: usize,
}

/// One declaration.
#[derive(Clone, Debug, Serialize)]
pub struct Declaration {
    /// `product`, `country`, `group`, `user` or `key`.
    pub kind: &'static str,
    pub name: String,
    pub line: usize,
    pub column: usize,
}

fn within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && outer.start <= inner.start && inner.end <= outer.end
}

fn percent(covered: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| (covered as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// The coverage of `file` by the cases of `outcome` (its [`super::run_file`] result);
/// `None` when the file did not load.
pub fn file_coverage(sources: &Sources, file: FileId, outcome: &FileOutcome) -> Option<FileCoverage> {
    if outcome.load_failed {
        return None;
    }
    let (doc, _) = crate::syntax::parse(sources, file);
    let cites: Vec<&[Span]> = outcome.cases.iter().map(|c| c.cites.as_slice()).collect();
    let hits = |span: Span| cites.iter().filter(|c| c.iter().any(|s| within(*s, span))).count();
    let statement = |span: Span, of: String| {
        let loc = sources.location(span);
        Statement {
            line: loc.line,
            column: loc.column,
            of,
            text: sources.text(span).lines().next().unwrap_or("").trim_end().to_string(),
            expectations: hits(span),
        }
    };
    let (mut stmts, mut unreached) = (vec![], vec![]);
    for item in &doc.items {
        let Item::Decl(decl) = &item.kind else { continue };
        let of = match (decl.kind(), decl.name()) {
            (Some(k), Some(n)) => format!("{} {}", k.as_str(), n.text),
            _ => "account".to_string(),
        };
        let spans: Vec<Span> = match decl {
            Decl::Account(a) => a
                .stmts
                .iter()
                .filter(|s| matches!(s.kind, AccountStmt::Global(_)))
                .map(|s| s.span)
                .collect(),
            Decl::Product(_) => vec![],
            Decl::Country(c) => c.stmts.iter().map(|s| s.span).collect(),
            Decl::Group(g) => g.stmts.iter().map(|s| s.span).collect(),
            Decl::User(u) => u
                .stmts
                .iter()
                .filter(|s| !matches!(s.kind, UserStmt::Roles(_)))
                .map(|s| s.span)
                .collect(),
            Decl::Key(k) => k.stmts.iter().map(|s| s.span).collect(),
        };
        stmts.extend(spans.into_iter().map(|s| statement(s, of.clone())));
        if let (Some(kind), Some(name)) = (decl.kind(), decl.name()) {
            let reached = cites.iter().any(|c| c.iter().any(|s| within(*s, item.span)));
            if !reached {
                let loc = sources.location(item.span);
                unreached.push(Declaration {
                    kind: kind.as_str(),
                    name: name.text.clone(),
                    line: loc.line,
                    column: loc.column,
                });
            }
        }
    }
    let (covered, uncovered): (Vec<Statement>, Vec<Statement>) = stmts.into_iter().partition(|s| s.expectations > 0);
    let total = covered.len() + uncovered.len();
    Some(FileCoverage {
        file: sources.get(file).name.clone(),
        statements: total,
        covered: covered.len(),
        percent: percent(covered.len(), total),
        covered_statements: covered,
        uncovered_statements: uncovered,
        unreached_declarations: unreached,
    })
}

/// The totals over `files`.
pub fn total(files: Vec<FileCoverage>) -> Coverage {
    let statements = files.iter().map(|f| f.statements).sum();
    let covered = files.iter().map(|f| f.covered).sum();
    Coverage {
        definition: DEFINITION,
        statements,
        covered,
        percent: percent(covered, statements),
        files,
    }
}

fn show_percent(p: Option<f64>) -> String {
    p.map_or_else(|| "no statements".to_string(), |p| format!("{p:.1}%"))
}

impl Coverage {
    /// The text report: the total, then per file its percentage, the statements not covered
    /// and the declarations not reached.
    pub fn text(&self) -> String {
        let mut s = format!(
            "coverage: {} of {} statements covered ({})\n",
            self.covered,
            self.statements,
            show_percent(self.percent)
        );
        for f in &self.files {
            s.push_str(&format!(
                "  {}: {} of {} ({})\n",
                f.file,
                f.covered,
                f.statements,
                show_percent(f.percent)
            ));
            for st in &f.uncovered_statements {
                s.push_str(&format!(
                    "    not covered  line {:<4} {}  ({})\n",
                    st.line,
                    st.text.trim(),
                    st.of
                ));
            }
            for d in &f.unreached_declarations {
                s.push_str(&format!("    not reached  line {:<4} {} {}\n", d.line, d.kind, d.name));
            }
        }
        s
    }
}
