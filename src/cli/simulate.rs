//! Front end of the simulator commands: `who`, `matrix`, `diff`, `simulate`.

use super::progress::Progress;
use super::{Ctx, ImpactFormat, MatrixFormat, EXIT_DENY, EXIT_ERROR, EXIT_OK};
use crate::compile::Compiled;
use crate::filter::{Filter, Selection};
use crate::impact;
use crate::impact::simulate::{apply_what_if, compare_stages, select_either};
use crate::model::Model;
use crate::render::{self, matrix};
use crate::sim;
use crate::source::Sources;
use crate::Errors;
use std::path::Path;

impl Ctx<'_> {
    pub(super) fn who(&mut self, path: &Path, product: &str, json: bool, filter: &Filter) -> i32 {
        let policy = match self.load_model(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let x = match policy.product(product) {
            Ok(x) => x,
            Err(e) => return self.query_error(e),
        };
        let m = &policy.model;
        let sel = match self.select(m, filter) {
            Ok(s) => s,
            Err(code) => return code,
        };
        if sel.only_product().is_some_and(|y| y != x) {
            let _ = writeln!(
                self.err,
                "error: `who` takes its product as the argument (`{}`); --product names another",
                m.product(x).name
            );
            return EXIT_ERROR;
        }
        let limit = sel.limit;
        let w = sim::who_of(m, &Compiled::new(m), x, &sel);
        if json {
            self.json(&render::who_json(m, x, &w, limit));
        } else {
            let _ = write!(self.out, "{}", render::who_text(m, x, &w, limit));
        }
        self.discard(policy);
        EXIT_OK
    }

    pub(super) fn matrix(&mut self, path: &Path, format: MatrixFormat, summary: bool, filter: &Filter) -> i32 {
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
        let policy = match self.load_model(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let m = &policy.model;
        let sel = match self.select(m, filter) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let c = Compiled::new(m);
        let progress = Progress::new(c.principals(), "deciding");
        let tick = |n: usize| progress.tick(n);
        if let Some(json) = summary {
            let s = sim::summary_of(m, &c, &sel, &tick);
            progress.finish();
            if json {
                self.json(&s);
            } else {
                let _ = write!(self.out, "{}", render::summary_text(&s));
            }
            drop(c);
            self.discard(policy);
            return EXIT_OK;
        }
        let result = match format {
            MatrixFormat::Table | MatrixFormat::Summary => matrix::matrix_table(&mut *self.out, m, &c, &sel, &tick),
            MatrixFormat::Csv => matrix::matrix_csv(&mut *self.out, m, &c, &sel, &tick),
            MatrixFormat::Json => matrix::matrix_json(&mut *self.out, m, &c, &sel, &tick),
        };
        progress.finish();
        drop(c);
        self.discard(policy);
        match result {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                let _ = writeln!(self.err, "error: {e}");
                EXIT_ERROR
            }
        }
    }

    pub(super) fn diff(&mut self, old: &Path, new: &Path, format: ImpactFormat, filter: &Filter) -> i32 {
        let a = match self.load_model(old) {
            Ok(p) => p.model,
            Err(code) => return code,
        };
        let b = match self.load_model(new) {
            Ok(p) => p.model,
            Err(code) => return code,
        };
        let sel = match select_either(&a, &b, filter) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(self.err, "error: {e}");
                return EXIT_ERROR;
            }
        };
        self.report_diff(&[&a, &b], &[], &|_| (false, String::new()), &sel, format)
    }

    pub(super) fn simulate(
        &mut self,
        path: &Path,
        statements: &[String],
        file: Option<&Path>,
        format: ImpactFormat,
        filter: &Filter,
    ) -> i32 {
        let original = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let mut statements = statements.to_vec();
        if let Some(file) = file {
            match read_statements(file) {
                Ok(more) => statements.extend(more),
                Err(e) => return self.errors(&e),
            }
        }
        // one working copy edited in place; the model of every stage is kept for the
        // comparison, the document only as it is after the last statement
        let mut working = original;
        let applying = super::progress::Loading::working("applying the what-if statements to", path);
        let applied = apply_what_if(&mut working, &statements, &|i| format!("--what-if #{}", i + 1));
        drop(applying);
        let stage_models = match applied {
            Ok(m) => m,
            Err(e) => return self.errors(&e),
        };
        let mut models: Vec<&Model> = stage_models.iter().collect();
        models.push(working.model());
        let sel = match select_either(models[0], working.model(), filter) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(self.err, "error: {e}");
                return EXIT_ERROR;
            }
        };
        let why = |i: usize| impact::why_unchanged(models[i], models[i + 1], &statements[i], models[0], &sel);
        self.report_diff(&models, &statements, &why, &sel, format)
    }

    /// Compare the first and last of `stages` (with `statements` between them: attribute
    /// each change to the statement after which it first differs).
    fn report_diff(
        &mut self,
        stages: &[&Model],
        statements: &[String],
        why: &dyn Fn(usize) -> (bool, String),
        sel: &Selection,
        format: ImpactFormat,
    ) -> i32 {
        let old = stages[0];
        let progress = Progress::new(old.users.len() + old.keys.len(), "comparing");
        let (mut d, mut imp) = compare_stages(stages, statements, why, sel, &|n| progress.tick(n));
        progress.finish();
        let limit = sel.limit;
        match format {
            ImpactFormat::Json => {
                let _ = writeln!(self.out, "{}", render::diff_json(&mut d, &mut imp, limit));
            }
            ImpactFormat::Text => {
                let _ = write!(self.out, "{}", render::impact_text(&d, &imp, limit));
            }
            ImpactFormat::Markdown => {
                let _ = write!(self.out, "{}", render::impact_markdown(&d, &imp, limit));
            }
        }
        if d.is_empty() {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }
}

/// The what-if statements of a file: every declaration or statement, each with its own
/// text (so each can be attributed); `#` comments are skipped.
pub(crate) fn read_statements(path: &Path) -> Result<Vec<String>, Errors> {
    let text = crate::read_source(path).map_err(|d| Errors {
        sources: Sources::new(),
        diagnostics: vec![d],
    })?;
    let mut sources = Sources::new();
    let file = sources.add(path.display().to_string(), text);
    let (doc, errors) = crate::syntax::parse_statements(&sources, file);
    if !errors.is_empty() {
        return Err(Errors {
            sources,
            diagnostics: errors,
        });
    }
    Ok(doc
        .items
        .iter()
        .map(|item| sources.text(item.span).to_string())
        .collect())
}
