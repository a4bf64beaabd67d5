//! `entitle report`: one self-contained HTML page about a policy's decisions.
//!
//! The page has, top to bottom: headline numbers (principals, products, allowed and denied
//! decisions, inactive users (locked ones counted apart), principals without an entitlement
//! country); a per-product table with
//! allow and deny counts, a proportion bar and the main reasons for denials; a bar chart (inline
//! SVG) of denials per rule with what each rule means; and the principal × product grid, each
//! cell coloured by the decision and showing the rule's two-letter code, with the full rule and
//! the credited group on hover (`title`), plus a search box that filters the rows. Each row's
//! badges give the status (`locked` among them), and the entitlement country with how it was
//! chosen (`by entitlement-country`, `profile`, `covers`, `revenue`, `key-in`, `key-groups`;
//! the fallback `revenue` is highlighted, and the hover text says what each means).
//!
//! Self-contained: styles, script and chart are inline, nothing is fetched when the page is
//! viewed (no external scripts, fonts, images or links). Every name is escaped for HTML.
//!
//! Large policies: the grid shows the first [`DEFAULT_MAX_ROWS`] principals in policy order
//! (users, then keys; [`ReportOptions::max_rows`] changes it) and says so; the counts and the
//! chart always cover every principal ([`crate::sim::summary`]). The search box filters the
//! rows shown; open the page as `report.html#q=TEXT` to start with a search.

use crate::compile::Compiled;
use crate::eval::Rule;
use crate::model::{CountryBy, Model, Principal, Status};
use crate::sim;
use crate::syntax::Access;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Principals shown in the grid unless told otherwise.
pub const DEFAULT_MAX_ROWS: usize = 500;

#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Principals shown in the grid (0: all of them).
    pub max_rows: usize,
    /// The policy file, as shown in the page's header.
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

/// What a denial by this rule means, for an administrator.
fn deny_meaning(rule: Rule) -> &'static str {
    match rule {
        Rule::Status => "the user is not active yet (pending, invited or registered)",
        Rule::NoEntitlementCountry => "no entitlement country: no attribute, a profile country matching no country while no country declares revenue, or a key with neither `in` nor groups",
        Rule::NotEntitled => "the product is not entitled in the principal's entitlement country, nor global",
        Rule::UserException => "a user exception denies the product",
        Rule::GroupAllowed | Rule::GroupIncludeCountry => "",
        Rule::GroupNotAllowed => "the product is not in the Allowed Applications of the principal's groups",
        Rule::GroupException => "a legacy group exception denies the product",
        Rule::ProductAccess => "the country's General Access for the product is deny",
        Rule::DefaultAccess => "the country's Default Access is deny",
    }
}

/// A colour per rule for the chart.
fn colour(rule: Rule) -> &'static str {
    match rule {
        Rule::Status => "#8c959f",
        Rule::NoEntitlementCountry => "#6e7781",
        Rule::NotEntitled => "#57606a",
        Rule::UserException => "#8250df",
        Rule::GroupAllowed | Rule::GroupIncludeCountry => "#1a7f37",
        Rule::GroupNotAllowed => "#cf222e",
        Rule::GroupException => "#bc4c00",
        Rule::ProductAccess => "#d4a72c",
        Rule::DefaultAccess => "#fb8f44",
    }
}

/// Denials that happen before any access setting is looked at (shown grey in the grid).
fn precondition(rule: Rule) -> bool {
    matches!(rule, Rule::Status | Rule::NoEntitlementCountry | Rule::NotEntitled)
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
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // civil from days (Howard Hinnant's algorithm)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// The report page for a resolved model.
pub fn html(m: &Model, opts: &ReportOptions) -> String {
    let c = Compiled::new(m);
    let summary = sim::summary(m, &c, &|_| {});
    let principals = c.principals();
    let (allowed, denied): (u64, u64) = summary
        .products
        .iter()
        .fold((0, 0), |(a, d), p| (a + p.allow, d + p.deny));
    let mut deny_by_rule: BTreeMap<Rule, u64> = BTreeMap::new();
    for p in &summary.products {
        for (r, n) in &p.deny_by_rule {
            *deny_by_rule.entry(*r).or_default() += n;
        }
    }
    let inactive = m.users.iter().filter(|u| u.status != Status::Active).count();
    let locked = m.users.iter().filter(|u| u.status == Status::Locked).count();
    let no_country =
        m.users.iter().filter(|u| u.country.is_none()).count() + m.keys.iter().filter(|k| k.country.is_none()).count();

    let title = match m.account.as_ref().and_then(|a| a.name.as_deref()) {
        Some(name) => format!("Access report — {name}"),
        None => "Access report".to_string(),
    };
    let mut h = String::with_capacity(4096 + principals.min(opts.max_rows.max(1)) * m.products.len() * 48);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>");

    // ---- header
    let _ = writeln!(h, "<header><h1>{}</h1>", escape(&title));
    let mut meta = vec![];
    if !opts.source.is_empty() {
        meta.push(format!("<code>{}</code>", escape(&opts.source)));
    }
    meta.push(format!(
        "{}, {}, {}",
        plural(m.users.len(), "user"),
        plural(m.keys.len(), "key"),
        plural(m.products.len(), "product")
    ));
    if let Some(g) = &opts.generated {
        meta.push(format!("generated {}", escape(g)));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p></header>\n<main>", meta.join(" · "));

    // ---- headline numbers
    let total = allowed + denied;
    h.push_str("<section class=\"tiles\">\n");
    let tile = |h: &mut String, class: &str, value: String, label: &str, note: String| {
        let _ = writeln!(
            h,
            "<div class=\"tile {class}\"><div class=\"value\">{value}</div><div class=\"label\">{label}</div><div class=\"sub2\">{note}</div></div>"
        );
    };
    tile(
        &mut h,
        "",
        count(principals as u64),
        "principals",
        format!("{} · {}", plural(m.users.len(), "user"), plural(m.keys.len(), "key")),
    );
    tile(
        &mut h,
        "",
        count(m.products.len() as u64),
        "products",
        format!("{} in all", plural(total as usize, "decision")),
    );
    tile(
        &mut h,
        "ok",
        count(allowed),
        "allowed decisions",
        format!("{:.1}% of all decisions", percent(allowed, total)),
    );
    tile(
        &mut h,
        "bad",
        count(denied),
        "denied decisions",
        format!("{:.1}% of all decisions", percent(denied, total)),
    );
    tile(
        &mut h,
        if inactive > 0 { "warn" } else { "" },
        count(inactive as u64),
        "inactive users",
        format!(
            "pending, invited, registered or locked ({} locked): denied everything",
            count(locked as u64)
        ),
    );
    tile(
        &mut h,
        if no_country > 0 { "warn" } else { "" },
        count(no_country as u64),
        "without entitlement country",
        "a profile country matching no country and no revenue fallback, or a key with neither `in` nor groups".into(),
    );
    h.push_str("</section>\n");

    // ---- per product + chart
    h.push_str("<div class=\"columns\">\n<section class=\"card\"><h2>Per product</h2>\n");
    h.push_str("<div class=\"scroll\"><table class=\"counts\"><thead><tr><th>product</th><th class=\"num\">allow</th><th class=\"num\">deny</th><th class=\"barcol\">share allowed</th><th>main reasons for deny</th></tr></thead><tbody>\n");
    for (p, product) in summary.products.iter().zip(&m.products) {
        let share = percent(p.allow, p.allow + p.deny);
        let mut reasons: Vec<(Rule, u64)> = p.deny_by_rule.iter().map(|(r, n)| (*r, *n)).collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let reasons: Vec<String> = reasons
            .iter()
            .take(3)
            .map(|(r, n)| {
                format!(
                    "<span class=\"reason\"><span class=\"rule\" title=\"{}\">{r}</span> {}</span>",
                    escape(deny_meaning(*r)),
                    count(*n)
                )
            })
            .collect();
        let display = product
            .display
            .as_deref()
            .map(|d| format!(" <span class=\"sub\">{}</span>", escape(d)))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td><b>{}</b>{display}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"barcol\"><div class=\"bar\" title=\"{share:.1}% allowed\"><span style=\"width:{share:.1}%\"></span></div></td><td class=\"reasons\">{}</td></tr>",
            escape(&product.name),
            count(p.allow),
            count(p.deny),
            if reasons.is_empty() { "—".to_string() } else { reasons.join(" · ") }
        );
    }
    if summary.products.is_empty() {
        h.push_str("<tr><td colspan=\"5\" class=\"empty\">The policy declares no products.</td></tr>\n");
    }
    h.push_str("</tbody></table></div></section>\n");

    h.push_str("<section class=\"card\"><h2>Denials by rule</h2>\n");
    h.push_str(&chart(&deny_by_rule));
    h.push_str("</section>\n</div>\n");

    // ---- grid
    let shown = if opts.max_rows == 0 {
        principals
    } else {
        principals.min(opts.max_rows)
    };
    h.push_str("<section class=\"card\"><h2>Access grid</h2>\n<div class=\"toolbar\">");
    h.push_str("<input id=\"q\" type=\"search\" placeholder=\"Search users and keys…\" aria-label=\"Search users and keys\" autocomplete=\"off\">");
    let _ = write!(
        h,
        "<span id=\"shown\">{} of {} shown</span>",
        count(shown as u64),
        count(shown as u64)
    );
    h.push_str("<span class=\"legend\"><span class=\"sw a\"></span>allow <span class=\"sw d\"></span>deny <span class=\"sw x\"></span>deny: inactive, no entitlement country or not entitled</span></div>\n");
    if shown < principals {
        let _ = writeln!(
            h,
            "<p class=\"capnote\">The grid shows the first {} of {} principals (users, then keys, in policy order); search looks at these rows only. The counts and the chart above cover every principal. <code>entitle who</code> and <code>entitle matrix</code> list everyone.</p>",
            count(shown as u64),
            count(principals as u64)
        );
    }
    h.push_str("<div class=\"gridwrap\"><table id=\"grid\" class=\"grid\"><thead><tr><th class=\"corner\">principal</th><th class=\"tot\" title=\"products allowed\">allowed</th>");
    for p in &m.products {
        let tip = match &p.display {
            Some(d) => format!("{} ({})", p.name, d),
            None => p.name.clone(),
        };
        let _ = write!(
            h,
            "<th class=\"p\" title=\"{}\"><div>{}</div></th>",
            escape(&tip),
            escape(&p.name)
        );
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for i in 0..shown {
        grid_row(&mut h, m, &c, i);
    }
    h.push_str("</tbody></table></div>\n");
    if shown == 0 {
        h.push_str("<p class=\"empty\">The policy declares no users or keys.</p>\n");
    }
    h.push_str("<p id=\"none\" class=\"empty\" hidden>No principal matches the search.</p>\n");
    let legend: Vec<String> = Rule::ALL
        .iter()
        .map(|r| format!("<code>{}</code> {r}", crate::render::rule_code(*r)))
        .collect();
    let _ = writeln!(
        h,
        "<p class=\"codes\">Cell codes: {}. Hover a cell for the rule and the credited group.</p>",
        legend.join(" · ")
    );
    h.push_str("</section>\n</main>\n");
    let _ = writeln!(h, "<script>{JS}</script>\n</body>\n</html>");
    h
}

/// One grid row: the principal, its allowed count, a cell per product.
fn grid_row(h: &mut String, m: &Model, c: &Compiled, i: usize) {
    let p = c.principal_at(i);
    let name = m.principal_name(p);
    let mut search = name.to_lowercase();
    let mut badges = String::new();
    let mut sub = String::new();
    match p {
        Principal::User(u) => {
            let u = m.user(u);
            if let Some(d) = &u.display {
                search.push(' ');
                search.push_str(&d.to_lowercase());
                sub = format!("<span class=\"sub\">{}</span>", escape(d));
            }
            if u.status != Status::Active {
                let _ = write!(
                    badges,
                    "<span class=\"badge warn\" title=\"{}\">{}</span>",
                    escape(u.status.meaning()),
                    u.status.as_str()
                );
            }
            match u.country {
                Some(cid) => country_badge(&mut badges, m, cid, m.country_by(p)),
                None => {
                    let _ = write!(
                        badges,
                        "<span class=\"badge warn\" title=\"profile country {} leads to no entitlement country\">no country</span>",
                        escape(&u.profile.0)
                    );
                }
            }
        }
        Principal::Key(k) => {
            let k = m.key(k);
            badges.push_str("<span class=\"badge key\" title=\"activation key\">key</span>");
            match k.country {
                Some(cid) => country_badge(&mut badges, m, cid, m.country_by(p)),
                None => badges.push_str("<span class=\"badge warn\" title=\"the key has no `in` and no group, so no entitlement country\">no country</span>"),
            }
        }
    }
    let mut cells = String::new();
    let mut allowed = 0;
    for (x, product) in m.products.iter().enumerate() {
        let (access, rule, group) = c.decide(i, x);
        let class = match access {
            Access::Allow => {
                allowed += 1;
                "a"
            }
            Access::Deny if precondition(rule) => "x",
            Access::Deny => "d",
        };
        let group = group
            .map(|g| format!(", group {}", m.group(g).name))
            .unwrap_or_default();
        let _ = write!(
            cells,
            "<td class=\"{class}\" title=\"{}: {access} by {rule}{}\">{}</td>",
            escape(&product.name),
            escape(&group),
            crate::render::rule_code(rule)
        );
    }
    let _ = writeln!(
        h,
        "<tr data-k=\"{}\"><th class=\"who\"><span class=\"name\">{}</span><span class=\"badges\">{badges}</span>{sub}</th><td class=\"tot\">{allowed}/{}</td>{cells}</tr>",
        escape(&search),
        escape(name),
        m.products.len()
    );
}

/// The entitlement country badge: the country and how it was chosen (`country_by` of
/// `explain --json`), with what that means on hover.
fn country_badge(badges: &mut String, m: &Model, cid: crate::model::CountryId, by: Option<CountryBy>) {
    let country = &m.country(cid).name;
    let how = match by {
        Some(CountryBy::EntitlementCountry) => "the user's Entitlement Country attribute".to_string(),
        Some(CountryBy::Profile) => "the profile country".to_string(),
        Some(CountryBy::Covers) => "a `covers` entry for the profile country".to_string(),
        Some(CountryBy::Revenue) => match m.country(cid).revenue {
            Some((v, _)) => format!(
                "the fallback: the profile country matches no country, and {country} has the highest revenue ({})",
                crate::fmt::format_number(v)
            ),
            None => "the fallback: the country with the highest revenue".to_string(),
        },
        Some(CountryBy::KeyIn) => "the key's own country (`in`)".to_string(),
        Some(CountryBy::KeyGroups) => "the country of the key's groups".to_string(),
        None => String::new(),
    };
    let class = if by == Some(CountryBy::Revenue) {
        "badge warn"
    } else {
        "badge"
    };
    let _ = write!(
        badges,
        "<span class=\"{class}\" title=\"entitlement country {}, chosen by {}\">{} <small>by {}</small></span>",
        escape(country),
        escape(&how),
        escape(country),
        by.map_or("", CountryBy::as_str)
    );
}

/// Horizontal bars, one per rule that denied something, biggest first.
fn chart(deny_by_rule: &BTreeMap<Rule, u64>) -> String {
    let mut bars: Vec<(Rule, u64)> = deny_by_rule
        .iter()
        .map(|(r, n)| (*r, *n))
        .filter(|(_, n)| *n > 0)
        .collect();
    if bars.is_empty() {
        return "<p class=\"empty\">No decision is a denial.</p>\n".to_string();
    }
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let max = bars[0].1.max(1);
    let total: u64 = bars.iter().map(|(_, n)| n).sum();
    let (label_w, bar_w, row_h, gap) = (170.0, 300.0, 22.0, 10.0);
    let width = label_w + bar_w + 110.0;
    let height = bars.len() as f64 * (row_h + gap);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"Denials by rule\">\n"
    );
    for (k, (rule, n)) in bars.iter().enumerate() {
        let y = k as f64 * (row_h + gap);
        let w = (*n as f64 / max as f64 * bar_w).max(2.0);
        let _ = writeln!(
            s,
            "<g><title>{rule}: {} denials ({:.1}%): {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{rule}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{row_h}\" rx=\"3\" fill=\"{}\"></rect><text x=\"{:.1}\" y=\"{}\" class=\"val\">{} · {}</text></g>",
            count(*n),
            percent(*n, total),
            escape(deny_meaning(*rule)),
            label_w - 8.0,
            y + row_h * 0.72,
            colour(*rule),
            label_w + w + 6.0,
            y + row_h * 0.72,
            count(*n),
            short_percent(*n, total),
        );
    }
    s.push_str("</svg>\n<dl class=\"meanings\">");
    for (rule, _) in &bars {
        let _ = write!(
            s,
            "<dt><span class=\"sw\" style=\"background:{}\"></span>{rule}</dt><dd>{}</dd>",
            colour(*rule),
            escape(deny_meaning(*rule))
        );
    }
    s.push_str("</dl>\n");
    s
}

const CSS: &str = r#"
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--ok:#1a7f37;--okbg:#cdf5d8;--bad:#a40e26;--badbg:#ffcecb;--xbg:#e6e8eb;--x:#6e7781;--warn:#9a6700;--warnbg:#fff1c2}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#24292f;color:#fff;padding:18px 28px 14px}
header h1{margin:0;font-size:22px;font-weight:600}
header .meta{margin:4px 0 0;color:#c9d1d9;font-size:13px}
header code{color:#fff}
main{padding:18px 28px 40px;max-width:1600px}
h2{font-size:16px;margin:0 0 12px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:16px}
.tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;border-top:4px solid var(--line)}
.tile.ok{border-top-color:var(--ok)}.tile.bad{border-top-color:#cf222e}.tile.warn{border-top-color:#d4a72c;background:#fffdf3}
.tile .value{font-size:24px;font-weight:600}
.tile .label{font-weight:600}
.tile .sub2{color:var(--muted);font-size:12px}
.columns{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;margin-bottom:16px}
@media (max-width:1000px){.columns{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;min-width:0}
table.counts{border-collapse:collapse;width:100%}
.counts th,.counts td{padding:5px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:middle}
.counts th{font-size:12px;color:var(--muted);font-weight:600;position:sticky;top:0;background:#fff;z-index:1}
.scroll{max-height:560px;overflow:auto}
.counts .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.counts .barcol{width:22%}
.counts .reasons{font-size:12px;color:var(--muted)}
.reason{white-space:nowrap}
.rule{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;color:var(--fg);background:var(--bg);border:1px solid #eaeef2;border-radius:4px;padding:0 4px}
.bar{height:12px;background:#ff8182;border-radius:6px;overflow:hidden;min-width:60px}
.bar span{display:block;height:100%;background:#2da44e}
.sub{color:var(--muted);font-size:12px;margin-left:6px}
.counts .sub{display:block;margin:0}
.chart{max-width:640px;display:block}
.chart .lbl{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:var(--fg)}
.chart .val{font-size:12px;fill:var(--muted)}
.meanings{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font-size:12px;margin:10px 0 0}
.meanings dt{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
.meanings dd{margin:0;color:var(--muted)}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 4px 0 8px;vertical-align:-1px}
.meanings .sw{margin-left:0}
.sw.a{background:var(--okbg);border:1px solid var(--ok)}.sw.d{background:var(--badbg);border:1px solid var(--bad)}.sw.x{background:var(--xbg);border:1px solid var(--x)}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:12px;margin-bottom:10px}
#q{font:inherit;padding:6px 10px;width:320px;border:1px solid var(--line);border-radius:6px}
#q:focus{outline:2px solid #0969da;border-color:#0969da}
#shown{color:var(--muted);font-size:13px}
.legend{font-size:12px;color:var(--muted)}
.capnote{background:var(--warnbg);border:1px solid #eac54f;border-radius:6px;padding:8px 12px;font-size:13px}
.gridwrap{display:inline-block;max-width:100%;vertical-align:top;overflow:auto;max-height:75vh;border:1px solid var(--line);border-radius:6px}
table.grid{border-collapse:separate;border-spacing:0;font-size:11px}
.grid th,.grid td{border-right:1px solid #fff;border-bottom:1px solid #fff}
.grid thead th{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);vertical-align:bottom;font-weight:600}
.grid th.p{padding:6px 0 6px;width:30px;min-width:30px;max-width:30px}
.grid th.p div{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;max-height:150px;overflow:hidden;text-overflow:ellipsis;margin:0 auto;font-size:12px}
.grid th.corner{left:0;z-index:3;text-align:left;padding:6px 10px;min-width:260px;color:var(--muted);font-size:12px}
.grid th.tot{font-size:11px;color:var(--muted);padding:6px 6px;text-align:right}
.grid tbody th{position:sticky;left:0;z-index:1;background:#fff;text-align:left;font-weight:normal;padding:3px 10px;border-right:1px solid var(--line);border-bottom:1px solid #eaeef2;white-space:nowrap;max-width:380px;overflow:hidden;text-overflow:ellipsis}
.grid .name{font-weight:600;font-size:12px}
.grid .badges{margin-left:6px}
.badge{display:inline-block;font-size:10px;line-height:15px;padding:0 5px;border-radius:8px;background:var(--bg);border:1px solid var(--line);color:var(--muted);margin-left:3px}
.badge.warn{background:var(--warnbg);border-color:#eac54f;color:var(--warn)}
.badge.key{background:#ddf4ff;border-color:#54aeff;color:#0969da}
.grid td{width:30px;min-width:30px;height:24px;text-align:center;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;cursor:default}
.grid td.tot{width:auto;padding:0 6px;text-align:right;color:var(--muted);background:#fff;border-bottom:1px solid #eaeef2}
.grid td.a{background:var(--okbg);color:var(--ok)}
.grid td.d{background:var(--badbg);color:var(--bad)}
.grid td.x{background:var(--xbg);color:var(--x)}
.grid tbody tr:hover th,.grid tbody tr:hover td.tot{background:#ddf4ff}
.grid tbody tr:hover td.a,.grid tbody tr:hover td.d,.grid tbody tr:hover td.x{filter:brightness(.93)}
.grid th.hl{background:#ddf4ff}
.codes{font-size:12px;color:var(--muted);margin:10px 0 0}
.codes code{color:var(--fg)}
.empty{color:var(--muted);font-style:italic}
"#;

const JS: &str = r#"
(function () {
  var q = document.getElementById('q'), shown = document.getElementById('shown'), none = document.getElementById('none');
  var grid = document.getElementById('grid');
  var rows = grid ? Array.prototype.slice.call(grid.tBodies[0].rows) : [];
  var heads = grid ? grid.tHead.rows[0].cells : [];
  function filter() {
    var v = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var hit = !v || r.getAttribute('data-k').indexOf(v) >= 0;
      r.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = n.toLocaleString('en') + ' of ' + rows.length.toLocaleString('en') + ' shown';
    none.hidden = n > 0 || rows.length === 0;
  }
  q.addEventListener('input', filter);
  var m = /[#&?]q=([^&]*)/.exec(location.hash) || /[?&]q=([^&]*)/.exec(location.search);
  if (m) { try { q.value = decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (e) { q.value = m[1]; } }
  filter();
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  var lit = null;
  if (grid) grid.addEventListener('mouseover', function (e) {
    var td = e.target.closest ? e.target.closest('td') : null;
    var th = td ? heads[td.cellIndex] : null;
    if (lit && lit !== th) lit.classList.remove('hl');
    if (th && th.classList.contains('p')) { th.classList.add('hl'); lit = th; } else { lit = null; }
  });
})();
"#;

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
