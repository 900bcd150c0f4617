"""The language of a request: ?lang=, else the browser's Accept-Language, else Chinese."""
from __future__ import annotations

from flask import request, session

from service.i18n import LANGUAGES


def language() -> str:
    """'zh' or 'en' for this request."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(["zh", "en"]) or "zh"
