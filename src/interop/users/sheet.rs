//! Reading the sheet: which column a header names, the field separator, row numbers.

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
    /// (r2) The user's Entitlement Country attribute.
    EntitlementCountry,
}

impl Column {
    pub(super) const REQUIRED: [Column; 4] = [Column::Email, Column::FirstName, Column::LastName, Column::Country];

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
            Column::EntitlementCountry => "Entitlement Country",
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
            "entitlementcountry" => Column::EntitlementCountry,
            _ => return None,
        })
    }
}

/// `,` unless the header line has none but has `;` or a tab.
pub(super) fn delimiter(text: &str) -> u8 {
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
pub(super) fn start_line(text: &str, record: &csv::StringRecord) -> usize {
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

pub(super) fn embedded_newlines(record: &csv::StringRecord) -> usize {
    record.iter().map(|c| c.matches('\n').count()).sum()
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
        assert_eq!(
            Column::from_header("Entitlement Country"),
            Some(Column::EntitlementCountry)
        );
        assert_eq!(Column::from_header("Phone"), None);
    }

    #[test]
    fn separators_are_detected_from_the_header() {
        assert_eq!(delimiter("Email,First Name\n"), b',');
        assert_eq!(delimiter("Email;First Name\n"), b';');
        assert_eq!(delimiter("Email\tFirst Name\n"), b'\t');
    }
}
