"""A street office's page: upload a package, see its own submissions."""
from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for

from service import decisions, submissions
from service.adapters.reader import PackageError
from service.i18n import render
from service.web.auth import runtime
from service.web.errors import ApiError
from service.web.i18n import language
from service.web.pages.common import check_csrf, signed_in
from service.web.pages.packages import _require_user, listed
from service.web.route import Route
from service.web.uploads import received


def home():
    """Upload form and the street's own submissions, newest first."""
    user = _require_user("street")
    return render_template("street.html", error=None, **_page(user))


def _page(user) -> dict:
    decided, rejected = decisions.street_news(runtime(), user)
    return {**listed(user), "decided": decided, "rejected": rejected}


def upload():
    """Store an uploaded package and show its report (or why it is not a package)."""
    user = signed_in("street")
    if user is None:
        abort(401)
    check_csrf()
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    try:
        with received() as path:
            stored = submissions.submit(runtime(), user, path)
    except (PackageError, ApiError, submissions.Forbidden) as exc:
        message = render(exc.message, language()) if isinstance(exc, PackageError) else getattr(exc, "message", str(exc))
        if wants_json:
            return jsonify({"error": message}), 400
        return render_template("street.html", error=message, **_page(user)), 400
    target = url_for("page.package", package_id=stored.row.id)
    return jsonify({"location": target}) if wants_json else redirect(target)


ROUTES = (
    Route("/street", ("GET",), home, "page.street"),
    Route("/street/upload", ("POST",), upload, "page.upload"),
)
