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
//! | `Status` | | no | `pending`, `invited`, `registered`, `active` or `locked` |
//! | `Entitlement Country` | | no | (r2) the user's Entitlement Country attribute: a declared country (name or display name), never a profile code; `-` removes it |
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
//!   then `entitlement-country`, `groups`, `roles` and `status` when their cells are non-empty (no status means
//!   `active`, the language's default). New users are placed after the last user of the
//!   policy, in sheet order.
//! - A row whose email is an existing user **updates** it: every non-empty cell replaces what
//!   the user had (display name, profile country, entitlement country, the whole groups list,
//!   the whole roles list, status); an empty cell keeps it. The user's exceptions (`allow`/`deny`), comments and
//!   email spelling are kept, and so is its place in the file.
//! - The merge edits the policy's AST (statements it changes keep their place; new ones get
//!   no span); `import-users` writes the result with [`crate::whatif::rewrite`], so every
//!   line of the file outside the added and updated users keeps its bytes and the import can
//!   be reviewed with `git diff`. A changed statement is written in canonical form at its
//!   place; a one-line user block stays on one line.
//!
//! # Bad rows
//!
//! A bad row is left out and reported with its row number as a spreadsheet shows it (the
//! header is row 1; blank lines count as rows, a quoted cell spanning several lines does not
//! add rows) and every reason: missing or invalid email, an email already on an earlier row,
//! a missing country for a new user, an unknown group (with a did-you-mean suggestion), an
//! unknown role or status, an Entitlement Country that is not a declared country (a profile
//! code, or an unknown name, with a suggestion), a cell spanning several lines, more cells than the header has
//! (usually an unquoted `,` inside a name), or — checked by resolving the user against the
//! policy after the merge — any other reason the policy would become invalid. Every other
//! row is imported. Warnings (the row is imported) are given for a profile country that
//! leads to no entitlement country or only to the fallback (highest revenue) country, and for a group of another country than the user's
//! entitlement country (such a membership is ignored by every decision).

mod merge;
mod sheet;

pub use merge::check_email;
pub use sheet::Column;

use crate::model::Model;
use crate::syntax::ast::Document;
use merge::{Merge, RowFields};
use rustc_hash::FxHashMap as HashMap;
use sheet::{delimiter, embedded_newlines, start_line};

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
    /// The merged policy document. Write it over the policy's text with
    /// [`crate::whatif::rewrite`] (only the added and updated users change), or print it
    /// whole with [`crate::fmt::format_document`].
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
            "the header row has no {} column{} (found {}); the sheet needs Email, First Name, Last Name and Country, and may have Roles, Groups, Status and Entitlement Country",
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
            entitlement_country: columns
                .contains_key(&Column::EntitlementCountry)
                .then(|| cell(Column::EntitlementCountry)),
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
