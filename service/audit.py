"""The audit log: append-only, each entry carrying the digest of the one before it."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.db import models as m

GENESIS = "0" * 64


def _canonical_time(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def entry_digest(prev: str, at: datetime, actor: str, action: str, subject: str, detail: dict) -> str:
    """The digest that chains an entry to the one before it."""
    body = json.dumps({"at": _canonical_time(at), "actor": actor, "action": action, "subject": subject, "detail": detail},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, subject: str, detail: dict) -> m.AuditEntry:
    """Add an entry in the caller's (writing) transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7011)"))  # one appender at a time
    last = session.scalar(select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(1))
    prev = last.digest if last else GENESIS
    at = datetime.now(timezone.utc)
    detail = json.loads(json.dumps(detail, default=str))
    entry = m.AuditEntry(at=at, actor=actor, action=action, subject=subject, detail=detail, prev_digest=prev,
                         digest=entry_digest(prev, at, actor, action, subject, detail))
    session.add(entry)
    session.flush()
    return entry


def verify(session: Session) -> tuple[int, int | None]:
    """(entries checked, id of the first entry that breaks the chain or None)."""
    prev, count = GENESIS, 0
    for entry in session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)):
        count += 1
        expected = entry_digest(prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail)
        if entry.prev_digest != prev or entry.digest != expected:
            return count, entry.id
        prev = entry.digest
    return count, None
