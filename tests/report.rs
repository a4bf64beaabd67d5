//! `entitle report`: the page's content. The embedded data is decoded here the way the page's
//! script decodes it and compared with the evaluator, cell by cell; search is checked on the
//! data it runs over. `scripts/browser-test.sh` checks the same page in headless Chromium.

use entitle::interop::report::{self, data};
use entitle::{Compiled, Policy};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;
use common::entitle;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn policy(text: &str) -> Policy {
    Policy::parse("test.ent", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn r2_example() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples-r2/portal-countries.ent");
    assert!(p.is_file(), "missing {}", p.display());
    p
}

fn page(p: &Policy, max_rows: usize) -> String {
    report::html(
        p.model(),
        &report::ReportOptions {
            max_rows,
            source: "test.ent".into(),
            generated: None,
        },
    )
}

/// The JSON document embedded in the page.
fn embedded(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"entitle-data\">";
    let at = html.find(open).expect("embedded data") + open.len();
    let end = at + html[at..].find("</script>").unwrap();
    serde_json::from_str(&html[at..end]).expect("the data is JSON")
}

/// One decoded cell: (access, rule, credited group).
type Cell = (String, String, Option<String>);

/// Every principal's name and cells, decoded as the page's script decodes them.
fn decode(d: &Value) -> Vec<(String, Vec<Cell>)> {
    let codes = d["codes"].as_array().unwrap();
    let groups = d["groups"].as_array().unwrap();
    d["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let own: Vec<usize> = p[5]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_u64().unwrap() as usize)
                .collect();
            let width = data::credit_width(own.len());
            let mut credits = p[7].as_str().unwrap().chars();
            let cells = p[6]
                .as_str()
                .unwrap()
                .chars()
                .map(|ch| {
                    let c = &codes[data::CODES.find(ch).expect("a known code")];
                    let rule = c[1].as_str().unwrap().to_string();
                    let group = rule.starts_with("group-").then(|| {
                        let mut at = 0;
                        for _ in 0..width {
                            at = at * 62 + data::DIGITS.find(credits.next().unwrap()).unwrap();
                        }
                        groups[own[at]].as_str().unwrap().to_string()
                    });
                    (c[0].as_str().unwrap().to_string(), rule, group)
                })
                .collect();
            assert_eq!(credits.next(), None, "every credit used");
            (p[0].as_str().unwrap().to_string(), cells)
        })
        .collect()
}

/// The principals the page's search shows for `query` (name or display name, ignoring case)
/// and group filter, as indexes.
fn search(d: &Value, query: &str, group: Option<&str>) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    let g = group.map(|g| {
        d["groups"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x == g)
            .expect("group") as u64
    });
    d["principals"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let key = format!("{} {}", p[0].as_str().unwrap(), p[1].as_str().unwrap()).to_lowercase();
            key.contains(&q) && g.is_none_or(|g| p[5].as_array().unwrap().iter().any(|x| x.as_u64() == Some(g)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every decision in the page equals the evaluator's, with the credited group.
fn assert_data_matches_evaluator(p: &Policy, html: &str) {
    let m = p.model();
    let c = Compiled::new(m);
    let rows = decode(&embedded(html));
    assert_eq!(rows.len(), c.principals(), "every principal is in the data");
    for (i, (name, cells)) in rows.iter().enumerate() {
        assert_eq!(name, m.principal_name(c.principal_at(i)));
        assert_eq!(cells.len(), m.products.len());
        for (x, cell) in cells.iter().enumerate() {
            let (access, rule, group) = c.decide(i, x);
            let want = (
                access.to_string(),
                rule.to_string(),
                group.map(|g| m.group(g).name.clone()),
            );
            assert_eq!(cell, &want, "{name} × {}", m.products[x].name);
        }
    }
}

const TRICKY: &str = r#"product "<b>&\"x" "<i>display</i>"
product Plain
country US { }
group "<b>&\"x" in US { allowed "<b>&\"x" }
user "evil@x.com" "<script>alert(1)</script>" { country US  groups "<b>&\"x" }
user pend@x.com { country US  status pending }
key K1 { groups "<b>&\"x" }
key "</script><script>alert(2)</script>" in US { }
"#;

#[test]
fn report_is_self_contained_complete_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "tricky.ent", TRICKY);
    let out = dir.path().join("report.html");
    let r = entitle(&["report", &p, "-o", out.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["http://", "https://", "src=", "<link", "@import", "url(", "//cdn"] {
        assert!(
            !html.contains(external),
            "external reference `{external}` in the report"
        );
    }
    // names escaped everywhere, never raw markup, in the page or in its data
    assert!(!html.contains("<b>&\"x"), "raw name in the report");
    assert!(!html.contains("<script>alert"), "raw name in the report");
    assert!(
        !html.contains("</script><script>alert"),
        "a name ends the data's script element"
    );
    assert!(html.contains("&lt;b&gt;&amp;&quot;x"));
    // two script elements: the data (not executed) and the page's own script
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(
        html.matches("<script type=\"application/json\" id=\"entitle-data\">")
            .count(),
        1
    );
    assert_eq!(html.matches("<script>").count(), 1);
    // every product, in the grid's header and the per-product table
    assert!(html.contains("<div>Plain</div>") && html.contains("<b>Plain</b>"));
    // the data keeps the names exactly (the script escapes them when it renders a row)
    let tricky = policy(TRICKY);
    let d = embedded(&html);
    assert_eq!(d["principals"][0][1], "<script>alert(1)</script>");
    assert_eq!(d["principals"][3][0], "</script><script>alert(2)</script>");
    assert_eq!(d["products"][0], serde_json::json!(["<b>&\"x", "<i>display</i>"]));
    let rows = decode(&d);
    let g = Some("<b>&\"x".to_string());
    assert_eq!(rows[0].1[0], ("allow".into(), "group-allowed".into(), g.clone()));
    assert_eq!(rows[0].1[1], ("deny".into(), "group-not-allowed".into(), g));
    assert_eq!(rows[1].1[1], ("deny".into(), "status".into(), None));
    assert_data_matches_evaluator(&tricky, &html);
    // the search box, the group filter and the denials chart
    assert!(html.contains("id=\"q\"") && html.contains("id=\"g\"") && html.contains("<svg"));
}

#[test]
fn the_page_names_the_policy_file_never_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("private-folder");
    std::fs::create_dir(&sub).unwrap();
    let p = write(&sub, "acme.ent", TRICKY);
    assert!(Path::new(&p).is_absolute());
    let out = dir.path().join("report.html");
    let r = entitle(&["report", &p, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<code>acme.ent</code>"), "the file name is shown");
    assert!(!html.contains("private-folder"), "the folder is in the page");
    assert!(
        !html.contains(&dir.path().display().to_string()),
        "the path is in the page"
    );
    // a relative path: also only the name
    let r = entitle(&["report", "../shared/spec/examples-r2/portal-countries.ent"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("<code>portal-countries.ent</code>"));
    assert!(!r.stdout.contains("examples-r2"));
}

#[test]
fn search_sees_every_principal_and_the_grid_pages_through_them() {
    let mut text = String::from("product A\nproduct B\ncountry US { deny B }\ngroup Late in US { allowed B }\n");
    for i in 0..2000 {
        let groups = if i % 500 == 7 { "  groups Late" } else { "" };
        text.push_str(&format!("user u{i}@x.com \"User {i}\" {{ country US{groups} }}\n"));
    }
    for i in 0..3 {
        text.push_str(&format!("key KEY-{i} in US {{ }}\n"));
    }
    let p = policy(&text);
    let html = page(&p, 500);
    let d = embedded(&html);
    // every principal is in the data, not only the first 500
    assert_eq!(d["principals"].as_array().unwrap().len(), 2003);
    assert_data_matches_evaluator(&p, &html);
    // the grid renders 500 rows at a time; search covers all 2,003
    assert!(html.contains("data-page=\"500\""), "page size for the script");
    assert!(
        html.contains("The grid renders 500 rows at a time"),
        "the page says how the grid is paged"
    );
    assert!(html.contains("search and the group filter look at all 2,003 principals"));
    assert!(
        html.contains("2,003 of 2,003 match"),
        "the counter before the script runs"
    );
    // principals past the first page are found (the old page said "No principal matches")
    let found = search(&d, "u1999@", None);
    assert_eq!(found, vec![1999]);
    assert_eq!(
        search(&d, "USER 1999", None),
        vec![1999],
        "display names, ignoring case"
    );
    assert_eq!(search(&d, "key-", None), vec![2000, 2001, 2002]);
    assert_eq!(search(&d, "u12", None).len(), 111, "u12, u120–u129, u1200–u1299");
    // the group filter: the members of Late, wherever they are
    assert_eq!(search(&d, "", Some("Late")), vec![7, 507, 1007, 1507]);
    assert_eq!(search(&d, "u15", Some("Late")), vec![1507]);
    // max-rows 0: one page of everything
    let all = page(&p, 0);
    assert!(all.contains("data-page=\"0\"") && !all.contains("rows at a time"));
}

#[test]
fn report_shows_how_each_country_was_chosen_and_locked_users() {
    let p = Policy::from_path(&r2_example()).unwrap();
    let html = page(&p, 0);
    let d = embedded(&html);
    let by: Vec<&str> = d["by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    let countries = &d["countries"];
    let row = |who: &str| -> (String, String, String) {
        let p = d["principals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0] == who)
            .unwrap_or_else(|| panic!("{who}"));
        let country = countries[p[3].as_u64().unwrap() as usize][0]
            .as_str()
            .unwrap()
            .to_string();
        (
            p[2].as_str().unwrap().to_string(),
            country,
            by[p[4].as_u64().unwrap() as usize].to_string(),
        )
    };
    assert_eq!(row("ines@globex.com"), ("active".into(), "US".into(), "revenue".into()));
    assert_eq!(
        countries[0],
        serde_json::json!(["US", "2_400_000"]),
        "the fallback's revenue"
    );
    assert_eq!(
        row("yann@globex.com"),
        ("active".into(), "US".into(), "entitlement-country".into())
    );
    assert_eq!(row("remi@globex.com"), ("active".into(), "FR".into(), "profile".into()));
    assert_eq!(row("SS-77"), ("key".into(), "FR".into(), "key-in".into()));
    assert_eq!(row("SS-78"), ("key".into(), "US".into(), "key-groups".into()));
    assert_eq!(row("olga@globex.com").0, "locked");
    assert!(d["statuses"]["locked"].as_str().unwrap().contains("sign-in is refused"));
    assert!(html.contains("(1 locked)"), "the inactive tile counts locked users");
    assert_data_matches_evaluator(&p, &html);
}

/// The card of group `name`.
fn card<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("<h3>{name} <span class=\"mode"))
        .unwrap_or_else(|| panic!("no card for {name}"));
    &html[at..at + html[at..].find("</article>").unwrap()]
}

#[test]
fn each_group_has_a_card_with_mode_country_members_allowed_and_denials() {
    let p = policy(
        r#"product A
product B
product C
country US { deny C }
country GB { }
group Strict in US { allowed A  include-country }
group Old in US { exception allow B  exception deny A }
group Idle in US { }
group Far in GB { allowed A }
user a@x.com { country US  groups Strict }
user b@x.com { country US  groups Strict, Old }
user c@x.com { country US  groups Old }
user d@x.com { country US  groups Far }
user e@x.com { country US  groups Idle }
key K { groups Strict }
"#,
    );
    let html = page(&p, 0);
    let strict = card(&html, "Strict");
    assert!(strict.contains(">Allowed Applications</span>"), "{strict}");
    assert!(strict.contains("allow-list: members may use only the applications"));
    assert!(strict.contains("<dt>country</dt><dd>US</dd>"));
    assert!(strict.contains("<b>3</b>: a@x.com, b@x.com, K"), "{strict}");
    assert!(strict.contains("href=\"#g=Strict\""));
    assert!(strict.contains("Allowed Applications (1): A"));
    assert!(strict.contains("Include Allowed Applications from the entitlement country: <b>on</b>"));
    // Strict: A allowed (listed), B allowed (include-country, US allows B), C denied for a and K;
    // b's C: Old abstains on C, Strict denies it
    assert!(strict.contains("<b>3</b> denied by it (group-not-allowed)"), "{strict}");
    assert!(strict.contains("✓</span> 6 allowed by it"), "{strict}");

    let old = card(&html, "Old");
    assert!(old.contains(">Legacy exceptions</span>") && old.contains("legacy: no Allowed Applications"));
    assert!(old.contains("exception allow (1): B") && old.contains("exception deny (1): A"));
    // c's A is denied by Old's exception; b's A is allowed by Strict first
    assert!(old.contains("<b>1</b> denied by it (group-exception)"), "{old}");

    let idle = card(&html, "Idle");
    assert!(idle.contains(">Not configured</span>") && idle.contains("unconfigured: no Allowed Applications"));
    assert!(idle.contains("<dt>allows</dt><dd>nothing</dd>"));
    assert!(idle.contains("<b>0</b> denied by it"));

    let far = card(&html, "Far");
    assert!(far.contains("<dt>country</dt><dd>GB</dd>"));
    assert!(
        far.contains("1 of another entitlement country: the group does not apply to them"),
        "{far}"
    );
    assert!(far.contains("<b>0</b> denied by it"));
    // the group filter offers every group
    for g in ["Strict", "Old", "Idle", "Far"] {
        assert!(html.contains(&format!("<option>{g}</option>")));
    }
}

#[test]
fn how_access_is_granted_counts_decisions_per_rule() {
    let p = policy(
        "product A\nproduct B\ncountry US { deny B }\ngroup G in US { allowed B }\n\
         user a@x.com { country US  groups G }\nuser b@x.com { country US }\nuser c@x.com { country US  status pending }\n",
    );
    let html = page(&p, 0);
    let at = html.find("<h2>How access is granted</h2>").expect("the section");
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    let row = |rule: &str| {
        let at = section
            .find(&format!("<tr><td><span class=\"rule\">{rule}</span>"))
            .unwrap_or_else(|| panic!("{rule}"));
        section[at..at + section[at..].find("</tr>").unwrap()].to_string()
    };
    // a: A group-not-allowed, B group-allowed; b: A default-access, B product-access (deny);
    // c: status twice
    assert!(row("group-allowed")
        .contains("<td class=\"num\">1</td><td class=\"num\">50.0%</td><td class=\"num zero\">0</td>"));
    assert!(row("group-not-allowed").contains("<td class=\"num zero\">0</td><td class=\"num zero\">—</td><td class=\"num\">1</td><td class=\"num\">25.0%</td>"));
    assert!(row("default-access").contains("<td class=\"num\">1</td><td class=\"num\">50.0%</td>"));
    assert!(row("product-access").contains("<td class=\"num\">1</td><td class=\"num\">25.0%</td>"));
    assert!(row("status").contains("<td class=\"num\">2</td><td class=\"num\">50.0%</td>"));
    assert!(section.contains("<td>all rules</td><td></td><td class=\"num\">2</td><td></td><td class=\"num\">4</td>"));
    // every rule has a row, in evaluation order
    let mut last = 0;
    for rule in entitle::eval::Rule::ALL {
        let at = section.find(&format!("<span class=\"rule\">{rule}</span>")).unwrap();
        assert!(at > last, "{rule} out of order");
        last = at;
    }
}

#[test]
fn meaning_never_rests_on_red_and_green() {
    let p = Policy::from_path(&r2_example()).unwrap();
    let html = page(&p, 0);
    // glyphs with text in the legend and the tiles; the script puts them in every cell
    assert!(html.contains("<span class=\"key a\">✓ allow</span>"));
    assert!(html.contains("<span class=\"key d\">✕ deny by an access setting"));
    assert!(html.contains("<span class=\"key x\">✕ grey: deny before any access setting"));
    assert!(html.contains("✓</span> allowed decisions") && html.contains("✕</span> denied decisions"));
    assert!(html.contains("GLYPH = { a: '\\u2713', d: '\\u2715', x: '\\u2715' }"));
    // blue and orange, not the old green and red
    assert!(html.contains("--okbar:#0072b2") && html.contains("--badbar:#e69f00"));
    for red_or_green in [
        "#1a7f37", "#cf222e", "#2da44e", "#ff8182", "#cdf5d8", "#ffcecb", "#a40e26",
    ] {
        assert!(!html.contains(red_or_green), "{red_or_green} in the palette");
    }
    // the cell codes are explained
    assert!(html.contains("<code>gn</code> group-not-allowed"));
}

#[test]
fn a_10k_organisation_makes_a_page_of_sane_size() {
    let r = entitle(&["gen", "--users", "10000"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = policy(&r.stdout);
    let html = page(&p, 500);
    let d = embedded(&html);
    assert_eq!(
        d["principals"].as_array().unwrap().len(),
        p.model().users.len() + p.model().keys.len()
    );
    // about 2 MB for 10,014 principals × 64 products (the old page was 2.7 MB for 500 rows)
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
}
