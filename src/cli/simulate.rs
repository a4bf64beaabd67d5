//! Front end of the simulator commands: `who`, `matrix`, `diff`, `simulate`.

use super::progress::Progress;
use super::{Ctx, MatrixFormat, EXIT_DENY, EXIT_ERROR, EXIT_OK};
use crate::compile::Compiled;
use crate::model::Model;
use crate::render::{self, matrix};
use crate::sim;
use crate::Policy;
use std::path::Path;

impl Ctx<'_> {
    pub(super) fn who(&mut self, path: &Path, product: &str, json: bool, limit: usize) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let x = match policy.product(product) {
            Ok(x) => x,
            Err(e) => return self.query_error(e),
        };
        let m = &policy.model;
        let w = render::who(m, x);
        if json {
            self.json(&render::who_json(m, x, &w, limit));
        } else {
            let _ = write!(self.out, "{}", render::who_text(m, x, &w, limit));
        }
        EXIT_OK
    }

    pub(super) fn matrix(&mut self, path: &Path, format: MatrixFormat, summary: bool) -> i32 {
        let summary = match (summary, format) {
            (false, MatrixFormat::Summary) | (true, MatrixFormat::Table | MatrixFormat::Summary) => Some(false),
            (true, MatrixFormat::Json) => Some(true),
            (true, MatrixFormat::Csv) => {
                let _ = writeln!(
                    self.err,
                    "error: the summary has no CSV form (use --format table or json)"
                );
                return EXIT_ERROR;
            }
            (false, _) => None,
        };
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        // only the model is needed from here: free the syntax tree first
        let policy = Policy {
            document: Default::default(),
            ..policy
        };
        let m = &policy.model;
        let c = Compiled::new(m);
        let progress = Progress::new(c.principals(), "deciding");
        let tick = |n: usize| progress.tick(n);
        if let Some(json) = summary {
            let s = sim::summary(m, &c, &tick);
            progress.finish();
            if json {
                self.json(&s);
            } else {
                let _ = write!(self.out, "{}", render::summary_text(&s));
            }
            return EXIT_OK;
        }
        let result = match format {
            MatrixFormat::Table | MatrixFormat::Summary => matrix::matrix_table(&mut *self.out, m, &c, &tick),
            MatrixFormat::Csv => matrix::matrix_csv(&mut *self.out, m, &c, &tick),
            MatrixFormat::Json => matrix::matrix_json(&mut *self.out, m, &c, &tick),
        };
        progress.finish();
        match result {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                let _ = writeln!(self.err, "error: {e}");
                EXIT_ERROR
            }
        }
    }

    pub(super) fn diff(&mut self, old: &Path, new: &Path, json: bool, limit: usize) -> i32 {
        let a = match self.load(old) {
            Ok(p) => p.model,
            Err(code) => return code,
        };
        let b = match self.load(new) {
            Ok(p) => p.model,
            Err(code) => return code,
        };
        self.report_diff(&a, &b, json, limit)
    }

    pub(super) fn simulate(&mut self, path: &Path, statements: &[String], json: bool, limit: usize) -> i32 {
        let original = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let mut changed = original.clone();
        let mut notes = vec![];
        for (i, stmt) in statements.iter().enumerate() {
            let before = changed.document.clone();
            if let Err(e) = changed.apply(&format!("--what-if #{}", i + 1), stmt) {
                return self.errors(&e);
            }
            if changed.document == before {
                notes.push(format!("`{}`: no change (the policy already says so)", stmt.trim()));
            }
            notes.extend(no_effect(&changed.model, stmt));
        }
        self.report_diff_with(&original.model, &changed.model, json, limit, notes)
    }

    fn report_diff(&mut self, old: &Model, new: &Model, json: bool, limit: usize) -> i32 {
        self.report_diff_with(old, new, json, limit, vec![])
    }

    fn report_diff_with(&mut self, old: &Model, new: &Model, json: bool, limit: usize, notes: Vec<String>) -> i32 {
        let progress = Progress::new(old.users.len() + old.keys.len(), "comparing");
        let mut d = sim::diff(old, new, &|n| progress.tick(n));
        d.notes = notes;
        progress.finish();
        render::limit_diff(&mut d, limit);
        if json {
            self.json(&d);
        } else {
            let _ = write!(self.out, "{}", render::diff_text(&d, limit));
        }
        if d.is_empty() {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }
}

/// Edits that change the policy text but not what it means: `include-country` on a group
/// without an Allowed Applications list (LANGUAGE.md §3: an empty list is never applied).
fn no_effect(model: &Model, stmt: &str) -> Option<String> {
    let words: Vec<&str> = stmt.split_whitespace().collect();
    let ["set", "include-country", group, "on"] = words.as_slice() else {
        return None;
    };
    let g = model.group(model.find_group(group.trim_matches('"'))?);
    (g.mode() != crate::model::GroupMode::AllowList).then(|| {
        format!(
            "`{}`: no effect: group {} has no Allowed Applications list, and `include-country` only acts on a group whose list is non-empty",
            stmt.trim(),
            g.name
        )
    })
}
