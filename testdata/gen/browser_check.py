#!/usr/bin/env python3
"""Cross-checks the vectors' events against a real browser EventSource (Chromium, headless).

An independent implementation of the same spec: for every vector without limits, the bytes
are served over loopback as text/event-stream and the events a browser EventSource dispatches
(type, data, lastEventId) are compared with the vector's `events`. Comments, retries, errors
and offsets are invisible to EventSource and are not checked here.

Not part of `make test` (it needs a browser); run by hand when vectors change:
    python3 testdata/gen/browser_check.py [/usr/bin/chromium]
Exit status 1 lists the vectors where the browser disagrees.
"""

import base64
import glob
import html
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "parser")

PAGE = """<!doctype html><meta charset=utf-8><body><pre id=out>pending</pre><script>
const vectors = %s;
const results = {};
function runOne(i) {
  if (i >= vectors.length) {
    document.getElementById('out').textContent = JSON.stringify(results);
    return;
  }
  const v = vectors[i];
  const got = [];
  const source = new EventSource('/v/' + encodeURIComponent(v.name));
  const listener = (e) => got.push({type: e.type, data: e.data, id: e.lastEventId});
  for (const type of v.types) source.addEventListener(type, listener);
  source.onerror = () => {  // end of stream: the browser would reconnect; stop instead
    source.close();
    results[v.name] = got;
    runOne(i + 1);
  };
}
runOne(0);
</script>"""


def load():
    vectors = []
    for path in sorted(glob.glob(os.path.join(VECTORS, "*.json"))):
        with open(path, encoding="utf-8") as f:
            for v in json.load(f)["vectors"]:
                # strict_utf8 only adds errors; limits change events, so those are skipped.
                if set(v.get("options", {})) <= {"strict_utf8"}:
                    vectors.append(v)
    return vectors


def main():
    browser = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/chromium"
    vectors = load()
    by_name = {v["name"]: base64.b64decode(v["input"]) for v in vectors}
    listing = [
        {"name": v["name"], "types": sorted({"message"} | {e["type"] for e in v["events"]})}
        for v in vectors
    ]
    page = (PAGE % json.dumps(listing)).encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            name = unquote(self.path[len("/v/") :]) if self.path.startswith("/v/") else None
            if self.path == "/":
                body, ctype = page, "text/html; charset=utf-8"
            elif name in by_name:
                body, ctype = by_name[name], "text/event-stream"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=600000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    ).stdout
    server.shutdown()
    start, end = out.find('<pre id="out">'), out.find("</pre>")
    results = json.loads(html.unescape(out[start + len('<pre id="out">') : end]))

    if os.environ.get("SHOW"):
        for name in os.environ["SHOW"].split(","):
            print(name, json.dumps(results.get(name), ensure_ascii=False))
    if os.environ.get("BREAK"):  # self-test: a corrupted expectation must be reported
        for v in vectors:
            if v["name"] == os.environ["BREAK"]:
                v["events"] = v["events"][:-1]
    disagreements = []
    for v in vectors:
        got = results.get(v["name"])
        if got != v["events"]:
            disagreements.append((v["name"], v["events"], got))
    for name, expected, got in disagreements:
        print(
            f"{name}\n  vector:  {json.dumps(expected, ensure_ascii=False)[:600]}\n"
            f"  browser: {json.dumps(got, ensure_ascii=False)[:600]}"
        )
    print(f"{len(vectors)} vectors checked against {browser}, {len(disagreements)} disagree")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
