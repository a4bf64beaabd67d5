//! Front end of the simulator commands: `who`, `matrix`, `diff`, `simulate`.

use super::progress::Progress;
use super::{Ctx, MatrixFormat, EXIT_DENY, EXIT_ERROR, EXIT_OK};
use crate::compile::{Compiled, Row};
use crate::eval::Rule;
use crate::model::Model;
use crate::sim::{self, Diff};
use crate::syntax::Access;
use crate::Policy;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

#[derive(Serialize)]
struct WhoEntry<'a> {
    principal: &'a str,
    rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
}

#[derive(Serialize)]
struct WhoJson<'a> {
    product: &'a str,
    allowed_count: usize,
    denied_count: usize,
    allowed: Vec<WhoEntry<'a>>,
    denied: BTreeMap<Rule, Vec<WhoEntry<'a>>>,
}

impl Ctx<'_> {
    pub(super) fn who(&mut self, path: &Path, product: &str, json: bool) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let x = match policy.product(product) {
            Ok(x) => x,
            Err(e) => return self.query_error(e),
        };
        let m = &policy.model;
        let w = sim::who(&Compiled::new(m), x);
        let group = |g: Option<crate::model::GroupId>| g.map(|g| m.group(g).name.as_str());
        if json {
            let j = WhoJson {
                product: &m.product(x).name,
                allowed_count: w.allowed.len(),
                denied_count: w.denied.values().map(Vec::len).sum(),
                allowed: w
                    .allowed
                    .iter()
                    .map(|&(p, rule, g)| WhoEntry {
                        principal: m.principal_name(p),
                        rule,
                        group: group(g),
                    })
                    .collect(),
                denied: w
                    .denied
                    .iter()
                    .map(|(&rule, list)| {
                        let entries = list
                            .iter()
                            .map(|&(p, g)| WhoEntry {
                                principal: m.principal_name(p),
                                rule,
                                group: group(g),
                            })
                            .collect();
                        (rule, entries)
                    })
                    .collect(),
            };
            self.json(&j);
            return EXIT_OK;
        }
        let denied: usize = w.denied.values().map(Vec::len).sum();
        let mut out = format!("{}: {} allowed, {denied} denied\n", m.product(x).name, w.allowed.len());
        if !w.allowed.is_empty() {
            out.push_str(&format!("\nallowed ({}):\n", w.allowed.len()));
            for &(p, rule, g) in &w.allowed {
                out.push_str(&format!(
                    "  {}  by {rule}{}\n",
                    m.principal_name(p),
                    group(g).map(|g| format!(" {g}")).unwrap_or_default()
                ));
            }
        }
        for (rule, list) in &w.denied {
            out.push_str(&format!("\ndenied by {rule} ({}):\n", list.len()));
            for &(p, g) in list {
                out.push_str(&format!(
                    "  {}{}\n",
                    m.principal_name(p),
                    group(g).map(|g| format!("  (group {g})")).unwrap_or_default()
                ));
            }
        }
        let _ = write!(self.out, "{out}");
        EXIT_OK
    }

    pub(super) fn matrix(&mut self, path: &Path, format: MatrixFormat, json: bool) -> i32 {
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
        let result = match format {
            MatrixFormat::Summary => {
                let s = sim::summary(m, &c, &tick);
                progress.finish();
                if json {
                    self.json(&s);
                } else {
                    let _ = write!(self.out, "{}", summary_text(&s));
                }
                return EXIT_OK;
            }
            MatrixFormat::Table => matrix_table(&mut *self.out, &policy, &c, &tick),
            MatrixFormat::Csv => matrix_csv(&mut *self.out, m, &c, &tick),
            MatrixFormat::Json => matrix_json(&mut *self.out, m, &c, &tick),
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
        if json {
            self.json(&d);
        } else {
            let _ = write!(self.out, "{}", diff_text(&d, limit));
        }
        if d.is_empty() {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }
}

fn summary_text(s: &sim::Summary) -> String {
    let width = s.products.iter().map(|p| p.product.len()).max().unwrap_or(7).max(7);
    let mut out = format!(
        "{} principals\n\n{:<width$}  {:>9}  {:>9}  denied by rule\n",
        s.principals, "product", "allow", "deny"
    );
    for p in &s.products {
        let rules: Vec<String> = p.deny_by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {}\n",
            p.product,
            p.allow,
            p.deny,
            rules.join(", ")
        ));
    }
    out
}

fn matrix_table(out: &mut dyn Write, policy: &Policy, c: &Compiled, tick: sim::Progress<'_>) -> std::io::Result<()> {
    let m = &policy.model;
    let pw = m
        .principals()
        .map(|p| m.principal_name(p).len())
        .max()
        .unwrap_or(9)
        .max(9);
    let widths: Vec<usize> = m.products.iter().map(|p| p.name.len().max(4)).collect();
    let mut header = format!("{:<pw$}", "principal");
    for (p, w) in m.products.iter().zip(&widths) {
        header.push_str(&format!("  {:<w$}", p.name));
    }
    writeln!(out, "{}", header.trim_end())?;
    sim::stream_rows(
        c,
        |i, row: &Row, buf: &mut Vec<u8>| {
            let mut line = format!("{:<pw$}", m.principal_name(c.principal_at(i)));
            for (x, w) in widths.iter().enumerate() {
                let (a, r) = row.get(x);
                let cell = format!("{} {}", if a == Access::Allow { "A" } else { "D" }, r.code());
                line.push_str(&format!("  {cell:<w$}"));
            }
            buf.extend_from_slice(line.trim_end().as_bytes());
            buf.push(b'\n');
        },
        |bytes| out.write_all(bytes),
        tick,
    )?;
    let legend: Vec<String> = Rule::ALL.iter().map(|r| format!("{} {r}", r.code())).collect();
    writeln!(out, "\nA allow, D deny; rules: {}", legend.join(", "))
}

/// A cell: `allow RULE` or `deny RULE`, plus the credited group for group rules.
fn cell(m: &Model, c: &Compiled, i: usize, x: usize, row: &Row) -> (Access, Rule, Option<String>) {
    let (a, r) = row.get(x);
    let g = if r.is_group_rule() {
        c.decide(i, x).2.map(|g| m.group(g).name.clone())
    } else {
        None
    };
    (a, r, g)
}

fn matrix_csv(out: &mut dyn Write, m: &Model, c: &Compiled, tick: sim::Progress<'_>) -> std::io::Result<()> {
    let mut header = csv::Writer::from_writer(vec![]);
    let mut fields = vec!["principal".to_string()];
    fields.extend(m.products.iter().map(|p| p.name.clone()));
    header.write_record(&fields).map_err(std::io::Error::other)?;
    out.write_all(&header.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?)?;
    sim::stream_rows(
        c,
        |i, row: &Row, buf: &mut Vec<u8>| {
            let mut record = Vec::with_capacity(m.products.len() + 1);
            record.push(m.principal_name(c.principal_at(i)).to_string());
            for x in 0..m.products.len() {
                let (a, r, g) = cell(m, c, i, x, row);
                record.push(match g {
                    Some(g) => format!("{a} {r} {g}"),
                    None => format!("{a} {r}"),
                });
            }
            let mut w = csv::Writer::from_writer(std::mem::take(buf));
            // writing to memory cannot fail
            let _ = w.write_record(&record);
            *buf = w.into_inner().unwrap_or_default();
        },
        |bytes| out.write_all(bytes),
        tick,
    )
}

#[derive(Serialize)]
struct RowJson<'a> {
    principal: &'a str,
    decisions: Vec<ProductCellJson<'a>>,
}

#[derive(Serialize)]
struct ProductCellJson<'a> {
    product: &'a str,
    decision: Access,
    rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
}

fn matrix_json(out: &mut dyn Write, m: &Model, c: &Compiled, tick: sim::Progress<'_>) -> std::io::Result<()> {
    writeln!(out, "[")?;
    let n = c.principals();
    sim::stream_rows(
        c,
        |i, row: &Row, buf: &mut Vec<u8>| {
            let decisions = (0..m.products.len())
                .map(|x| {
                    let (decision, rule, group) = cell(m, c, i, x, row);
                    ProductCellJson {
                        product: &m.products[x].name,
                        decision,
                        rule,
                        group,
                    }
                })
                .collect();
            let obj = RowJson {
                principal: m.principal_name(c.principal_at(i)),
                decisions,
            };
            // serialising plain structs into memory cannot fail
            let _ = serde_json::to_writer(&mut *buf, &obj);
            if i + 1 < n {
                buf.push(b',');
            }
            buf.push(b'\n');
        },
        |bytes| out.write_all(bytes),
        tick,
    )?;
    writeln!(out, "]")
}

fn verdict(v: sim::Verdict) -> String {
    format!("{} by {}", v.decision, v.rule)
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

/// The human form of a diff: every cause with counts per product and group, and the changes.
pub fn diff_text(d: &Diff, limit: usize) -> String {
    let mut out = String::new();
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if d.changed == 0 {
        out.push_str(&format!("no decision changes ({} compared)\n", d.compared));
    } else {
        out.push_str(&format!(
            "{} decision{} change ({} compared): {} lose access, {} gain access, {} change only the rule\n",
            d.changed,
            if d.changed == 1 { "" } else { "s" },
            d.compared,
            d.revoked,
            d.granted,
            d.changed - d.revoked - d.granted
        ));
    }
    let lists = [
        ("principals added", &d.principals_added),
        ("principals removed", &d.principals_removed),
        ("products added", &d.products_added),
        ("products removed", &d.products_removed),
        (
            "groups that lost their Allowed Applications list (now legacy or unconfigured)",
            &d.groups_lost_allow_list,
        ),
    ];
    for (what, list) in lists {
        if !list.is_empty() {
            out.push_str(&format!("{what}: {}\n", list.join(", ")));
        }
    }
    let mode = |m: crate::model::GroupMode| match m {
        crate::model::GroupMode::AllowList => "allow-list",
        crate::model::GroupMode::Legacy => "legacy",
        crate::model::GroupMode::Unconfigured => "unconfigured",
    };
    for g in &d.groups_mode_changed {
        out.push_str(&format!(
            "group {} changes mode: {} → {}\n",
            g.group,
            mode(g.before),
            mode(g.after)
        ));
    }
    for c in &d.causes {
        out.push_str(&format!(
            "\n{} → {}: {}\n",
            verdict(c.before),
            verdict(c.after),
            c.count
        ));
        let per = |map: &BTreeMap<String, usize>| {
            map.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("  by product: {}\n", per(&c.products)));
        if !c.groups.is_empty() {
            out.push_str(&format!("  by group: {}\n", per(&c.groups)));
        }
        let shown = if limit == 0 {
            c.changes.len()
        } else {
            limit.min(c.changes.len())
        };
        for ch in &c.changes[..shown] {
            let groups = match (&ch.group_before, &ch.group_after) {
                (Some(a), Some(b)) if a != b => format!("  (group {a} → {b})"),
                (Some(a), _) => format!("  (group {a})"),
                (None, Some(b)) => format!("  (group {b})"),
                (None, None) => String::new(),
            };
            out.push_str(&format!("  {} {}{groups}\n", ch.principal, ch.product));
        }
        if shown < c.changes.len() {
            out.push_str(&format!(
                "  … and {} more (--limit 0 lists all)\n",
                c.changes.len() - shown
            ));
        }
    }
    out
}
