"""/verify/<number>: the page a printed document's QR code opens, for anybody; /verify: a form
that checks an uploaded PDF's signature and says which issued document it is."""
from __future__ import annotations

from flask import render_template, request

from service import issuing
from service.i18n import render
from service.web.auth import runtime
from service.web.errors import ApiError
from service.web.i18n import language
from service.web.pages.common import check_csrf
from service.web.route import Route


def page(key: str):
    """What was issued under this number: kind, project, time, digests — nothing else of the package."""
    found = issuing.verify(runtime(), key)
    return render_template("verify.html", key=key, found=found), 200 if found else 404


def upload():
    """The form (GET) and its answer (POST): the signature's verdict and the document it is."""
    if request.method == "GET":
        return render_template("verify_file.html", result=None, error=None)
    check_csrf()
    from service.signing.keys import SigningKeyError
    from service.web.api.documents import uploaded_pdf

    try:
        result = issuing.verify_file(runtime(), uploaded_pdf(runtime().settings.max_verify_bytes))
    except ApiError as exc:
        return render_template("verify_file.html", result=None, error=exc.message), exc.status
    except SigningKeyError as exc:
        return render_template("verify_file.html", result=None, error=str(exc)), 503
    result["messages"] = [render(m, language()) for m in result["messages"]]
    return render_template("verify_file.html", result=result, error=None)


ROUTES = (Route("/verify", ("GET", "POST"), upload, "page.verify_file"),
          Route("/verify/<key>", ("GET",), page, "page.verify"))
