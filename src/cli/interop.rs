//! Front end of the interoperability commands: `import-users`, `export`, `import`, `report`.

use super::{Ctx, EXIT_DENY, EXIT_ERROR, EXIT_OK};
use crate::interop::json::{self, ImportError};
use crate::interop::report::{self, ReportOptions};
use crate::interop::users::{self, RowOutcome, Severity};
use crate::{Errors, Policy};
use std::io::Read;
use std::path::Path;

impl Ctx<'_> {
    pub(super) fn import_users(&mut self, path: &Path, sheet: &Path, write: bool) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let shown = sheet.display().to_string();
        let text = match crate::read_source(sheet) {
            Ok(t) => t,
            Err(d) => {
                let _ = writeln!(self.err, "error: {}", d.message);
                if d.message.contains("UTF-8") {
                    let _ = writeln!(self.err, "  help: save the sheet as \"CSV UTF-8\"");
                }
                return EXIT_ERROR;
            }
        };
        let result = match users::import_users(&policy.document, &policy.model, &text) {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(self.err, "error: {shown}: {e}; nothing was imported");
                return EXIT_ERROR;
            }
        };
        for column in &result.ignored_columns {
            let _ = writeln!(self.err, "warning: {shown}: column `{column}` is not used (ignored)");
        }
        for p in &result.problems {
            let level = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let who = p.email.as_ref().map(|e| format!(" ({e})")).unwrap_or_default();
            let _ = writeln!(self.err, "{level}: {shown} row {}{who}: {}", p.row, p.message);
        }
        // only the users the sheet adds or updates change: the rest of the file keeps its bytes
        let original = &policy.sources.get(policy.file).text;
        let text = crate::whatif::rewrite(original, policy.file, &policy.document, &result.document);
        // the merge checked every user; a last full check guards the file we write
        if let Err(e) = Policy::parse(&path.display().to_string(), &text) {
            let _ = writeln!(
                self.err,
                "error: internal: the merged policy does not load; nothing was written"
            );
            return self.errors(&e);
        }
        let (added, updated, unchanged, rejected) = (
            result.count(RowOutcome::Added),
            result.count(RowOutcome::Updated),
            result.count(RowOutcome::Unchanged),
            result.rejected(),
        );
        let _ = writeln!(
            self.err,
            "{shown}: {} row{}: {added} added, {updated} updated, {unchanged} unchanged, {rejected} rejected",
            result.rows.len(),
            if result.rows.len() == 1 { "" } else { "s" },
        );
        if write {
            if added + updated > 0 {
                if let Err(e) = crate::atomic_write(path, text.as_bytes()) {
                    let _ = writeln!(
                        self.err,
                        "error: cannot write `{}`: {e} (the file is unchanged)",
                        path.display()
                    );
                    return EXIT_ERROR;
                }
            }
        } else {
            let _ = write!(self.out, "{text}");
        }
        if rejected > 0 {
            EXIT_DENY
        } else {
            EXIT_OK
        }
    }

    pub(super) fn export(&mut self, path: &Path, output: Option<&Path>) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let text = json::export_text(&policy.model);
        self.emit(output, &text)
    }

    pub(super) fn import(&mut self, path: &Path, output: Option<&Path>) -> i32 {
        let shown = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let text = if path.as_os_str() == "-" {
            let mut t = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut t) {
                let _ = writeln!(self.err, "error: cannot read standard input: {e}");
                return EXIT_ERROR;
            }
            t
        } else {
            match crate::read_source(path) {
                Ok(t) => t,
                Err(d) => {
                    let _ = writeln!(self.err, "error: {}", d.message);
                    return EXIT_ERROR;
                }
            }
        };
        let doc = match json::import(&text) {
            Ok(doc) => doc,
            Err(ImportError::Json { message, line, column }) => {
                let _ = writeln!(self.err, "error: {shown}:{line}:{column}: {message}");
                if let Some(src) = text.lines().nth(line.saturating_sub(1)).filter(|_| line > 0) {
                    let caret = " ".repeat(
                        src.chars()
                            .take(column.saturating_sub(1))
                            .map(|c| if c == '\t' { 4 } else { 1 })
                            .sum(),
                    );
                    let src = src.replace('\t', "    ");
                    let _ = writeln!(self.err, "{line:>5} | {src}\n      | {caret}^");
                }
                return EXIT_ERROR;
            }
            Err(ImportError::Schema(message)) => {
                let _ = writeln!(self.err, "error: {shown}: {message}");
                return EXIT_ERROR;
            }
            Err(ImportError::Invalid(problems)) => {
                for p in &problems {
                    let _ = writeln!(self.err, "error: {shown}: {p}");
                }
                let _ = writeln!(
                    self.err,
                    "{} problem{} found; nothing was imported",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                return EXIT_ERROR;
            }
        };
        let policy_text = crate::fmt::format_document(&doc);
        let name = match output {
            Some(p) => p.display().to_string(),
            None => format!("{shown} (as policy text)"),
        };
        if let Err(e) = Policy::parse(&name, &policy_text) {
            let _ = writeln!(self.err, "error: {shown}: the policy it describes is invalid:");
            return self.errors(&Errors {
                sources: e.sources,
                diagnostics: e.diagnostics,
            });
        }
        self.emit(output, &policy_text)
    }

    pub(super) fn report(&mut self, path: &Path, output: Option<&Path>, max_rows: usize) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let opts = ReportOptions {
            max_rows,
            // the file name only: a local path has no place in a page that is shared
            source: path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
            generated: Some(report::now_utc()),
        };
        let html = report::html(&policy.model, &opts);
        self.emit(output, &html)
    }

    /// Print `text`, or write it atomically to `output`.
    fn emit(&mut self, output: Option<&Path>, text: &str) -> i32 {
        match output {
            None => match self.out.write_all(text.as_bytes()) {
                Ok(()) => EXIT_OK,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
                Err(e) => {
                    let _ = writeln!(self.err, "error: {e}");
                    EXIT_ERROR
                }
            },
            Some(p) => match crate::atomic_write(p, text.as_bytes()) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    let _ = writeln!(
                        self.err,
                        "error: cannot write `{}`: {e} (the file is unchanged)",
                        p.display()
                    );
                    EXIT_ERROR
                }
            },
        }
    }
}
