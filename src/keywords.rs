//! The one table of the language's fixed words (LANGUAGE.md §1 and §8).
//!
//! The grammar (`grammar/entitle.pest`) spells the same words; a test checks that every word
//! the grammar reserves is in [`RESERVED`] and the other way round, and another that each
//! block's statement list ([`BLOCKS`]) is what the grammar accepts there. Parser recovery, the
//! syntax errors' "expected" lists and did-you-mean, the "is a keyword" and "write it in
//! lowercase" hints, `fmt`'s quoting of names and the REPL's completion all read these lists.

/// Keywords reserved exactly as written: a bare name spelled so must be quoted.
pub const RESERVED: &[&str] = &[
    "account",
    "domain",
    "auto-approve",
    "alerts",
    "product",
    "country",
    "covers",
    "entitled",
    "default",
    "allow",
    "deny",
    "group",
    "in",
    "allowed",
    "include-country",
    "exception",
    "user",
    "groups",
    "roles",
    "status",
    "key",
    "expect",
    "by",
    "scenario",
    "convert",
    "clear-exceptions",
    "set",
    "access",
    "inherit",
    "remove",
    "register",
    "global",
    "revenue",
    "entitlement-country",
];

/// Words that start a top-level item (a declaration, an expectation, a scenario or a
/// what-if statement). Parser recovery resumes at a line starting with one of them.
pub const TOP_LEVEL: &[&str] = &[
    "account",
    "product",
    "country",
    "group",
    "user",
    "key",
    "expect",
    "scenario",
    "remove",
    "convert",
    "clear-exceptions",
    "set",
    "register",
];

/// Words that start a what-if statement or a declaration (what the REPL accepts as an edit).
pub const STATEMENT_START: &[&str] = &[
    "remove",
    "convert",
    "clear-exceptions",
    "set",
    "register",
    "account",
    "product",
    "country",
    "group",
    "user",
    "key",
];

/// Words that start a declaration, in the order LANGUAGE.md §1 describes them.
pub const DECLARATIONS: &[&str] = &["account", "product", "country", "group", "user", "key"];

/// Words that start a what-if statement (LANGUAGE.md §5).
pub const WHATIFS: &[&str] = &["remove", "convert", "clear-exceptions", "set", "register"];

/// What may start an item at the top level of a policy file: a declaration, an expectation or
/// a scenario. (A what-if statement parses there, but is an error: it belongs in a scenario.)
pub const FILE_ITEMS: &[&str] = &[
    "account", "product", "country", "group", "user", "key", "expect", "scenario",
];

/// What may start an item of a run of statements (REPL input, `simulate --what-if`): the
/// items of a file and the what-if statements.
pub const STATEMENT_ITEMS: &[&str] = &[
    "account",
    "product",
    "country",
    "group",
    "user",
    "key",
    "remove",
    "convert",
    "clear-exceptions",
    "set",
    "register",
    "expect",
    "scenario",
];

/// The statements each kind of block holds, by the word that opens its declaration, in the
/// order LANGUAGE.md describes them. Syntax errors list them ("expected `allowed`,
/// `include-country`, `exception` or `}`") and suggest the closest one; a test checks every
/// list against the grammar.
pub const BLOCKS: &[(&str, &[&str])] = &[
    ("account", &["domain", "alerts", "global"]),
    (
        "country",
        &["revenue", "covers", "entitled", "default", "allow", "deny"],
    ),
    ("group", &["allowed", "include-country", "exception"]),
    (
        "user",
        &[
            "country",
            "entitlement-country",
            "groups",
            "roles",
            "status",
            "allow",
            "deny",
        ],
    ),
    ("key", &["groups"]),
    (
        "scenario",
        &[
            "account",
            "product",
            "country",
            "group",
            "user",
            "key",
            "remove",
            "convert",
            "clear-exceptions",
            "set",
            "register",
            "expect",
        ],
    ),
];

/// The statements of the block opened by a `kind` declaration (`group`, `user`, …).
pub fn block_statements(kind: &str) -> Option<&'static [&'static str]> {
    BLOCKS.iter().find(|(k, _)| *k == kind).map(|(_, s)| *s)
}

/// The second word of a `set` statement, with the shape of its arguments.
pub const SET_FORMS: &[(&str, &str)] = &[
    ("default", "COUNTRY allow|deny"),
    ("access", "COUNTRY PRODUCT allow|deny|inherit"),
    ("status", "USER pending|invited|registered|active|locked"),
    ("entitlement-country", "USER COUNTRY|inherit"),
    ("exception", "USER PRODUCT allow|deny|inherit"),
    ("group-exception", "GROUP PRODUCT allow|deny|inherit"),
    ("member", "GROUP PRINCIPAL on|off"),
    ("allowed", "GROUP PRODUCT on|off"),
    ("include-country", "GROUP on|off"),
    ("entitled", "COUNTRY PRODUCT on|off"),
    ("revenue", "COUNTRY NUMBER|none"),
    ("global", "PRODUCT on|off"),
    ("domain", "DOMAIN on|off|auto-approve"),
    ("key-country", "KEY COUNTRY|inherit"),
];

/// The kinds `remove` takes.
pub const ENTITY_KINDS: &[&str] = &["user", "key", "group", "product", "country"];

/// Values with a fixed spelling (not reserved as names).
pub const VALUES: &[&str] = &["on", "off", "none", "inherit", "allow", "deny", "auto-approve"];

/// Every fixed word of the language that is written in lowercase only: keywords, the words
/// after `set`, values, statuses, roles, capabilities and rule names. Another spelling of one
/// of them is an error that suggests the lowercase word (§8).
pub fn is_fixed_word(word: &str) -> bool {
    RESERVED.contains(&word)
        || SET_FORMS.iter().any(|(w, _)| *w == word)
        || VALUES.contains(&word)
        || crate::model::Status::parse(word).is_some()
        || crate::model::Role::parse(word).is_some()
        || crate::capability::Capability::parse(word).is_some()
        || crate::model::Rule::parse(word).is_some()
}

/// The lowercase fixed word a differently-cased `word` stands for, if any.
pub fn lowercase_hint(word: &str) -> Option<String> {
    // (no copy for a word that is already lowercase: most are, and a syntax error asks)
    let lower = crate::model::NameKey::of(word);
    (*lower != *word && is_fixed_word(&lower)).then(|| lower.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword the grammar reserves is in [`RESERVED`], and the other way round.
    #[test]
    fn reserved_words_match_the_grammar() {
        let grammar = include_str!("../grammar/entitle.pest");
        let start = grammar.find("keyword = @{").expect("keyword rule");
        let end = start + grammar[start..].find("\n}").expect("end of keyword rule");
        let mut in_grammar: Vec<&str> = grammar[start..end].split('"').skip(1).step_by(2).collect();
        in_grammar.sort_unstable();
        let mut ours = RESERVED.to_vec();
        ours.sort_unstable();
        assert_eq!(in_grammar, ours);
    }

    /// Every `set` word has a grammar rule.
    #[test]
    fn set_words_are_in_the_grammar() {
        let grammar = include_str!("../grammar/entitle.pest");
        for (w, _) in SET_FORMS {
            assert!(grammar.contains(&format!("\"{w}\"")), "{w} missing from the grammar");
        }
    }

    /// The item lists are the declarations, what-if words and item keywords, in one order.
    #[test]
    fn item_lists_agree() {
        let scenario = block_statements("scenario").unwrap();
        let mut expected: Vec<&str> = DECLARATIONS.iter().chain(WHATIFS).copied().collect();
        expected.push("expect");
        assert_eq!(scenario, expected);
        expected.push("scenario");
        assert_eq!(STATEMENT_ITEMS, expected);
        let file: Vec<&str> = STATEMENT_ITEMS
            .iter()
            .filter(|w| !WHATIFS.contains(w))
            .copied()
            .collect();
        assert_eq!(FILE_ITEMS, file);
        let mut top = TOP_LEVEL.to_vec();
        top.sort_unstable();
        let mut items = STATEMENT_ITEMS.to_vec();
        items.sort_unstable();
        assert_eq!(top, items);
        for (kind, stmts) in BLOCKS {
            assert!(DECLARATIONS.contains(kind) || *kind == "scenario", "{kind}");
            for w in *stmts {
                assert!(RESERVED.contains(w), "{w} in the {kind} block is not a keyword");
            }
        }
    }

    #[test]
    fn lowercase_hints() {
        assert_eq!(lowercase_hint("Status").as_deref(), Some("status"));
        assert_eq!(lowercase_hint("ON").as_deref(), Some("on"));
        assert_eq!(lowercase_hint("Active").as_deref(), Some("active"));
        assert_eq!(lowercase_hint("status"), None);
        assert_eq!(lowercase_hint("Bridge"), None);
    }
}
