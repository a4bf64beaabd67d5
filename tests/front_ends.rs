//! The REPL and the command line print the same bytes for the same query: both call
//! `entitle::render`. For every shipped scenario: `check` and `explain` for every principal ×
//! product, `access` for every principal, `who` for every product, `can` for every principal ×
//! capability (and product, for receive-alerts).

// Uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::capability::Capability;
use entitle::repl::Session;
use entitle::Policy;
use std::path::{Path, PathBuf};

/// A name as typed at the REPL prompt: always quoted (the REPL resolves `\"` and `\\`).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The CLI's standard output and exit code for `args`.
fn cli(args: &[&str]) -> (String, i32) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = entitle::cli::run_to(args, &mut out, &mut err);
    assert!(code != 2, "{args:?}: {}", String::from_utf8_lossy(&err));
    (String::from_utf8(out).unwrap(), code)
}

fn scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ent"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_query_prints_the_same_bytes_in_the_repl_and_on_the_command_line() {
    let mut compared = 0;
    for path in scenarios() {
        let file = path.to_str().unwrap();
        let policy = Policy::from_path(&path).unwrap();
        let mut session = Session::load(&path, false).unwrap().0;
        let m = policy.model();
        let principals: Vec<String> = m.principals().map(|p| m.principal_name(p).to_string()).collect();
        let products: Vec<String> = m.products.iter().map(|x| x.name.clone()).collect();
        let mut same = |cli_args: Vec<&str>, repl_line: String| {
            let (out, _) = cli(&cli_args);
            assert!(!out.is_empty(), "{cli_args:?}");
            assert_eq!(session.handle(&repl_line), out, "{file}: `{repl_line}` vs {cli_args:?}");
            compared += 1;
        };
        for p in &principals {
            for x in &products {
                for q in ["check", "explain"] {
                    same(vec![q, file, p, x], format!("{q} {} {}", quote(p), quote(x)));
                }
            }
            same(vec!["access", file, p], format!("access {}", quote(p)));
            for c in Capability::ALL {
                if c.takes_product() {
                    for x in &products {
                        same(
                            vec!["can", file, p, c.as_str(), x],
                            format!("can {} {} {}", quote(p), c.as_str(), quote(x)),
                        );
                    }
                } else {
                    same(
                        vec!["can", file, p, c.as_str()],
                        format!("can {} {}", quote(p), c.as_str()),
                    );
                }
            }
        }
        for x in &products {
            same(vec!["who", file, x], format!("who {}", quote(x)));
        }
    }
    assert!(compared > 1000, "only {compared} queries compared");
}

/// A product's display name and a principal's name in any case are the same query in both.
#[test]
fn names_resolve_the_same_way() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/microstation-ab.ent");
    let file = path.to_str().unwrap();
    let mut session = Session::load(&path, false).unwrap().0;
    let policy = Policy::from_path(&path).unwrap();
    let m = policy.model();
    let p = m.principal_name(m.principals().next().unwrap()).to_uppercase();
    let x = m.products[0]
        .display
        .clone()
        .unwrap_or_else(|| m.products[0].name.to_lowercase());
    let (out, _) = cli(&["explain", file, &p, &x]);
    assert_eq!(session.handle(&format!("explain {} {}", quote(&p), quote(&x))), out);
}
