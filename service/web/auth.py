"""Who is calling: a bearer token (API) or a signed-in session (pages), and what their role allows."""
from __future__ import annotations

import functools
import secrets

from flask import current_app, g, request, session

from service import sessions
from service.accounts import Principal, by_token
from service.domain.findings import N_
from service.i18n import gettext
from service.runtime import Runtime
from service.web.errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_REFUSED = N_("a request signed in through the browser must carry the page's CSRF token (X-CSRF-Token); "
                  "scripts use a bearer token instead")


def runtime() -> Runtime:
    """The application's runtime (database, blobs, checker)."""
    return current_app.extensions["jiugai"]


def current_user() -> Principal | None:
    """The caller, from `Authorization: Bearer …` or the session cookie; None if anonymous.

    The API takes a session cookie only with the session's CSRF token on a request that changes
    something: a cross-site form can make the browser send the cookie, never the token."""
    if "user" not in g:
        header = request.headers.get("Authorization", "")
        user = None
        g.web_session = None
        if header:
            scheme, _, credentials = header.strip().partition(" ")
            if scheme.lower() == "bearer":  # RFC 7235: the scheme is case-insensitive
                user = by_token(runtime(), credentials.strip())
        elif "sid" in session:
            found = sessions.find(runtime(), session["sid"])
            if found is not None:
                g.web_session, user = found, found.user
        g.user = user
        if g.web_session is not None and request.path.startswith("/api/") and request.method not in SAFE_METHODS:
            sent = request.headers.get("X-CSRF-Token", "")
            if not secrets.compare_digest(sent.encode(), g.web_session.csrf.encode()):
                from service.web.i18n import language

                raise ApiError(403, "csrf", gettext(CSRF_REFUSED, language()))
    return g.user


def requires(*roles: str):
    """A view decorator: 401 without valid credentials, 403 for a role not in `roles`."""

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            user = current_user()
            if user is None:
                raise ApiError(401, "unauthorized", "a valid bearer token is required")
            if roles and user.role not in roles:
                raise ApiError(403, "forbidden", f"the role {user.role} may not do this")
            return view(*args, **kwargs)

        return inner

    return wrap
