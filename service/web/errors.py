"""Every failure as JSON {"error": {"code", "message"}} with a fitting status; never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from service.domain.findings import N_

log = logging.getLogger("jiugai.web")


class ApiError(Exception):
    """An error to answer with: status, a stable code and a message."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def body(code: str, message: str, **extra) -> dict:
    """The error body every client can rely on."""
    return {"error": {"code": code, "message": message, **extra}}


PAGE_MESSAGES = {
    400: N_("The request could not be understood: go back and try again."),
    401: N_("Please sign in to see this page."),
    403: N_("Your role may not see this page or do this."),
    404: N_("There is no such page, or it is not one you may see."),
    405: N_("This address does not take that kind of request."),
    413: N_("The file is larger than the service accepts."),
    429: N_("Too many attempts: wait a minute and try again."),
    500: N_("The service failed to handle this request; it has been logged. Try again later."),
}
CSRF_EXPIRED = N_("The form has expired or did not come from this site: reload the page and try again.")
PAGE_ONLY = {CSRF_EXPIRED}


def register(app: Flask) -> None:
    """Install the handlers that turn every exception into a JSON error (or an error page)."""

    def answer(status: int, code: str, message: str, **extra):
        if request.path.startswith("/api/"):
            return jsonify(body(code, message, **extra)), status
        from flask import render_template

        from service.i18n import gettext
        from service.web.i18n import language

        # A page speaks the page's language: its own message if it is a catalogue's, else the status's.
        known = message in PAGE_MESSAGES.values() or message in PAGE_ONLY
        text = gettext(message if known else PAGE_MESSAGES.get(status, PAGE_MESSAGES[500]), language())
        return render_template("error.html", status=status, code=code, message=text), status

    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        return answer(exc.status, exc.code, exc.message, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.response is not None:  # a redirect raised through abort()
            return exc.response
        code = (exc.name or "error").lower().replace(" ", "_")
        response = app.make_response(answer(exc.code or 500, code, exc.description or exc.name))
        for name, value in exc.get_headers():  # e.g. a 405's Allow: the methods the URL does take
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return answer(500, "internal_error", "the service failed to handle this request; it has been logged")
