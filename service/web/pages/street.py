"""A street office's page: upload a package, see its own submissions."""
from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for

from service.usecases import decisions

from service.usecases import submissions
from service.adapters.reader import PackageError, PackageTooLarge
from service.domain.findings import N_
from service.i18n import gettext, render
from service.web.auth import runtime
from service.web.errors import ApiError
from service.web.i18n import language
from service.web.pages.common import check_csrf, signed_in
from service.web.pages.packages import _require_user, listed
from service.web.route import Route
from service.web.uploads import received


# What the upload form says when the service cannot take the file, in the page's language.
UPLOAD_REFUSED = {
    "not_a_zip": N_("The file is not a zip archive: zip the folder that holds package.json and the attached files, and upload the .zip."),
    "not_a_package": N_("Choose the package (.zip) to upload."),
    "unsupported_media_type": N_("Choose the package (.zip) to upload."),
    "too_large": N_("The file is larger than the service accepts."),
    "forbidden": N_("The package names another street as its submitter: a street office submits only its own packages."),
}


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
            with open(path, "rb") as f:
                if not f.read(2) == b"PK":
                    raise ApiError(400, "not_a_zip", "not a zip")
            stored = submissions.submit(runtime(), user, path)
    except (PackageError, ApiError, submissions.Forbidden) as exc:
        message = (render(exc.message, language()) if isinstance(exc, PackageError)
                   else gettext(UPLOAD_REFUSED.get(getattr(exc, "code", "forbidden"), UPLOAD_REFUSED["not_a_package"]), language()))
        # A bomb is refused as too large, as by the API; the upload's own refusals keep their status.
        status = 413 if isinstance(exc, PackageTooLarge) else exc.status if isinstance(exc, ApiError) else 400
        if wants_json:
            return jsonify({"error": message}), status
        return render_template("street.html", error=message, **_page(user)), status
    target = url_for("page.package", package_id=stored.row.id)
    return jsonify({"location": target}) if wants_json else redirect(target)


ROUTES = (
    Route("/street", ("GET",), home, "page.street"),
    Route("/street/upload", ("POST",), upload, "page.upload"),
)
