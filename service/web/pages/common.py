"""What every page needs: sign-in and sign-out, the language switch, CSRF, the page user."""
from __future__ import annotations

import secrets
from urllib.parse import urlparse

from flask import abort, g, redirect, render_template, request, session, url_for

from service.security import sessions
from service.web.auth import current_user, runtime
from service.web.errors import CSRF_EXPIRED
from service.web.route import Route

HOME = {"street": "page.street", "clerk": "page.packages", "archivist": "page.archive", "admin": "page.packages"}


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every form posts it back."""
    current_user()
    if g.get("web_session") is not None:  # signed in: the token of the server-side session
        return g.web_session.csrf
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse a page POST whose CSRF token (form field or X-CSRF-Token header) is not the session's."""
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token")
    if not sent or not secrets.compare_digest(sent.encode(), csrf_token().encode()):
        abort(400, description=CSRF_EXPIRED)


def signed_in(*roles: str):
    """The signed-in user of a page, redirecting to sign-in (or 403) otherwise."""
    user = current_user()
    if user is None:
        return None
    if roles and user.role not in roles:
        abort(403)
    return user


def _safe_next(target: str | None) -> str | None:
    if target and urlparse(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def home():
    """/ : each role's own start page."""
    user = current_user()
    return redirect(url_for(HOME[user.role] if user else "page.signin"))


def signin():
    """Sign in with a user name and password; repeated failures slow down their source."""
    error = None
    if request.method == "POST":
        check_csrf()
        user = sessions.sign_in(runtime(), request.form.get("name", ""), request.form.get("password", ""),
                                request.remote_addr or "")
        if user is None:
            error = True
        else:
            if "sid" in session:  # signing in again replaces the session this browser had
                sessions.end(runtime(), session["sid"], "replaced")
            key, _csrf = sessions.start(runtime(), user)
            lang = session.get("lang")
            session.clear()  # a new session on sign-in: nothing of the anonymous one carries over
            if lang:
                session["lang"] = lang
            session["sid"] = key
            return redirect(_safe_next(request.args.get("next")) or url_for(HOME[user.role]))
    return render_template("signin.html", error=error), 401 if error else 200


def signout():
    """Sign out (a POST with the CSRF token)."""
    if current_user() is not None:  # an ended session has nothing left to sign out of
        check_csrf()
    if "sid" in session:  # the server forgets the session: a copy of the cookie stops working too
        sessions.end(runtime(), session["sid"])
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("page.signin"))


def language(code: str):
    """Switch the pages' language; the choice is remembered in the session."""
    if code not in ("zh", "en"):
        abort(404)
    session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("page.home"))


ROUTES = (
    Route("/", ("GET",), home, "page.home"),
    Route("/signin", ("GET", "POST"), signin, "page.signin"),
    Route("/signout", ("POST",), signout, "page.signout"),
    Route("/lang/<code>", ("GET",), language, "page.lang"),
)
