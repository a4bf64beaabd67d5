//! The cache of resolved policies: answers from it are the answers without it, an entry is
//! never stale, only valid policies are stored, `--no-cache` neither reads nor writes, and a
//! damaged entry is ignored. Each test uses a cache folder of its own.

// Runs the binary: needs the default `cli` feature.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cache: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .env("ENTITLE_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(cache) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => vec![],
    }
}

const POLICY: &str = "product A\nproduct B\ncountry US { default deny  allow A }\ngroup G in US { allowed B }\nuser kim@x.io { country US  groups G }\nuser lee@x.io { country US }\n";

#[test]
fn answers_from_the_cache_are_the_answers_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "scenarios/include-country.ent",
        "scenarios/revenue-fallback.ent",
        "scenarios/keys-own-country.ent",
    ] {
        let f = root.join(file);
        let f = f.to_str().unwrap();
        let model = entitle::Policy::from_path(Path::new(f)).unwrap();
        let principal = model.model().principal_names().next().unwrap().to_string();
        let product = model.model().product_names().next().unwrap().to_string();
        let questions: Vec<Vec<&str>> = vec![
            vec!["check", f, &principal, &product, "--json"],
            vec!["check", f, &principal, &product],
            vec!["access", f, &principal, "--json"],
            vec!["can", f, &principal, "manage-users"],
            vec!["who", f, &product, "--json"],
            vec!["matrix", f, "--format", "csv"],
            vec!["diff", f, f],
        ];
        for q in &questions {
            let mut plain = q.clone();
            plain.push("--no-cache");
            let expected = run(&cache, &plain);
            let first = run(&cache, q);
            let again = run(&cache, q);
            for r in [&first, &again] {
                assert_eq!(
                    (r.code, &r.stdout, &r.stderr),
                    (expected.code, &expected.stdout, &expected.stderr),
                    "{q:?}"
                );
            }
        }
    }
    // one entry per policy file
    assert_eq!(entries(&cache).len(), 3, "{:?}", entries(&cache));
}

#[test]
fn an_entry_is_never_stale_and_only_valid_policies_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let f = dir.path().join("p.ent");
    let p = f.to_str().unwrap();
    std::fs::write(&f, POLICY).unwrap();
    let r = run(&cache, &["check", p, "lee@x.io", "B"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(entries(&cache).len(), 1);
    assert_eq!(run(&cache, &["check", p, "lee@x.io", "B"]).code, 1);
    // the same name, other content: the new answer
    std::fs::write(&f, POLICY.replace("default deny", "default allow")).unwrap();
    let r = run(&cache, &["check", p, "lee@x.io", "B"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.starts_with("allow lee@x.io B by default-access"),
        "{}",
        r.stdout
    );
    assert_eq!(entries(&cache).len(), 2);
    // an invalid policy: its errors every time, nothing stored
    std::fs::write(&f, format!("{POLICY}group H in Nowhere {{ }}\n")).unwrap();
    for _ in 0..2 {
        let r = run(&cache, &["check", p, "lee@x.io", "B"]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("Nowhere"), "{}", r.stderr);
    }
    assert_eq!(entries(&cache).len(), 2);
    // broken expectations: answered with the warning every time, nothing stored
    std::fs::write(&f, format!("{POLICY}expect nobody@x.io A allow\n")).unwrap();
    for _ in 0..2 {
        let r = run(&cache, &["check", p, "lee@x.io", "A"]);
        assert_eq!(r.code, 0);
        assert!(r.stderr.contains("nobody@x.io"), "{}", r.stderr);
    }
    assert_eq!(entries(&cache).len(), 2);
}

#[test]
fn no_cache_neither_reads_nor_writes_and_a_damaged_entry_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let f = dir.path().join("p.ent");
    let p = f.to_str().unwrap();
    std::fs::write(&f, POLICY).unwrap();
    assert_eq!(run(&cache, &["check", p, "kim@x.io", "B", "--no-cache"]).code, 0);
    assert!(entries(&cache).is_empty());
    assert_eq!(run(&cache, &["check", p, "kim@x.io", "B"]).code, 0);
    let [entry] = entries(&cache).try_into().unwrap();
    // damaged: cut short, then garbage; the answer stays right
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();
    let r = run(&cache, &["check", p, "kim@x.io", "B"]);
    assert_eq!(
        (r.code, r.stdout.starts_with("allow kim@x.io B by group-allowed G")),
        (0, true),
        "{}",
        r.stdout
    );
    std::fs::write(&entry, b"not a model").unwrap();
    let r = run(&cache, &["check", p, "lee@x.io", "B"]);
    assert_eq!(
        (r.code, r.stdout.starts_with("deny lee@x.io B by default-access")),
        (1, true),
        "{}",
        r.stdout
    );
    // a cache folder that cannot be created does not stop the answer
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let r = run(&blocked.join("cache"), &["check", p, "kim@x.io", "B"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
