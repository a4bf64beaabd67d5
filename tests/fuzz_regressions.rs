//! The crashes the fuzz targets found (`fuzz/regressions/TARGET/`), each reduced to its
//! smallest policy and checked here with plain `cargo test`, so that they stay fixed without
//! fuzzing.

use entitle::eval::decide;
use entitle::interop::json;
use entitle::syntax::{CountryStmt, Decl, Item};
use entitle::{Policy, Sources};

fn parse(text: &str) -> entitle::syntax::Document {
    let mut sources = Sources::new();
    let file = sources.add("t.ent", text);
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    doc
}

/// The text of the first `revenue` statement.
fn revenue_text(doc: &entitle::syntax::Document) -> String {
    doc.items
        .iter()
        .find_map(|item| match &item.kind {
            Item::Decl(Decl::Country(c)) => c.stmts.iter().find_map(|s| match &s.kind {
                CountryStmt::Revenue(n) => Some(n.text.clone()),
                _ => None,
            }),
            _ => None,
        })
        .expect("a revenue")
}

/// Every decision of a policy, by principal and product name.
fn decisions(p: &Policy) -> Vec<String> {
    let m = p.model();
    let mut out = vec![];
    for x in m.principals() {
        for y in m.product_ids() {
            let d = decide(m, x, y);
            out.push(format!(
                "{} {} {:?} {:?} {:?}",
                m.principal_name(x),
                m.product(y).name,
                d.access,
                d.rule,
                d.group.map(|g| &m.group(g).name)
            ));
        }
    }
    out.sort();
    out
}

/// `fuzz/regressions/fmt_roundtrip/crash-302cd…`: `revenue 0042` (leading zeros are allowed)
/// is formatted `revenue 42`. Not a bug of `fmt`: numbers compare by value and `fmt` writes
/// them canonically (LANGUAGE.md §8); the target compared the number's text, and now
/// compares numbers by value, as `tests/properties.rs` does. What must hold, with both
/// layouts: the output parses, holds the same value, gives the same model and decisions, and
/// formatting it again changes nothing.
#[test]
fn fmt_writes_a_number_with_leading_zeros_by_its_value() {
    let text = "product P\ncountry C1 {\n  revenue 0042\n}\nuser a@x.io {\n  country ZZ\n}\n";
    let mut sources = Sources::new();
    let file = sources.add("t.ent", text);
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    assert!(errors.is_empty());
    assert_eq!(revenue_text(&doc), "0042");
    let before = Policy::parse("a.ent", text).unwrap();
    assert_eq!(before.model().countries[0].revenue.map(|r| r.0), Some(42));
    for (layout, once) in [
        ("default", entitle::fmt::format_document(&doc)),
        ("author's", entitle::fmt::format_source(&doc, file, text)),
    ] {
        assert!(once.contains("  revenue 42\n"), "{layout}:\n{once}");
        let again = parse(&once);
        assert_eq!(revenue_text(&again), "42", "{layout}");
        let twice = if layout == "default" {
            entitle::fmt::format_document(&again)
        } else {
            let mut sources = Sources::new();
            let file = sources.add("once.ent", once.as_str());
            entitle::fmt::format_source(&entitle::syntax::parse(&sources, file).0, file, &once)
        };
        assert_eq!(twice, once, "{layout}: not idempotent");
        let after = Policy::parse("b.ent", &once).unwrap();
        assert_eq!(after.model().countries[0].revenue.map(|r| r.0), Some(42), "{layout}");
        // the user falls back to the revenue country, before and after
        assert_eq!(decisions(&before), decisions(&after), "{layout}");
    }
}

/// `fuzz/regressions/import_json/crash-af211…`: a product with an empty display name
/// (`product P ""`, which the language accepts) was exported as `"display": ""`, which
/// `import` refused ("a product display must be a non-empty string"). A product bug: the
/// export of a valid policy must import. Import now refuses only what a policy cannot say
/// (a name over several lines); the empty name is a name like any other, everywhere.
#[test]
fn an_empty_name_or_display_name_survives_export_and_import() {
    for text in [
        "product P \"\"\ncountry C { allow \"\" }\nuser a@x.io { country C }\n",
        // every kind of declaration named by the empty string
        "product P \"\"\nproduct Q\ncountry \"\" { allow P }\ngroup \"\" in \"\" { allowed Q }\n\
         user \"\" \"Ann\" { country \"\"  groups \"\" }\nkey k in \"\" { groups \"\" }\n",
    ] {
        let policy = Policy::parse("a.ent", text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let exported = json::export_text(policy.model());
        assert!(exported.contains("\"display\": \"\""), "{exported}");
        let doc = json::import(&exported).unwrap_or_else(|e| panic!("{e}\n{exported}"));
        let back = Policy::parse("b.ent", &entitle::fmt::format_document(&doc)).unwrap();
        assert_eq!(decisions(&policy), decisions(&back), "{text}");
        assert_eq!(json::export_text(back.model()), exported, "{text}");
    }
    // what a policy cannot say is still refused: a name over two lines
    let e = json::import(r#"{"schema": "entitle/2", "products": [{"name": "P", "display": "a\nb"}]}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("products[0].display: a product display must be a string on one line"),
        "{e}"
    );
}

/// The fuzz targets' own `bcmp` and `memcmp` (`fuzz/src/compare.rs`, defined in every target
/// so that AddressSanitizer's interceptors and libFuzzer's hook are not called).
#[path = "../fuzz/src/compare.rs"]
mod compare;

proptest::proptest! {
    /// It orders any two byte strings of one length as `memcmp` does (the sign of the first
    /// difference, 0 when equal): on random bytes, and on a copy with one byte changed, so that
    /// equal prefixes of every length are tried, around and across the eight-byte words.
    #[test]
    fn the_fuzz_targets_compare_orders_bytes_as_memcmp_does(
        a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
        b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
        at in 0usize..40,
        to in proptest::prelude::any::<u8>(),
    ) {
        let n = a.len().min(b.len());
        let mut c = a.clone();
        if !c.is_empty() {
            let i = at % c.len();
            c[i] = to;
        }
        for (x, y, n) in [(&a, &b, n), (&a, &c, a.len()), (&c, &a, a.len()), (&a, &a, a.len())] {
            // SAFETY: both vectors hold at least n bytes
            let got = unsafe { compare::compare(x.as_ptr(), y.as_ptr(), n) };
            proptest::prop_assert_eq!(got.signum(), x[..n].cmp(&y[..n]) as i32, "{:?} {:?}", &x[..n], &y[..n]);
        }
    }
}
