//! The page's server-rendered sections: headline tiles, per product, denials chart, how
//! access is granted (decisions per rule), one card per entitlement group, and the grid's
//! frame (its rows are rendered by the page's script from the embedded data).

use super::data::Tally;
use super::{count, escape, percent, plural, short_percent, ReportOptions};
use crate::compile::Compiled;
use crate::eval::Rule;
use crate::model::{GroupMode, Model, Status};
use crate::syntax::Access;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Members named in a group's card before "and N more".
const FIRST_MEMBERS: usize = 5;
/// Products named in a group's card before "and N more".
const FIRST_PRODUCTS: usize = 12;

/// What a denial by this rule means, for an administrator.
pub fn deny_meaning(rule: Rule) -> &'static str {
    match rule {
        Rule::Status => "the user is not active (pending, invited, registered or locked)",
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

/// What an allow by this rule means.
fn allow_meaning(rule: Rule) -> &'static str {
    match rule {
        Rule::Status | Rule::NoEntitlementCountry | Rule::NotEntitled | Rule::GroupNotAllowed => "",
        Rule::UserException => "a user exception allows the product",
        Rule::GroupAllowed => "the product is on the Allowed Applications of one of the principal's groups",
        Rule::GroupIncludeCountry => {
            "a group includes the Allowed Applications from the entitlement country, and the country allows the product"
        }
        Rule::GroupException => "a legacy group exception allows the product",
        Rule::ProductAccess => "the country's General Access for the product is allow",
        Rule::DefaultAccess => "the country's Default Access is allow (no group decided)",
    }
}

/// A colour per denying rule for the chart (Okabe–Ito, safe for colour-blind readers; every
/// bar is labelled, so colour only groups).
fn colour(rule: Rule) -> &'static str {
    match rule {
        Rule::Status => "#999999",
        Rule::NoEntitlementCountry => "#7a7a7a",
        Rule::NotEntitled => "#5c5c5c",
        Rule::UserException => "#cc79a7",
        Rule::GroupAllowed | Rule::GroupIncludeCountry => "#0072b2",
        Rule::GroupNotAllowed => "#e69f00",
        Rule::GroupException => "#d55e00",
        Rule::ProductAccess => "#0072b2",
        Rule::DefaultAccess => "#56b4e9",
    }
}

/// The header: title, the policy's file name, counts, when.
pub fn header(h: &mut String, m: &Model, title: &str, opts: &ReportOptions) {
    let _ = writeln!(h, "<header><h1>{}</h1>", escape(title));
    let mut meta = vec![];
    if !opts.source.is_empty() {
        meta.push(format!("<code>{}</code>", escape(&opts.source)));
    }
    meta.push(format!(
        "{}, {}, {}, {}",
        plural(m.users.len(), "user"),
        plural(m.keys.len(), "key"),
        plural(m.groups.len(), "group"),
        plural(m.products.len(), "product")
    ));
    if let Some(g) = &opts.generated {
        meta.push(format!("generated {}", escape(g)));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p></header>", meta.join(" · "));
}

/// Headline numbers.
pub fn tiles(h: &mut String, m: &Model, principals: usize, t: &Tally) {
    let (allowed, denied) = t.totals();
    let total = allowed + denied;
    let inactive = m.users.iter().filter(|u| u.status != Status::Active).count();
    let locked = m.users.iter().filter(|u| u.status == Status::Locked).count();
    let no_country =
        m.users.iter().filter(|u| u.country.is_none()).count() + m.keys.iter().filter(|k| k.country.is_none()).count();
    h.push_str("<section class=\"tiles\">\n");
    let mut tile = |class: &str, value: String, label: &str, note: String| {
        let _ = writeln!(
            h,
            "<div class=\"tile {class}\"><div class=\"value\">{value}</div><div class=\"label\">{label}</div><div class=\"sub2\">{note}</div></div>"
        );
    };
    tile(
        "",
        count(principals as u64),
        "principals",
        format!("{} · {}", plural(m.users.len(), "user"), plural(m.keys.len(), "key")),
    );
    tile(
        "",
        count(m.products.len() as u64),
        "products",
        format!("{} in all", plural(total as usize, "decision")),
    );
    tile(
        "ok",
        count(allowed),
        "<span class=\"gl\" aria-hidden=\"true\">✓</span> allowed decisions",
        format!("{:.1}% of all decisions", percent(allowed, total)),
    );
    tile(
        "bad",
        count(denied),
        "<span class=\"gl\" aria-hidden=\"true\">✕</span> denied decisions",
        format!("{:.1}% of all decisions", percent(denied, total)),
    );
    tile(
        if inactive > 0 { "warn" } else { "" },
        count(inactive as u64),
        "inactive users",
        format!(
            "pending, invited, registered or locked ({} locked): denied everything",
            count(locked as u64)
        ),
    );
    tile(
        if no_country > 0 { "warn" } else { "" },
        count(no_country as u64),
        "without entitlement country",
        "a profile country matching no country and no revenue fallback, or a key with neither `in` nor groups".into(),
    );
    h.push_str("</section>\n");
}

/// Per-product counts, a proportion bar and the main reasons for denials.
pub fn products(h: &mut String, m: &Model, t: &Tally) {
    h.push_str("<section class=\"card\"><h2>Per product</h2>\n");
    h.push_str("<div class=\"scroll\"><table class=\"counts\"><thead><tr><th>product</th><th class=\"num\">✓ allow</th><th class=\"num\">✕ deny</th><th class=\"barcol\">share allowed</th><th>main reasons for deny</th></tr></thead><tbody>\n");
    for (x, product) in m.products.iter().enumerate() {
        let (allow, deny) = t.per_product[x];
        let share = percent(allow, allow + deny);
        let mut reasons: Vec<(Rule, u64)> = t.product_denials[x].iter().map(|(r, n)| (*r, *n)).collect();
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
            "<tr><td><b>{}</b>{display}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"barcol\"><div class=\"bar\" title=\"{share:.1}% allowed\"><span style=\"width:{share:.1}%\"></span></div><span class=\"pct\">{share:.0}%</span></td><td class=\"reasons\">{}</td></tr>",
            escape(&product.name),
            count(allow),
            count(deny),
            if reasons.is_empty() { "—".to_string() } else { reasons.join(" · ") }
        );
    }
    if m.products.is_empty() {
        h.push_str("<tr><td colspan=\"5\" class=\"empty\">The policy declares no products.</td></tr>\n");
    }
    h.push_str("</tbody></table></div></section>\n");
}

/// Horizontal bars, one per rule that denied something, biggest first.
pub fn chart(deny_by_rule: &BTreeMap<Rule, u64>) -> String {
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

/// How access is granted: allowed and denied decisions per rule, in evaluation order.
pub fn rules(h: &mut String, t: &Tally) {
    let (allowed, denied) = t.totals();
    h.push_str("<section class=\"card\" id=\"rules\"><h2>How access is granted</h2>\n");
    h.push_str("<p class=\"note\">Every decision is made by the first rule that decides, in this order (LANGUAGE.md §3).</p>\n");
    h.push_str("<table class=\"counts rules\"><thead><tr><th>rule</th><th>code</th><th class=\"num\">✓ allowed</th><th class=\"num\">share of allowed</th><th class=\"num\">✕ denied</th><th class=\"num\">share of denied</th><th>what it means</th></tr></thead><tbody>\n");
    for rule in Rule::ALL {
        let a = t.allow_by_rule.get(&rule).copied().unwrap_or(0);
        let d = t.deny_by_rule.get(&rule).copied().unwrap_or(0);
        let cell = |n: u64, whole: u64| {
            if n == 0 {
                (
                    "<td class=\"num zero\">0</td>".to_string(),
                    "<td class=\"num zero\">—</td>".to_string(),
                )
            } else {
                (
                    format!("<td class=\"num\">{}</td>", count(n)),
                    format!("<td class=\"num\">{}</td>", fine_percent(n, whole)),
                )
            }
        };
        let (an, ap) = cell(a, allowed);
        let (dn, dp) = cell(d, denied);
        let mut meaning = vec![];
        if !allow_meaning(rule).is_empty() {
            meaning.push(format!("✓ {}", allow_meaning(rule)));
        }
        if !deny_meaning(rule).is_empty() {
            meaning.push(format!("✕ {}", deny_meaning(rule)));
        }
        let _ = writeln!(
            h,
            "<tr><td><span class=\"rule\">{rule}</span></td><td><code>{}</code></td>{an}{ap}{dn}{dp}<td class=\"reasons\">{}</td></tr>",
            crate::render::rule_code(rule),
            escape(&meaning.join("; "))
        );
    }
    let _ = writeln!(
        h,
        "<tr class=\"total\"><td>all rules</td><td></td><td class=\"num\">{}</td><td></td><td class=\"num\">{}</td><td></td><td></td></tr>",
        count(allowed),
        count(denied)
    );
    h.push_str("</tbody></table></section>\n");
}

/// `12.3%`, `<0.1%`
fn fine_percent(part: u64, whole: u64) -> String {
    match percent(part, whole) {
        p if p > 0.0 && p < 0.05 => "<0.1%".to_string(),
        p => format!("{p:.1}%"),
    }
}

/// `#g=NAME` with the name percent-encoded.
fn group_link(name: &str) -> String {
    let mut out = String::from("#g=");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Up to `first` names, escaped, then "and N more".
fn first_few(names: &[&str], first: usize) -> String {
    let mut shown: Vec<String> = names.iter().take(first).map(|n| escape(n)).collect();
    if names.len() > first {
        shown.push(format!("and {} more", count((names.len() - first) as u64)));
    }
    shown.join(", ")
}

/// One card per entitlement group: mode, country, members, what it allows, what it denies.
pub fn groups(h: &mut String, m: &Model, c: &Compiled, t: &Tally) {
    let _ = writeln!(
        h,
        "<section class=\"card\" id=\"groups\"><h2>Entitlement groups <span class=\"sub\">{}</span></h2>",
        plural(m.groups.len(), "group")
    );
    if m.groups.is_empty() {
        h.push_str("<p class=\"empty\">The policy declares no entitlement groups.</p></section>\n");
        return;
    }
    // members per group, in principal order; and those of another entitlement country
    let mut members: Vec<Vec<&str>> = vec![vec![]; m.groups.len()];
    let mut elsewhere: Vec<usize> = vec![0; m.groups.len()];
    for i in 0..c.principals() {
        let p = c.principal_at(i);
        let s = m.subject(p);
        for (g, _) in s.groups() {
            members[g.index()].push(m.principal_name(p));
            if s.country() != Some(m.group(*g).country) {
                elsewhere[g.index()] += 1;
            }
        }
    }
    let product = |p: crate::model::ProductId| m.products[p.index()].name.as_str();
    h.push_str("<div class=\"groups\">\n");
    for (gi, g) in m.groups.iter().enumerate() {
        let (badge, label, explain) = match g.mode() {
            GroupMode::AllowList => (
                "m-list",
                "Allowed Applications",
                "allow-list: members may use only the applications on its Allowed Applications list",
            ),
            GroupMode::Legacy => (
                "m-legacy",
                "Legacy exceptions",
                "legacy: no Allowed Applications; its old-style group exceptions decide the products they name, it abstains on the rest (Convert moves the allowed ones into Allowed Applications)",
            ),
            GroupMode::Unconfigured => (
                "m-none",
                "Not configured",
                "unconfigured: no Allowed Applications and no exceptions; it abstains on every product and grants nothing",
            ),
        };
        let country = &m.country(g.country).name;
        let _ = writeln!(
            h,
            "<article class=\"group\" id=\"group-{gi}\"><h3>{} <span class=\"mode {badge}\" title=\"{}\">{label}</span></h3><dl>",
            escape(&g.name),
            escape(explain)
        );
        let _ = writeln!(h, "<dt>mode</dt><dd>{}</dd>", escape(explain));
        let _ = writeln!(h, "<dt>country</dt><dd>{}</dd>", escape(country));
        let list = &members[gi];
        let mut who = if list.is_empty() {
            "none".to_string()
        } else {
            format!(
                "<b>{}</b>: {} <a href=\"{}\">show in the grid</a>",
                count(list.len() as u64),
                first_few(list, FIRST_MEMBERS),
                escape(&group_link(&g.name))
            )
        };
        if elsewhere[gi] > 0 {
            let _ = write!(
                who,
                "<br><span class=\"warnnote\">⚠ {} of another entitlement country: the group does not apply to them</span>",
                count(elsewhere[gi] as u64)
            );
        }
        let _ = writeln!(h, "<dt>members</dt><dd>{who}</dd>");
        let allows = match g.mode() {
            GroupMode::AllowList => {
                let names: Vec<&str> = g.allowed.iter().map(|(p, _)| product(*p)).collect();
                format!(
                    "Allowed Applications ({}): {}<br>Include Allowed Applications from the entitlement country: <b>{}</b>",
                    count(names.len() as u64),
                    first_few(&names, FIRST_PRODUCTS),
                    if g.include_country.is_some() { "on" } else { "off" }
                )
            }
            GroupMode::Legacy => {
                let of = |a: Access| -> Vec<&str> {
                    g.exceptions
                        .iter()
                        .filter(|(_, x, _)| *x == a)
                        .map(|(p, _, _)| product(*p))
                        .collect()
                };
                let (allow, deny) = (of(Access::Allow), of(Access::Deny));
                let mut s = format!(
                    "exception allow ({}): {}",
                    count(allow.len() as u64),
                    if allow.is_empty() {
                        "none".into()
                    } else {
                        first_few(&allow, FIRST_PRODUCTS)
                    }
                );
                if !deny.is_empty() {
                    let _ = write!(
                        s,
                        "<br>exception deny ({}): {}",
                        count(deny.len() as u64),
                        first_few(&deny, FIRST_PRODUCTS)
                    );
                }
                s
            }
            GroupMode::Unconfigured => "nothing".to_string(),
        };
        let _ = writeln!(h, "<dt>allows</dt><dd>{allows}</dd>");
        let denied = t.group_denied[gi];
        let how = match (g.mode(), denied) {
            (_, 0) => String::new(),
            (GroupMode::Legacy, _) => " (group-exception)".into(),
            _ => " (group-not-allowed)".into(),
        };
        let _ = writeln!(
            h,
            "<dt>decisions</dt><dd><span class=\"gl ok\">✓</span> {} allowed by it · <span class=\"gl bad\">✕</span> <b>{}</b> denied by it{how}</dd>",
            count(t.group_allowed[gi]),
            count(denied)
        );
        h.push_str("</dl></article>\n");
    }
    h.push_str("</div></section>\n");
}

/// The grid's frame: toolbar (search, group filter, counter, pager, legend), the header row,
/// an empty body the script fills, and the legend of cell codes.
pub fn grid(h: &mut String, m: &Model, principals: usize, page: usize) {
    h.push_str("<section class=\"card\" id=\"access\"><h2>Access grid</h2>\n<div class=\"toolbar\">");
    h.push_str("<input id=\"q\" type=\"search\" placeholder=\"Search users and keys…\" aria-label=\"Search users and keys\" autocomplete=\"off\">");
    h.push_str("<select id=\"g\" aria-label=\"Only the members of a group\"><option value=\"\">all groups</option>");
    for g in &m.groups {
        let _ = write!(h, "<option>{}</option>", escape(&g.name));
    }
    h.push_str("</select>");
    let _ = write!(
        h,
        "<span id=\"shown\" aria-live=\"polite\">{n} of {n} match</span>",
        n = count(principals as u64)
    );
    h.push_str("<span class=\"pager\"><button id=\"prev\" type=\"button\">‹ previous</button><button id=\"next\" type=\"button\">next ›</button></span></div>\n");
    h.push_str("<p class=\"legend\"><span class=\"key a\">✓ allow</span><span class=\"key d\">✕ deny by an access setting (user exception, group, country)</span><span class=\"key x\">✕ grey: deny before any access setting (inactive, no entitlement country, not entitled)</span></p>\n");
    if page > 0 && principals > page {
        let _ = writeln!(
            h,
            "<p class=\"capnote\">The grid renders {} rows at a time (<code>--max-rows</code>); search and the group filter look at all {} principals — page through the matches with previous/next.</p>",
            count(page as u64),
            count(principals as u64)
        );
    }
    let _ = write!(
        h,
        "<div class=\"gridwrap\"><table id=\"grid\" class=\"grid\" data-page=\"{page}\"><thead><tr><th class=\"corner\">principal</th><th class=\"tot\" title=\"products allowed\">allowed</th>"
    );
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
    h.push_str("</tr></thead>\n<tbody></tbody></table></div>\n");
    h.push_str("<noscript><p class=\"empty\">The grid needs JavaScript; <code>entitle matrix</code> prints the same decisions.</p></noscript>\n");
    if principals == 0 {
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
    h.push_str("</section>\n");
}
