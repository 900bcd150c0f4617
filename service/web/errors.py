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

    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        return jsonify(body(exc.code, exc.message, **exc.extra)), exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(body(code, exc.description or exc.name))
        return response, exc.code or 500

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return jsonify(body("internal_error", "the service failed to handle this request; it has been logged")), 500
