//! Completion and hints: the names of the working copy, and what may come at the cursor.
//!
//! A block typed over several lines reaches the terminal a line at a time; the helper keeps
//! the lines typed so far ([`ReplHelper::refresh`]) so completion inside the block knows
//! where it is. Hints from history skip the inputs that were answered with an error.

use super::session::Session;
use super::{COMMANDS, KINDS, STATEMENT_WORDS};
use crate::capability::Capability;
use crate::model::Model;
use rustyline::completion::FilenameCompleter;
use rustyline::history::SearchDirection;
use std::collections::HashSet;

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
    let mut depth = 0i64;
    let mut segment = 0;
    let mut block = None;
    for (i, b) in crate::syntax::scan::code_bytes(text) {
        match b {
            b'{' => {
                if depth == 0 {
                    block = text[segment..i].split_whitespace().next().map(str::to_string);
                }
                depth += 1;
                segment = i + 1;
            }
            b'}' => {
                depth -= 1;
                if depth <= 0 {
                    block = None;
                }
                segment = i + 1;
            }
            b';' | b'\n' => segment = i + 1,
            _ => {}
        }
    }
    // a comment that runs to the end of the text
    let in_comment = matches!(
        crate::syntax::scan::pieces(text).last(),
        Some(crate::syntax::scan::Piece::Comment(_))
    );
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

/// Helper for rustyline: completion and hints.
pub struct ReplHelper {
    names: Names,
    pub(super) color: bool,
    files: FilenameCompleter,
    /// Inputs answered with an error: never offered as hints.
    failed: HashSet<String>,
    /// The lines of a block typed so far (empty when none is open).
    pending: String,
    /// While a yes/no question is asked: no completion, no hints.
    pub(super) quiet: bool,
}

impl ReplHelper {
    pub fn new(session: &Session) -> ReplHelper {
        let mut h = ReplHelper {
            names: Names::of(&session.working.model),
            color: session.color,
            files: FilenameCompleter::new(),
            failed: HashSet::new(),
            pending: String::new(),
            quiet: false,
        };
        h.refresh(session);
        h
    }

    /// Take up the session after an input: the names of its current working copy, the
    /// lines of an open block, and whether the last input was answered with an error (then
    /// it is not offered as a hint; once it succeeds, it is again).
    pub fn refresh(&mut self, session: &Session) {
        self.names = Names::of(&session.working.model);
        self.pending = session.pending().to_string();
        if let Some((text, failed)) = session.last_input() {
            if failed {
                self.failed.insert(text.to_string());
            } else {
                self.failed.remove(text);
            }
        }
    }

    /// Whether `input` was answered with an error (the last time it ran).
    pub fn failed(&self, input: &str) -> bool {
        self.failed.contains(input)
    }

    /// The rest of the newest history entry that starts with `line` (the cursor at its end),
    /// skipping entries that were answered with an error in this session.
    pub fn history_hint(&self, line: &str, pos: usize, ctx: &rustyline::Context<'_>) -> Option<String> {
        if line.is_empty() || pos < line.len() || self.quiet {
            return None;
        }
        let history = ctx.history();
        let len = history.len();
        if len == 0 {
            return None;
        }
        // while browsing history, look back from the entry shown
        let start = ctx.history_index().min(len - 1);
        (0..=start).rev().find_map(|i| {
            let entry = history.get(i, SearchDirection::Reverse).ok()??.entry;
            (entry.len() > line.len() && entry.starts_with(line) && !self.failed.contains(entry.as_ref()))
                .then(|| entry[pos..].to_string())
        })
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
                // the statements of a declaration's block, from the one keyword table (a
                // scenario block does not open in the REPL)
                return Want::Words(strs(match c.block.as_deref() {
                    Some("scenario") | None => &[],
                    Some(kind) => crate::keywords::block_statements(kind).unwrap_or(&[]),
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
    ///
    /// A name begun with `"` is completed with its closing quote: to the names that need
    /// quotes (spaces, reserved words) when some match, else to the plain names, quoted.
    pub fn completions(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        if self.quiet {
            return (pos, vec![]);
        }
        // inside a block typed over several lines, the lines before count
        let before = if self.pending.is_empty() {
            String::new()
        } else {
            format!("{}\n", self.pending)
        };
        let mut c = cursor(&format!("{before}{}", &line[..pos]));
        c.start = c.start.saturating_sub(before.len()).min(pos);
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
                if c.partial.starts_with('"') {
                    // the quote is typed: offer names with quotes, so the completion keeps
                    // it and closes it
                    if out.iter().any(|w| w.starts_with('"')) {
                        out.retain(|w| w.starts_with('"'));
                    } else {
                        out = out.into_iter().map(|w| format!("\"{w}\"")).collect();
                    }
                }
                out.sort_by_key(|w| w.trim_start_matches('"').to_lowercase());
                out.dedup();
                (c.start, out)
            }
        }
    }

    /// The argument shape still to type after a command, e.g. `PRODUCT` after `check alice `.
    pub fn shape_hint(&self, line: &str, pos: usize) -> Option<String> {
        if pos < line.len() || line.contains('\n') || !self.pending.is_empty() || self.quiet {
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
