//! Tests of the lint warnings.
use super::*;
use crate::diag::Severity;
use crate::Policy;

/// A policy that should lint clean: every warning below is one edit away from it.
const CLEAN: &str = r#"
account "Acme Engineering" {
  domain acme.com auto-approve
  alerts MicroStation
}

product MicroStation
product OpenRoads "OpenRoads Designer"
product LumenRT

country US "United States" {
  covers CA, MX
  entitled MicroStation, OpenRoads, LumenRT
  default deny
  allow MicroStation
  deny LumenRT
}

group Design in US {
  allowed OpenRoads
  include-country
}
group Legacy in US {
  exception allow LumenRT
}

user alice@acme.com "Alice Smith" {
  country US
  groups Design
  roles account-admin, fulfillment-contact
}
user bob@acme.com {
  country CA
  groups Legacy
  status pending
  deny OpenRoads
}
key SS-0001 { groups Design }
"#;

fn lint_text(text: &str) -> (Policy, Vec<Diagnostic>) {
    let p = Policy::parse("lint.ent", text).unwrap_or_else(|e| panic!("{e}"));
    let d = lint(&p.document, &p.model);
    (p, d)
}

fn codes(text: &str) -> Vec<&'static str> {
    lint_text(text).1.iter().map(|d| d.code).collect()
}

/// The one diagnostic of `code`, and the text under its primary label.
fn only(text: &str, code: &str) -> (Diagnostic, String) {
    let (p, ds) = lint_text(text);
    let mut hits: Vec<Diagnostic> = ds.into_iter().filter(|d| d.code == code).collect();
    assert_eq!(hits.len(), 1, "expected one `{code}`, got {hits:?}");
    let d = hits.remove(0);
    let primary = d
        .primary_span()
        .map(|s| p.sources.text(s).to_string())
        .unwrap_or_default();
    (d, primary)
}

/// The clean policy with `from` replaced by `to` (which must occur).
fn edit(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "{from:?} not in CLEAN");
    CLEAN.replacen(from, to, 1)
}

#[test]
fn clean_policy_has_no_warnings() {
    let (p, ds) = lint_text(CLEAN);
    assert!(ds.is_empty(), "{}", crate::diag::render_all(&ds, &p.sources, false));
}

#[test]
fn warnings_are_warnings_with_help_and_sorted() {
    let text = edit("groups Design\n  roles", "groups Design, Design, Legacy\n  roles")
        .replace("key SS-0001 { groups Design }", "key SS-0001 { }\nproduct Spare");
    let (_, ds) = lint_text(&text);
    assert!(ds.len() >= 3, "{ds:?}");
    for d in &ds {
        assert_eq!(d.severity, Severity::Warning);
        assert!(d.help.is_some(), "{} has no help", d.code);
        assert!(!d.labels.is_empty(), "{} has no label", d.code);
    }
    let starts: Vec<u32> = ds.iter().map(|d| d.primary_span().unwrap().start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // deterministic
    assert_eq!(ds, lint_text(&text).1);
}

#[test]
fn no_fulfillment_contact() {
    let text = edit("roles account-admin, fulfillment-contact", "roles account-admin");
    let (d, at) = only(&text, "no-fulfillment-contact");
    assert!(at.starts_with("account \"Acme Engineering\""), "{at}");
    assert!(d.message.contains("billing") || d.message.contains("invoices"));
    // also nobody is both
    assert!(codes(&text).contains(&"no-admin-contact"));
    assert!(!codes(&text).contains(&"no-administrator"));
}

#[test]
fn no_administrator() {
    let text = edit("roles account-admin, fulfillment-contact", "roles fulfillment-contact");
    let (_, at) = only(&text, "no-administrator");
    assert!(at.starts_with("account"), "{at}");
    assert!(!codes(&text).contains(&"no-fulfillment-contact"));
}

#[test]
fn no_admin_contact() {
    // both roles exist, but on two different people
    let text = edit("roles account-admin, fulfillment-contact", "roles account-admin")
        .replace("status pending", "status pending\n  roles fulfillment-contact");
    let c = codes(&text);
    assert_eq!(c, vec!["no-admin-contact"]);
}

#[test]
fn role_warnings_point_at_the_first_user_without_account_and_skip_empty_policies() {
    let (_, at) = only(
        "country US { }\nuser a@x.com { country US roles co-admin }\nuser b@x.com { country US }",
        "no-fulfillment-contact",
    );
    assert_eq!(at, "user a@x.com");
    let c = codes("product P\ncountry US { entitled P }\n");
    assert!(!c.contains(&"no-fulfillment-contact"), "{c:?}");
    assert!(!c.contains(&"no-administrator"));
    assert!(!c.contains(&"no-admin-contact"));
}

#[test]
fn default_deny_no_override() {
    let text = edit("  allow MicroStation\n", "");
    let (_, at) = only(&text, "default-deny-no-override");
    assert_eq!(at, "default deny");
    // a product-level deny is no override that lets anything through
    let text = edit("allow MicroStation", "deny MicroStation");
    only(&text, "default-deny-no-override");
    // default allow never warns
    let text = edit("default deny\n  allow MicroStation", "default allow");
    assert!(!codes(&text).contains(&"default-deny-no-override"));
}

#[test]
fn legacy_exceptions_ignored() {
    let text = edit(
        "allowed OpenRoads\n",
        "allowed OpenRoads\n  exception allow LumenRT\n  exception deny MicroStation\n",
    );
    let (d, at) = only(&text, "legacy-exceptions-ignored");
    assert_eq!(at, "exception allow LumenRT");
    assert_eq!(d.labels[1].message, "also ignored");
    assert!(d.help.as_deref().unwrap().contains("convert Design"));
    // a legacy group (no list) is not warned
    assert!(!codes(CLEAN).contains(&"legacy-exceptions-ignored"));
}

#[test]
fn member_other_country() {
    let text = edit(
        "key SS-0001 { groups Design }",
        "key SS-0001 { groups Design }\ncountry DE { }\ngroup Berlin in DE { allowed MicroStation }\nkey SS-0002 { groups Berlin }",
    )
    .replace("groups Design\n  roles", "groups Design, Berlin\n  roles");
    let (d, at) = only(&text, "member-other-country");
    assert_eq!(at, "groups Design, Berlin");
    assert!(d.message.contains("`Berlin` belongs to `DE`"), "{}", d.message);
    assert_eq!(d.labels.len(), 2);
}

#[test]
fn no_entitlement_country_and_unknown_profile_country() {
    let text = edit("country CA\n", "country ZZ\n");
    let (_, at) = only(&text, "no-entitlement-country");
    assert_eq!(at, "country ZZ");
    let (d, at) = only(&text, "unknown-profile-country");
    assert_eq!(at, "country ZZ");
    assert!(d.message.contains("`ZZ`"));
    // without groups: only unknown-profile-country
    let text = edit("country CA\n  groups Legacy\n", "country ZZ\n");
    let c = codes(&text);
    assert!(c.contains(&"unknown-profile-country"), "{c:?}");
    assert!(!c.contains(&"no-entitlement-country"), "{c:?}");
    // a near miss is suggested
    let (d, _) = only(&edit("country CA\n", "country MXX\n"), "unknown-profile-country");
    assert!(d.help.unwrap().contains("did you mean `MX`?"));
    // and an unrelated two-letter code is not
    let (d, _) = only(&edit("country CA\n", "country ZZ\n"), "unknown-profile-country");
    assert!(!d.help.unwrap().contains("did you mean"));
}

#[test]
fn not_entitled_allowed_in_every_kind_of_entry() {
    let narrow = |t: String| {
        t.replace(
            "entitled MicroStation, OpenRoads, LumenRT",
            "entitled MicroStation, OpenRoads",
        )
    };
    // group allowed list
    let text = narrow(edit("allowed OpenRoads", "allowed OpenRoads, LumenRT"));
    let text = text
        .replace("  deny LumenRT\n", "")
        .replace("exception allow LumenRT", "exception allow OpenRoads");
    let (d, at) = only(&text, "not-entitled-allowed");
    assert_eq!(at, "LumenRT");
    assert!(d.message.contains("Allowed Applications"));
    assert_eq!(d.labels.len(), 2);
    // legacy exception allow
    let text = narrow(edit("  deny LumenRT\n", ""));
    let (d, at) = only(&text, "not-entitled-allowed");
    assert_eq!(at, "LumenRT");
    assert!(d.message.contains("exception allow"));
    // country allow override
    let text =
        narrow(edit("deny LumenRT", "allow LumenRT")).replace("exception allow LumenRT", "exception allow OpenRoads");
    let (d, at) = only(&text, "not-entitled-allowed");
    assert_eq!(at, "LumenRT");
    assert!(d.message.contains("country-level"));
    // user allow exception (by display name)
    let text = narrow(edit("  deny LumenRT\n", ""))
        .replace("exception allow LumenRT", "exception allow OpenRoads")
        .replace("deny OpenRoads", "allow \"lumenrt\"");
    let (d, at) = only(&text, "not-entitled-allowed");
    assert_eq!(at, "\"lumenrt\"");
    assert!(d.message.contains("user exception"));
}

#[test]
fn include_country_empty_list() {
    let text = edit(
        "exception allow LumenRT\n",
        "exception allow LumenRT\n  include-country\n",
    );
    let (_, at) = only(&text, "include-country-empty-list");
    assert_eq!(at, "include-country");
    assert!(!codes(CLEAN).contains(&"include-country-empty-list"));
}

#[test]
fn mixed_group_modes() {
    let text = edit("groups Design\n  roles", "groups Design, Legacy\n  roles");
    let (d, at) = only(&text, "mixed-group-modes");
    assert_eq!(at, "groups Design, Legacy");
    assert!(d.message.contains("legacy group `Legacy`"), "{}", d.message);
    assert_eq!(d.labels.len(), 3);
    // keys too
    let text = edit("key SS-0001 { groups Design }", "key SS-0001 { groups Design, Legacy }");
    let (_, at) = only(&text, "mixed-group-modes");
    assert_eq!(at, "groups Design, Legacy");
}

#[test]
fn unused_product() {
    let text = edit("product LumenRT\n", "product LumenRT\nproduct Spare \"Spare Part\"\n");
    let (d, at) = only(&text, "unused-product");
    assert_eq!(at, "product Spare \"Spare Part\"");
    assert!(d.notes.is_empty());
    // a country without an `entitled` list still entitles it: a note says so
    let text = edit("product LumenRT\n", "product LumenRT\nproduct Spare\ncountry DE { }\n");
    let (d, _) = only(&text, "unused-product");
    assert!(d.notes[0].contains("`DE`"), "{:?}", d.notes);
}

#[test]
fn unused_group() {
    let text = edit("group Legacy in US {", "group Empty in US { }\ngroup Legacy in US {");
    let (_, at) = only(&text, "unused-group");
    assert_eq!(at, "group Empty in US");
}

#[test]
fn empty_key() {
    let text = edit(
        "key SS-0001 { groups Design }",
        "key SS-0001 { groups Design }\nkey SS-0002 { }",
    );
    let (_, at) = only(&text, "empty-key");
    assert_eq!(at, "key SS-0002");
}

#[test]
fn redundant_entries() {
    // a product twice in one group's allowed lists (two statements, name and display name)
    let text = edit(
        "allowed OpenRoads\n",
        "allowed OpenRoads\n  allowed \"OpenRoads Designer\"\n",
    );
    let (d, at) = only(&text, "redundant-entry");
    assert_eq!(at, "\"OpenRoads Designer\"");
    assert_eq!(d.labels[1].message, "first listed here as `OpenRoads`");
    // a group twice in a user's groups
    let text = edit("groups Design\n  roles", "groups Design, design\n  roles");
    let (_, at) = only(&text, "redundant-entry");
    assert_eq!(at, "design");
    // other lists
    for (from, to, second) in [
        ("covers CA, MX", "covers CA, MX, ca", "ca"),
        (
            "alerts MicroStation",
            "alerts MicroStation, MicroStation",
            "MicroStation",
        ),
        (
            "roles account-admin, fulfillment-contact",
            "roles account-admin, fulfillment-contact, account-admin",
            "account-admin",
        ),
        (
            "key SS-0001 { groups Design }",
            "key SS-0001 { groups Design groups Design }",
            "Design",
        ),
    ] {
        let (d, at) = only(&edit(from, to), "redundant-entry");
        assert_eq!(at, second, "{d:?}");
    }
}

#[test]
fn names_are_quoted_when_needed() {
    assert_eq!(written("Design"), "Design");
    assert_eq!(written("Civil Engineers"), "\"Civil Engineers\"");
    assert_eq!(written("access"), "\"access\"");
    assert_eq!(written("9a"), "\"9a\"");
    let text = edit("allowed OpenRoads\n", "allowed OpenRoads\n  exception allow LumenRT\n")
        .replace("group Design in US", "group \"Civil Engineers\" in US")
        .replace("groups Design", "groups \"Civil Engineers\"");
    let (d, _) = only(&text, "legacy-exceptions-ignored");
    assert!(d.help.unwrap().contains("convert \"Civil Engineers\""));
}

#[test]
fn revenue_fallback_names_the_country_the_portal_gives() {
    let text = edit("  covers CA, MX\n", "  revenue 5_000\n  covers CA, MX\n")
        .replace("country CA\n  groups Legacy", "country PT\n  groups Legacy");
    let (d, at) = only(&text, "revenue-fallback");
    assert_eq!(at, "country PT");
    assert!(
        d.message.contains("gets US, the highest-revenue country"),
        "{}",
        d.message
    );
    // without a revenue, the same user has no country at all
    let text = edit("country CA\n  groups Legacy", "country PT\n  groups Legacy");
    assert!(codes(&text).contains(&"unknown-profile-country"));
    assert!(!codes(&text).contains(&"revenue-fallback"));
}

#[test]
fn global_also_entitled() {
    let text = edit("  alerts MicroStation\n", "  alerts MicroStation\n  global OpenRoads\n");
    let (_, at) = only(&text, "global-also-entitled");
    assert_eq!(at, "OpenRoads");
}

#[test]
fn key_several_groups_and_keys_with_their_own_country() {
    let text = edit("key SS-0001 { groups Design }", "key SS-0001 { groups Design, Legacy }");
    let (_, at) = only(&text, "key-several-groups");
    assert!(at.starts_with("key SS-0001"), "{at}");
    // a key with its own country needs no group
    let text = edit("key SS-0001 { groups Design }", "key SS-0001 in US { }");
    assert!(!codes(&text).contains(&"empty-key"), "{:?}", codes(&text));
    let text = edit("key SS-0001 { groups Design }", "key SS-0001 { }");
    assert!(codes(&text).contains(&"empty-key"));
}

#[test]
fn no_account_admin_even_with_a_co_admin() {
    let text = edit(
        "roles account-admin, fulfillment-contact",
        "roles co-admin, fulfillment-contact",
    );
    assert_eq!(codes(&text), vec!["no-account-admin"]);
}

// ------------------------------------------------------------------ levels and allow comments

/// `run` with `config` on `text`: (code, level) of every finding, in order.
fn run_codes(text: &str, config: &LintConfig) -> Vec<(&'static str, Level)> {
    let p = Policy::parse("lint.ent", text).unwrap_or_else(|e| panic!("{e}"));
    run(&p.document, &p.model, &p.sources, "lint.ent", config)
        .into_iter()
        .map(|f| (f.diagnostic.code, f.level))
        .collect()
}

fn has(found: &[(&'static str, Level)], code: &str) -> bool {
    found.iter().any(|(c, _)| *c == code)
}

/// CLEAN with an unused group `Idle` and a product listed twice in `Design`.
fn two_findings(comment_before_idle: &str, trailing_on_allowed: &str) -> String {
    edit(
        "group Legacy in US {",
        &format!("{comment_before_idle}group Idle in US {{ }}\ngroup Legacy in US {{"),
    )
    .replace(
        "allowed OpenRoads\n",
        &format!("allowed OpenRoads, OpenRoads{trailing_on_allowed}\n"),
    )
}

#[test]
fn every_code_the_linter_emits_is_in_the_table() {
    for src in [
        include_str!("mod.rs"),
        include_str!("principals.rs"),
        include_str!("allow.rs"),
    ] {
        let mut n = 0;
        for piece in src.split("Diagnostic::warning(").skip(1) {
            let code = piece.trim_start().trim_start_matches('"');
            let code = &code[..code.find('"').unwrap()];
            assert!(config::is_code(code), "`{code}` is not in lint::CODES");
            n += 1;
        }
        assert!(n > 0);
    }
    let mut codes: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
    let all = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), all, "a code is listed twice");
}

#[test]
fn levels_allow_warn_deny_and_the_last_flag_wins() {
    let text = two_findings("", "");
    let default = run_codes(&text, &LintConfig::new());
    assert!(default.contains(&("unused-group", Level::Warn)), "{default:?}");
    assert!(default.contains(&("redundant-entry", Level::Warn)), "{default:?}");

    let mut c = LintConfig::new();
    c.set("unused-group", Level::Allow).unwrap();
    let found = run_codes(&text, &c);
    assert!(
        !has(&found, "unused-group") && has(&found, "redundant-entry"),
        "{found:?}"
    );

    let mut c = LintConfig::new();
    c.set("unused-group", Level::Deny).unwrap();
    c.set("unused-group", Level::Allow).unwrap();
    assert!(!has(&run_codes(&text, &c), "unused-group"));

    let mut c = LintConfig::new();
    c.set("unused-group", Level::Allow).unwrap();
    c.set("unused-group", Level::Deny).unwrap();
    assert!(run_codes(&text, &c).contains(&("unused-group", Level::Deny)));

    // a denied finding is an error with a note naming the flag
    let p = Policy::parse("lint.ent", &text).unwrap();
    let f = run(&p.document, &p.model, &p.sources, "lint.ent", &c);
    let d = &f
        .iter()
        .find(|f| f.diagnostic.code == "unused-group")
        .unwrap()
        .diagnostic;
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.notes.iter().any(|n| n.contains("--deny unused-group")),
        "{:?}",
        d.notes
    );

    // --deny-warnings: every warning is denied, an allowed code stays allowed
    let mut c = LintConfig::new();
    c.deny_warnings = true;
    c.set("unused-group", Level::Allow).unwrap();
    let found = run_codes(&text, &c);
    assert!(!has(&found, "unused-group"), "{found:?}");
    assert!(found.contains(&("redundant-entry", Level::Deny)), "{found:?}");

    // an unknown code is an error with a suggestion
    let e = LintConfig::new().set("unused-grup", Level::Deny).unwrap_err();
    assert!(e.contains("did you mean `unused-group`?"), "{e}");
}

#[test]
fn an_allow_comment_on_the_line_before_silences_its_block_only() {
    let text = two_findings("# entitle: allow(unused-group)\n", "");
    let found = run_codes(&text, &LintConfig::new());
    assert!(!has(&found, "unused-group"), "{found:?}");
    assert!(has(&found, "redundant-entry"), "{found:?}");
    assert!(!has(&found, "unused-allow"), "{found:?}");
    // several codes, a reason after the parenthesis, other comments between
    let text = two_findings(
        "# entitle: allow(redundant-entry, unused-group) -- kept for the Q3 rollout\n# (see ticket 12)\n",
        "",
    );
    let found = run_codes(&text, &LintConfig::new());
    assert!(!has(&found, "unused-group"), "{found:?}");
    // redundant-entry is in `Design`, not in `Idle`: that code silenced nothing
    assert!(has(&found, "redundant-entry"), "{found:?}");
    assert!(found.contains(&("unused-allow", Level::Warn)), "{found:?}");
    // a blank line detaches the comment
    let text = two_findings("# entitle: allow(unused-group)\n\n", "");
    let found = run_codes(&text, &LintConfig::new());
    assert!(has(&found, "unused-group") && has(&found, "invalid-allow"), "{found:?}");
}

#[test]
fn an_allow_comment_at_the_end_of_a_line_silences_that_statement() {
    let text = two_findings("", "  # entitle: allow(redundant-entry)");
    let found = run_codes(&text, &LintConfig::new());
    assert!(!has(&found, "redundant-entry"), "{found:?}");
    assert!(has(&found, "unused-group"), "{found:?}");
    // on a block's opening line it covers the block
    let text = two_findings("", "").replace(
        "group Design in US {\n",
        "group Design in US {  # entitle: allow(redundant-entry)\n",
    );
    assert!(!has(&run_codes(&text, &LintConfig::new()), "redundant-entry"));
    // on a one-line block, the block
    let text = two_findings("", "").replace(
        "group Idle in US { }",
        "group Idle in US { }  # entitle: allow(unused-group)",
    );
    let found = run_codes(&text, &LintConfig::new());
    assert!(
        !has(&found, "unused-group") && !has(&found, "unused-allow"),
        "{found:?}"
    );
    // the role warnings point at the account: an allow before it silences them
    let text = edit("roles account-admin, fulfillment-contact", "roles account-admin").replace(
        "account \"Acme",
        "# entitle: allow(no-fulfillment-contact, no-admin-contact)\naccount \"Acme",
    );
    assert_eq!(run_codes(&text, &LintConfig::new()), vec![]);
}

#[test]
fn allow_comments_are_checked() {
    let text = two_findings("# entitle: allow(unused-grup)\n", "");
    let p = Policy::parse("lint.ent", &text).unwrap();
    let found = run(&p.document, &p.model, &p.sources, "lint.ent", &LintConfig::new());
    let unknown = &found
        .iter()
        .find(|f| f.diagnostic.code == "unknown-lint")
        .expect("unknown-lint")
        .diagnostic;
    assert_eq!(p.sources.text(unknown.primary_span().unwrap()), "unused-grup");
    assert_eq!(unknown.help.as_deref(), Some("did you mean `unused-group`?"));
    assert!(found.iter().any(|f| f.diagnostic.code == "unused-group"));
    // not `allow(…)`
    for bad in [
        "# entitle: deny(unused-group)\n",
        "# entitle: allow()\n",
        "# entitle: allow(unused-group\n",
    ] {
        let found = run_codes(&two_findings(bad, ""), &LintConfig::new());
        assert!(
            has(&found, "invalid-allow") && has(&found, "unused-group"),
            "{bad}: {found:?}"
        );
    }
    // ordinary comments that mention entitle are not directives
    let found = run_codes(
        &two_findings("# entitle lint: unused on purpose\n", ""),
        &LintConfig::new(),
    );
    assert!(!has(&found, "invalid-allow"), "{found:?}");
    // the comments' own codes are not silenced by comments, but by flags
    let text = two_findings(
        "# entitle: allow(unused-allow)\n# entitle: allow(redundant-entry)\n",
        "",
    );
    let found = run_codes(&text, &LintConfig::new());
    assert_eq!(
        found.iter().filter(|(c, _)| *c == "unused-allow").count(),
        2,
        "{found:?}"
    );
    let mut c = LintConfig::new();
    c.set("unused-allow", Level::Allow).unwrap();
    assert!(!has(&run_codes(&text, &c), "unused-allow"));
    // a code allowed by a flag still counts as used by the comment
    let mut c = LintConfig::new();
    c.set("unused-group", Level::Allow).unwrap();
    let found = run_codes(&two_findings("# entitle: allow(unused-group)\n", ""), &c);
    assert!(
        !has(&found, "unused-allow") && !has(&found, "unused-group"),
        "{found:?}"
    );
}

#[test]
fn hints_with_commands_name_the_file_as_a_shell_word() {
    assert_eq!(shell_word("scenarios/a.ent"), "scenarios/a.ent");
    assert_eq!(shell_word("my policy.ent"), "'my policy.ent'");
    assert_eq!(shell_word("it's.ent"), "'it'\\''s.ent'");
    let text = edit("allowed OpenRoads\n", "allowed OpenRoads\n  exception allow LumenRT\n");
    let p = Policy::parse("lint.ent", &text).unwrap();
    let ds = lint_file(&p.document, &p.model, "my policy.ent");
    let d = ds.iter().find(|d| d.code == "legacy-exceptions-ignored").unwrap();
    let help = d.help.as_deref().unwrap();
    assert!(
        help.contains("`entitle simulate 'my policy.ent' --what-if 'convert Design'`"),
        "{help}"
    );
    assert!(help.contains("`allowed OpenRoads, LumenRT`"), "{help}");
    // no help says "run" without a command
    for d in ds {
        assert!(!d.help.unwrap_or_default().contains("run `"), "{}", d.code);
    }
}
