"""The web service: a Flask app factory; routes in routes.py, views per area in api/ and pages/."""
from __future__ import annotations

from flask import Flask, Response, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

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
    if settings.trusted_proxies:  # only then do X-Forwarded-For/-Proto/-Host say who called and over what
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    app.session_interface = _SessionCookies()
    app.after_request(_security_headers)
    errors.register(app)
    routes.register(app)
    _template_globals(app)
    return app


# No inline script or style anywhere: the pages' scripts and styles are files under /static/.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class _SessionCookies(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure whenever the request came over HTTPS (directly or
    through a trusted proxy) or the public URL is https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        public = app.extensions["jiugai"].settings.public_url.startswith("https:")
        return public or bool(has_request_context() and request.is_secure) or super().get_cookie_secure(app)


_EVERY_ANSWER = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                 ("Referrer-Policy", "same-origin"))


def _security_headers(response: Response) -> Response:
    # Appended, not set: no view sets these, and werkzeug's set/setdefault scan and raise per call,
    # which would cost every API request tens of microseconds.
    headers = response.headers
    headers.extend(_EVERY_ANSWER)
    if g.get("user") is not None:  # nothing a signed-in user saw stays in a shared cache or the browser's
        headers["Cache-Control"] = "no-store"
        if "Expires" in headers:
            del headers["Expires"]
        if "Vary" in headers:
            response.vary.update(("Cookie", "Authorization"))
        else:
            headers.add("Vary", "Cookie, Authorization")
    return response


def _template_globals(app: Flask) -> None:
    from service.clock import shown
    from service.i18n import gettext
    from service.web.auth import current_user
    from service.web.i18n import language
    from service.web.pages.common import csrf_token

    def translate(msgid: str, **params) -> str:
        text = gettext(msgid, language())
        return text.format(**params) if params else text

    app.jinja_env.globals.update(_=translate, csrf_token=csrf_token, current_user=current_user, lang=language)
    zone = app.extensions["jiugai"].settings.timezone
    app.jinja_env.filters["when"] = lambda value: shown(value, zone)  # every time a person reads, in Beijing time
