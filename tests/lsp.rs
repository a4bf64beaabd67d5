//! `entitle lsp` driven over stdio with real JSON-RPC framing (Content-Length headers): every
//! read is bounded, so a server that hangs or dies fails the test instead of blocking it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long one message may take to arrive before the test fails (a bound on a hang, not a
/// performance check).
const READ_BOUND: Duration = Duration::from_secs(60);

struct Session {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications read while waiting for a response.
    notes: Vec<Value>,
}

const URI: &str = "file:///tmp/p%C3%A9.ent";

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse::<usize>().ok();
                }
            }
            let mut buf = vec![0; len.expect("a Content-Length header")];
            if out.read_exact(&mut buf).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&buf).unwrap()).is_err() {
                return;
            }
        });
        let mut s = Session {
            child,
            stdin,
            rx,
            next: 1,
            notes: vec![],
        };
        let r = s.request(
            "initialize",
            json!({ "capabilities": {}, "processId": null, "rootUri": null }),
        );
        assert!(r["result"]["capabilities"]["hoverProvider"].as_bool().unwrap());
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        match self.rx.recv_timeout(READ_BOUND) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not answer"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.read();
            if m["id"] == json!(id) {
                return m;
            }
            self.notes.push(m);
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for the document.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let m = if self.notes.is_empty() {
                self.read()
            } else {
                self.notes.remove(0)
            };
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "entitle", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&self, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } })
    }

    fn close(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

/// A policy with a non-ASCII display name before the names the tests point at.
const POLICY: &str = r#"product MicroStation "Micró Stätion"
product LumenRT
country US { entitled MicroStation, LumenRT  default allow }
country DE "Deutschland" { default deny }
group Viz in US { allowed LumenRT }
group Old in US { exception allow MicroStation }
user ann@acme.com "Ånn Ærø" { country US  groups Viz  roles account-admin, fulfillment-contact }
user bob@acme.com { country US  groups Old }
expect ann@acme.com LumenRT allow by group-allowed Viz
expect ann@acme.com MicroStation allow
scenario "drop viz" {
  remove group Viz
  expect ann@acme.com LumenRT allow by default-access
}
"#;

/// (line, UTF-16 column) of the `n`th occurrence of `needle` in POLICY, plus `shift` units.
fn pos(needle: &str, n: usize, shift: u32) -> (u32, u32) {
    let mut start = 0;
    let mut at = 0;
    for _ in 0..=n {
        at = start + POLICY[start..].find(needle).unwrap();
        start = at + 1;
    }
    let line = POLICY[..at].matches('\n').count() as u32;
    let col = POLICY[..at].rsplit('\n').next().unwrap().encode_utf16().count() as u32;
    (line, col + shift)
}

#[test]
fn a_session_answers_every_feature() {
    let mut s = Session::start();
    s.open(POLICY);
    let d = s.diagnostics();
    // the failing expectation (ann may not use MicroStation: Viz is an allow-list)
    assert!(d.iter().any(|d| d["code"] == "expectation-failed"), "{d:?}");
    assert!(d.iter().all(|d| d["source"] == "entitle"));

    // didChange: an unknown product, reported with the CLI's code and its did-you-mean
    let broken = POLICY.replace("allowed LumenRT", "allowed LumenRX");
    s.change(2, &broken);
    let d = s.diagnostics();
    let unknown = d.iter().find(|d| d["code"] == "unknown-name").expect("unknown-name");
    assert!(
        unknown["message"].as_str().unwrap().contains("did you mean `LumenRT`?"),
        "{unknown}"
    );
    let (l, c) = pos("allowed LumenRT", 0, 8);
    assert_eq!(unknown["range"]["start"], json!({ "line": l, "character": c }));
    // the quick fix puts the suggestion in
    let actions = s.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": unknown["range"], "context": { "diagnostics": [] } }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("LumenRT"))
        .expect("did-you-mean fix");
    let edit = &fix["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "LumenRT");
    assert_eq!(edit["range"], unknown["range"]);
    s.change(3, POLICY);
    assert!(s.diagnostics().iter().all(|d| d["code"] != "unknown-name"));

    // hover on a user (after a non-ASCII display name on the same line: UTF-16 columns)
    let (l, c) = pos("groups Viz  roles", 0, 8);
    let h = s.result("textDocument/hover", s.at(l, c))["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        h.contains("**group** `Viz`") && h.contains("allow-list") && h.contains("ann@acme.com"),
        "{h}"
    );
    let (l, c) = pos("ann@acme.com \"", 0, 2);
    let h = s.result("textDocument/hover", s.at(l, c))["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        h.contains("entitlement country: **US**") && h.contains("status: active") && h.contains("may use **1** of 2"),
        "{h}"
    );
    let (l, c) = pos("product LumenRT", 0, 9);
    let h = s.result("textDocument/hover", s.at(l, c))["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(h.contains("**2** of 2 principals"), "{h}");
    let (l, c) = pos("country DE", 0, 8);
    let h = s.result("textDocument/hover", s.at(l, c))["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        h.contains("Default Access: **deny**") && h.contains("entitles 2 products"),
        "{h}"
    );
    let (l, _) = pos("expect ann@acme.com MicroStation", 0, 0);
    let h = s.result("textDocument/hover", s.at(l, 1))["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(h.contains("✗ fails: actual **deny by group-not-allowed Viz**"), "{h}");

    // definition and references of a group, from an `expect` line
    let (l, c) = pos("group-allowed Viz", 0, 15);
    let def = s.result("textDocument/definition", s.at(l, c));
    let (dl, dc) = pos("Viz in US", 0, 0);
    assert_eq!(def["range"]["start"], json!({ "line": dl, "character": dc }));
    let mut refs = s.at(l, c);
    refs["context"] = json!({ "includeDeclaration": true });
    let refs = s.result("textDocument/references", refs);
    assert_eq!(refs.as_array().unwrap().len(), 4, "{refs}"); // declaration, member, expect, scenario

    // rename across the file, and a refused name
    let mut p = s.at(l, c);
    p["newName"] = json!("Visual");
    let e = s.result("textDocument/rename", p.clone());
    assert_eq!(e["changes"][URI].as_array().unwrap().len(), 4);
    p["newName"] = json!("Old");
    assert!(s.request("textDocument/rename", p)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));

    // completion: products after `allowed`, groups after `groups`, principals after
    // `expect`, rules after `by`, keywords at a statement's start
    let labels = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let mut text = POLICY.to_string();
    text.push_str("group G in US { allowed \nuser c@d.e { groups \nexpect \nexpect ann@acme.com LumenRT allow by \n");
    s.change(4, &text);
    let n = POLICY.lines().count() as u32;
    assert!(labels(s.result("textDocument/completion", s.at(n, 24))).contains(&"LumenRT".to_string()));
    assert!(labels(s.result("textDocument/completion", s.at(n + 1, 21))).contains(&"Viz".to_string()));
    assert!(labels(s.result("textDocument/completion", s.at(n + 2, 7))).contains(&"bob@acme.com".to_string()));
    assert!(labels(s.result("textDocument/completion", s.at(n + 3, 38))).contains(&"group-allowed".to_string()));
    assert!(labels(s.result("textDocument/completion", s.at(0, 0))).contains(&"scenario".to_string()));
    s.change(5, POLICY);

    // formatting: a badly spaced file comes back canonical
    let messy = POLICY.replace("product LumenRT", "product    LumenRT");
    s.change(6, &messy);
    let edits = s.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert!(
        edits[0]["newText"].as_str().unwrap().contains("\nproduct LumenRT\n"),
        "{edits}"
    );
    s.change(7, POLICY);

    // code lens: every expectation and the scenario
    let lens = s.result("textDocument/codeLens", json!({ "textDocument": { "uri": URI } }));
    let titles: Vec<&str> = lens
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(titles[0].starts_with("✓ passes"), "{titles:?}");
    assert!(titles[1].contains("actual deny by group-not-allowed Viz"), "{titles:?}");

    // the outline by kind
    let sym = s.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let names: Vec<&str> = sym
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "products (2)",
            "countries (2)",
            "groups (2)",
            "users (2)",
            "scenarios (1)"
        ]
    );
    s.close();
}

#[test]
fn quick_fixes_declare_a_country_quote_a_keyword_and_convert_a_legacy_group() {
    let mut s = Session::start();
    s.open("product A\ncountry US { }\ngroup G in FR { }\n");
    let d = s.diagnostics();
    let range = d.iter().find(|d| d["code"] == "unknown-name").unwrap()["range"].clone();
    let a = s.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": range, "context": { "diagnostics": [] } }),
    );
    let fix = a
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Declare country `FR`")
        .expect("declare");
    assert!(fix["edit"]["changes"][URI][0]["newText"]
        .as_str()
        .unwrap()
        .contains("country FR"));

    s.change(
        2,
        "product A\ncountry US { }\ngroup Old in US { exception allow A }\nuser u@x.y { country US  groups Old }\n",
    );
    s.diagnostics();
    let a = s.result("textDocument/codeAction", json!({ "textDocument": { "uri": URI }, "range": { "start": { "line": 2, "character": 7 }, "end": { "line": 2, "character": 7 } }, "context": { "diagnostics": [] } }));
    let fix = a
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Convert legacy group `Old`"))
        .expect("convert");
    // (the one changed word: `exception allow A` becomes `allowed A`)
    assert_eq!(fix["edit"]["changes"][URI][0]["newText"], "allowed", "{fix}");

    s.change(3, "product allowed\n");
    let d = s.diagnostics();
    let kw = d
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("is a keyword"))
        .expect("keyword error");
    let a = s.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": kw["range"], "context": { "diagnostics": [] } }),
    );
    assert!(
        a.as_array()
            .unwrap()
            .iter()
            .any(|a| a["edit"]["changes"][URI][0]["newText"] == "\"allowed\""),
        "{a}"
    );
    s.close();
}

#[test]
fn bad_input_never_kills_the_server() {
    let mut s = Session::start();
    // random text as a document, changed several times
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::new();
    for i in 0..20 {
        text.clear();
        for _ in 0..400 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let c = char::from_u32((x % 0x3000) as u32).unwrap_or('\u{fffd}');
            text.push(if x % 5 == 0 {
                [' ', '{', '}', '\n', '"', '#'][(x % 6) as usize]
            } else {
                c
            });
        }
        if i == 0 {
            s.open(&text);
        } else {
            s.change(i + 1, &text);
        }
        let _ = s.result("textDocument/hover", s.at(1, 3));
        let _ = s.result("textDocument/completion", s.at(0, 7));
    }
    // a bad URI, a position past the end, an unknown method, parameters of the wrong shape
    let r = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "not a uri" }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(r.get("error").is_some());
    let r = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 9999, "character": 9999 } }),
    );
    assert!(r.get("error").is_none(), "{r}");
    let r = s.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": "file:///not/open.ent" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(r["result"], Value::Null);
    let r = s.request("entitle/nonsense", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = s.request("textDocument/rename", json!([1, 2, 3]));
    assert_eq!(r["error"]["code"], -32602);
    // and it still answers
    s.change(99, POLICY);
    let sym = s.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    assert_eq!(sym.as_array().unwrap().len(), 5);
    s.close();
}
