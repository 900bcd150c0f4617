"""Every failure as JSON {"error": {"code", "message"}} with a fitting status; never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("jiugai.web")


class ApiError(Exception):
    """An error to answer with: status, a stable code and a message."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def body(code: str, message: str, **extra) -> dict:
    """The error body every client can rely on."""
    return {"error": {"code": code, "message": message, **extra}}


def register(app: Flask) -> None:
    """Install the handlers that turn every exception into a JSON error (or an error page)."""

    def answer(status: int, code: str, message: str, **extra):
        if request.path.startswith("/api/"):
            return jsonify(body(code, message, **extra)), status
        from flask import render_template

        return render_template("error.html", status=status, code=code, message=message), status

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
