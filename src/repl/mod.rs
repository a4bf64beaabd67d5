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
//! Queries print exactly what the command line prints (both call [`crate::render`]); a bad
//! line is answered with a diagnostic quoting it, and the session goes on.
//!
//! One file per job: [`session`] (the working copy, edits, undo, `:save`, `:load`),
//! `commands` (queries and `:` commands), `input` (typed words and open blocks),
//! [`complete`] (completion and hints), `terminal` (rustyline), `piped` (standard input
//! that is not a terminal).
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
//! - Leaving (Ctrl-D, `:quit`) with unsaved edits asks first at a terminal; `:quit!` does not,
//!   and piped input only notes on standard error how many were not saved (the note does
//!   not change the exit code). Unsaved means the edits since loading, or since the last
//!   `:save` (back at the saved state after `:undo`, nothing is unsaved). The end of input
//!   at the question leaves, since nobody can answer it.
//! - A block typed over several lines is gathered by the session, a line at a time, under
//!   the prompt `    ...> `; Ctrl-C drops it and says so. Once complete, it is one history
//!   entry. Inputs answered with an error stay in the history for Up-arrow during the
//!   session but are never hinted and are not written to the history file.
//! - A name begun with `"` completes to the names that need quotes when some match (a
//!   display name with spaces rather than the product's plain name), else to the plain
//!   names, quoted; the completion includes the closing quote.

mod commands;
pub mod complete;
mod input;
mod piped;
pub mod session;
mod terminal;

pub use complete::{Names, ReplHelper};
pub use input::{is_incomplete, open_braces};
pub use piped::run_piped;
pub use session::{decision_changes, EofAction, Session};
pub use terminal::{history_path, run};

/// The prompt; `entitle*> ` once the working copy differs from the loaded policy.
pub const PROMPT: &str = "entitle> ";
pub(crate) const PROMPT_EDITED: &str = "entitle*> ";
/// The prompt of the next line of a block whose `{` is still open.
pub const PROMPT_MORE: &str = "    ...> ";

/// At most this many decisions are listed under one cause by `:diff`.
pub(crate) const DIFF_LIST_LIMIT: usize = 20;

/// Commands, their argument shapes and what they do (`:help`, completion and hints).
pub(crate) const COMMANDS: &[(&str, &str, &str)] = &[
    ("check", "PRINCIPAL PRODUCT", "the decision and the rule that made it"),
    (
        "explain",
        "PRINCIPAL PRODUCT [--format plain|markdown]",
        "every step, every blocker, and the smallest verified fixes (:apply N applies one)",
    ),
    (
        "can",
        "PRINCIPAL CAPABILITY [PRODUCT] [--format plain|markdown]",
        "an account capability: receive-billing, manage-users, manage-domains, manage-entitlements, receive-alerts PRODUCT",
    ),
    (
        "access",
        "PRINCIPAL [--FILTER VALUE]… [--format plain|markdown]",
        "every product for one principal: what it may use and why, and what not, by rule",
    ),
    (
        "who",
        "PRODUCT [--FILTER VALUE]…",
        "who may use a product, and who may not grouped by rule",
    ),
    (
        ":diff",
        "[--FILTER VALUE]…",
        "every decision changed since the policy was loaded, grouped by cause (filters: --principal GLOB, --group, --country, --product, --rule, --only, --limit)",
    ),
    (
        ":apply",
        "N",
        "apply fix N of the last `explain` (its what-if statements, as one edit)",
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
    (
        ":quit",
        "",
        "leave (also Ctrl-D); asks first when edits are unsaved (:quit! does not)",
    ),
];

/// Words that start a what-if statement or a declaration.
pub(crate) use crate::keywords::STATEMENT_START as STATEMENT_WORDS;

pub(crate) use crate::keywords::ENTITY_KINDS as KINDS;
