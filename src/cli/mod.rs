//! The command line. Front end only: it parses arguments, calls the library and formats
//! what comes back. Exit codes: 0 ok/allow, 1 deny or failed test, 2 error.

use crate::capability::{self, Capability};
use crate::diag;
use crate::model::Principal;
use crate::render::{self, exit};
use crate::source::Sources;
use crate::{Errors, Policy, QueryError};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

mod interop;
mod progress;
mod simulate;

pub use crate::render::exit::{DENY as EXIT_DENY, ERROR as EXIT_ERROR, OK as EXIT_OK};
/// The text of `check` and `explain` (kept here for callers of the command line's formatting).
pub use crate::render::{decision_text, explanation_text};

#[derive(Parser, Debug)]
#[command(
    name = "entitle",
    version,
    about = "Explainable software entitlements: can this person use this product, and which rule decided?",
    long_about = "entitle reads an account's entitlement setup written in the entitle policy language \
(countries, Default and General Access, entitlement groups, exceptions, keys, roles) and answers \
questions about it, naming the rule that decided every answer.\n\n\
Exit status: 0 ok / allow, 1 deny / failed expectation / lint warnings with --deny-warnings, 2 error.\n\n\
Flags mean the same on every command: -o/--output FILE writes the output to FILE (atomically); \
--write rewrites the input file in place; --json is --format json (a command without JSON output \
rejects both); --limit N lists at most N items per section, in text and JSON alike (0: all; counts \
stay exact); --threads N exists where work runs in parallel.",
    after_help = "Examples:\n  entitle check acme.ent alice@acme.com LumenRT\n  entitle explain acme.ent alice@acme.com LumenRT\n  entitle access acme.ent alice@acme.com\n  entitle simulate acme.ent --what-if 'set member Design bob@acme.com on'\n  entitle test scenarios/*.ent\n  entitle fmt --check acme.ent\n\nThe language is at revision 2 of its specification (revenue and the fallback entitlement country, \
the Entitlement Country attribute, keys with their own country, global entitlements, the locked status, \
manage-domains, the granular `set …` what-if statements, and `access`)."
)]
pub struct Cli {
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The output format of a command that can answer in JSON.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum Format {
    /// Text for a person
    #[default]
    Text,
    /// One JSON object
    Json,
}

/// `--format text|json` and its alias `--json`, on every command that has JSON output.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct FormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl FormatArgs {
    /// Whether the answer is wanted as JSON.
    pub fn is_json(self) -> bool {
        self.json || self.format == Format::Json
    }
}

/// `--threads N`, on the commands that run on several cores.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ThreadsArgs {
    /// Worker threads (default: one per core); the output does not depend on it
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decide one request: exit 0 if PRINCIPAL may use PRODUCT, 1 if not
    Check {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        principal: String,
        /// Product name or display name
        product: String,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Show every step of a decision, the line that decided it, and the smallest edits that flip it
    Explain {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        principal: String,
        /// Product name or display name
        product: String,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Every product for one principal: what it may use and why, and what it may not, grouped by rule; exit 0 when at least one product is allowed
    Access {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        principal: String,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Does PRINCIPAL hold an account capability? (receive-billing, manage-users, manage-domains, manage-entitlements, receive-alerts PRODUCT)
    Can {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        principal: String,
        /// receive-billing | manage-users | manage-domains | manage-entitlements | receive-alerts
        capability: String,
        /// The product, for receive-alerts only
        product: Option<String>,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Report errors and warnings (risky or surprising setups) with source excerpts
    Lint {
        /// Policy file
        policy: PathBuf,
        #[command(flatten)]
        format: FormatArgs,
        /// Exit 1 when there are warnings
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the policy in canonical form (comments kept)
    Fmt {
        /// Policy file
        policy: PathBuf,
        /// Exit 1 (and change nothing) if the file is not canonically formatted
        #[arg(long, conflicts_with = "write")]
        check: bool,
        /// Rewrite the file in place (atomically)
        #[arg(long)]
        write: bool,
    },
    /// Run the expectations and scenarios in policy files; the last line is `N passed, M failed`
    Test {
        /// Policy files with `expect` lines and `scenario` blocks
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Who may use PRODUCT, and who may not, grouped by the rule that denied them
    Who {
        /// Policy file
        policy: PathBuf,
        /// Product name or display name
        product: String,
        #[command(flatten)]
        format: FormatArgs,
        /// Principals listed per section (0: all); the counts are always exact
        #[arg(long, value_name = "N", default_value_t = 0)]
        limit: usize,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Every principal × product decision, streamed (or a per-product summary)
    Matrix {
        /// Policy file
        policy: PathBuf,
        /// table: aligned grid with rule codes; csv: `principal,<products>` then one row per
        /// principal, cells `allow RULE [GROUP]`; json: one object per principal per line;
        /// summary: the same as --summary
        #[arg(long, value_enum, default_value_t = MatrixFormat::Table)]
        format: MatrixFormat,
        /// The same as --format json
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Per product: the allow and deny counts and the counts per rule, instead of the grid
        /// (as text, or as JSON with --format json)
        #[arg(long)]
        summary: bool,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Every decision that changes between two policies, grouped by cause (exit 1 if any)
    Diff {
        /// The policy before
        old: PathBuf,
        /// The policy after
        new: PathBuf,
        #[command(flatten)]
        format: FormatArgs,
        /// Changes listed per cause, in text and JSON (0: all); the counts are always exact
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Apply what-if statements to a copy of POLICY and report what changes (exit 1 if anything does)
    Simulate {
        /// Policy file
        policy: PathBuf,
        /// A what-if statement or declaration, e.g. 'convert Legacy' or 'set default US deny'
        #[arg(long = "what-if", value_name = "STMT", required = true, num_args = 1..)]
        what_if: Vec<String>,
        #[command(flatten)]
        format: FormatArgs,
        /// Changes listed per cause, in text and JSON (0: all); the counts are always exact
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Print a synthetic, valid, realistic organisation for scale tests (deterministic for a seed)
    Gen(GenArgs),
    /// Interactive queries and what-if edits on a working copy (piped stdin: one line at a time)
    Repl {
        /// Policy file
        policy: PathBuf,
    },
    /// Merge a Bulk Register Users sheet (CSV) into POLICY: add new users, update existing ones
    #[command(
        long_about = "Merge a Bulk Register Users sheet (CSV) into POLICY and print the merged policy \
(formatted like `entitle fmt`), or rewrite POLICY with --write.\n\n\
Columns (header row, any order, names matched ignoring case and spaces): Email, First Name, Last Name, \
Country, and optionally Roles, Groups, Status. Roles and Groups cells hold several values separated by \
`;` or `,`; a lone `-` empties the list.\n\n\
A new email adds a user (display name \"First Last\"); an existing one (ignoring case) is updated: \
every non-empty cell replaces what the user had, empty cells keep it; exceptions and comments stay.\n\n\
Bad rows are reported on stderr with their spreadsheet row number (the header is row 1) and left out; \
the others are imported. Exit 0 if every row was good, 1 if a row was rejected, 2 if the policy or the \
sheet cannot be used at all."
    )]
    ImportUsers {
        /// Policy file
        policy: PathBuf,
        /// The sheet (CSV, UTF-8)
        #[arg(value_name = "FILE.csv")]
        csv: PathBuf,
        /// Rewrite POLICY in place (atomically) instead of printing the merged policy
        #[arg(long)]
        write: bool,
    },
    /// Print the resolved policy as versioned JSON (schema entitle/2, see docs/json-schema.md)
    Export {
        /// Policy file
        policy: PathBuf,
        /// JSON output (the only export format, and the default)
        #[arg(long)]
        json: bool,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Turn a JSON export (schema entitle/2, or entitle/1) back into policy text; exit 2 if it is invalid
    Import {
        /// JSON document from `entitle export --json` (`-`: standard input)
        #[arg(value_name = "FILE.json")]
        file: PathBuf,
        /// Write the policy to this file (atomically) instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a self-contained HTML access report: principal × product grid, per-product counts, denials per rule
    Report {
        /// Policy file
        policy: PathBuf,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Principals shown in the grid (0: all); the counts and the chart always cover everyone
        #[arg(long, value_name = "N", default_value_t = crate::interop::report::DEFAULT_MAX_ROWS)]
        max_rows: usize,
    },
}

/// The arguments of `gen`.
#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// Number of users
    #[arg(long, default_value_t = 1000)]
    pub users: usize,
    /// Number of products
    #[arg(long, default_value_t = 64)]
    pub products: usize,
    /// Number of entitlement groups
    #[arg(long, default_value_t = 40)]
    pub groups: usize,
    /// Random seed: the same arguments always give the same policy
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `matrix --format`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum MatrixFormat {
    /// An aligned grid with two-letter rule codes and a legend
    Table,
    /// RFC 4180 CSV, one row per principal
    Csv,
    /// A JSON array, one object per principal per line
    Json,
    /// Per-product counts (the same as --summary)
    Summary,
}

/// Run the command line; returns the exit code.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut err = std::io::stderr().lock();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut ctx = Ctx {
        out: &mut out,
        err: &mut err,
        color,
    };
    let code = ctx.dispatch(cli.command);
    let _ = ctx.out.flush();
    code
}

/// Output streams and settings for one run; tests drive it with buffers.
pub struct Ctx<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub color: bool,
}

impl Ctx<'_> {
    fn dispatch(&mut self, command: Command) -> i32 {
        match command {
            Command::Check {
                policy,
                principal,
                product,
                format,
            } => self.check(&policy, &principal, &product, format.is_json()),
            Command::Explain {
                policy,
                principal,
                product,
                format,
            } => self.explain(&policy, &principal, &product, format.is_json()),
            Command::Access {
                policy,
                principal,
                format,
            } => self.access(&policy, &principal, format.is_json()),
            Command::Can {
                policy,
                principal,
                capability,
                product,
                format,
            } => self.can(&policy, &principal, &capability, product.as_deref(), format.is_json()),
            Command::Lint {
                policy,
                format,
                deny_warnings,
            } => self.lint(&policy, format.is_json(), deny_warnings),
            Command::Fmt { policy, check, write } => self.fmt(&policy, check, write),
            Command::Test { files } => self.test(&files),
            Command::Who {
                policy,
                product,
                format,
                limit,
                threads,
            } => {
                use_threads(threads);
                self.who(&policy, &product, format.is_json(), limit)
            }
            Command::Matrix {
                policy,
                format,
                json,
                summary,
                threads,
            } => {
                use_threads(threads);
                let format = if json { MatrixFormat::Json } else { format };
                self.matrix(&policy, format, summary)
            }
            Command::Diff {
                old,
                new,
                format,
                limit,
                threads,
            } => {
                use_threads(threads);
                self.diff(&old, &new, format.is_json(), limit)
            }
            Command::Simulate {
                policy,
                what_if,
                format,
                limit,
                threads,
            } => {
                use_threads(threads);
                self.simulate(&policy, &what_if, format.is_json(), limit)
            }
            Command::Gen(args) => self.gen(&args),
            Command::Repl { policy } => {
                let _ = self.out.flush();
                crate::repl::run(&policy, self.color)
            }
            Command::ImportUsers { policy, csv, write } => self.import_users(&policy, &csv, write),
            Command::Export {
                policy,
                json: _,
                output,
            } => self.export(&policy, output.as_deref()),
            Command::Import { file, output } => self.import(&file, output.as_deref()),
            Command::Report {
                policy,
                output,
                max_rows,
            } => self.report(&policy, output.as_deref(), max_rows),
        }
    }

    pub(crate) fn errors(&mut self, e: &Errors) -> i32 {
        let _ = write!(self.err, "{}", e.render(self.color));
        EXIT_ERROR
    }

    pub(crate) fn query_error(&mut self, e: QueryError) -> i32 {
        let _ = writeln!(self.err, "error: {e}");
        EXIT_ERROR
    }

    pub(crate) fn load(&mut self, path: &Path) -> Result<Policy, i32> {
        Policy::from_path(path).map_err(|e| self.errors(&e))
    }

    pub(crate) fn json<T: Serialize>(&mut self, value: &T) {
        let _ = writeln!(self.out, "{}", serde_json::to_string(value).expect("JSON output"));
    }

    /// Load a policy and look up a principal and a product in it (errors already reported).
    fn load_query(
        &mut self,
        path: &Path,
        principal: &str,
        product: &str,
    ) -> Result<(Policy, Principal, crate::model::ProductId), i32> {
        let policy = self.load(path)?;
        match policy
            .principal(principal)
            .and_then(|p| Ok((p, policy.product(product)?)))
        {
            Ok((p, x)) => Ok((policy, p, x)),
            Err(e) => Err(self.query_error(e)),
        }
    }

    fn check(&mut self, path: &Path, principal: &str, product: &str, json: bool) -> i32 {
        let (policy, p, x) = match self.load_query(path, principal, product) {
            Ok(v) => v,
            Err(code) => return code,
        };
        let d = crate::eval::decide(&policy.model, p, x);
        if json {
            self.json(&render::decision_json(&policy, p, x, &d));
        } else {
            let _ = write!(self.out, "{}", render::decision_text(&policy, p, x, &d));
        }
        exit::of(d.access)
    }

    fn explain(&mut self, path: &Path, principal: &str, product: &str, json: bool) -> i32 {
        let (policy, p, x) = match self.load_query(path, principal, product) {
            Ok(v) => v,
            Err(code) => return code,
        };
        let ex = crate::eval::explain(&policy.model, p, x);
        let flips = crate::explain::flips(&policy.document, &policy.model, p, x);
        if json {
            self.json(&render::explain_json(&policy, p, x, &ex, &flips));
        } else {
            let _ = write!(
                self.out,
                "{}",
                render::explanation_text(&policy, p, x, &ex, &flips, self.color)
            );
        }
        exit::of(ex.decision.access)
    }

    fn access(&mut self, path: &Path, principal: &str, json: bool) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let p = match policy.principal(principal) {
            Ok(p) => p,
            Err(e) => return self.query_error(e),
        };
        let decisions = render::access(&policy.model, p);
        if json {
            self.json(&render::access_json(&policy.model, p, &decisions));
        } else {
            let _ = write!(self.out, "{}", render::access_text(&policy.model, p, &decisions));
        }
        if decisions.iter().any(|(_, d)| d.access == crate::Access::Allow) {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }

    fn can(&mut self, path: &Path, principal: &str, cap: &str, product: Option<&str>, json: bool) -> i32 {
        let policy = match self.load(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let Some(capability) = Capability::parse(cap) else {
            let names: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
            let mut msg = format!("error: unknown capability `{cap}` (one of: {})", names.join(", "));
            if let Some(s) = diag::closest(cap, names.iter().copied()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            let _ = writeln!(self.err, "{msg}");
            return EXIT_ERROR;
        };
        let p = match policy.principal(principal) {
            Ok(p) => p,
            Err(e) => return self.query_error(e),
        };
        let x = match (capability.takes_product(), product) {
            (true, Some(name)) => match policy.product(name) {
                Ok(x) => Some(x),
                Err(e) => return self.query_error(e),
            },
            (true, None) => {
                let _ = writeln!(self.err, "error: `{}` needs a PRODUCT argument", capability.as_str());
                return EXIT_ERROR;
            }
            (false, Some(name)) => {
                let _ = writeln!(
                    self.err,
                    "error: `{}` takes no product, but `{name}` was given",
                    capability.as_str()
                );
                return EXIT_ERROR;
            }
            (false, None) => None,
        };
        let answer = capability::can(&policy.model, p, capability, x);
        if json {
            self.json(&render::can_json(&policy, &answer));
        } else {
            let _ = write!(self.out, "{}", render::can_text(&policy, &answer));
        }
        if answer.granted {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }

    fn lint(&mut self, path: &Path, json: bool, deny_warnings: bool) -> i32 {
        let (sources, diags) = match Policy::from_path(path) {
            Ok(policy) => {
                let mut d = crate::lint::lint(&policy.document, &policy.model);
                d.extend(crate::testing::scenario_errors(&policy));
                diag::sort(&mut d);
                (policy.sources, d)
            }
            Err(e) => (e.sources, e.diagnostics),
        };
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        if json {
            self.json(&render::lint_json(&diags, &sources));
        } else {
            let _ = write!(self.err, "{}", render::lint::lint_text(&diags, &sources, self.color));
        }
        if errors > 0 {
            EXIT_ERROR
        } else if warnings > 0 && deny_warnings {
            EXIT_DENY
        } else {
            EXIT_OK
        }
    }

    fn fmt(&mut self, path: &Path, check: bool, write: bool) -> i32 {
        let text = match crate::read_source(path) {
            Ok(t) => t,
            Err(d) => {
                return self.errors(&Errors {
                    sources: Sources::new(),
                    diagnostics: vec![d],
                })
            }
        };
        let mut sources = Sources::new();
        let file = sources.add(path.display().to_string(), text.clone());
        let (doc, errors) = crate::syntax::parse(&sources, file);
        if !errors.is_empty() {
            return self.errors(&Errors {
                sources,
                diagnostics: errors,
            });
        }
        let formatted = crate::fmt::format_source(&doc, file, &text);
        if check {
            if formatted == text {
                return EXIT_OK;
            }
            let line = text
                .lines()
                .zip(formatted.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| text.lines().count().min(formatted.lines().count()) + 1, |i| i + 1);
            let _ = writeln!(
                self.err,
                "{}: not canonically formatted (first difference at line {line}); run `entitle fmt --write {}`",
                path.display(),
                path.display()
            );
            return EXIT_DENY;
        }
        if write {
            if formatted != text {
                if let Err(e) = crate::atomic_write(path, formatted.as_bytes()) {
                    let _ = writeln!(
                        self.err,
                        "error: cannot write `{}`: {e} (the file is unchanged)",
                        path.display()
                    );
                    return EXIT_ERROR;
                }
            }
            return EXIT_OK;
        }
        let _ = write!(self.out, "{formatted}");
        EXIT_OK
    }

    fn test(&mut self, files: &[PathBuf]) -> i32 {
        let (mut passed, mut failed, mut errors) = (0, 0, 0usize);
        for path in files {
            let mut sources = Sources::new();
            let text = match crate::read_source(path) {
                Ok(t) => t,
                Err(d) => {
                    errors += 1;
                    let _ = write!(self.err, "{}", d.render(&sources, self.color));
                    let _ = writeln!(self.out, "error {} (not read)", path.display());
                    continue;
                }
            };
            let file = sources.add(path.display().to_string(), text);
            let outcome = crate::testing::run_file(&sources, file);
            for f in &outcome.failures {
                let _ = write!(self.out, "{}", f.to_diagnostic(&sources).render(&sources, self.color));
            }
            if !outcome.errors.is_empty() {
                // (a file that fails to load counts at least one error)
                errors += outcome.errors.iter().filter(|d| d.is_error()).count().max(1);
                let _ = write!(self.err, "{}", diag::render_all(&outcome.errors, &sources, self.color));
            }
            let status = if !outcome.errors.is_empty() {
                "error"
            } else if outcome.failures.is_empty() {
                "ok"
            } else {
                "FAIL"
            };
            let _ = writeln!(
                self.out,
                "{status:<5} {} ({} expectation{}, {} failed)",
                path.display(),
                outcome.expectations,
                if outcome.expectations == 1 { "" } else { "s" },
                outcome.failures.len()
            );
            passed += outcome.passed;
            failed += outcome.failures.len();
        }
        match errors {
            0 => writeln!(self.out, "{passed} passed, {failed} failed"),
            1 => writeln!(self.out, "{passed} passed, {failed} failed, 1 error"),
            k => writeln!(self.out, "{passed} passed, {failed} failed, {k} errors"),
        }
        .ok();
        if errors > 0 {
            EXIT_ERROR
        } else if failed > 0 {
            EXIT_DENY
        } else {
            EXIT_OK
        }
    }
}

impl Ctx<'_> {
    fn gen(&mut self, args: &GenArgs) -> i32 {
        let cfg = crate::gen::GenConfig {
            users: args.users,
            products: args.products,
            groups: args.groups,
            seed: args.seed,
        };
        let result = match &args.output {
            None => crate::gen::generate(&cfg, &mut self.out),
            Some(path) => {
                let mut buf = Vec::new();
                crate::gen::generate(&cfg, &mut buf).and_then(|_| crate::atomic_write(path, &buf))
            }
        };
        match result {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                let _ = writeln!(self.err, "error: cannot write the policy: {e}");
                EXIT_ERROR
            }
        }
    }
}

/// Run the rest of the command on `threads` worker threads (default: one per core).
fn use_threads(threads: ThreadsArgs) {
    if let Some(n) = threads.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
}
