//! One analysis of one policy document: what an editor (the language server, `src/lsp/`)
//! shows, computed once per version of the text.
//!
//! [`analyze`] parses, resolves, lints (the inline `# entitle: allow(…)` comments applied,
//! exactly as `entitle lint`) and runs the expectations and scenarios (as `entitle test`). The
//! diagnostics are the CLI's own: the same codes, messages, labels and help. Besides them the
//! analysis keeps an index of every name written in the document ([`Occurrence`]): which kind
//! of thing it names, which entity, and whether it declares it, in source order, so hover,
//! go-to-definition, references, rename and completion all read one table.
//!
//! [`analyze`] takes any text and never panics on it: it is the fuzz target's entry point for
//! the language server's view of a document.

use crate::diag::Diagnostic;
use crate::model::Model;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{
    AccountStmt, CountryStmt, Decl, Document, EntityKind, GroupStmt, Item, KeyStmt, Name, Node, UserStmt, WhatIf,
};
use crate::testing::{Case, Failure};

/// What a name in the document names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    User,
    Key,
    Group,
    Product,
    Country,
    Scenario,
    /// A rule name after `by`.
    Rule,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::User => "user",
            NameKind::Key => "key",
            NameKind::Group => "group",
            NameKind::Product => "product",
            NameKind::Country => "country",
            NameKind::Scenario => "scenario",
            NameKind::Rule => "rule",
        }
    }
    fn of(kind: EntityKind) -> NameKind {
        match kind {
            EntityKind::User => NameKind::User,
            EntityKind::Key => NameKind::Key,
            EntityKind::Group => NameKind::Group,
            EntityKind::Product => NameKind::Product,
            EntityKind::Country => NameKind::Country,
        }
    }
}

/// Where a name is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In a declaration or statement of the policy.
    Policy,
    /// In a top-level `expect` line (the span of the whole line).
    Expect(Span),
    /// Inside a scenario (the span of the scenario).
    Scenario(Span),
}

/// One name as written in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name as written (quotes included).
    pub span: Span,
    pub kind: NameKind,
    /// The entity it names: the declared name in lowercase (a product written by its display
    /// name gets the product's name), or the text in lowercase when nothing of that name is
    /// declared.
    pub target: String,
    /// Whether this is the declaration (`product X`, `user x@y`, `scenario "s"`).
    pub declares: bool,
    /// Whether the text is the entity's display name rather than its name.
    pub display: bool,
    pub place: Place,
}

/// Everything one version of a document gives.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub sources: Sources,
    pub file: FileId,
    pub document: Document,
    /// The resolved model (partial when there are errors: what resolved).
    pub model: Model,
    /// Whether the policy resolved without errors (lint and expectations ran).
    pub valid: bool,
    /// Every error and warning, as `entitle lint` and `entitle test` report them, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Every expectation as run (empty when the policy has errors).
    pub cases: Vec<Case>,
    /// The expectations that did not hold (indexed by [`crate::testing::CaseResult::Failed`]).
    pub failures: Vec<Failure>,
    /// Every name written in the document, in source order.
    pub names: Vec<Occurrence>,
}

/// Analyse a document: `name` is the file's name (used in diagnostics and in the commands of
/// lint help lines), `text` its contents.
pub fn analyze(name: &str, text: &str) -> Analysis {
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    let (document, model, mut diagnostics) = crate::check_file(&sources, file);
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    let (mut cases, mut failures) = (vec![], vec![]);
    if valid {
        let config = crate::lint::LintConfig::new();
        let findings = crate::lint::run(&document, &model, &sources, name, &config);
        diagnostics.extend(findings.into_iter().map(|f| f.diagnostic));
        // the expectations run on this parse and model (`run_file` would parse again)
        let outcome = crate::testing::run_document(&document, &model);
        diagnostics.extend(outcome.errors);
        diagnostics.extend(outcome.failures.iter().map(|f| f.to_diagnostic(&sources)));
        cases = outcome.cases;
        failures = outcome.failures;
    }
    crate::diag::sort(&mut diagnostics);
    let names = index(&document, &model);
    Analysis {
        sources,
        file,
        document,
        model,
        valid,
        diagnostics,
        cases,
        failures,
        names,
    }
}

impl Analysis {
    /// The document's text.
    pub fn text(&self) -> &str {
        &self.sources.get(self.file).text
    }

    /// The name written at byte `offset` (its end counts: a cursor just after a name is on it).
    pub fn name_at(&self, offset: usize) -> Option<&Occurrence> {
        let i = self.names.partition_point(|o| (o.span.end as usize) < offset);
        self.names[i..]
            .iter()
            .take_while(|o| o.span.start as usize <= offset)
            .find(|o| o.span.file == self.file)
    }

    /// Every occurrence of the entity `kind`/`target`, in source order.
    pub fn occurrences<'a>(&'a self, kind: NameKind, target: &'a str) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.names.iter().filter(move |o| o.kind == kind && o.target == target)
    }

    /// The declaration of an entity: the policy's own, else the first in a scenario.
    pub fn definition(&self, kind: NameKind, target: &str) -> Option<&Occurrence> {
        let defs = || {
            self.names
                .iter()
                .filter(|o| o.kind == kind && o.target == target && o.declares)
        };
        defs().find(|o| o.place == Place::Policy).or_else(|| defs().next())
    }

    /// The case of the `expect` line whose span is `span`.
    pub fn case(&self, span: Span) -> Option<&Case> {
        self.cases.iter().find(|c| c.span == span)
    }

    /// How many of the expectations inside `span` (a scenario) pass, and how many there are.
    pub fn passing_in(&self, span: Span) -> (usize, usize) {
        let cases = self
            .cases
            .iter()
            .filter(|c| span.start <= c.span.start && c.span.end <= span.end);
        cases.fold((0, 0), |(passed, all), c| {
            (
                passed + usize::from(matches!(c.result, crate::testing::CaseResult::Passed(_))),
                all + 1,
            )
        })
    }
}

/// The index of every name in the document.
fn index(doc: &Document, model: &Model) -> Vec<Occurrence> {
    let mut ix = Indexer { model, out: vec![] };
    for item in &doc.items {
        ix.item(item, Place::Policy);
    }
    ix.out.sort_by_key(|o| (o.span.start, o.span.end));
    ix.out
}

struct Indexer<'a> {
    model: &'a Model,
    out: Vec<Occurrence>,
}

impl Indexer<'_> {
    fn push(&mut self, name: &Name, kind: NameKind, declares: bool, place: Place) {
        let m = self.model;
        let lower = name.key();
        let (target, display) = match kind {
            NameKind::Product => match m.find_product(&name.text) {
                Some(p) => {
                    let n = m.product(p).name.to_lowercase();
                    let display = n != lower;
                    (n, display)
                }
                None => (lower, false),
            },
            NameKind::Country => match m.find_country(&name.text) {
                Some(c) => {
                    let n = m.country(c).name.to_lowercase();
                    let display = n != lower;
                    (n, display)
                }
                None => (lower, false),
            },
            _ => (lower, false),
        };
        self.out.push(Occurrence {
            span: name.span,
            kind,
            target,
            declares,
            display,
            place,
        });
    }

    fn list(&mut self, names: &[Name], kind: NameKind, place: Place) {
        for n in names {
            self.push(n, kind, false, place);
        }
    }

    fn principal(&mut self, name: &Name, place: Place) {
        let kind = match self.model.find_principal(&name.text) {
            Some(crate::model::Principal::Key(_)) => NameKind::Key,
            _ => NameKind::User,
        };
        self.push(name, kind, false, place);
    }

    fn item(&mut self, item: &Node<Item>, place: Place) {
        match &item.kind {
            Item::Decl(d) => self.decl(d, place),
            Item::Expect(e) => {
                let place = match place {
                    Place::Policy => Place::Expect(item.span),
                    p => p,
                };
                self.principal(&e.principal, place);
                self.push(&e.product, NameKind::Product, false, place);
                if let Some(r) = &e.rule {
                    self.push(r, NameKind::Rule, false, place);
                }
                if let Some(g) = &e.group {
                    self.push(g, NameKind::Group, false, place);
                }
            }
            Item::Scenario(s) => {
                let place = Place::Scenario(item.span);
                self.push(&s.name, NameKind::Scenario, true, Place::Policy);
                for i in &s.items {
                    self.item(i, place);
                }
            }
            Item::WhatIf(w) => self.whatif(w, place),
        }
    }

    fn decl(&mut self, d: &Decl, place: Place) {
        use NameKind as K;
        match d {
            Decl::Account(a) => {
                for s in &a.stmts {
                    match &s.kind {
                        AccountStmt::Alerts(l) | AccountStmt::Global(l) => self.list(l, K::Product, place),
                        AccountStmt::Domain { .. } => {}
                    }
                }
            }
            Decl::Product(p) => {
                self.push(&p.name, K::Product, true, place);
                if let Some(n) = &p.display {
                    self.push(n, K::Product, true, place);
                }
            }
            Decl::Country(c) => {
                self.push(&c.name, K::Country, true, place);
                if let Some(n) = &c.display {
                    self.push(n, K::Country, true, place);
                }
                for s in &c.stmts {
                    match &s.kind {
                        CountryStmt::Entitled(l) | CountryStmt::Access(_, l) => self.list(l, K::Product, place),
                        CountryStmt::Revenue(_) | CountryStmt::Covers(_) | CountryStmt::Default(_) => {}
                    }
                }
            }
            Decl::Group(g) => {
                self.push(&g.name, K::Group, true, place);
                self.push(&g.country, K::Country, false, place);
                for s in &g.stmts {
                    match &s.kind {
                        GroupStmt::Allowed(l) | GroupStmt::Exception(_, l) => self.list(l, K::Product, place),
                        GroupStmt::IncludeCountry => {}
                    }
                }
            }
            Decl::User(u) => {
                self.push(&u.email, K::User, true, place);
                for s in &u.stmts {
                    match &s.kind {
                        // a profile code names a country only when one is declared so
                        UserStmt::Country(n) => {
                            if self.model.find_country(&n.text).is_some() {
                                self.push(n, K::Country, false, place);
                            }
                        }
                        UserStmt::EntitlementCountry(n) => self.push(n, K::Country, false, place),
                        UserStmt::Groups(l) => self.list(l, K::Group, place),
                        UserStmt::Access(_, l) => self.list(l, K::Product, place),
                        UserStmt::Roles(_) | UserStmt::Status(_) => {}
                    }
                }
            }
            Decl::Key(k) => {
                self.push(&k.name, K::Key, true, place);
                if let Some(c) = &k.country {
                    self.push(c, K::Country, false, place);
                }
                for s in &k.stmts {
                    let KeyStmt::Groups(l) = &s.kind;
                    self.list(l, K::Group, place);
                }
            }
        }
    }

    fn whatif(&mut self, w: &WhatIf, place: Place) {
        use NameKind as K;
        let one = |ix: &mut Self, n: &Name, k: NameKind| ix.push(n, k, false, place);
        match w {
            WhatIf::Remove { kind, name } => one(self, name, NameKind::of(*kind)),
            WhatIf::Convert(g) | WhatIf::ClearExceptions(g) | WhatIf::SetIncludeCountry { group: g, .. } => {
                one(self, g, K::Group)
            }
            WhatIf::SetDefault { country, .. } | WhatIf::SetRevenue { country, .. } => one(self, country, K::Country),
            WhatIf::SetAccess { country, product, .. } | WhatIf::SetEntitled { country, product, .. } => {
                one(self, country, K::Country);
                one(self, product, K::Product);
            }
            WhatIf::Register { email, .. } | WhatIf::SetStatus { user: email, .. } => one(self, email, K::User),
            WhatIf::SetEntitlementCountry { user, country } => {
                one(self, user, K::User);
                if let Some(c) = country {
                    one(self, c, K::Country);
                }
            }
            WhatIf::SetException { user, product, .. } => {
                one(self, user, K::User);
                one(self, product, K::Product);
            }
            WhatIf::SetGroupException { group, product, .. } | WhatIf::SetAllowed { group, product, .. } => {
                one(self, group, K::Group);
                one(self, product, K::Product);
            }
            WhatIf::SetMember { group, principal, .. } => {
                one(self, group, K::Group);
                self.principal(principal, place);
            }
            WhatIf::SetGlobal { product, .. } => one(self, product, K::Product),
            WhatIf::SetDomain { .. } => {}
            WhatIf::SetKeyCountry { key, country } => {
                one(self, key, K::Key);
                if let Some(c) = country {
                    one(self, c, K::Country);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "product MicroStation \"Micro Station\"\nproduct LumenRT\ncountry US { entitled MicroStation, LumenRT }\ngroup Viz in US { allowed LumenRT }\nuser ann@acme.com { country US  groups Viz }\nexpect ann@acme.com \"Micro Station\" deny by group-not-allowed Viz\nscenario \"drop\" {\n  remove group Viz\n  expect ann@acme.com LumenRT allow\n}\n";

    #[test]
    fn names_are_indexed_by_kind_and_entity() {
        let a = analyze("p.ent", POLICY);
        assert!(a.valid, "{:?}", a.diagnostics);
        let viz: Vec<_> = a.occurrences(NameKind::Group, "viz").collect();
        assert_eq!(viz.len(), 4, "{viz:?}");
        assert!(viz[0].declares);
        assert_eq!(viz[3].place, Place::Scenario(a.document.items[6].span));
        let micro: Vec<_> = a.occurrences(NameKind::Product, "microstation").collect();
        assert_eq!(micro.len(), 4);
        assert!(micro.iter().filter(|o| o.display).count() == 2);
        assert_eq!(a.cases.len(), 2);
        assert!(a.failures.is_empty(), "{:?}", a.diagnostics);
    }

    #[test]
    fn name_at_finds_the_name_under_the_cursor() {
        let a = analyze("p.ent", POLICY);
        let at = POLICY.find("groups Viz").unwrap() + 8;
        let o = a.name_at(at).unwrap();
        assert_eq!((o.kind, o.target.as_str()), (NameKind::Group, "viz"));
        assert!(a.name_at(0).is_none());
        assert_eq!(
            a.definition(NameKind::Group, "viz").unwrap().span.start as usize,
            POLICY.find("Viz").unwrap()
        );
    }

    /// The expectations run on the analysis' own parse give what `entitle test` gives.
    #[test]
    fn expectations_are_those_of_run_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.push(POLICY.replace("LumenRT allow\n}", "LumenRT deny\n}"));
        let mut failures = 0;
        for text in &texts {
            let a = analyze("p.ent", text);
            assert!(a.valid);
            let mut sources = Sources::new();
            let file = sources.add("p.ent", text);
            let outcome = crate::testing::run_file(&sources, file);
            assert_eq!(format!("{:?}", a.cases), format!("{:?}", outcome.cases));
            assert_eq!(format!("{:?}", a.failures), format!("{:?}", outcome.failures));
            assert!(!a.cases.is_empty());
            failures += a.failures.len();
        }
        assert_eq!(failures, 1, "the edited policy's scenario fails once");
    }

    #[test]
    fn any_text_analyses() {
        for text in [
            "",
            "}{",
            "user",
            "expect a b allow by",
            "\u{0}\u{ffff}é\"",
            "scenario \"x\" { remove group }",
        ] {
            let _ = analyze("x.ent", text);
        }
    }
}
