"""The audit chain cannot be cut or rewritten quietly (issue 12, point 8): each entry is keyed with
the server's secret, and the head is kept outside the table (checkpoint file, every backup)."""
from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update

from service.security import audit
from service.db import models as m
from service_support import database_not_files, example, service  # noqa: F401  (the files cannot matter here)
from test_service_integrity import env_of, run_cli


def entries(rt) -> int:
    with rt.reading() as s:
        return s.scalar(select(func.count()).select_from(m.AuditEntry))


def busy(rt, api) -> dict:
    for stage in ("declaration", "acceptance", "handover"):
        assert api.submit("chaohui", example(stage)).status_code == 201
    assert entries(rt) >= 12
    env = env_of(rt.settings)
    ok = run_cli(env, "audit", "verify")
    assert ok.returncode == 0 and "chain intact; head matches" in ok.stdout, ok.stderr
    return env


def recompute(rt, key: bytes | None) -> None:
    """What an intruder with database access does: rechain every entry (plain SHA-256 without the key)."""
    with rt.writing() as s:
        prev = audit.GENESIS
        for e in s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)):
            values = (prev, e.at, e.actor, e.action, e.subject, e.detail)
            e.prev_digest = prev
            e.digest = prev = audit.entry_digest(key, *values) if key else audit.plain_digest(*values)


def test_deleting_the_last_11_entries_is_caught(service):
    rt, api = service
    env = busy(rt, api)
    with rt.writing() as s:
        last = s.scalars(select(m.AuditEntry.id).order_by(m.AuditEntry.id.desc()).limit(11)).all()
        s.execute(delete(m.AuditEntry).where(m.AuditEntry.id.in_(last)))
    cut = run_cli(env, "audit", "verify")
    assert cut.returncode == 1 and "11 entries were cut off its end" in cut.stderr


def test_a_chain_recomputed_without_the_key_is_caught(service):
    rt, api = service
    env = busy(rt, api)
    with rt.writing() as s:
        first = s.scalar(select(m.AuditEntry).where(m.AuditEntry.action == "package.submit").order_by(m.AuditEntry.id).limit(1))
        s.execute(update(m.AuditEntry).where(m.AuditEntry.id == first.id).values(detail={**first.detail, "status": "rejected"}))
    recompute(rt, None)
    rewritten = run_cli(env, "audit", "verify")
    assert rewritten.returncode == 1 and "broken at entry 1 " in rewritten.stderr
    assert "migrate" not in rewritten.stderr  # the checkpoint says this log was keyed: no excuse offered
    refused = run_cli(env, "audit", "migrate")
    assert refused.returncode == 1 and "rewritten" in refused.stderr


def test_a_chain_recomputed_with_the_key_is_caught_by_the_recorded_head(service, tmp_path):
    rt, api = service
    env = busy(rt, api)
    backup = tmp_path / "b.zip"
    assert run_cli(env, "backup", str(backup)).returncode == 0
    with rt.writing() as s:
        first = s.scalar(select(m.AuditEntry).where(m.AuditEntry.action == "package.submit").order_by(m.AuditEntry.id).limit(1))
        s.execute(update(m.AuditEntry).where(m.AuditEntry.id == first.id).values(subject="package/999"))
    recompute(rt, audit.chain_key(rt.settings.session_secret()))
    rewritten = run_cli(env, "audit", "verify")
    assert rewritten.returncode == 1 and "the chain was rewritten" in rewritten.stderr
    # Even with the checkpoint file gone too, the backup's head catches it.
    (rt.settings.data_dir / audit.CHECKPOINT).unlink()
    assert run_cli(env, "audit", "verify").returncode == 0  # nothing left outside the table here...
    by_backup = run_cli(env, "audit", "verify", "--head", str(backup))
    assert by_backup.returncode == 1 and "the chain was rewritten" in by_backup.stderr  # ...but the backup


def test_the_backup_carries_the_head_and_not_the_key(service, tmp_path):
    import zipfile

    rt, api = service
    env = busy(rt, api)
    backup = tmp_path / "b.zip"
    assert run_cli(env, "backup", str(backup)).returncode == 0
    secret = rt.settings.session_secret()
    with zipfile.ZipFile(backup) as z:
        head = json.loads(z.read("audit-head.json"))
        assert head == json.loads(z.read("manifest.json"))["audit_head"] and head["count"] == entries(rt)
        for name in z.namelist():
            assert secret.encode() not in z.read(name) and audit.chain_key(secret).hex().encode() not in z.read(name)


def test_a_plain_sha256_chain_from_before_keying_is_migrated_explicitly(service):
    rt, api = service
    env = busy(rt, api)
    recompute(rt, None)  # what version 1.0 wrote
    (rt.settings.data_dir / audit.CHECKPOINT).unlink()  # 1.0 wrote no checkpoint
    before = entries(rt)
    legacy = run_cli(env, "audit", "verify")
    assert legacy.returncode == 1 and f"first {before} entries carry plain SHA-256" in legacy.stderr
    migrated = run_cli(env, "audit", "migrate")
    assert migrated.returncode == 0 and f"{before} audit entries keyed" in migrated.stdout
    ok = run_cli(env, "audit", "verify")
    assert ok.returncode == 0 and f"{before + 1} audit entries, chain intact; head matches" in ok.stdout
    with rt.reading() as s:
        last = s.scalar(select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(1))
    assert last.action == "audit.migrate" and last.detail["entries"] == before
    assert run_cli(env, "audit", "migrate").stdout.startswith("the audit log is keyed already")
