//! The messages of grammar errors, exactly: where a statement may start, every keyword valid
//! there (from the keyword table) and a did-you-mean among them; inside a statement, what the
//! parser expected; roles and statuses with the valid values; a CSV sheet or a JSON export
//! handed over as a policy.

// Runs the binary for the whole-file cases: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::diag::Diagnostic;
use entitle::Policy;

mod common;
use common::entitle;

/// Every diagnostic of loading `text` as a policy file.
fn errors(text: &str) -> Vec<Diagnostic> {
    match Policy::parse("t.ent", text) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => e.diagnostics,
    }
}

/// The one diagnostic of loading `text`.
fn one(text: &str) -> Diagnostic {
    let mut ds = errors(text);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    ds.remove(0)
}

/// Message, primary label, help and notes of a diagnostic.
fn parts(d: &Diagnostic) -> (&str, &str, Option<&str>, Vec<&str>) {
    (
        d.message.as_str(),
        d.labels[0].message.as_str(),
        d.help.as_deref(),
        d.notes.iter().map(String::as_str).collect(),
    )
}

const USER_STATEMENTS: &str =
    "expected `country`, `entitlement-country`, `groups`, `roles`, `status`, `allow`, `deny` or `}`";
const SCENARIO_STATEMENTS: &str = "expected `account`, `product`, `country`, `group`, `user`, `key`, `remove`, `convert`, `clear-exceptions`, `set`, `register`, `expect` or `}`";
const FILE_ITEMS: &str = "`account`, `product`, `country`, `group`, `user`, `key`, `expect` or `scenario`";

#[test]
fn a_misspelt_statement_in_a_group_block() {
    let text = "product A\ncountry US { }\ngroup G in US {\n  alowed A\n}\n";
    let d = one(text);
    assert_eq!(
        parts(&d),
        (
            "unknown word `alowed` in a group block",
            "expected `allowed`, `include-country`, `exception` or `}`",
            Some("did you mean `allowed`?"),
            vec![],
        )
    );
    assert_eq!(d.code, "syntax");
    // the label covers the word
    let at = text.find("alowed").unwrap();
    assert_eq!(d.labels[0].span.range(), at..at + "alowed".len());
}

#[test]
fn a_keyword_of_the_wrong_place_in_a_user_block() {
    let d = one("country US { }\ngroup G in US { }\nuser u@x.com {\n  country US\n  group G\n}\n");
    assert_eq!(
        parts(&d),
        (
            "`group` cannot start a statement in a user block",
            USER_STATEMENTS,
            Some("did you mean `groups`?"),
            vec![],
        )
    );
}

#[test]
fn a_statement_of_another_block_says_where_it_belongs() {
    let d = one("country US { domain x.com }\n");
    assert_eq!(
        parts(&d),
        (
            "`domain` cannot start a statement in a country block",
            "expected `revenue`, `covers`, `entitled`, `default`, `allow`, `deny` or `}`",
            None,
            vec!["`domain` is a statement of an account block"],
        )
    );
    let d = one("country US { }\nuser u@x.com { country US  allowed A }\n");
    assert_eq!(
        parts(&d),
        (
            "`allowed` cannot start a statement in a user block",
            USER_STATEMENTS,
            Some("did you mean `allow`?"),
            vec!["`allowed` is a statement of a group block"],
        )
    );
}

#[test]
fn a_misspelt_word_in_a_country_block() {
    let d = one("country US {\n  revnue 1_000\n}\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `revnue` in a country block",
            "expected `revenue`, `covers`, `entitled`, `default`, `allow`, `deny` or `}`",
            Some("did you mean `revenue`?"),
            vec![],
        )
    );
}

#[test]
fn account_and_key_blocks() {
    let d = one("account { domin x.com }\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `domin` in an account block",
            "expected `domain`, `alerts`, `global` or `}`",
            Some("did you mean `domain`?"),
            vec![],
        )
    );
    // a word that may still continue the statement before comes first
    let d = one("account { domain x.com auto-aprove }\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `auto-aprove` in an account block",
            "expected `auto-approve`, `domain`, `alerts`, `global` or `}`",
            Some("did you mean `auto-approve`?"),
            vec![],
        )
    );
    let d = one("country US { }\ngroup G in US { }\nkey K { grops G }\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `grops` in a key block",
            "expected `groups` or `}`",
            Some("did you mean `groups`?"),
            vec![],
        )
    );
}

#[test]
fn a_misspelt_declaration_at_top_level() {
    let d = one("prodct A\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `prodct` at top level",
            format!("expected {FILE_ITEMS}").as_str(),
            Some("did you mean `product`?"),
            vec![],
        )
    );
    // a word far from every keyword gets the list and no guess
    let d = one("product A\nzebra B\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `zebra` at top level",
            format!("expected {FILE_ITEMS}").as_str(),
            None,
            vec![],
        )
    );
    // not a word: the same complete list, in the usual form
    let d = one("product A\n42\n");
    assert_eq!(
        parts(&d),
        (
            format!("expected {FILE_ITEMS}, found `42`").as_str(),
            "here",
            None,
            vec![],
        )
    );
}

#[test]
fn inside_a_scenario() {
    let d = one("scenario \"s\" {\n  convrt G\n}\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `convrt` in a scenario block",
            SCENARIO_STATEMENTS,
            Some("did you mean `convert`?"),
            vec![],
        )
    );
    // after `set`, its words in the order the language lists them
    let d = one("scenario \"s\" {\n  set staus u@x.com active\n}\n");
    assert_eq!(
        parts(&d),
        (
            "expected `default`, `access`, `status`, `entitlement-country`, `exception`, `group-exception`, `member`, `allowed`, `include-country`, `entitled`, `revenue`, `global`, `domain` or `key-country`, found `staus`",
            "here",
            Some("did you mean `status`?"),
            vec![],
        )
    );
    let d = one("scenario \"s\" {\n  remove usr u@x.com\n}\n");
    assert_eq!(
        parts(&d),
        (
            "expected `user`, `key`, `group`, `product` or `country`, found `usr`",
            "here",
            Some("did you mean `user`?"),
            vec![],
        )
    );
    // a block inside a scenario is the context
    let d = one("scenario \"s\" {\n  user v@x.com { country US  role admin }\n}\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `role` in a user block",
            USER_STATEMENTS,
            Some("did you mean `roles`?"),
            vec![],
        )
    );
}

#[test]
fn expect_lines() {
    // a value inside the statement
    let d = one("expect u@x.com A alow\n");
    assert_eq!(
        parts(&d),
        (
            "expected `allow` or `deny`, found `alow`",
            "here",
            Some("did you mean `allow`?"),
            vec![],
        )
    );
    // after a complete expectation: `by`, or the next item
    let d = one("expect u@x.com A allow bye status\n");
    assert_eq!(
        parts(&d),
        (
            "unknown word `bye` at top level",
            format!("expected `by`, {FILE_ITEMS}").as_str(),
            Some("did you mean `by`?"),
            vec![],
        )
    );
}

#[test]
fn values_inside_statements_keep_their_short_list() {
    let d = one("country US { default maybe }\n");
    assert_eq!(
        parts(&d),
        ("expected `allow` or `deny`, found `maybe`", "here", None, vec![])
    );
    let d = one("country US { default alow }\n");
    assert_eq!(d.help.as_deref(), Some("did you mean `allow`?"));
    // a differently-cased keyword: the lowercase hint
    let d = one("group G in US { Allowed A }\n");
    assert_eq!(d.message, "unknown word `Allowed` in a group block");
    assert_eq!(
        d.help.as_deref(),
        Some("fixed words are written in lowercase: `allowed`")
    );
}

#[test]
fn statements_at_the_top_level_of_an_edit() {
    let mut p = Policy::parse("p.ent", "country US { }\ngroup G in US { }\n").unwrap();
    let e = p.apply("edit", "convrt G").unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{:#?}", e.diagnostics);
    assert_eq!(
        parts(&e.diagnostics[0]),
        (
            "unknown word `convrt` at top level",
            "expected `account`, `product`, `country`, `group`, `user`, `key`, `remove`, `convert`, `clear-exceptions`, `set`, `register`, `expect` or `scenario`",
            Some("did you mean `convert`?"),
            vec![],
        )
    );
}

#[test]
fn every_broken_declaration_is_reported_at_once() {
    let text = "prodct A\nproduct B\ngroup G in US {\n  alowed B\n}\ncountry US { }\nuser u@x.com {\n  country US\n  group G\n}\n";
    let ds = errors(text);
    let messages: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown word `prodct` at top level",
            "unknown word `alowed` in a group block",
            "`group` cannot start a statement in a user block",
        ]
    );
}

#[test]
fn roles_and_statuses_list_the_valid_values() {
    let text = "country US { }\nuser u@x.com {\n  country US\n  roles admin, co-admn\n  status actve\n}\nuser v@x.com { country US  status banned }\n";
    let ds = errors(text);
    let got: Vec<_> = ds.iter().map(parts).collect();
    let roles = "the roles are: `fulfillment-contact`, `account-admin`, `co-admin`";
    let statuses = "the statuses are: `pending`, `invited`, `registered`, `active`, `locked`";
    assert_eq!(
        got,
        vec![
            (
                format!("`admin` is not a role; {roles}").as_str(),
                "not a role",
                None,
                vec![]
            ),
            (
                format!("`co-admn` is not a role; {roles}").as_str(),
                "not a role",
                Some("did you mean `co-admin`?"),
                vec![],
            ),
            (
                format!("`actve` is not a status; {statuses}").as_str(),
                "not a status",
                Some("did you mean `active`?"),
                vec![],
            ),
            (
                format!("`banned` is not a status; {statuses}").as_str(),
                "not a status",
                None,
                vec![]
            ),
        ]
    );
    // the same words for the what-if statement
    let mut p = Policy::parse("p.ent", "country US { }\nuser u@x.com { country US }\n").unwrap();
    let e = p.apply("edit", "set status u@x.com lockd").unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{:#?}", e.diagnostics);
    assert_eq!(
        parts(&e.diagnostics[0]),
        (
            format!("`lockd` is not a status; {statuses}").as_str(),
            "not a status",
            Some("did you mean `locked`?"),
            vec![],
        )
    );
}

/// A file written in a fresh temporary folder.
fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn a_csv_sheet_is_not_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = write(
        dir.path(),
        "users.csv",
        "Email,First Name,Last Name,Country,Groups\nkim@x.com,Kim,Lee,US,\"Roads, Bridges\"\n{\n",
    );
    let r = entitle(&["check", &sheet, "kim@x.com", "Bridge"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("[not-a-policy] Error: this looks like a CSV sheet of users, not a policy\n"),
        "{}",
        r.stderr
    );
    // the source is quoted, and this is the only error
    assert!(
        r.stderr.contains(" 1 | Email,First Name,Last Name,Country,Groups\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("comma-separated values, not policy statements"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Help: use `entitle import-users POLICY SHEET` to merge a sheet's users into a policy"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("Error:").count(), 1, "{}", r.stderr);
    assert!(r.stderr.ends_with("1 error\n"), "{}", r.stderr);
    // a header without spaces, and `lint` says the same
    let sheet = write(dir.path(), "plain.csv", "email,country,groups\na@x.com,US,Roads\n");
    let r = entitle(&["lint", &sheet]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("this looks like a CSV sheet of users, not a policy"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("Error:").count(), 1, "{}", r.stderr);
}

#[test]
fn a_json_export_is_not_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "p.ent",
        "product Bridge\ncountry US { }\nuser kim@x.com { country US }\n",
    );
    // what `entitle export` really writes
    let export = entitle(&["export", &policy]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(export.stdout.starts_with('{'), "{}", export.stdout);
    let json = write(dir.path(), "p.json", &export.stdout);
    for cmd in [
        &["check", &json, "kim@x.com", "Bridge"][..],
        &["lint", &json],
        &["fmt", &json],
    ] {
        let r = entitle(cmd);
        assert_eq!(r.code, 2, "{cmd:?}: {}", r.stderr);
        assert!(
            r.stderr
                .starts_with("[not-a-policy] Error: this looks like a JSON export, not a policy\n"),
            "{cmd:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("a JSON document starts here"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("Help: use `entitle import FILE` to turn a JSON export back into policy text"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.matches("Error:").count(), 1, "{cmd:?}: {}", r.stderr);
    }
    // and the command it names reads it
    let back = entitle(&["import", &json]);
    assert_eq!(back.code, 0, "{}", back.stderr);
}
