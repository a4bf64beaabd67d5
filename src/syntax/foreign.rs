//! Files that are not policies at all, handed to a command that reads one: a CSV sheet of users
//! (what `entitle import-users` reads) or a JSON export (what `entitle export` writes and
//! `entitle import` reads). Such a file gets one error that names the command meant for it,
//! instead of a syntax error at its first character (and no cascade after it).

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// The error for a file that looks like a CSV sheet or a JSON document, `None` for anything
/// else. The caller reports it only when the file does not parse as a policy.
pub(super) fn foreign_file(text: &str, file: FileId) -> Option<Diagnostic> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let after = |skip: usize| rest[skip..].trim_start().chars().next();
    let json = match rest.chars().next()? {
        '{' => matches!(after(1), Some('"' | '}')),
        '[' => matches!(after(1), Some('{' | '[' | ']' | '"')),
        _ => false,
    };
    if json {
        return Some(
            Diagnostic::error("not-a-policy", "this looks like a JSON export, not a policy")
                .with_label(Span::new(file, start..start + 1), "a JSON document starts here")
                .with_help("use `entitle import FILE` to turn a JSON export back into policy text"),
        );
    }
    let line = rest.lines().next()?.trim_end();
    let first = line.split_whitespace().next()?;
    let opens_item = crate::keywords::TOP_LEVEL.contains(&first);
    if line.starts_with('#') || !line.contains(',') || line.contains('{') || opens_item {
        return None;
    }
    Some(
        Diagnostic::error("not-a-policy", "this looks like a CSV sheet of users, not a policy")
            .with_label(
                Span::new(file, start..start + line.len()),
                "comma-separated values, not policy statements",
            )
            .with_help("use `entitle import-users POLICY SHEET` to merge a sheet's users into a policy"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn code(text: &str) -> Option<String> {
        let mut s = Sources::new();
        let f = s.add("t", text);
        foreign_file(text, f).map(|d| d.message)
    }

    #[test]
    fn sheets_and_exports_are_recognised() {
        let csv = Some("this looks like a CSV sheet of users, not a policy".to_string());
        let json = Some("this looks like a JSON export, not a policy".to_string());
        assert_eq!(code("email,country,groups\na@x.com,US,G\n"), csv);
        assert_eq!(code("\n\nEmail, First Name, Last Name, Country\r\n"), csv);
        assert_eq!(code("{\n  \"schema\": \"entitle/2\"\n}"), json);
        assert_eq!(code("  [{\"a\": 1}]"), json);
        assert_eq!(code("{}"), json);
    }

    #[test]
    fn broken_policies_are_not_taken_for_sheets() {
        assert_eq!(code("product A, B\n"), None);
        assert_eq!(code("# products: A, B\nproduct A"), None);
        assert_eq!(code("user a@x.com { groups A, B }"), None);
        assert_eq!(code("{ product A }"), None);
        assert_eq!(code(""), None);
        assert_eq!(code("product A\n"), None);
    }
}
