#!/usr/bin/env python3
"""The web page of `entitle serve` in a real browser, driven over WebDriver (chromedriver's
HTTP API, standard library only): type a search and pick a suggestion, open an explanation,
try one of its fixes as a what-if, and look up who may use a product. Each step waits for
the page (a bounded poll), then checks what the page shows.

    scripts/serve-page-test.py ENTITLE_BINARY [SCREENSHOT_DIR]

Run by scripts/browser-test.sh, which installs chromium and chromium-driver when missing.
Everything listens on 127.0.0.1; the server and the driver are stopped at the end.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = os.path.join(ROOT, "scenarios", "microstation-ab.ent")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def fail(msg):
    print(f"serve-page-test: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print(f"ok: {msg}")


def http(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"null")


def wait_for(what, probe, seconds=20):
    """Poll `probe` until it returns a true value (bounded)."""
    end = time.time() + seconds
    while time.time() < end:
        got = probe()
        if got:
            return got
        time.sleep(0.1)
    fail(f"timed out waiting for {what}")


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, driver_url, session):
        self.base = f"{driver_url}/session/{session}"

    def cmd(self, method, path, body=None):
        r = http(method, self.base + path, body)
        v = r.get("value") if isinstance(r, dict) else None
        if isinstance(v, dict) and "error" in v or (isinstance(r, dict) and r.get("status") not in (None, 0)):
            fail(f"webdriver {path}: {v.get('error')}: {v.get('message', '')[:300]}")
        return v

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        found = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        if not isinstance(found, dict) or ELEMENT not in found:
            fail(f"no element {css}: {found}")
        return found[ELEMENT]

    def type(self, css, text):
        self.cmd("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def text(self, css):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)


def main():
    if len(sys.argv) < 2:
        fail("usage: serve-page-test.py ENTITLE_BINARY [SCREENSHOT_DIR]")
    binary = sys.argv[1]
    shots = sys.argv[2] if len(sys.argv) > 2 else None
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chrome or not driver:
        fail("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    work = tempfile.mkdtemp()
    procs = []
    try:
        env = dict(os.environ, ENTITLE_CACHE_DIR=os.path.join(work, "cache"))
        log = open(os.path.join(work, "serve.log"), "w+")
        server = subprocess.Popen([binary, "serve", POLICY, "--listen", "127.0.0.1:0"], stderr=log, env=env)
        procs.append(server)

        def address():
            log.seek(0)
            m = re.search(r"http://127\.0\.0\.1:\d+", log.read())
            if server.poll() is not None:
                log.seek(0)
                fail(f"the server exited: {log.read()}")
            return m and m.group(0)

        site = wait_for("the server to listen", address)
        port = free_port()
        procs.append(subprocess.Popen([driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        driver_url = f"http://127.0.0.1:{port}"
        wait_for("chromedriver", lambda: _ready(driver_url))
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--window-size=1400,1000", f"--user-data-dir={work}/profile"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": {"binary": chrome, "args": args}}}}
        session = http("POST", driver_url + "/session", caps, timeout=60)["value"]
        if "sessionId" not in session:
            fail(f"no browser session: {session}")
        b = Browser(driver_url, session["sessionId"])
        try:
            run(b, site, shots)
        finally:
            http("DELETE", b.base)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


def _ready(driver_url):
    try:
        return http("GET", driver_url + "/status", timeout=2)["value"]["ready"]
    except Exception:
        return False


def run(b, site, shots):
    def shot(name):
        if shots:
            os.makedirs(shots, exist_ok=True)
            b.screenshot(os.path.join(shots, name))

    b.go(site + "/")
    # the policy line: the file's base name and the counts, never a local path
    line = wait_for("the policy line", lambda: (t := b.text("#policy")) and "users" in t and t)
    if not line.startswith("microstation-ab.ent ·") or "/" in line.split("·")[0]:
        fail(f"policy line: {line!r}")
    ok(f"policy line: {line}")

    # 1. type-ahead: a few letters of a name offer the person; pick them with the keyboard
    b.type("#search", "pa")
    items = wait_for("suggestions", lambda: b.js(
        "return [...document.querySelectorAll('#suggestions li')].map(li => li.innerText)"))
    if not any("pat@harbor-design.com" in i for i in items):
        fail(f"suggestions for 'pa': {items}")
    ok(f"suggestions for 'pa': {len(items)}")
    shot("1-search.png")
    b.type("#search", "\ue007")  # Enter picks the highlighted suggestion
    grid = wait_for("the product grid", lambda: b.js(
        "return [...document.querySelectorAll('#products .cell')].map(c => c.className + '|' + c.innerText)"))
    cells = {c.split("|")[1].split("\n")[0].lstrip("✓✕"): c for c in grid}
    if "allow" not in cells.get("MicroStation", "") or "deny" not in cells.get("OpenFlows", ""):
        fail(f"grid: {grid}")
    ok(f"product grid: {len(grid)} products for {b.text('#principal-name')}")

    # 2. a click opens the explanation: every step, the deciding line, the fixes, the answer to paste
    b.click('#products .cell[data-product="MicroStation"]')
    ex = wait_for("the explanation", lambda: (t := b.text("#explanation")) and "Every step" in t and t)
    for want in ["pat@harbor-design.com may use MicroStation", "group A lists MicroStation",
                 "microstation-ab.ent:14", "What would change it", "set member A pat@harbor-design.com off"]:
        if want not in ex:
            fail(f"the explanation lacks {want!r}:\n{ex}")
    plain = b.js("return document.getElementById('plain').value")
    if not plain.startswith("pat@harbor-design.com can use MicroStation."):
        fail(f"plain answer: {plain!r}")
    ok("explanation: steps, deciding line, fixes and the plain answer")
    shot("2-explanation.png")

    # 3. a what-if from one of the fixes: the impact summary, nothing served changes
    b.click("#explanation .try")
    impact = wait_for("the impact", lambda: (t := b.text("#impact")) and "change" in t and t)
    if not re.search(r"\b1\s*decision changes", impact) or not re.search(r"\b1\s*lose access", impact):
        fail(f"impact: {impact}")
    ok("what-if: " + " ".join(impact.split("\n")[:4]))
    shot("3-whatif.png")
    still = http("POST", site + "/v1/check", {"principal": "pat@harbor-design.com", "product": "MicroStation"})
    if still.get("decision") != "allow":
        fail(f"the what-if changed what is served: {still}")
    ok("what is served did not change")

    # a statement with an error shows the error, quoted
    b.js("document.getElementById('whatif').value = 'set allowed Nope MicroStation off'")
    b.click("#simulate")
    err = wait_for("the what-if error", lambda: (t := b.text("#impact")) and "Nope" in t and t)
    ok("what-if error: " + err.split("\n")[0])

    # 4. the product view: who may use it, and a name opens that person
    b.js("const s = document.getElementById('product'); s.value = 'MicroStation';"
         " s.dispatchEvent(new Event('change'));")
    who = wait_for("who may use MicroStation", lambda: (t := b.text("#who")) and "may use it" in t and t)
    if "tess@harbor-design.com" not in who or "4\nmay use it" not in who:
        fail(f"who: {who}")
    ok("product view: " + " ".join(who.split("\n")[:4]))
    shot("4-product.png")

    # 5. escaping: a search for markup is shown as text
    b.js("document.getElementById('search').value = ''")
    b.type("#search", "<img src=x onerror=alert(1)>\ue007")
    msg = wait_for("the unknown-principal message", lambda: b.text("#principal-error"))
    if "<img" not in msg or b.js("return document.querySelectorAll('img').length") != 0:
        fail(f"unknown principal: {msg!r}")
    ok("unknown principal: " + msg.split("\n")[0])


if __name__ == "__main__":
    main()
