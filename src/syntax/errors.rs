//! The message of a syntax error: what was expected where the parse failed, what was found,
//! and a suggestion.
//!
//! Where a statement could start (the top level, or a block's body) the expected words are the
//! complete list from the one keyword table ([`crate::keywords`]): every statement of that
//! block, then `}`; a mistyped word gets a did-you-mean among them, in the style of the
//! unknown-name errors:
//!
//! ```text
//! [syntax] Error: unknown word `alowed` in a group block
//!  4 |   alowed A
//!    |   ^^^|^^
//!    |      `---- expected `allowed`, `include-country`, `exception` or `}`
//!    | Help: did you mean `allowed`?
//! ```
//!
//! Inside a statement the expected items come from the parser (`expected `allow` or `deny`,
//! found `alow``), with the same did-you-mean among the fixed words of the list.

use super::{unclosed_brace, Rule};
use crate::diag::{closest, Diagnostic};
use crate::keywords::{self, BLOCKS, SET_FORMS};
use crate::source::{FileId, Span};

/// Where a parse failed.
pub(super) struct Site<'a> {
    /// The whole text.
    pub text: &'a str,
    /// Its file.
    pub file: FileId,
    /// Where the broken top-level item starts (a block opened after it is the context).
    pub item_start: usize,
    /// Where the parse failed.
    pub at: usize,
    /// The words that start a top-level item in this kind of input
    /// ([`keywords::FILE_ITEMS`] or [`keywords::STATEMENT_ITEMS`]).
    pub top_items: &'static [&'static str],
}

/// What a rule the parser tried stands for in an "expected" list: fixed words in backticks,
/// other tokens described.
fn describe(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::ident | Rule::string | Rule::name_list => &["a name"],
        Rule::email => &["an email"],
        Rule::domain_name => &["a domain"],
        Rule::rule_name => &["a rule name"],
        Rule::number => &["a number"],
        Rule::EOI => &["end of input"],
        Rule::allow => &["`allow`"],
        Rule::deny => &["`deny`"],
        Rule::access_stmt => &["`allow`", "`deny`"],
        Rule::inherit => &["`inherit`"],
        Rule::on_off => &["`on`", "`off`"],
        Rule::w_none => &["`none`"],
        Rule::entity_kind => &["`user`", "`key`", "`group`", "`product`", "`country`"],
        Rule::account_decl
        | Rule::product_decl
        | Rule::country_decl
        | Rule::group_decl
        | Rule::user_decl
        | Rule::key_decl
        | Rule::expect_stmt
        | Rule::scenario_decl => &["a declaration"],
        Rule::account_block
        | Rule::country_block
        | Rule::group_block
        | Rule::user_block
        | Rule::key_block
        | Rule::scenario_block => &["`{`"],
        Rule::kw_account => &["`account`"],
        Rule::kw_product => &["`product`"],
        Rule::kw_country | Rule::country_stmt => &["`country`"],
        Rule::kw_group => &["`group`"],
        Rule::kw_user => &["`user`"],
        Rule::kw_key => &["`key`"],
        Rule::kw_expect => &["`expect`"],
        Rule::kw_scenario => &["`scenario`"],
        Rule::kw_remove => &["`remove`"],
        Rule::kw_convert => &["`convert`"],
        Rule::clear_kw => &["`clear-exceptions`"],
        Rule::kw_set => &["`set`"],
        Rule::kw_register => &["`register`"],
        Rule::kw_domain | Rule::domain_stmt => &["`domain`"],
        Rule::kw_alerts | Rule::alerts_stmt => &["`alerts`"],
        Rule::kw_global | Rule::global_stmt => &["`global`"],
        Rule::kw_revenue | Rule::revenue_stmt => &["`revenue`"],
        Rule::kw_covers | Rule::covers_stmt => &["`covers`"],
        Rule::kw_entitled | Rule::entitled_stmt => &["`entitled`"],
        Rule::kw_default | Rule::default_stmt => &["`default`"],
        Rule::kw_allowed | Rule::allowed_stmt => &["`allowed`"],
        Rule::include_country => &["`include-country`"],
        Rule::kw_exception | Rule::exception_stmt => &["`exception`"],
        Rule::kw_entitlement_country | Rule::ecountry_stmt => &["`entitlement-country`"],
        Rule::kw_groups | Rule::groups_stmt => &["`groups`"],
        Rule::kw_roles | Rule::roles_stmt => &["`roles`"],
        Rule::kw_status | Rule::status_stmt => &["`status`"],
        Rule::kw_in => &["`in`"],
        Rule::kw_by => &["`by`"],
        Rule::kw_access => &["`access`"],
        Rule::auto_approve => &["`auto-approve`"],
        Rule::w_member => &["`member`"],
        Rule::w_group_exception => &["`group-exception`"],
        Rule::w_key_country => &["`key-country`"],
        r if super::build::is_whatif(r) => &["a what-if statement"],
        _ => &[],
    }
}

/// Rules for a value inside a statement, spelled like a word that starts one elsewhere.
fn is_value(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::allow | Rule::deny | Rule::inherit | Rule::entity_kind | Rule::on_off | Rule::w_none
    )
}

/// The fixed word an item of an "expected" list stands for (`allowed` for "`allowed`"), if it
/// is one.
fn word_of(item: &str) -> Option<&str> {
    let w = item.strip_prefix('`')?.strip_suffix('`')?;
    w.starts_with(|c: char| c.is_ascii_lowercase()).then_some(w)
}

/// The word that opens the declaration whose block starts at `open`: the last block keyword
/// (`group`, `user`, …) before it, outside strings and comments. (A declaration's header
/// holds no other such word: names spelled like keywords must be quoted.)
pub(super) fn block_kind(text: &str, from: usize, open: usize) -> Option<&'static str> {
    let head = text.get(from..open)?;
    let mut kind = None;
    for piece in super::scan::pieces(head) {
        if let super::scan::Piece::Code(r) = piece {
            for token in head[r].split(|c: char| c.is_whitespace() || "{};,".contains(c)) {
                if let Some((k, _)) = BLOCKS.iter().find(|(k, _)| *k == token) {
                    kind = Some(*k);
                }
            }
        }
    }
    kind
}

/// The article of a block kind: "an account", "a user".
fn article(kind: &str) -> &'static str {
    if kind == "account" {
        "an"
    } else {
        "a"
    }
}

/// "in a group block", "in an account block", "at top level".
fn context_name(kind: Option<&str>) -> String {
    match kind {
        Some(k) => format!("in {} {k} block", article(k)),
        None => "at top level".to_string(),
    }
}

/// The syntax error for a parse that failed at `site.at`, having tried `e`'s rules there.
pub(super) fn syntax_error(site: &Site, e: &pest::error::Error<Rule>) -> Diagnostic {
    let Site { text, file, at, .. } = *site;
    let rest = &text[at..];
    if rest.starts_with('"') && !rest[1..].lines().next().unwrap_or("").contains('"') {
        let line_len = rest.find('\n').unwrap_or(rest.len());
        return Diagnostic::error("syntax", "unterminated string")
            .with_label(
                Span::new(file, at..at + line_len.max(1)),
                "this string has no closing `\"` on its line",
            )
            .with_help("strings stay on one line; escape a quote inside one as `\\\"`");
    }
    let positives: &[Rule] = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => &[],
    };
    // (sized once: an error is made for every broken declaration, and each growth is an
    // allocation)
    let mut tried: Vec<&'static str> = Vec::with_capacity(positives.len() + 4);
    for item in positives.iter().flat_map(|r| describe(*r)) {
        if !tried.contains(item) {
            tried.push(item);
        }
    }
    let mut tried_words: Vec<&str> = Vec::with_capacity(tried.len());
    tried_words.extend(tried.iter().filter_map(|i| word_of(i)));

    // The context: the innermost block still open, else the top level.
    let open = unclosed_brace(text, site.item_start, at);
    let kind = open.and_then(|o| block_kind(text, site.item_start, o));
    let statements: &[&str] = match (open, kind) {
        (None, _) => site.top_items,
        (Some(_), Some(k)) => keywords::block_statements(k).unwrap_or(&[]),
        (Some(_), None) => &[],
    };
    let top_marker = positives.iter().any(|r| matches!(r, Rule::file | Rule::statements));
    // at the start of a statement: the parser tried a statement's first word (not a value
    // spelled like one, as `remove user` or `default allow` are)
    let mut starts = positives
        .iter()
        .filter(|r| !is_value(**r))
        .flat_map(|r| describe(*r))
        .filter_map(|i| word_of(i));
    let at_statement = (open.is_none() && top_marker) || starts.any(|w| statements.contains(&w));

    // (items, not strings: a statement's context lists up to thirty words, and an error is
    // made for every broken declaration)
    let expected: Vec<Shown<'_>> = if at_statement {
        // what may still continue the statement before (`by` after an expectation,
        // `auto-approve` after a domain), then every statement of the context
        let continuation = tried_words
            .iter()
            .filter(|w| !statements.contains(w) && !keywords::STATEMENT_ITEMS.contains(w));
        let mut list: Vec<Shown<'_>> = Vec::with_capacity(tried_words.len() + statements.len() + 1);
        list.extend(continuation.chain(statements).map(|w| Shown::Word(w)));
        if open.is_some() {
            list.push(Shown::Text("`}`"));
        }
        list
    } else {
        let mut list: Vec<Shown<'_>> = tried.iter().map(|i| Shown::of(i)).collect();
        // the words after `set`, in the order the language lists them
        let set_rank = |item: &Shown<'_>| item.word().and_then(|w| SET_FORMS.iter().position(|(s, _)| *s == w));
        if list.len() >= 3 && list.iter().all(|i| set_rank(i).is_some()) {
            list.sort_by_key(set_rank);
        }
        list
    };
    let candidates = expected.iter().filter_map(Shown::word);

    // the offending token: a word, else up to the next space (at least one character)
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    let is_word = word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let token_len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(rest.len(), |(i, _)| i)
        .max(rest.chars().next().map_or(0, char::len_utf8));
    let reserved = keywords::RESERVED.contains(&word);
    let list = join_or(&expected);

    let mut d = if rest.is_empty() {
        let start = text.char_indices().next_back().map_or(0, |(i, _)| i);
        let message = if expected.is_empty() {
            "unexpected end of file".to_string()
        } else {
            format!("expected {list}, found end of file")
        };
        Diagnostic::error("syntax", message).with_label(Span::new(file, start..text.len()), "here")
    } else if at_statement && is_word {
        let context = context_name(kind);
        let message = if reserved {
            format!("`{word}` cannot start a statement {context}")
        } else {
            format!("unknown word `{}` {context}", shown_token(word))
        };
        Diagnostic::error("syntax", message).with_label(Span::new(file, at..at + word_len), format!("expected {list}"))
    } else {
        let found = shown_token(&rest[..token_len]);
        let message = if expected.is_empty() {
            format!("unexpected `{found}`")
        } else {
            format!("expected {list}, found `{found}`")
        };
        Diagnostic::error("syntax", message).with_label(Span::new(file, at..at + token_len), "here")
    };
    if !is_word {
        return d;
    }
    if reserved && expected.contains(&Shown::Text("a name")) {
        d = d.with_help(format!(
            "`{word}` is a keyword; write it as a string (\"{word}\") to use it as a name"
        ));
    } else if let Some(lower) = keywords::lowercase_hint(word) {
        d = d.with_help(format!("fixed words are written in lowercase: `{lower}`"));
    } else if let Some(c) = closest(word, candidates) {
        d = d.with_help(format!("did you mean `{c}`?"));
    }
    if at_statement && reserved {
        // a statement of another kind of block
        let homes: Vec<String> = BLOCKS
            .iter()
            .filter(|(k, stmts)| *k != "scenario" && Some(*k) != kind && stmts.contains(&word))
            .map(|(k, _)| k.to_string())
            .collect();
        if !homes.is_empty() {
            d = d.with_note(format!("`{word}` is a statement of {} block", article_list(&homes)));
        }
    }
    d
}

/// "a group", "a user or key", "an account".
fn article_list(kinds: &[String]) -> String {
    format!("{} {}", article(&kinds[0]), join_or(kinds))
}

/// A token as a message quotes it: control characters escaped, at most 40 characters.
fn shown_token(token: &str) -> ShownToken<'_> {
    ShownToken(token)
}

/// [`shown_token`]: written straight into the message, not copied first.
struct ShownToken<'a>(&'a str);

impl std::fmt::Display for ShownToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        const LONGEST: usize = 40;
        for (i, c) in self.0.chars().enumerate() {
            if i == LONGEST {
                return f.write_char('…');
            }
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// An item of an "expected" list: a fixed word (shown in backticks) or a description ("a
/// name", "`{`").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown<'a> {
    Word(&'a str),
    Text(&'a str),
}

impl<'a> Shown<'a> {
    /// An item of [`describe`]'s lists.
    fn of(item: &'a str) -> Self {
        word_of(item).map_or(Shown::Text(item), Shown::Word)
    }

    /// The fixed word it is, if it is one.
    fn word(&self) -> Option<&'a str> {
        match *self {
            Shown::Word(w) => Some(w),
            Shown::Text(_) => None,
        }
    }
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Word(w) => write!(f, "`{w}`"),
            Shown::Text(t) => f.write_str(t),
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join_or<S: std::fmt::Display>(items: &[S]) -> String {
    use std::fmt::Write as _;
    // (a word of a list is short: a guess that is seldom too small)
    let mut out = String::with_capacity(16 * items.len());
    for (i, item) in items.iter().enumerate() {
        let sep = match i {
            0 => "",
            _ if i + 1 == items.len() => " or ",
            _ => ", ",
        };
        let _ = write!(out, "{sep}{item}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pest::Parser as _;

    /// The fixed words the parser tries at the start of `text`'s failure.
    fn tried_words(text: &str) -> Vec<String> {
        let e = super::super::Grammar::parse(Rule::file, text).expect_err(text);
        let pest::error::ErrorVariant::ParsingError { positives, .. } = e.variant else {
            panic!("{text}")
        };
        positives
            .iter()
            .flat_map(|r| describe(*r))
            .filter_map(|i| word_of(i).map(str::to_string))
            .collect()
    }

    /// Every block's statement list in the keyword table is exactly what the grammar accepts
    /// at the start of a statement of that block.
    #[test]
    fn block_tables_match_the_grammar() {
        let headers = [
            ("account", "account {\n  @"),
            ("country", "country US {\n  @"),
            ("group", "group G in US {\n  @"),
            ("user", "user a@x.com {\n  @"),
            ("key", "key K {\n  @"),
            ("scenario", "scenario \"s\" {\n  @"),
        ];
        for (kind, text) in headers {
            let mut got = tried_words(text);
            got.sort_unstable();
            got.dedup();
            let mut want: Vec<String> = keywords::block_statements(kind)
                .unwrap()
                .iter()
                .map(|w| w.to_string())
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "{kind}");
        }
        // the top level: a file's items and the what-if statements (an error there, reported
        // by the resolver)
        let mut got = tried_words("product A\n@");
        got.sort_unstable();
        let mut want: Vec<String> = keywords::STATEMENT_ITEMS.iter().map(|w| w.to_string()).collect();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn every_keyword_rule_is_described() {
        let mut got = tried_words("scenario \"s\" { set @ }");
        got.sort_unstable();
        let mut want: Vec<String> = SET_FORMS.iter().map(|(w, _)| w.to_string()).collect();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn block_kind_reads_the_declaration_header() {
        let text = "scenario \"user { \" {\n  user a@x.com \"Key\" {";
        let open = text.rfind('{').unwrap();
        assert_eq!(block_kind(text, 0, open), Some("user"));
        let open = text.find(" {\n").unwrap() + 1;
        assert_eq!(block_kind(text, 0, open), Some("scenario"));
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(join_or(&["`a`"]), "`a`");
        assert_eq!(join_or(&["`a`", "`b`", "`c`"]), "`a`, `b` or `c`");
        assert_eq!(context_name(Some("account")), "in an account block");
        assert_eq!(context_name(Some("user")), "in a user block");
        assert_eq!(context_name(None), "at top level");
    }
}
