//! The one table of the language's fixed words (LANGUAGE.md §1 and §8).
//!
//! The grammar (`grammar/entitle.pest`) spells the same words; a test checks that every word
//! the grammar reserves is in [`RESERVED`] and the other way round. Parser recovery, the
//! "is a keyword" and "write it in lowercase" hints, `fmt`'s quoting of names and the REPL's
//! completion all read these lists.

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
    let lower = word.to_lowercase();
    (lower != word && is_fixed_word(&lower)).then_some(lower)
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

    #[test]
    fn lowercase_hints() {
        assert_eq!(lowercase_hint("Status").as_deref(), Some("status"));
        assert_eq!(lowercase_hint("ON").as_deref(), Some("on"));
        assert_eq!(lowercase_hint("Active").as_deref(), Some("active"));
        assert_eq!(lowercase_hint("status"), None);
        assert_eq!(lowercase_hint("Bridge"), None);
    }
}
