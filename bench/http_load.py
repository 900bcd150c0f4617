"""HTTP benchmark (issue 5): the server as `make run` starts it (gunicorn, 2 workers), driven from a
second process (wrk, Debian's package) on loopback for a bounded time per endpoint.

Prints requests/s and p50/p99 latency for: a trivial endpoint (the baseline of the same run),
POST /api/v1/check, a cached document download, first-time PDF generation, package submission.
Goals: check >= 1,000 req/s, cached download >= 1,000 req/s, first-time PDF >= 50 req/s.
Run: .venv/bin/python bench/http_load.py [--seconds 5]
(Not bench/http.py: a file of that name would shadow the standard library's http package for
every script in bench/.)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.adapters.files import zip_folder  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, token, body=None, ctype=None):
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read(), dict(r.headers)


def wrk(port: int, seconds: int, script: str, path: str = "/") -> dict:
    time.sleep(1.5)  # let the workers drain what the previous run left queued
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rate, "p50": latency(50), "p99": latency(99), "non2xx": int(errors.group(1)) if errors else 0}


def lua(method: str, headers: dict, body_file: str | None = None, paths: list[str] | None = None) -> str:
    head = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()) + "}"
    body = ""
    if body_file:
        body = f'local f = io.open("{body_file}", "rb"); local body = f:read("*a"); f:close()\n'
    if paths:
        listing = ", ".join(f'"{p}"' for p in paths)
        return (f"local paths = {{{listing}}}\nlocal n = 0\nlocal tid = 0\nlocal count = 0\n"
                "function setup(thread) thread:set('tid', count); count = count + 1 end\n"
                "function init(args) n = tid end\n"
                f"request = function()\n  n = n + 2\n  local p = paths[(n % #paths) + 1]\n"
                f"  return wrk.format('{method}', p, {head})\nend\n")
    return body + f"request = function() return wrk.format('{method}', nil, {head}{', body' if body_file else ''}) end\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk): no HTTP benchmark")
        return
    data = Path(tempfile.mkdtemp(prefix="jiugai-bench-"))
    env = {**os.environ, "JIUGAI_DATA_DIR": str(data)}
    cli = [sys.executable, "-m", "service"]
    for name, role, street in (("chaohui", "street", "朝晖街道"), ("clerk", "clerk", None)):
        subprocess.run([*cli, "user", "add", name, "--role", role, *(["--street", street] if street else [])],
                       input="pw\n", env=env, check=True, capture_output=True, text=True)
    street = subprocess.run([*cli, "token", "create", "chaohui"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    clerk = subprocess.run([*cli, "token", "create", "clerk"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--workers", "2"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        example = ROOT / "fixtures" / "examples" / "declaration"
        zip_path = data / "declaration.zip"
        zip_path.write_bytes(zip_folder(example))
        json_path = data / "package.json"
        shutil.copy(example / "package.json", json_path)
        _s, body, _h = call(port, "POST", "/api/v1/packages", street, zip_path.read_bytes(), "application/zip")
        cached_id = json.loads(body)["id"]
        call(port, "GET", f"/api/v1/packages/{cached_id}/documents/notice.pdf", clerk)
        # Distinct packages (bare package.json zips with their own project codes) for first-time documents.
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        fresh = []
        for i in range(40 * args.seconds * 2):
            doc["project"]["code"] = f"XC-2020-{i % 1000:03d}"
            doc["project"]["address"] = f"杭州市下城区 {i}"
            import io
            import zipfile

            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("package.json", json.dumps(doc, ensure_ascii=False))
            _s, body, _h = call(port, "POST", "/api/v1/packages", street, buf.getvalue(), "application/zip")
            fresh.append(f"/api/v1/packages/{json.loads(body)['id']}/documents/notice.pdf")
        auth = {"Authorization": f"Bearer {clerk}"}
        results = {
            "GET /api/v1/health (trivial)": wrk(port, args.seconds, lua("GET", auth), "/api/v1/health"),
            "POST /api/v1/check (JSON body)": wrk(port, args.seconds, lua("POST", {**auth, "Content-Type": "application/json"}, str(json_path)), "/api/v1/check"),
            "POST /api/v1/check (zip with files)": wrk(port, args.seconds, lua("POST", {**auth, "Content-Type": "application/zip"}, str(zip_path)), "/api/v1/check"),
            "GET notice.pdf (cached)": wrk(port, args.seconds, lua("GET", auth), f"/api/v1/packages/{cached_id}/documents/notice.pdf"),
            "GET notice.pdf (first time)": wrk(port, args.seconds, lua("GET", auth, paths=fresh)),
            "POST /api/v1/packages (zip)": wrk(port, args.seconds, lua("POST", {"Authorization": f"Bearer {street}", "Content-Type": "application/zip"}, str(zip_path)), "/api/v1/packages"),
        }
        print(f"{'endpoint':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for name, r in results.items():
            print(f"{name:38} {r['rps']:8.0f} {r['p50']:8.1f} {r['p99']:8.1f} {r['non2xx']:8d}")
        print(f"(first-time PDFs: {len(fresh)} distinct packages prepared; requests beyond that are served cached)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
