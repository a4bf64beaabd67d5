//! Completion by context: the keywords valid at the cursor (from the one keyword table,
//! [`crate::keywords`]) and names of the right kind: products after `allowed`, groups after
//! `groups`, principals after `expect`, rule names after `by`, countries after `in`.

use crate::analysis::Analysis;
use crate::keywords;
use crate::model::{Model, Role, Rule, Status};
use lsp_types as lt;

/// What may come at the cursor.
#[derive(Debug, PartialEq, Eq)]
pub enum Want {
    Keywords(Vec<&'static str>),
    Products,
    Groups,
    Principals,
    Countries,
    Rules,
    Words(Vec<&'static str>),
    Nothing,
}

/// The words of the statement before the cursor, the partial word at it, and the keyword of
/// the enclosing block.
fn context(before: &str) -> (Vec<&str>, &str, Option<&str>, bool) {
    let mut depth = 0i64;
    let mut segment = 0;
    let mut block: Option<&str> = None;
    for (i, b) in crate::syntax::scan::code_bytes(before) {
        match b {
            b'{' => {
                if depth == 0 {
                    block = before[segment..i].split_whitespace().next();
                }
                depth += 1;
                segment = i + 1;
            }
            b'}' => {
                depth -= 1;
                if depth <= 0 {
                    depth = 0;
                    block = None;
                }
                segment = i + 1;
            }
            b';' | b'\n' => segment = i + 1,
            _ => {}
        }
    }
    let statement = &before[segment.min(before.len())..];
    // in a comment or a string: nothing to complete
    let quiet = statement.contains('#') || statement.matches('"').count() % 2 == 1;
    let mut words: Vec<&str> = statement.split_whitespace().collect();
    let partial = if statement.ends_with(|c: char| c.is_whitespace() || c == ',') || statement.is_empty() {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    (words, partial, block, quiet)
}

/// What is wanted after `before` (the document's text up to the cursor).
pub fn want(before: &str) -> (Want, usize) {
    let (words, partial, block, quiet) = context(before);
    let partial_len = partial.rsplit(',').next().unwrap_or("").len();
    if quiet {
        return (Want::Nothing, 0);
    }
    let n = words.len();
    let w = match words.first().copied() {
        None => match block {
            None => Want::Keywords(keywords::FILE_ITEMS.to_vec()),
            Some(b) => Want::Keywords(keywords::block_statements(b).map_or(vec![], <[_]>::to_vec)),
        },
        Some("allowed" | "entitled" | "global" | "alerts") => Want::Products,
        Some("exception") if n == 1 => Want::Words(vec!["allow", "deny"]),
        Some("exception" | "allow" | "deny") => Want::Products,
        Some("groups") => Want::Groups,
        Some("roles") => Want::Words(Role::ALL.iter().map(|r| r.as_str()).collect()),
        Some("status") => Want::Words(Status::ALL.iter().map(|s| s.as_str()).collect()),
        Some("default") => Want::Words(vec!["allow", "deny"]),
        Some("country") if block == Some("user") => Want::Countries,
        Some("entitlement-country") => Want::Countries,
        Some("group" | "key") if block.is_none() && n == 2 => Want::Words(vec!["in"]),
        Some("group" | "key") if block.is_none() && n == 3 && words[2] == "in" => Want::Countries,
        Some("expect") => match n {
            1 => Want::Principals,
            2 => Want::Products,
            3 => Want::Words(vec!["allow", "deny"]),
            4 => Want::Words(vec!["by"]),
            5 if words[4] == "by" => Want::Rules,
            6 if Rule::parse(words[5]).is_some_and(Rule::is_group_rule) => Want::Groups,
            _ => Want::Nothing,
        },
        Some("remove") if n == 1 => Want::Words(keywords::ENTITY_KINDS.to_vec()),
        Some("remove") if n == 2 => match words[1] {
            "user" | "key" => Want::Principals,
            "group" => Want::Groups,
            "product" => Want::Products,
            "country" => Want::Countries,
            _ => Want::Nothing,
        },
        Some("convert" | "clear-exceptions") if n == 1 => Want::Groups,
        Some("set") if n == 1 => Want::Words(keywords::SET_FORMS.iter().map(|(w, _)| *w).collect()),
        _ => Want::Nothing,
    };
    (w, partial_len)
}

fn names(m: &Model, w: &Want) -> Vec<(String, lt::CompletionItemKind, Option<String>)> {
    use lt::CompletionItemKind as K;
    let name = |s: &str| crate::fmt::format_name(s);
    match w {
        Want::Keywords(k) => k.iter().map(|s| (s.to_string(), K::KEYWORD, None)).collect(),
        Want::Words(k) => k.iter().map(|s| (s.to_string(), K::KEYWORD, None)).collect(),
        Want::Rules => Rule::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), K::ENUM_MEMBER, Some("rule".into())))
            .collect(),
        Want::Products => m
            .products
            .iter()
            .map(|p| {
                (
                    name(&p.name),
                    K::CONSTANT,
                    Some(p.display.clone().unwrap_or_else(|| "product".into())),
                )
            })
            .collect(),
        Want::Groups => m
            .groups
            .iter()
            .map(|g| {
                (
                    name(&g.name),
                    K::CLASS,
                    Some(format!("group in {}", m.country(g.country).name)),
                )
            })
            .collect(),
        Want::Countries => m
            .countries
            .iter()
            .map(|c| (name(&c.name), K::MODULE, Some("country".into())))
            .collect(),
        Want::Principals => m
            .users
            .iter()
            .map(|u| {
                (
                    super::nav::written(crate::analysis::NameKind::User, &u.email),
                    K::VARIABLE,
                    Some("user".into()),
                )
            })
            .chain(
                m.keys
                    .iter()
                    .map(|k| (name(&k.name), K::FIELD, Some("activation key".into()))),
            )
            .collect(),
        Want::Nothing => vec![],
    }
}

/// The completion items at byte `offset` of `text` (names from the analysis `a`).
pub fn complete(a: &Analysis, lines: &super::analysis::Lines, text: &str, offset: usize) -> Vec<lt::CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (w, partial) = want(&text[..offset]);
    let range = lt::Range {
        start: lines.position(offset - partial),
        end: lines.position(offset),
    };
    names(&a.model, &w)
        .into_iter()
        .map(|(label, kind, detail)| lt::CompletionItem {
            text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit {
                range,
                new_text: label.clone(),
            })),
            filter_text: Some(label.clone()),
            label,
            kind: Some(kind),
            detail,
            ..Default::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        assert_eq!(want("").0, Want::Keywords(keywords::FILE_ITEMS.to_vec()));
        assert_eq!(
            want("group G in US {\n  ").0,
            Want::Keywords(keywords::block_statements("group").unwrap().to_vec())
        );
        assert_eq!(want("group G in US { allowed A, ").0, Want::Products);
        assert_eq!(want("user a@b { groups Vi").0, Want::Groups);
        assert_eq!(want("user a@b { groups Vi"), (Want::Groups, 2));
        assert_eq!(want("expect ").0, Want::Principals);
        assert_eq!(want("expect a@b.c P allow by ").0, Want::Rules);
        assert_eq!(want("expect a@b.c P allow by group-allowed ").0, Want::Groups);
        assert_eq!(want("group G ").0, Want::Words(vec!["in"]));
        assert_eq!(want("# allowed ").0, Want::Nothing);
    }
}
