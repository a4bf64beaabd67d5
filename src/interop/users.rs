//! `entitle import-users`: merge the portal's *Bulk Register Users* sheet into a policy.
//!
//! # The sheet
//!
//! A CSV file (RFC 4180 quoting, UTF-8; a byte-order mark is ignored) whose first row is a
//! header. Columns are found by name, in any order; a header matches ignoring case, surrounding
//! spaces and the characters ` `, `_` and `-` inside it (`First Name`, `first_name` and
//! `FIRSTNAME` are the same column):
//!
//! | column | also accepted | required | meaning |
//! |---|---|---|---|
//! | `Email` | `Email Address`, `E-mail` | yes | the user's email; matches an existing user ignoring case |
//! | `First Name` | `Given Name` | yes (the cell may be empty) | display name, first part |
//! | `Last Name` | `Surname`, `Family Name` | yes (the cell may be empty) | display name, second part |
//! | `Country` | `Country Code` | yes | the profile country code (free-form, like `country` in a policy) |
//! | `Roles` | `Role` | no | `fulfillment-contact`, `account-admin`, `co-admin` |
//! | `Groups` | `Group`, `Entitlement Groups` | no | entitlement group names, which must be declared |
//! | `Status` | | no | `pending`, `invited`, `registered` or `active` |
//!
//! Other columns are ignored (and named in a warning). A header without one of the required
//! columns makes the whole sheet unusable. The field separator is `,`, unless the header row
//! has no `,` but a `;` or a tab (spreadsheets in some locales save "CSV" that way).
//!
//! Cells are trimmed. `Roles` and `Groups` cells hold several values separated by `;` or `,`
//! (`Roads; Bridges`); values are matched ignoring case and written with their declared
//! spelling. Roles are also accepted in the portal's spelling (`Account Admin`,
//! `co admin`: spaces and `_` count as `-`); statuses ignore case. A `Roles` or `Groups` cell
//! holding just `-` empties that list. Rows whose cells are all empty are skipped.
//!
//! # Merging
//!
//! - A row whose email is not a user of the policy **adds** a user: display name
//!   `"First Last"` (whichever parts are non-empty; none when both are empty), `country`
//!   (written as the policy spells the country or `covers` entry when it differs only in
//!   case, else as in the cell),
//!   then `groups`, `roles` and `status` when their cells are non-empty (no status means
//!   `active`, the language's default). New users are placed after the last user of the
//!   policy, in sheet order.
//! - A row whose email is an existing user **updates** it: every non-empty cell replaces what
//!   the user had (display name, profile country, the whole groups list, the whole roles list,
//!   status); an empty cell keeps it. The user's exceptions (`allow`/`deny`), comments and
//!   email spelling are kept, and so is its place in the file.
//!
//! # Bad rows
//!
//! A bad row is left out and reported with its row number as a spreadsheet shows it (the
//! header is row 1; blank lines count as rows, a quoted cell spanning several lines does not
//! add rows) and every reason: missing or invalid email, an email already on an earlier row,
//! a missing country for a new user, an unknown group (with a did-you-mean suggestion), an
//! unknown role or status, a cell spanning several lines, more cells than the header has
//! (usually an unquoted `,` inside a name), or — checked by resolving the user against the
//! policy after the merge — any other reason the policy would become invalid. Every other
//! row is imported. Warnings (the row is imported) are given for a profile country that
//! leads to no entitlement country, and for a group of another country than the user's
//! entitlement country (such a membership is ignored by every decision).

use super::writable_name;
use crate::diag::closest;
use crate::model::{Model, Role, Status};
use crate::resolve::resolve_declarations;
use crate::source::Span;
use crate::syntax::ast::{Decl, Document, Item, Name, Node, UserDecl, UserStmt};
use rustc_hash::FxHashMap as HashMap;

/// A sheet column the import understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Email,
    FirstName,
    LastName,
    Country,
    Roles,
    Groups,
    Status,
}

impl Column {
    const REQUIRED: [Column; 4] = [Column::Email, Column::FirstName, Column::LastName, Column::Country];

    /// The column's name as the portal's sheet writes it.
    pub fn title(self) -> &'static str {
        match self {
            Column::Email => "Email",
            Column::FirstName => "First Name",
            Column::LastName => "Last Name",
            Column::Country => "Country",
            Column::Roles => "Roles",
            Column::Groups => "Groups",
            Column::Status => "Status",
        }
    }

    /// The column a header cell names, if any (see the module documentation).
    pub fn from_header(header: &str) -> Option<Column> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        Some(match key.as_str() {
            "email" | "emailaddress" => Column::Email,
            "firstname" | "givenname" => Column::FirstName,
            "lastname" | "surname" | "familyname" => Column::LastName,
            "country" | "countrycode" => Column::Country,
            "roles" | "role" => Column::Roles,
            "groups" | "group" | "entitlementgroups" | "entitlementgroup" => Column::Groups,
            "status" => Column::Status,
            _ => return None,
        })
    }
}

/// Whether a row was left out or imported with a remark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The row was not imported.
    Error,
    /// The row was imported; something about it deserves a look.
    Warning,
}

/// One reason a row was rejected, or one remark on an imported row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The row's email cell, when it has one.
    pub email: Option<String>,
    pub severity: Severity,
    pub message: String,
}

/// What happened to one data row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    /// An existing user the row would not change.
    Unchanged,
    Rejected,
}

/// The result of merging a sheet.
#[derive(Clone, Debug)]
pub struct UserImport {
    /// The merged policy document (format it with [`crate::fmt::format_document`]).
    pub document: Document,
    /// Every data row that was not blank, with its row number and outcome.
    pub rows: Vec<(usize, RowOutcome)>,
    /// Rejection reasons and warnings, in row order.
    pub problems: Vec<RowProblem>,
    /// Header cells naming no known column.
    pub ignored_columns: Vec<String>,
}

impl UserImport {
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|(_, o)| *o == outcome).count()
    }
    /// Number of rows left out.
    pub fn rejected(&self) -> usize {
        self.count(RowOutcome::Rejected)
    }
}

/// A sheet that cannot be used at all (nothing is imported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetError(pub String);

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SheetError {}

/// Merge the sheet `csv_text` into `doc` (a valid policy document whose resolved form is
/// `model`). See the module documentation for the rules.
pub fn import_users(doc: &Document, model: &Model, csv_text: &str) -> Result<UserImport, SheetError> {
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    // lines taken by line breaks inside quoted cells so far: rows = lines minus these
    let mut extra_lines = 0usize;
    let header = match records.next() {
        None => {
            return Err(SheetError(
                "the sheet is empty: it needs a header row (Email, First Name, Last Name, Country …)".into(),
            ))
        }
        Some(Err(e)) => return Err(SheetError(format!("cannot read the header row: {e}"))),
        Some(Ok(h)) => h,
    };
    extra_lines += embedded_newlines(&header);
    let mut columns: HashMap<Column, usize> = HashMap::default();
    let mut ignored_columns = vec![];
    for (i, h) in header.iter().enumerate() {
        match Column::from_header(h) {
            Some(c) => {
                if columns.insert(c, i).is_some() {
                    return Err(SheetError(format!("the header names the `{}` column twice", c.title())));
                }
            }
            None if h.trim().is_empty() => {}
            None => ignored_columns.push(h.trim().to_string()),
        }
    }
    let missing: Vec<&str> = Column::REQUIRED
        .iter()
        .filter(|c| !columns.contains_key(c))
        .map(|c| c.title())
        .collect();
    if !missing.is_empty() {
        let found: Vec<String> = header.iter().map(|h| format!("`{}`", h.trim())).collect();
        return Err(SheetError(format!(
            "the header row has no {} column{} (found {}); the sheet needs Email, First Name, Last Name and Country, and may have Roles, Groups and Status",
            missing.join(", "),
            if missing.len() == 1 { "" } else { "s" },
            if found.is_empty() { "nothing".to_string() } else { found.join(", ") }
        )));
    }

    let mut merge = Merge::new(doc, model);
    let mut rows = vec![];
    let mut problems = vec![];
    let mut first_row_of: HashMap<String, usize> = HashMap::default();
    for record in records {
        let record = record.map_err(|e| SheetError(format!("cannot read the sheet: {e}")))?;
        let row = start_line(text, &record).saturating_sub(extra_lines).max(1);
        extra_lines += embedded_newlines(&record);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: Column| columns.get(&c).and_then(|&i| record.get(i)).map_or("", str::trim);
        let email = cell(Column::Email);
        let mut reasons = vec![];
        let extra_cells = record
            .iter()
            .skip(header.len())
            .filter(|c| !c.trim().is_empty())
            .count();
        if extra_cells > 0 {
            reasons.push(format!(
                "the row has {} cells but the header has {} (is there an unquoted `,` inside a cell?)",
                header.len() + extra_cells,
                header.len()
            ));
        }
        if let Some(&first) = first_row_of.get(&email.to_lowercase()).filter(|_| !email.is_empty()) {
            reasons.push(format!(
                "`{email}` is already on row {first} (each user may appear once)"
            ));
        } else if !email.is_empty() {
            first_row_of.insert(email.to_lowercase(), row);
        }
        let fields = RowFields {
            email,
            first: cell(Column::FirstName),
            last: cell(Column::LastName),
            country: cell(Column::Country),
            roles: columns.contains_key(&Column::Roles).then(|| cell(Column::Roles)),
            groups: columns.contains_key(&Column::Groups).then(|| cell(Column::Groups)),
            status: columns.contains_key(&Column::Status).then(|| cell(Column::Status)),
        };
        let outcome = if reasons.is_empty() {
            merge.row(&fields)
        } else {
            Err(reasons)
        };
        let email_cell = (!email.is_empty()).then(|| email.to_string());
        match outcome {
            Ok((outcome, warnings)) => {
                rows.push((row, outcome));
                for message in warnings {
                    problems.push(RowProblem {
                        row,
                        email: email_cell.clone(),
                        severity: Severity::Warning,
                        message,
                    });
                }
            }
            Err(reasons) => {
                rows.push((row, RowOutcome::Rejected));
                for message in reasons {
                    problems.push(RowProblem {
                        row,
                        email: email_cell.clone(),
                        severity: Severity::Error,
                        message,
                    });
                }
            }
        }
    }
    Ok(UserImport {
        document: merge.finish(),
        rows,
        problems,
        ignored_columns,
    })
}

/// `,` unless the header line has none but has `;` or a tab.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains(',') {
        b','
    } else if first.contains(';') {
        b';'
    } else if first.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// The line a record starts on. The reader reports the position where it began reading,
/// which is before any blank lines it skipped; those count as rows in a spreadsheet.
fn start_line(text: &str, record: &csv::StringRecord) -> usize {
    let Some(pos) = record.position() else { return 0 };
    let mut line = pos.line() as usize;
    for b in text.as_bytes().iter().skip(pos.byte() as usize) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
    }
    line
}

fn embedded_newlines(record: &csv::StringRecord) -> usize {
    record.iter().map(|c| c.matches('\n').count()).sum()
}

/// One row's cells (trimmed); `None` for a column the sheet does not have.
struct RowFields<'a> {
    email: &'a str,
    first: &'a str,
    last: &'a str,
    country: &'a str,
    roles: Option<&'a str>,
    groups: Option<&'a str>,
    status: Option<&'a str>,
}

/// The merge in progress.
struct Merge<'a> {
    model: &'a Model,
    doc: Document,
    /// Lowercase email → index of the user's declaration in `doc`.
    users: HashMap<String, usize>,
    /// Users added so far, in sheet order (placed at the end).
    added: Vec<Node<Item>>,
    /// The policy's products and countries (with their `covers` only), plus (while a row is
    /// checked) the groups the user names and the user: resolving it tells whether the user's
    /// declaration is valid in this policy (nothing else a user refers to can make it invalid).
    probe: Document,
    /// Lowercase group name → its declaration, to add to the probe.
    group_decls: HashMap<String, Node<Item>>,
}

impl<'a> Merge<'a> {
    fn new(doc: &Document, model: &'a Model) -> Merge<'a> {
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
                    // only `covers` matters to a user (its entitlement country)
                    Item::Decl(Decl::Country(c)) => {
                        let mut c = c.clone();
                        c.stmts
                            .retain(|s| matches!(s.kind, crate::syntax::ast::CountryStmt::Covers(_)));
                        Some(Node::new(Item::Decl(Decl::Country(c)), i.span))
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
    fn row(&mut self, f: &RowFields<'_>) -> Result<(RowOutcome, Vec<String>), Vec<String>> {
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
            .push(Node::new(Item::Decl(Decl::User(user.clone())), Span::default()));
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
                let Item::Decl(Decl::User(before)) = &mut self.doc.items[i].kind else {
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
                    .push(Node::new(Item::Decl(Decl::User(user)), Span::default()));
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
    fn finish(mut self) -> Document {
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
            items: vec![Node::new(Item::Decl(Decl::User(u.clone())), Span::default())],
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
    if !writable_name(email) {
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
            user.stmts[p].comments.leading_mut().extend(orphans);
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
    fn headers_match_loosely() {
        assert_eq!(Column::from_header(" first name "), Some(Column::FirstName));
        assert_eq!(Column::from_header("FIRST_NAME"), Some(Column::FirstName));
        assert_eq!(Column::from_header("\u{feff}Email"), Some(Column::Email));
        assert_eq!(Column::from_header("E-mail"), Some(Column::Email));
        assert_eq!(Column::from_header("Phone"), None);
    }

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

    #[test]
    fn separators_are_detected_from_the_header() {
        assert_eq!(delimiter("Email,First Name\n"), b',');
        assert_eq!(delimiter("Email;First Name\n"), b';');
        assert_eq!(delimiter("Email\tFirst Name\n"), b'\t');
    }
}
