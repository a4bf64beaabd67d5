//! Lint levels: which codes are reported, and how (`--allow`, `--warn`, `--deny`,
//! `--deny-warnings`), and the table of every lint code.
//!
//! As in clippy and ruff: every code is `warn` by default; `--allow CODE` drops its findings,
//! `--warn CODE` reports them as warnings, `--deny CODE` reports them as errors (exit 1). When
//! a code is named by several flags the last one wins. `--deny-warnings` turns every finding
//! that would be reported as a warning into an error; an allowed code stays allowed.

use crate::diag::did_you_mean;

/// How a lint code is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning (the default for every code).
    Warn,
    /// Reported as an error: `lint` exits 1.
    Deny,
}

impl Level {
    /// `allow`, `warn` or `deny`, as the flags spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// Every lint code with a one-line meaning, in the order `docs/lint.md` lists them.
pub const CODES: &[(&str, &str)] = &[
    ("no-fulfillment-contact", "nobody has the fulfillment-contact role"),
    ("no-administrator", "nobody is an account-admin or co-admin"),
    (
        "no-account-admin",
        "nobody is an account-admin (co-admins cannot manage domains)",
    ),
    (
        "no-admin-contact",
        "nobody is both an administrator and a fulfillment contact",
    ),
    (
        "default-deny-no-override",
        "a country denies by default and has no product-level `allow`",
    ),
    (
        "legacy-exceptions-ignored",
        "a group with an Allowed Applications list still has `exception` lines",
    ),
    (
        "member-other-country",
        "a user is in a group of another country than their entitlement country",
    ),
    (
        "no-entitlement-country",
        "a user with groups has no entitlement country",
    ),
    (
        "unknown-profile-country",
        "a profile country matches no country and no `covers` entry, and no revenue fallback exists",
    ),
    (
        "revenue-fallback",
        "a user gets the highest-revenue country because their profile country matches none",
    ),
    (
        "not-entitled-allowed",
        "an `allow`/`allowed` entry names a product that is not entitled there",
    ),
    (
        "include-country-empty-list",
        "`include-country` on a group without an Allowed Applications list",
    ),
    (
        "mixed-group-modes",
        "a principal in an allow-list group and in a legacy or unconfigured group of the same country",
    ),
    ("unused-product", "a product that no list names"),
    ("unused-group", "a group without members"),
    ("empty-key", "a key without groups and without `in COUNTRY`"),
    ("key-several-groups", "a key mapped to more than one group"),
    (
        "global-also-entitled",
        "a `global` product that a country's `entitled` list also names",
    ),
    ("redundant-entry", "the same entry twice in the lists of one block"),
    (
        "unknown-lint",
        "a `# entitle: allow(…)` comment names a code that does not exist",
    ),
    (
        "invalid-allow",
        "a `# entitle:` comment that is not `allow(CODE, …)`, or that precedes no statement",
    ),
    (
        "unused-allow",
        "a `# entitle: allow(CODE)` comment that silences nothing",
    ),
];

/// Whether `code` is a lint code (exactly as printed).
pub fn is_code(code: &str) -> bool {
    CODES.iter().any(|(c, _)| *c == code)
}

/// The lint code spelled `code`, as a `'static` string.
pub(crate) fn code(code: &str) -> Option<&'static str> {
    CODES.iter().map(|(c, _)| *c).find(|c| *c == code)
}

/// `unknown lint code `X``, with a did-you-mean among the codes when one is close.
pub fn unknown_code_message(code: &str) -> String {
    let mut msg = format!("unknown lint code `{code}`");
    match did_you_mean(code, CODES.iter().map(|(c, _)| *c)) {
        Some(s) => msg.push_str(&format!(": {s}")),
        None => msg.push_str(" (the codes are listed in `entitle lint --help` and docs/lint.md)"),
    }
    msg
}

/// The levels asked for on the command line: `(code, level)` in the order given, and whether
/// warnings are denied.
#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    flags: Vec<(&'static str, Level)>,
    /// `--deny-warnings`: every finding reported as a warning becomes an error.
    pub deny_warnings: bool,
}

impl LintConfig {
    /// The default: every code is a warning.
    pub fn new() -> LintConfig {
        LintConfig::default()
    }

    /// Set `code` to `level` (a later call for the same code wins). An unknown code is an
    /// error whose message has a did-you-mean among the codes.
    pub fn set(&mut self, code: &str, level: Level) -> Result<(), String> {
        let c = self::code(code).ok_or_else(|| unknown_code_message(code))?;
        self.flags.push((c, level));
        Ok(())
    }

    /// Set the lint code `code` (from [`CODES`]) to `level`.
    pub fn set_code(&mut self, code: &'static str, level: Level) {
        self.flags.push((code, level));
    }

    /// The level of `code` after every flag (`--deny-warnings` included), and the flag that
    /// set it (for the note on a denied finding).
    pub fn level(&self, code: &str) -> (Level, Option<String>) {
        let named = self.flags.iter().rev().find(|(c, _)| *c == code).map(|(_, l)| *l);
        match named {
            Some(Level::Warn) | None if self.deny_warnings => (Level::Deny, Some("--deny-warnings".to_string())),
            Some(l) => (l, Some(format!("--{} {code}", l.as_str()))),
            None => (Level::Warn, None),
        }
    }
}
