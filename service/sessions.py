"""Signed-in browsers and sign-in attempts, kept on the server.

A page session is a row: the cookie carries only a random key (signed by Flask), the row keeps its
digest, so signing out, a password change, disabling the user or an administrator's revocation end
it at once, and 8 idle hours end it too. Failed sign-ins are counted per (account name, address):
they slow down that source with growing delays and lock nobody else out.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.accounts import AccountError, Principal, _aware, now
from service.audit import append
from service.db import models as m
from service.runtime import Runtime

IDLE = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a request refreshes it
FREE_FAILURES = 3  # failures from one source before it waits
MAX_DELAY = timedelta(minutes=15)
KEEP = timedelta(days=30)  # ended sessions and old failures are deleted after this
# A hash of nobody's password: an unknown or disabled user costs the same hashing as a known one.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


@dataclass(frozen=True)
class WebSession:
    """A live page session: who, and the CSRF token its forms (and API calls) must send back."""

    user: Principal
    csrf: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def start(rt: Runtime, user: Principal) -> tuple[str, str]:
    """A new session for the user: (key for the cookie, CSRF token)."""
    key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    at = now()
    with rt.writing() as s:
        s.add(m.WebSession(id=_digest(key), user_id=user.id, csrf=csrf, created_at=at, last_seen_at=at))
        # Forget what can no longer matter: sessions long over, failures long waited out.
        s.execute(delete(m.WebSession).where(m.WebSession.last_seen_at < at - KEEP))
        s.execute(delete(m.SigninFailure).where(m.SigninFailure.blocked_until < at - KEEP))
    return key, csrf


def find(rt: Runtime, key: str) -> WebSession | None:
    """The live session of this cookie key, or None (unknown, ended, idle too long, user disabled)."""
    query = (select(m.WebSession.ended_at, m.WebSession.last_seen_at, m.WebSession.csrf,
                    m.User.id, m.User.name, m.User.role, m.User.street, m.User.disabled)
             .join(m.User, m.User.id == m.WebSession.user_id).where(m.WebSession.id == _digest(key)))
    with rt.engine.connect() as c:
        row = c.execute(query).first()
    if row is None:
        return None
    ended, seen, csrf, user_id, name, role, street, disabled = row
    at = now()
    if ended is not None or disabled or _aware(seen) + IDLE <= at:
        return None
    if _aware(seen) + TOUCH_EVERY <= at:  # one write a minute at most, not one per request
        with rt.writing() as s:
            s.execute(update(m.WebSession).where(m.WebSession.id == _digest(key)).values(last_seen_at=at))
    return WebSession(Principal(user_id, name, role, street), csrf)


def end(rt: Runtime, key: str, reason: str = "signout") -> None:
    """End one session (signing out)."""
    with rt.writing() as s:
        s.execute(update(m.WebSession).where(m.WebSession.id == _digest(key), m.WebSession.ended_at.is_(None))
                  .values(ended_at=now(), end_reason=reason))


def end_all(s: Session, user_id: int, reason: str) -> int:
    """End every live session of a user, in the caller's transaction; return how many."""
    result = s.execute(update(m.WebSession).where(m.WebSession.user_id == user_id, m.WebSession.ended_at.is_(None))
                       .values(ended_at=now(), end_reason=reason))
    return result.rowcount or 0


def revoke(rt: Runtime, name: str, actor: str = "cli") -> int:
    """An administrator ends every session of a user at once; return how many were live."""
    with rt.writing() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        if user is None:
            raise AccountError(f"no user {name}")
        count = end_all(s, user.id, "revoked")
        append(s, actor, "sessions.revoke", name, {"sessions": count})
        return count


def set_password(rt: Runtime, name: str, password: str, actor: str = "cli") -> None:
    """Change a user's password; every session of the user ends."""
    if not password:
        raise AccountError("a password cannot be empty")
    with rt.writing() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        if user is None:
            raise AccountError(f"no user {name}")
        user.password_hash = generate_password_hash(password)
        count = end_all(s, user.id, "password")
        append(s, actor, "user.password", name, {"sessions_ended": count})


def _delay(failures: int) -> timedelta:
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def sign_in(rt: Runtime, name: str, password: str, address: str) -> Principal | None:
    """The user if the password is right and this source is not waiting; None otherwise.

    A wrong password, an unknown or disabled user and a source that must still wait do the same
    work (one read, one password hash, one write) and give the same answer."""
    source = _digest(f"{name}\0{address}")
    with rt.reading() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        failure = s.get(m.SigninFailure, source)
        usable = user is not None and not user.disabled and user.password_hash is not None
        stored_hash = user.password_hash if usable else _DUMMY_HASH
        found = Principal(user.id, user.name, user.role, user.street) if usable else None
    at = now()
    waiting = failure is not None and _aware(failure.blocked_until) > at
    right = check_password_hash(stored_hash, password)
    if right and usable and not waiting:
        with rt.writing() as s:
            s.execute(delete(m.SigninFailure).where(m.SigninFailure.source == source))
        return found
    try:
        _count_failure(rt, source, at)
    except IntegrityError:  # the same source failed at the same moment elsewhere: count on its row
        _count_failure(rt, source, at)
    return None


def _count_failure(rt: Runtime, source: str, at) -> None:
    with rt.writing() as s:
        row = s.get(m.SigninFailure, source)
        if row is None:
            row = m.SigninFailure(source=source, failures=0, last_at=at, blocked_until=at)
            s.add(row)
        row.failures += 1
        row.last_at, row.blocked_until = at, at + _delay(row.failures)
