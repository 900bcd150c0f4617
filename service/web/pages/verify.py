"""/verify/<number>: the page a printed document's QR code opens, for anybody."""
from __future__ import annotations

from flask import render_template

from service import issuing
from service.web.auth import runtime
from service.web.route import Route


def page(key: str):
    """What was issued under this number: kind, project, time, digests — nothing else of the package."""
    found = issuing.verify(runtime(), key)
    return render_template("verify.html", key=key, found=found), 200 if found else 404


ROUTES = (Route("/verify/<key>", ("GET",), page, "page.verify"),)
