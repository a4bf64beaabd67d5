//! The command line. Front end only: it parses arguments, calls the library and formats
//! what comes back. Exit codes: 0 ok/allow, 1 deny or failed test, 2 error.

use crate::capability::{self, Capability};
use crate::filter::{Filter, Selection};
use crate::model::Principal;
use crate::render::{self, exit};
use crate::source::Sources;
use crate::{Errors, Policy, QueryError};
use clap::Parser;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::Path;

mod args;
pub mod cache;
mod discover;
mod interop;
mod memory;
pub(crate) mod progress;
pub(crate) mod simulate;
mod test_cmd;

pub use args::{
    AnswerFormat, AnswerFormatArgs, Cli, ColorChoice, Command, FilterArgs, Format, FormatArgs, GenArgs, ImpactFormat,
    ImpactFormatArgs, LintCode, MatrixFormat, OnlyArg, ThreadsArgs,
};

pub use crate::render::exit::{DENY as EXIT_DENY, ERROR as EXIT_ERROR, OK as EXIT_OK};
/// The text of `check` and `explain` (kept here for callers of the command line's formatting).
pub use crate::render::{decision_text, explanation_text};

/// Run the command line; returns the exit code.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    // (the language server writes standard output from its own thread: not through a lock
    // held here for the whole run)
    if matches!(cli.command, Command::Lsp) {
        return crate::lsp::run();
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // (not locked for the whole run: a progress bar draws on standard error from another
    // thread, which would wait for the lock forever)
    let mut err = std::io::stderr();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // (`lint` reports on standard output: `lint > file` must not write colour codes)
        ColorChoice::Auto if matches!(cli.command, Command::Lint { .. }) => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
        ColorChoice::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    // (huge pages only where they pay: see `memory`)
    memory::huge_pages(false);
    let mut ctx = Ctx {
        out: &mut out,
        err: &mut err,
        color,
        cache: if cli.no_cache { None } else { cache::Cache::from_env() },
        one_shot: true,
    };
    let code = ctx.dispatch(cli.command);
    let _ = ctx.out.flush();
    code
}

/// Run one command line with its output going to `out` and `err` (no colour unless
/// `--color always`), in this process: what tests use to compare the front ends. Arguments
/// that do not parse print clap's message to `err`.
pub fn run_to(args: &[&str], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(std::iter::once("entitle").chain(args.iter().copied())) {
        Ok(c) => c,
        Err(e) => {
            let _ = write!(err, "{e}");
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let mut ctx = Ctx {
        out,
        err,
        color: cli.color == ColorChoice::Always,
        // (in-process runs compare answers: only a cache named by the environment is used)
        cache: match cli.no_cache {
            true => None,
            false => std::env::var_os("ENTITLE_CACHE_DIR").map(cache::Cache::at),
        },
        one_shot: false,
    };
    ctx.dispatch(cli.command)
}

/// Output streams and settings for one run; tests drive it with buffers.
pub struct Ctx<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub color: bool,
    /// The cache of resolved policies (`None`: `--no-cache`, or no cache folder).
    pub cache: Option<cache::Cache>,
    /// This run is the whole process (the binary), which exits right after the command: a
    /// large policy is then left to the exit instead of being freed piece by piece.
    pub one_shot: bool,
}

impl Ctx<'_> {
    /// Done with `policy`: in a one-shot run it is not freed (on a 200,000-user account,
    /// freeing the millions of small pieces of its tree and model costs tens of milliseconds
    /// that the process's exit does for nothing).
    fn discard(&self, policy: Policy) {
        if self.one_shot {
            std::mem::forget(policy);
        }
    }

    fn dispatch(&mut self, command: Command) -> i32 {
        match command {
            Command::Check {
                policy,
                requests: Some(requests),
                ..
            } => self.check_requests(&policy, &requests),
            Command::Check {
                policy,
                principal,
                product,
                format,
                requests: None,
            } => self.check(
                &policy,
                principal.as_deref().unwrap_or_default(),
                product.as_deref().unwrap_or_default(),
                format.is_json(),
            ),
            Command::Explain {
                policy,
                principal,
                product,
                format,
            } => self.explain(&policy, &principal, &product, format.get()),
            Command::Access {
                policy,
                principal,
                format,
                filter,
            } => self.access(&policy, &principal, format.get(), &filter.filter(0)),
            Command::Can {
                policy,
                principal,
                capability,
                product,
                format,
            } => self.can(&policy, &principal, &capability, product.as_deref(), format.get()),
            Command::Lint {
                policy,
                format,
                deny_warnings,
                allow,
                warn,
                deny,
                verbose,
            } => {
                use crate::lint::Level;
                let mut flags: Vec<(LintCode, Level)> = (allow.into_iter().map(|c| (c, Level::Allow)))
                    .chain(warn.into_iter().map(|c| (c, Level::Warn)))
                    .chain(deny.into_iter().map(|c| (c, Level::Deny)))
                    .collect();
                flags.sort_by_key(|(c, _)| c.seq);
                let mut config = crate::lint::LintConfig::new();
                config.deny_warnings = deny_warnings;
                for (c, level) in flags {
                    config.set_code(c.code, level);
                }
                self.lint(&policy, format.is_json(), verbose, &config)
            }
            Command::Fmt { policy, check, write } => self.fmt(&policy, check, write),
            Command::Test {
                files,
                junit,
                coverage,
                format,
            } => self.test(&files, junit.as_deref(), coverage, format.is_json()),
            Command::Who {
                policy,
                product,
                format,
                filter,
                threads,
            } => {
                use_threads(threads);
                self.who(&policy, &product, format.is_json(), &filter.filter(0))
            }
            Command::Matrix {
                policy,
                format,
                json,
                summary,
                filter,
                threads,
            } => {
                use_threads(threads);
                let format = if json { MatrixFormat::Json } else { format };
                self.matrix(&policy, format, summary, &filter.filter(0))
            }
            Command::Diff {
                old,
                new,
                format,
                filter,
                threads,
            } => {
                use_threads(threads);
                self.diff(&old, &new, format.get(), &filter.filter(20))
            }
            Command::Simulate {
                policy,
                what_if,
                what_if_file,
                format,
                filter,
                threads,
            } => {
                use_threads(threads);
                self.simulate(
                    &policy,
                    &what_if,
                    what_if_file.as_deref(),
                    format.get(),
                    &filter.filter(20),
                )
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
            Command::Init { file, force } => self.init(&file, force),
            Command::Completions { shell } => self.completions(shell),
            Command::Man { dir } => self.man(dir.as_deref()),
            Command::Serve {
                policy,
                listen,
                token_file,
                decision_log,
            } => {
                let _ = self.out.flush();
                crate::serve::run(&crate::serve::Options {
                    policy,
                    listen,
                    token_file,
                    decision_log,
                })
            }
            Command::Lsp => crate::lsp::run(),
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

    /// Load a policy for a query: errors only in `expect` lines are shown as warnings on
    /// standard error and the query is answered (issue: queries survive broken tests).
    pub(crate) fn load(&mut self, path: &Path) -> Result<Policy, i32> {
        let loading = progress::Loading::start(path);
        let loaded = Policy::from_path_for_queries(path);
        drop(loading);
        let (policy, warnings) = loaded.map_err(|e| self.errors(&e))?;
        if !warnings.is_empty() {
            let _ = write!(
                self.err,
                "{}",
                crate::diag::render_all(&warnings, policy.sources(), self.color)
            );
        }
        Ok(policy)
    }

    /// Load a policy for a question the resolved model answers alone (`check`, `access`,
    /// `can`, `who`, `matrix`, `diff`): from the cache when it holds this exact content, else
    /// lean ([`Policy::parse_model_only`]: errors and warnings as [`Ctx::load`] reports them),
    /// storing it when it loaded without any diagnostic.
    pub(crate) fn load_model(&mut self, path: &Path) -> Result<Policy, i32> {
        self.load_model_for(path, None)
    }

    /// [`Ctx::load_model`] for a question about one principal (`check`, `access`, `can`): from
    /// the cache, only that principal's record is read (the policy then holds it alone; see
    /// `cache::entry`). An unknown name reads the whole model, for the closest name.
    pub(crate) fn load_model_for(&mut self, path: &Path, principal: Option<&str>) -> Result<Policy, i32> {
        let cache = self.cache.clone();
        let size = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
        if cache.is_some() && self.one_shot && size <= memory::HUGE_PAGES_UP_TO {
            // (while the text and the entry are read: one pass over fresh memory; see `memory`)
            memory::huge_pages(true);
        }
        let text = crate::read_source(path).map_err(|d| {
            self.errors(&Errors {
                sources: crate::source::Sources::new(),
                diagnostics: vec![d],
            })
        })?;
        let name = path.display().to_string();
        let loading = progress::Loading::start(path);
        let (text, entry) = match &cache {
            Some(cache) => {
                let entry = cache.entry(&text);
                let cached = match principal {
                    Some(p) => cache.get_one(&entry, &name, text, p),
                    None => Err(text),
                }
                .or_else(|text| cache.get(&entry, &name, text));
                if self.one_shot {
                    memory::huge_pages(false);
                }
                match cached {
                    Ok(policy) => return Ok(policy),
                    Err(text) => (text, Some(entry)),
                }
            }
            None => (text, None),
        };
        // (the syntax tree is not needed to answer from the model: plain users are never built
        // into one, with or without the cache)
        let loaded = Policy::parse_model_only(&name, text);
        drop(loading);
        let (policy, warnings) = loaded.map_err(|e| self.errors(&e))?;
        if !warnings.is_empty() {
            let _ = write!(
                self.err,
                "{}",
                crate::diag::render_all(&warnings, policy.sources(), self.color)
            );
        } else if let (Some(cache), Some(entry)) = (&cache, &entry) {
            cache.put(entry, policy.model());
        }
        Ok(policy)
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
        model_only: bool,
    ) -> Result<(Policy, Principal, crate::model::ProductId), i32> {
        let policy = if model_only {
            self.load_model_for(path, Some(principal))?
        } else {
            self.load(path)?
        };
        match policy
            .principal(principal)
            .and_then(|p| Ok((p, policy.product(product)?)))
        {
            Ok((p, x)) => Ok((policy, p, x)),
            Err(e) => Err(self.query_error(e)),
        }
    }

    fn check(&mut self, path: &Path, principal: &str, product: &str, json: bool) -> i32 {
        let (policy, p, x) = match self.load_query(path, principal, product, true) {
            Ok(v) => v,
            Err(code) => return code,
        };
        let d = crate::eval::decide(&policy.model, p, x);
        if json {
            self.json(&render::decision_json(&policy, p, x, &d));
        } else {
            let _ = write!(self.out, "{}", render::decision_text(&policy, p, x, &d));
        }
        self.discard(policy);
        exit::of(d.access)
    }

    /// `check --requests FILE|-`: one JSON request per line, one answer per line, in order
    /// (a bad line gets an error object; exit 2 if any line was bad, else 0).
    fn check_requests(&mut self, path: &Path, requests: &Path) -> i32 {
        use std::io::BufRead;
        let input: Box<dyn BufRead> = if requests.as_os_str() == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            match std::fs::File::open(requests) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(e) => {
                    let _ = writeln!(self.err, "error: cannot read `{}`: {e}", requests.display());
                    return EXIT_ERROR;
                }
            }
        };
        let policy = match self.load_model(path) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let mut all = true;
        for (i, line) in input.lines().enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    let _ = writeln!(self.err, "error: cannot read line {} of the requests: {e}", i + 1);
                    return EXIT_ERROR;
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let (answer, ok) = render::batch::check_line(&policy, &line);
            all &= ok;
            if writeln!(self.out, "{answer}").is_err() {
                return EXIT_ERROR;
            }
        }
        if all {
            EXIT_OK
        } else {
            EXIT_ERROR
        }
    }

    fn explain(&mut self, path: &Path, principal: &str, product: &str, format: AnswerFormat) -> i32 {
        let (policy, p, x) = match self.load_query(path, principal, product, false) {
            Ok(v) => v,
            Err(code) => return code,
        };
        let ex = crate::eval::explain(&policy.model, p, x);
        let blockers = crate::explain::blockers(&policy.model, p, x);
        let fixes = crate::explain::fix_search(&policy.document, &policy.model, p, x);
        match format {
            AnswerFormat::Json => self.json(&render::explain_json(&policy, p, x, &ex, &blockers, &fixes)),
            AnswerFormat::Text => {
                let _ = write!(
                    self.out,
                    "{}",
                    render::explanation_text(&policy, p, x, &ex, &blockers, &fixes, self.color)
                );
            }
            AnswerFormat::Plain | AnswerFormat::Markdown => {
                let sets = render::fix_sets(&fixes);
                let markdown = format == AnswerFormat::Markdown;
                let _ = write!(
                    self.out,
                    "{}",
                    render::explain_plain(&policy, p, x, &ex, &sets, markdown)
                );
            }
        }
        self.discard(policy);
        exit::of(ex.decision.access)
    }

    /// Check a filter's names against `model` (an unknown one is reported: exit 2).
    pub(crate) fn select(&mut self, model: &crate::model::Model, filter: &Filter) -> Result<Selection, i32> {
        filter.resolve(model).map_err(|e| {
            let _ = writeln!(self.err, "error: {e}");
            EXIT_ERROR
        })
    }

    fn access(&mut self, path: &Path, principal: &str, format: AnswerFormat, filter: &Filter) -> i32 {
        // (a `--principal` filter may name another principal: the whole model then)
        let one = filter.principal.is_none().then_some(principal);
        let policy = match self.load_model_for(path, one) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let p = match policy.principal(principal) {
            Ok(p) => p,
            Err(e) => return self.query_error(e),
        };
        let sel = match self.select(&policy.model, filter) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let decisions = render::access_filtered(&policy.model, p, &sel);
        let text = match format {
            AnswerFormat::Json => {
                let mut j = render::access_json(&policy.model, p, &decisions);
                render::access::limit_json(&mut j, sel.limit);
                self.json(&j);
                None
            }
            AnswerFormat::Text => Some(render::access_text_limit(&policy.model, p, &decisions, sel.limit)),
            AnswerFormat::Plain => Some(render::access_plain(&policy.model, p, &decisions, false)),
            AnswerFormat::Markdown => Some(render::access_plain(&policy.model, p, &decisions, true)),
        };
        if let Some(text) = text {
            let _ = write!(self.out, "{text}");
        }
        let allowed = decisions.iter().any(|(_, d)| d.access == crate::Access::Allow);
        self.discard(policy);
        if allowed {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }

    fn can(&mut self, path: &Path, principal: &str, cap: &str, product: Option<&str>, format: AnswerFormat) -> i32 {
        let policy = match self.load_model_for(path, Some(principal)) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let arg_error = |e: crate::capability::CanArgError| match e {
            crate::capability::CanArgError::NeedsProduct(c) => format!("`{}` needs a PRODUCT argument", c.as_str()),
            e => e.to_string(),
        };
        let capability = match Capability::named(cap) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(self.err, "error: {}", arg_error(e));
                return EXIT_ERROR;
            }
        };
        let p = match policy.principal(principal) {
            Ok(p) => p,
            Err(e) => return self.query_error(e),
        };
        let product = match capability.product_arg(product) {
            Ok(product) => product,
            Err(e) => {
                let _ = writeln!(self.err, "error: {}", arg_error(e));
                return EXIT_ERROR;
            }
        };
        let x = match product.map(|name| policy.product(name)).transpose() {
            Ok(x) => x,
            Err(e) => return self.query_error(e),
        };
        let answer = capability::can(&policy.model, p, capability, x);
        let text = match format {
            AnswerFormat::Json => {
                self.json(&render::can_json(&policy, &answer));
                None
            }
            AnswerFormat::Text => Some(render::can_text(&policy, &answer)),
            AnswerFormat::Plain => Some(render::can_plain(&policy.model, &answer, false)),
            AnswerFormat::Markdown => Some(render::can_plain(&policy.model, &answer, true)),
        };
        if let Some(text) = text {
            let _ = write!(self.out, "{text}");
        }
        self.discard(policy);
        if answer.granted {
            EXIT_OK
        } else {
            EXIT_DENY
        }
    }

    /// `lint`: findings on standard output (text or JSON); errors that prevent loading the
    /// policy on standard error (as JSON on standard output with `--json`). Exit 2 when the
    /// policy does not load or a scenario statement fails, else 1 when a finding is denied.
    fn lint(&mut self, path: &Path, json: bool, verbose: bool, config: &crate::lint::LintConfig) -> i32 {
        let working = progress::Loading::working("linting", path);
        let loaded = Policy::from_path(path);
        let policy = match loaded {
            Ok(policy) => policy,
            Err(e) if json => {
                drop(working);
                self.json(&render::lint::errors_json(&e.diagnostics, &e.sources));
                return EXIT_ERROR;
            }
            Err(e) => {
                drop(working);
                return self.errors(&e);
            }
        };
        let name = policy.sources.get(policy.file).name.clone();
        let findings = crate::lint::run(&policy.document, &policy.model, &policy.sources, &name, config);
        let errors = crate::testing::scenario_errors(&policy);
        // (the spinner is gone before anything is written)
        drop(working);
        if json {
            self.json(&render::lint_json(&findings, &errors, &policy.sources));
        } else {
            let _ = write!(
                self.out,
                "{}",
                render::lint_text(&findings, &errors, &policy.sources, self.color, verbose)
            );
        }
        if !errors.is_empty() {
            EXIT_ERROR
        } else if findings.iter().any(|f| f.level == crate::lint::Level::Deny) {
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
        match (result, &args.output) {
            (Ok(()), _) => EXIT_OK,
            (Err(e), _) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            (Err(e), Some(path)) => {
                let _ = writeln!(
                    self.err,
                    "error: cannot write `{}`: {e} (nothing was written)",
                    path.display()
                );
                EXIT_ERROR
            }
            (Err(e), None) => {
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
