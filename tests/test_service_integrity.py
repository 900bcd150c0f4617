"""Nothing lost: concurrent uploads all land, the audit chain catches tampering, backups restore."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

from sqlalchemy import delete, func, select, update

from service.audit import verify
from service.db import models as m
from service_support import Api, database, example, make_users, modified, open_runtime, service  # noqa: F401
from service.web import create_app


def test_forty_concurrent_submissions_from_eight_threads_all_land(service):
    rt, api = service
    app = api.client.application
    bodies = [modified("declaration", lambda d, i=i: d["project"].update(code=f"XC-2020-{100 + i:03d}")) for i in range(40)]
    results, errors = [], []

    def worker(chunk):
        client = Api(app.test_client(), api.tokens)
        for body in chunk:
            try:
                response = client.submit("chaohui", body)
                results.append((response.status_code, response.json.get("project")))
            except Exception as exc:  # noqa: BLE001 - a thread's failure is the test's failure
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(bodies[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == sorted((201, f"XC-2020-{100 + i:03d}") for i in range(40))
    with rt.reading() as s:
        assert s.scalar(select(func.count()).select_from(m.PackageRow)) == 40
        assert verify(s)[1] is None  # forty appends, still one unbroken chain


def run_cli(env: dict, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def env_of(settings) -> dict:
    env = {"JIUGAI_DATA_DIR": str(settings.data_dir), "JIUGAI_BLOB_STORE": settings.blob_store}
    if settings.database_url:
        env.update(JIUGAI_DATABASE_URL=settings.database_url, JIUGAI_DATABASE_SCHEMA=settings.database_schema)
    return env


def test_audit_verify_detects_an_altered_or_removed_entry(service):
    rt, api = service
    for stage in ("declaration", "acceptance"):
        api.submit("chaohui", example(stage))
    env = env_of(rt.settings)
    ok = run_cli(env, "audit", "verify")
    assert ok.returncode == 0 and "chain intact" in ok.stdout
    with rt.writing() as s:
        target = s.scalar(select(m.AuditEntry).where(m.AuditEntry.action == "package.submit").order_by(m.AuditEntry.id).limit(1))
        s.execute(update(m.AuditEntry).where(m.AuditEntry.id == target.id).values(detail={**target.detail, "status": "rejected"}))
    altered = run_cli(env, "audit", "verify")
    assert altered.returncode == 1 and f"broken at entry {target.id}" in altered.stderr
    with rt.writing() as s:
        s.execute(update(m.AuditEntry).where(m.AuditEntry.id == target.id).values(detail=target.detail))
        s.execute(delete(m.AuditEntry).where(m.AuditEntry.id == target.id - 1))
    removed = run_cli(env, "audit", "verify")
    assert removed.returncode == 1 and f"broken at entry {target.id}" in removed.stderr


def test_backup_restores_into_an_empty_data_directory(service, tmp_path):
    rt, api = service
    pid = api.submit("chaohui", example("declaration")).json["id"]
    pdf = api("clerk", "GET", f"/api/v1/packages/{pid}/documents/notice.pdf")
    api.submit("chaohui", example("acceptance"))
    backup = tmp_path / "backup.zip"
    made = run_cli(env_of(rt.settings), "backup", str(backup))
    assert made.returncode == 0, made.stderr

    from service.config import Settings

    fresh = Settings(data_dir=tmp_path / "restored")
    # The deployment's secret travels with its other secrets, not in the backup: restored beside it.
    fresh.data_dir.mkdir()
    (fresh.data_dir / "secret_key").write_text((rt.settings.data_dir / "secret_key").read_text())
    restored = run_cli(env_of(fresh), "restore", str(backup))
    assert restored.returncode == 0 and restored.stderr == "", restored.stderr
    verified = run_cli(env_of(fresh), "audit", "verify")
    assert verified.returncode == 0 and "chain intact; head matches" in verified.stdout
    assert "packages 2" in restored.stdout
    again = run_cli(env_of(fresh), "restore", str(backup))
    assert again.returncode == 1 and "not empty" in again.stderr

    rt2 = open_runtime(fresh)
    app = create_app(runtime=rt2)
    with rt2.reading() as s:
        assert verify(s) == (s.scalar(select(func.count()).select_from(m.AuditEntry)), None)
        tokens = {u.name: None for u in s.scalars(select(m.User))}
    assert set(tokens) == {"chaohui", "chaoming", "clerk", "archivist", "admin"}
    client = Api(app.test_client(), api.tokens)  # the old tokens still work: they were restored (as digests)
    assert client("chaohui", "GET", "/api/v1/packages").json["total"] == 2
    assert client("clerk", "GET", f"/api/v1/packages/{pid}/documents/notice.pdf").data == pdf.data
    photo = client("chaohui", "GET", f"/api/v1/packages/{pid}/files/notice-photos")
    assert photo.status_code == 200 and len(photo.data) == 140
    found = client(None, "GET", f"/api/v1/verify/{pdf.headers['X-Document-Number']}")
    assert found.status_code == 200
    # New rows continue after the restored ones.
    assert client.submit("chaohui", example("handover")).json["id"] > pid
    rt2.engine.dispose()


def test_user_and_token_commands(tmp_path):
    env = {"JIUGAI_DATA_DIR": str(tmp_path / "data")}
    added = run_cli(env, "user", "add", "wulin", "--role", "street", "--street", "武林街道", stdin="s3cret\n")
    assert added.returncode == 0, added.stderr
    assert run_cli(env, "user", "add", "wulin", "--role", "street", "--street", "武林街道", stdin="x\n").returncode == 1
    assert run_cli(env, "user", "add", "nobody", "--role", "street", stdin="x\n").returncode == 1  # a street user needs its street
    assert run_cli(env, "user", "add", "x", "--role", "clerk", "--street", "武林街道", stdin="x\n").returncode == 1
    token = run_cli(env, "token", "create", "wulin")
    assert token.returncode == 0 and token.stdout.strip().startswith("jg_") and len(token.stdout.strip().splitlines()) == 1
    assert run_cli(env, "token", "create", "ghost").returncode == 1
    assert run_cli(env, "token", "revoke", token.stdout.strip()[:10]).returncode == 0
    assert run_cli(env, "token", "revoke", token.stdout.strip()).returncode == 1  # already revoked
    assert run_cli(env, "user", "disable", "wulin").returncode == 0
    assert run_cli(env, "user", "disable", "ghost").returncode == 1
