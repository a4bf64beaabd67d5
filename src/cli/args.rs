//! The command line's arguments (clap). Every command follows one style of flags: `-o FILE`
//! for output, `--write` only to rewrite the input in place, `--json` as `--format json` (and
//! neither on a command without JSON), `--limit N` as the most items listed per section in
//! text and JSON alike (0: all), `--threads N` only where work runs in parallel, and a help
//! line for every argument.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
stay exact); --threads N exists where work runs in parallel.\n\n\
check, access, can, who, matrix and diff keep the resolved form of a policy that loaded without \
any diagnostic in a cache keyed by its exact content and this build of entitle, so the next \
question on the same file skips parsing: $ENTITLE_CACHE_DIR, else the user's cache folder \
(~/.cache/entitle on Linux). --no-cache turns it off for one command.",
    after_help = "Examples:\n  entitle check acme.ent alice@acme.com LumenRT\n  entitle access acme.ent alice@acme.com\n  entitle who acme.ent LumenRT --country US --only deny\n  entitle test scenarios\n  entitle fmt --check acme.ent\n\n\
A support-desk session (\"marc cannot open MicroStation\"):\n  \
entitle explain acme.ent marc@acme.com MicroStation\n      every step that denies, and the smallest verified fixes, each with its what-if statement\n  \
entitle simulate acme.ent --what-if 'set member Strict marc@acme.com off'\n      what else that fix would change, in people, before anyone touches the portal\n  \
entitle explain acme.ent marc@acme.com MicroStation --format plain\n      the answer to paste to the customer: the reason and the steps, in the portal's words\n  \
entitle repl acme.ent   then `explain …`, `:apply 1`, `:diff`, to try fixes one after another\n\nThe language is at revision 2 of its specification (revenue and the fallback entitlement country, \
the Entitlement Country attribute, keys with their own country, global entitlements, the locked status, \
manage-domains, the granular `set …` what-if statements, and `access`)."
)]
pub struct Cli {
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Neither read nor write the cache of resolved policies (see `entitle --help`)
    #[arg(long, global = true)]
    pub no_cache: bool,
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

/// The output format of `explain`, `access` and `can`: also an answer for a customer.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum AnswerFormat {
    /// Text for a person
    #[default]
    Text,
    /// One JSON object
    Json,
    /// A short paragraph in the portal's words, to paste to a customer (no rule codes, no file positions)
    Plain,
    /// The same as plain, as Markdown (for a ticket or a chat)
    Markdown,
}

/// `--format text|json|plain|markdown` and its alias `--json`, on `explain`, `access` and `can`.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct AnswerFormatArgs {
    /// Output format (plain, markdown: an answer in the portal's words for a customer)
    #[arg(long, value_enum, default_value_t = AnswerFormat::Text)]
    pub format: AnswerFormat,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl AnswerFormatArgs {
    /// The format asked for (`--json` is `json`).
    pub fn get(self) -> AnswerFormat {
        if self.json {
            AnswerFormat::Json
        } else {
            self.format
        }
    }
}

/// The output format of `diff` and `simulate`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum ImpactFormat {
    /// Text for a person
    #[default]
    Text,
    /// One JSON object
    Json,
    /// An impact summary in Markdown, fit for a pull-request comment
    Markdown,
}

/// `--format text|json|markdown` and `--json`, on `diff` and `simulate`.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ImpactFormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ImpactFormat::Text)]
    pub format: ImpactFormat,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl ImpactFormatArgs {
    /// The format asked for (`--json` is `--format json`).
    pub fn get(self) -> ImpactFormat {
        if self.json {
            ImpactFormat::Json
        } else {
            self.format
        }
    }
}

/// `--only allow|deny`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OnlyArg {
    /// Only allowed decisions (for diff and simulate: only gains)
    Allow,
    /// Only denied decisions (for diff and simulate: only losses)
    Deny,
}

/// The filters shared by `who`, `matrix`, `access`, `diff` and `simulate` (and, with the
/// same words, the REPL's `who`, `access` and `:diff`). Names are checked: an unknown one is
/// an error with a suggestion (exit 2).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only principals whose email or key id matches GLOB (`*`, `?`; case-insensitive)
    #[arg(long = "principal", value_name = "GLOB")]
    pub principal_glob: Option<String>,
    /// Only members of this entitlement group
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only principals whose entitlement country this is
    #[arg(long, value_name = "NAME")]
    pub country: Option<String>,
    /// Only this product (name or display name)
    #[arg(long = "product", value_name = "NAME")]
    pub product_filter: Option<String>,
    /// Only decisions made by this rule (diff, simulate: the rule before or after)
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,
    /// Only allowed or only denied decisions (diff, simulate: only gains or only losses)
    #[arg(long, value_enum, value_name = "allow|deny")]
    pub only: Option<OnlyArg>,
    /// Items listed per section (0: all; diff and simulate default to 20); counts stay exact
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

impl FilterArgs {
    /// The library's filter, with `default_limit` when `--limit` is not given.
    pub fn filter(&self, default_limit: usize) -> crate::filter::Filter {
        crate::filter::Filter {
            principal: self.principal_glob.clone(),
            group: self.group.clone(),
            country: self.country.clone(),
            product: self.product_filter.clone(),
            rule: self.rule.clone(),
            only: self.only.map(|o| match o {
                OnlyArg::Allow => crate::model::Access::Allow,
                OnlyArg::Deny => crate::model::Access::Deny,
            }),
            limit: self.limit.unwrap_or(default_limit),
        }
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
    /// Decide one request: exit 0 if PRINCIPAL may use PRODUCT, 1 if not (or many: --requests)
    #[command(
        long_about = "Decide one request: exit 0 if PRINCIPAL may use PRODUCT, 1 if not.\n\n\
With --requests FILE (`-`: standard input), decide many instead: FILE holds one JSON request per line, \
{\"principal\": P, \"product\": \"NAME\"}, P a user's email or a key's id, or a principal described in the \
request ({\"user\": {\"email\": …, \"country\": …, \"groups\": […]}} or {\"key\": {\"id\": …, \"groups\": […]}}). \
It writes one `check --json` object per line, in order; a line that cannot be answered gets an error object \
{\"error\": {\"status\": 400|404, \"code\": …, \"message\": …, \"suggestion\": …}} (the same as the \
server's batch answers) and the others are still answered. Blank lines are skipped. Exit 0 when every line \
was answered, 2 when any was not.",
        after_help = "Examples:\n  entitle check acme.ent alice@acme.com LumenRT\n  entitle check acme.ent --requests requests.jsonl\n  \
echo '{\"principal\":\"alice@acme.com\",\"product\":\"LumenRT\"}' | entitle check acme.ent --requests -"
    )]
    Check {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        #[arg(required_unless_present = "requests")]
        principal: Option<String>,
        /// Product name or display name
        #[arg(required_unless_present = "requests")]
        product: Option<String>,
        /// Decide the JSON requests of FILE, one per line (`-`: standard input), answering one
        /// JSON object per line
        #[arg(long, value_name = "FILE", conflicts_with_all = ["principal", "product", "format", "json"])]
        requests: Option<PathBuf>,
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
        format: AnswerFormatArgs,
    },
    /// Every product for one principal: what it may use and why, and what it may not, grouped by rule; exit 0 when at least one product is allowed
    Access {
        /// Policy file
        policy: PathBuf,
        /// A user's email or an activation key's id
        principal: String,
        #[command(flatten)]
        format: AnswerFormatArgs,
        #[command(flatten)]
        filter: FilterArgs,
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
        format: AnswerFormatArgs,
    },
    /// Report warnings about risky or surprising setups, with source excerpts (on standard output)
    #[command(
        long_about = "Report warnings about risky or surprising setups, with source excerpts, on standard output \
(`--json`: one JSON object). Errors that prevent loading the policy go to standard error (with `--json`: \
the same JSON object on standard output), exit 2; a failing scenario statement is an error, exit 2.\n\n\
Levels, as in clippy and ruff: every lint code is `warn` by default. `--allow CODE` leaves its findings out, \
`--warn CODE` reports them as warnings, `--deny CODE` reports them as errors and makes `lint` exit 1. Each flag \
can be repeated; when a code is named more than once the last flag wins. `--deny-warnings` turns every finding \
that would be a warning into an error (an allowed code stays allowed).\n\n\
In the policy, `# entitle: allow(CODE)` (or `allow(CODE1, CODE2)`) on the line before a statement or block, or at \
the end of a statement's line, silences CODE for findings in that statement or block. An unknown code there is \
`unknown-lint`, a malformed or misplaced comment `invalid-allow`, a code that silences nothing `unused-allow`.",
        after_help = "Lint codes: no-fulfillment-contact, no-administrator, no-account-admin, no-admin-contact, \
default-deny-no-override, legacy-exceptions-ignored, member-other-country, no-entitlement-country, \
unknown-profile-country, revenue-fallback, not-entitled-allowed, include-country-empty-list, mixed-group-modes, \
unused-product, unused-group, empty-key, key-several-groups, global-also-entitled, redundant-entry, unknown-lint, \
invalid-allow, unused-allow (each explained in docs/lint.md).\n\n\
Examples:\n  entitle lint acme.ent > lint.txt\n  entitle lint acme.ent --allow unused-product --deny mixed-group-modes\n  \
entitle lint acme.ent --deny-warnings --allow revenue-fallback"
    )]
    Lint {
        /// Policy file
        policy: PathBuf,
        #[command(flatten)]
        format: FormatArgs,
        /// Exit 1 when there are warnings: every finding at level warn becomes an error
        #[arg(long)]
        deny_warnings: bool,
        /// Leave out the findings of lint code CODE (repeatable; the last flag naming a code wins)
        #[arg(long, value_name = "CODE", value_parser = lint_code)]
        allow: Vec<LintCode>,
        /// Report the findings of lint code CODE as warnings, the default (repeatable)
        #[arg(long, value_name = "CODE", value_parser = lint_code)]
        warn: Vec<LintCode>,
        /// Report the findings of lint code CODE as errors and exit 1 (repeatable)
        #[arg(long, value_name = "CODE", value_parser = lint_code)]
        deny: Vec<LintCode>,
        /// Show every finding: without it, a code with more than 10 findings shows its first 3
        /// and a count (--json always has every one)
        #[arg(long, short = 'v')]
        verbose: bool,
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
    /// Run the expectations and scenarios in policy files and folders; the summary line is `N passed, M failed[, K errors]`
    #[command(
        long_about = "Run the `expect` lines and `scenario` blocks of policy files (LANGUAGE.md §6). \
A folder is searched recursively for `.ent` files, in sorted order, skipping hidden entries and \
`target/`; a folder without one is an error. The summary line reads `N passed, M failed`, then \
`, K errors` when there are any (K counts error diagnostics; a file that fails to load counts at \
least one). Exit 0 when everything passed, 1 when an expectation failed, 2 on any error.",
        after_help = "Coverage (--coverage): the statements counted are those inside declarations that \
decisions read (a country's revenue, covers, entitled, default, allow/deny; a group's allowed, \
include-country, exception; a user's country, entitlement-country, groups, status, allow/deny; a \
key's groups; the account's global). A statement is covered when the decision of at least one \
expectation that ran (passed or failed, top-level or in a scenario) rests on it: it is the \
decision's source (the statement that decided), or a step the decision passed on the way (the \
user's status, the statement that chose the entitlement country — country, entitlement-country, \
the covers entry or the fallback revenue —, the entitled or global entry of the product), or the \
groups statement naming the credited group. A declaration is unreached when no expectation names \
it as principal or product and no decision rests on it or its statements. The percentage is \
covered statements over statements, over the files that loaded.\n\n\
Examples:\n  entitle test scenarios\n  entitle test policy.ent tests/ --junit report.xml\n  entitle test scenarios --coverage --json"
    )]
    Test {
        /// Policy files with `expect` lines and `scenario` blocks, and folders holding them
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// Also write the results as JUnit XML to FILE (atomically): one testsuite per file
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// After the summary, report which policy statements the expectations cover (see below)
        #[arg(long)]
        coverage: bool,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Who may use PRODUCT, and who may not, grouped by the rule that denied them
    Who {
        /// Policy file
        policy: PathBuf,
        /// Product name or display name
        product: String,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Every principal × product decision, streamed (or a per-product summary); filters keep
    /// rows and columns, --rule/--only blank the other cells and drop rows left empty, --limit
    /// caps the rows
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
        filter: FilterArgs,
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
        format: ImpactFormatArgs,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        threads: ThreadsArgs,
    },
    /// Apply what-if statements to a copy of POLICY and report what changes (exit 1 if anything does)
    Simulate {
        /// Policy file
        policy: PathBuf,
        /// A what-if statement or declaration, e.g. 'convert Legacy' or 'set default US deny'
        #[arg(long = "what-if", value_name = "STMT", required_unless_present = "what_if_file", num_args = 1..)]
        what_if: Vec<String>,
        /// Read what-if statements from FILE (one per line, or a `{ … }` block over several
        /// lines; `#` comments); applied after those of --what-if
        #[arg(long = "what-if-file", value_name = "FILE")]
        what_if_file: Option<PathBuf>,
        #[command(flatten)]
        format: ImpactFormatArgs,
        #[command(flatten)]
        filter: FilterArgs,
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
    /// Write a self-contained HTML access report: principal × product grid with search over everyone, per-product counts, decisions per rule, a card per group
    #[command(
        after_help = "The page embeds every principal's decisions; search (email, key id, display name) and the \
group filter look at all of them. Open the page as report.html#q=TEXT&g=GROUP to start with a search. \
The header names the policy by its file name only.\n\n\
Examples:\n  entitle report acme.ent -o report.html\n  entitle report big.ent -o report.html --max-rows 2000"
    )]
    Report {
        /// Policy file
        policy: PathBuf,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Rows the grid renders at a time, with previous/next buttons (0: all); search, counts and charts always cover everyone
        #[arg(long, value_name = "N", default_value_t = crate::interop::report::DEFAULT_MAX_ROWS)]
        max_rows: usize,
    },
    /// Write a commented starter policy to FILE (default policy.ent), then say what to run next
    #[command(
        long_about = "Write a commented starter policy to FILE (default: policy.ent): an account with a \
claimed domain, three products, a country with Default Access and a General Access setting, an entitlement \
group with an Allowed Applications list and one that also includes the country's applications, three users \
(one with a user-level exception), an activation key, `expect` lines and a scenario. Each construct is \
commented with the portal's name for it and where an administrator changes it. The file is canonically \
formatted, lint-clean, and `entitle test` passes on it.\n\n\
An existing FILE is never replaced unless --force is given; the folder must exist. The file is written \
atomically. Exit 0 when written, 2 on an error.",
        after_help = "Examples:\n  entitle init\n  entitle init acme.ent\n  entitle init policies/acme.ent --force"
    )]
    Init {
        /// The policy file to create
        #[arg(value_name = "FILE", default_value = "policy.ent")]
        file: PathBuf,
        /// Replace FILE if it already exists
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script for entitle (bash, zsh, fish, elvish, powershell) to standard output
    #[command(
        long_about = "Print a completion script for SHELL to standard output: subcommands, flags and the \
values of enumerated flags (--format, --only, --color, …) complete on TAB.",
        after_help = "Install (one of):\n  \
entitle completions bash > ~/.local/share/bash-completion/completions/entitle\n  \
entitle completions zsh > ~/.zfunc/_entitle        (with `fpath+=~/.zfunc` before `compinit` in ~/.zshrc)\n  \
entitle completions fish > ~/.config/fish/completions/entitle.fish\n  \
entitle completions elvish >> ~/.config/elvish/rc.elv\n  \
entitle completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell to complete for
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the entitle(1) man page (roff) to standard output, or write every page to a folder with --dir
    #[command(
        long_about = "Print the entitle(1) manual page, in roff, to standard output. With --dir DIR, write \
entitle.1 and one page per subcommand (entitle-check.1, entitle-explain.1, …) into DIR instead, each file \
atomically; DIR must exist. The pages are generated from the same definitions as --help.",
        after_help = "Examples:\n  entitle man | man -l -\n  entitle man --dir ~/.local/share/man/man1"
    )]
    Man {
        /// Write entitle.1 and one page per subcommand into this folder (which must exist)
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Serve decisions over HTTP (a JSON API under /v1 and a page at /), reloading POLICY when it changes
    #[command(
        long_about = "Serve decisions over HTTP: a JSON API under /v1 answering exactly as the command line's --json \
does, a page for the support desk at /, /health and /metrics (Prometheus). POLICY stays loaded and compiled; \
when the file changes (or on POST /v1/reload) the new version is loaded in the background and swapped in \
atomically; a version with errors is refused and the last good one keeps serving (GET /v1/policy shows why).\n\n\
It listens on 127.0.0.1:8080 by default. Listening on any other than a loopback address needs --token-file \
(the policy holds people's emails): then every /v1 request and /metrics needs `Authorization: Bearer TOKEN`. \
When listening, one line goes to standard error: `entitle serve: listening on http://ADDR (FILE, N users, …)` \
(with port 0, the port chosen). Ctrl-C or SIGTERM stops it gracefully. Exit 2 when it cannot start. \
docs/serve.md describes every endpoint.",
        after_help = "Examples:\n  entitle serve acme.ent\n  \
curl -s localhost:8080/v1/check -d '{\"principal\":\"alice@acme.com\",\"product\":\"LumenRT\"}'\n  \
curl -s localhost:8080/v1/check -d '{\"requests\":[{\"principal\":\"alice@acme.com\",\"product\":\"LumenRT\"}]}'\n  \
curl -s localhost:8080/v1/explain -d '{\"principal\":\"alice@acme.com\",\"product\":\"LumenRT\"}'\n  \
curl -s 'localhost:8080/v1/principals?prefix=ali'\n  \
curl -s localhost:8080/v1/simulate -d '{\"what_if\":[\"convert Legacy\"]}'\n  \
curl -s -X POST localhost:8080/v1/reload\n  \
entitle serve acme.ent --listen 0.0.0.0:8080 --token-file token.txt --decision-log decisions.jsonl\n  \
curl -s -H \"Authorization: Bearer $(cat token.txt)\" host:8080/v1/policy"
    )]
    Serve {
        /// Policy file (watched: a change is reloaded)
        policy: PathBuf,
        /// Address and port to listen on (port 0: any free port)
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: String,
        /// A file holding the bearer token every /v1 request and /metrics must send (required
        /// to listen on a non-loopback address)
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// Append one JSON line per decision to FILE (time, request, decision, rule, group,
        /// policy hash), written off the request path
        #[arg(long, value_name = "FILE")]
        decision_log: Option<PathBuf>,
    },
    /// Run a language server over standard input and output (for editors; see docs/editors.md)
    Lsp,
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

/// A lint code given to `lint --allow`, `--warn` or `--deny`, with its place among those flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintCode {
    /// Increases along the command line (clap parses values in order), so the last flag naming
    /// a code can win across the three flags.
    pub seq: u64,
    pub code: &'static str,
}

/// Parse a lint code: an unknown one is an error with a did-you-mean among the codes.
fn lint_code(s: &str) -> Result<LintCode, String> {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let code = crate::lint::config::code(s).ok_or_else(|| crate::lint::config::unknown_code_message(s))?;
    Ok(LintCode {
        seq: SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        code,
    })
}
