"""Users, roles and API tokens: passwords under a slow hash, tokens stored only as digests."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from service.security.audit import append
from service.db import models as m
from service.runtime import Runtime

ROLES = ("street", "clerk", "archivist", "admin")
TOKEN_PREFIX = "jg_"


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why."""


@dataclass(frozen=True)
class Principal:
    """Who is asking: the user as the rest of the service needs to know them."""

    id: int
    name: str
    role: str
    street: str | None


def now() -> datetime:
    """The current time, UTC."""
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; they were stored as UTC.
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def iso(value: datetime) -> str:
    """A stored time as ISO 8601 in UTC, whichever database kept it."""
    return _aware(value).astimezone(timezone.utc).isoformat(timespec="seconds")


def add_user(rt: Runtime, name: str, role: str, street: str | None, password: str | None, actor: str = "cli",
             one_time: bool = False) -> Principal:
    """Create a user; a street user must name its street, other roles must not. A one-time password
    must be changed at the user's first sign-in to the pages."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if (role == "street") != bool(street):
        raise AccountError("a street user needs --street, and only a street user has one")
    if not name or len(name) > 80:
        raise AccountError("a user name has 1 to 80 characters")
    with rt.writing() as s:
        if s.scalar(select(m.User).where(m.User.name == name)):
            raise AccountError(f"the user {name} exists already")
        user = m.User(name=name, role=role, street=street, disabled=False, failed_logins=0, created_at=now(),
                      password_hash=generate_password_hash(password) if password else None,
                      must_change_password=bool(one_time and password))
        s.add(user)
        s.flush()
        append(s, actor, "user.add", name, {"role": role, "street": street})
        return Principal(user.id, name, role, street)


def set_one_time(rt: Runtime, name: str, one_time: bool) -> None:
    """Mark the user's password as one-time (to change at the next sign-in to the pages) or as the user's own."""
    with rt.writing() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        if user is None:
            raise AccountError(f"no user {name}")
        user.must_change_password = one_time


def disable_user(rt: Runtime, name: str, actor: str = "cli") -> None:
    """Take a user's access away at once: sign-in and every token stop working."""
    with rt.writing() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        if user is None:
            raise AccountError(f"no user {name}")
        user.disabled = True
        from service.security.sessions import end_all  # sessions build on accounts

        append(s, actor, "user.disable", name, {"sessions_ended": end_all(s, user.id, "disabled")})


def create_token(rt: Runtime, name: str, actor: str = "cli") -> str:
    """A new API token for the user, returned once; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with rt.writing() as s:
        user = s.scalar(select(m.User).where(m.User.name == name))
        if user is None or user.disabled:
            raise AccountError(f"no active user {name}")
        s.add(m.Token(user_id=user.id, digest=_digest(token), prefix=token[:10], created_at=now(),
                      expires_at=now() + timedelta(days=rt.settings.token_days)))
        append(s, actor, "token.create", name, {"prefix": token[:10]})
    return token


def revoke_token(rt: Runtime, token_or_prefix: str, actor: str = "cli") -> int:
    """Revoke a token given whole or by its first 10 characters; return how many were revoked."""
    with rt.writing() as s:
        query = select(m.Token).where(m.Token.revoked_at.is_(None))
        if len(token_or_prefix) > 10:
            query = query.where(m.Token.digest == _digest(token_or_prefix))
        else:
            query = query.where(m.Token.prefix == token_or_prefix)
        tokens = list(s.scalars(query))
        for t in tokens:
            t.revoked_at = now()
            append(s, actor, "token.revoke", t.prefix, {})
        if not tokens:
            raise AccountError("no such token")
        return len(tokens)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def by_token(rt: Runtime, token: str) -> Principal | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, expired, disabled)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # Every API request comes through here: one plain query, no ORM objects.
    query = (select(m.Token.revoked_at, m.Token.expires_at, m.User.id, m.User.name, m.User.role, m.User.street, m.User.disabled)
             .join(m.User, m.User.id == m.Token.user_id).where(m.Token.digest == _digest(token)))
    with rt.engine.connect() as c:
        row = c.execute(query).first()
    if row is None:
        return None
    revoked, expires, user_id, name, role, street, disabled = row
    if revoked is not None or _aware(expires) <= now() or disabled:
        return None
    return Principal(user_id, name, role, street)


def principal(rt: Runtime, user_id: int) -> Principal | None:
    """The active user with this id, or None."""
    with rt.reading() as s:
        user = s.get(m.User, user_id)
    return None if user is None or user.disabled else Principal(user.id, user.name, user.role, user.street)
