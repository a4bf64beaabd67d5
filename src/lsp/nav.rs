//! Navigation: go to definition, find references (expect lines and scenarios included),
//! rename across the file (the new name checked first), and the outline by kind.

use super::analysis::Doc;
use crate::analysis::{Analysis, NameKind, Occurrence, Place};
use crate::syntax::{Decl, Item};
use lsp_types as lt;
use std::collections::HashMap;

fn location(doc: &Doc, o: &Occurrence) -> lt::Location {
    lt::Location {
        uri: doc.uri.clone(),
        range: doc.lines.range(o.span),
    }
}

/// The declaration of the name at `offset`.
pub fn definition(doc: &Doc, a: &Analysis, offset: usize) -> Option<lt::Location> {
    let o = a.name_at(offset)?;
    Some(location(doc, a.definition(o.kind, &o.target)?))
}

/// Every place the entity at `offset` is named (its declaration when asked for).
pub fn references(doc: &Doc, a: &Analysis, offset: usize, declaration: bool) -> Vec<lt::Location> {
    let Some(o) = a.name_at(offset) else { return vec![] };
    a.occurrences(o.kind, &o.target)
        .filter(|r| declaration || !r.declares || r.place != Place::Policy)
        .map(|r| location(doc, r))
        .collect()
}

/// The name at `offset` if it can be renamed: its range.
pub fn prepare_rename(doc: &Doc, a: &Analysis, offset: usize) -> Result<lt::Range, String> {
    let o = a.name_at(offset).ok_or("no name here")?;
    renamable(a, o)?;
    Ok(doc.lines.range(o.span))
}

fn renamable(a: &Analysis, o: &Occurrence) -> Result<(), String> {
    if o.kind == NameKind::Rule {
        return Err("a rule name is a fixed word of the language".into());
    }
    if o.display {
        return Err("this is a display name: rename it in the declaration".into());
    }
    if a.definition(o.kind, &o.target).is_none() {
        return Err(format!("no {} `{}` is declared", o.kind.as_str(), o.target));
    }
    Ok(())
}

/// A new name as it is written: an email bare when it can be, a scenario name quoted, any
/// other name bare when it is an identifier that is not a keyword.
pub(crate) fn written(kind: NameKind, name: &str) -> String {
    let email_ok = |c: char| !(c.is_whitespace() || matches!(c, ',' | '{' | '}' | ';' | '#' | '"' | '@'));
    match kind {
        NameKind::User => match name.split_once('@') {
            Some((l, d)) if !l.is_empty() && !d.is_empty() && l.chars().all(email_ok) && d.chars().all(email_ok) => {
                name.to_string()
            }
            _ => crate::fmt::quote(name),
        },
        NameKind::Scenario => crate::fmt::quote(name),
        _ => crate::fmt::format_name(name),
    }
}

/// The edits renaming the entity at `offset` to `new`, or why it cannot be.
pub fn rename(doc: &Doc, a: &Analysis, offset: usize, new: &str) -> Result<lt::WorkspaceEdit, String> {
    let o = a.name_at(offset).ok_or("no name here")?;
    renamable(a, o)?;
    let new = new.trim();
    if new.is_empty() || new.contains(['\n', '\r']) {
        return Err("a name is not empty and stays on one line".into());
    }
    if o.kind == NameKind::User && !new.contains('@') {
        return Err(format!("`{new}` is not an email: a user is named by an email"));
    }
    let lower = new.to_lowercase();
    let m = &a.model;
    let taken = match o.kind {
        NameKind::User | NameKind::Key => m.find_principal(new).is_some(),
        NameKind::Group => m.find_group(new).is_some(),
        NameKind::Product => m.find_product(new).is_some(),
        NameKind::Country => m.find_country(new).is_some(),
        NameKind::Scenario => a.occurrences(NameKind::Scenario, &lower).next().is_some(),
        NameKind::Rule => true,
    };
    if taken && lower != o.target {
        return Err(format!("a {} named `{new}` already exists", o.kind.as_str()));
    }
    let text = written(o.kind, new);
    let edits: Vec<lt::TextEdit> = a
        .occurrences(o.kind, &o.target)
        .filter(|r| !r.display)
        .map(|r| lt::TextEdit {
            range: doc.lines.range(r.span),
            new_text: text.clone(),
        })
        .collect();
    // (lsp-types' `Uri` hashes by its text: the clippy lint's interior mutability is a cache)
    #[allow(clippy::mutable_key_type)]
    let mut changes = HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    Ok(lt::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// The outline: one section per kind (products, countries, groups, users, keys, scenarios),
/// each holding its declarations in file order.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be set, though the protocol deprecated it
pub fn symbols(doc: &Doc, a: &Analysis) -> Vec<lt::DocumentSymbol> {
    use lt::SymbolKind as S;
    let sections: [(&str, S); 7] = [
        ("account", S::NAMESPACE),
        ("products", S::CONSTANT),
        ("countries", S::MODULE),
        ("groups", S::CLASS),
        ("users", S::OBJECT),
        ("keys", S::KEY),
        ("scenarios", S::EVENT),
    ];
    let mut children: Vec<Vec<lt::DocumentSymbol>> = vec![vec![]; sections.len()];
    for item in &a.document.items {
        let (i, name, detail) = match &item.kind {
            Item::Decl(d) => match d {
                Decl::Account(x) => (0, x.name.as_ref().map_or("account".into(), |n| n.text.clone()), None),
                Decl::Product(x) => (1, x.name.text.clone(), x.display.as_ref().map(|n| n.text.clone())),
                Decl::Country(x) => (2, x.name.text.clone(), x.display.as_ref().map(|n| n.text.clone())),
                Decl::Group(x) => (3, x.name.text.clone(), Some(format!("in {}", x.country.text))),
                Decl::User(x) => (4, x.email.text.clone(), x.display.as_ref().map(|n| n.text.clone())),
                Decl::Key(x) => (5, x.name.text.clone(), None),
            },
            Item::Scenario(s) => (6, s.name.text.clone(), None),
            _ => continue,
        };
        let range = doc.lines.range(item.span);
        let selection = match &item.kind {
            Item::Decl(d) => d.name().map_or(range, |n| doc.lines.range(n.span)),
            Item::Scenario(s) => doc.lines.range(s.name.span),
            _ => range,
        };
        children[i].push(lt::DocumentSymbol {
            name: if name.is_empty() { "\"\"".into() } else { name },
            detail,
            kind: sections[i].1,
            tags: None,
            deprecated: None,
            range,
            selection_range: selection,
            children: None,
        });
    }
    sections
        .iter()
        .zip(children)
        .filter(|(_, c)| !c.is_empty())
        .map(|((name, kind), c)| {
            let range = lt::Range {
                start: c[0].range.start,
                end: c[c.len() - 1].range.end,
            };
            lt::DocumentSymbol {
                name: format!("{name} ({})", c.len()),
                detail: None,
                kind: *kind,
                tags: None,
                deprecated: None,
                range,
                selection_range: lt::Range {
                    start: range.start,
                    end: range.start,
                },
                children: Some(c),
            }
        })
        .collect()
}
