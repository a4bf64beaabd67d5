//! Merging rows into the policy: checking each row's values against the policy, adding or
//! updating the user's declaration, and resolving it to be sure the policy stays valid.

use super::RowOutcome;
use crate::diag::closest;
use crate::model::{Model, Role, Status};
use crate::resolve::resolve_declarations;
use crate::source::Span;
use crate::syntax::ast::{Decl, Document, Item, Name, Node, UserDecl, UserStmt};
use rustc_hash::FxHashMap as HashMap;

/// One row's cells (trimmed); `None` for a column the sheet does not have.
pub(super) struct RowFields<'a> {
    pub(super) email: &'a str,
    pub(super) first: &'a str,
    pub(super) last: &'a str,
    pub(super) country: &'a str,
    pub(super) roles: Option<&'a str>,
    pub(super) groups: Option<&'a str>,
    pub(super) status: Option<&'a str>,
    /// (r2) `Some("")`: the column is there, the cell empty (keep the attribute).
    pub(super) entitlement_country: Option<&'a str>,
}

/// The merge in progress.
pub(super) struct Merge<'a> {
    model: &'a Model,
    doc: Document,
    /// Lowercase email → index of the user's declaration in `doc`.
    users: HashMap<String, usize>,
    /// Users added so far, in sheet order (placed at the end).
    added: Vec<std::sync::Arc<Node<Item>>>,
    /// The policy's products and countries (with their `covers` only), plus (while a row is
    /// checked) the groups the user names and the user: resolving it tells whether the user's
    /// declaration is valid in this policy (nothing else a user refers to can make it invalid).
    probe: Document,
    /// Lowercase group name → its declaration, to add to the probe.
    group_decls: HashMap<String, std::sync::Arc<Node<Item>>>,
}

impl<'a> Merge<'a> {
    pub(super) fn new(doc: &Document, model: &'a Model) -> Merge<'a> {
        let mut users = HashMap::default();
        for (i, item) in doc.items.iter().enumerate() {
            if let Item::Decl(Decl::User(u)) = &item.kind {
                users.insert(u.email.key(), i);
            }
        }
        let probe = Document {
            items: doc
                .items
                .iter()
                .filter_map(|i| match &i.kind {
                    Item::Decl(Decl::Product(_)) => Some(i.clone()),
                    // only `covers` and `revenue` matter to a user (its entitlement country)
                    Item::Decl(Decl::Country(c)) => {
                        let mut c = c.clone();
                        c.stmts.retain(|s| {
                            matches!(
                                s.kind,
                                crate::syntax::ast::CountryStmt::Covers(_)
                                    | crate::syntax::ast::CountryStmt::Revenue(_)
                            )
                        });
                        Some(Node::new(Item::Decl(Decl::Country(c)), i.span).into())
                    }
                    _ => None,
                })
                .collect(),
            end_comments: vec![],
        };
        let group_decls = doc
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                Item::Decl(Decl::Group(g)) => Some((g.name.key(), i.clone())),
                _ => None,
            })
            .collect();
        Merge {
            model,
            doc: doc.clone(),
            users,
            added: vec![],
            probe,
            group_decls,
        }
    }

    /// Validate and apply one row: its outcome and warnings, or every reason it is rejected.
    pub(super) fn row(&mut self, f: &RowFields<'_>) -> Result<(RowOutcome, Vec<String>), Vec<String>> {
        let mut reasons = vec![];
        if let Err(why) = check_email(f.email) {
            reasons.push(why);
        }
        for (what, text) in [
            ("First Name", Some(f.first)),
            ("Last Name", Some(f.last)),
            ("Country", Some(f.country)),
            ("Roles", f.roles),
            ("Groups", f.groups),
            ("Status", f.status),
            ("Entitlement Country", f.entitlement_country),
        ] {
            if text.is_some_and(|t| t.chars().any(char::is_control)) {
                reasons.push(format!(
                    "the {what} cell spans several lines (a name must fit on one line)"
                ));
            }
        }
        let existing = self.users.get(&f.email.to_lowercase()).copied();
        if existing.is_none() && f.country.is_empty() && !f.email.is_empty() {
            reasons.push("missing country (a new user needs a profile country)".to_string());
        }
        let groups = f
            .groups
            .filter(|g| !g.is_empty())
            .map(|cell| self.groups(cell, &mut reasons));
        let roles = f.roles.filter(|r| !r.is_empty()).map(|cell| roles(cell, &mut reasons));
        let status = match f.status.filter(|s| !s.is_empty()) {
            None => None,
            Some(cell) => match Status::parse(&cell.to_lowercase()) {
                Some(s) => Some(s),
                None => {
                    let names = Status::ALL.map(Status::as_str);
                    reasons.push(format!(
                        "unknown status `{cell}`{} (one of {})",
                        suggestion(cell, names),
                        names.join(", ")
                    ));
                    None
                }
            },
        };
        let entitlement_country = f
            .entitlement_country
            .filter(|c| !c.is_empty())
            .map(|cell| self.entitlement_country(cell, &mut reasons));
        if !reasons.is_empty() {
            return Err(reasons);
        }

        let display = [f.first, f.last]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let mut user = match existing {
            Some(i) => match &self.doc.items[i].kind {
                Item::Decl(Decl::User(u)) => u.clone(),
                _ => unreachable!("the index holds user declarations"),
            },
            None => UserDecl {
                email: name(f.email),
                display: None,
                stmts: vec![],
                end_comments: vec![],
            },
        };
        if !display.is_empty() {
            user.display = Some(name(&display));
        }
        if !f.country.is_empty() {
            set(&mut user, UserStmt::Country(name(&self.profile_code(f.country))));
        }
        match entitlement_country {
            Some(Some(c)) => set(&mut user, UserStmt::EntitlementCountry(name(&c))),
            Some(None) => replace(&mut user, Slot::EntitlementCountry, None),
            None => {}
        }
        if let Some(g) = groups {
            set_list(&mut user, Slot::Groups, g);
        }
        if let Some(r) = roles {
            set_list(&mut user, Slot::Roles, r);
        }
        if let Some(s) = status {
            set(&mut user, UserStmt::Status(name(s.as_str())));
        }

        // would the policy stay valid? resolve the user against what it refers to
        let base = self.probe.items.len();
        for stmt in &user.stmts {
            if let UserStmt::Groups(list) = &stmt.kind {
                for g in list {
                    if let Some(decl) = self.group_decls.get(&g.key()) {
                        self.probe.items.push(decl.clone());
                    }
                }
            }
        }
        self.probe
            .items
            .push(Node::new(Item::Decl(Decl::User(user.clone())), Span::default()).into());
        let (probe_model, errors) = resolve_declarations(&self.probe);
        self.probe.items.truncate(base);
        let errors: Vec<String> = errors
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let help = d.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("the policy would be invalid: {}{help}", d.message)
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let warnings = probe_model
            .users
            .first()
            .map(|u| self.warnings(&probe_model, u))
            .unwrap_or_default();

        let outcome = match existing {
            Some(i) => {
                let Item::Decl(Decl::User(before)) = &mut std::sync::Arc::make_mut(&mut self.doc.items[i]).kind else {
                    unreachable!()
                };
                if same_text(before, &user) {
                    RowOutcome::Unchanged
                } else {
                    *before = user;
                    RowOutcome::Updated
                }
            }
            None => {
                self.users.insert(f.email.to_lowercase(), usize::MAX);
                self.added
                    .push(Node::new(Item::Decl(Decl::User(user)), Span::default()).into());
                RowOutcome::Added
            }
        };
        Ok((outcome, warnings))
    }

    /// The groups of a `Groups` cell, by their declared names; `[]` for `-`.
    fn groups(&self, cell: &str, reasons: &mut Vec<String>) -> Vec<Name> {
        let mut out: Vec<Name> = vec![];
        if cell == "-" {
            return out;
        }
        for part in split(cell) {
            match self.model.find_group(part) {
                Some(g) => {
                    let declared = &self.model.group(g).name;
                    if !out.iter().any(|n| n.text == *declared) {
                        out.push(name(declared));
                    }
                }
                None => reasons.push(format!(
                    "unknown group `{part}`{}",
                    suggestion(part, self.model.groups.iter().map(|g| g.name.as_str()))
                )),
            }
        }
        out
    }

    /// The declared country an `Entitlement Country` cell names, by its declared name;
    /// `None` for `-` (remove the attribute). A profile code (a `covers` entry) or an unknown
    /// name is a reason to reject the row.
    fn entitlement_country(&self, cell: &str, reasons: &mut Vec<String>) -> Option<String> {
        if cell == "-" {
            return None;
        }
        if let Some(c) = self.model.find_country(cell) {
            return Some(self.model.country(c).name.clone());
        }
        match self.model.country_for_profile(cell) {
            Some(c) => reasons.push(format!(
                "entitlement country `{cell}` is a profile code covered by `{}`, not a declared country; did you mean `{}`?",
                self.model.country(c).name,
                self.model.country(c).name
            )),
            None => reasons.push(format!(
                "unknown entitlement country `{cell}`{} (it must name a declared country)",
                suggestion(cell, self.model.countries.iter().map(|c| c.name.as_str()))
            )),
        }
        Some(String::new())
    }

    /// A profile code in the policy's own spelling when it differs only in case from a
    /// declared country's name or a `covers` entry (`de` → `DE`); else as written.
    fn profile_code(&self, code: &str) -> String {
        for c in &self.model.countries {
            if c.name.eq_ignore_ascii_case(code) {
                return c.name.clone();
            }
            if let Some((covered, _)) = c.covers.iter().find(|(k, _)| k.eq_ignore_ascii_case(code)) {
                return covered.clone();
            }
        }
        code.to_string()
    }

    /// Remarks on an imported user, from the user's resolved form.
    fn warnings(&self, m: &Model, u: &crate::model::User) -> Vec<String> {
        let mut out = vec![];
        match u.country {
            None => out.push(format!(
                "profile country `{}` is not a declared country and no country covers it: the user has no entitlement country (every product: deny by no-entitlement-country)",
                u.profile.0
            )),
            Some(c) => {
                if u.country_by == Some(crate::model::CountryBy::Revenue) {
                    out.push(format!(
                        "profile country `{}` is not a declared country and no country covers it: the user gets the fallback entitlement country `{}` (the highest revenue)",
                        u.profile.0,
                        m.country(c).name
                    ));
                }
                for (g, _) in &u.groups {
                    let group = m.group(*g);
                    if group.country != c {
                        out.push(format!(
                            "group `{}` belongs to country `{}`, not to the user's entitlement country `{}`: the membership is ignored by every decision",
                            group.name,
                            m.country(group.country).name,
                            m.country(c).name
                        ));
                    }
                }
            }
        }
        out
    }

    /// The merged document: new users after the last user (else after the last declaration).
    pub(super) fn finish(mut self) -> Document {
        let at = self
            .doc
            .items
            .iter()
            .rposition(|i| matches!(i.kind, Item::Decl(Decl::User(_))))
            .or_else(|| self.doc.items.iter().rposition(|i| matches!(i.kind, Item::Decl(_))))
            .map_or(self.doc.items.len(), |i| i + 1);
        self.doc.items.splice(at..at, self.added);
        self.doc
    }
}

/// Two user declarations that print the same (spans aside).
fn same_text(a: &UserDecl, b: &UserDecl) -> bool {
    let print = |u: &UserDecl| {
        crate::fmt::format_document(&Document {
            items: vec![Node::new(Item::Decl(Decl::User(u.clone())), Span::default()).into()],
            end_comments: vec![],
        })
    };
    print(a) == print(b)
}

/// The roles of a `Roles` cell; `[]` for `-`.
fn roles(cell: &str, reasons: &mut Vec<String>) -> Vec<Name> {
    let mut out: Vec<Name> = vec![];
    if cell == "-" {
        return out;
    }
    for part in split(cell) {
        let key: String = part
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-")
            .to_lowercase();
        match Role::parse(&key) {
            Some(r) => {
                if !out.iter().any(|n| n.text == r.as_str()) {
                    out.push(name(r.as_str()));
                }
            }
            None => {
                let names = Role::ALL.map(Role::as_str);
                reasons.push(format!(
                    "unknown role `{part}`{} (one of {})",
                    suggestion(&key, names),
                    names.join(", ")
                ));
            }
        }
    }
    out
}

/// The values of a multi-valued cell: separated by `;` or `,`, trimmed, empty ones dropped.
fn split(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ',']).map(str::trim).filter(|s| !s.is_empty())
}

fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

fn name(text: &str) -> Name {
    Name::new(text, Span::default())
}

/// Check an email cell. The rules are those of a portal sign-in name, a little stricter than
/// the policy language's email token: one `@`, a local part without spaces or `, { } ; # "`,
/// and a domain of letters, digits, `-` and dots with at least one dot and no empty label.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("missing email".to_string());
    }
    let bad = |why: &str| Err(format!("invalid email `{email}`: {why}"));
    if email.chars().any(char::is_control) {
        return bad("it spans several lines");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return bad("it has no `@`");
    };
    if domain.contains('@') {
        return bad("it has more than one `@`");
    }
    if local.is_empty() {
        return bad("nothing before the `@`");
    }
    if let Some(c) = local
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, ',' | '{' | '}' | ';' | '#' | '"'))
    {
        return bad(&format!("`{}` is not allowed in an email", c.escape_default()));
    }
    if domain.is_empty() {
        return bad("nothing after the `@`");
    }
    if let Some(c) = domain
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '.')))
    {
        return bad(&format!("`{}` is not allowed in a domain", c.escape_default()));
    }
    if !domain.contains('.') {
        return bad(&format!("the domain `{domain}` has no dot (e.g. `{domain}.com`)"));
    }
    if domain.split('.').any(str::is_empty) {
        return bad(&format!("the domain `{domain}` has an empty part between dots"));
    }
    Ok(())
}

/// The statements `set` and `set_list` manage, in their canonical order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Country,
    EntitlementCountry,
    Groups,
    Roles,
    Status,
    Access,
}

fn slot(s: &UserStmt) -> Slot {
    match s {
        UserStmt::Country(_) => Slot::Country,
        UserStmt::EntitlementCountry(_) => Slot::EntitlementCountry,
        UserStmt::Groups(_) => Slot::Groups,
        UserStmt::Roles(_) => Slot::Roles,
        UserStmt::Status(_) => Slot::Status,
        UserStmt::Access(..) => Slot::Access,
    }
}

fn rank(s: Slot) -> u8 {
    match s {
        Slot::Country => 0,
        Slot::EntitlementCountry => 1,
        Slot::Groups => 2,
        Slot::Roles => 3,
        Slot::Status => 4,
        Slot::Access => 5,
    }
}

/// Replace the statement(s) of `kind`'s slot by `kind`, keeping the first one's place and
/// comments; add it in canonical order when the user has none.
fn set(user: &mut UserDecl, kind: UserStmt) {
    replace(user, slot(&kind), Some(kind));
}

/// Replace a list statement; an empty list removes the statement (comments are kept).
fn set_list(user: &mut UserDecl, which: Slot, names: Vec<Name>) {
    let kind = match which {
        Slot::Groups => UserStmt::Groups(names),
        Slot::Roles => UserStmt::Roles(names),
        _ => unreachable!("only groups and roles are lists here"),
    };
    let empty = matches!(&kind, UserStmt::Groups(l) | UserStmt::Roles(l) if l.is_empty());
    replace(user, which, (!empty).then_some(kind));
}

fn replace(user: &mut UserDecl, which: Slot, kind: Option<UserStmt>) {
    let positions: Vec<usize> = user
        .stmts
        .iter()
        .enumerate()
        .filter(|(_, s)| slot(&s.kind) == which)
        .map(|(i, _)| i)
        .collect();
    // comments of the statements that go away, in order
    let mut orphans: Vec<String> = vec![];
    let keep = if kind.is_some() {
        positions.first().copied()
    } else {
        None
    };
    for &p in positions.iter().rev() {
        if Some(p) == keep {
            continue;
        }
        let node = user.stmts.remove(p);
        let mut texts: Vec<String> = node.comments.leading().to_vec();
        texts.extend(node.comments.trailing().cloned());
        orphans.splice(0..0, texts);
    }
    match (keep, kind) {
        (Some(p), Some(kind)) => {
            user.stmts[p].kind = kind;
            if !orphans.is_empty() {
                user.stmts[p].comments.leading_mut().extend(orphans);
            }
        }
        (None, Some(kind)) => {
            let at = user
                .stmts
                .iter()
                .position(|s| rank(slot(&s.kind)) > rank(which))
                .unwrap_or(user.stmts.len());
            let mut node = Node::new(kind, Span::default());
            if !orphans.is_empty() {
                node.comments.leading_mut().extend(orphans);
            }
            user.stmts.insert(at, node);
        }
        (_, None) => {
            if orphans.is_empty() {
                return;
            }
            let at = positions.first().copied().unwrap_or(0);
            match user.stmts.get_mut(at) {
                Some(next) => {
                    let leading = next.comments.leading_mut();
                    leading.splice(0..0, orphans);
                }
                None => user.end_comments.extend(orphans),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked() {
        assert!(check_email("ann@acme.com").is_ok());
        assert!(check_email("ann.o'neil+x@sub.acme-eng.co.uk").is_ok());
        for bad in [
            "",
            "ann",
            "ann@",
            "@acme.com",
            "ann@acme",
            "a b@acme.com",
            "ann@@acme.com",
            "ann@acme..com",
            "ann@ac me.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
