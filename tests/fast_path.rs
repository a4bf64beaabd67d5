//! The parser's fast path for plain declarations (`user` blocks in `src/syntax/fast.rs`;
//! `account`, `product`, `country`, `group`, `key` and `expect` in `src/syntax/fast_decls.rs`) against
//! the pest grammar alone (`syntax::parse_reference`): the same document (items, names, spans,
//! comments) and the same errors, on every shipped policy and fixture, on generated accounts,
//! on the fuzz generator's policies (comments, `;` and odd spacing everywhere), on a file with
//! a comment at every place one can stand, and on thousands of files mutated where the fast
//! path decides, including files of more than 1 MiB, which are parsed in parts in parallel. On the
//! same texts the lean parse (`syntax::parse_lean`: plain users left as text, built as they are
//! resolved by `resolve::resolve_lean`) gives the same errors, model and diagnostics.

mod common;

use common::Rng;
use entitle::Sources;
use std::path::Path;

/// Parse `text` as what-if statements (`syntax::parse_statements`, the REPL's and
/// `--what-if`'s parse) with and without the fast path; panics with the first difference.
fn same_statements(label: &str, text: &str) {
    let mut sources = Sources::new();
    let file = sources.add(label, text);
    let (fast_doc, fast_errors) = entitle::syntax::parse_statements(&sources, file);
    let (doc, errors) = entitle::syntax::parse_statements_reference(&sources, file);
    assert_eq!(
        format!("{fast_errors:?}"),
        format!("{errors:?}"),
        "{label}: errors\n{text}"
    );
    assert_eq!(fast_doc, doc, "{label}\n{text}");
}

/// Parse `text` both ways; panics with the first difference.
fn same(label: &str, text: &str) {
    let mut sources = Sources::new();
    let file = sources.add(label, text);
    let (fast_doc, fast_errors) = entitle::syntax::parse(&sources, file);
    let (doc, errors) = entitle::syntax::parse_reference(&sources, file);
    assert_eq!(fast_errors.len(), errors.len(), "{label}: errors\n{text}");
    for (a, b) in fast_errors.iter().zip(&errors) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}\n{text}");
    }
    assert_eq!(fast_doc.items.len(), doc.items.len(), "{label}: items\n{text}");
    for (a, b) in fast_doc.items.iter().zip(&doc.items) {
        assert_eq!(a, b, "{label}\n{text}");
    }
    assert_eq!(fast_doc.end_comments, doc.end_comments, "{label}");
    if let Some(difference) = entitle::testing::lean_difference(&sources, file, &doc, &errors) {
        panic!("{label}: {difference}\n{text}");
    }
}

fn policies_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            policies_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "ent") {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_policy_parses_the_same_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    for dir in ["scenarios", "tests/fixtures", "examples", "src/cli"] {
        policies_under(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 30, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        same(&f.display().to_string(), &text);
    }
}

fn generated(users: usize, seed: u64) -> String {
    entitle::gen::generate_string(&entitle::gen::GenConfig {
        users,
        products: if users < 100 { 6 } else { 24 },
        groups: if users < 100 { 3 } else { 10 },
        seed,
    })
}

#[test]
fn generated_accounts_parse_the_same_both_ways() {
    for seed in 1..=5 {
        same(&format!("gen {seed}"), &generated(300, seed));
    }
    // over 1 MiB: parts parsed in parallel
    let big = generated(12_000, 9);
    assert!(big.len() > 1 << 20);
    same("gen big", &big);
}

/// Bytes and words that change what the fast path decides.
const PIECES: &[&str] = &[
    " ",
    "\n",
    "\t",
    "\r\n",
    "{",
    "}",
    ",",
    ";",
    "\"",
    "\\",
    "\\\"",
    "#",
    "# note\n",
    "@",
    "é",
    "𝄞",
    "-",
    ".",
    "_",
    "0",
    "x",
    "Z",
    "user",
    "user ",
    "\nuser a@b.c { }\n",
    "country",
    "country ",
    "entitlement-country ",
    "groups ",
    "roles ",
    "status ",
    "allow ",
    "deny ",
    "in",
    "group",
    "key",
    "expect",
    "product P\n",
    "\"Q R\"",
    "\"\"",
    "}\n}",
    "{ {",
];

/// Words put in place of another.
const WORDS: &[&str] = &[
    "in",
    "group",
    "user",
    "key",
    "country",
    "groups",
    "roles",
    "status",
    "allow",
    "deny",
    "by",
    "set",
    "account",
    "entitlement-country",
    "Users",
    "_x",
    "x.y-z",
    "9lives",
    "\"a b\"",
    "\"\"",
    "a@b",
    "@b",
    "a@",
    "a@b@c",
    "{",
    "}",
    ",",
    "",
    "\"x\\\"y\"",
    "Zürich",
    "#",
];

/// One random edit of `text` near a user declaration.
fn mutate(rng: &mut Rng, text: &str) -> String {
    mutate_near(rng, text, "user ")
}

/// One random edit of `text` near an occurrence of `near`.
fn mutate_near(rng: &mut Rng, text: &str, near: &str) -> String {
    let users: Vec<usize> = text.match_indices(near).map(|(i, _)| i).collect();
    let base = users[(rng.next() as usize) % users.len()];
    let mut at = (base + (rng.next() as usize) % 90).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut out = text.to_string();
    match rng.next() % 5 {
        0 => {
            // delete a character
            if let Some(c) = out[at..].chars().next() {
                out.replace_range(at..at + c.len_utf8(), "");
            }
        }
        1 => {
            // delete a word
            let end = out[at..].find([' ', '\n']).map_or(out.len(), |i| at + i);
            out.replace_range(at..end, "");
        }
        2 => {
            // a word replaced by another (a keyword, a name, a string, punctuation)
            let start = out[..at].rfind([' ', '\n', ',']).map_or(0, |i| i + 1);
            let end = out[at..].find([' ', '\n', ',']).map_or(out.len(), |i| at + i);
            let piece = WORDS[(rng.next() as usize) % WORDS.len()];
            out.replace_range(start..end, piece);
        }
        _ => {
            let piece = PIECES[(rng.next() as usize) % PIECES.len()];
            out.insert_str(at, piece);
        }
    }
    out
}

const ROUNDS: usize = 2000;

#[test]
fn mutated_files_parse_the_same_both_ways() {
    let mut rng = Rng(0x5eed_fa57);
    let mut broken = 0;
    for round in 0..ROUNDS {
        let mut text = generated(8 + round % 5, 100 + (round as u64 % 7));
        for _ in 0..1 + rng.next() % 3 {
            text = mutate(&mut rng, &text);
        }
        let mut sources = Sources::new();
        let file = sources.add("m.ent", text.as_str());
        if !entitle::syntax::parse_reference(&sources, file).1.is_empty() {
            broken += 1;
        }
        same(&format!("mutation {round}"), &text);
    }
    // both kinds are covered: files that still parse, and broken ones
    assert!(
        (ROUNDS / 10..ROUNDS * 9 / 10).contains(&broken),
        "{broken} of {ROUNDS} broken"
    );
}

#[test]
fn a_large_mutated_file_parses_the_same_both_ways() {
    // parts of a file over 1 MiB start and end at declaration lines among broken users
    let mut rng = Rng(77);
    let mut text = generated(12_000, 3);
    for _ in 0..60 {
        text = mutate(&mut rng, &text);
    }
    same("large mutated", &text);
}

/// The fuzz targets' policy generator, with its noise (comments, `;`, blank lines, blocks on
/// one line) and mistakes: every kind of declaration the fast path takes, in every layout.
#[test]
fn generated_policies_with_noise_parse_the_same_both_ways() {
    let mut rng = Rng(0x5eed_fa57);
    for i in 0..600 {
        let choices: Vec<u32> = (0..400).map(|_| rng.next() as u32).collect();
        let options = policy_gen::Options {
            mistakes: if i % 3 == 0 { 10 } else { 0 },
            noise: true,
            tests: true,
        };
        let (text, _) = policy_gen::policy(&mut policy_gen::Cursor::new(&choices), options);
        same(&format!("generated {i}"), &text);
    }
}

/// A comment at every place one can stand in each declaration the fast path takes (a lean
/// parse leaves the user with comments to pest: `same` checks it too), and `;`
/// wherever one may stand: each comment must go where pest's path puts it.
#[test]
fn comments_everywhere_attach_as_pest_attaches_them() {
    let text = "\
account \"A\" # after the name
{ domain a.example # after the domain
  domain b.example auto-approve ; alerts P, # in the list
  Q
  global P # after global
  # before the brace
}
# before the product
product P # after its name
product Q \"Q Q\" ; # after a separator
;
country US # after the name
  \"United States\" # after the display
{ # after the brace
  # before revenue
  revenue 1_000 # after revenue
  covers CA, # inside the list
    MX
  entitled # before nothing
  ; entitled P, Q ;
  default deny # after default
  allow P # after allow
  # before the brace
} # after the block
group G # after the name
in # after in
US {
  allowed P, # in the list
  Q # after the list
  include-country # after include
  exception # before the verdict
  deny Q
  # at the end
}
key K in US { # open
  groups G # after groups
  # end
} ;
key L { }
user kim@x.io # after the email
  \"Kim\" # after the display
{ # open
  # before country
  country US # after country
  groups G, # in the list
    H ;
  # at the end
} # after the block
expect kim@x.io P allow # plain
expect K1 # after the principal
  P deny by group-not-allowed # after the rule
  G # after the group
expect \"kim lee\" Q deny by default-access
# at the end of the file
";
    same("comments everywhere", text);
    // (every item and the comment after the last one)
    let mut sources = Sources::new();
    let file = sources.add("c.ent", text);
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc.items.len(), 11);
    assert_eq!(doc.end_comments, vec!["# at the end of the file".to_string()]);
}

/// Every what-if statement in each of its shapes, with comments and `;` between the tokens
/// where one can stand.
const STATEMENTS: &str = "\
remove user kim@x.io
remove key \"K 1\" # after the key
remove group G
remove product \"3D-Viewer\"
remove country GB ; remove product P
convert Legacy # why
clear-exceptions \"Old Group\"
register new@x.io country US
register \"new x\" # the string form
  country \"Great Britain\"
set default US allow
set default # a comment between tokens
  \"United States\" deny
set access US P allow
set access US P inherit # back to the default
set status kim@x.io invited
set status K1 \"registered\"
set entitlement-country kim@x.io GB
set entitlement-country kim@x.io inherit
set entitlement-country kim@x.io inherited
set exception kim@x.io P deny
set exception \"kim lee\" \"P Q\" inherit
set group-exception G P allow
set group-exception G P inherit
set member G kim@x.io on
set member G K1 off # out
set allowed G P on
set allowed G \"P Q\" off
set include-country G on
set entitled US P off
set revenue US 1_000
set revenue US none
set revenue US none-x
set revenue US 0042
set global P on
set domain acme.example on
set domain b-c.example off
set domain acme.example auto-approve
set key-country K1 GB
set key-country K1 inherit
# at the end
";

/// Every what-if statement shape, alone and among declarations, as a file and as statements.
#[test]
fn whatif_statements_parse_the_same_both_ways() {
    same("statements as a file", STATEMENTS);
    same_statements("statements", STATEMENTS);
    let mut sources = Sources::new();
    let file = sources.add("s.ent", STATEMENTS);
    let (doc, errors) = entitle::syntax::parse_statements(&sources, file);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc.items.len(), 39);
    let with_decls = format!("product P\n{STATEMENTS}country US {{ }}\n{STATEMENTS}");
    same("statements among declarations", &with_decls);
    // each statement alone, as the REPL reads it
    for line in STATEMENTS.lines() {
        same_statements(line, line);
    }
}

/// Mutated statements: the same document and errors both ways, as a file and as statements.
#[test]
fn mutated_statements_parse_the_same_both_ways() {
    let mut rng = Rng(0x5ea7_0001);
    let mut broken = 0;
    for round in 0..ROUNDS {
        let mut text = STATEMENTS.to_string();
        for _ in 0..1 + rng.next() % 3 {
            text = mutate_near(&mut rng, &text, "\n");
        }
        let mut sources = Sources::new();
        let file = sources.add("m.ent", text.as_str());
        if !entitle::syntax::parse_statements_reference(&sources, file).1.is_empty() {
            broken += 1;
        }
        same(&format!("mutated statements {round}"), &text);
        same_statements(&format!("mutated statements {round}"), &text);
    }
    assert!(
        (ROUNDS / 10..ROUNDS * 9 / 10).contains(&broken),
        "{broken} of {ROUNDS} broken"
    );
}

/// The fuzz generator's what-if statements about its policies, each alone (as `Policy::apply`
/// parses it) and all of them after the policy.
#[test]
fn generated_statements_parse_the_same_both_ways() {
    let mut rng = Rng(0x5ea7_0002);
    for i in 0..600 {
        let choices: Vec<u32> = (0..600).map(|_| rng.next() as u32).collect();
        let options = policy_gen::Options {
            mistakes: if i % 3 == 0 { 10 } else { 0 },
            noise: true,
            tests: false,
        };
        let mut cursor = policy_gen::Cursor::new(&choices);
        let (mut text, names) = policy_gen::policy(&mut cursor, options);
        let statements = policy_gen::statements(&mut cursor, options, &names, 8);
        for (j, s) in statements.iter().enumerate() {
            same_statements(&format!("generated {i}, statement {j}"), s);
            text.push('\n');
            text.push_str(s);
        }
        same(&format!("generated {i} with statements"), &text);
    }
}

#[allow(dead_code)]
#[path = "../fuzz/src/policy_gen.rs"]
mod policy_gen;
