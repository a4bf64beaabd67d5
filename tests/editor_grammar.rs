//! The VS Code extension's TextMate grammar (`editors/vscode/syntaxes/entitle.tmLanguage.json`)
//! against the language's one keyword table (`src/keywords.rs`): the grammar is valid JSON
//! with the expected shape, every reserved keyword is highlighted as one, and every rule name
//! after `by`. (Tokenising real files is `scripts/editor-check.sh`, which needs npm.)

use serde_json::Value;
use std::collections::BTreeSet;

const GRAMMAR: &str = include_str!("../editors/vscode/syntaxes/entitle.tmLanguage.json");
const PACKAGE: &str = include_str!("../editors/vscode/package.json");

fn grammar() -> Value {
    serde_json::from_str(GRAMMAR).expect("the grammar is valid JSON")
}

/// Every `(name, match)` pair of the grammar's rules, captures' names excluded.
fn rules(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(name)), Some(Value::String(re))) = (m.get("name"), m.get("match")) {
                out.push((name.clone(), re.clone()));
            }
            for x in m.values() {
                rules(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| rules(x, out)),
        _ => {}
    }
}

/// The words of a `(?:a|b|c)` or `(a|b|c)` group of plain words in a regex, for each such
/// group.
fn word_groups(re: &str) -> Vec<Vec<String>> {
    let mut groups = vec![];
    let mut rest = re;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let body = after.strip_prefix("?:").unwrap_or(after);
        if let Some(close) = body.find(')') {
            let inner = &body[..close];
            let words: Vec<String> = inner.split('|').map(str::to_string).collect();
            if words
                .iter()
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            {
                groups.push(words);
            }
        }
        rest = after;
    }
    groups
}

/// The words the grammar highlights under scopes starting with one of `prefixes`, from plain
/// rules and from the keyword captures of combined rules.
fn words_under(prefixes: &[&str]) -> BTreeSet<String> {
    let g = grammar();
    let mut all = vec![];
    rules(&g, &mut all);
    let mut words = BTreeSet::new();
    for (name, re) in &all {
        if prefixes.iter().any(|p| name.starts_with(p)) {
            words.extend(word_groups(re).into_iter().flatten());
        }
    }
    // combined rules (a keyword and what follows it): their captures name the keyword group
    for (_, rule) in g["repository"].as_object().unwrap() {
        let (Some(re), Some(caps)) = (rule["match"].as_str(), rule["captures"].as_object()) else {
            continue;
        };
        let groups = word_groups(re);
        for (i, cap) in caps {
            let i: usize = i.parse().unwrap();
            let name = cap["name"].as_str().unwrap_or("");
            if i >= 1 && prefixes.iter().any(|p| name.starts_with(p)) && i <= groups.len() {
                // the i-th capturing group is the i-th word group here (no other groups)
                words.extend(groups[i - 1].iter().cloned());
            }
        }
    }
    words
}

#[test]
fn the_grammar_is_valid_json_for_source_entitle() {
    let g = grammar();
    assert_eq!(g["scopeName"], "source.entitle");
    let repo = g["repository"].as_object().expect("a repository");
    let included: Vec<&str> = g["patterns"]
        .as_array()
        .expect("top-level patterns")
        .iter()
        .map(|p| p["include"].as_str().expect("an include").trim_start_matches('#'))
        .collect();
    for name in &included {
        assert!(repo.contains_key(*name), "#{name} is included but not defined");
    }
    for name in repo.keys() {
        assert!(included.contains(&name.as_str()), "#{name} is defined but never used");
    }
    // the package points at this grammar, for the language of *.ent files
    let p: Value = serde_json::from_str(PACKAGE).expect("package.json is valid JSON");
    let grammars = &p["contributes"]["grammars"][0];
    assert_eq!(grammars["scopeName"], "source.entitle");
    assert_eq!(grammars["path"], "./syntaxes/entitle.tmLanguage.json");
    assert_eq!(p["contributes"]["languages"][0]["extensions"][0], ".ent");
}

#[test]
fn every_keyword_is_highlighted_as_a_keyword() {
    let words = words_under(&["keyword.", "constant.language."]);
    let missing: Vec<_> = entitle::keywords::RESERVED
        .iter()
        .filter(|k| !words.contains(**k))
        .collect();
    assert!(
        missing.is_empty(),
        "keywords the grammar does not highlight: {missing:?}"
    );
    // and nothing is highlighted as a keyword that the language does not have
    let known = |w: &str| entitle::keywords::is_fixed_word(w);
    let unknown: Vec<_> = words.iter().filter(|w| !known(w)).collect();
    assert!(
        unknown.is_empty(),
        "highlighted as keywords, unknown to src/keywords.rs: {unknown:?}"
    );
}

#[test]
fn every_rule_name_is_highlighted_after_by() {
    let words = words_under(&["support.constant.rule."]);
    for rule in entitle::model::Rule::ALL {
        assert!(words.contains(rule.as_str()), "rule {rule} is not in the grammar");
    }
}

#[test]
fn the_word_groups_are_read_right() {
    // the reader this test relies on: plain word alternatives only, in order
    let g = word_groups("(?<![a-z])(?:in|by)(?![x])\\s+(group-allowed|status)([A-Z]+)");
    assert_eq!(g, vec![vec!["in", "by"], vec!["group-allowed", "status"]]);
}
