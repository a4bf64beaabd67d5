//! Every policy snippet in README.md and docs/*.md is a working policy: it loads, its
//! expectations pass, and it is canonical (`entitle fmt --check`). Command sessions and JSON
//! examples of command output are what the commands print.

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
fn the_documented_access_json_is_what_access_prints() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/commands.md")).unwrap();
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

/// The words of a `$ …` line, split as a POSIX shell would for what the docs use: spaces
/// separate words; '…' and "…" quote (no escapes inside '…'; `\"` and `\\` inside "…").
fn shell_words(line: &str) -> Vec<String> {
    let mut words = vec![];
    let mut word = String::new();
    let mut started = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\'' => {
                started = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                started = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\')) => word.push(chars.next().unwrap()),
                        c => word.push(c),
                    }
                }
            }
            c => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Every `console` block in README.md and docs/*.md is a real session: each `$ entitle …`
/// line is run from the repository's root and what follows it, up to the next `$` line, is
/// exactly what it prints on standard output. A command that ends in `# exit N` must exit N
/// (0 when not said). So the guided tour and the recipes cannot drift from the tool.
#[test]
fn every_console_session_in_the_docs_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sessions = 0;
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (info, body) in blocks(&text) {
            if info != "console" {
                continue;
            }
            let mut lines = body.lines().peekable();
            while let Some(line) = lines.next() {
                let Some(command) = line.strip_prefix("$ ") else {
                    panic!(
                        "{}: a console block starts each command with `$ `: {line:?}",
                        path.display()
                    );
                };
                let (command, code) = match command.split_once("  # exit ") {
                    Some((c, n)) => (c, n.trim().parse::<i32>().expect("# exit N")),
                    None => (command, 0),
                };
                let mut expected = String::new();
                while let Some(l) = lines.next_if(|l| !l.starts_with("$ ")) {
                    expected.push_str(l);
                    expected.push('\n');
                }
                let words = shell_words(command);
                assert_eq!(
                    words[0],
                    "entitle",
                    "{}: only `entitle` commands: {command}",
                    path.display()
                );
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
                    .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
                    .args(&words[1..])
                    .current_dir(root)
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                let stdout = String::from_utf8(out.stdout).unwrap();
                assert_eq!(
                    stdout.trim_end(),
                    expected.trim_end(),
                    "{}: `{command}` prints something else (stderr: {})",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(out.status.code(), Some(code), "{}: `{command}`", path.display());
                sessions += 1;
            }
        }
    }
    assert!(sessions >= 5, "the docs show {sessions} commands with their output");
}

#[test]
fn shell_words_split_as_a_shell_does() {
    assert_eq!(
        shell_words(r#"entitle simulate a.ent --what-if 'set default US deny' "x \"y\"""#),
        [
            "entitle",
            "simulate",
            "a.ent",
            "--what-if",
            "set default US deny",
            "x \"y\""
        ]
    );
}
