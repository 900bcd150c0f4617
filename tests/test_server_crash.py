"""The real server (gunicorn) killed in the middle of an upload leaves nothing half-stored."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from service_support import example, free_port, start_server as start


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def get(port: int, path: str, token: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def test_kill_during_upload_then_restart_finds_nothing_half_stored(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "JIUGAI_DATA_DIR": str(data)}
    cli = [sys.executable, "-m", "service"]
    subprocess.run([*cli, "user", "add", "chaohui", "--role", "street", "--street", "朝晖街道"], input="pw\n", env=env, check=True, capture_output=True, text=True)
    token = subprocess.run([*cli, "token", "create", "chaohui"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = start(env, port)
    body = example("declaration")
    try:
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall((f"POST /api/v1/packages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                          f"Content-Type: application/zip\r\nContent-Length: {len(body)}\r\n\r\n").encode())
            conn.sendall(body[: len(body) // 2])
            time.sleep(1.0)  # the worker is now waiting for the rest of the body
            assert list((data / "tmp").glob("*/upload-*")), "the upload should be under way"
            kill(server)
    finally:
        if server.poll() is None:
            kill(server)
    # What a kill between storing the files and committing the rows would leave: files no row names.
    from service.storage import LocalBlobStore

    orphan = LocalBlobStore(data / "blobs").put(b"a file whose package row never committed")
    server = start(env, port)
    try:
        assert get(port, "/api/v1/packages", token)["total"] == 0
        assert not LocalBlobStore(data / "blobs").exists(orphan)
        assert list((data / "tmp").glob("*/upload-*")) == []  # the killed worker's scratch folder is gone
        assert list((data / "blobs").glob("??/*")) == []
        # The service works as before.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/packages", data=body, method="POST",
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"})
        with urllib.request.urlopen(request, timeout=60) as r:
            assert r.status == 201 and json.load(r)["status"] == "accepted"
    finally:
        kill(server)
