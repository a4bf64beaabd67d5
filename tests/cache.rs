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

/// A cache entry read for one principal (`check`, `access` and `can` on a cached policy read
/// only that principal's record) answers every question about that principal exactly as the
/// whole model does; read whole, it is the model it was made from; a name it does not hold, or
/// an entry cut short, is told apart. On every scenario, every principal (asked in another
/// case), every product and every capability.
#[test]
fn an_entry_read_for_one_principal_answers_as_the_whole_model() {
    use entitle::cli::cache::entry::{self, One};
    use entitle::{render, Capability, Policy};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = 0;
    let mut asked = 0;
    let mut names = entries(&root);
    names.sort();
    let mut policies: Vec<(String, Policy)> = names
        .iter()
        .map(|n| {
            (
                n.display().to_string(),
                Policy::from_path(n).unwrap_or_else(|e| panic!("{}: {e:?}", n.display())),
            )
        })
        .collect();
    // and an organisation shaped like a real account
    let cfg = entitle::gen::GenConfig {
        users: 200,
        products: 16,
        groups: 12,
        seed: 7,
    };
    policies.push((
        "gen".into(),
        Policy::parse("gen.ent", &entitle::gen::generate_string(&cfg)).unwrap(),
    ));
    for (name, policy) in &policies {
        let model = policy.model();
        let bytes = entry::encode(model).unwrap();
        // read whole: the same principals, in the same order, found by the same names
        let whole = entry::decode(&bytes[..]).unwrap();
        assert_eq!(format!("{:?}", whole.users), format!("{:?}", model.users));
        assert_eq!(format!("{:?}", whole.keys), format!("{:?}", model.keys));
        assert_eq!(format!("{:?}", whole.groups), format!("{:?}", model.groups));
        for n in model.principal_names() {
            assert_eq!(whole.find_principal(n), model.find_principal(n), "{n}");
        }
        let (sources, file) = (policy.sources().clone(), policy.file());
        let products: Vec<_> = (0..model.products.len() as u32)
            .map(entitle::model::ProductId)
            .collect();
        for n in model.principal_names() {
            let Some(One::Found(m)) = entry::decode_one(&bytes[..], &n.to_uppercase()) else {
                panic!("{name}: {n} not read from the entry")
            };
            let one = Policy::from_model(sources.clone(), file, *m);
            let (p, q) = (policy.principal(n).unwrap(), one.principal(n).unwrap());
            for &x in &products {
                let (a, b) = (
                    entitle::eval::decide(model, p, x),
                    entitle::eval::decide(one.model(), q, x),
                );
                assert_eq!(
                    render::decision_text(policy, p, x, &a),
                    render::decision_text(&one, q, x, &b),
                    "{n}"
                );
                let (ja, jb) = (
                    render::decision_json(policy, p, x, &a),
                    render::decision_json(&one, q, x, &b),
                );
                assert_eq!(serde_json::to_string(&ja).unwrap(), serde_json::to_string(&jb).unwrap());
                asked += 1;
            }
            let sel = entitle::filter::Filter::default();
            let (sa, sb) = (sel.resolve(model).unwrap(), sel.resolve(one.model()).unwrap());
            let (da, db) = (
                render::access_filtered(model, p, &sa),
                render::access_filtered(one.model(), q, &sb),
            );
            assert_eq!(
                serde_json::to_string(&render::access_json(model, p, &da)).unwrap(),
                serde_json::to_string(&render::access_json(one.model(), q, &db)).unwrap()
            );
            assert_eq!(
                render::access_text_limit(model, p, &da, 0),
                render::access_text_limit(one.model(), q, &db, 0)
            );
            assert_eq!(
                render::access_plain(model, p, &da, true),
                render::access_plain(one.model(), q, &db, true)
            );
            for cap in Capability::ALL {
                for x in if cap.takes_product() {
                    products.iter().map(|&x| Some(x)).collect()
                } else {
                    vec![None]
                } {
                    let a = entitle::capability::can(model, p, cap, x);
                    let b = entitle::capability::can(one.model(), q, cap, x);
                    assert_eq!(render::can_text(policy, &a), render::can_text(&one, &b), "{n} {cap:?}");
                    assert_eq!(
                        serde_json::to_string(&render::can_json(policy, &a)).unwrap(),
                        serde_json::to_string(&render::can_json(&one, &b)).unwrap()
                    );
                }
            }
        }
        assert!(matches!(
            entry::decode_one(&bytes[..], "nobody@nowhere.example"),
            Some(One::Missing)
        ));
        // a record's offset damaged (past the records, or before its start): refused, without
        // reading or allocating what it claims
        let offsets_at = bytes.len() - (model.users.len() + model.keys.len() + 1) * 8;
        let first = model.principal_names().next().unwrap();
        for damage in [u64::MAX / 2, 1 << 40] {
            let mut bad = bytes.clone();
            for slot in 0..model.users.len() + model.keys.len() {
                let at = offsets_at + slot * 8;
                bad[at..at + 8].copy_from_slice(&damage.to_le_bytes());
            }
            assert!(entry::decode_one(&bad[..], first).is_none(), "{name}");
            assert!(entry::decode(&bad[..]).is_none(), "{name}");
        }
        // cut short anywhere: nothing reads back (the header knows the size)
        for cut in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            assert!(entry::decode(&bytes[..cut]).is_none(), "cut at {cut}");
            let first = model.principal_names().next().unwrap();
            assert!(entry::decode_one(&bytes[..cut], first).is_none(), "cut at {cut}");
        }
        files += 1;
    }
    assert!(files >= 18 && asked > 3000, "{files} files, {asked} decisions");
}

/// On the command line: every principal of a scenario, asked with `check`, `access` and `can`,
/// from a cache entry read for that principal alone, answers as without the cache.
#[test]
fn check_access_and_can_from_the_cache_answer_as_without_it_for_every_principal() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/keys-own-country.ent");
    let f = f.to_str().unwrap();
    let policy = entitle::Policy::from_path(Path::new(f)).unwrap();
    let product = policy.model().product_names().next().unwrap().to_string();
    // the entry is written by the first run
    assert_ne!(run(&cache, &["check", f, "nobody@x.io", &product]).code, 0);
    assert_eq!(entries(&cache).len(), 1);
    for n in policy.model().principal_names() {
        for q in [
            vec!["check", f, n, &product, "--json"],
            vec!["check", f, n, &product],
            vec!["access", f, n],
            vec!["access", f, n, "--format", "plain"],
            vec!["can", f, n, "receive-alerts", &product, "--json"],
        ] {
            let mut plain = q.clone();
            plain.push("--no-cache");
            let (a, b) = (run(&cache, &q), run(&cache, &plain));
            assert_eq!((a.code, &a.stdout, &a.stderr), (b.code, &b.stdout, &b.stderr), "{q:?}");
        }
    }
    // an unknown name: the closest name, from the whole model
    let r = run(&cache, &["check", f, "nobody@x.io", &product]);
    let plain = run(&cache, &["check", f, "nobody@x.io", &product, "--no-cache"]);
    assert_eq!((r.code, &r.stderr), (plain.code, &plain.stderr));
}

/// The first run of a question answered from the model loads the policy without keeping its
/// syntax tree (`Policy::parse_model_only`: plain user declarations left as text and built one
/// at a time as they are resolved): the same model and the same diagnostics as the full load,
/// on every scenario, every broken fixture, a generated account, and users of both kinds
/// (plain, and with comments, which pest parses) clashing with each other and with keys.
#[test]
fn the_model_only_load_resolves_as_the_full_load() {
    use entitle::Policy;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, String)> = vec![];
    for dir in ["scenarios", "tests/fixtures/bad"] {
        let mut names = entries(&root.join(dir));
        names.sort();
        for n in names.into_iter().filter(|n| n.extension().is_some_and(|x| x == "ent")) {
            files.push((n.display().to_string(), std::fs::read_to_string(&n).unwrap()));
        }
    }
    let cfg = entitle::gen::GenConfig {
        users: 300,
        products: 16,
        groups: 12,
        seed: 3,
    };
    files.push(("gen".into(), entitle::gen::generate_string(&cfg)));
    let mixed = "country US\ngroup G in US { allowed P }\nproduct P\n\
        user a@x.io { country US }\n\
        user b@x.io { country US # built by pest\n}\n\
        key a@x.io { groups G }\n\
        user B@x.io \"Bee\" { country US\n groups G, H }\n\
        key K1 { groups G }\n\
        user k1 { country US }\n\
        user A@X.io { country US } # a duplicate, built by pest\n\
        user c@x.io { country GB\n status gone\n roles admin, nobody\n allow P\n deny P }\n";
    files.push(("mixed".into(), mixed.into()));
    let mut broken = 0;
    for (name, text) in &files {
        let full = Policy::parse_for_queries(name, text.clone());
        let lean = Policy::parse_model_only(name, text.clone());
        match (full, lean) {
            (Ok((a, wa)), Ok((b, wb))) => {
                assert_eq!(format!("{wa:?}"), format!("{wb:?}"), "{name}");
                let (a, b) = (a.model(), b.model());
                assert_eq!(format!("{:?}", a.users), format!("{:?}", b.users), "{name}");
                assert_eq!(format!("{:?}", a.keys), format!("{:?}", b.keys), "{name}");
                assert_eq!(format!("{:?}", a.groups), format!("{:?}", b.groups), "{name}");
                assert_eq!(format!("{:?}", a.account), format!("{:?}", b.account), "{name}");
                for n in a.principal_names() {
                    assert_eq!(a.find_principal(n), b.find_principal(n), "{name}: {n}");
                }
            }
            (Err(a), Err(b)) => {
                assert_eq!(format!("{:?}", a.diagnostics), format!("{:?}", b.diagnostics), "{name}");
                broken += 1;
            }
            (a, b) => panic!("{name}: {:?} / {:?}", a.is_ok(), b.is_ok()),
        }
    }
    assert!(
        broken >= 6 && files.len() - broken >= 18,
        "{broken} broken of {}",
        files.len()
    );
}
