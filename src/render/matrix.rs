//! `matrix`: every principal × product decision, streamed in principal order as an aligned
//! grid, CSV or JSON lines; and the two-letter rule codes of the compact grids (the table and
//! the HTML report).

use crate::compile::{Compiled, Row};
use crate::filter::Selection;
use crate::model::{Access, Model, Rule};
use crate::sim;

/// Stream the rows of the principals `sel` keeps: `format` writes one principal's line
/// (ending in `\n`) for the kept product columns, given which cells pass `--rule`/`--only`;
/// a principal with no passing cell under those filters is left out; at most `sel.limit`
/// lines are written (0: all), each through `line` (which gets the line's number from 0).
fn stream_selected(
    m: &Model,
    c: &Compiled,
    sel: &Selection,
    tick: sim::Progress<'_>,
    format: impl Fn(usize, &Row, &[usize], &[bool], &mut Vec<u8>) + Sync,
    mut line: impl FnMut(usize, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let cols: Vec<usize> = sel.products(m).into_iter().map(|x| x.index()).collect();
    let mut list = sim::principal_list(m, c, sel);
    if sel.limit > 0 && !sel.selects_decisions() {
        list.truncate(sel.limit);
    }
    let mut written = 0usize;
    sim::stream_rows_of(
        c,
        &list,
        |i, row: &Row, buf: &mut Vec<u8>| {
            let keep: Vec<bool> = cols
                .iter()
                .map(|&x| {
                    let (a, r) = row.get(x);
                    sel.decision(a, r)
                })
                .collect();
            if sel.selects_decisions() && !keep.contains(&true) {
                return;
            }
            format(i, row, &cols, &keep, buf);
        },
        |bytes| {
            for l in bytes.split_inclusive(|&b| b == b'\n') {
                if sel.limit > 0 && written >= sel.limit {
                    break;
                }
                line(written, l)?;
                written += 1;
            }
            Ok(())
        },
        tick,
    )
}
use serde::Serialize;
use std::io::Write;

/// A two-letter code for compact grids (`matrix --format table`, the HTML report).
pub fn rule_code(rule: Rule) -> &'static str {
    match rule {
        Rule::Status => "st",
        Rule::NoEntitlementCountry => "nc",
        Rule::NotEntitled => "ne",
        Rule::UserException => "ue",
        Rule::GroupAllowed => "ga",
        Rule::GroupIncludeCountry => "gi",
        Rule::GroupNotAllowed => "gn",
        Rule::GroupException => "ge",
        Rule::ProductAccess => "pa",
        Rule::DefaultAccess => "da",
    }
}

/// `matrix --format table`: an aligned grid of `A`/`D` and rule codes, then the legend.
pub fn matrix_table(
    out: &mut dyn Write,
    m: &Model,
    c: &Compiled,
    sel: &Selection,
    tick: sim::Progress<'_>,
) -> std::io::Result<()> {
    let pw = m
        .principals()
        .map(|p| m.principal_name(p).len())
        .max()
        .unwrap_or(9)
        .max(9);
    let widths: Vec<usize> = m.products.iter().map(|p| p.name.len().max(4)).collect();
    let mut header = format!("{:<pw$}", "principal");
    for x in sel.products(m) {
        let w = widths[x.index()];
        header.push_str(&format!("  {:<w$}", m.product(x).name));
    }
    writeln!(out, "{}", header.trim_end())?;
    stream_selected(
        m,
        c,
        sel,
        tick,
        |i, row: &Row, cols: &[usize], keep: &[bool], buf: &mut Vec<u8>| {
            let mut line = format!("{:<pw$}", m.principal_name(c.principal_at(i)));
            for (k, &x) in cols.iter().enumerate() {
                let w = widths[x];
                let (a, r) = row.get(x);
                let cell = if keep[k] {
                    format!("{} {}", if a == Access::Allow { "A" } else { "D" }, rule_code(r))
                } else {
                    String::new()
                };
                line.push_str(&format!("  {cell:<w$}"));
            }
            buf.extend_from_slice(line.trim_end().as_bytes());
            buf.push(b'\n');
        },
        |_, bytes| out.write_all(bytes),
    )?;
    let legend: Vec<String> = Rule::ALL.iter().map(|r| format!("{} {r}", rule_code(*r))).collect();
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

/// `matrix --format csv`: `principal,<products>`, then one row per principal, each cell
/// `allow|deny RULE [GROUP]` (RFC 4180 quoting).
pub fn matrix_csv(
    out: &mut dyn Write,
    m: &Model,
    c: &Compiled,
    sel: &Selection,
    tick: sim::Progress<'_>,
) -> std::io::Result<()> {
    let mut header = csv::Writer::from_writer(vec![]);
    let mut fields = vec!["principal".to_string()];
    fields.extend(sel.products(m).into_iter().map(|x| m.product(x).name.clone()));
    header.write_record(&fields).map_err(std::io::Error::other)?;
    out.write_all(&header.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?)?;
    stream_selected(
        m,
        c,
        sel,
        tick,
        |i, row: &Row, cols: &[usize], keep: &[bool], buf: &mut Vec<u8>| {
            let mut record = Vec::with_capacity(cols.len() + 1);
            record.push(m.principal_name(c.principal_at(i)).to_string());
            for (k, &x) in cols.iter().enumerate() {
                if !keep[k] {
                    record.push(String::new());
                    continue;
                }
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
        |_, bytes| out.write_all(bytes),
    )
}

#[derive(Serialize)]
pub struct RowJson<'a> {
    principal: &'a str,
    decisions: Vec<ProductCellJson<'a>>,
}

#[derive(Serialize)]
pub struct ProductCellJson<'a> {
    product: &'a str,
    decision: Access,
    rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
}

/// `matrix --format json`: an array with one object per principal per line.
pub fn matrix_json(
    out: &mut dyn Write,
    m: &Model,
    c: &Compiled,
    sel: &Selection,
    tick: sim::Progress<'_>,
) -> std::io::Result<()> {
    writeln!(out, "[")?;
    let mut any = false;
    stream_selected(
        m,
        c,
        sel,
        tick,
        |i, row: &Row, cols: &[usize], keep: &[bool], buf: &mut Vec<u8>| {
            let decisions = cols
                .iter()
                .enumerate()
                .filter(|&(k, _)| keep[k])
                .map(|(_, &x)| {
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
            buf.push(b'\n');
        },
        |k, line| {
            any = true;
            if k > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(&line[..line.len() - 1])
        },
    )?;
    if any {
        writeln!(out)?;
    }
    writeln!(out, "]")
}
