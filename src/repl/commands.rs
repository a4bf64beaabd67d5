//! Queries (`check`, `explain`, `can`, `access`, `who`) and the `:` commands. Every answer
//! is the text of [`crate::render`], as the command line prints it.

use super::input::{Input, Token};
use super::session::{decision_changes, Session};
use super::{COMMANDS, DIFF_LIST_LIMIT, KINDS, STATEMENT_WORDS};
use crate::capability::{self, Capability};
use crate::diag::{self, Diagnostic};
use crate::eval;
use crate::filter::{Filter, Selection};
use crate::model::Model;
use crate::render;
use crate::syntax::{Decl, Document, EntityKind, Item, Node};
use crate::QueryError;
use std::io::Write;

impl Session {
    pub(super) fn command(&mut self, input: &Input, tokens: &[Token], out: &mut dyn Write, err: &mut dyn Write) {
        let cmd = tokens[0].text.as_str();
        let args = &tokens[1..];
        let result = match cmd {
            "check" | "explain" => self.decision(cmd, input, args, out),
            "can" => self.can(input, args, out),
            "who" => self.who(input, args, out),
            "access" => self.access(input, args, out),
            ":diff" => self.diff(input, args, out),
            ":undo" => input.arity(cmd, args, 0, 0).map(|()| self.undo(out)),
            ":apply" => input
                .arity(cmd, args, 1, 1)
                .and_then(|()| self.apply_fix(input, &args[0], out, err)),
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
            ":quit!" | ":q!" | ":exit!" | "quit!" | "exit!" => {
                self.quit = true;
                self.force_quit = true;
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

    fn decision(
        &mut self,
        cmd: &str,
        input: &Input,
        args: &[Token],
        out: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        let (args, format) = split_format(input, args, cmd == "explain")?;
        let args = &args[..];
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
            let _ = write!(out, "{}", render::decision_text(policy, p, x, &d));
        } else {
            let ex = eval::explain(&policy.model, p, x);
            let blockers = crate::explain::blockers(&policy.model, p, x);
            let fixes = crate::explain::fix_search(&policy.document, &policy.model, p, x);
            let text = match format {
                Answer::Text => render::explanation_text(policy, p, x, &ex, &blockers, &fixes, self.color),
                Answer::Plain | Answer::Markdown => {
                    let sets = render::fix_sets(&fixes);
                    render::explain_plain(policy, p, x, &ex, &sets, format == Answer::Markdown)
                }
            };
            let _ = write!(out, "{text}");
            self.last_fixes = fixes.fixes;
        }
        Ok(())
    }

    fn can(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        let (args, format) = split_format(input, args, true)?;
        let args = &args[..];
        input.arity("can", args, 2, 3)?;
        let policy = &self.working;
        let cap_tok = &args[1];
        let capability = Capability::named(&cap_tok.text).map_err(|e| {
            let names: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
            let mut d = Diagnostic::error(
                "unknown-capability",
                format!("unknown capability `{}` (one of: {})", cap_tok.text, names.join(", ")),
            )
            .with_label(input.span(cap_tok.range.clone()), "not a capability");
            if let capability::CanArgError::UnknownCapability {
                suggestion: Some(s), ..
            } = e
            {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            vec![d]
        })?;
        let p = policy
            .principal(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        // (a product token is there exactly when `product_arg` returns one)
        let x = match capability.product_arg(args.get(2).map(|t| t.text.as_str())) {
            Ok(None) => None,
            Ok(Some(_)) => {
                let tok = &args[2];
                Some(
                    policy
                        .product(&tok.text)
                        .map_err(|e| vec![query_diag(input, tok, &e)])?,
                )
            }
            Err(capability::CanArgError::NeedsProduct(c)) => {
                return Err(vec![Diagnostic::error(
                    "usage",
                    format!("`{}` needs a PRODUCT argument", c.as_str()),
                )
                .with_label(input.span(cap_tok.range.clone()), "add the product after this")
                .with_help("usage: can PRINCIPAL receive-alerts PRODUCT")])
            }
            Err(e) => {
                let tok = &args[2];
                return Err(vec![Diagnostic::error("usage", e.to_string())
                    .with_label(input.span(tok.range.clone()), "unexpected product")]);
            }
        };
        let answer = capability::can(&policy.model, p, capability, x);
        let text = match format {
            Answer::Text => render::can_text(policy, &answer),
            _ => render::can_plain(&policy.model, &answer, format == Answer::Markdown),
        };
        let _ = write!(out, "{text}");
        Ok(())
    }

    fn access(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        let (args, format) = split_format(input, args, true)?;
        let (args, filter) = split_filters(input, &args, 0)?;
        input.arity("access", &args, 1, 1)?;
        let p = self
            .working
            .principal(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        let model = &self.working.model;
        let sel = resolve(input, model, &filter)?;
        let decisions = render::access_filtered(model, p, &sel);
        let text = match format {
            Answer::Text => render::access_text_limit(model, p, &decisions, sel.limit),
            _ => render::access_plain(model, p, &decisions, format == Answer::Markdown),
        };
        let _ = write!(out, "{text}");
        Ok(())
    }

    fn who(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        let (args, filter) = split_filters(input, args, 0)?;
        input.arity("who", &args, 1, 1)?;
        let x = self
            .working
            .product(&args[0].text)
            .map_err(|e| vec![query_diag(input, &args[0], &e)])?;
        let model = &self.working.model;
        let sel = resolve(input, model, &filter)?;
        let w = crate::sim::who_of(model, &crate::compile::Compiled::new(model), x, &sel);
        let _ = write!(out, "{}", render::who_text(model, x, &w, sel.limit));
        Ok(())
    }

    fn diff(&self, input: &Input, args: &[Token], out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        let (args, filter) = split_filters(input, args, DIFF_LIST_LIMIT)?;
        input.arity(":diff", &args, 0, 0)?;
        let label = self.path.display().to_string();
        let d = if filter.is_empty() {
            decision_changes(&self.loaded.model, &self.working.model)
        } else {
            // as `entitle diff`: a name only the working copy has (a group added since
            // loading) selects what is new there
            let (old, new) = (&self.loaded.model, &self.working.model);
            let sel = match resolve(input, old, &filter) {
                Ok(sel) => sel,
                Err(e) => match filter.resolve(new) {
                    Ok(sel) => Selection::none_but_new(sel),
                    Err(_) => return Err(e),
                },
            };
            crate::sim::diff_of(old, new, &sel, &|_| {})
        };
        let _ = write!(out, "{}", render::diff_since_text(&label, &d, filter.limit));
        Ok(())
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
        let found: Vec<&std::sync::Arc<Node<Item>>> = match args {
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
}

fn show_usage(input: &Input, args: &[Token]) -> Diagnostic {
    Diagnostic::error("usage", "usage: :show [NAME], :show KIND [NAME] or :show account")
        .with_label(
            input.span(args[0].range.start..args[args.len() - 1].range.end),
            "unexpected arguments",
        )
        .with_help("KIND is user, key, group, product or country; `:show` alone prints the whole working policy")
}

pub(super) fn is_command(word: &str) -> bool {
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
pub(super) fn find_decls<'a>(
    doc: &'a Document,
    kinds: &[EntityKind],
    name: &str,
) -> Vec<&'a std::sync::Arc<Node<Item>>> {
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

/// One row of the help: the head padded to a column, or on its own line when too long.
fn push_row(s: &mut String, head: &str, what: &str) {
    const COLUMN: usize = 46;
    if head.chars().count() > COLUMN {
        s.push_str(&format!("  {head}\n  {:COLUMN$} {what}\n", ""));
    } else {
        s.push_str(&format!("  {head:<COLUMN$} {what}\n"));
    }
}

fn help_text() -> String {
    let mut s = String::from("queries (no policy argument; the working copy answers):\n");
    let line = |s: &mut String, name: &str, args: &str, what: &str| {
        let head = if args.is_empty() {
            name.to_string()
        } else {
            format!("{name} {args}")
        };
        push_row(s, &head, what);
    };
    for (name, args, what) in &COMMANDS[..5] {
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
        (
            "set status USER STATUS",
            "pending, invited, registered, active or locked",
        ),
        (
            "set member GROUP PRINCIPAL on|off",
            "join or leave an entitlement group",
        ),
        ("set allowed GROUP PRODUCT on|off", "a group's Allowed Applications"),
        (
            "set include-country GROUP on|off",
            "\"Include Allowed Applications from the entitlement country\"",
        ),
        (
            "set exception USER PRODUCT allow|deny|inherit",
            "a user-level exception (also: set group-exception GROUP …)",
        ),
        (
            "set entitlement-country USER COUNTRY|inherit",
            "the user's attribute (also: set key-country KEY …)",
        ),
        (
            "set entitled|global|revenue|domain …",
            "contract and account settings (LANGUAGE.md §5)",
        ),
    ] {
        push_row(&mut s, head, what);
    }
    s.push_str("session:\n");
    for (name, args, what) in &COMMANDS[5..] {
        line(&mut s, name, args, what);
    }
    s
}

/// How `explain`, `access` and `can` answer: `--format text|plain|markdown`, as on the
/// command line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Text,
    Plain,
    Markdown,
}

/// `--format FORMAT` (or `--format=FORMAT`) split off the other words; `allowed` is false for
/// a command that has only one format (`check`).
fn split_format(input: &Input, args: &[Token], allowed: bool) -> Result<(Vec<Token>, Answer), Vec<Diagnostic>> {
    let mut rest = vec![];
    let mut format = Answer::Text;
    let mut i = 0;
    while i < args.len() {
        let t = &args[i];
        let (word, inline) = match t.text.split_once('=') {
            Some((w, v)) if !t.quoted => (w, Some(v.to_string())),
            _ => (t.text.as_str(), None),
        };
        if t.quoted || word != "--format" {
            rest.push(t.clone());
            i += 1;
            continue;
        }
        let here = input.span(t.range.clone());
        if !allowed {
            return Err(vec![Diagnostic::error("usage", "`check` has one format")
                .with_label(here, "not an option of `check`")
                .with_help(
                    "`explain PRINCIPAL PRODUCT --format plain` answers in the portal's words",
                )]);
        }
        let value = match inline {
            Some(v) => v,
            None => match args.get(i + 1) {
                Some(v) => {
                    i += 1;
                    v.text.clone()
                }
                None => {
                    return Err(vec![Diagnostic::error("usage", "`--format` needs a value")
                        .with_label(here, "no value after this")
                        .with_help("formats: text, plain, markdown")])
                }
            },
        };
        format = match value.to_ascii_lowercase().as_str() {
            "text" => Answer::Text,
            "plain" => Answer::Plain,
            "markdown" => Answer::Markdown,
            _ => {
                return Err(vec![Diagnostic::error(
                    "usage",
                    format!("`--format` takes text, plain or markdown, not `{value}`"),
                )
                .with_label(here, "this option")])
            }
        };
        i += 1;
    }
    Ok((rest, format))
}

/// The filter words of `who`, `access` and `:diff` (`--principal GLOB`, `--group NAME`,
/// `--country NAME`, `--product NAME`, `--rule RULE`, `--only allow|deny`, `--limit N`, as on
/// the command line), split off the other words.
fn split_filters(input: &Input, args: &[Token], default_limit: usize) -> Result<(Vec<Token>, Filter), Vec<Diagnostic>> {
    const WORDS: [&str; 7] = [
        "--principal",
        "--group",
        "--country",
        "--product",
        "--rule",
        "--only",
        "--limit",
    ];
    let mut rest = vec![];
    let mut f = Filter {
        limit: default_limit,
        ..Filter::default()
    };
    let mut i = 0;
    while i < args.len() {
        let t = &args[i];
        if t.quoted || !t.text.starts_with("--") {
            rest.push(t.clone());
            i += 1;
            continue;
        }
        let (word, inline) = match t.text.split_once('=') {
            Some((w, v)) => (w, Some(v.to_string())),
            None => (t.text.as_str(), None),
        };
        if !WORDS.contains(&word) {
            let mut d = Diagnostic::error("usage", format!("unknown filter `{word}`"))
                .with_label(input.span(t.range.clone()), "not a filter");
            d = d.with_help(match diag::closest(word, WORDS) {
                Some(s) => format!("did you mean `{s}`? filters: {}", WORDS.join(", ")),
                None => format!("filters: {}", WORDS.join(", ")),
            });
            return Err(vec![d]);
        }
        let value = match inline {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i + 1) else {
                    return Err(vec![Diagnostic::error("usage", format!("`{word}` needs a value"))
                        .with_label(input.span(t.range.clone()), "no value after this")]);
                };
                i += 1;
                v.text.clone()
            }
        };
        let bad =
            |msg: String| vec![Diagnostic::error("usage", msg).with_label(input.span(t.range.clone()), "this filter")];
        match word {
            "--principal" => f.principal = Some(value),
            "--group" => f.group = Some(value),
            "--country" => f.country = Some(value),
            "--product" => f.product = Some(value),
            "--rule" => f.rule = Some(value),
            "--only" => {
                f.only = Some(match value.to_ascii_lowercase().as_str() {
                    "allow" => crate::model::Access::Allow,
                    "deny" => crate::model::Access::Deny,
                    _ => return Err(bad(format!("`--only` takes allow or deny, not `{value}`"))),
                })
            }
            _ => {
                // as on the command line: a count, 0 lists all
                f.limit = value.parse().map_err(|_| {
                    vec![
                        Diagnostic::error("usage", format!("`--limit` takes a number, not `{value}`"))
                            .with_label(input.span(t.range.clone()), "this filter")
                            .with_help("--limit N lists at most N per section; --limit 0 lists all"),
                    ]
                })?
            }
        }
        i += 1;
    }
    Ok((rest, f))
}

/// A filter's names checked against the working policy, as a diagnostic when one is unknown.
fn resolve(input: &Input, model: &Model, f: &Filter) -> Result<Selection, Vec<Diagnostic>> {
    f.resolve(model).map_err(|e| {
        let mut d = Diagnostic::error("unknown-name", format!("unknown {} `{}`", e.what, e.name))
            .with_label(input.span(0..input.text.len()), format!("in --{}", e.what));
        if let Some(s) = &e.suggestion {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        vec![d]
    })
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

impl Session {
    /// `:apply N`: apply fix N (from 1) of the last `explain`, its statements as one edit.
    fn apply_fix(
        &mut self,
        input: &Input,
        arg: &Token,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        let count = self.last_fixes.len();
        let n = match arg.text.parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => n,
            _ => {
                let why = if count == 0 {
                    "no fix to apply: run `explain PRINCIPAL PRODUCT` first".to_string()
                } else {
                    format!("the last `explain` listed fixes 1 to {count}")
                };
                return Err(vec![Diagnostic::error(
                    "usage",
                    format!("`{}` is not a fix number", arg.text),
                )
                .with_label(input.span(arg.range.clone()), "not a listed fix")
                .with_help(why)]);
            }
        };
        let statements = self.last_fixes[n - 1].statements();
        self.inputs += 1;
        let fix_input = Input::new(format!("<fix {n}>"), &statements);
        self.statements(&fix_input, out, err);
        Ok(())
    }
}
