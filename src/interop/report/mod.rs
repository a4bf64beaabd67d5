//! `entitle report`: one self-contained HTML page about a policy's decisions.
//!
//! The page has, top to bottom: headline numbers (principals, products, allowed and denied
//! decisions, inactive users (locked ones counted apart), principals without an entitlement
//! country); a per-product table with allow and deny counts, a proportion bar and the main
//! reasons for denials; a bar chart (inline SVG) of denials per rule with what each rule
//! means; how access is granted (allowed and denied decisions per rule, in evaluation order);
//! the principal × product grid; and one card per entitlement group (its mode in the portal's
//! words, country, members, Allowed Applications and include-country or legacy exceptions,
//! and how many decisions it allows and denies).
//!
//! The grid covers every principal: the page embeds one compact row of decision codes per
//! principal ([`data`]) and its script renders the rows on demand, [`ReportOptions::max_rows`]
//! at a time with previous/next buttons. Search (email, key id or display name) and the group
//! filter look at every principal; the counter reads `12 of 2,003 match; showing 12`. Each
//! cell shows a glyph (✓ allow, ✕ deny; a grey cell denies before any access setting) and the rule's
//! two-letter code, with the full rule and the credited group on hover; each row's badges give
//! the status and the entitlement country with how it was chosen. Colours are blue and orange
//! (readable without red/green) and never carry the meaning alone. Open the page as
//! `report.html#q=TEXT` (and/or `g=GROUP`) to start with a search.
//!
//! Self-contained: styles, script, data and chart are inline, nothing is fetched when the page
//! is viewed (no external scripts, fonts, images or links). Every name is escaped for HTML (and
//! for the data's script element). The header names the policy by [`ReportOptions::source`]:
//! the front end passes the file name only, never a local path.
//!
//! Size: about 200 bytes per principal with 64 products; `entitle gen --users 10000` gives a
//! page of about 2 MB.

mod assets;
pub mod data;
mod sections;

use crate::compile::Compiled;
use crate::model::Model;
use assets::{CSS, JS};
use std::fmt::Write as _;

/// Rows the grid renders at a time unless told otherwise.
pub const DEFAULT_MAX_ROWS: usize = 500;

/// How to make the page.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Rows the grid renders at a time (0: all of them). Search always covers every principal.
    pub max_rows: usize,
    /// The policy's name as shown in the page's header (the front end gives the file name,
    /// without its folder).
    pub source: String,
    /// When the report was made, as shown in the header (`None`: not shown).
    pub generated: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            max_rows: DEFAULT_MAX_ROWS,
            source: String::new(),
            generated: None,
        }
    }
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `12,345`
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `40%`, `<1%`
fn short_percent(part: u64, whole: u64) -> String {
    match percent(part, whole) {
        p if p > 0.0 && p < 1.0 => "<1%".to_string(),
        p => format!("{p:.0}%"),
    }
}

/// `1 user`, `2,000 users`
fn plural(n: usize, what: &str) -> String {
    format!("{} {what}{}", count(n as u64), if n == 1 { "" } else { "s" })
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The current time as `YYYY-MM-DD HH:MM UTC`.
pub fn now_utc() -> String {
    crate::clock::Utc::now().minutes()
}

/// The report page for a resolved model.
pub fn html(m: &Model, opts: &ReportOptions) -> String {
    let c = Compiled::new(m);
    let principals = c.principals();
    let data = data::collect(m, &c);
    let t = &data.tally;
    let title = match m.account.as_ref().and_then(|a| a.name.as_deref()) {
        Some(name) => format!("Access report — {name}"),
        None => "Access report".to_string(),
    };
    let mut h = String::with_capacity(64 * 1024 + data.json.len());
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>");
    sections::header(&mut h, m, &title, opts);
    h.push_str("<main>\n");
    sections::tiles(&mut h, m, principals, t);
    h.push_str("<div class=\"columns\">\n");
    sections::products(&mut h, m, t);
    h.push_str("<section class=\"card\"><h2>Denials by rule</h2>\n");
    h.push_str(&sections::chart(&t.deny_by_rule));
    h.push_str("</section>\n</div>\n");
    sections::rules(&mut h, t);
    sections::grid(&mut h, m, principals, opts.max_rows);
    sections::groups(&mut h, m, &c, t);
    h.push_str("</main>\n");
    let _ = writeln!(
        h,
        "<script type=\"application/json\" id=\"entitle-data\">{}</script>",
        data.json
    );
    let _ = writeln!(h, "<script>{JS}</script>\n</body>\n</html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape(r#"<b>&"x'"#), "&lt;b&gt;&amp;&quot;x&#39;");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }
}
