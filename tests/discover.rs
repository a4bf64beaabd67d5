//! `entitle init`, `entitle completions` and `entitle man`: the starter policy passes its own
//! tests, is canonical and lint-clean, and the commands `init` suggests work on it; the bash
//! completion script is valid bash and completes; the man pages are roff that groff renders
//! without a warning, one per subcommand.
//!
//! zsh and fish are not on the build machine, so their scripts are only checked for being
//! produced; groff is, and these tests rely on it as on bash.

// Runs the binary and reads the command line's definition: needs the default `cli` feature.
#![cfg(feature = "cli")]

use clap::CommandFactory;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{entitle, Run};

/// Every subcommand's name, from the same definition as `--help` (without `help`).
fn subcommands() -> Vec<String> {
    let names: Vec<String> = entitle::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() > 10, "{names:?}");
    names
}

/// Run `program args` with `input` on standard input.
fn run_with_input(program: &str, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_writes_a_starter_that_passes_its_tests_and_is_canonical_and_lint_clean() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.ent");
    let file = file.to_str().unwrap();
    let r = entitle(&["init", file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);

    let t = entitle(&["test", file]);
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    assert!(t.stdout.contains(" passed, 0 failed"), "{}", t.stdout);
    let passed: usize = t
        .stdout
        .lines()
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(passed >= 5, "{}", t.stdout);

    let f = entitle(&["fmt", "--check", file]);
    assert_eq!(f.code, 0, "{}", f.stderr);

    let l = entitle(&["lint", "--deny-warnings", file]);
    assert_eq!(l.code, 0, "{}{}", l.stdout, l.stderr);
    assert!(l.stdout.contains("no problems found"), "{}", l.stdout);
}

#[test]
fn the_starter_teaches_every_construct_the_brief_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.ent");
    assert_eq!(entitle(&["init", file.to_str().unwrap()]).code, 0);
    let text = read(&file);
    for construct in [
        "account ",
        "  domain ",
        "product ",
        "country ",
        "  default deny",
        "  allow ",
        "group ",
        "  allowed ",
        "  include-country",
        "user ",
        "  roles account-admin, fulfillment-contact",
        "key ",
        "expect ",
        "scenario ",
    ] {
        assert!(text.contains(construct), "no `{construct}` in the starter:\n{text}");
    }
    // in the portal's words
    for term in [
        "Default Access",
        "General Access",
        "Allowed Applications",
        "Include Allowed Applications from the entitlement country",
        "user-level exception",
        "Auto Approval",
        "activation key",
        "Entitlement Management",
        "User Management",
    ] {
        assert!(text.contains(term), "the starter does not say `{term}`");
    }
    let scenarios = text.lines().filter(|l| l.starts_with("scenario ")).count();
    assert_eq!(scenarios, 1);
}

#[test]
fn init_without_a_file_writes_policy_ent_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .arg("init")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = read(&dir.path().join("policy.ent"));
    assert!(text.starts_with("# A starter policy"), "{text}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("entitle test policy.ent"), "{stdout}");
}

/// The commands under `next:`, without their `# …` comments.
fn next_commands(stdout: &str) -> Vec<Vec<String>> {
    let after = stdout.split("next:\n").nth(1).expect("a `next:` section");
    after
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let command = l.split(" # ").next().unwrap();
            command.split_whitespace().map(str::to_string).collect()
        })
        .collect()
}

#[test]
fn the_commands_init_suggests_run_on_the_starter_with_real_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.ent");
    let file = file.to_str().unwrap();
    let r = entitle(&["init", file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let commands = next_commands(&r.stdout);
    let verbs: Vec<&str> = commands.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(verbs, ["test", "explain", "lint", "repl"], "{}", r.stdout);
    for command in &commands {
        assert_eq!(command[0], "entitle");
        assert_eq!(command[2], file, "{}", r.stdout);
        let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
        match command[1].as_str() {
            "test" | "lint" => {
                let run = entitle(&args);
                assert_eq!(run.code, 0, "{command:?}: {}{}", run.stdout, run.stderr);
            }
            "explain" => {
                // a denial worth explaining: it names the deciding rule and verified fixes
                let run = entitle(&args);
                assert_eq!(run.code, 1, "{command:?}: {}{}", run.stdout, run.stderr);
                assert!(run.stdout.starts_with("deny "), "{}", run.stdout);
                assert!(run.stdout.contains("fixes that would make it allow"), "{}", run.stdout);
            }
            "repl" => {
                let run = run_with_input(env!("CARGO_BIN_EXE_entitle"), &args, "access ana@example.com\n");
                assert_eq!(run.code, 0, "{command:?}: {}{}", run.stdout, run.stderr);
                assert!(run.stdout.contains("ProjectWise"), "{}", run.stdout);
            }
            other => panic!("unexpected command {other}"),
        }
    }
}

#[test]
fn init_refuses_to_replace_a_file_and_force_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.ent");
    std::fs::write(&file, "product Mine\n").unwrap();
    let r = entitle(&["init", file.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(read(&file), "product Mine\n");

    let r = entitle(&["init", "--force", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&file).starts_with("# A starter policy"));
    assert_eq!(entitle(&["test", file.to_str().unwrap()]).code, 0);
}

#[cfg(unix)]
#[test]
fn init_counts_a_dangling_symlink_as_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.ent");
    std::os::unix::fs::symlink(dir.path().join("nowhere.ent"), &link).unwrap();
    let r = entitle(&["init", link.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(!dir.path().join("nowhere.ent").exists());
}

#[test]
fn init_into_a_missing_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("missing").join("policy.ent");
    let r = entitle(&["init", file.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(r.stderr.contains("missing"), "{}", r.stderr);
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn init_on_a_folder_suggests_a_file_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    for args in [vec!["init", folder], vec!["init", "--force", folder]] {
        let r = entitle(&args);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("is a folder"), "{}", r.stderr);
        assert!(r.stderr.contains("policy.ent"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// completions

#[test]
fn bash_completions_are_valid_bash_and_complete_subcommands_and_values() {
    let r = entitle(&["completions", "bash"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in subcommands() {
        assert!(r.stdout.contains(&name), "`{name}` missing from the bash script");
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("entitle.bash");
    std::fs::write(&script, &r.stdout).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(
        syntax.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    // load the script and ask it what `entitle ex<TAB>` and `entitle completions <TAB>` give
    let probe = format!(
        r#"source '{}'
COMP_WORDS=(entitle ex); COMP_CWORD=1; COMP_LINE="entitle ex"; COMP_POINT=10
_entitle entitle ex entitle
echo "${{COMPREPLY[@]}}"
COMP_WORDS=(entitle completions ""); COMP_CWORD=2; COMP_LINE="entitle completions "; COMP_POINT=20
_entitle entitle "" completions
echo "${{COMPREPLY[@]}}"
"#,
        script.display()
    );
    let run = run_with_input("bash", &[], &probe);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "explain export", "{}", run.stdout);
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        assert!(lines[1].split(' ').any(|w| w == shell), "{}", run.stdout);
    }
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = entitle(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for name in subcommands() {
            assert!(r.stdout.contains(&name), "`{name}` missing from the {shell} script");
        }
    }
    let r = entitle(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bash"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// man

/// Render roff with groff as plain text (`-P-cbou`: no bold or underline by overstriking);
/// the text, or a panic with groff's warnings (`-ww`: all of them).
fn groff(roff: &str) -> String {
    let run = run_with_input("groff", &["-man", "-Tutf8", "-ww", "-P-cbou"], roff);
    assert_eq!(run.code, 0, "groff: {}", run.stderr);
    assert!(run.stderr.is_empty(), "groff warns:\n{}", run.stderr);
    run.stdout
}

#[test]
fn man_prints_entitle_1_listing_every_subcommand() {
    let r = entitle(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH entitle 1"), "{}", r.stdout);
    assert!(r.stdout.is_ascii(), "non-ASCII characters must be escaped");
    for name in subcommands() {
        let reference = format!("entitle\\-{}(1)", name.replace('-', "\\-"));
        assert!(r.stdout.contains(&reference), "no `{reference}` in entitle(1)");
    }
    let text = groff(&r.stdout);
    assert!(text.contains("SYNOPSIS"), "{text}");
    // the escaped characters come back (the multiplication sign of `principal × product`)
    assert!(
        text.contains("principal  × product") || text.contains("principal × product"),
        "{text}"
    );
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let r = entitle(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut expected: Vec<String> = subcommands().iter().map(|s| format!("entitle-{s}.1")).collect();
    expected.push("entitle.1".to_string());
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    assert_eq!(r.stdout.lines().count(), expected.len(), "{}", r.stdout);

    for name in subcommands() {
        let page = read(&dir.path().join(format!("entitle-{name}.1")));
        assert!(page.contains(&format!(".TH entitle-{name} 1")), "{page}");
        assert!(page.contains(concat!("entitle ", env!("CARGO_PKG_VERSION"))), "{page}");
        let synopsis = format!("\\fBentitle {}\\fR", name.replace('-', "\\-"));
        assert!(page.contains(&synopsis), "no `{synopsis}` in\n{page}");
        let text = groff(&page);
        assert!(text.starts_with(&format!("entitle-{name}(1)")), "{text}");
    }
    let init = read(&dir.path().join("entitle-init.1"));
    assert!(init.contains("\\-\\-force"), "{init}");
    assert_eq!(read(&dir.path().join("entitle.1")), entitle(&["man"]).stdout);
}

#[test]
fn man_dir_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("man1");
    let r = entitle(&["man", "--dir", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(!missing.exists());
}

#[test]
fn help_lists_the_three_commands() {
    let r = entitle(&["--help"]);
    assert_eq!(r.code, 0);
    for line in ["  init ", "  completions ", "  man "] {
        assert!(r.stdout.contains(line), "no `{line}` in --help:\n{}", r.stdout);
    }
}
