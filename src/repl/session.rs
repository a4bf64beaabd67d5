//! The session: the loaded policy, the working copy, edits, the undo stack, `:save` and
//! `:load`.

use super::commands::{find_decls, is_command};
use super::input::{is_incomplete, unclosed_brace, words, Input, Token};
use super::{COUNT_LIMIT, PROMPT, PROMPT_EDITED, STATEMENT_WORDS};
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::source::Sources;
use crate::syntax::{Decl, Document, Item};
use crate::{Errors, Policy};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A state the working copy was in, kept for `:undo`.
#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub(super) policy: Policy,
    pub(super) edits: usize,
    /// What changed it (shown by `:undo`).
    pub(super) what: String,
}

/// One REPL session: the loaded policy, the working copy, the undo stack and pending input.
#[derive(Clone, Debug)]
pub struct Session {
    pub(super) path: PathBuf,
    pub(super) loaded: Policy,
    pub(super) working: Policy,
    pub(super) undo: Vec<Snapshot>,
    /// Statements applied to the working copy since it was the loaded policy.
    pub(super) edits: usize,
    /// A block typed over several lines, until its braces balance.
    pub(super) pending: String,
    /// Inputs executed so far (names the typed sources `<input N>`).
    pub(super) inputs: usize,
    pub(super) color: bool,
    pub(super) quit: bool,
    /// The fixes of the last `explain` (`:apply N` applies one).
    pub(super) last_fixes: Vec<crate::explain::Fix>,
}

impl Session {
    /// Load a policy file and start a session on it. Errors only in its `expect` lines do not
    /// stop it (as for every query command): they come back as warnings, rendered, to show
    /// before the first prompt.
    pub fn load(path: &Path, color: bool) -> Result<(Session, String), Errors> {
        let (policy, warnings) = Policy::from_path_for_queries(path)?;
        let shown = if warnings.is_empty() {
            String::new()
        } else {
            crate::diag::render_all(&warnings, policy.sources(), color)
        };
        Ok((Session::new(path, policy, color), shown))
    }

    /// Start a session on a policy already loaded from `path`.
    pub fn new(path: impl Into<PathBuf>, policy: Policy, color: bool) -> Session {
        Session {
            path: path.into(),
            working: policy.clone(),
            loaded: policy,
            undo: vec![],
            edits: 0,
            pending: String::new(),
            inputs: 0,
            color,
            quit: false,
            last_fixes: vec![],
        }
    }

    /// The working copy (the loaded policy with every edit applied).
    pub fn policy(&self) -> &Policy {
        &self.working
    }

    /// The policy as loaded (what `:diff` compares with).
    pub fn loaded(&self) -> &Policy {
        &self.loaded
    }

    /// The file the session was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a block is open, waiting for more lines.
    pub fn is_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether `:quit` was given.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// How many edits the working copy carries since it was the loaded policy.
    pub fn edits(&self) -> usize {
        self.edits
    }

    /// The prompt for the next line (`entitle*> ` once the working copy is edited).
    pub fn prompt(&self) -> &'static str {
        if self.edits > 0 {
            PROMPT_EDITED
        } else {
            PROMPT
        }
    }

    /// The greeting of an interactive session.
    pub fn banner(&self) -> String {
        format!(
            "entitle repl: {} ({})\nAsk `check`, `explain`, `can` or `who`; type what-if statements or declarations to edit a working copy.\n:help lists the commands; Tab completes names; Ctrl-D leaves.\n",
            self.path.display(),
            summary(&self.working.model)
        )
    }

    /// Handle one line of input and return everything it printed (output and diagnostics).
    /// A line that leaves a `{` open prints nothing: the block goes on with the next line.
    pub fn handle(&mut self, line: &str) -> String {
        let mut out = Vec::new();
        let mut err = Vec::new();
        self.handle_to(line, &mut out, &mut err);
        out.extend(err);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Handle one line of input, writing answers to `out` and diagnostics to `err`.
    pub fn handle_to(&mut self, line: &str, out: &mut dyn Write, err: &mut dyn Write) {
        if self.pending.is_empty() && line.trim().is_empty() {
            return;
        }
        if !self.pending.is_empty() {
            self.pending.push('\n');
        }
        self.pending.push_str(line);
        if is_incomplete(&self.pending) {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        self.execute(&text, out, err);
    }

    /// End of input: an unfinished block is reported (and not applied).
    pub fn finish(&mut self) -> String {
        let mut out = Vec::new();
        let mut err = Vec::new();
        self.finish_to(&mut out, &mut err);
        out.extend(err);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// [`Session::finish`], writing to `out` and `err`.
    pub fn finish_to(&mut self, out: &mut dyn Write, err: &mut dyn Write) {
        let _ = out;
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        self.inputs += 1;
        let input = Input::new(format!("<input {}>", self.inputs), &text);
        let open = unclosed_brace(&text).unwrap_or(0);
        let d = Diagnostic::error("syntax", "the input ended inside a block: a `{` is never closed")
            .with_label(input.span(open..open + 1), "this `{` is never closed")
            .with_help("nothing was applied; close the block with `}`");
        input.report(vec![d], self.color, err);
    }

    fn execute(&mut self, text: &str, out: &mut dyn Write, err: &mut dyn Write) {
        let tokens = words(text);
        if matches!(&tokens, Ok(t) if t.is_empty()) {
            return; // a comment, or nothing
        }
        self.inputs += 1;
        let input = Input::new(format!("<input {}>", self.inputs), text);
        let first = text.split_whitespace().next().unwrap_or("");
        // a word that can start neither a query nor a statement: a mistyped command
        let mistyped = first.starts_with(|c: char| c.is_ascii_alphabetic())
            && !STATEMENT_WORDS.contains(&first)
            && !matches!(first, "expect" | "scenario");
        if is_command(first) || mistyped {
            match tokens {
                Ok(t) => self.command(&input, &t, out, err),
                Err(range) => {
                    let d = Diagnostic::error("syntax", "unterminated string")
                        .with_label(input.span(range), "this string has no closing `\"`")
                        .with_help("escape a quote inside a string as `\\\"`");
                    input.report(vec![d], self.color, err);
                }
            }
        } else {
            self.statements(&input, out, err);
        }
    }

    // ------------------------------------------------------------ edits

    pub(super) fn statements(&mut self, input: &Input, out: &mut dyn Write, err: &mut dyn Write) {
        let mut next = self.working.clone();
        if let Err(e) = next.apply(&input.name, &input.text) {
            let _ = write!(err, "{}", e.render(self.color));
            return;
        }
        let what = self.describe_statements(input);
        let count = statement_count(input);
        if count == 0 {
            let _ = writeln!(out, "nothing to apply");
            return;
        }
        let effect = edit_effect(&self.working, &next)
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let prev = std::mem::replace(&mut self.working, next);
        self.undo.push(Snapshot {
            policy: prev,
            edits: self.edits,
            what: what.clone(),
        });
        self.edits += count;
        let _ = writeln!(out, "applied: {what}{effect}");
    }

    /// "replace group B; convert Legacy" for the statements of an input.
    fn describe_statements(&self, input: &Input) -> String {
        let mut sources = Sources::new();
        let file = sources.add(input.name.clone(), input.text.clone());
        let (doc, _) = crate::syntax::parse_statements(&sources, file);
        let parts: Vec<String> = doc
            .items
            .iter()
            .map(|item| match &item.kind {
                Item::Decl(d) => {
                    let exists = match (d.kind(), d.name()) {
                        (Some(k), Some(n)) => !find_decls(&self.working.document, &[k], &n.text).is_empty(),
                        _ => self
                            .working
                            .document
                            .items
                            .iter()
                            .any(|i| matches!(i.kind, Item::Decl(Decl::Account(_)))),
                    };
                    let verb = if exists { "replace" } else { "add" };
                    format!("{verb} {}", crate::whatif::describe(item))
                }
                Item::WhatIf(w) => crate::fmt::format_whatif(w),
                _ => crate::whatif::describe(item),
            })
            .collect();
        parts.join("; ")
    }
}

impl Session {
    pub(super) fn undo(&mut self, out: &mut dyn Write) {
        match self.undo.pop() {
            Some(s) => {
                self.working = s.policy;
                self.edits = s.edits;
                let left = match self.edits {
                    0 => "the working copy is the loaded policy".to_string(),
                    1 => "1 edit remains".to_string(),
                    n => format!("{n} edits remain"),
                };
                let _ = writeln!(out, "undone: {} ({left})", s.what);
            }
            None => {
                let _ = writeln!(out, "nothing to undo");
            }
        }
    }

    pub(super) fn reset(&mut self, out: &mut dyn Write) {
        if self.edits == 0 {
            let _ = writeln!(out, "nothing to reset: the working copy is the loaded policy");
            return;
        }
        let prev = std::mem::replace(&mut self.working, self.loaded.clone());
        let n = self.edits;
        self.undo.push(Snapshot {
            policy: prev,
            edits: n,
            what: ":reset".to_string(),
        });
        self.edits = 0;
        let _ = writeln!(
            out,
            "reset to {} as loaded: {n} edit{} set aside (:undo brings {} back)",
            self.path.display(),
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
    }

    pub(super) fn save(
        &self,
        input: &Input,
        file: &Token,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        let path = Path::new(&file.text);
        let (text, dropped) = match save_text(&self.loaded, &self.working, &file.text) {
            Ok(v) => v,
            Err(e) => {
                let _ = writeln!(err, "not saved: the working policy would not load back");
                let _ = write!(err, "{}", e.render(self.color));
                return Ok(());
            }
        };
        if let Err(e) = crate::atomic_write(path, text.as_bytes()) {
            return Err(vec![Diagnostic::error(
                "io",
                format!("cannot write `{}`: {e} (nothing was written)", file.text),
            )
            .with_label(input.span(file.range.clone()), "this file")]);
        }
        let _ = writeln!(
            out,
            "saved {} ({} edit{} since loading)",
            file.text,
            self.edits,
            if self.edits == 1 { "" } else { "s" }
        );
        if !dropped.is_empty() {
            let _ = writeln!(
                out,
                "left out {} expectation{} naming something no longer declared:",
                dropped.len(),
                if dropped.len() == 1 { "" } else { "s" }
            );
            for d in dropped {
                let _ = writeln!(out, "  {d}");
            }
        }
        Ok(())
    }

    pub(super) fn load_file(&mut self, file: &str, out: &mut dyn Write, err: &mut dyn Write) {
        match Policy::from_path_for_queries(Path::new(file)) {
            Ok((policy, warnings)) => {
                if !warnings.is_empty() {
                    let _ = write!(
                        err,
                        "{}",
                        crate::diag::render_all(&warnings, policy.sources(), self.color)
                    );
                }
                let discarded = self.edits;
                *self = Session {
                    inputs: self.inputs,
                    ..Session::new(file, policy, self.color)
                };
                let _ = write!(out, "loaded {} ({})", file, summary(&self.working.model));
                if discarded > 0 {
                    let _ = write!(
                        out,
                        "; {discarded} edit{} of the previous session discarded",
                        if discarded == 1 { "" } else { "s" }
                    );
                }
                let _ = writeln!(out);
            }
            Err(e) => {
                let _ = write!(err, "{}", e.render(self.color));
                let _ = writeln!(err, "not loaded: the session is unchanged");
            }
        }
    }
}

/// The formatted working policy for `:save`, and the expectations left out of it (those
/// naming something the edits removed). Fails when the text would still not load.
/// The text `:save` writes: the working document written over the loaded file's text by the
/// one edit engine ([`crate::whatif::rewrite`]), so every byte no edit touched is kept.
fn save_text(loaded: &Policy, policy: &Policy, name: &str) -> Result<(String, Vec<String>), Errors> {
    let mut doc = policy.document.clone();
    let mut dropped = vec![];
    doc.items.retain(|item| match &item.kind {
        Item::Expect(e) if crate::resolve::resolve_expect(&policy.model, e).is_err() => {
            dropped.push(
                crate::fmt::format_document(&Document {
                    items: vec![item.clone()],
                    end_comments: vec![],
                })
                .trim()
                .to_string(),
            );
            false
        }
        _ => true,
    });
    let original = &loaded.sources.get(loaded.file).text;
    let text = crate::whatif::rewrite(original, loaded.file, &loaded.document, &doc);
    Policy::parse(name, &text)?;
    Ok((text, dropped))
}

/// "5 users, 1 key, 4 products, 3 groups, 1 country".
fn summary(m: &Model) -> String {
    let n = |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
    [
        n(m.users.len(), "user", "users"),
        n(m.keys.len(), "key", "keys"),
        n(m.products.len(), "product", "products"),
        n(m.groups.len(), "group", "groups"),
        n(m.countries.len(), "country", "countries"),
    ]
    .join(", ")
}

/// How many items the statements of an input hold.
fn statement_count(input: &Input) -> usize {
    let mut sources = Sources::new();
    let file = sources.add(input.name.clone(), input.text.clone());
    crate::syntax::parse_statements(&sources, file).0.items.len()
}

/// What one edit changed, unless the policy is too large to compare quickly.
fn edit_effect(before: &Policy, after: &Policy) -> Option<String> {
    let size = |m: &Model| (m.users.len() + m.keys.len()).saturating_mul(m.products.len());
    (size(&before.model) <= COUNT_LIMIT && size(&after.model) <= COUNT_LIMIT)
        .then(|| crate::render::effect_text(&decision_changes(&before.model, &after.model)))
}

/// Every decision that differs between two policies, through the simulator (`sim::diff`:
/// a decision changed when its access or its rule did). The one place `:diff` and the
/// per-edit counts are computed.
pub fn decision_changes(before: &Model, after: &Model) -> crate::sim::Diff {
    crate::sim::diff(before, after, &|_| {})
}
