//! # entitle — explainable software entitlements
//!
//! A small policy language for the entitlement rules of a subscription licensing portal
//! (entitlement countries, Default and General Access, entitlement groups with Allowed
//! Applications, legacy group exceptions, user exceptions, activation keys, roles and
//! registration), and an evaluator that says which rule decided every answer.
//!
//! # The library
//!
//! [`Policy`] is the entry point: load a policy ([`Policy::parse`], [`Policy::from_path`]),
//! then ask it questions — [`check`](Policy::check), [`explain`](Policy::explain),
//! [`access`](Policy::access), [`can`](Policy::can), [`lint`](Policy::lint),
//! [`diff`](Policy::diff), [`summary`](Policy::summary) — or edit a copy with what-if
//! statements ([`apply`](Policy::apply)). Principals the policy does not declare can be
//! described with each request ([`request`], [`Policy::check_request`]). For bulk questions
//! (every principal × product), [`Policy::compile`] gives a [`Compiled`] form that decides
//! in a few bit tests. Every answer names the [`Rule`] that decided and the statement it
//! rests on ([`Span`], located with [`Policy::sources`]); errors are [`Diagnostic`]s that
//! quote the source.
//!
//! **Stability.** Everything this documentation shows is the library's API: [`Policy`] and
//! the other items at the crate root, and the modules shown (`model`, `eval`, `compile`,
//! `sim`, `capability`, `diag`, `source`, `request`). Until 1.0 a minor version (0.x) may
//! change them, and the changelog says how; within one minor version they do not change. The
//! modules hidden from this documentation (parsing, resolution, formatting, what-if edits,
//! lint, rendering, the front ends) are public only for the project's own binary, tests,
//! benchmarks and fuzz targets, and are not part of the API: they may change in any release.
//!
//! The pipeline, one module per stage: `syntax` (text → AST with spans) → `resolve` (names →
//! ids, every error at once) → [`eval`] (the explaining evaluator, the reference semantics) →
//! [`compile`] / [`sim`] (bitsets, in parallel; proven equal to `eval` by differential tests) →
//! front ends (`cli`, `repl`) that only format.
//!
//! ```
//! use entitle::{Policy, Rule, Access};
//!
//! let policy = Policy::parse("acme.ent", r#"
//!     product MicroStation
//!     product LumenRT
//!     country US { deny LumenRT }
//!     group Viz in US { allowed LumenRT }
//!     user ann@acme.com { country US  groups Viz }
//!     user bob@acme.com { country US }
//! "#)?;
//!
//! let d = policy.check("ann@acme.com", "LumenRT")?;
//! assert_eq!((d.access, d.rule), (Access::Allow, Rule::GroupAllowed));
//! assert_eq!(policy.check("bob@acme.com", "LumenRT")?.rule, Rule::ProductAccess);
//!
//! // Every step considered, each with the source it rests on:
//! let why = policy.explain("ann@acme.com", "MicroStation")?;
//! assert_eq!(why.decision.rule, Rule::GroupNotAllowed);
//! assert!(why.steps.len() >= 4);
//!
//! // Everything one principal may use, and the compiled form for bulk questions:
//! let ann = policy.access("ann@acme.com")?;
//! assert_eq!(ann.iter().filter(|(_, d)| d.access == Access::Allow).count(), 1);
//! let compiled = policy.compile();
//! assert_eq!(compiled.decide(0, 1).0, Access::Allow);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// pest is built without its `std` feature (which adds a native stack probe to every rule
// call; the grammar has no recursion to guard), and its generated parser names `alloc`.
extern crate alloc;

#[doc(hidden)]
pub mod analysis;
pub mod capability;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod clock;
pub mod compile;
pub mod diag;
pub mod eval;
#[doc(hidden)]
pub mod explain;
pub mod filter;
#[doc(hidden)]
pub mod fmt;
#[doc(hidden)]
pub mod gen;
pub mod impact;
#[doc(hidden)]
pub mod interop;
#[doc(hidden)]
pub mod keywords;
#[doc(hidden)]
pub mod lint;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod lsp;
pub mod model;
#[doc(hidden)]
pub mod render;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod repl;
pub mod request;
#[doc(hidden)]
pub mod resolve;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod serve;
pub mod sim;
pub mod source;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
pub mod testing;
#[doc(hidden)]
pub mod whatif;
mod write;

pub use capability::{CanAnswer, CanArgError, CanReason, Capability};
pub use compile::Compiled;
pub use diag::{Diagnostic, Severity};
pub use eval::{Decision, Explanation, GroupVerdict, Step};
pub use model::{
    Access, CountryBy, CountryId, GroupId, GroupMode, KeyId, Model, Principal, ProductId, Role, Rule, Status, Subject,
    UserId,
};
pub use resolve::ResolvedPrincipal;
pub use sim::{Diff, Summary};
pub use source::{FileId, Location, Sources, Span};
pub use write::atomic_write;

/// Errors with the sources they point into, so they can be rendered.
#[derive(Clone, Debug)]
pub struct Errors {
    /// The texts the diagnostics point into.
    pub sources: Sources,
    /// Every error (and warning) found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Errors {
    /// Render every diagnostic with ariadne (`color` for a terminal).
    pub fn render(&self, color: bool) -> String {
        diag::render_all(&self.diagnostics, &self.sources, color)
    }
}

impl std::fmt::Display for Errors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Errors {}

/// A loaded, validated policy: its sources, its document (AST) and its resolved model.
#[derive(Clone, Debug)]
///
/// Its parts are read through [`Policy::model`], [`Policy::sources`] and [`Policy::document`]
/// and changed only through [`Policy::apply`], so they always agree.
pub struct Policy {
    pub(crate) sources: Sources,
    pub(crate) file: FileId,
    pub(crate) document: syntax::Document,
    /// (shared: a copy of a policy shares its model until one of them is edited)
    pub(crate) model: std::sync::Arc<Model>,
}

impl Policy {
    /// Parse and resolve policy text; `name` is used in diagnostics and `source` locations.
    pub fn parse(name: &str, text: &str) -> Result<Policy, Errors> {
        let mut sources = Sources::new();
        let file = sources.add(name, text);
        Policy::load(sources, file)
    }

    /// Read, parse and resolve a policy file.
    pub fn from_path(path: &std::path::Path) -> Result<Policy, Errors> {
        let name = path.display().to_string();
        match read_source(path) {
            Ok(text) => Policy::parse(&name, &text),
            Err(d) => Err(Errors {
                sources: Sources::new(),
                diagnostics: vec![d],
            }),
        }
    }

    /// Parse and resolve a file already in `sources`.
    pub fn load(sources: Sources, file: FileId) -> Result<Policy, Errors> {
        let (document, model, diagnostics) = check_file(&sources, file);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Errors { sources, diagnostics });
        }
        Ok(Policy {
            sources,
            file,
            document,
            model: model.into(),
        })
    }

    /// Read a policy file to answer questions about it: like [`Policy::from_path`], but errors
    /// that lie only in top-level `expect` lines (an expectation naming something the policy
    /// does not declare) do not stop the policy from answering: they come back as warnings, to
    /// be shown beside the answer. `entitle test` and `lint` still report them as errors.
    /// Scenario blocks are checked only when they run, so they never stop a query.
    pub fn from_path_for_queries(path: &std::path::Path) -> Result<(Policy, Vec<Diagnostic>), Errors> {
        let name = path.display().to_string();
        let text = read_source(path).map_err(|d| Errors {
            sources: Sources::new(),
            diagnostics: vec![d],
        })?;
        Policy::parse_for_queries(&name, text)
    }

    /// [`Policy::from_path_for_queries`] of text already read.
    #[doc(hidden)]
    pub fn parse_for_queries(name: &str, text: String) -> Result<(Policy, Vec<Diagnostic>), Errors> {
        Policy::load_for_queries(name, text, true)
    }

    /// [`Policy::parse_for_queries`] for the questions the model answers alone: the plain
    /// user declarations are never built into a tree ([`syntax::parse_lean`]), and the
    /// policy's document is empty (as [`Policy::from_model`]'s).
    #[doc(hidden)]
    pub fn parse_model_only(name: &str, text: String) -> Result<(Policy, Vec<Diagnostic>), Errors> {
        Policy::load_for_queries(name, text, false)
    }

    fn load_for_queries(name: &str, text: String, keep_document: bool) -> Result<(Policy, Vec<Diagnostic>), Errors> {
        let mut sources = Sources::new();
        let file = sources.add(name, text);
        let (document, mut diagnostics, model, errors) = if keep_document {
            let (document, diagnostics) = syntax::parse(&sources, file);
            let (model, errors) = resolve::resolve(&document);
            (document, diagnostics, model, errors)
        } else {
            let (document, lean, diagnostics) = syntax::parse_lean(&sources, file);
            let (model, errors) = resolve::resolve_lean(&document, &lean);
            (document, diagnostics, model, errors)
        };
        // the spans of the top-level expectations, in source order
        let expects: Vec<Span> = document
            .items
            .iter()
            .filter(|i| matches!(i.kind, syntax::Item::Expect(_)))
            .map(|i| i.span)
            .collect();
        let document = if keep_document {
            document
        } else {
            syntax::Document::default()
        };
        with_resolve_errors(&mut diagnostics, errors);
        let in_expect = |d: &Diagnostic| {
            d.primary_span().is_some_and(|s| {
                let i = expects.partition_point(|e| e.start <= s.start);
                i > 0 && expects[i - 1].file == s.file && s.end <= expects[i - 1].end
            })
        };
        if diagnostics.iter().any(|d| d.is_error() && !in_expect(d)) {
            return Err(Errors { sources, diagnostics });
        }
        let warnings = diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|mut d| {
                d.severity = Severity::Warning;
                d.notes.push("the policy's expectations have errors (`entitle test` reports them); this answer does not depend on them".into());
                d
            })
            .collect();
        let policy = Policy {
            sources,
            file,
            document,
            model: model.into(),
        };
        Ok((policy, warnings))
    }

    /// A policy answering from a resolved model alone (read back from the command line's
    /// cache): its document is empty, so it serves only the questions the model answers
    /// (`check`, `access`, `can`, `who`, `matrix`, `diff`), not those that edit or print the
    /// policy.
    #[doc(hidden)]
    pub fn from_model(sources: Sources, file: FileId, model: Model) -> Policy {
        Policy {
            sources,
            file,
            document: syntax::Document::default(),
            model: model.into(),
        }
    }

    /// Load only the declarations of a file already in `sources` (its expectations and
    /// scenarios are kept in the document but not checked): for tools that edit a policy whose
    /// expectations may name what an edit removed.
    #[doc(hidden)]
    pub fn load_declarations(sources: Sources, file: FileId) -> Result<Policy, Errors> {
        let (document, mut diagnostics) = syntax::parse(&sources, file);
        let (model, errors) = resolve::resolve_declarations(&document);
        diagnostics.extend(errors);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Errors { sources, diagnostics });
        }
        Ok(Policy {
            sources,
            file,
            document,
            model: model.into(),
        })
    }

    /// Apply what-if statements one after another, editing this policy in place, and return
    /// the model as it was before each statement (so a caller can compare every stage
    /// without copying the document). Unlike [`Policy::apply`] this is not all or nothing:
    /// on an error the policy is left part-way and should be dropped.
    #[doc(hidden)]
    pub fn apply_stages(&mut self, name: &str, statements: &str) -> Result<Vec<Model>, Errors> {
        let stmts = self.applicable(name, statements)?;
        let mut before = vec![];
        for stmt in &stmts.items {
            let next = whatif::apply_in_place(&mut self.document, &self.model, stmt).map_err(|diagnostics| Errors {
                sources: self.sources.clone(),
                diagnostics,
            })?;
            before.push(std::sync::Arc::unwrap_or_clone(std::mem::replace(
                &mut self.model,
                next.into(),
            )));
        }
        Ok(before)
    }

    /// The statements of `statements`, parsed as a new source named `name`: declarations
    /// and what-if statements only.
    fn applicable(&mut self, name: &str, statements: &str) -> Result<syntax::Document, Errors> {
        let file = self.sources.add(name, statements);
        let (stmts, errors) = syntax::parse_statements(&self.sources, file);
        if !errors.is_empty() {
            return Err(Errors {
                sources: self.sources.clone(),
                diagnostics: errors,
            });
        }
        if let Some(stmt) = stmts
            .items
            .iter()
            .find(|s| matches!(s.kind, syntax::Item::Expect(_) | syntax::Item::Scenario(_)))
        {
            let d = Diagnostic::error(
                "not-a-statement",
                "only declarations and what-if statements can be applied",
            )
            .with_label(stmt.span, "not a declaration or what-if statement");
            return Err(Errors {
                sources: self.sources.clone(),
                diagnostics: vec![d],
            });
        }
        Ok(stmts)
    }

    /// Apply what-if statements and declarations (LANGUAGE.md §5) to this policy, in order.
    /// All or nothing: if one fails, the policy is unchanged and the error names it.
    ///
    /// ```
    /// let mut policy = entitle::Policy::parse("p.ent", r#"
    ///     product MicroStation
    ///     product LumenRT
    ///     country US { }
    ///     group Legacy in US { exception allow LumenRT }
    ///     user lee@x.com { country US  groups Legacy }
    /// "#)?;
    /// assert_eq!(policy.check("lee@x.com", "MicroStation")?.access, entitle::Access::Allow);
    /// policy.apply("<what-if>", "convert Legacy")?;
    /// // the converted group is now a strict allow-list
    /// assert_eq!(policy.check("lee@x.com", "MicroStation")?.rule, entitle::Rule::GroupNotAllowed);
    /// assert!(policy.apply("<what-if>", "convert Nope").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&mut self, name: &str, statements: &str) -> Result<(), Errors> {
        let stmts = self.applicable(name, statements)?;
        // (edits a copy of the document: on an error it is dropped and the policy is unchanged)
        let (document, model) =
            whatif::applied_all(&self.document, &self.model, &stmts.items).map_err(|diagnostics| Errors {
                sources: self.sources.clone(),
                diagnostics,
            })?;
        self.document = document;
        if let Some(model) = model {
            self.model = model.into();
        }
        Ok(())
    }

    /// The resolved policy: every entity with its id, in declaration order (read-only: change
    /// a policy with [`Policy::apply`]).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The policy's text (and the text of every what-if statement applied), for locating and
    /// rendering the [`Span`]s of answers and diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The policy file among [`Policy::sources`].
    pub fn file(&self) -> FileId {
        self.file
    }

    /// The syntax tree the model was resolved from (comments included).
    #[doc(hidden)]
    pub fn document(&self) -> &syntax::Document {
        &self.document
    }

    /// The canonical text of the policy (what `entitle fmt` prints).
    pub fn format(&self) -> String {
        let text = &self.sources.get(self.file).text;
        fmt::format_source(&self.document, self.file, text)
    }

    /// Where a span is: file name, line and column (1-based).
    pub fn locate(&self, span: Span) -> Location {
        self.sources.location(span)
    }

    /// Compile the policy for bulk questions: a principal × product decision in a few bit
    /// tests, equal to [`Policy::check`] on every pair (principals are numbered users first,
    /// then keys, as [`Model::principals`] lists them).
    pub fn compile(&self) -> Compiled {
        Compiled::new(&self.model)
    }

    /// Every product for one principal, in declaration order: what it may use and why, and
    /// what it may not (`entitle access`).
    pub fn access(&self, principal: &str) -> Result<Vec<(ProductId, Decision)>, QueryError> {
        Ok(render::access(&self.model, self.principal(principal)?))
    }

    /// Does the principal hold an account capability (`entitle can`)? `product` only for
    /// [`Capability::ReceiveAlerts`].
    pub fn can(&self, principal: &str, capability: Capability, product: Option<&str>) -> Result<CanAnswer, QueryError> {
        let p = self.principal(principal)?;
        let x = product.map(|x| self.product(x)).transpose()?;
        Ok(capability::can(&self.model, p, capability, x))
    }

    /// Every lint warning (LANGUAGE.md §4 and the project's own), sorted by position.
    pub fn lint(&self) -> Vec<Diagnostic> {
        lint::lint_file(&self.document, &self.model, &self.sources.get(self.file).name)
    }

    /// Every decision that differs in `other`, grouped by cause (`entitle diff`).
    pub fn diff(&self, other: &Policy) -> Diff {
        sim::diff(&self.model, &other.model, &|_| {})
    }

    /// Per product, how many principals may and may not use it, and why not
    /// (`entitle matrix --format summary`).
    pub fn summary(&self) -> Summary {
        sim::summary(&self.model, &self.compile(), &|_| {})
    }

    /// Find a principal (user email or key id), with a suggestion when it is unknown.
    pub fn principal(&self, name: &str) -> Result<Principal, QueryError> {
        self.model
            .find_principal(name)
            .ok_or_else(|| QueryError::UnknownPrincipal {
                name: name.to_string(),
                suggestion: diag::closest(name, self.model.principal_names()).map(str::to_string),
            })
    }

    /// Find a product by name or display name, with a suggestion when it is unknown.
    pub fn product(&self, name: &str) -> Result<model::ProductId, QueryError> {
        self.model.find_product(name).ok_or_else(|| QueryError::UnknownProduct {
            name: name.to_string(),
            suggestion: diag::closest(name, self.model.product_names()).map(str::to_string),
        })
    }

    /// Can `principal` use `product`, and which rule decided?
    pub fn check(&self, principal: &str, product: &str) -> Result<Decision, QueryError> {
        Ok(eval::decide(
            &self.model,
            self.principal(principal)?,
            self.product(product)?,
        ))
    }

    /// The decision with every step considered.
    pub fn explain(&self, principal: &str, product: &str) -> Result<Explanation, QueryError> {
        Ok(eval::explain(
            &self.model,
            self.principal(principal)?,
            self.product(product)?,
        ))
    }

    /// Resolve a principal described at request time against this policy, once, to ask about
    /// many products (see [`request`]).
    pub fn resolve_request(
        &self,
        who: &request::RequestPrincipal,
    ) -> Result<resolve::ResolvedPrincipal, request::RequestError> {
        who.resolve(&self.model)
    }

    /// Can a principal described at request time use `product`? It decides exactly as if the
    /// principal were declared in the policy (see [`request`]).
    pub fn check_request(
        &self,
        who: &request::RequestPrincipal,
        product: &str,
    ) -> Result<Decision, request::RequestError> {
        let resolved = self.resolve_request(who)?;
        Ok(eval::decide_subject(
            &self.model,
            resolved.subject(),
            self.product(product)?,
        ))
    }

    /// [`Policy::check_request`] with every step considered.
    pub fn explain_request(
        &self,
        who: &request::RequestPrincipal,
        product: &str,
    ) -> Result<Explanation, request::RequestError> {
        let resolved = self.resolve_request(who)?;
        Ok(eval::explain_subject(
            &self.model,
            resolved.subject(),
            self.product(product)?,
        ))
    }
}

/// Parse and resolve a file, collecting every error: the syntax errors of every broken
/// declaration and the resolution errors of what parsed. After a syntax error a name may be
/// declared in the part that did not parse, so unknown-name errors are held back then.
pub fn check_file(sources: &Sources, file: FileId) -> (syntax::Document, Model, Vec<Diagnostic>) {
    let (document, mut diagnostics) = syntax::parse(sources, file);
    let (model, errors) = resolve::resolve(&document);
    with_resolve_errors(&mut diagnostics, errors);
    (document, model, diagnostics)
}

/// The syntax errors of a file and its resolution's, in order; after a syntax error, names
/// that resolve to nothing are not reported (their declaration may be the broken one).
fn with_resolve_errors(diagnostics: &mut Vec<Diagnostic>, errors: Vec<Diagnostic>) {
    let syntax_failed = !diagnostics.is_empty();
    diagnostics.extend(
        errors
            .into_iter()
            .filter(|d| !(syntax_failed && d.code == "unknown-name")),
    );
    diag::sort(diagnostics);
}

/// A query naming something the policy does not declare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// No user or key of this name; `suggestion` is the closest declared one.
    UnknownPrincipal {
        /// The name asked about.
        name: String,
        /// The closest declared principal, if any is close.
        suggestion: Option<String>,
    },
    /// No product of this name or display name.
    UnknownProduct {
        /// The name asked about.
        name: String,
        /// The closest declared product name, if any is close.
        suggestion: Option<String>,
    },
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, name, suggestion) = match self {
            QueryError::UnknownPrincipal { name, suggestion } => ("principal (user email or key id)", name, suggestion),
            QueryError::UnknownProduct { name, suggestion } => ("product", name, suggestion),
        };
        write!(f, "unknown {what} `{name}`")?;
        if let Some(s) = suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryError {}

/// The largest file [`read_source`] reads (spans hold 32-bit offsets).
pub const MAX_SOURCE_BYTES: u64 = 1 << 30;

/// Read a policy file as UTF-8 text, turning every failure into a diagnostic. A leading
/// byte order mark is dropped; a NUL byte or more than [`MAX_SOURCE_BYTES`] (16 MiB from a
/// device such as `/dev/zero`, which would never end) is an error. `/dev/null` is empty.
pub fn read_source(path: &std::path::Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| Diagnostic::error("io", format!("cannot read `{shown}`: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Diagnostic::error(
            "io",
            format!("`{shown}` is a directory, not a policy file"),
        ));
    }
    #[cfg(unix)]
    let device = {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        t.is_char_device() || t.is_block_device()
    };
    #[cfg(not(unix))]
    let device = false;
    let limit = if device { 16 << 20 } else { MAX_SOURCE_BYTES };
    // (sized from the metadata: growing by doubling copies a large file several times and
    // holds up to twice its size at the peak)
    let mut bytes = Vec::with_capacity(if device { 0 } else { meta.len().min(limit) as usize + 1 });
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(Diagnostic::error(
            "io",
            format!(
                "`{shown}` is larger than {} MiB: too large for a policy file",
                limit >> 20
            ),
        ));
    }
    // where a byte offset is, as a person reads it
    let at = |bytes: &[u8], offset: usize| {
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!("line {line}, column {column}")
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Diagnostic::error(
            "io",
            format!(
                "`{shown}` is not UTF-8 text (invalid byte at offset {offset}, {})",
                at(e.as_bytes(), offset)
            ),
        )
        .with_help("save the file as UTF-8")
    })?;
    if let Some(offset) = text.find('\0') {
        return Err(Diagnostic::error(
            "io",
            format!(
                "`{shown}` is not a text file (NUL byte at offset {offset}, {})",
                at(text.as_bytes(), offset)
            ),
        )
        .with_help("a policy is UTF-8 text; a file saved as UTF-16 has a NUL byte after every ASCII letter"));
    }
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
