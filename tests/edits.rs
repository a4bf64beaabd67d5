//! The edit engine, `whatif::rewrite`, on the shipped scenarios and on random policies: every
//! kind of what-if statement (and a declaration that replaces one) applied to a policy and
//! written back over its text.
//!
//! - the result parses to the edited document (spans aside) and decides like it;
//! - every line the diff touches belongs to a declaration the statement names (or one that
//!   refers to what it names); blank lines aside;
//! - every comment of the original survives unless the edit removed the node it belongs to;
//! - an unedited document is written back byte for byte;
//! - `import-users` changes only the lines of the users a sheet adds or updates.

use entitle::syntax::{Decl, Document, Item, Node};
use entitle::whatif::rewrite;
use entitle::Policy;
use proptest::prelude::*;
use std::collections::HashMap;

#[allow(dead_code)]
#[path = "../fuzz/src/policy_gen.rs"]
mod policy_gen;

fn scenarios() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    assert!(out.len() >= 10, "the shipped scenarios are there");
    out
}

/// Parse a text that may name what an edit removed (an `expect` of a removed product): its
/// document, and a policy of its declarations.
fn load(text: &str) -> (Document, Policy) {
    let mut sources = entitle::Sources::new();
    let file = sources.add("out.ent", text);
    let policy = Policy::load_declarations(sources, file).unwrap_or_else(|e| panic!("{text}\n{e}"));
    (policy.document().clone(), policy)
}

/// What `format_document` of a document parses to: documents compared this way are equal
/// modulo spans and what printing normalises (`0042` is `42`, no comments is no comments).
fn printed(doc: &Document) -> String {
    doc_key(&load(&entitle::fmt::format_document(doc)).0)
}

fn doc_key(doc: &Document) -> String {
    entitle::testing::spanless(&format!("{doc:?}"))
}

/// For each line of `text`, the top-level item it belongs to: the item whose span covers it,
/// or (a comment line) the next item, whose leading comment it is.
fn owners(text: &str, doc: &Document) -> Vec<Option<usize>> {
    let line_of = |offset: usize| text[..offset].matches('\n').count();
    let n = text.lines().count();
    let mut out = vec![None; n];
    for (k, item) in doc.items.iter().enumerate() {
        for slot in &mut out[line_of(item.span.start as usize)..=line_of(item.span.end as usize)] {
            *slot = Some(k);
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut next = None;
    for l in (0..n).rev() {
        if out[l].is_some() {
            next = out[l];
        } else if lines[l].trim_start().starts_with('#') {
            out[l] = next;
        }
    }
    out
}

/// Whether `text` mentions `name` as a whole word (ignoring case).
fn mentions(text: &str, name: &str) -> bool {
    let (text, name) = (text.to_lowercase(), name.to_lowercase());
    let word = |c: char| c.is_alphanumeric() || "_.-@".contains(c);
    text.match_indices(&name).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(word) && !text[at + name.len()..].chars().next().is_some_and(word)
    })
}

/// The text of each item (its lines, leading comments included).
fn item_texts(text: &str, owners: &[Option<usize>], count: usize) -> Vec<String> {
    let mut out = vec![String::new(); count];
    for (line, owner) in text.lines().zip(owners) {
        if let Some(k) = owner {
            out[*k].push_str(line);
            out[*k].push('\n');
        }
    }
    out
}

/// Every comment of a document (leading, trailing, end), nested ones included.
fn comments(doc: &Document) -> Vec<String> {
    fn node<T>(n: &Node<T>, out: &mut Vec<String>) {
        out.extend(n.comments.leading().iter().cloned());
        out.extend(n.comments.trailing().cloned());
    }
    fn stmts<T>(s: &[Node<T>], end: &[String], out: &mut Vec<String>) {
        for n in s {
            node(n, out);
        }
        out.extend(end.iter().cloned());
    }
    fn walk(items: &[std::sync::Arc<Node<Item>>], out: &mut Vec<String>) {
        for i in items {
            node(i, out);
            match &i.kind {
                Item::Decl(Decl::Account(a)) => stmts(&a.stmts, &a.end_comments, out),
                Item::Decl(Decl::Country(c)) => stmts(&c.stmts, &c.end_comments, out),
                Item::Decl(Decl::Group(g)) => stmts(&g.stmts, &g.end_comments, out),
                Item::Decl(Decl::User(u)) => stmts(&u.stmts, &u.end_comments, out),
                Item::Decl(Decl::Key(k)) => stmts(&k.stmts, &k.end_comments, out),
                Item::Scenario(s) => {
                    walk(&s.items, out);
                    out.extend(s.end_comments.iter().cloned());
                }
                _ => {}
            }
        }
    }
    let mut out = vec![];
    walk(&doc.items, &mut out);
    out.extend(doc.end_comments.iter().cloned());
    out
}

fn counts(v: Vec<String>) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for s in v {
        *m.entry(s).or_insert(0) += 1;
    }
    m
}

/// Apply `stmt` to the policy `text`, write it back, check the result; `false` when the
/// statement does not apply to this policy.
fn check_edit(file: &str, text: &str, stmt: &str, names: &[&str]) -> bool {
    let before = Policy::parse(file, text).unwrap();
    let mut after = before.clone();
    if after.apply("<what-if>", stmt).is_err() {
        return false;
    }
    let out = rewrite(text, before.file(), before.document(), after.document());
    let ctx = format!("{file}: `{stmt}` gave\n{out}");
    // the same document, so the same decisions
    let (_, again) = load(&out);
    assert_eq!(printed(again.document()), printed(after.document()), "{ctx}");
    assert_eq!(policy_gen::decisions(&again), policy_gen::decisions(&after), "{ctx}");
    // every changed line belongs to a declaration that names (or named) what the statement names
    let (removed, added) = entitle::testing::line_diff(text, &out);
    let old_owners = owners(text, before.document());
    let new_owners = owners(&out, again.document());
    let old_texts = item_texts(text, &old_owners, before.document().items.len());
    let new_texts = item_texts(&out, &new_owners, again.document().items.len());
    let old_by_name: HashMap<String, usize> = before
        .document()
        .items
        .iter()
        .enumerate()
        .filter_map(|(k, i)| match &i.kind {
            Item::Decl(d) => Some((
                format!("{:?}{}", d.kind(), d.name().map_or(String::new(), |n| n.key())),
                k,
            )),
            _ => None,
        })
        .collect();
    let new_by_name: HashMap<String, usize> = again
        .document()
        .items
        .iter()
        .enumerate()
        .filter_map(|(k, i)| match &i.kind {
            Item::Decl(d) => Some((
                format!("{:?}{}", d.kind(), d.name().map_or(String::new(), |n| n.key())),
                k,
            )),
            _ => None,
        })
        .collect();
    let names_any = |t: &str| names.iter().any(|n| mentions(t, n));
    let old_lines: Vec<&str> = text.lines().collect();
    for l in removed {
        if old_lines[l].trim().is_empty() {
            continue;
        }
        let owner =
            old_owners[l].unwrap_or_else(|| panic!("{ctx}\nremoved line {l} `{}` belongs to no item", old_lines[l]));
        let now = match &before.document().items[owner].kind {
            Item::Decl(d) => new_by_name
                .get(&format!(
                    "{:?}{}",
                    d.kind(),
                    d.name().map_or(String::new(), |n| n.key())
                ))
                .map(|&k| new_texts[k].as_str()),
            _ => None,
        };
        assert!(
            names_any(&old_texts[owner]) || now.is_some_and(names_any),
            "{ctx}\nremoved line `{}` is in an item naming none of {names:?}",
            old_lines[l]
        );
    }
    let new_lines: Vec<&str> = out.lines().collect();
    for l in added {
        if new_lines[l].trim().is_empty() {
            continue;
        }
        let owner = new_owners[l].unwrap_or_else(|| panic!("{ctx}\nadded line `{}` belongs to no item", new_lines[l]));
        let was = match &again.document().items[owner].kind {
            Item::Decl(d) => old_by_name
                .get(&format!(
                    "{:?}{}",
                    d.kind(),
                    d.name().map_or(String::new(), |n| n.key())
                ))
                .map(|&k| old_texts[k].as_str()),
            _ => None,
        };
        assert!(
            names_any(&new_texts[owner]) || was.is_some_and(names_any),
            "{ctx}\nadded line `{}` is in an item naming none of {names:?}",
            new_lines[l]
        );
    }
    // comments: those of the original not in the result belonged to nodes the edit removed
    let lost_from_text = {
        let mut orig = counts(comments(before.document()));
        for (c, n) in counts(comments(again.document())) {
            if let Some(m) = orig.get_mut(&c) {
                *m = m.saturating_sub(n);
            }
        }
        orig
    };
    let removed_by_edit = counts(comments(before.document()));
    let kept_by_edit = counts(comments(after.document()));
    for (c, n) in lost_from_text {
        let dropped = removed_by_edit[&c].saturating_sub(kept_by_edit.get(&c).copied().unwrap_or(0));
        assert!(n <= dropped, "{ctx}\nthe comment `{c}` was lost");
    }
    true
}

/// Statements of every kind about a policy's own names, each with the names it is about.
fn statements(p: &Policy) -> Vec<(String, Vec<String>)> {
    let m = p.model();
    let mut out: Vec<(String, Vec<String>)> = vec![];
    let mut add = |s: String, names: &[&str]| out.push((s, names.iter().map(|n| n.to_string()).collect()));
    let product = m.products.first().map(|x| x.name.as_str());
    let last_product = m.products.last().map(|x| x.name.as_str());
    let country = m.countries.first().map(|c| c.name.as_str());
    add("product Brand-New-Product".into(), &["Brand-New-Product"]);
    add(
        "set domain brand-new.example auto-approve  register zed@brand-new.example country XX".into(),
        &["brand-new.example", "zed@brand-new.example"],
    );
    if let Some(x) = product {
        add(format!("remove product {x}"), &[x]);
        add(format!("set global {x} on"), &[x, "global"]);
        add(format!("set global {x} off"), &[x]);
    }
    for c in m.countries.iter().take(2) {
        let c = c.name.as_str();
        add(format!("set default {c} deny"), &[c]);
        add(format!("set default {c} allow"), &[c]);
        add(format!("set revenue {c} 1_234"), &[c]);
        add(format!("set revenue {c} none"), &[c]);
        // its groups go with it, and so do their memberships
        let mut gone = vec![c];
        gone.extend(
            m.groups
                .iter()
                .filter(|g| m.country(g.country).name == c)
                .map(|g| g.name.as_str()),
        );
        add(format!("remove country {c}"), &gone);
        add(format!("country {c} {{ default deny }}"), &[c]);
        if let Some(x) = last_product {
            add(format!("set access {c} {x} deny"), &[c, x]);
            add(format!("set access {c} {x} inherit"), &[c, x]);
            add(format!("set entitled {c} {x} off"), &[c, x]);
            add(format!("set entitled {c} {x} on"), &[c, x]);
        }
    }
    for g in m.groups.iter().take(3) {
        let g = g.name.as_str();
        add(format!("convert {g}"), &[g]);
        add(format!("clear-exceptions {g}"), &[g]);
        add(format!("set include-country {g} on"), &[g]);
        add(format!("set include-country {g} off"), &[g]);
        add(format!("remove group {g}"), &[g]);
        if let Some(x) = last_product {
            add(format!("set allowed {g} {x} on"), &[g, x]);
            add(format!("set allowed {g} {x} off"), &[g, x]);
            add(format!("set group-exception {g} {x} deny"), &[g, x]);
            add(format!("set group-exception {g} {x} inherit"), &[g, x]);
        }
        if let Some(u) = m.users.last() {
            let u = u.email.as_str();
            add(format!("set member {g} {u} on"), &[g, u]);
            add(format!("set member {g} {u} off"), &[g, u]);
        }
        if let Some(k) = m.keys.first() {
            let k = k.name.as_str();
            add(format!("set member {g} {k} on"), &[g, k]);
            add(format!("set member {g} {k} off"), &[g, k]);
        }
    }
    for u in m.users.iter().take(3) {
        let u = u.email.as_str();
        add(format!("set status {u} locked"), &[u]);
        add(format!("remove user {u}"), &[u]);
        if let Some(c) = country {
            add(format!("set entitlement-country {u} {c}"), &[u, c]);
            add(format!("user {u} {{ country {c} }}"), &[u, c]);
        }
        add(format!("set entitlement-country {u} inherit"), &[u]);
        if let Some(x) = product {
            add(format!("set exception {u} {x} allow"), &[u, x]);
            add(format!("set exception {u} {x} inherit"), &[u, x]);
        }
    }
    for k in m.keys.iter().take(2) {
        let k = k.name.as_str();
        add(format!("remove key {k}"), &[k]);
        add(format!("set key-country {k} inherit"), &[k]);
        if let Some(c) = country {
            add(format!("set key-country {k} {c}"), &[k, c]);
        }
    }
    out
}

#[test]
fn every_kind_of_edit_on_every_scenario_touches_only_its_lines() {
    let mut applied: HashMap<String, usize> = HashMap::new();
    for (file, text) in scenarios() {
        let p = Policy::parse(&file, &text).unwrap();
        for (stmt, names) in statements(&p) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            if check_edit(&file, &text, &stmt, &names) {
                let kind = stmt.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                *applied.entry(kind).or_default() += 1;
            }
        }
    }
    // every kind of statement was really exercised
    for kind in [
        "product Brand-New-Product",
        "set domain",
        "remove product",
        "set global",
        "set default",
        "set revenue",
        "remove country",
        "set access",
        "set entitled",
        "convert",
        "clear-exceptions",
        "set include-country",
        "remove group",
        "set allowed",
        "set group-exception",
        "set member",
        "set status",
        "remove user",
        "set entitlement-country",
        "set exception",
        "remove key",
        "set key-country",
    ] {
        let n = applied
            .iter()
            .filter(|(k, _)| k.starts_with(kind))
            .map(|(_, n)| n)
            .sum::<usize>();
        assert!(n >= 3, "`{kind}` applied {n} times: {applied:?}");
    }
    let decls = applied
        .iter()
        .filter(|(k, _)| k.starts_with("user ") || k.starts_with("country "))
        .count();
    assert!(decls >= 5, "declarations replacing one: {applied:?}");
}

#[test]
fn an_unedited_scenario_is_written_back_byte_for_byte() {
    for (file, text) in scenarios() {
        let p = Policy::parse(&file, &text).unwrap();
        assert_eq!(rewrite(&text, p.file(), p.document(), p.document()), text, "{file}");
    }
}

#[test]
fn a_run_of_edits_is_written_back_in_one_go() {
    let (file, text) = scenarios()
        .into_iter()
        .find(|(f, _)| f.ends_with("user-exceptions.ent"))
        .unwrap();
    let before = Policy::parse(&file, &text).unwrap();
    let mut after = before.clone();
    after
        .apply(
            "<what-if>",
            "set status ravi@summit-structural.com locked  set exception lena@summit-structural.com RAM inherit  \
             set allowed Steel LumenRT on  remove user nora@summit-structural.com",
        )
        .unwrap();
    let out = rewrite(&text, before.file(), before.document(), after.document());
    let (removed, added) = entitle::testing::line_diff(&text, &out);
    let old: Vec<&str> = text.lines().collect();
    let new: Vec<&str> = out.lines().collect();
    let removed: Vec<&str> = removed.into_iter().map(|l| old[l]).collect();
    let added: Vec<&str> = added.into_iter().map(|l| new[l]).collect();
    assert_eq!(
        removed,
        [
            "group Steel in US { allowed STAAD, RAM }",
            "user nora@summit-structural.com {",
            "  country US",
            "  groups Steel, Concrete, OldViz",
            "  deny STAAD",
            "  allow LumenRT",
            "}",
            "user ravi@summit-structural.com { country US  groups Steel  allow ProStructures }",
            "user lena@summit-structural.com { country US  allow LumenRT  deny RAM }",
        ]
    );
    assert_eq!(
        added,
        [
            "group Steel in US { allowed STAAD, RAM, LumenRT }",
            "user ravi@summit-structural.com { country US  groups Steel  allow ProStructures  status locked }",
            "user lena@summit-structural.com { country US  allow LumenRT }",
        ]
    );
}

#[cfg(feature = "cli")]
#[test]
fn import_users_write_changes_only_the_lines_of_the_users_it_adds_or_updates() {
    let (_, text) = scenarios()
        .into_iter()
        .find(|(f, _)| f.ends_with("user-exceptions.ent"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.ent");
    std::fs::write(&policy, &text).unwrap();
    let sheet = dir.path().join("u.csv");
    std::fs::write(
        &sheet,
        "Email,First Name,Last Name,Country,Groups,Status\n\
         ravi@summit-structural.com,Ravi,Shah,US,Concrete,\n\
         lena@summit-structural.com,,,,,\n\
         omar@summit-structural.com,Omar,,US,Steel,invited\n\
         pia@summit-structural.com,,,US,,\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args([
            "import-users",
            policy.to_str().unwrap(),
            sheet.to_str().unwrap(),
            "--write",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_to_string(&policy).unwrap();
    let (removed, added) = entitle::testing::line_diff(&text, &written);
    let old: Vec<&str> = text.lines().collect();
    let new: Vec<&str> = written.lines().collect();
    let removed: Vec<&str> = removed.into_iter().map(|l| old[l]).collect();
    let added: Vec<&str> = added.into_iter().map(|l| new[l]).collect();
    assert_eq!(
        removed,
        ["user ravi@summit-structural.com { country US  groups Steel  allow ProStructures }"]
    );
    assert_eq!(
        added,
        [
            "user ravi@summit-structural.com \"Ravi Shah\" { country US  groups Concrete  allow ProStructures }",
            "user omar@summit-structural.com \"Omar\" {",
            "  country US",
            "  groups Steel",
            "  status invited",
            "}",
            "user pia@summit-structural.com {",
            "  country US",
            "}",
            "",
        ],
        "{written}"
    );
    // and the policy means what the merge made of it
    let before = Policy::parse("p.ent", &text).unwrap();
    let merged = entitle::interop::users::import_users(
        before.document(),
        before.model(),
        &std::fs::read_to_string(&sheet).unwrap(),
    )
    .unwrap();
    let again = Policy::parse("w.ent", &written).unwrap();
    assert_eq!(printed(again.document()), printed(&merged.document));
}

/// A generated policy (with comments, `;`, one-line blocks and blank lines), a run of random
/// statements applied one by one (those that apply), and the result written back at once.
fn round_trip(choices: &[u32], more: &[u32]) -> usize {
    let options = policy_gen::Options {
        mistakes: 0,
        noise: true,
        tests: true,
    };
    let (text, names) = policy_gen::policy(&mut policy_gen::Cursor::new(choices), options);
    let Ok(before) = Policy::parse("random.ent", &text) else {
        return 0;
    };
    assert_eq!(
        rewrite(&text, before.file(), before.document(), before.document()),
        text
    );
    let mut after = before.clone();
    let mut applied = 0;
    for (i, stmt) in policy_gen::statements(&mut policy_gen::Cursor::new(more), options, &names, 8)
        .iter()
        .enumerate()
    {
        if after.apply(&format!("<what-if {i}>"), stmt).is_ok() {
            applied += 1;
        }
    }
    let out = rewrite(&text, before.file(), before.document(), after.document());
    let (_, again) = load(&out);
    assert_eq!(
        printed(again.document()),
        printed(after.document()),
        "{text}\n---\n{out}"
    );
    assert_eq!(policy_gen::decisions(&again), policy_gen::decisions(&after));
    applied
}

#[test]
fn generated_edits_mostly_apply() {
    // guards the property below: it must not mostly write back unedited policies
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        proptest::collection::vec(any::<u32>(), 0..600),
        proptest::collection::vec(any::<u32>(), 0..200),
    );
    let mut applied = 0;
    for _ in 0..100 {
        let (c, m) = proptest::strategy::ValueTree::current(&strategy.new_tree(&mut runner).unwrap());
        applied += round_trip(&c, &m);
    }
    assert!(applied >= 150, "only {applied} statements applied");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rewriting_an_edited_generated_policy_gives_the_edited_document(
        c in proptest::collection::vec(any::<u32>(), 0..600),
        m in proptest::collection::vec(any::<u32>(), 0..200),
    ) {
        round_trip(&c, &m);
    }
}
