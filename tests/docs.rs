//! Every policy snippet in README.md and docs/*.md is a working policy: it loads, its
//! expectations pass, and it is canonical (`entitle fmt --check`). JSON examples of command
//! output in the README are what the commands print.

use std::path::Path;

/// The fenced code blocks of a Markdown text: (info string, body).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((info.trim().to_string(), body));
    }
    out
}

/// A block that holds policy text: a `text`, `entitle` or `ent` block with a declaration.
fn is_policy(info: &str, body: &str) -> bool {
    matches!(info, "text" | "entitle" | "ent")
        && body.lines().any(|l| {
            let w = l.split_whitespace().next().unwrap_or("");
            ["account", "product", "country", "group", "user", "key"].contains(&w)
        })
}

fn markdown_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

#[test]
fn every_policy_snippet_passes_its_tests_and_is_canonical() {
    let mut snippets = 0;
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, (info, body)) in blocks(&text).into_iter().enumerate() {
            if !is_policy(&info, &body) {
                continue;
            }
            snippets += 1;
            let name = format!("{} block {i}", path.display());
            let mut sources = entitle::Sources::new();
            let file = sources.add(name.clone(), body.clone());
            let outcome = entitle::testing::run_file(&sources, file);
            assert!(
                outcome.errors.is_empty(),
                "{name}:\n{}",
                entitle::diag::render_all(&outcome.errors, &sources, false)
            );
            assert!(
                outcome.failures.is_empty(),
                "{name}: {} expectation(s) failed",
                outcome.failures.len()
            );
            assert!(
                outcome.passed > 0,
                "{name}: a snippet should show its meaning with `expect` lines"
            );
            let (doc, errors) = entitle::syntax::parse(&sources, file);
            assert!(errors.is_empty());
            assert_eq!(
                entitle::fmt::format_source(&doc, file, &body),
                body,
                "{name} is not canonical"
            );
        }
    }
    assert!(snippets >= 1, "no policy snippet found in README.md");
}

#[test]
fn the_readme_access_json_is_what_access_prints() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let example = blocks(&readme)
        .into_iter()
        .map(|(_, b)| b)
        .find(|b| b.starts_with("{\"principal\":\"ines@globex.com\""))
        .expect("the access --json example");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples-r2/portal-countries.ent");
    let policy = entitle::Policy::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
    let p = policy.principal("ines@globex.com").unwrap();
    let decisions = entitle::render::access(policy.model(), p);
    let json = serde_json::to_string(&entitle::render::access_json(policy.model(), p, &decisions)).unwrap();
    assert_eq!(format!("{json}\n"), example);
}
