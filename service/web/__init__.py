"""The web service: a Flask app factory; routes in routes.py, views per area in api/ and pages/."""
from __future__ import annotations

from flask import Flask

from service.config import Settings
from service.runtime import Runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """The Flask app for these settings (the environment's by default); migrates the database."""
    from service.web import errors, routes

    runtime = runtime or Runtime.open(settings)
    settings = runtime.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.session_secret(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["jiugai"] = runtime
    errors.register(app)
    routes.register(app)
    _template_globals(app)
    return app


def _template_globals(app: Flask) -> None:
    from service.i18n import gettext
    from service.web.auth import current_user
    from service.web.i18n import language
    from service.web.pages.common import csrf_token

    def translate(msgid: str, **params) -> str:
        text = gettext(msgid, language())
        return text.format(**params) if params else text

    app.jinja_env.globals.update(_=translate, csrf_token=csrf_token, current_user=current_user, lang=language)
