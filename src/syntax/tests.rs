//! The parser's tests: tokens, recovery, parts and runs against one pass, comments.

use super::*;

fn parse_str(text: &str) -> (Document, Vec<Diagnostic>) {
    parse_str_with(text, parse)
}

fn parse_str_with(
    text: &str,
    parse: fn(&Sources, FileId) -> (Document, Vec<Diagnostic>),
) -> (Document, Vec<Diagnostic>) {
    let mut s = Sources::new();
    let f = s.add("t.ent", text);
    parse(&s, f)
}

#[test]
fn tokens_are_maximal() {
    let (doc, errs) = parse_str("group in_x in US { allowed in_y }");
    assert!(errs.is_empty(), "{errs:?}");
    let Item::Decl(Decl::Group(g)) = &doc.items[0].kind else {
        panic!()
    };
    assert_eq!(g.name.text, "in_x");
    assert_eq!(g.country.text, "US");
}

#[test]
fn keyword_case_differs_is_a_name() {
    let (doc, errs) = parse_str("country IN { }\nproduct Product");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(doc.items.len(), 2);
}

#[test]
fn keywords_cannot_be_bare_names() {
    let (_, errs) = parse_str("product access");
    assert_eq!(errs.len(), 1);
    let (doc, errs) = parse_str("product \"access\"");
    assert!(errs.is_empty());
    assert_eq!(doc.items.len(), 1);
}

#[test]
fn semicolons_separate_statements() {
    let (doc, errs) = parse_str("product A; product B;\ncountry US { default deny; allow A; }");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(doc.items.len(), 3);
}

#[test]
fn string_escapes() {
    let (doc, errs) = parse_str(r#"product "a \"b\" \\ c""#);
    assert!(errs.is_empty(), "{errs:?}");
    let Item::Decl(Decl::Product(p)) = &doc.items[0].kind else {
        panic!()
    };
    assert_eq!(p.name.text, r#"a "b" \ c"#);
}

#[test]
fn recovers_and_reports_every_broken_declaration() {
    let text = "product A\ncountry US { default maybe }\nproduct B\ngroup G in US { allowed }\nproduct C\n";
    let (doc, errs) = parse_str(text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    let names: Vec<_> = doc
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            Item::Decl(d) => d.name().map(|n| n.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
}

#[test]
fn a_scenario_left_open_is_one_error_and_the_rest_is_read() {
    // its declarations start lines: each line back to the scenario used to fail again at
    // its end and be reported (and the text before it parsed again, once per line)
    let mut text = String::from("product A\nscenario s {\ncountry US { }\n");
    for i in 0..50 {
        text.push_str(&format!("user u{i}@x.io {{ country US }}\n"));
    }
    let (doc, errs) = parse_str(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].message, "missing `}`: the file ends inside a block");
    let open = text.find("s {").unwrap() + 2;
    assert_eq!(errs[0].labels[0].span.range(), open..open + 1);
    // the declarations after its first line are read as top-level items
    assert_eq!(doc.items.len(), 1 + 1 + 50, "{doc:#?}");
    // an error inside it is reported where it is, once, and reading goes on after its line
    let broken = text.replace("user u20@x.io { country US }", "@@@ u20");
    let (doc, errs) = parse_str(&broken);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].message.ends_with("found `@@@`"), "{}", errs[0].message);
    assert_eq!(doc.items.len(), 1 + 29, "{doc:#?}");
    // blocks open inside it on declaration lines: each reported once, outermost first
    let nested = "scenario s {\nuser u@x.io {\ncountry US\n";
    let (_, errs) = parse_str(nested);
    let labels: Vec<_> = errs.iter().map(|e| e.labels[0].span.start as usize).collect();
    let braces: Vec<_> = nested.match_indices('{').map(|(i, _)| i).collect();
    assert_eq!(labels, braces, "{errs:#?}");
    assert!(errs
        .iter()
        .all(|e| e.message == "missing `}`: the file ends inside a block"));
}

#[test]
fn a_large_file_is_scanned_in_pieces_as_in_one() {
    // strings with `#` and quotes, comments with quotes, lines of every kind, over 1 MiB
    let mut text = String::new();
    let mut i = 0;
    while text.len() < CHUNKED_MIN + (CHUNK_BYTES * 3) / 2 {
        text.push_str(&format!(
            "user u{i}@x.io \"a # \\\" {i}\" {{ # \"c\n  country US\n}}\n# \"{i}\nproduct P{i} \"open\ncountry C {{ }}\n"
        ));
        i += 1;
    }
    let (points, found) = points_and_comments(&text);
    assert_eq!(points, resync_points(&text));
    let all = comments::scan(&text);
    assert_eq!(found.len(), all.len());
    for (a, b) in found.iter().zip(&all) {
        assert_eq!((a.start, &a.text), (b.start, &b.text));
    }
    assert!(found.len() > 10_000);
}

#[test]
fn a_block_over_many_runs_parses_as_in_one_pest_run() {
    // a scenario whose declarations start lines, many runs long: every run ends inside it
    // and `parse_on` doubles on to its end
    let mut text = String::from("product A\ncountry US { }\nscenario s {\n");
    for i in 0..200 {
        text.push_str(&format!("product P{i}\nuser u{i}@x.io {{ country US }}\n"));
    }
    let scenario_end = text.len();
    text.push_str("}\nproduct B\nuser z@x.io { country US }\n");
    assert!(scenario_end > 8 * RUN_BYTES);
    let one_run = |text: &str| {
        let mut sources = Sources::new();
        let file = sources.add("t.ent", text);
        let comments = comments::scan(text);
        let mut builder = build::Builder::new(file, text, &comments);
        builder.file(Grammar::parse(Rule::file, text).expect("parses"), 0);
        builder.finish(text.len())
    };
    for parse in [super::parse, super::parse_reference] {
        let (doc, errors) = parse_str_with(&text, parse);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(doc, one_run(&text));
        assert_eq!(doc.items.len(), 5);
    }
}

#[test]
fn parts_parse_as_one_pass_does() {
    // parts split at declaration lines, also inside a scenario, an unclosed block or a
    // broken statement: the same document and errors as one part
    let mut text = String::from("# head\nproduct A\ncountry US { }\nscenario s {\n");
    for i in 0..40 {
        text.push_str(&format!("product P{i} # p{i}\n# between {i}\n"));
    }
    text.push_str("}\n");
    for i in 0..40 {
        match i % 4 {
            0 => text.push_str(&format!("group G{i} in US {{\n  allowed A\n")),
            1 => text.push_str(&format!("user u{i}@x.io {{ country US ; oops }}\n")),
            2 => text.push_str(&format!("# c{i}\nproduct Q{i}\n")),
            _ => text.push_str("scenario t {\nproduct Z\n}\n"),
        }
    }
    for i in 0..40 {
        // plain users (the fast path), between the broken items
        text.push_str(&format!(
            "user p{i}@x.io \"P {i}\" {{\n  country US\n  groups G{i}, \"H {i}\"\n}}\n"
        ));
        if i % 7 == 0 {
            text.push_str("user v@x.io { country US\n");
        }
    }
    // a scenario left open, its declarations on lines of their own, to the end
    text.push_str("scenario open {\n");
    for i in 0..30 {
        text.push_str(&format!("user o{i}@x.io {{ country US }}\nproduct O{i}\n"));
    }
    let mut sources = Sources::new();
    let file = sources.add("t.ent", text.as_str());
    for rule in [Rule::file, Rule::statements] {
        let splitter = |mode| Splitter {
            text: &text,
            file,
            rule,
            points: resync_points(&text),
            top_items: crate::keywords::FILE_ITEMS,
            mode,
        };
        let comments = comments::scan(&text);
        let (doc, none, errors) = parse_parts(&splitter(Mode::Reference), usize::MAX, &comments);
        assert!(!errors.is_empty() && none.is_empty());
        for mode in [Mode::Reference, Mode::Fast, Mode::Lean] {
            for part_bytes in [1, 40, 100, 300, usize::MAX] {
                let (doc2, lean, errors2) = parse_parts(&splitter(mode), part_bytes, &comments);
                assert_eq!(
                    format!("{errors:?}"),
                    format!("{errors2:?}"),
                    "parts of {part_bytes} bytes"
                );
                if mode != Mode::Lean {
                    assert!(lean.is_empty());
                    assert_eq!(format!("{doc:?}"), format!("{doc2:?}"), "parts of {part_bytes} bytes");
                    continue;
                }
                // the same items in the same order, the lean users built again (without
                // the comments before them, which a lean parse does not keep)
                let lean = LeanUsers {
                    text: &text,
                    file,
                    users: lean,
                };
                assert!(rule == Rule::statements || !lean.is_empty());
                let items = with_lean_users(doc2, &lean);
                let plain = |items: &[std::sync::Arc<Node<Item>>]| -> Vec<String> {
                    items.iter().map(|i| format!("{:?} {:?}", i.span, i.kind)).collect()
                };
                assert_eq!(plain(&doc.items), plain(&items), "parts of {part_bytes} bytes");
            }
        }
    }
}

/// The items of a lean parse with its users built again, in their places.
fn with_lean_users(doc: Document, lean: &LeanUsers<'_>) -> Vec<std::sync::Arc<Node<Item>>> {
    let mut draft = Draft::default();
    let mut items = vec![];
    let mut next = 0;
    for (i, item) in doc.items.into_iter().enumerate() {
        while next < lean.len() && lean.users[next].before as usize == i {
            items.push(lean.node(next, &mut draft).into());
            next += 1;
        }
        items.push(item);
    }
    items.extend((next..lean.len()).map(|j| lean.node(j, &mut draft).into()));
    items
}

#[test]
fn comments_attach_to_statements() {
    let text = "# lead\nproduct A # trail\ncountry US {\n  # inner\n  default deny # why\n  # end\n}\n# eof\n";
    let (doc, errs) = parse_str(text);
    assert!(errs.is_empty());
    assert_eq!(doc.items[0].comments.leading(), ["# lead"]);
    assert_eq!(doc.items[0].comments.trailing().map(String::as_str), Some("# trail"));
    let Item::Decl(Decl::Country(c)) = &doc.items[1].kind else {
        panic!()
    };
    assert_eq!(c.stmts[0].comments.leading(), ["# inner"]);
    assert_eq!(c.stmts[0].comments.trailing().map(String::as_str), Some("# why"));
    assert_eq!(c.end_comments, ["# end"]);
    assert_eq!(doc.end_comments, ["# eof"]);
}
