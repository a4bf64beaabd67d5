//! The REPL core driven by scripted sessions (transcripts snapshot-tested), its completer,
//! hints and multi-line validation, and piped mode end to end.

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::repl::{is_incomplete, EofAction, ReplHelper, Session};
use entitle::Policy;
use std::path::Path;

const POLICY: &str = r#"# Acme: a small account for REPL sessions
account "Acme Engineering" {
  domain acme.com auto-approve
  domain partner.io
  alerts MicroStation
}

product MicroStation
product OpenRoads "OpenRoads Designer"
product LumenRT

country US "United States" {
  covers CA
  entitled MicroStation, OpenRoads, LumenRT
  default deny
  allow MicroStation
}

group Design in US {
  allowed MicroStation
  include-country
}
group Legacy in US {
  exception allow LumenRT  # old-style grant
  exception deny OpenRoads
}

user alice@acme.com "Alice Smith" {
  country US
  groups Design
  roles account-admin, fulfillment-contact
}
user bob@acme.com {
  country CA
  groups Legacy
}
user carol@partner.io {
  country US
  status pending
}

key SS-0001 { groups Design }

expect alice@acme.com MicroStation allow by group-allowed Design
expect bob@acme.com LumenRT allow by group-exception Legacy
"#;

fn session() -> Session {
    let policy = Policy::parse("acme.ent", POLICY).expect("test policy loads");
    Session::new("acme.ent", policy, false)
}

/// Feed lines to the session and record a transcript: each line after the session's prompt
/// (`entitle> `, `entitle*> ` once edited, `    ...> ` inside an open block), then what it
/// printed.
fn transcript(s: &mut Session, lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&format!("{}{line}\n", s.prompt()));
        out.push_str(&s.handle(line));
    }
    out.push_str("<end of input>\n");
    out.push_str(&s.finish());
    out
}

#[test]
fn ask_edit_ask_again_compare_undo_show_save_load() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().to_str().unwrap().to_string();
    let saved = format!("{tmp}/acme-converted.ent");
    let other = format!("{tmp}/other.ent");
    std::fs::write(&other, "product Solo\ncountry DE { }\nuser eva@x.de { country DE }\n").unwrap();
    let original = dir.path().join("acme.ent");
    std::fs::write(&original, POLICY).unwrap();

    let mut s = session();
    let save_cmd = format!(":save {saved}");
    let load_cmd = format!(":load {other}");
    let text = transcript(
        &mut s,
        &[
            "check bob@acme.com LumenRT",
            "convert Legacy",
            "check bob@acme.com LumenRT",
            ":diff",
            ":undo",
            ":diff",
            ":undo",
            "set access US LumenRT allow",
            "check alice@acme.com LumenRT",
            ":diff",
            ":show Legacy",
            ":show \"OpenRoads Designer\"",
            ":show nobody",
            &save_cmd,
            ":reset",
            ":diff",
            ":undo",
            ":show US",
            &load_cmd,
            "check eva@x.de Solo",
            ":diff",
            ":quit",
        ],
    );
    assert!(s.should_quit());
    let text = text.replace(&tmp, "[TMP]");
    insta::assert_snapshot!("session", text);

    // the saved file holds the working copy and loads again; the original is untouched
    let written = std::fs::read_to_string(&saved).unwrap();
    let reloaded = Policy::parse("saved.ent", &written).expect("saved policy loads");
    assert_eq!(
        reloaded.check("alice@acme.com", "LumenRT").unwrap().rule,
        entitle::Rule::GroupIncludeCountry,
        "{written}"
    );
    assert!(
        written.contains("allow MicroStation, LumenRT") || written.contains("allow LumenRT"),
        "{written}"
    );
    assert!(written.contains("# old-style grant"), "comments are kept: {written}");
    // the one edit engine keeps every byte the edit did not touch
    assert_eq!(
        written,
        POLICY.replacen("  allow MicroStation\n}", "  allow MicroStation\n  allow LumenRT\n}", 1)
    );
    assert_eq!(std::fs::read_to_string(&original).unwrap(), POLICY);
    insta::assert_snapshot!("saved_file", written);
}

#[test]
fn bad_input_is_answered_and_the_session_goes_on() {
    let mut s = session();
    let text = transcript(
        &mut s,
        &[
            "check bob@acme.com Lumen",
            "check bobby@acme.com LumenRT",
            "chek bob@acme.com LumenRT",
            "check bob@acme.com",
            "who LumenRT extra words",
            "set default US maybe",
            "remove group Desing",
            "check \"bob@acme.com LumenRT",
            ":frobnicate",
            "expect bob@acme.com LumenRT allow",
            "check alice@acme.com MicroStation",
        ],
    );
    assert_eq!(s.edits(), 0, "failed edits change nothing");
    insta::assert_snapshot!("bad_input", text);
}

#[test]
fn queries_match_the_command_line() {
    let mut s = session();
    let text = transcript(
        &mut s,
        &[
            "explain bob@acme.com MicroStation",
            "can alice@acme.com manage-users",
            "can carol@partner.io receive-billing",
            "can SS-0001 manage-entitlements",
            "can alice@acme.com receive-alerts MicroStation",
            "can alice@acme.com receive-alerts",
            "can alice@acme.com recieve-billing",
            "can alice@acme.com manage-users LumenRT",
            "who LumenRT",
            "who \"OpenRoads Designer\"",
        ],
    );
    insta::assert_snapshot!("queries", text);
    // same text as the command line's formatting functions
    let p = s.policy();
    let (who, what) = (p.principal("bob@acme.com").unwrap(), p.product("MicroStation").unwrap());
    let d = entitle::eval::decide(p.model(), who, what);
    let line = entitle::cli::decision_text(p, who, what, &d);
    assert_eq!(s.handle("check bob@acme.com MicroStation"), line);
}

#[test]
fn a_block_over_several_lines_is_one_edit() {
    let mut s = session();
    let text = transcript(
        &mut s,
        &[
            "group Viz in US {",
            "  allowed LumenRT   # the { visualisation } group",
            "  include-country",
            "}",
            "user bob@acme.com { country CA  groups Viz, Legacy }",
            "check bob@acme.com LumenRT",
            ":show Viz",
            ":undo",
            ":undo",
            ":undo",
            "register dan@acme.com country US",
            "register erin@elsewhere.org country CA",
            "set domain elsewhere.org on",
            "register erin@elsewhere.org country CA",
            "who LumenRT",
            "remove product OpenRoads",
            ":diff",
            "group Broken in US {",
            "  allowed Nothing",
        ],
    );
    insta::assert_snapshot!("multiline", text);
}

#[test]
fn show_finds_declarations_by_name_and_kind() {
    let mut s = session();
    let text = transcript(
        &mut s,
        &[
            ":show account",
            ":show group",
            ":show country \"united states\"",
            ":show key ss-0001",
            ":show user Design",
            ":show widget Design",
            "remove country US",
            ":show group",
            ":show",
        ],
    );
    insta::assert_snapshot!("show", text);
}

#[test]
fn help_lists_every_command() {
    let mut s = session();
    let help = s.handle(":help");
    for cmd in [
        "check", "explain", "can", "who", ":diff", ":undo", ":reset", ":show", ":save", ":load", ":help", ":quit",
    ] {
        assert!(help.contains(cmd), "{cmd} missing from:\n{help}");
    }
    insta::assert_snapshot!("help", help);
}

#[test]
fn save_never_writes_unless_named_and_reports_bad_paths() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session();
    let out = s.handle(":save");
    assert!(out.contains("`:save` needs FILE"), "{out}");
    let missing = dir.path().join("no/such/dir/x.ent");
    let out = s.handle(&format!(":save {}", missing.display()));
    assert!(out.contains("cannot write"), "{out}");
    assert!(!missing.exists());
    // removing a user leaves the top-level expectation about them out of the saved file
    s.handle("remove user bob@acme.com");
    let target = dir.path().join("without-bob.ent");
    let out = s.handle(&format!(":save {}", target.display()));
    assert!(out.contains("left out 1 expectation"), "{out}");
    assert!(
        out.contains("expect bob@acme.com LumenRT allow by group-exception Legacy"),
        "{out}"
    );
    let written = std::fs::read_to_string(&target).unwrap();
    Policy::parse("w.ent", &written).expect("loads");
    assert!(!written.contains("bob@acme.com"), "{written}");
}

#[test]
fn the_loaded_file_is_written_only_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ent");
    std::fs::write(&path, POLICY).unwrap();
    let mut s = Session::load(&path, false).unwrap().0;
    s.handle("set default US allow");
    s.handle(":diff");
    s.handle(":reset");
    s.handle(":undo");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        POLICY,
        "nothing writes the loaded file by itself"
    );
    let out = s.handle(&format!(":save {}", path.display()));
    assert!(out.starts_with("saved "), "{out}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("default allow"), "{written}");
    let reloaded = Policy::from_path(&path).expect("loads");
    assert_eq!(
        reloaded.check("carol@partner.io", "LumenRT").unwrap().rule,
        entitle::Rule::Status
    );
    // no temporary file is left behind
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn load_of_a_bad_file_keeps_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ent");
    std::fs::write(&bad, "product A\ngroup G in Nowhere { }\n").unwrap();
    let mut s = session();
    s.handle("convert Legacy");
    let out = s.handle(&format!(":load {}", bad.display()));
    assert!(out.contains("unknown country `Nowhere`"), "{out}");
    assert!(out.contains("not loaded: the session is unchanged"), "{out}");
    assert_eq!(s.edits(), 1);
    assert_eq!(s.path(), Path::new("acme.ent"));
    let out = s.handle(&format!(":load {}", dir.path().join("missing.ent").display()));
    assert!(out.contains("cannot read"), "{out}");
}

#[test]
fn piped_input_handles_lines_like_the_terminal() {
    // comments and blank lines print nothing; `;` separates statements on one line
    let mut s = session();
    assert_eq!(s.handle(""), "");
    assert_eq!(s.handle("   # just a comment"), "");
    let out = s.handle("set default US allow; clear-exceptions Legacy");
    assert!(
        out.starts_with("applied: set default US allow; clear-exceptions Legacy"),
        "{out}"
    );
    assert_eq!(s.edits(), 2);
    let out = s.handle(":undo");
    assert!(out.contains("the working copy is the loaded policy"), "{out}");
    assert_eq!(s.prompt(), "entitle> ");
}

// ---------------------------------------------------------------- completion, hints, validation

fn complete(line: &str) -> Vec<String> {
    let s = session();
    let helper = ReplHelper::new(&s);
    let (start, words) = helper.completions(line, line.len());
    // through the rustyline trait too: same answer
    let history = rustyline::history::DefaultHistory::new();
    let ctx = rustyline::Context::new(&history);
    let (start2, pairs) = rustyline::completion::Completer::complete(&helper, line, line.len(), &ctx).unwrap();
    assert_eq!(start, start2);
    assert_eq!(words, pairs.iter().map(|p| p.replacement.clone()).collect::<Vec<_>>());
    words.into_iter().map(|w| format!("{}{w}", &line[..start])).collect()
}

#[test]
fn completion_of_commands_and_keywords() {
    assert_eq!(complete(":s"), [":save", ":show"]);
    assert_eq!(
        complete("c"),
        ["can", "check", "clear-exceptions", "convert", "country"]
    );
    assert_eq!(complete("ex"), ["explain"]);
    assert!(complete("").contains(&":diff".to_string()));
    assert_eq!(
        complete("remove "),
        [
            "remove country",
            "remove group",
            "remove key",
            "remove product",
            "remove user"
        ]
    );
    assert_eq!(
        complete("set "),
        [
            "set access",
            "set allowed",
            "set default",
            "set domain",
            "set entitled",
            "set entitlement-country",
            "set exception",
            "set global",
            "set group-exception",
            "set include-country",
            "set key-country",
            "set member",
            "set revenue",
            "set status"
        ]
    );
    assert_eq!(
        complete("set e"),
        ["set entitled", "set entitlement-country", "set exception"]
    );
    assert_eq!(
        complete("set member Viz "),
        [
            "set member Viz alice@acme.com",
            "set member Viz bob@acme.com",
            "set member Viz carol@partner.io",
            "set member Viz SS-0001"
        ]
    );
    assert_eq!(complete("set revenue US "), ["set revenue US none"]);
    assert_eq!(
        complete("set status bob@acme.com l"),
        ["set status bob@acme.com locked"]
    );
    assert_eq!(
        complete("set access US LumenRT "),
        [
            "set access US LumenRT allow",
            "set access US LumenRT deny",
            "set access US LumenRT inherit"
        ]
    );
    assert_eq!(
        complete("can alice@acme.com manage-"),
        [
            "can alice@acme.com manage-domains",
            "can alice@acme.com manage-entitlements",
            "can alice@acme.com manage-users"
        ]
    );
}

#[test]
fn completion_of_the_policy_names() {
    assert_eq!(
        complete("check "),
        [
            "check alice@acme.com",
            "check bob@acme.com",
            "check carol@partner.io",
            "check SS-0001"
        ]
    );
    assert_eq!(complete("check B"), ["check bob@acme.com"]);
    assert_eq!(
        complete("check bob@acme.com open"),
        [
            "check bob@acme.com OpenRoads",
            "check bob@acme.com \"OpenRoads Designer\""
        ]
    );
    assert_eq!(complete("who \"OpenRoads D"), ["who \"OpenRoads Designer\""]);
    assert_eq!(complete("convert "), ["convert Design", "convert Legacy"]);
    assert_eq!(complete("remove group l"), ["remove group Legacy"]);
    assert_eq!(complete("remove user c"), ["remove user carol@partner.io"]);
    assert_eq!(
        complete("set default u"),
        ["set default \"United States\"", "set default US"]
    );
    assert_eq!(complete(":show SS"), [":show SS-0001"]);
    assert_eq!(complete("group Viz in "), ["group Viz in US"]);
    assert_eq!(complete("register dan@acme.com c"), ["register dan@acme.com country"]);
    // file names after :save and :load (tests run in the crate's folder)
    assert_eq!(
        complete(":load scenarios/microstation-a"),
        [":load scenarios/microstation-ab.ent"]
    );
}

#[test]
fn completion_inside_blocks() {
    assert_eq!(
        complete("group Viz in US {\n  allowed Lu"),
        ["group Viz in US {\n  allowed LumenRT"]
    );
    assert_eq!(
        complete("group Viz in US { allowed LumenRT, Mi"),
        ["group Viz in US { allowed LumenRT, MicroStation"]
    );
    assert_eq!(complete("group Viz in US { in"), ["group Viz in US { include-country"]);
    assert_eq!(
        complete("user x@acme.com { country US; groups "),
        [
            "user x@acme.com { country US; groups Design",
            "user x@acme.com { country US; groups Legacy"
        ]
    );
    assert_eq!(
        complete("user x@acme.com { roles co"),
        ["user x@acme.com { roles co-admin"]
    );
    assert_eq!(
        complete("country FR { default "),
        ["country FR { default allow", "country FR { default deny"]
    );
    assert!(complete("check bob # a comment ").is_empty());
}

#[test]
fn completion_follows_the_working_copy() {
    let mut s = session();
    s.handle("product \"Bridge Designer\"");
    let helper = ReplHelper::new(&s);
    assert_eq!(helper.completions("who Br", 6).1, ["\"Bridge Designer\""]);
    // a reserved word is quoted
    s.handle("product \"access\"");
    let mut helper = ReplHelper::new(&s);
    assert_eq!(helper.completions("who ac", 6).1, ["\"access\""]);
    s.handle(":reset");
    helper.refresh(&s);
    assert!(helper.completions("who ac", 6).1.is_empty());
}

#[test]
fn hints_show_the_arguments_still_to_type() {
    let s = session();
    let h = ReplHelper::new(&s);
    let hint = |line: &str| h.shape_hint(line, line.len());
    assert_eq!(hint("check").as_deref(), Some(" PRINCIPAL PRODUCT"));
    assert_eq!(hint("check ").as_deref(), Some("PRINCIPAL PRODUCT"));
    assert_eq!(hint("check alice@acme.com ").as_deref(), Some("PRODUCT"));
    assert_eq!(hint("check alice@acme.com MicroStation "), None);
    assert_eq!(hint("check alice@acme.com Micro"), None);
    assert_eq!(
        hint("can alice@acme.com ").as_deref(),
        Some("CAPABILITY [PRODUCT] [--format plain|markdown]")
    );
    assert_eq!(
        hint("set access ").as_deref(),
        Some("COUNTRY PRODUCT allow|deny|inherit")
    );
    assert_eq!(hint(":save ").as_deref(), Some("FILE"));
    assert_eq!(hint("remove ").as_deref(), Some("user|key|group|product|country NAME"));
    assert_eq!(hint(":diff").as_deref(), Some(" [--FILTER VALUE]…"));
    // hints come only at the end of the line
    assert_eq!(h.shape_hint("check ", 3), None);
}

#[test]
fn open_blocks_are_incomplete() {
    assert!(is_incomplete("group A in US {"));
    assert!(is_incomplete("group A in US {\n  allowed X\n  exception allow Y"));
    assert!(!is_incomplete("group A in US {\n  allowed X\n}"));
    assert!(!is_incomplete("group A in US { }"));
    assert!(!is_incomplete("product \"{\""), "braces in strings do not count");
    assert!(!is_incomplete("product A # {"), "braces in comments do not count");
    assert!(is_incomplete("user \"a{\\\"b\" {"), "escaped quotes stay in the string");
    assert!(!is_incomplete("}"));
    assert!(!is_incomplete("check alice@acme.com MicroStation"));
}

#[test]
fn the_piped_loop_reads_lines_until_quit() {
    let mut s = session();
    let input = "check bob@acme.com LumenRT\r\nconvert Legacy\ngroup Viz in US {\n  allowed LumenRT\n}\ncheck nobody LumenRT\n:quit\ncheck bob@acme.com LumenRT\n";
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = entitle::repl::run_piped(&mut s, input.as_bytes(), &mut out, &mut err);
    let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
    assert_eq!(code, 1, "`check nobody` was answered with an error: exit 1");
    // a session in which every line succeeds exits 0
    let (mut out2, mut err2) = (Vec::new(), Vec::new());
    let clean = entitle::repl::run_piped(
        &mut session(),
        "check bob@acme.com LumenRT\nconvert Legacy\n".as_bytes(),
        &mut out2,
        &mut err2,
    );
    assert_eq!(clean, 0, "{}", String::from_utf8_lossy(&err2));
    assert_eq!(
        out,
        "allow bob@acme.com LumenRT by group-exception Legacy (entitlement country US)\n  at acme.ent:24:3  exception allow LumenRT\n\
         applied: convert Legacy (3 decisions changed)\n\
         applied: add group Viz (no decision changed)\n"
    );
    assert!(
        err.contains("unknown principal (user email or key id) `nobody`"),
        "{err}"
    );
    assert!(err.contains("<input 4>:1:7"), "{err}");
    // an unfinished block at the end of input is reported, not applied
    let mut s = session();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = entitle::repl::run_piped(
        &mut s,
        "group G in US {\n  allowed LumenRT\n".as_bytes(),
        &mut out,
        &mut err,
    );
    assert_eq!(code, 1, "an unfinished block is an error");
    assert!(out.is_empty());
    assert!(String::from_utf8(err).unwrap().contains("a `{` is never closed"));
    assert_eq!(s.edits(), 0);
}

/// The REPL answers `who` and `can` exactly as the command line does.
#[test]
fn who_and_can_print_what_the_command_line_prints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ent");
    std::fs::write(&path, POLICY).unwrap();
    let p = path.to_str().unwrap();
    let mut s = Session::load(&path, false).unwrap().0;
    for args in [
        vec!["who", "LumenRT"],
        vec!["who", "OpenRoads Designer"],
        vec!["can", "alice@acme.com", "receive-alerts", "MicroStation"],
        vec!["can", "carol@partner.io", "manage-users"],
        vec!["check", "bob@acme.com", "OpenRoads"],
        vec!["explain", "alice@acme.com", "LumenRT"],
    ] {
        let mut cli_args = vec![args[0], p];
        cli_args.extend(&args[1..]);
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
            .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
            .args(&cli_args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let line: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.to_string()
                }
            })
            .collect();
        assert_eq!(
            s.handle(&line.join(" ")),
            String::from_utf8(cli.stdout).unwrap(),
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------- the binary

/// `entitle repl POLICY` with piped standard input. Ignored until the `repl` subcommand is
/// wired into the command line.
#[test]
fn piped_session_through_the_binary() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("acme.ent");
    std::fs::write(&policy, POLICY).unwrap();
    let run = |args: &[&str], input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
            .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run entitle");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let p = policy.to_str().unwrap();
    let (code, stdout, stderr) = run(
        &["repl", p],
        "check bob@acme.com LumenRT\nconvert Legacy\ngroup Viz in US {\n  allowed LumenRT\n}\ncheck nobody LumenRT\ncheck bob@acme.com LumenRT\n:diff\n",
    );
    assert_eq!(code, 1, "one line failed: {stderr}");
    assert!(
        stdout.starts_with("allow bob@acme.com LumenRT by group-exception Legacy"),
        "{stdout}"
    );
    assert!(
        stdout.contains("applied: convert Legacy (3 decisions changed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("applied: add group Viz (no decision changed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("allow bob@acme.com LumenRT by group-allowed Legacy"),
        "{stdout}"
    );
    assert!(stdout.contains("was loaded: 3 decisions change ("), "{stdout}");
    assert!(!stdout.contains("entitle>"), "no prompts when piped: {stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "no escape codes when piped"
    );
    assert!(
        stderr.contains("unknown principal (user email or key id) `nobody`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("<input 4>"),
        "the diagnostic quotes the typed line: {stderr}"
    );
    // the loaded file is never written
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), POLICY);
    // :quit stops reading
    let (code, stdout, _) = run(&["repl", p], ":quit\ncheck bob@acme.com LumenRT\n");
    assert_eq!((code, stdout.as_str()), (0, ""));
    // a policy that cannot be loaded: exit 2 with its diagnostics
    let missing = dir.path().join("missing.ent");
    let (code, _, stderr) = run(&["repl", missing.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn who_access_and_diff_take_the_command_lines_filters() {
    let mut s = session();
    // who: the same text as the command line with the same filter
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ent");
    std::fs::write(&path, POLICY).unwrap();
    let p = path.to_str().unwrap();
    let cli = |args: &[&str]| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        entitle::cli::run_to(args, &mut out, &mut err);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(
        s.handle("who MicroStation --group Design --only allow"),
        cli(&["who", p, "MicroStation", "--group", "Design", "--only", "allow"])
    );
    let who = s.handle("who MicroStation --principal *@ACME.com");
    assert!(who.starts_with("MicroStation: 2 allowed, 0 denied"), "{who}");
    assert!(!who.contains("SS-0001") && !who.contains("carol"), "{who}");
    assert_eq!(
        s.handle("access alice@acme.com --only deny"),
        cli(&["access", p, "alice@acme.com", "--only", "deny"])
    );
    s.handle("set default US allow");
    let d = s.handle(":diff --principal SS-* --limit 1");
    assert!(d.contains(": 2 decisions change (3 compared)"), "{d}");
    assert!(d.contains("  SS-0001 OpenRoads  (group Design)\n  … and 1 more"), "{d}");
    assert!(!d.contains("alice@acme.com"), "{d}");
    let d = s.handle(":diff --principal bob* --limit 1");
    assert!(d.contains("no decision changes (3 compared)"), "{d}");
    let bad = s.handle("who LumenRT --group Desing");
    assert!(
        bad.contains("unknown group `Desing`") && bad.contains("did you mean `Design`?"),
        "{bad}"
    );
    let bad = s.handle("who LumenRT --grop Design");
    assert!(
        bad.contains("unknown filter `--grop`") && bad.contains("did you mean `--group`?"),
        "{bad}"
    );
}

/// `explain`, `access` and `can` take `--format plain|markdown` as on the command line, and
/// answer exactly what the command prints.
#[test]
fn answers_in_the_portals_words_match_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ent");
    std::fs::write(&path, POLICY).unwrap();
    let file = path.to_str().unwrap();
    let mut s = Session::load(&path, false).unwrap().0;
    for (line, args) in [
        (
            "explain carol@partner.io MicroStation --format plain",
            vec!["explain", file, "carol@partner.io", "MicroStation", "--format", "plain"],
        ),
        (
            "explain carol@partner.io MicroStation --format=markdown",
            vec![
                "explain",
                file,
                "carol@partner.io",
                "MicroStation",
                "--format",
                "markdown",
            ],
        ),
        (
            "access bob@acme.com --format plain",
            vec!["access", file, "bob@acme.com", "--format", "plain"],
        ),
        (
            "can alice@acme.com manage-users --format markdown",
            vec!["can", file, "alice@acme.com", "manage-users", "--format", "markdown"],
        ),
    ] {
        let cli = entitle_bin(&args);
        let repl = s.handle(line);
        assert!(!repl.is_empty() && !repl.contains("Error"), "{line}: {repl}");
        assert_eq!(repl, cli, "{line}");
    }
    // a bad format and `check` (one format) are usage errors, the session goes on
    let bad = s.handle("explain bob@acme.com LumenRT --format html");
    assert!(
        bad.contains("`--format` takes text, plain or markdown, not `html`"),
        "{bad}"
    );
    let bad = s.handle("check bob@acme.com LumenRT --format plain");
    assert!(bad.contains("`check` has one format"), "{bad}");
    assert!(s.handle("check bob@acme.com LumenRT").contains("allow"));
}

/// A file whose only errors are in `expect` lines opens in the REPL (as every query command
/// answers it), with the errors shown as warnings; `:load` of such a file works the same way.
#[test]
fn broken_expectations_do_not_stop_the_repl() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ent");
    std::fs::write(&path, format!("{POLICY}expect nobody@acme.com LumenRT allow\n")).unwrap();
    let (mut s, warnings) = Session::load(&path, false).unwrap();
    assert!(warnings.contains("nobody@acme.com"), "{warnings}");
    assert!(warnings.contains("Warning"), "{warnings}");
    assert!(s
        .handle("check bob@acme.com LumenRT")
        .contains("by group-exception Legacy"));
    // piped, end to end: exit 0, the answer on stdout, the warning on stderr
    let r = entitle_piped(path.to_str().unwrap(), "check bob@acme.com LumenRT\n");
    assert_eq!(r.0, 0, "{}", r.2);
    assert!(r.1.contains("by group-exception Legacy"), "{}", r.1);
    assert!(r.2.contains("nobody@acme.com"), "{}", r.2);
    // :load of the same file
    let mut fresh = session();
    let out = fresh.handle(&format!(":load {}", path.display()));
    assert!(out.contains("loaded"), "{out}");
    // a real error in a declaration still refuses the file
    std::fs::write(
        &path,
        format!("{POLICY}group Broken in Nowhere {{ allowed LumenRT }}\n"),
    )
    .unwrap();
    assert!(Session::load(&path, false).is_err());
}

// ---------------------------------------------------------------- leaving, Ctrl-C, blocks

#[test]
fn leaving_with_unsaved_edits_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.ent");
    let mut s = session();
    assert_eq!(s.on_eof(), EofAction::Leave, "nothing to lose");
    s.handle("convert Legacy");
    s.handle("set default US allow; clear-exceptions Design");
    assert_eq!(s.unsaved(), 3);
    assert_eq!(
        s.on_eof(),
        EofAction::Ask("3 unsaved edits: discard them and leave? [y/N] ".into())
    );
    // :quit asks the same; anything but yes stays (and forgets the :quit)
    s.handle(":quit");
    assert!(s.should_quit());
    assert!(!s.confirm_leave(""));
    assert!(!s.should_quit());
    assert!(!s.confirm_leave("n"));
    assert!(!s.confirm_leave("yep"));
    assert!(s.confirm_leave("y"));
    assert!(s.confirm_leave(" YES "));
    // :quit! leaves without asking
    let mut forced = s.clone();
    forced.handle(":quit!");
    assert!(forced.should_quit());
    assert_eq!(forced.on_eof(), EofAction::Leave);
    // saved edits are not lost; an edit after the save is, until it is undone
    let out = s.handle(&format!(":save {}", saved.display()));
    assert!(out.starts_with("saved"), "{out}");
    assert_eq!(s.on_eof(), EofAction::Leave);
    s.handle("set status bob@acme.com locked");
    assert_eq!(
        s.on_eof(),
        EofAction::Ask("1 unsaved edit: discard it and leave? [y/N] ".into())
    );
    s.handle(":undo");
    assert_eq!(s.on_eof(), EofAction::Leave, "back to what was saved");
    s.handle(":undo");
    // the saved file has two statements the working copy no longer has
    assert_eq!(s.unsaved(), 2);
    // without a save, :reset leaves nothing to lose
    let mut t = session();
    t.handle("convert Legacy");
    t.handle(":reset");
    assert_eq!(t.on_eof(), EofAction::Leave);
    t.handle(":undo");
    assert_eq!(t.unsaved(), 1);
}

#[test]
fn piped_input_notes_unsaved_edits_without_failing() {
    let run = |input: &str| {
        let mut s = session();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = entitle::repl::run_piped(&mut s, input.as_bytes(), &mut out, &mut err);
        (code, String::from_utf8(err).unwrap())
    };
    let (code, err) = run("convert Legacy
set default US allow
");
    assert_eq!(code, 0, "the note is not an error");
    assert_eq!(
        err,
        "note: 2 edits were not saved (`:save FILE` writes the working policy)\n"
    );
    let (code, err) = run("convert Legacy
:quit
check bob@acme.com LumenRT
");
    assert_eq!(code, 0);
    assert_eq!(
        err,
        "note: 1 edit was not saved (`:save FILE` writes the working policy)\n"
    );
    assert_eq!(
        run("convert Legacy
:quit!
"),
        (0, String::new())
    );
    assert_eq!(
        run("check bob@acme.com LumenRT
"),
        (0, String::new())
    );
    // an error still makes the exit code 1, and the note comes last
    let (code, err) = run("convert Legacy
check nobody LumenRT
");
    assert_eq!(code, 1);
    assert!(
        err.ends_with("note: 1 edit was not saved (`:save FILE` writes the working policy)\n"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.ent");
    let (code, err) = run(&format!(
        "convert Legacy
:save {}
",
        saved.display()
    ));
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn an_open_block_gets_the_continuation_prompt() {
    let mut s = session();
    assert_eq!(s.prompt(), "entitle> ");
    assert_eq!(s.handle("group Viz in US {"), "");
    assert!(s.is_pending());
    assert_eq!(s.prompt(), "    ...> ");
    s.handle("  allowed LumenRT");
    assert_eq!(s.prompt(), "    ...> ");
    assert!(s.handle("}").starts_with("applied: add group Viz"));
    assert_eq!(s.prompt(), "entitle*> ");
    // a continuation prompt even before anything is edited, and after
    s.handle("user x@acme.com {");
    assert_eq!(s.prompt(), "    ...> ");
}

#[test]
fn ctrl_c_drops_an_open_block_and_says_so() {
    let mut s = session();
    assert_eq!(s.on_interrupt(""), "(Ctrl-D or :quit leaves)\n");
    assert_eq!(s.on_interrupt("check al"), "", "a half-typed line just goes");
    s.handle("group Viz in US {");
    s.handle("  allowed LumenRT");
    assert_eq!(s.on_interrupt("  include-"), "dropped the unfinished block (3 lines)\n");
    assert!(!s.is_pending());
    assert_eq!(s.prompt(), "entitle> ");
    assert_eq!(s.edits(), 0, "nothing was applied");
    s.handle("group Viz in US {");
    assert_eq!(s.on_interrupt(""), "dropped the unfinished block (1 line)\n");
    // the next line starts afresh
    assert!(s.handle("check bob@acme.com LumenRT").starts_with("allow"));
}

#[test]
fn diff_limit_zero_lists_everything_as_its_hint_says() {
    let mut s = session();
    s.handle("set default US allow");
    let cut = s.handle(":diff --limit 1");
    assert!(cut.contains("  … and 3 more (--limit 0 lists all)\n"), "{cut}");
    let all = s.handle(":diff --limit 0");
    assert!(!all.contains("more"), "{all}");
    assert!(!all.contains("Error"), "{all}");
    for line in [
        "  alice@acme.com OpenRoads  (group Design)\n",
        "  alice@acme.com LumenRT  (group Design)\n",
        "  SS-0001 OpenRoads  (group Design)\n",
        "  SS-0001 LumenRT  (group Design)\n",
    ] {
        assert!(all.contains(line), "{line} in {all}");
    }
    assert_eq!(s.handle(":diff --limit=0"), all);
    assert_eq!(s.handle(":diff --limit 100"), all);
    assert_eq!(s.handle(":diff --only allow --limit 0"), all);
    let bad = s.handle(":diff --limit all");
    assert!(
        bad.contains("`--limit` takes a number, not `all`") && bad.contains("--limit 0 lists all"),
        "{bad}"
    );
    // as `entitle diff`: a filter naming what only the working copy has is not an error
    s.handle("group Viz in US { allowed LumenRT }");
    let viz = s.handle(":diff --group Viz --limit 0");
    assert!(viz.starts_with("since acme.ent was loaded: "), "{viz}");
    let bad = s.handle(":diff --group Vizz");
    assert!(bad.contains("unknown group `Vizz`"), "{bad}");
}

#[test]
fn hints_skip_inputs_that_failed() {
    use rustyline::hint::Hinter;
    use rustyline::history::{DefaultHistory, History};
    let mut s = session();
    let mut helper = ReplHelper::new(&s);
    let mut history = DefaultHistory::new();
    for line in ["check bob@acme.com LumenRT", "check nobody LumenRT"] {
        s.handle(line);
        helper.refresh(&s);
        history.add(line).unwrap();
    }
    let hint = |h: &ReplHelper, history: &DefaultHistory, line: &str| {
        let ctx = rustyline::Context::new(history);
        h.hint(line, line.len(), &ctx)
    };
    // the newest entry failed: the one before it is offered
    assert_eq!(
        hint(&helper, &history, "check ").as_deref(),
        Some("bob@acme.com LumenRT")
    );
    assert_eq!(hint(&helper, &history, "check n"), None);
    // once the same input succeeds, it is offered again
    s.handle("key nobody { groups Design }");
    s.handle("check nobody LumenRT");
    assert_eq!(s.last_input(), Some(("check nobody LumenRT", false)));
    helper.refresh(&s);
    assert_eq!(hint(&helper, &history, "check ").as_deref(), Some("nobody LumenRT"));
    // a failed block is skipped as a whole
    let mut s = session();
    let mut helper = ReplHelper::new(&s);
    let mut history = DefaultHistory::new();
    s.handle("group Viz in Nowhere {");
    s.handle("}");
    assert_eq!(s.last_input(), Some(("group Viz in Nowhere {\n}", true)));
    helper.refresh(&s);
    history.add("group Viz in Nowhere {\n}").unwrap();
    assert_eq!(hint(&helper, &history, "group V"), None);
}

#[test]
fn a_quoted_name_completes_with_its_closing_quote() {
    assert_eq!(complete("who \"OpenR"), ["who \"OpenRoads Designer\""]);
    assert_eq!(complete("who \"openroads"), ["who \"OpenRoads Designer\""]);
    assert_eq!(
        complete("check bob@acme.com \"Op"),
        ["check bob@acme.com \"OpenRoads Designer\""]
    );
    // a name that needs no quotes, begun with one, is closed too
    assert_eq!(complete("who \"Micro"), ["who \"MicroStation\""]);
    assert_eq!(complete(":show \"Unit"), [":show \"United States\""]);
    // unquoted prefixes: names with spaces are offered quoted
    assert_eq!(complete(":show Unit"), [":show \"United States\""]);
    assert_eq!(complete("who OpenR"), ["who OpenRoads", "who \"OpenRoads Designer\""]);
    assert_eq!(complete("set access United"), ["set access \"United States\""]);
}

#[test]
fn completion_inside_a_block_typed_over_several_lines() {
    let mut s = session();
    s.handle("group Viz in US {");
    let mut helper = ReplHelper::new(&s);
    assert_eq!(
        helper.completions("  allowed Lu", 12),
        (10, vec!["LumenRT".to_string()])
    );
    assert_eq!(helper.completions("  in", 4), (2, vec!["include-country".to_string()]));
    assert_eq!(helper.shape_hint("  allowed ", 10), None);
    s.handle("}");
    helper.refresh(&s);
    assert!(helper.completions("  allowed Lu", 12).1.is_empty(), "no block any more");
}

fn entitle_bin(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn entitle_piped(file: &str, input: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(["repl", file])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `:undo` replays the edits that remain (no copy of the policy is kept per edit): after
/// three edits and two undos the working copy is the policy after the first edit, and a
/// failing edit leaves the working copy as it was.
#[test]
fn undo_replays_the_remaining_edits() {
    let mut s = session();
    let mut expected = Policy::parse("acme.ent", POLICY).unwrap();
    expected.apply("e", "set default US allow").unwrap();
    for line in ["set default US allow", "convert Legacy", "set access US LumenRT deny"] {
        assert!(s.handle(line).starts_with("applied: "), "{line}");
    }
    // a statement that fails after editing (a group of a country nobody declared)
    let out = s.handle("group Broken in Nowhere { }");
    assert!(out.contains("Nowhere"), "{out}");
    s.handle(":undo");
    s.handle(":undo");
    assert_eq!(s.policy().format(), expected.format());
    s.handle(":reset");
    s.handle(":undo");
    assert_eq!(s.policy().format(), expected.format());
}
