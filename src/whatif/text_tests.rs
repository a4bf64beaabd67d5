//! Unit tests of [`super::rewrite`] on a small policy with comments and both block layouts.
use super::*;
use crate::Policy;

/// `text` with `stmts` applied (what-if statements or declarations), rewritten; checks
/// that the result parses to the edited document (spans aside).
fn edit(text: &str, stmts: &str) -> String {
    let before = Policy::parse("t.ent", text).expect("the policy loads");
    let mut after = before.clone();
    after.apply("<what-if>", stmts).expect("the statements apply");
    let out = rewrite(text, before.file, &before.document, &after.document);
    let again = Policy::parse("out.ent", &out).unwrap_or_else(|e| panic!("{out}\n{}", e.render(false)));
    assert_eq!(
        spanless(&again.document),
        spanless(&after.document),
        "the rewritten text means another document:\n{out}"
    );
    out
}

/// The document's `Debug` rendering without spans ([`crate::testing::spanless`]): two
/// documents compare equal this way exactly when they are equal modulo spans.
fn spanless(doc: &Document) -> String {
    crate::testing::spanless(&format!("{doc:?}"))
}

const BASE: &str = "\
# header comment

product A
product B  # the second
product C

country US {
  revenue 100   # aligned
  default deny
  allow A
}
country GB { entitled A, B }

group G in US {
  allowed A
  # why B
  exception allow B
}
group H in GB { allowed A }

# the people
user a@x.com { country US  groups G }
user b@x.com {
  country US
  # b's exceptions
  deny B
}
user c@x.com { country GB }

key K1 in GB { groups H }
key K2 { }

# the end
";

#[test]
fn an_unedited_document_is_written_back_identically() {
    let before = Policy::parse("t.ent", BASE).unwrap();
    assert_eq!(rewrite(BASE, before.file, &before.document, &before.document), BASE);
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ent") {
            let text = std::fs::read_to_string(&path).unwrap();
            let p = Policy::parse("s.ent", &text).unwrap();
            assert_eq!(
                rewrite(&text, p.file, &p.document, &p.document),
                text,
                "{}",
                path.display()
            );
        }
    }
}

/// The lines of `before` not in `after` and the lines of `after` not in `before`.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let (removed, added) = crate::testing::line_diff(before, after);
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    (
        removed.into_iter().map(|i| b[i].to_string()).collect(),
        added.into_iter().map(|j| a[j].to_string()).collect(),
    )
}

fn diff(stmts: &str) -> (Vec<String>, Vec<String>) {
    changed_lines(BASE, &edit(BASE, stmts))
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_statement_in_a_one_line_block_is_edited_on_its_line() {
    assert_eq!(
        diff("set status a@x.com locked"),
        (
            lines(&["user a@x.com { country US  groups G }"]),
            lines(&["user a@x.com { country US  groups G  status locked }"])
        )
    );
    assert_eq!(
        diff("set member G a@x.com off"),
        (
            lines(&["user a@x.com { country US  groups G }"]),
            lines(&["user a@x.com { country US }"])
        )
    );
    assert_eq!(
        diff("set entitled GB C on"),
        (
            lines(&["country GB { entitled A, B }"]),
            lines(&["country GB { entitled A, B, C }"])
        )
    );
}

#[test]
fn a_statement_in_a_multi_line_block_keeps_its_place_and_comments() {
    assert_eq!(
        diff("set revenue US 2500"),
        (
            lines(&["  revenue 100   # aligned"]),
            lines(&["  revenue 2_500   # aligned"])
        )
    );
    assert_eq!(diff("set exception b@x.com C allow"), (vec![], lines(&["  allow C"])));
    assert_eq!(
        diff("set exception b@x.com B inherit"),
        (lines(&["  # b's exceptions", "  deny B"]), vec![])
    );
    assert_eq!(diff("set access US A inherit"), (lines(&["  allow A"]), vec![]));
    assert_eq!(
        diff("set default US allow"),
        (lines(&["  default deny"]), lines(&["  default allow"]))
    );
}

#[test]
fn convert_and_clear_exceptions_touch_the_group_only() {
    assert_eq!(
        diff("convert G"),
        (
            lines(&["  allowed A", "  # why B", "  exception allow B"]),
            lines(&["  allowed A, B"])
        )
    );
    assert_eq!(
        diff("clear-exceptions G"),
        (lines(&["  # why B", "  exception allow B"]), vec![])
    );
}

#[test]
fn a_header_edit_rewrites_the_header_only() {
    assert_eq!(
        diff("set key-country K1 inherit"),
        (lines(&["key K1 in GB { groups H }"]), lines(&["key K1 { groups H }"]))
    );
    assert_eq!(
        diff("set member H K2 on"),
        (lines(&["key K2 { }"]), lines(&["key K2 { groups H }"]))
    );
}

#[test]
fn removed_items_go_with_their_comments_and_one_gap() {
    let out = edit(BASE, "remove user a@x.com");
    assert!(out.contains("key K2 { }\n\n# the end\n"), "{out}");
    assert_eq!(
        changed_lines(BASE, &out),
        (
            lines(&["# the people", "user a@x.com { country US  groups G }"]),
            vec![]
        )
    );
    assert_eq!(
        diff("remove user c@x.com"),
        (lines(&["user c@x.com { country GB }"]), vec![])
    );
    assert_eq!(
        diff("remove key K1  remove key K2"),
        (lines(&["key K1 in GB { groups H }", "key K2 { }", ""]), vec![])
    );
    // a product: its declaration and every reference
    let (removed, added) = diff("remove product B");
    assert_eq!(
        removed,
        lines(&[
            "product B  # the second",
            "country GB { entitled A, B }",
            "  # why B",
            "  exception allow B",
            "  # b's exceptions",
            "  deny B",
        ])
    );
    assert_eq!(added, lines(&["country GB { entitled A }"]));
}

#[test]
fn new_items_follow_their_kind() {
    let out = edit(BASE, "set domain x.com on  register d@x.com country US");
    assert_eq!(
        changed_lines(BASE, &out),
        (
            vec![],
            lines(&[
                "account {",
                "  domain x.com",
                "}",
                "",
                "user d@x.com {",
                "  country US",
                "  status pending",
                "}",
            ])
        ),
        "{out}"
    );
    assert!(out.contains("user c@x.com { country GB }\nuser d@x.com {\n"), "{out}");
    let out = edit(BASE, "product D");
    assert!(out.contains("product C\nproduct D\n\ncountry US {"), "{out}");
}

#[test]
fn a_declaration_that_replaces_one_takes_its_place() {
    assert_eq!(
        diff("user c@x.com { country US  groups G }"),
        (
            lines(&["user c@x.com { country GB }"]),
            lines(&["user c@x.com { country US  groups G }"])
        )
    );
    assert_eq!(
        diff("group G in US { allowed A, C }"),
        (
            lines(&["  allowed A", "  # why B", "  exception allow B"]),
            lines(&["  allowed A, C"])
        )
    );
}

#[test]
fn a_new_statement_in_an_empty_multi_line_block_is_indented() {
    let text = "product A\ncountry US {\n}\nuser a@x.com {\n  country US\n}\n";
    assert_eq!(
        edit(text, "set entitled US A off  set status a@x.com locked"),
        "product A\ncountry US {\n  entitled\n}\nuser a@x.com {\n  country US\n  status locked\n}\n"
    );
}

/// A statement removed from a line it shared, before a statement that is edited and carries
/// a comment line above it: the comment stays on its own line, above the statement it
/// belongs to (it once landed at the end of the line before, as that statement's comment).
#[test]
fn a_leading_comment_never_joins_the_line_before() {
    let text = "product \"Zürich Tool\"\nproduct \"global\"\ncountry C1 {\n  default deny    allow \"global\"\n#\n  allow \"Zürich Tool\", \"global\"\n}\n";
    let out = edit(text, "set access C1 \"global\" inherit");
    assert_eq!(
        out,
        "product \"Zürich Tool\"\nproduct \"global\"\ncountry C1 {\n  default deny\n  #\n  allow \"Zürich Tool\"\n}\n"
    );
}
