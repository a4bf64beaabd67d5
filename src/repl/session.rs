//! The session: the loaded policy, the working copy, edits, the undo stack, `:save` and
//! `:load`.

use super::commands::{find_decls, is_command};
use super::input::{is_incomplete, unclosed_brace, words, Input, Token};
use super::{PROMPT, PROMPT_EDITED, PROMPT_MORE, STATEMENT_WORDS};
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::source::Sources;
use crate::syntax::{Decl, Document, Item};
use crate::{Errors, Policy};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A state the working copy was in, kept for `:undo`: not a copy of the policy (a large
/// account is hundreds of megabytes) but the inputs that lead to it from the loaded policy,
/// replayed by `:undo`.
#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub(super) log: Vec<(String, String)>,
    pub(super) edits: usize,
    /// What changed it (shown by `:undo`).
    pub(super) what: String,
    /// Which state of the working copy it was (see [`Session::unsaved`]).
    pub(super) state: u64,
}

/// What leaving (Ctrl-D, `:quit`) should do: leave, or ask first because edits would be lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EofAction {
    /// Nothing unsaved (or `:quit!`): leave.
    Leave,
    /// Edits would be lost: ask this question (answered by [`Session::confirm_leave`]).
    Ask(String),
}

/// One REPL session: the loaded policy, the working copy, the undo stack and pending input.
#[derive(Clone, Debug)]
pub struct Session {
    pub(super) path: PathBuf,
    pub(super) loaded: Policy,
    pub(super) working: Policy,
    /// The inputs (name, text) applied, in order, to turn the loaded policy into the working
    /// copy.
    pub(super) log: Vec<(String, String)>,
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
    /// `:quit!`: leave without asking about unsaved edits.
    pub(super) force_quit: bool,
    /// Which state the working copy is in: 0 is the loaded policy, every edit makes a new
    /// one, `:undo` goes back to an earlier one.
    pub(super) state: u64,
    /// The last state number handed out.
    pub(super) states: u64,
    /// The state last written by `:save`, and its edit count.
    pub(super) saved: Option<(u64, usize)>,
    /// The last input executed, and whether it was answered with an error.
    pub(super) last: Option<(String, bool)>,
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
            log: vec![],
            undo: vec![],
            edits: 0,
            pending: String::new(),
            inputs: 0,
            color,
            quit: false,
            last_fixes: vec![],
            force_quit: false,
            state: 0,
            states: 0,
            saved: None,
            last: None,
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

    /// How many edits leaving now would lose: the edits since loading, or since the last
    /// `:save` once something was saved (at least 1 when the working copy is no longer the
    /// state that was saved, e.g. after an `:undo`).
    pub fn unsaved(&self) -> usize {
        match self.saved {
            None => self.edits,
            Some((state, _)) if state == self.state => 0,
            Some((_, edits)) => self.edits.abs_diff(edits).max(1),
        }
    }

    /// What leaving (Ctrl-D or `:quit`) should do: ask first when edits would be lost,
    /// unless `:quit!` was given.
    pub fn on_eof(&self) -> EofAction {
        match self.unsaved() {
            _ if self.force_quit => EofAction::Leave,
            0 => EofAction::Leave,
            n => EofAction::Ask(format!(
                "{n} unsaved edit{}: discard {} and leave? [y/N] ",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            )),
        }
    }

    /// The answer to the question of [`EofAction::Ask`]: `y` or `yes` (any case) leaves;
    /// anything else stays, and a `:quit` that asked is forgotten.
    pub fn confirm_leave(&mut self, answer: &str) -> bool {
        let leave = matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
        if !leave {
            self.quit = false;
            self.force_quit = false;
        }
        leave
    }

    /// The one-line note piped input ends with when edits were not saved (the end of input
    /// or `:quit`; not after `:quit!`).
    pub fn unsaved_note(&self) -> Option<String> {
        match self.unsaved() {
            _ if self.force_quit => None,
            0 => None,
            n => Some(format!(
                "note: {n} edit{} not saved (`:save FILE` writes the working policy)\n",
                if n == 1 { " was" } else { "s were" }
            )),
        }
    }

    /// Ctrl-C: drop the unfinished block, if one is open, and say so. `typed` is what was
    /// on the line being edited (empty if nothing). Without a block, a line that was typed
    /// is dropped silently and an empty prompt is told how to leave.
    pub fn on_interrupt(&mut self, typed: &str) -> String {
        if self.pending.is_empty() {
            return if typed.trim().is_empty() {
                "(Ctrl-D or :quit leaves)\n".to_string()
            } else {
                String::new()
            };
        }
        let pending = std::mem::take(&mut self.pending);
        let lines = pending.lines().count() + usize::from(!typed.trim().is_empty());
        format!(
            "dropped the unfinished block ({lines} line{})\n",
            if lines == 1 { "" } else { "s" }
        )
    }

    /// The last input executed (a whole block for one typed over several lines), and
    /// whether it was answered with an error.
    pub fn last_input(&self) -> Option<(&str, bool)> {
        self.last.as_ref().map(|(t, failed)| (t.as_str(), *failed))
    }

    /// The block typed so far over several lines (empty when none is open).
    pub fn pending(&self) -> &str {
        &self.pending
    }

    /// The prompt for the next line: `    ...> ` inside an open block, else `entitle> `, or
    /// `entitle*> ` once the working copy is edited.
    pub fn prompt(&self) -> &'static str {
        if !self.pending.is_empty() {
            PROMPT_MORE
        } else if self.edits > 0 {
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
        let mut watch = Watch {
            inner: err,
            wrote: false,
        };
        self.execute(&text, out, &mut watch);
        self.last = Some((text, watch.wrote));
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
        let what = self.describe_statements(input);
        // edited in place (no copy of a large policy); the model before the input comes back
        let before = match self.working.apply_stages(&input.name, &input.text) {
            Ok(models) => models.into_iter().next(),
            Err(e) => {
                let _ = write!(err, "{}", e.render(self.color));
                // all or nothing: the working copy may be part-way, so rebuild it
                self.working = self.rebuild(&self.log);
                return;
            }
        };
        let count = statement_count(input);
        if count == 0 {
            let _ = writeln!(out, "nothing to apply");
            return;
        }
        let effect = before
            .map(|m| {
                format!(
                    " ({})",
                    crate::render::effect_text(&crate::sim::count(&m, &self.working.model))
                )
            })
            .unwrap_or_default();
        self.undo.push(Snapshot {
            log: self.log.clone(),
            edits: self.edits,
            what: what.clone(),
            state: self.state,
        });
        self.log.push((input.name.clone(), input.text.clone()));
        self.edits += count;
        self.states += 1;
        self.state = self.states;
        let _ = writeln!(out, "applied: {what}{effect}");
    }

    /// The loaded policy with the inputs of `log` applied (each applied before, so each
    /// applies again).
    fn rebuild(&self, log: &[(String, String)]) -> Policy {
        let mut policy = self.loaded.clone();
        for (name, text) in log {
            if let Err(e) = policy.apply_stages(name, text) {
                // (cannot happen: the same input applied to the same policy before)
                debug_assert!(false, "replaying {name}: {}", e.render(false));
            }
        }
        policy
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
                self.working = self.rebuild(&s.log);
                self.log = s.log;
                self.edits = s.edits;
                self.state = s.state;
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
        self.working = self.loaded.clone();
        let n = self.edits;
        self.undo.push(Snapshot {
            log: std::mem::take(&mut self.log),
            edits: n,
            what: ":reset".to_string(),
            state: self.state,
        });
        self.edits = 0;
        self.state = 0;
        let _ = writeln!(
            out,
            "reset to {} as loaded: {n} edit{} set aside (:undo brings {} back)",
            self.path.display(),
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
    }

    pub(super) fn save(
        &mut self,
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
        self.saved = Some((self.state, self.edits));
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

/// Every decision that differs between two policies, through the simulator (`sim::diff`:
/// a decision changed when its access or its rule did). The one place `:diff` and the
/// per-edit counts are computed.
pub fn decision_changes(before: &Model, after: &Model) -> crate::sim::Diff {
    crate::sim::diff(before, after, &|_| {})
}

/// A writer that remembers whether anything was written through it (an input was answered
/// with an error when something went to the diagnostics).
pub(super) struct Watch<'a> {
    pub(super) inner: &'a mut dyn Write,
    pub(super) wrote: bool,
}

impl Write for Watch<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.wrote |= !buf.is_empty();
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
