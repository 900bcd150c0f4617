"""The audit log: append-only, each entry keyed (HMAC-SHA-256 with the server's secret) and
chained to the one before it; the chain's head (count and digest) is also kept outside the table.

Without the key nobody can recompute the chain after altering an entry; the head, written to a
checkpoint file after every commit and into every backup, catches what the chain alone cannot:
entries cut off its end, or a chain recomputed by someone who has the key.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from service.db import models as m

GENESIS = "0" * 64
CHECKPOINT = "audit-head.json"


def chain_key(secret: str) -> bytes:
    """The audit key, derived from the deployment's secret (JIUGAI_SECRET_KEY or data dir/secret_key)."""
    return hmac.new(secret.encode("utf-8"), b"jiugai audit chain v1", hashlib.sha256).digest()


def _canonical_time(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _body(prev: str, at: datetime, actor: str, action: str, subject: str, detail: dict) -> bytes:
    body = json.dumps({"at": _canonical_time(at), "actor": actor, "action": action, "subject": subject, "detail": detail},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return (prev + body).encode("utf-8")


def plain_digest(prev: str, at: datetime, actor: str, action: str, subject: str, detail: dict) -> str:
    """The digest of chains made before version 1.1 (plain SHA-256, no key): read only by `migrate`."""
    return hashlib.sha256(_body(prev, at, actor, action, subject, detail)).hexdigest()


def entry_digest(key: bytes, prev: str, at: datetime, actor: str, action: str, subject: str, detail: dict) -> str:
    """The keyed digest that chains an entry to the one before it."""
    return hmac.new(key, _body(prev, at, actor, action, subject, detail), hashlib.sha256).hexdigest()


def _key(session: Session) -> bytes:
    key = session.info.get("audit_key")
    if key is None:
        raise RuntimeError("this session has no audit key: open it through Runtime.reading()/writing()")
    return key


def append(session: Session, actor: str, action: str, subject: str, detail: dict) -> m.AuditEntry:
    """Add an entry in the caller's (writing) transaction; the checkpoint follows the commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7011)"))  # one appender at a time
    last = session.scalar(select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(1))
    prev = last.digest if last else GENESIS
    at = datetime.now(timezone.utc)
    detail = json.loads(json.dumps(detail, default=str))
    entry = m.AuditEntry(at=at, actor=actor, action=action, subject=subject, detail=detail, prev_digest=prev,
                         digest=entry_digest(_key(session), prev, at, actor, action, subject, detail))
    session.add(entry)
    session.flush()
    if session.info.get("audit_checkpoint"):
        count = session.scalar(select(func.count()).select_from(m.AuditEntry))
        session.info["audit_head"] = {"count": count, "digest": entry.digest}
        if not event.contains(session, "after_commit", _after_commit):
            event.listen(session, "after_commit", _after_commit)
    return entry


def _after_commit(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    if head:
        write_checkpoint(Path(session.info["audit_checkpoint"]), head)


def write_checkpoint(path: Path, head: dict) -> None:
    """Record the head, never moving it back (another process may have written a newer one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read_checkpoint(path)
        if current is not None and current["count"] > head["count"]:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "w") as f:
            json.dump({**head, "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def read_checkpoint(path: Path) -> dict | None:
    """The recorded head, or None if there is none yet."""
    try:
        head = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except ValueError:
        return {"count": -1, "digest": "unreadable"}
    return head


def verify(session: Session) -> tuple[int, int | None]:
    """(entries checked, id of the first entry that breaks the keyed chain or None)."""
    key, prev, count = _key(session), GENESIS, 0
    for entry in session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)):
        count += 1
        expected = entry_digest(key, prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail)
        if entry.prev_digest != prev or not hmac.compare_digest(entry.digest, expected):
            return count, entry.id
        prev = entry.digest
    return count, None


def head(session: Session) -> dict:
    """The chain's head as stored in the table: {"count", "digest"}."""
    last = session.scalar(select(m.AuditEntry.digest).order_by(m.AuditEntry.id.desc()).limit(1))
    return {"count": session.scalar(select(func.count()).select_from(m.AuditEntry)), "digest": last or GENESIS}


@dataclass(frozen=True)
class Verdict:
    """What `jiugai audit verify` found: the count, and a problem or None."""

    count: int
    problem: str | None


def check(session: Session, recorded: dict | None) -> Verdict:
    """The chain against its key and against a head recorded outside the table (checkpoint or backup)."""
    count, broken = verify(session)
    against = against_head(session, count, recorded) if recorded is not None else None
    if broken is not None:
        # A chain from before keyed digests is no tampering, unless the recorded head says otherwise.
        legacy = _plain_prefix(session) if against is None else 0
        if legacy:
            return Verdict(count, f"the audit log's first {legacy} entries carry plain SHA-256 digests (made before "
                                  "keyed digests): run `jiugai audit migrate` once to key them, then verify again")
        return Verdict(count, f"the audit log is broken at entry {broken} (of {count} read): an entry was removed or altered")
    return Verdict(count, against)


def against_head(session: Session, count: int, recorded: dict) -> str | None:
    """What is wrong with the table given a head recorded elsewhere, or None."""
    try:
        wanted = int(recorded.get("count", -1))
    except (TypeError, ValueError):
        wanted = -1
    if wanted < 0:
        return "the recorded audit head cannot be read: it was damaged"
    if count < wanted:
        return f"the audit log has {count} entries but its recorded head has {wanted}: {wanted - count} entries were cut off its end"
    digest = GENESIS
    if wanted:
        digest = session.scalar(select(m.AuditEntry.digest).order_by(m.AuditEntry.id).offset(wanted - 1).limit(1))
    if digest != recorded.get("digest"):
        return f"the audit log's entry number {wanted} is not the one its recorded head names: the chain was rewritten"
    return None


def _plain_prefix(session: Session) -> int:
    prev, count = GENESIS, 0
    for entry in session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)):
        if entry.prev_digest != prev or entry.digest != plain_digest(prev, entry.at, entry.actor, entry.action,
                                                                     entry.subject, entry.detail):
            break
        count, prev = count + 1, entry.digest
    return count


def migrate(session: Session) -> int:
    """Key a chain made before version 1.1: a plain SHA-256 prefix (and any keyed entries appended
    onto it since) is checked as it stands, then every entry is re-chained with the key. Refused if
    the chain is broken: migrating must not bless a tampered log. Returns the entries re-keyed."""
    key, prev, plain_until, rows = _key(session), GENESIS, 0, []
    entries = list(session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)))
    for n, entry in enumerate(entries, 1):
        values = (prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail)
        if entry.prev_digest != prev:
            raise ValueError(f"the audit log is broken at entry {entry.id}: it cannot be migrated")
        if plain_until == n - 1 and entry.digest == plain_digest(*values):
            plain_until = n
        elif entry.digest != entry_digest(key, *values):
            raise ValueError(f"the audit log is broken at entry {entry.id}: it cannot be migrated")
        prev = entry.digest
        rows.append(entry)
    if not plain_until:
        return 0
    prev = GENESIS
    for entry in rows:
        entry.prev_digest = prev
        entry.digest = prev = entry_digest(key, prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail)
    session.flush()
    return plain_until
