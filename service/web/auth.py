"""Who is calling: a bearer token (API) or a signed-in session (pages), and what their role allows."""
from __future__ import annotations

import functools

from flask import current_app, g, request, session

from service.accounts import Principal, by_token, principal
from service.runtime import Runtime
from service.web.errors import ApiError


def runtime() -> Runtime:
    """The application's runtime (database, blobs, checker)."""
    return current_app.extensions["jiugai"]


def current_user() -> Principal | None:
    """The caller, from `Authorization: Bearer …` or the session cookie; None if anonymous."""
    if "user" not in g:
        header = request.headers.get("Authorization", "")
        user = None
        if header.startswith("Bearer "):
            user = by_token(runtime(), header[7:].strip())
        elif "user_id" in session:
            user = principal(runtime(), session["user_id"])
        g.user = user
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
