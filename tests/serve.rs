//! `entitle serve`, end to end: the real binary on 127.0.0.1:0, spoken to over HTTP/1.1 with a
//! small blocking client. The API answers exactly as the command line (every scenario), reloads
//! keep the last good version, the token, the limits, malformed input, the decision log, the
//! metrics, request-time principals, and simulate leaving what is served unchanged. Nothing
//! sleeps blindly: waits are bounded polling loops.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_entitle");

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
    _cache: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `entitle serve POLICY ARGS… --listen 127.0.0.1:0` and read the port it prints.
fn serve(policy: &Path, args: &[&str]) -> Server {
    let cache = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg(policy)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("ENTITLE_CACHE_DIR", cache.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start entitle serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    let mut seen = String::new();
    let addr = loop {
        first.clear();
        if lines.read_line(&mut first).unwrap() == 0 {
            let _ = child.wait();
            panic!("entitle serve stopped before listening:\n{seen}");
        }
        seen.push_str(&first);
        if let Some(rest) = first.trim().strip_prefix("entitle serve: listening on http://") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let stderr = Arc::new(Mutex::new(seen));
    let sink = stderr.clone();
    std::thread::spawn(move || {
        for line in lines.lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    Server {
        child,
        addr,
        stderr,
        _cache: cache,
    }
}

/// One HTTP answer.
struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Server {
    /// One request on a fresh connection (`Connection: close`).
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // the server may answer (413) before reading the whole body: write it from another
        // thread and ignore a write the server refused
        let mut w = s.try_clone().unwrap();
        let body = body.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = w.write_all(&body);
        });
        let mut raw = vec![];
        let _ = s.read_to_end(&mut raw);
        let _ = writer.join();
        let text = String::from_utf8(raw).expect("utf-8 answer");
        let (headers, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = headers.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            unchunk(body)
        } else {
            body.to_string()
        };
        Reply {
            status,
            headers: headers.to_string(),
            body,
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, &[], body.to_string().as_bytes())
    }
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").unwrap();
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
}

/// Run the command line (no colour, its own cache folder), with `stdin` as standard input.
fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    let cache = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .env("ENTITLE_CACHE_DIR", cache.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_string();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .collect();
    files.sort();
    files
}

/// Poll `done` up to 600 times, 50 ms apart; panic with `what` if it never holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("timed out waiting until {what}");
}

/// A copy of a scenario in a fresh folder (to be edited).
fn scratch(scenario: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(scenario);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(scenario),
        &path,
    )
    .unwrap();
    (dir, path)
}

const ANNE: &str = "anne.dupont@atelier-nord.fr";

#[test]
fn the_api_answers_as_the_command_line_on_every_scenario() {
    for file in scenarios() {
        let f = file.to_str().unwrap();
        let server = serve(&file, &[]);
        let principals: Vec<String> = server
            .get("/v1/principals?limit=0")
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        let products: Vec<String> = server
            .get("/v1/products")
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert!(!principals.is_empty() && !products.is_empty(), "{f}");
        // every principal × product: the batch equals `check --requests`, byte for byte
        let requests: Vec<Value> = principals
            .iter()
            .flat_map(|p| products.iter().map(move |x| json!({"principal": p, "product": x})))
            .collect();
        let lines: String = requests.iter().map(|r| r.to_string() + "\n").collect();
        let (code, out, err) = cli(&["check", f, "--requests", "-"], &lines);
        assert_eq!(code, 0, "{f}: {err}");
        let expected = format!("[{}]", out.lines().collect::<Vec<_>>().join(","));
        let batch = server.post("/v1/check", &json!({ "requests": requests }));
        assert_eq!(batch.status, 200, "{f}");
        assert_eq!(batch.body, expected, "{f}");
        // and each line equals `check --json` (a sample)
        for r in requests.iter().step_by(7).take(4) {
            let (p, x) = (r["principal"].as_str().unwrap(), r["product"].as_str().unwrap());
            let (_, one, _) = cli(&["check", f, p, x, "--json"], "");
            assert_eq!(server.post("/v1/check", r).body, one.trim_end(), "{f} {p} {x}");
        }
        // a sample of explain, access, who and can equal to the command line's --json
        for p in principals.iter().take(2) {
            for x in products.iter().take(2) {
                let mut api = server
                    .post("/v1/explain", &json!({"principal": p, "product": x}))
                    .json();
                let plain = api.as_object_mut().unwrap().remove("plain").unwrap();
                let cited = api.as_object_mut().unwrap().remove("lines").unwrap();
                // `lines`: the text of the policy's lines that the answer cites
                let text = std::fs::read_to_string(f).unwrap();
                let decided = api["source"]["line"].as_u64().unwrap();
                assert_eq!(
                    cited[decided.to_string()].as_str().unwrap(),
                    text.lines().nth(decided as usize - 1).unwrap(),
                    "{f} explain {p} {x}: the deciding line"
                );
                for (line, got) in cited.as_object().unwrap() {
                    let n: usize = line.parse().unwrap();
                    assert_eq!(got.as_str().unwrap(), text.lines().nth(n - 1).unwrap(), "{f} line {n}");
                }
                let (_, cli_json, _) = cli(&["explain", f, p, x, "--json"], "");
                assert_eq!(
                    api,
                    serde_json::from_str::<Value>(&cli_json).unwrap(),
                    "{f} explain {p} {x}"
                );
                let (_, cli_plain, _) = cli(&["explain", f, p, x, "--format", "plain"], "");
                assert_eq!(
                    plain.as_str().unwrap().trim_end(),
                    cli_plain.trim_end(),
                    "{f} plain {p} {x}"
                );
            }
            let (_, cli_access, _) = cli(&["access", f, p, "--json"], "");
            assert_eq!(
                server.post("/v1/access", &json!({"principal": p})).body,
                cli_access.trim_end(),
                "{f} access {p}"
            );
            let (_, cli_can, _) = cli(&["can", f, p, "manage-users", "--json"], "");
            assert_eq!(
                server
                    .post("/v1/can", &json!({"principal": p, "capability": "manage-users"}))
                    .body,
                cli_can.trim_end(),
                "{f} can {p}"
            );
        }
        for x in &products {
            let (_, cli_who, _) = cli(&["who", f, x, "--json"], "");
            assert_eq!(
                server.post("/v1/who", &json!({"product": x})).body,
                cli_who.trim_end(),
                "{f} who {x}"
            );
        }
    }
}

#[test]
fn check_requests_answers_every_good_line_and_exits_2_on_a_bad_one() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/names.ent");
    let input = format!(
        "{}\n\nnot json\n{}\n",
        json!({"principal": ANNE, "product": "access"}),
        json!({"principal": "anne.dupont@atelier-nord.f", "product": "access"})
    );
    let (code, out, _) = cli(&["check", f.to_str().unwrap(), "--requests", "-"], &input);
    assert_eq!(code, 2);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(lines[1]["error"]["status"], 400);
    assert_eq!(lines[2]["error"]["status"], 404);
    assert_eq!(lines[2]["error"]["suggestion"], ANNE);
    // the server's batch gives the same error objects
    let server = serve(&f, &[]);
    let batch = server.post(
        "/v1/check",
        &json!({"requests": [{"principal": ANNE, "product": "access"}, {"principal": "anne.dupont@atelier-nord.f", "product": "access"}]}),
    );
    let answers = batch.json();
    assert_eq!(answers[0], lines[0]);
    assert_eq!(answers[1], lines[2]);
}

#[test]
fn bad_requests_are_json_errors() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    let r = server.request("POST", "/v1/check", &[], b"{\"principal\":");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "bad-request");
    assert!(r
        .headers
        .to_ascii_lowercase()
        .contains("content-type: application/json"));
    let r = server.post("/v1/check", &json!({"principal": ANNE, "product": "Acess"}));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "unknown-product");
    assert_eq!(r.json()["error"]["suggestion"], "access");
    let r = server.post(
        "/v1/explain",
        &json!({"principal": "priya@atelier-nord.i", "product": "access"}),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["suggestion"], "priya@atelier-nord.in");
    let r = server.post("/v1/can", &json!({"principal": ANNE, "capability": "manage-user"}));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["suggestion"], "manage-users");
    let r = server.post("/v1/who", &json!({"product": "Bentley Vew"}));
    assert_eq!(
        (r.status, r.json()["error"]["suggestion"].clone()),
        (404, json!("Bentley View"))
    );
    // over 1 MiB: 413
    let big = vec![b' '; (1 << 20) + 10];
    let r = server.request("POST", "/v1/check", &[], &big);
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "payload-too-large");
    // wrong method, unknown route
    assert_eq!(server.get("/v1/check").json()["error"]["status"], 405);
    assert_eq!(server.get("/v1/nothing").json()["error"]["status"], 404);
    // a bad what-if statement
    let r = server.post("/v1/simulate", &json!({"what_if": ["convrt Pune"]}));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `convert`?"));
    // the server still answers
    assert_eq!(server.get("/health").json()["status"], "ok");
}

#[test]
fn a_token_guards_the_api_and_non_loopback_needs_one() {
    let (dir, path) = scratch("names.ent");
    let token = dir.path().join("token");
    std::fs::write(&token, "t0k3n\n").unwrap();
    let server = serve(&path, &["--token-file", token.to_str().unwrap()]);
    let r = server.get("/v1/policy");
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (401, json!("unauthorized"))
    );
    assert_eq!(server.get("/metrics").status, 401);
    assert_eq!(
        server
            .request("GET", "/v1/policy", &[("Authorization", "Bearer nope")], b"")
            .status,
        401
    );
    let r = server.request("GET", "/v1/policy", &[("Authorization", "Bearer t0k3n")], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["file"], "names.ent");
    assert_eq!(server.get("/health").status, 200);
    // listening beyond loopback without a token is refused at startup
    let (code, _, err) = cli(&["serve", path.to_str().unwrap(), "--listen", "0.0.0.0:0"], "");
    assert_eq!(code, 2);
    assert!(err.contains("without --token-file"), "{err}");
}

#[test]
fn a_broken_version_is_refused_and_a_fixed_one_served() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    let ask = json!({"principal": ANNE, "product": "Bentley View"});
    assert_eq!(server.post("/v1/check", &ask).json()["decision"], "deny");
    let first = server.get("/v1/policy").json();
    assert_eq!(first["file"], "names.ent");
    let original = std::fs::read_to_string(&path).unwrap();
    // broken: refused, the last good version keeps serving
    std::fs::write(
        &path,
        original.replace("groups \"civil engineers\"", "groups \"civil enginers\""),
    )
    .unwrap();
    let r = server.request("POST", "/v1/reload", &[], b"").json();
    assert_eq!(r["last_reload"]["outcome"], "refused");
    assert_eq!(r["hash"], first["hash"]);
    let policy = server.get("/v1/policy").json();
    assert!(policy["last_reload"]["rendered"]
        .as_str()
        .unwrap()
        .contains("civil enginers"));
    assert!(!policy["last_reload"]["rendered"]
        .as_str()
        .unwrap()
        .contains(path.parent().unwrap().to_str().unwrap()));
    assert!(policy["last_reload"]["diagnostics"].is_object());
    assert_eq!(server.post("/v1/check", &ask).json()["decision"], "deny");
    // fixed, with a change: served
    let changed = original.replace(
        "group \"Civil Engineers\" in \"France\" { allowed \"OpenBuildings Designer\", ACCESS }",
        "group \"Civil Engineers\" in \"France\" { allowed \"OpenBuildings Designer\", ACCESS, \"Bentley View\" }",
    );
    assert_ne!(changed, original);
    std::fs::write(&path, &changed).unwrap();
    let r = server.request("POST", "/v1/reload", &[], b"").json();
    // (the watch may have loaded it first: then this reload finds it unchanged)
    assert!(
        ["loaded", "unchanged"].contains(&r["last_reload"]["outcome"].as_str().unwrap()),
        "{r}"
    );
    assert_ne!(r["hash"], first["hash"]);
    assert_eq!(server.post("/v1/check", &ask).json()["decision"], "allow");
    // the file is watched: writing the original back is served without asking
    std::fs::write(&path, &original).unwrap();
    wait_until("the watched file is reloaded", || {
        server.get("/v1/policy").json()["hash"] == first["hash"]
    });
    assert_eq!(server.post("/v1/check", &ask).json()["decision"], "deny");
    let metrics = server.get("/metrics").body;
    // (the watch and the request may both have refused the broken version)
    assert!(!metrics.contains("entitle_reloads_refused_total 0"), "{metrics}");
    assert!(metrics.contains("entitle_reloads_total 2"), "{metrics}");
    assert!(server.stderr.lock().unwrap().contains("reload refused"));
}

#[test]
fn no_request_fails_during_reloads() {
    let (_dir, path) = scratch("names.ent");
    let original = std::fs::read_to_string(&path).unwrap();
    let server = Arc::new(serve(&path, &[]));
    let asker = {
        let server = server.clone();
        std::thread::spawn(move || {
            let ask = json!({"requests": [{"principal": ANNE, "product": "access"}, {"principal": "priya@atelier-nord.in", "product": "Bentley View"}]});
            (0..50)
                .map(|_| server.post("/v1/check", &ask))
                .filter(|r| r.status != 200 || r.body.contains("\"error\""))
                .count()
        })
    };
    for i in 0..10 {
        let text = if i % 3 == 2 {
            "product {".to_string()
        } else {
            format!("{original}\n# version {i}\n")
        };
        std::fs::write(&path, text).unwrap();
        server.request("POST", "/v1/reload", &[], b"");
    }
    assert_eq!(asker.join().unwrap(), 0);
}

#[test]
fn the_decision_log_has_one_json_line_per_decision() {
    let (dir, path) = scratch("names.ent");
    let log = dir.path().join("decisions.jsonl");
    let server = serve(&path, &["--decision-log", log.to_str().unwrap()]);
    let hash = server.get("/v1/policy").json()["hash"].clone();
    server.post("/v1/check", &json!({"principal": ANNE, "product": "access"}));
    server.post(
        "/v1/check",
        &json!({"requests": [{"principal": "priya@atelier-nord.in", "product": "Bentley View"}, {"principal": "nobody", "product": "access"}]}),
    );
    server.post("/v1/explain", &json!({"principal": ANNE, "product": "Bentley View"}));
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("three decisions are logged", || read().lines().count() >= 3);
    let lines: Vec<Value> = read().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "the unknown principal is not a decision");
    for l in &lines {
        assert!(l["time"].as_str().unwrap().ends_with('Z'), "{l}");
        assert_eq!(l["policy"], hash);
    }
    assert_eq!(lines[0]["request"], json!({"principal": ANNE, "product": "access"}));
    assert_eq!(
        (lines[0]["decision"].clone(), lines[0]["rule"].clone()),
        (json!("allow"), json!("group-allowed"))
    );
    assert_eq!(lines[0]["group"], "Civil Engineers");
    assert_eq!(lines[1]["decision"], "deny");
    assert_eq!(lines[1]["group"], "Pune");
    assert_eq!(lines[2]["endpoint"], "/v1/explain");
}

#[test]
fn metrics_count_requests_and_decisions() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    for _ in 0..3 {
        server.post("/v1/check", &json!({"principal": ANNE, "product": "access"}));
    }
    server.post("/v1/check", &json!({"principal": ANNE, "product": "nope"}));
    server.post(
        "/v1/check",
        &json!({"requests": [{"principal": ANNE, "product": "access"}, {"principal": ANNE, "product": "access"}]}),
    );
    let r = server.get("/metrics");
    assert!(r.headers.contains("text/plain"));
    let m = r.body;
    assert!(
        m.contains("entitle_requests_total{endpoint=\"/v1/check\",status=\"200\"} 4"),
        "{m}"
    );
    assert!(
        m.contains("entitle_requests_total{endpoint=\"/v1/check\",status=\"404\"} 1"),
        "{m}"
    );
    assert!(m.contains("entitle_decisions_total 5"), "{m}");
    assert!(
        m.contains("entitle_request_duration_seconds_count{endpoint=\"/v1/check\"} 5"),
        "{m}"
    );
    assert!(m.contains("entitle_decision_log_dropped_total 0"), "{m}");
}

#[test]
fn request_time_principals_decide_as_declared_ones() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    // anne as the portal would describe her, under another email
    let inline = json!({"user": {"email": "anne2@atelier-nord.fr", "country": "be", "groups": ["civil engineers"]}});
    for product in ["access", "OpenBuildings", "Bentley View"] {
        let declared = server
            .post("/v1/check", &json!({"principal": ANNE, "product": product}))
            .json();
        let asked = server
            .post("/v1/check", &json!({"principal": inline, "product": product}))
            .json();
        assert_eq!(asked["principal"], "anne2@atelier-nord.fr");
        for k in ["decision", "rule", "group", "country", "source"] {
            assert_eq!(asked[k], declared[k], "{product} {k}");
        }
    }
    let access = server.post("/v1/access", &json!({"principal": inline})).json();
    let declared = server.post("/v1/access", &json!({"principal": ANNE})).json();
    assert_eq!(access["decisions"], declared["decisions"]);
    let explain = server
        .post("/v1/explain", &json!({"principal": inline, "product": "Bentley View"}))
        .json();
    assert_eq!(explain["decision"], "deny");
    assert!(explain["plain"].is_null());
    // an unknown group: 404 with the suggestion
    let bad = json!({"user": {"email": "x@y", "country": "be", "groups": ["civil enginers"]}});
    let r = server.post("/v1/check", &json!({"principal": bad, "product": "access"}));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["suggestion"], "Civil Engineers");
}

#[test]
fn simulate_never_changes_what_is_served() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    let ask = json!({"principal": "priya@atelier-nord.in"});
    let before = server.post("/v1/access", &ask).body;
    let sim = server.post(
        "/v1/simulate",
        &json!({"what_if": ["set allowed Pune \"Bentley View\" on"]}),
    );
    assert_eq!(sim.status, 200, "{}", sim.body);
    assert_eq!(sim.json()["changed"], 1);
    let (_, cli_sim, _) = cli(
        &[
            "simulate",
            path.to_str().unwrap(),
            "--what-if",
            "set allowed Pune \"Bentley View\" on",
            "--json",
        ],
        "",
    );
    assert_eq!(sim.body, cli_sim.trim_end());
    assert_eq!(server.post("/v1/access", &ask).body, before);
}

#[test]
fn principals_type_ahead_and_the_page() {
    let (_dir, path) = scratch("names.ent");
    let server = serve(&path, &[]);
    let r = server.get("/v1/principals?prefix=ANNE%20d").json();
    assert_eq!(
        r,
        json!([{"id": ANNE, "kind": "user", "display": "Anne Dupont", "country": "FR"}])
    );
    assert_eq!(
        server.get("/v1/principals?prefix=jean").json()[0]["id"],
        "Jean.Morel@Atelier-Nord.fr"
    );
    assert_eq!(server.get("/v1/principals?limit=2").json().as_array().unwrap().len(), 2);
    assert_eq!(server.get("/v1/principals?limit=x").status, 400);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("text/html"));
    // the support desk's page: self-contained (nothing fetched from elsewhere), on the API
    for endpoint in ["/v1/principals", "/v1/access", "/v1/explain", "/v1/simulate", "/v1/who"] {
        assert!(page.body.contains(endpoint), "the page does not use {endpoint}");
    }
    for outside in ["http://", "https://", "src=\"//", "href=\"//"] {
        assert!(!page.body.contains(outside), "the page refers outside: {outside}");
    }
}

#[test]
#[cfg(unix)]
fn sigterm_stops_gracefully_after_writing_the_decision_log() {
    let (dir, path) = scratch("names.ent");
    let log = dir.path().join("decisions.jsonl");
    let mut server = serve(&path, &["--decision-log", log.to_str().unwrap()]);
    for _ in 0..20 {
        assert_eq!(
            server
                .post("/v1/check", &json!({"principal": ANNE, "product": "access"}))
                .status,
            200
        );
    }
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut status = None;
    wait_until("the server exits", || {
        status = server.child.try_wait().unwrap();
        status.is_some()
    });
    assert_eq!(status.unwrap().code(), Some(0));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 20);
    wait_until("standard error is read", || {
        server.stderr.lock().unwrap().contains("shutting down")
    });
}

#[test]
fn a_large_batch_is_answered_in_order() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/names.ent");
    let who = [ANNE, "priya@atelier-nord.in", "Jean.Morel@Atelier-Nord.fr", "nobody@x"];
    let what = ["access", "OpenBuildings", "Bentley View"];
    // 5,000 requests (answered in pieces in parallel), some of them bad
    let requests: Vec<Value> = (0..5000)
        .map(|i| json!({"principal": who[i % 4], "product": what[i % 3]}))
        .collect();
    let lines: String = requests.iter().map(|r| r.to_string() + "\n").collect();
    let (code, out, _) = cli(&["check", f.to_str().unwrap(), "--requests", "-"], &lines);
    assert_eq!(code, 2);
    let server = serve(&f, &[]);
    let batch = server.post("/v1/check", &json!({ "requests": requests }));
    assert_eq!(batch.body, format!("[{}]", out.lines().collect::<Vec<_>>().join(",")));
    let m = server.get("/metrics").body;
    assert!(m.contains("entitle_decisions_total 3750"), "{m}");
}
