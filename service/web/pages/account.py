"""The user's own account: change the password; a one-time password must be changed before anything else.

Checking the current password and setting the new one are service.security.sessions' (sign-in throttling,
every other session ended); this page only asks, checks the two entries agree, and starts the
browser's new session."""
from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from service.security.accounts import set_one_time
from service.db import models as m
from service.domain.findings import N_
from service.web.auth import runtime
from service.web.pages.common import check_csrf
from service.web.pages.packages import _require_user
from service.web.route import Route

MIN_LENGTH = 10
REFUSED = {
    "current": N_("The current password is wrong."),
    "short": N_("The new password needs at least {count} characters."),
    "same": N_("The new password must differ from the current one."),
    "differ": N_("The two entries of the new password differ."),
}
# Pages a user with a one-time password may still open: this one, signing out, the language switch.
OPEN_WHILE_FORCED = {"page.password", "page.signout", "page.lang", "page.signin", "static"}


def must_change(user_id: int) -> bool:
    """Whether the user still has a one-time password."""
    with runtime().reading() as s:
        return bool(s.scalar(select(m.User.must_change_password).where(m.User.id == user_id)))


def password():
    """Change the password: the current one, the new one twice."""
    from service.security import sessions

    user = _require_user()
    forced = must_change(user.id)
    problem = None
    if request.method == "POST":
        check_csrf()
        current, new, again = (request.form.get(k, "") for k in ("current", "new", "again"))
        if sessions.sign_in(runtime(), user.name, current, request.remote_addr or "") is None:
            problem = "current"
        elif len(new) < MIN_LENGTH:
            problem = "short"
        elif new == current:
            problem = "same"
        elif new != again:
            problem = "differ"
        else:
            sessions.set_password(runtime(), user.name, new, actor=user.name)  # ends every session of the user
            set_one_time(runtime(), user.name, False)
            key, _csrf = sessions.start(runtime(), user)
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            session["sid"] = key
            g.pop("user", None)
            return redirect(url_for("page.password", changed=1))
    status = 400 if problem else 200
    return render_template("password.html", forced=forced, problem=REFUSED.get(problem), min_length=MIN_LENGTH,
                           changed=request.args.get("changed") == "1" and not problem), status


def enforce_change():
    """Before a page: a user signed in with a one-time password is sent to change it first."""
    if request.endpoint in OPEN_WHILE_FORCED or request.path.startswith("/api/") or "sid" not in session:
        return None
    from service.web.auth import current_user

    user = current_user()
    if user is not None and must_change(user.id):
        return redirect(url_for("page.password"))
    return None


ROUTES = (Route("/account/password", ("GET", "POST"), password, "page.password"),)
