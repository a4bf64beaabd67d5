//! Interop commands end to end: `import-users` (CSV), `export --json` / `import` (`report`: tests/report.rs).

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::eval::decide;
use entitle::interop::{json, users};
use entitle::{Model, Policy};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::entitle;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interop")
        .join(name)
        .display()
        .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn policy(text: &str) -> Policy {
    Policy::parse("test.ent", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Merge a sheet into a policy text with the library; returns the result and the merged text.
fn merge(policy_text: &str, csv: &str) -> (users::UserImport, String) {
    let p = policy(policy_text);
    let result = users::import_users(p.document(), p.model(), csv).expect("usable sheet");
    let text = entitle::fmt::format_document(&result.document);
    (result, text)
}

const SMALL: &str = r#"product Bridge
product Survey
country US { covers CA }
country DE { }
group Roads in US { allowed Bridge }
group Crew in US { allowed Survey }

# the boss
user kim@nw.example "Kim Lee" {
  country US  # head office
  groups Roads
  roles account-admin
  status active
  deny Survey  # never
}
"#;

// ------------------------------------------------------------------- import-users

#[test]
fn import_users_imports_good_rows_and_reports_every_bad_one_by_row() {
    let r = entitle(&["import-users", &fixture("northwind.ent"), &fixture("users.csv")]);
    assert_eq!(r.code, 1, "a rejected row exits 1\n{}", r.stderr);
    let expected = [
        "error: {csv} row 4: missing email",
        "error: {csv} row 5 (not-an-email): invalid email `not-an-email`",
        "error: {csv} row 6 (rod@northwind.example): unknown group `Rods`; did you mean `Roads`?",
        "error: {csv} row 7 (ann@northwind.example): `ann@northwind.example` is already on row 2",
        "error: {csv} row 8 (cy@northwind.example): missing country",
        "error: {csv} row 9 (ray@northwind.example): unknown role `owner`",
        // row 10 is blank; row 11's first name spans two lines of the file
        "error: {csv} row 11 (sam@northwind.example): the First Name cell spans several lines",
        "error: {csv} row 12 (stu@northwind.example): unknown status `actve`; did you mean `active`?",
        "error: {csv} row 15 (tom@northwind.example): the row has 9 cells but the header has 8",
        "warning: {csv} row 16 (vic@northwind.example): group `Berlin` belongs to country `DE`",
        "warning: {csv} row 17 (fran@northwind.example): profile country `FR` is not a declared country",
        "warning: {csv}: column `Phone` is not used",
        "{csv}: 15 rows: 4 added, 1 updated, 1 unchanged, 9 rejected",
    ];
    for e in expected {
        let e = e.replace("{csv}", &fixture("users.csv"));
        assert!(r.stderr.contains(&e), "missing `{e}` in\n{}", r.stderr);
    }
    assert_eq!(r.stderr.matches("error:").count(), 9, "{}", r.stderr);

    // the output is a valid, canonically formatted policy with the good rows merged
    let merged = policy(&r.stdout);
    let fmt = entitle::fmt::format_document(merged.document());
    assert_eq!(fmt, r.stdout, "the output is in canonical form");
    for added in [
        "ann@northwind.example",
        "ole@northwind.example",
        "vic@northwind.example",
        "fran@northwind.example",
    ] {
        assert!(merged.model().find_user(added).is_some(), "{added} added");
    }
    for rejected in ["rod@", "cy@", "ray@", "sam@", "stu@", "tom@", "not-an-email"] {
        assert!(!r.stdout.contains(rejected), "{rejected} must not be imported");
    }
    assert!(
        r.stdout
            .contains("user ann@northwind.example \"Ann Ng\" {\n  country US\n  groups Roads, \"Bridge Crew\"\n}"),
        "{}",
        r.stdout
    );
    // quoting: a doubled quote and a comma inside a quoted cell; roles in the portal's spelling;
    // a country code in the policy's spelling
    assert!(r.stdout.contains(
        "user ole@northwind.example \"Ole Smith, \\\"OJ\\\" Jr.\" {\n  country DE\n  groups Berlin\n  roles account-admin\n  status pending\n}"
    ), "{}", r.stdout);
    // new users come after the last user, before the keys and expectations
    let (ann, key) = (r.stdout.find("user ann@").unwrap(), r.stdout.find("key SS-9").unwrap());
    assert!(r.stdout.find("user lou@").unwrap() < ann && ann < key);
    // Kim's groups were replaced by the sheet's: Bridge is now credited to Bridge Crew
    let kim = merged.check("kim@northwind.example", "Bridge").unwrap();
    assert_eq!(kim.rule, entitle::Rule::GroupAllowed);
    assert_eq!(
        kim.group.map(|g| merged.model().group(g).name.as_str()),
        Some("Bridge Crew")
    );
}

#[test]
fn import_users_updates_only_what_the_sheet_says_and_keeps_exceptions_and_comments() {
    let csv = "Email,First Name,Last Name,Country,Roles,Groups,Status\nKIM@NW.EXAMPLE,,,CA,co-admin; fulfillment contact,Crew,invited\n";
    let (result, text) = merge(SMALL, csv);
    assert_eq!(result.count(users::RowOutcome::Updated), 1);
    assert!(result.problems.is_empty(), "{:?}", result.problems);
    assert!(
        text.contains(
            "# the boss\nuser kim@nw.example \"Kim Lee\" {\n  country CA  # head office\n  groups Crew\n  roles co-admin, fulfillment-contact\n  status invited\n  deny Survey  # never\n}"
        ),
        "{text}"
    );

    // empty cells keep everything; a name replaces the display name
    let csv = "Email,First Name,Last Name,Country\nkim@nw.example,Kimberly,,\n";
    let (_, text) = merge(SMALL, csv);
    assert!(
        text.contains("user kim@nw.example \"Kimberly\" {\n  country US  # head office\n  groups Roads\n"),
        "{text}"
    );

    // `-` empties a list
    let csv = "Email,First Name,Last Name,Country,Roles,Groups\nkim@nw.example,,,,-,-\n";
    let (result, text) = merge(SMALL, csv);
    assert_eq!(result.count(users::RowOutcome::Updated), 1);
    assert!(text.contains("user kim@nw.example \"Kim Lee\" {\n  country US  # head office\n  status active\n  deny Survey  # never\n}"), "{text}");

    // the same values again: unchanged
    let csv = "Email,First Name,Last Name,Country,Roles,Groups,Status\nkim@nw.example,Kim,Lee,US,account-admin,roads,Active\n";
    let (result, text) = merge(SMALL, csv);
    assert_eq!(result.rows, vec![(2, users::RowOutcome::Unchanged)]);
    assert_eq!(text, entitle::fmt::format_document(policy(SMALL).document()));
}

#[test]
fn import_users_headers_ignore_case_spaces_and_order_and_semicolon_sheets_work() {
    let csv =
        "\u{feff}  country ;STATUS; e-mail ;LAST_NAME;First Name\r\nUS;pending;\"new@nw.example\";\"Doe; Jr.\";Jo\r\n";
    let (result, text) = merge(SMALL, csv);
    assert_eq!(
        result.rows,
        vec![(2, users::RowOutcome::Added)],
        "{:?}",
        result.problems
    );
    assert!(
        text.contains("user new@nw.example \"Jo Doe; Jr.\" {\n  country US\n  status pending\n}"),
        "{text}"
    );
}

#[test]
fn import_users_entitlement_country_column() {
    // header in any case; a cell names a declared country, ignoring case
    let csv = "Email,First Name,Last Name,Country,ENTITLEMENT country\n\
               kim@nw.example,,,,de\n\
               new@nw.example,New,,CA,us\n\
               pro@nw.example,Pro,,US,CA\n\
               unk@nw.example,Unk,,US,Germny\n";
    let (result, text) = merge(SMALL, csv);
    assert_eq!(
        result.rows,
        vec![
            (2, users::RowOutcome::Updated),
            (3, users::RowOutcome::Added),
            (4, users::RowOutcome::Rejected),
            (5, users::RowOutcome::Rejected),
        ],
        "{:?}",
        result.problems
    );
    let problem = |row: usize| {
        result
            .problems
            .iter()
            .find(|p| p.row == row)
            .unwrap_or_else(|| panic!("no problem on row {row}: {:?}", result.problems))
    };
    assert_eq!(
        problem(4).message,
        "entitlement country `CA` is a profile code covered by `US`, not a declared country; did you mean `US`?"
    );
    assert!(
        problem(5).message.starts_with("unknown entitlement country `Germny`")
            && problem(5).message.contains("(it must name a declared country)"),
        "{:?}",
        problem(5)
    );
    assert!(
        text.contains("user kim@nw.example \"Kim Lee\" {\n  country US  # head office\n  entitlement-country DE\n  groups Roads\n"),
        "{text}"
    );
    assert!(
        text.contains("user new@nw.example \"New\" {\n  country CA\n  entitlement-country US\n}"),
        "{text}"
    );
    assert!(!text.contains("pro@") && !text.contains("unk@"), "{text}");
    let merged = policy(&text);
    let kim = merged.model().find_user("kim@nw.example").unwrap();
    assert_eq!(
        merged
            .model()
            .country_by(entitle::Principal::User(kim))
            .map(|b| b.as_str()),
        Some("entitlement-country")
    );

    // an empty cell keeps the attribute; `-` removes it
    let with =
        "product Bridge\ncountry US { }\ncountry DE { }\nuser kim@nw.example { country US  entitlement-country DE }\n";
    let csv = "Email,First Name,Last Name,Country,Entitlement Country\nkim@nw.example,Kim,,,\n";
    let (result, text) = merge(with, csv);
    assert_eq!(result.rows, vec![(2, users::RowOutcome::Updated)]);
    assert!(text.contains("  entitlement-country DE\n"), "{text}");
    let csv = "Email,First Name,Last Name,Country,Entitlement Country\nkim@nw.example,,,,-\n";
    let (result, text) = merge(with, csv);
    assert_eq!(result.rows, vec![(2, users::RowOutcome::Updated)]);
    assert!(!text.contains("entitlement-country"), "{text}");

    // the CLI reports the bad row by number, with the reason
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "small.ent", SMALL);
    let sheet = write(
        dir.path(),
        "ec.csv",
        "Email,First Name,Last Name,Country,Entitlement Country\nzed@nw.example,Zed,,US,CA\n",
    );
    let r = entitle(&["import-users", &p, &sheet]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error: {sheet} row 2 (zed@nw.example): entitlement country `CA` is a profile code covered by `US`"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn import_users_warns_about_a_fallback_country() {
    let text = "product P\ncountry US { revenue 5 }\n";
    let csv = "Email,First Name,Last Name,Country\npia@nw.example,Pia,,PT\n";
    let (result, _) = merge(text, csv);
    assert_eq!(result.rows, vec![(2, users::RowOutcome::Added)]);
    assert_eq!(result.problems.len(), 1, "{:?}", result.problems);
    assert!(
        result.problems[0]
            .message
            .contains("the user gets the fallback entitlement country `US`"),
        "{:?}",
        result.problems
    );
}

#[test]
fn import_users_rejects_a_row_that_would_leave_the_policy_invalid() {
    // a document whose user is invalid (status given twice): updating only its name keeps it
    // invalid, so the row is rejected; setting the status replaces both and fixes it
    let text = "product P\ncountry US { }\nuser a@nw.example { country US  status active  status pending }\n";
    let mut sources = entitle::Sources::new();
    let file = sources.add("bad.ent", text);
    let (doc, model, errors) = entitle::check_file(&sources, file);
    assert!(!errors.is_empty());
    let csv = "Email,First Name,Last Name,Country,Status\na@nw.example,Al,,,\nb@nw.example,Bo,,US,\n";
    let result = users::import_users(&doc, &model, csv).unwrap();
    assert_eq!(
        result.rows,
        vec![(2, users::RowOutcome::Rejected), (3, users::RowOutcome::Added)]
    );
    assert_eq!(result.problems[0].row, 2);
    assert!(
        result.problems[0]
            .message
            .starts_with("the policy would be invalid: `status` is given twice"),
        "{:?}",
        result.problems
    );
    let csv = "Email,First Name,Last Name,Country,Status\na@nw.example,,,,invited\n";
    let result = users::import_users(&doc, &model, csv).unwrap();
    assert_eq!(
        result.rows,
        vec![(2, users::RowOutcome::Updated)],
        "{:?}",
        result.problems
    );
    assert!(entitle::fmt::format_document(&result.document).contains("  status invited\n}"));
}

#[test]
fn import_users_all_good_exits_0_and_write_rewrites_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "small.ent", SMALL);
    let csv = write(
        dir.path(),
        "u.csv",
        "Email,First Name,Last Name,Country\nzoe@nw.example,Zoe,Ray,CA\n",
    );
    let r = entitle(&["import-users", &p, &csv, "--write"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let after = std::fs::read_to_string(&p).unwrap();
    assert!(
        after.contains("user zoe@nw.example \"Zoe Ray\" {\n  country CA\n}"),
        "{after}"
    );
    assert_eq!(
        policy(&after).check("zoe@nw.example", "Bridge").unwrap().access,
        entitle::Access::Allow
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
}

#[test]
fn import_users_exits_2_when_the_sheet_or_the_policy_cannot_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "small.ent", SMALL);
    let no_country = write(dir.path(), "a.csv", "Email,First Name,Last Name\nx@nw.example,X,Y\n");
    let r = entitle(&["import-users", &p, &no_country]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the header row has no Country column"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    let empty = write(dir.path(), "b.csv", "");
    assert_eq!(entitle(&["import-users", &p, &empty]).code, 2);
    let latin1 = dir.path().join("c.csv");
    std::fs::write(
        &latin1,
        b"Email,First Name,Last Name,Country\nj@nw.example,J\xe9r\xf4me,X,US\n",
    )
    .unwrap();
    let r = entitle(&["import-users", &p, latin1.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("UTF-8"), "{}", r.stderr);
    let r = entitle(&[
        "import-users",
        &p,
        &dir.path().join("missing.csv").display().to_string(),
    ]);
    assert_eq!(r.code, 2);
    let bad_policy = write(dir.path(), "bad.ent", "user x@y.com { }\n");
    let csv = write(dir.path(), "d.csv", "Email,First Name,Last Name,Country\n");
    let r = entitle(&["import-users", &bad_policy, &csv]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has no `country`"), "{}", r.stderr);
}

// ------------------------------------------------------------------- export / import

/// The revision 2 worked example of the language contract (it must exist: the round trip
/// must cover every revision 2 construct).
fn r2_example() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples-r2/portal-countries.ent");
    assert!(p.is_file(), "missing {}", p.display());
    p
}

/// Every `scenarios/*.ent` file, then the revision 2 example.
fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    files.push(r2_example());
    files
}

/// Every decision of `a` equals the one of `b` for the same principal and product names:
/// access, rule, credited group and entitlement country.
fn assert_same_decisions(a: &Model, b: &Model, what: &str) {
    assert_eq!(
        a.users.len() + a.keys.len(),
        b.users.len() + b.keys.len(),
        "{what}: principals"
    );
    assert_eq!(a.products.len(), b.products.len(), "{what}: products");
    for p in a.principals() {
        let name = a.principal_name(p);
        let q = b
            .find_principal(name)
            .unwrap_or_else(|| panic!("{what}: {name} missing"));
        assert_eq!(
            a.country_by(p),
            b.country_by(q),
            "{what}: how {name}'s country is chosen"
        );
        for x in a.product_ids() {
            let y = b.find_product(&a.product(x).name).unwrap();
            let (d, e) = (decide(a, p, x), decide(b, q, y));
            assert_eq!(
                (d.access, d.rule),
                (e.access, e.rule),
                "{what}: {name} × {}",
                a.product(x).name
            );
            assert_eq!(
                d.group.map(|g| &a.group(g).name),
                e.group.map(|g| &b.group(g).name),
                "{what}: {name}"
            );
            assert_eq!(
                d.country.map(|c| &a.country(c).name),
                e.country.map(|c| &b.country(c).name),
                "{what}: {name}"
            );
        }
    }
}

#[test]
fn export_then_import_gives_the_same_decisions_for_every_scenario() {
    let dir = tempfile::tempdir().unwrap();
    for file in scenarios() {
        let path = file.display().to_string();
        let exported = entitle(&["export", &path, "--json"]);
        assert_eq!(exported.code, 0, "{path}: {}", exported.stderr);
        let value: serde_json::Value = serde_json::from_str(&exported.stdout).unwrap();
        assert_eq!(value["schema"], "entitle/2");
        let json_path = write(dir.path(), "export.json", &exported.stdout);
        let imported = entitle(&["import", &json_path]);
        assert_eq!(imported.code, 0, "{path}: {}", imported.stderr);
        // import prints canonical policy text: fmt changes nothing
        let fmt_path = write(dir.path(), "imported.ent", &imported.stdout);
        assert_eq!(
            entitle(&["fmt", "--check", &fmt_path]).code,
            0,
            "{path}: not canonical\n{}",
            imported.stdout
        );

        let original = Policy::from_path(&file).unwrap();
        let back = policy(&imported.stdout);
        assert_same_decisions(original.model(), back.model(), &path);
        // and the export of the import is the export
        assert_eq!(
            json::export_text(back.model()),
            exported.stdout,
            "{path}: export is stable"
        );
    }
}

#[test]
fn export_then_import_gives_the_same_decisions_for_a_generated_organisation() {
    let cfg = entitle::gen::GenConfig {
        users: 400,
        products: 70,
        groups: 25,
        seed: 11,
    };
    let mut text = Vec::new();
    entitle::gen::generate(&cfg, &mut text).unwrap();
    let original = policy(&String::from_utf8(text).unwrap());
    let exported = json::export_text(original.model());
    let doc = json::import(&exported).unwrap();
    let back = policy(&entitle::fmt::format_document(&doc));
    assert_same_decisions(original.model(), back.model(), "generated");
    assert_eq!(json::export_text(back.model()), exported);
}

#[test]
fn export_carries_every_revision_2_construct() {
    let original = Policy::from_path(&r2_example()).unwrap();
    let text = json::export_text(original.model());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["account"]["global"], serde_json::json!(["ProjectWise"]));
    assert_eq!(v["countries"][0]["revenue"], serde_json::json!(2_400_000));
    assert_eq!(v["countries"][1]["revenue"], serde_json::json!(800_000));
    let user = |email: &str| {
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap_or_else(|| panic!("{email}"))
            .clone()
    };
    let yann = user("yann@globex.com");
    assert_eq!(
        (
            &yann["country"],
            &yann["entitlement_country"],
            &yann["effective_country"],
            &yann["country_by"]
        ),
        (&"FR".into(), &"US".into(), &"US".into(), &"entitlement-country".into())
    );
    let ines = user("ines@globex.com");
    assert_eq!(ines["entitlement_country"], serde_json::Value::Null);
    assert_eq!(
        (&ines["effective_country"], &ines["country_by"]),
        (&"US".into(), &"revenue".into())
    );
    assert_eq!(user("olga@globex.com")["status"], "locked");
    assert_eq!(
        v["keys"][0],
        serde_json::json!({"name": "SS-77", "country": "FR", "groups": [], "effective_country": "FR", "country_by": "key-in"})
    );

    // and back: the policy text has every construct, the decisions are the same
    let doc = json::import(&text).unwrap();
    let back_text = entitle::fmt::format_document(&doc);
    for written in [
        "global ProjectWise",
        "revenue 2_400_000",
        "entitlement-country US",
        "status locked",
        "key SS-77 in FR {",
    ] {
        assert!(back_text.contains(written), "`{written}` in\n{back_text}");
    }
    let back = policy(&back_text);
    assert_same_decisions(original.model(), back.model(), "portal-countries");
    assert_eq!(
        back.model().fallback.map(|c| back.model().country(c).name.as_str()),
        Some("US")
    );
}

#[test]
fn an_entitle_1_document_still_imports() {
    // northwind exported by the revision 1 schema: its entitlement_country fields are derived
    let src = fixture("northwind.ent");
    let r = entitle(&["import", &fixture("northwind.entitle1.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("entitlement-country"),
        "derived, never the attribute:\n{}",
        r.stdout
    );
    let back = policy(&r.stdout);
    assert_same_decisions(
        Policy::from_path(Path::new(&src)).unwrap().model(),
        back.model(),
        "northwind (entitle/1)",
    );
    // exporting it again writes entitle/2, the same as exporting the policy file
    let exported = entitle(&["export", &src, "--json"]);
    assert_eq!(json::export_text(back.model()), exported.stdout);
    // entitle/1 has no revision 2 field
    let text = std::fs::read_to_string(fixture("northwind.entitle1.json"))
        .unwrap()
        .replacen("\"alerts\"", "\"global\": [],\n    \"alerts\"", 1);
    let e = json::import(&text).unwrap_err();
    assert!(e.to_string().contains("unknown field `global`"), "{e}");
}

#[test]
fn import_write_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("p.json");
    let src = fixture("northwind.ent");
    assert_eq!(
        entitle(&["export", &src, "--json", "-o", json_path.to_str().unwrap()]).code,
        0
    );
    let out = dir.path().join("back.ent");
    let r = entitle(&["import", json_path.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let back = Policy::from_path(&out).unwrap();
    assert_same_decisions(
        Policy::from_path(Path::new(&src)).unwrap().model(),
        back.model(),
        "northwind",
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(["import", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&json_path).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(&out).unwrap()
    );
}

#[test]
fn import_of_bad_json_exits_2_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.json",
        "{\n  \"schema\": \"entitle/1\",\n  \"products\": [ {\"name\": \"A\"}, ]\n}\n",
    );
    let r = entitle(&["import", &broken]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.json:3:32: expected value"), "{}", r.stderr);
    assert!(
        r.stderr.contains("    3 |   \"products\": [ {\"name\": \"A\"}, ]"),
        "the line is quoted: {}",
        r.stderr
    );
    assert_eq!(r.stdout, "");

    let typo = write(
        dir.path(),
        "typo.json",
        "{\n  \"schema\": \"entitle/1\",\n  \"prodcts\": []\n}\n",
    );
    let r = entitle(&["import", &typo]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("typo.json:3:") && r.stderr.contains("unknown field `prodcts`"),
        "{}",
        r.stderr
    );

    let wrong_type = write(
        dir.path(),
        "type.json",
        "{\"schema\": \"entitle/1\", \"countries\": [{\"name\": \"US\", \"default\": \"maybe\"}]}",
    );
    let r = entitle(&["import", &wrong_type]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("type.json:1:") && r.stderr.contains("unknown variant `maybe`"),
        "{}",
        r.stderr
    );

    let version = write(dir.path(), "v3.json", "{\"schema\": \"entitle/3\", \"products\": []}");
    let r = entitle(&["import", &version]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unsupported schema \"entitle/3\"")
            && r.stderr.contains("entitle/2")
            && r.stderr.contains("entitle/1"),
        "{}",
        r.stderr
    );
    let none = write(dir.path(), "none.json", "{\"products\": []}");
    let r = entitle(&["import", &none]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no `\"schema\": \"entitle/2\"` field"),
        "{}",
        r.stderr
    );
}

#[test]
fn import_reports_unknown_references_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let doc = r#"{"schema": "entitle/1",
      "products": [{"name": "Bridge"}, {"name": "bridge"}],
      "countries": [{"name": "US", "access": [{"product": "Bridge", "access": "allow"}, {"product": "BRIDGE", "access": "deny"}]}],
      "groups": [{"name": "Roads", "country": "UK"}],
      "users": [{"email": "a@x.com", "country": "US", "groups": ["Rods"], "roles": ["co-admn"], "status": "gone"}],
      "keys": [{"name": "K1", "groups": ["Roadz"]}]}"#;
    let p = write(dir.path(), "refs.json", doc);
    let r = entitle(&["import", &p]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for e in [
        "products[1].name: product `bridge` is declared twice",
        "countries[0] (US).access[1].product: `BRIDGE` is both allowed and denied in one block",
        "groups[0] (Roads).country: unknown country `UK`",
        "users[0] (a@x.com).groups[0]: unknown group `Rods`; did you mean `Roads`?",
        "users[0] (a@x.com).roles[0]: `co-admn` is not a role; the roles are: `fulfillment-contact`, `account-admin`, `co-admin`; did you mean `co-admin`?",
        "users[0] (a@x.com).status: `gone` is not a status; the statuses are: `pending`, `invited`, `registered`, `active`, `locked`",
        "keys[0] (K1).groups[0]: unknown group `Roadz`; did you mean `Roads`?",
        "7 problems found; nothing was imported",
    ] {
        assert!(r.stderr.contains(e), "missing `{e}` in\n{}", r.stderr);
    }
    // what only the whole policy shows is found by the resolver, at its place in the document
    let doc =
        r#"{"schema": "entitle/1", "countries": [{"name": "US", "covers": ["CA"]}, {"name": "MX", "covers": ["ca"]}]}"#;
    let p = write(dir.path(), "covers.json", doc);
    let r = entitle(&["import", &p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "countries[1] (MX).covers[0]: profile code `ca` is covered by two countries (already covered by `US` at countries[0] (US).covers[0])"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn export_has_the_documented_shape() {
    let p = Policy::from_path(Path::new(&fixture("northwind.ent"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json::export_text(p.model())).unwrap();
    assert_eq!(v["schema"], "entitle/2");
    assert_eq!(
        v["account"]["domains"][0],
        serde_json::json!({"domain": "northwind.example", "auto_approve": true})
    );
    assert_eq!(
        v["products"][0],
        serde_json::json!({"name": "Bridge", "display": "Bridge Designer"})
    );
    assert_eq!(
        v["countries"][0]["entitled"],
        serde_json::json!(["Bridge", "Survey", "Render"])
    );
    assert_eq!(v["countries"][1]["entitled"], serde_json::Value::Null);
    assert_eq!(
        v["countries"][0]["access"],
        serde_json::json!([{"product": "Render", "access": "deny"}])
    );
    assert_eq!(v["groups"][0]["mode"], "allow-list");
    let kim = &v["users"][0];
    assert_eq!(kim["country"], "CA");
    // the attribute is not set; the computed country and how it was chosen are derived
    assert_eq!(kim["entitlement_country"], serde_json::Value::Null);
    assert_eq!(kim["effective_country"], "US");
    assert_eq!(kim["country_by"], "covers");
    assert_eq!(
        kim["roles"],
        serde_json::json!(["account-admin", "fulfillment-contact"])
    );
    assert_eq!(kim["status"], "active");
    assert_eq!(
        kim["exceptions"],
        serde_json::json!([{"product": "Survey", "access": "deny"}])
    );
    assert_eq!(
        v["keys"][0],
        serde_json::json!({"name": "SS-9", "country": null, "groups": ["Roads"], "effective_country": "US", "country_by": "key-groups"})
    );
}

// ------------------------------------------------------------------- help
// (the report's tests are in tests/report.rs)

#[test]
fn help_describes_the_new_commands() {
    let r = entitle(&["--help"]);
    for c in ["import-users", "export", "import", "report"] {
        assert!(r.stdout.contains(c), "{c} in --help");
    }
    let r = entitle(&["import-users", "--help"]);
    assert!(
        r.stdout.contains("First Name") && r.stdout.contains("row number"),
        "{}",
        r.stdout
    );
}
