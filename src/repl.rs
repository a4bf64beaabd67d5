//! `entitle repl POLICY`: ask, change, ask again, compare.
//!
//! The core is [`Session`]: it takes input a line at a time ([`Session::handle`]), gathers a
//! block typed over several lines until its braces balance, and answers queries (`check`,
//! `explain`, `can`, `who`), applies what-if statements and declarations to a working copy of
//! the policy (all or nothing, with an undo stack), and runs the `:` commands. It never
//! touches a terminal, so sessions can be scripted and tested. [`run`] puts a terminal in
//! front of it (rustyline: history, completion, hints, multi-line blocks) when standard input
//! is a terminal, and otherwise reads standard input line by line without prompts.
//!
//! Queries print exactly what the command line prints (the formatting functions of
//! [`crate::cli`]); a bad line is answered with a diagnostic quoting it, and the session goes on.
//!
//! Choices made here (the contract is silent on them):
//! - Every input that is not a query or a `:` command is applied as statements; typed text
//!   becomes a source named `<input N>`, so a decision that rests on an edit points at it.
//! - `:diff` compares with the policy as it was loaded (or `:load`ed), not with the last
//!   `:save`. As with `entitle diff`, a decision counts as changed when its access or its
//!   rule differs; principals and products declared on one side only are listed, not compared.
//! - `:reset` can itself be undone. `:load` starts a new session (its undo stack is empty).
//! - `:save` writes the whole working document (expectations, scenarios and comments
//!   included). Top-level expectations that name something the edits removed would make the
//!   file invalid; they are left out, and `:save` says which.

use crate::capability::{self, Capability};
use crate::diag::{self, Diagnostic};
use crate::eval::{self, Decision, Rule};
use crate::model::{Model, Principal, ProductId};
use crate::source::{Sources, Span};
use crate::syntax::{Access, Decl, Document, EntityKind, Item, Node};
use crate::{Errors, Policy, QueryError};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;
use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The prompt; `entitle*> ` once the working copy differs from the loaded policy.
pub const PROMPT: &str = "entitle> ";
const PROMPT_EDITED: &str = "entitle*> ";

/// Above this many decisions per policy, an edit does not count the decisions it changed.
const COUNT_LIMIT: usize = 200_000;
/// At most this many decisions are listed under one cause by `:diff`.
const DIFF_LIST_LIMIT: usize = 20;

/// Commands, their argument shapes and what they do (`:help`, completion and hints).
const COMMANDS: &[(&str, &str, &str)] = &[
    ("check", "PRINCIPAL PRODUCT", "the decision and the rule that made it"),
    (
        "explain",
        "PRINCIPAL PRODUCT",
        "every step, the deciding line, and single edits that flip it",
    ),
    (
        "can",
        "PRINCIPAL CAPABILITY [PRODUCT]",
        "an account capability: receive-billing, manage-users, manage-domains, manage-entitlements, receive-alerts PRODUCT",
    ),
    (
        "access",
        "PRINCIPAL",
        "every product for one principal: what it may use and why, and what not, by rule",
    ),
    (
        "who",
        "PRODUCT",
        "who may use a product, and who may not grouped by rule",
    ),
    (
        ":diff",
        "",
        "every decision changed since the policy was loaded, grouped by cause",
    ),
    (":undo", "", "take back the last edit"),
    (
        ":reset",
        "",
        "go back to the policy as loaded (:undo brings the edits back)",
    ),
    (
        ":show",
        "[KIND] [NAME]",
        "the current declaration of NAME (of every KIND); alone, the whole working policy",
    ),
    (
        ":save",
        "FILE",
        "write the working policy to FILE (atomically; the loaded file only when named)",
    ),
    (":load", "FILE", "start over with another policy file"),
    (":help", "", "this help"),
    (":quit", "", "leave (also Ctrl-D)"),
];

/// Words that start a what-if statement or a declaration.
use crate::keywords::STATEMENT_START as STATEMENT_WORDS;

use crate::keywords::ENTITY_KINDS as KINDS;

// ---------------------------------------------------------------- the session

/// A state the working copy was in, kept for `:undo`.
#[derive(Clone, Debug)]
struct Snapshot {
    policy: Policy,
    edits: usize,
    /// What changed it (shown by `:undo`).
    what: String,
}

/// One REPL session: the loaded policy, the working copy, the undo stack and pending input.
#[derive(Clone, Debug)]
pub struct Session {
    path: PathBuf,
    loaded: Policy,
    working: Policy,
    undo: Vec<Snapshot>,
    /// Statements applied to the working copy since it was the loaded policy.
    edits: usize,
    /// A block typed over several lines, until its braces balance.
    pending: String,
    /// Inputs executed so far (names the typed sources `<input N>`).
    inputs: usize,
    color: bool,
    quit: bool,
}

impl Session {
    /// Load a policy file and start a session on it.
    pub fn load(path: &Path, color: bool) -> Result<Session, Errors> {
        Ok(Session::new(path, Policy::from_path(path)?, color))
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

    fn statements(&mut self, input: &Input, out: &mut dyn Write, err: &mut dyn Write) {
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

    // ------------------------------------------------------------ commands

    fn command(&mut self, input: &Input, tokens: &[Token], out: &mut dyn Write, err: &mut dyn Write) {
        let cmd = tokens[0].text.as_str();
        let args = &tokens[1..];
        let result = match cmd {
            "check" | "explain" => self.decision(cmd, input, args, out),
            "can" => self.can(input, args, out),
            "who" => self.who(input, args, out),
            "access" => self.access(input, args, out),
            ":diff" => input.arity(cmd, args, 0, 0).map(|()| {
                let label = self.path.display().to_string();
                let _ = write!(out, "{}", diff_text(&self.loaded, &self.working, &label));
            }),
            ":undo" => input.arity(cmd, args, 0, 0).map(|()| self.undo(out)),
            ":reset" => input.arity(cmd, args, 0, 0).map(|()| self.reset(out)),
            ":show" => self.show(input, args, out),
            ":save" => input
                .arity(cmd, args, 1, 1)
                .and_then(|()| self.save(input, &args[0], out, err)),
            ":load" => input
                .arity(cmd, args, 1, 1)
                .map(|()| self.load_file(&args[0].text, out, err)),
            ":help" | "help" | ":h" | "?" => {
                let _ = write!(out, "{}", help_text());
                Ok(())
            }
            ":quit" | ":q" | ":exit" | "quit" | "exit" => {
                self.quit = true;
                Ok(())
            }
            _ => {
                let names: Vec<&str> = COMMANDS
                    .iter()
                    .map(|c| c.0)
                    .chain(STATEMENT_WORDS.iter().copied())
                    .collect();
                let mut d = Diagnostic::error("unknown-command", format!("unknown command `{cmd}`")).with_label(
                    input.span(tokens[0].range.clone()),
                    "not a command, a what-if statement or a declaration",
                );
                d = match diag::closest(cmd, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`? (:help lists the commands)")),
                    None => d.with_help(":help lists the commands"),
                };
                Err(vec![d])
            }
        };
        if let Err(diags) = result {
            input.report(diags, self.color, err);
        }
    }

    fn decision(&self, cmd: &str, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        input.arity(cmd, args, 2, 2)?;
        let policy = &self.working;
        let p = policy.principal(&args[0].text);
        let x = policy.product(&args[1].text);
        let mut diags = vec![];
        if let Err(e) = &p {
            diags.push(query_diag(input, &args[0], e));
        }
        if let Err(e) = &x {
            diags.push(query_diag(input, &args[1], e));
        }
        let (Ok(p), Ok(x)) = (p, x) else { return Err(diags) };
        if cmd == "check" {
            let d = eval::decide(&policy.model, p, x);
            let _ = write!(out, "{}", crate::cli::decision_text(policy, p, x, &d));
        } else {
            let ex = eval::explain(&policy.model, p, x);
            let flips = crate::explain::flips(&policy.document, &policy.model, p, x);
            let _ = write!(
                out,
                "{}",
                crate::cli::explanation_text(policy, p, x, &ex, &flips, self.color)
            );
        }
        Ok(())
    }

    fn can(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        input.arity("can", args, 2, 3)?;
        let policy = &self.working;
        let cap_tok = &args[1];
        let Some(capability) = Capability::parse(&cap_tok.text) else {
            let names: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
            let mut d = Diagnostic::error(
                "unknown-capability",
                format!("unknown capability `{}` (one of: {})", cap_tok.text, names.join(", ")),
            )
            .with_label(input.span(cap_tok.range.clone()), "not a capability");
            if let Some(s) = diag::closest(&cap_tok.text, names.iter().copied()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            return Err(vec![d]);
        };
        let p = policy
            .principal(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        let x = match (capability.takes_product(), args.get(2)) {
            (true, Some(tok)) => Some(
                policy
                    .product(&tok.text)
                    .map_err(|e| vec![query_diag(input, tok, &e)])?,
            ),
            (true, None) => {
                return Err(vec![Diagnostic::error(
                    "usage",
                    format!("`{}` needs a PRODUCT argument", capability.as_str()),
                )
                .with_label(input.span(cap_tok.range.clone()), "add the product after this")
                .with_help("usage: can PRINCIPAL receive-alerts PRODUCT")])
            }
            (false, Some(tok)) => {
                return Err(vec![Diagnostic::error(
                    "usage",
                    format!(
                        "`{}` takes no product, but `{}` was given",
                        capability.as_str(),
                        tok.text
                    ),
                )
                .with_label(input.span(tok.range.clone()), "unexpected product")])
            }
            (false, None) => None,
        };
        let answer = capability::can(&policy.model, p, capability, x);
        let verdict = if answer.granted { "yes" } else { "no" };
        let _ = writeln!(out, "{verdict}: {}", answer.describe(&policy.model));
        if let Some(s) = answer.source {
            let _ = writeln!(out, "  {}", at(&policy.sources, s));
        }
        Ok(())
    }

    fn access(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        input.arity("access", args, 1, 1)?;
        let p = self
            .working
            .principal(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        let model = &self.working.model;
        let _ = write!(
            out,
            "{}",
            crate::render::access_text(model, p, &crate::render::access(model, p))
        );
        Ok(())
    }

    fn who(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        input.arity("who", args, 1, 1)?;
        let x = self
            .working
            .product(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        let _ = write!(out, "{}", who_text(&self.working, x));
        Ok(())
    }

    fn undo(&mut self, out: &mut dyn Write) {
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

    fn reset(&mut self, out: &mut dyn Write) {
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

    fn show(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        let doc = &self.working.document;
        let kind_word = |t: &Token| (!t.quoted && KINDS.contains(&t.text.as_str())).then(|| entity_kind(&t.text));
        let all_kinds = [
            EntityKind::User,
            EntityKind::Key,
            EntityKind::Group,
            EntityKind::Product,
            EntityKind::Country,
        ];
        let found: Vec<&Node<Item>> = match args {
            [] => {
                let text = crate::fmt::format_document(doc);
                if text.is_empty() {
                    let _ = writeln!(out, "(the working policy is empty)");
                } else {
                    let _ = write!(out, "{text}");
                }
                return Ok(());
            }
            [k] if !k.quoted && k.text == "account" => {
                let found: Vec<_> = doc
                    .items
                    .iter()
                    .filter(|i| matches!(i.kind, Item::Decl(Decl::Account(_))))
                    .collect();
                if found.is_empty() {
                    let _ = writeln!(out, "(the policy declares no account)");
                }
                found
            }
            [k] if kind_word(k).is_some() => {
                let kind = kind_word(k);
                let found: Vec<_> = doc
                    .items
                    .iter()
                    .filter(|i| matches!(&i.kind, Item::Decl(d) if d.kind() == kind))
                    .collect();
                if found.is_empty() {
                    let _ = writeln!(out, "(the policy declares no {})", k.text);
                }
                found
            }
            [n] | [_, n] => {
                let kinds: Vec<EntityKind> = match args {
                    [k, _] => match kind_word(k) {
                        Some(kind) => vec![kind],
                        None => return Err(vec![show_usage(input, args)]),
                    },
                    _ => all_kinds.to_vec(),
                };
                let found = find_decls(doc, &kinds, &n.text);
                if found.is_empty() {
                    let what = match kinds.as_slice() {
                        [k] => format!("no {} named `{}`", k.as_str(), n.text),
                        _ => format!("nothing named `{}` (no user, key, group, product or country)", n.text),
                    };
                    let mut d = Diagnostic::error("unknown-name", what)
                        .with_label(input.span(n.range.clone()), "not declared in the working policy");
                    let candidates = all_names(&self.working.model, &kinds);
                    if let Some(help) = diag::did_you_mean(&n.text, candidates.iter().map(String::as_str)) {
                        d = d.with_help(help);
                    }
                    return Err(vec![d]);
                }
                found
            }
            _ => return Err(vec![show_usage(input, args)]),
        };
        let texts: Vec<String> = found
            .into_iter()
            .map(|item| {
                crate::fmt::format_document(&Document {
                    items: vec![item.clone()],
                    end_comments: vec![],
                })
            })
            .collect();
        let _ = write!(out, "{}", texts.join("\n"));
        Ok(())
    }

    fn save(
        &self,
        input: &Input,
        file: &Token,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        let path = Path::new(&file.text);
        let (text, dropped) = match save_text(&self.working, &file.text) {
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

    fn load_file(&mut self, file: &str, out: &mut dyn Write, err: &mut dyn Write) {
        match Policy::from_path(Path::new(file)) {
            Ok(policy) => {
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

fn show_usage(input: &Input, args: &[Token]) -> Diagnostic {
    Diagnostic::error("usage", "usage: :show [NAME], :show KIND [NAME] or :show account")
        .with_label(
            input.span(args[0].range.start..args[args.len() - 1].range.end),
            "unexpected arguments",
        )
        .with_help("KIND is user, key, group, product or country; `:show` alone prints the whole working policy")
}

/// The formatted working policy for `:save`, and the expectations left out of it (those
/// naming something the edits removed). Fails when the text would still not load.
fn save_text(policy: &Policy, name: &str) -> Result<(String, Vec<String>), Errors> {
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
    let text = crate::fmt::format_document(&doc);
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
        .then(|| effect(&decision_changes(&before.model, &after.model)))
}

fn is_command(word: &str) -> bool {
    word.starts_with(':')
        || matches!(
            word,
            "check" | "explain" | "can" | "who" | "help" | "quit" | "exit" | "?"
        )
}

fn entity_kind(word: &str) -> EntityKind {
    match word {
        "user" => EntityKind::User,
        "key" => EntityKind::Key,
        "group" => EntityKind::Group,
        "product" => EntityKind::Product,
        _ => EntityKind::Country,
    }
}

/// Top-level declarations of one of `kinds` named `name` (or, for products and countries,
/// display-named), ignoring case.
fn find_decls<'a>(doc: &'a Document, kinds: &[EntityKind], name: &str) -> Vec<&'a Node<Item>> {
    doc.items
        .iter()
        .filter(|i| match &i.kind {
            Item::Decl(d) => kinds.iter().any(|&k| crate::whatif::declares(d, k, name)),
            _ => false,
        })
        .collect()
}

/// Every declared name of the given kinds (for suggestions).
fn all_names(m: &Model, kinds: &[EntityKind]) -> Vec<String> {
    let mut out = vec![];
    for k in kinds {
        match k {
            EntityKind::User => out.extend(m.users.iter().map(|u| u.email.clone())),
            EntityKind::Key => out.extend(m.keys.iter().map(|k| k.name.clone())),
            EntityKind::Group => out.extend(m.groups.iter().map(|g| g.name.clone())),
            EntityKind::Product => out.extend(m.product_names().map(str::to_string)),
            EntityKind::Country => out.extend(
                m.countries
                    .iter()
                    .flat_map(|c| std::iter::once(c.name.clone()).chain(c.display.clone())),
            ),
        }
    }
    out
}

fn help_text() -> String {
    let mut s = String::from("queries (no policy argument; the working copy answers):\n");
    let line = |s: &mut String, name: &str, args: &str, what: &str| {
        let head = if args.is_empty() {
            name.to_string()
        } else {
            format!("{name} {args}")
        };
        s.push_str(&format!("  {head:<46} {what}\n"));
    };
    for (name, args, what) in &COMMANDS[..4] {
        line(&mut s, name, args, what);
    }
    s.push_str("edits (applied to the working copy, all or nothing; the loaded file is not touched):\n");
    for (head, what) in [
        (
            "any declaration",
            "adds the entity, or replaces the one of that name (a `{` block may span lines)",
        ),
        (
            "remove user|key|group|product|country NAME",
            "removes it and every reference to it",
        ),
        ("convert GROUP", "the portal's conversion of legacy exceptions"),
        ("clear-exceptions GROUP", "deletes the group's legacy exceptions"),
        ("set default COUNTRY allow|deny", "Default Access"),
        (
            "set access COUNTRY PRODUCT allow|deny|inherit",
            "General Access for one product",
        ),
        (
            "register EMAIL country CODE",
            "self-registration (status registered or pending)",
        ),
    ] {
        s.push_str(&format!("  {head:<46} {what}\n"));
    }
    s.push_str("session:\n");
    for (name, args, what) in &COMMANDS[4..] {
        line(&mut s, name, args, what);
    }
    s
}

// ---------------------------------------------------------------- typed input

/// One executed input, as a source that diagnostics can quote.
struct Input {
    name: String,
    text: String,
}

impl Input {
    fn new(name: String, text: &str) -> Input {
        Input {
            name,
            text: text.to_string(),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(crate::source::FileId(0), range)
    }

    fn report(&self, mut diags: Vec<Diagnostic>, color: bool, err: &mut dyn Write) {
        let mut sources = Sources::new();
        sources.add(self.name.clone(), self.text.clone());
        diag::sort(&mut diags);
        let _ = write!(err, "{}", diag::render_all(&diags, &sources, color));
    }

    /// Check the number of arguments of `cmd`.
    fn arity(&self, cmd: &str, args: &[Token], min: usize, max: usize) -> Result<(), Vec<Diagnostic>> {
        let usage = COMMANDS.iter().find(|c| c.0 == cmd).map_or(String::new(), |c| {
            if c.1.is_empty() {
                format!("usage: {cmd}")
            } else {
                format!("usage: {cmd} {}", c.1)
            }
        });
        if args.len() < min {
            let shape = COMMANDS.iter().find(|c| c.0 == cmd).map_or("", |c| c.1);
            let missing: Vec<&str> = shape
                .split_whitespace()
                .filter(|w| !w.starts_with('['))
                .skip(args.len())
                .collect();
            let last = args.last().map_or_else(
                || {
                    let start = self.text.len() - self.text.trim_start().len();
                    start..start + cmd.len()
                },
                |t| t.range.clone(),
            );
            return Err(vec![Diagnostic::error(
                "usage",
                format!("`{cmd}` needs {}", missing.join(" ")),
            )
            .with_label(self.span(last), format!("{} missing after this", missing.join(" ")))
            .with_help(usage)]);
        }
        if args.len() > max {
            let extra = &args[max..];
            return Err(vec![Diagnostic::error(
                "usage",
                format!(
                    "`{cmd}` takes {}",
                    match max {
                        0 => "no argument".to_string(),
                        1 => "one argument".to_string(),
                        n => format!("at most {n} arguments"),
                    }
                ),
            )
            .with_label(
                self.span(extra[0].range.start..extra[extra.len() - 1].range.end),
                "unexpected",
            )
            .with_help(usage + " (quote a name that contains spaces)")]);
        }
        Ok(())
    }
}

/// An unknown principal or product in a query, as a diagnostic on the typed word.
fn query_diag(input: &Input, tok: &Token, e: &QueryError) -> Diagnostic {
    let (message, label, suggestion) = match e {
        QueryError::UnknownPrincipal { name, suggestion } => (
            format!("unknown principal (user email or key id) `{name}`"),
            "no user or key of this name",
            suggestion,
        ),
        QueryError::UnknownProduct { name, suggestion } => (
            format!("unknown product `{name}`"),
            "no product of this name or display name",
            suggestion,
        ),
    };
    let mut d = Diagnostic::error("unknown-name", message).with_label(input.span(tok.range.clone()), label);
    if let Some(s) = suggestion {
        d = d.with_help(format!("did you mean `{s}`?"));
    }
    d
}

/// A word of a command line: its text (quotes removed, escapes resolved) and where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    text: String,
    range: Range<usize>,
    quoted: bool,
}

/// Split a command line into words: runs of non-space characters or `"…"` strings (with
/// `\"` and `\\`); `#` outside a word starts a comment. An unterminated string is an error.
fn words(text: &str) -> Result<Vec<Token>, Range<usize>> {
    let mut out = vec![];
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            let mut end = None;
            while let Some((j, d)) = chars.next() {
                match d {
                    '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => s.push(chars.next().unwrap().1),
                    '"' => {
                        end = Some(j + 1);
                        break;
                    }
                    '\n' => break,
                    _ => s.push(d),
                }
            }
            let Some(end) = end else {
                let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                return Err(i..line_end);
            };
            out.push(Token {
                text: s,
                range: i..end,
                quoted: true,
            });
        } else {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Token {
                text: text[i..end].to_string(),
                range: i..end,
                quoted: false,
            });
        }
    }
    Ok(out)
}

/// How many more `{` than `}` the text has, outside strings and comments.
pub fn open_braces(text: &str) -> i64 {
    crate::syntax::brace_depth(text).0
}

/// The offset of the innermost `{` still open at the end of the text.
fn unclosed_brace(text: &str) -> Option<usize> {
    crate::syntax::brace_depth(text).1
}

/// Whether input is an unfinished block (`{` outnumber `}` outside strings and comments).
pub fn is_incomplete(text: &str) -> bool {
    open_braces(text) > 0
}

// ---------------------------------------------------------------- output

/// `file:line:column` and the first line of the statement there (as `entitle can` prints it).
fn at(sources: &Sources, span: Span) -> String {
    let loc = sources.location(span);
    let text = sources.text(span).lines().next().unwrap_or("").trim();
    format!("at {}:{}:{}  {text}", loc.file, loc.line, loc.column)
}

/// `who PRODUCT`: who may use it (with the rule and the credited group), and who may not,
/// grouped by the rule that denied them. The same text as `entitle who`.
pub fn who_text(policy: &Policy, x: ProductId) -> String {
    let m = &policy.model;
    let mut allowed: Vec<(Principal, Decision)> = vec![];
    let mut denied: std::collections::BTreeMap<Rule, Vec<(Principal, Decision)>> = Default::default();
    for p in m.principals() {
        let d = eval::decide(m, p, x);
        match d.access {
            Access::Allow => allowed.push((p, d)),
            Access::Deny => denied.entry(d.rule).or_default().push((p, d)),
        }
    }
    let group = |d: &Decision| d.group.map(|g| m.group(g).name.as_str());
    let ndenied: usize = denied.values().map(Vec::len).sum();
    let mut out = format!("{}: {} allowed, {ndenied} denied\n", m.product(x).name, allowed.len());
    if !allowed.is_empty() {
        out.push_str(&format!("\nallowed ({}):\n", allowed.len()));
        for (p, d) in &allowed {
            let g = group(d).map(|g| format!(" {g}")).unwrap_or_default();
            out.push_str(&format!("  {}  by {}{g}\n", m.principal_name(*p), d.rule));
        }
    }
    for (rule, list) in &denied {
        out.push_str(&format!("\ndenied by {rule} ({}):\n", list.len()));
        for (p, d) in list {
            let g = group(d).map(|g| format!("  (group {g})")).unwrap_or_default();
            out.push_str(&format!("  {}{g}\n", m.principal_name(*p)));
        }
    }
    out
}

// ---------------------------------------------------------------- :diff

/// Every decision that differs between two policies, through the simulator (`sim::diff`:
/// a decision changed when its access or its rule did). The one place `:diff` and the
/// per-edit counts are computed.
pub fn decision_changes(before: &Model, after: &Model) -> crate::sim::Diff {
    crate::sim::diff(before, after, &|_| {})
}

/// "2 decisions changed, 1 principal added" — the effect of an edit.
fn effect(d: &crate::sim::Diff) -> String {
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![match d.changed {
        0 => "no decision changed".to_string(),
        n => format!("{} changed", count(n, "decision", "decisions")),
    }];
    for (list, one, many, what) in [
        (&d.principals_added, "principal", "principals", "added"),
        (&d.principals_removed, "principal", "principals", "removed"),
        (&d.products_added, "product", "products", "added"),
        (&d.products_removed, "product", "products", "removed"),
    ] {
        if !list.is_empty() {
            parts.push(format!("{} {what}", count(list.len(), one, many)));
        }
    }
    parts.join(", ")
}

/// `:diff`: every decision changed from `before` to `after`, grouped by cause
/// (`rule before → rule after`) with counts, as `entitle diff` prints it.
pub fn diff_text(before: &Policy, after: &Policy, label: &str) -> String {
    let d = decision_changes(&before.model, &after.model);
    format!(
        "since {label} was loaded: {}",
        crate::cli::simulate::diff_text(&d, DIFF_LIST_LIMIT)
    )
}

// ---------------------------------------------------------------- the terminal

/// Names of the loaded policy as they are written at the prompt (quoted when needed).
#[derive(Clone, Debug, Default)]
pub struct Names {
    users: Vec<String>,
    keys: Vec<String>,
    /// Names and display names.
    products: Vec<String>,
    product_names: Vec<String>,
    groups: Vec<String>,
    /// Names and display names.
    countries: Vec<String>,
    country_names: Vec<String>,
}

impl Names {
    pub fn of(m: &Model) -> Names {
        let name = |s: &str| crate::fmt::format_name(s);
        Names {
            users: m.users.iter().map(|u| email(&u.email)).collect(),
            keys: m.keys.iter().map(|k| name(&k.name)).collect(),
            products: m.product_names().map(name).collect(),
            product_names: m.products.iter().map(|p| name(&p.name)).collect(),
            groups: m.groups.iter().map(|g| name(&g.name)).collect(),
            countries: m
                .countries
                .iter()
                .flat_map(|c| std::iter::once(name(&c.name)).chain(c.display.as_deref().map(name)))
                .collect(),
            country_names: m.countries.iter().map(|c| name(&c.name)).collect(),
        }
    }
    fn principals(&self) -> Vec<String> {
        self.users.iter().chain(&self.keys).cloned().collect()
    }
    fn of_kind(&self, kind: &str) -> Vec<String> {
        match kind {
            "user" => self.users.clone(),
            "key" => self.keys.clone(),
            "group" => self.groups.clone(),
            "product" => self.products.clone(),
            "country" => self.countries.clone(),
            _ => vec![],
        }
    }
    fn everything(&self) -> Vec<String> {
        [&self.users, &self.keys, &self.groups, &self.products, &self.countries]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// An email as typed: bare when it is the grammar's email token, else quoted.
fn email(s: &str) -> String {
    let ok = |c: char| !(c.is_whitespace() || matches!(c, ',' | '{' | '}' | ';' | '#' | '"' | '@'));
    match s.split_once('@') {
        Some((l, d)) if !l.is_empty() && !d.is_empty() && l.chars().all(ok) && d.chars().all(ok) => s.to_string(),
        _ => crate::fmt::format_name(s),
    }
}

/// What may come at the cursor.
enum Want {
    Words(Vec<String>),
    Files,
    Nothing,
}

fn strs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Where the cursor is: the words of the current statement before it, the partial word and
/// its start, the block depth and the keyword of the enclosing block.
struct Cursor {
    before: Vec<String>,
    partial: String,
    start: usize,
    depth: i64,
    block: Option<String>,
    in_comment: bool,
}

fn cursor(text: &str) -> Cursor {
    let (mut depth, mut in_string, mut in_comment, mut escaped) = (0i64, false, false, false);
    let mut segment = 0;
    let mut block = None;
    for (i, c) in text.char_indices() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                segment = i + 1;
            }
        } else if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_string = true,
                '{' => {
                    if depth == 0 {
                        block = text[segment..i].split_whitespace().next().map(str::to_string);
                    }
                    depth += 1;
                    segment = i + 1;
                }
                '}' => {
                    depth -= 1;
                    if depth <= 0 {
                        block = None;
                    }
                    segment = i + 1;
                }
                ';' | '\n' => segment = i + 1,
                _ => {}
            }
        }
    }
    // the words of the current statement
    let seg = &text[segment..];
    let mut words: Vec<(usize, String)> = vec![];
    let mut cur: Option<(usize, String)> = None;
    let mut quoted = false;
    for (i, c) in seg.char_indices() {
        if quoted {
            let w = cur.as_mut().unwrap();
            w.1.push(c);
            if c == '"' && !w.1.ends_with("\\\"") {
                quoted = false;
            }
            continue;
        }
        if c.is_whitespace() || c == ',' {
            if let Some(w) = cur.take() {
                words.push(w);
            }
        } else {
            let w = cur.get_or_insert_with(|| (segment + i, String::new()));
            if c == '"' && w.1.is_empty() {
                quoted = true;
            }
            w.1.push(c);
        }
    }
    let (start, partial) = cur.unwrap_or((text.len(), String::new()));
    Cursor {
        before: words.into_iter().map(|w| w.1).collect(),
        partial,
        start,
        depth,
        block,
        in_comment,
    }
}

/// Helper for rustyline: completion, hints, multi-line validation.
pub struct ReplHelper {
    names: Names,
    color: bool,
    history: HistoryHinter,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(session: &Session) -> ReplHelper {
        ReplHelper {
            names: Names::of(&session.working.model),
            color: session.color,
            history: HistoryHinter::new(),
            files: FilenameCompleter::new(),
        }
    }

    /// Take up the names of the session's current working copy.
    pub fn refresh(&mut self, session: &Session) {
        self.names = Names::of(&session.working.model);
    }

    fn want(&self, c: &Cursor) -> Want {
        if c.in_comment {
            return Want::Nothing;
        }
        let n = &self.names;
        let idx = c.before.len();
        let first = c.before.first().map(String::as_str).unwrap_or("");
        let second = c.before.get(1).map(String::as_str).unwrap_or("");
        if c.depth > 0 {
            if idx == 0 {
                return Want::Words(strs(match c.block.as_deref() {
                    Some("account") => &["domain", "alerts", "global"],
                    Some("country") => &["revenue", "covers", "entitled", "default", "allow", "deny"],
                    Some("group") => &["allowed", "include-country", "exception"],
                    Some("user") => &[
                        "country",
                        "entitlement-country",
                        "groups",
                        "roles",
                        "status",
                        "allow",
                        "deny",
                    ],
                    Some("key") => &["groups"],
                    _ => &[],
                }));
            }
            return match first {
                "allowed" | "entitled" | "alerts" | "global" | "allow" | "deny" => Want::Words(n.products.clone()),
                "entitlement-country" => Want::Words(n.countries.clone()),
                "exception" if idx == 1 => Want::Words(strs(&["allow", "deny"])),
                "exception" => Want::Words(n.products.clone()),
                "groups" => Want::Words(n.groups.clone()),
                "country" => Want::Words(n.country_names.clone()),
                "roles" => Want::Words(strs(&["account-admin", "co-admin", "fulfillment-contact"])),
                "status" => Want::Words(strs(&["active", "pending", "invited", "registered", "locked"])),
                "default" => Want::Words(strs(&["allow", "deny"])),
                "domain" if idx == 2 => Want::Words(strs(&["auto-approve"])),
                _ => Want::Nothing,
            };
        }
        if idx == 0 {
            let mut w: Vec<String> = COMMANDS.iter().map(|c| c.0.to_string()).collect();
            w.extend(strs(STATEMENT_WORDS));
            return Want::Words(w);
        }
        let words = match (first, idx) {
            ("check" | "explain", 1) | ("can", 1) | ("access", 1) => n.principals(),
            ("check" | "explain", 2) | ("can", 3) | ("who", 1) => n.products.clone(),
            ("can", 2) => Capability::ALL.iter().map(|c| c.as_str().to_string()).collect(),
            (":show", 1) => {
                let mut w = strs(&["account", "user", "key", "group", "product", "country"]);
                w.extend(n.everything());
                w
            }
            (":show", 2) => n.of_kind(second),
            (":save" | ":load", 1) => return Want::Files,
            ("remove", 1) => strs(KINDS),
            ("remove", 2) => n.of_kind(second),
            ("convert" | "clear-exceptions", 1) => n.groups.clone(),
            ("set", 1) => crate::keywords::SET_FORMS.iter().map(|(w, _)| w.to_string()).collect(),
            ("set", _) => return self.want_set(second, idx),
            ("register", 2) => strs(&["country"]),
            ("register", 3) => n.country_names.clone(),
            ("group", 1) => n.groups.clone(),
            ("group", 2) => strs(&["in"]),
            ("group", 3) => n.country_names.clone(),
            ("user", 1) => n.users.clone(),
            ("product", 1) => n.product_names.clone(),
            ("country", 1) => n.country_names.clone(),
            ("key", 1) => n.keys.clone(),
            _ => return Want::Nothing,
        };
        Want::Words(words)
    }

    /// The words after `set WORD` (argument `idx`), from the shape in the keyword table.
    fn want_set(&self, word: &str, idx: usize) -> Want {
        let n = &self.names;
        let Some((_, shape)) = crate::keywords::SET_FORMS.iter().find(|(w, _)| *w == word) else {
            return Want::Nothing;
        };
        let Some(arg) = shape.split_whitespace().nth(idx - 2) else {
            return Want::Nothing;
        };
        let mut words = vec![];
        for part in arg.split('|') {
            match part {
                "COUNTRY" => words.extend(n.countries.iter().cloned()),
                "PRODUCT" => words.extend(n.products.iter().cloned()),
                "GROUP" => words.extend(n.groups.iter().cloned()),
                "USER" => words.extend(n.users.iter().cloned()),
                "KEY" => words.extend(n.keys.iter().cloned()),
                "PRINCIPAL" => words.extend(n.principals()),
                "NUMBER" | "DOMAIN" => {}
                fixed => words.push(fixed.to_string()),
            }
        }
        Want::Words(words)
    }

    /// Completion candidates for the text before `pos`: where the replaced word starts, and
    /// the words that may replace it (names quoted when they must be).
    pub fn completions(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let c = cursor(&line[..pos]);
        match self.want(&c) {
            Want::Nothing => (pos, vec![]),
            Want::Files => match self.files.complete_path(line, pos) {
                Ok((start, pairs)) => (start, pairs.into_iter().map(|p| p.replacement).collect()),
                Err(_) => (pos, vec![]),
            },
            Want::Words(words) => {
                let typed = c.partial.trim_start_matches('"').to_lowercase();
                let mut out: Vec<String> = words
                    .into_iter()
                    .filter(|w| w.trim_start_matches('"').to_lowercase().starts_with(&typed))
                    .collect();
                out.sort_by_key(|w| w.trim_start_matches('"').to_lowercase());
                out.dedup();
                (c.start, out)
            }
        }
    }

    /// The argument shape still to type after a command, e.g. `PRODUCT` after `check alice `.
    pub fn shape_hint(&self, line: &str, pos: usize) -> Option<String> {
        if pos < line.len() || line.contains('\n') {
            return None;
        }
        let c = cursor(line);
        if c.depth != 0 || c.in_comment || c.partial.starts_with('"') {
            return None;
        }
        let (first, typed) = match c.before.first() {
            Some(f) => (f.as_str(), c.before.len() - 1),
            None => (c.partial.as_str(), 0),
        };
        let second = c.before.get(1).map(String::as_str);
        let shape: Vec<&str> = match first {
            "set" => match second.and_then(|w| crate::keywords::SET_FORMS.iter().find(|(x, _)| *x == w)) {
                Some((w, shape)) => std::iter::once(*w).chain(shape.split_whitespace()).collect(),
                None => vec!["WHAT", "…"],
            },
            "remove" => vec!["user|key|group|product|country", "NAME"],
            "convert" | "clear-exceptions" => vec!["GROUP"],
            "register" => vec!["EMAIL", "country", "CODE"],
            "group" => vec!["NAME", "in", "COUNTRY", "{ … }"],
            "user" => vec!["EMAIL", "{ country CODE … }"],
            "product" => vec!["NAME", "[\"Display Name\"]"],
            "country" => vec!["NAME", "{ … }"],
            "key" => vec!["NAME", "[in COUNTRY]", "{ groups … }"],
            cmd => COMMANDS
                .iter()
                .find(|c| c.0 == cmd)
                .map(|c| c.1.split_whitespace().collect())?,
        };
        if c.before.is_empty() {
            // just the command word, no space yet
            return (!shape.is_empty()).then(|| format!(" {}", shape.join(" ")));
        }
        if !c.partial.is_empty() {
            return None;
        }
        let rest = shape.get(typed..).filter(|r| !r.is_empty())?;
        Some(rest.join(" "))
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = self.completions(line, pos);
        Ok((
            start,
            words
                .into_iter()
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: w,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.history.hint(line, pos, ctx).or_else(|| self.shape_hint(line, pos))
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl rustyline::Helper for ReplHelper {}

/// Where the history is kept: `$XDG_STATE_HOME/entitle/history`, else `~/.entitle_history`.
pub fn history_path() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("XDG_STATE_HOME")
        .map(|d| d.join("entitle").join("history"))
        .or_else(|| var("HOME").map(|h| h.join(".entitle_history")))
}

/// `entitle repl POLICY`: an interactive session when standard input is a terminal, else
/// one input line after another without prompts. Exit code 0 at the end of input (or
/// `:quit`), 2 when the policy cannot be loaded.
pub fn run(path: &Path, color: bool) -> i32 {
    let mut session = match Session::load(path, color) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{}", e.render(color));
            return crate::cli::EXIT_ERROR;
        }
    };
    if std::io::stdin().is_terminal() {
        interactive(&mut session)
    } else {
        piped(&mut session)
    }
}

fn piped(session: &mut Session) -> i32 {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    run_piped(session, stdin.lock(), &mut out, &mut err)
}

/// The non-terminal loop: every line of `input` in turn, without prompts, until the end of
/// input or `:quit`. Returns the exit code (0, or 2 when `input` cannot be read).
/// Piped input: one line at a time, no prompts. Exit 0 when every line was answered without
/// an error, 1 when some line was answered with an error (it is on standard error, and the
/// session went on), 2 when standard input cannot be read.
pub fn run_piped(session: &mut Session, input: impl BufRead, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut err = Watch {
        inner: err,
        wrote: false,
    };
    let code = |err: &Watch<'_>| {
        if err.wrote {
            crate::cli::EXIT_DENY
        } else {
            crate::cli::EXIT_OK
        }
    };
    for line in input.lines() {
        match line {
            Ok(line) => {
                session.handle_to(line.trim_end_matches('\r'), out, &mut err);
                let _ = out.flush();
                if session.should_quit() {
                    return code(&err);
                }
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot read standard input: {e}");
                return crate::cli::EXIT_ERROR;
            }
        }
    }
    session.finish_to(out, &mut err);
    let _ = out.flush();
    code(&err)
}

/// A writer that remembers whether anything was written through it.
struct Watch<'a> {
    inner: &'a mut dyn Write,
    wrote: bool,
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

fn interactive(session: &mut Session) -> i32 {
    use rustyline::error::ReadlineError;
    use rustyline::history::DefaultHistory;
    let config = rustyline::Config::builder()
        .auto_add_history(true)
        .history_ignore_space(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build())
        .unwrap_or_default();
    let mut editor: rustyline::Editor<ReplHelper, DefaultHistory> = match rustyline::Editor::with_config(config) {
        Ok(e) => e,
        Err(_) => return piped(session),
    };
    editor.set_helper(Some(ReplHelper::new(session)));
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    print!("{}", session.banner());
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    loop {
        match editor.readline(session.prompt()) {
            Ok(line) => {
                session.handle_to(&line, &mut out, &mut err);
                let _ = out.flush();
                let _ = err.flush();
                if session.should_quit() {
                    break;
                }
                if let Some(h) = editor.helper_mut() {
                    h.refresh(session);
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(h);
    }
    crate::cli::EXIT_OK
}
