//! `entitle test`: folders, the summary line with errors (LANGUAGE.md §8), `--junit` and
//! `--coverage`, run through the binary in a temporary folder (so paths print relative).

#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `entitle` in `dir`.
fn entitle_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run entitle");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const PASSING: &str = "product A\nproduct B\ncountry US { default deny  allow B }\nuser ann@x.com { country US }\n\
expect ann@x.com A deny by default-access\nexpect ann@x.com B allow by product-access\n";
const FAILING: &str =
    "product A\ncountry US { default deny }\nuser ann@x.com { country US }\nexpect ann@x.com A allow\n";

#[test]
fn a_folder_is_searched_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pol/b.ent", PASSING);
    write(d, "pol/a/z.ent", PASSING);
    write(d, "pol/a/y.ent", PASSING);
    write(d, "pol/notes.txt", "not a policy");
    // skipped: hidden folders, hidden files and `target/` (these would fail)
    write(d, "pol/.git/x.ent", FAILING);
    write(d, "pol/.hidden.ent", FAILING);
    write(d, "pol/target/t.ent", FAILING);
    write(d, "single.ent", PASSING);
    let r = entitle_in(d, &["test", "single.ent", "pol"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let files: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ok    "))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(files, ["single.ent", "pol/a/y.ent", "pol/a/z.ent", "pol/b.ent"]);
    assert_eq!(r.stdout.lines().last(), Some("8 passed, 0 failed"));

    // a file named twice (alone and inside its folder) runs once
    let r = entitle_in(d, &["test", "pol/b.ent", "pol"]);
    assert_eq!(r.stdout.lines().last(), Some("6 passed, 0 failed"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("pol/b.ent").count(), 1, "{}", r.stdout);

    // a hidden file named on the command line does run
    let r = entitle_in(d, &["test", "pol/.hidden.ent"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().last(), Some("0 passed, 1 failed"));
}

#[test]
fn a_folder_without_policy_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "empty/readme.txt", "nothing here");
    write(d, "empty/.hidden/x.ent", PASSING);
    write(d, "good.ent", PASSING);
    let r = entitle_in(d, &["test", "empty", "good.ent"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("no `.ent` file in the folder `empty`"),
        "{}",
        r.stderr
    );
    // the other files still run; the folder counts as one error
    assert_eq!(r.stdout.lines().last(), Some("2 passed, 0 failed, 1 error"));
}

#[test]
fn files_that_fail_to_load_count_among_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mixed/good.ent", PASSING);
    // two syntax errors: two error diagnostics
    write(
        d,
        "mixed/sub/broken.ent",
        "product A\ncountry US { default maybe }\nuser ann@x.com { country US stauts active }\n",
    );
    // a duplicate: one
    write(d, "mixed/sub/duplicate.ent", "product A\nproduct A\n");
    let r = entitle_in(d, &["test", "mixed"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("error mixed/sub/broken.ent"), "{}", r.stdout);
    assert!(r.stdout.contains("error mixed/sub/duplicate.ent"), "{}", r.stdout);
    assert!(r.stderr.contains("declared twice"), "{}", r.stderr);
    let last = r.stdout.lines().last().unwrap();
    assert!(last.starts_with("2 passed, 0 failed, "), "{last}");
    let k: usize = last
        .trim_start_matches("2 passed, 0 failed, ")
        .trim_end_matches(" errors")
        .parse()
        .unwrap();
    assert_eq!(
        k,
        r.stderr.matches("] Error:").count(),
        "K counts the error diagnostics:\n{}",
        r.stderr
    );
    assert!(k >= 3, "{last}");

    // a file that cannot be read counts one
    let r = entitle_in(d, &["test", "mixed/good.ent", "missing.ent"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout.lines().last(), Some("2 passed, 0 failed, 1 error"));
}

#[test]
fn the_shipped_scenarios_are_green_and_the_bad_fixtures_are_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = entitle_in(root, &["test", "scenarios"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let last = r.stdout.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");

    let r = entitle_in(root, &["test", "tests/fixtures/bad"]);
    assert_eq!(r.code, 2);
    let files = std::fs::read_dir(root.join("tests/fixtures/bad")).unwrap().count();
    assert_eq!(
        r.stdout.lines().filter(|l| l.starts_with("error ")).count(),
        files,
        "{}",
        r.stdout
    );
    let last = r.stdout.lines().last().unwrap();
    let errors: usize = last
        .rsplit(", ")
        .next()
        .unwrap()
        .trim_end_matches(" errors")
        .parse()
        .unwrap();
    assert!(errors >= files, "every bad file counts at least one error: {last}");
}

const JUNIT_POLICY: &str = "product A
product B
country US { default deny }
user ann@x.com { country US }
expect ann@x.com A deny by default-access
expect ann@x.com B allow
scenario \"broken <edit>\" {
  set default Nowhere allow
  expect ann@x.com A allow
}
";

#[test]
fn junit_has_one_suite_per_file_and_one_case_per_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "p.ent", JUNIT_POLICY);
    write(d, "broken.ent", "product A\nproduct A\n");
    let r = entitle_in(d, &["test", "p.ent", "broken.ent", "--junit", "out/report.xml"]);
    // the folder `out` does not exist: the report cannot be written, which is an error
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot write `out/report.xml`"), "{}", r.stderr);

    let r = entitle_in(d, &["test", "p.ent", "broken.ent", "--junit", "report.xml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().last(), Some("1 passed, 1 failed, 2 errors"));
    let xml = std::fs::read_to_string(d.join("report.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attrs = |n: roxmltree::Node, names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|a| n.attribute(*a).unwrap_or("-").to_string())
            .collect()
    };
    let counts = ["tests", "failures", "errors", "skipped"];
    assert_eq!(attrs(root, &counts), ["5", "1", "2", "1"]);
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].attribute("name"), Some("p.ent"));
    assert_eq!(attrs(suites[0], &counts), ["4", "1", "1", "1"]);
    assert_eq!(suites[1].attribute("name"), Some("broken.ent"));
    assert_eq!(attrs(suites[1], &counts), ["1", "0", "1", "0"]);

    let cases: Vec<_> = suites[0].children().filter(|n| n.has_tag_name("testcase")).collect();
    let names: Vec<&str> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "line 5: expect ann@x.com A deny by default-access",
            "line 6: expect ann@x.com B allow",
            "line 8: set default Nowhere allow",
            "line 9: expect ann@x.com A allow",
        ]
    );
    let classes: Vec<&str> = cases.iter().map(|c| c.attribute("classname").unwrap()).collect();
    let scenario = "p.ent > scenario \"broken <edit>\"";
    assert_eq!(classes, ["p.ent", "p.ent", scenario, scenario]);
    let child = |c: &roxmltree::Node| c.first_element_child().map(|e| e.tag_name().name().to_string());
    assert_eq!(
        cases.iter().map(child).collect::<Vec<_>>(),
        [
            None,
            Some("failure".into()),
            Some("error".into()),
            Some("skipped".into())
        ]
    );
    let failure = cases[1].first_element_child().unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected allow, actual deny by default-access (decided at p.ent:3:14)")
    );
    assert!(
        failure.text().unwrap().contains("expectation failed: ann@x.com B"),
        "{xml}"
    );
    let error = cases[2].first_element_child().unwrap();
    assert!(error.attribute("message").unwrap().contains("Nowhere"), "{xml}");

    let load: Vec<_> = suites[1].children().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(load.len(), 1);
    assert_eq!(load[0].attribute("name"), Some("load"));
    let error = load[0].first_element_child().unwrap();
    assert_eq!(error.tag_name().name(), "error");
    assert_eq!(error.attribute("type"), Some("duplicate"));
    assert!(error.text().unwrap().contains("broken.ent:2:9"), "{xml}");
}

/// Line numbers matter below: the coverage report names them.
const COVERAGE_POLICY: &str = "product A
product B
product C
country US {
  default deny
  allow B
  deny C
}
group G in US {
  allowed A
}
group H in US { }
user ann@x.com {
  country US
  groups G
  status active
}
user bob@x.com {
  country US
  allow C
}
user cy@x.com { country US }
product D
expect ann@x.com A allow by group-allowed G
expect bob@x.com B allow by product-access
scenario \"C for bob\" {
  set access US C inherit
  expect bob@x.com C allow by user-exception
}
";

#[test]
fn coverage_names_the_statements_decisions_rest_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "cov.ent", COVERAGE_POLICY);
    let r = entitle_in(d, &["test", "cov.ent", "--coverage"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let text = r
        .stdout
        .split_once("3 passed, 0 failed\n")
        .expect("summary before coverage")
        .1;
    assert_eq!(
        text,
        "coverage: 7 of 10 statements covered (70.0%)
  cov.ent: 7 of 10 (70.0%)
    not covered  line 5    default deny  (country US)
    not covered  line 7    deny C  (country US)
    not covered  line 22   country US  (user cy@x.com)
    not reached  line 12   group H
    not reached  line 22   user cy@x.com
    not reached  line 23   product D
"
    );

    let r = entitle_in(d, &["test", "cov.ent", "--coverage", "--json"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64(), v["errors"].as_u64()),
        (Some(3), Some(0), Some(0))
    );
    let c = &v["coverage"];
    assert!(c["definition"].as_str().unwrap().contains("covered when"));
    assert_eq!(
        (c["statements"].as_u64(), c["covered"].as_u64(), c["percent"].as_f64()),
        (Some(10), Some(7), Some(70.0))
    );
    let f = &c["files"][0];
    let lines = |key: &str| -> Vec<u64> {
        f[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["line"].as_u64().unwrap())
            .collect()
    };
    // 10 allowed A decided ann; 14, 15, 16 her country, membership of G, status; 6 allow B
    // decided bob; 19 his country; 20 his exception decided in the scenario
    assert_eq!(lines("covered_statements"), [6, 10, 14, 15, 16, 19, 20]);
    assert_eq!(lines("uncovered_statements"), [5, 7, 22]);
    let unreached: Vec<(&str, &str)> = f["unreached_declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["kind"].as_str().unwrap(), x["name"].as_str().unwrap()))
        .collect();
    // C is reached: the scenario's expectation names it
    assert_eq!(unreached, [("group", "H"), ("user", "cy@x.com"), ("product", "D")]);
    let hits: Vec<u64> = f["covered_statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["expectations"].as_u64().unwrap())
        .collect();
    // line 19 (bob's country) supports both of his expectations
    assert_eq!(hits, [1, 1, 1, 1, 1, 2, 1]);
}

#[test]
fn json_without_coverage_lists_files_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "f.ent", FAILING);
    let r = entitle_in(d, &["test", "f.ent", "--json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v.get("coverage").is_none());
    assert_eq!(v["files"][0]["status"], "fail");
    let f = &v["failures"][0];
    assert_eq!((f["line"].as_u64(), f["expected"].as_str()), (Some(4), Some("allow")));
    assert_eq!(f["actual"]["rule"], "default-access");
    assert_eq!(f["actual"]["source"]["line"], 2);
}

#[test]
fn help_defines_coverage() {
    let r = entitle_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["test", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("A statement is covered when"), "{}", r.stdout);
    assert!(r.stdout.contains("--junit <FILE>"), "{}", r.stdout);
}
