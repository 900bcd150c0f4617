"""Headers every answer carries, 405 with Allow, the Secure cookie behind HTTPS, and an OpenAPI
document that lists every endpoint (issue 12, point 10)."""
from __future__ import annotations

import re

from service.web.routes import ROUTES
from service_support import service, sqlite_service, sqlite_settings, database  # noqa: F401
from service.web import create_app
from service.runtime import Runtime
from service.config import Settings

TEMPLATES_AND_STATIC = ("service/web/templates", "service/web/static")


def test_every_answer_forbids_framing_sniffing_inline_script_and_leaking_referrers(sqlite_service):
    _rt, api = sqlite_service
    for user, url in ((None, "/signin"), (None, "/api/v1/health"), ("clerk", "/api/v1/packages"), (None, "/static/app.css"),
                      (None, "/api/v1/nothing-here")):
        response = api(user, "GET", url)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_authenticated_answers_are_not_stored_anonymous_ones_may_be(sqlite_service):
    _rt, api = sqlite_service
    for url in ("/api/v1/packages", "/api/v1/ledger.xlsx"):
        assert api("clerk", "GET", url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in api(None, "GET", "/api/v1/health").headers.get("Cache-Control", "")


def test_the_pages_have_no_inline_script_or_style():
    from conftest import ROOT

    for folder in TEMPLATES_AND_STATIC:
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
            assert not re.search(r"\son[a-z]+=", text) and " style=" not in text and "<style" not in text, path


def test_a_wrong_method_is_405_with_allow(sqlite_service):
    _rt, api = sqlite_service
    response = api("clerk", "DELETE", "/api/v1/packages")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    page = api(None, "PUT", "/signin")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def _signin_cookie(app, **environ) -> str:
    client = app.test_client()
    html = client.get("/signin", **environ).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    answer = client.post("/signin", data={"csrf": token, "name": "clerk", "password": "pw-clerk"}, **environ)
    assert answer.status_code == 302
    return answer.headers["Set-Cookie"]


def test_the_session_cookie_is_secure_behind_a_trusted_https_proxy_only(sqlite_settings):
    from service_support import make_users

    rt = Runtime.open(sqlite_settings)
    make_users(rt)
    forwarded = {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}}
    direct = create_app(runtime=rt)
    cookie = _signin_cookie(direct, **forwarded)  # nobody said to trust the proxy: the header is ignored
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    object.__setattr__(rt.settings, "trusted_proxies", 1)
    proxied = create_app(runtime=rt)
    assert "Secure" in _signin_cookie(proxied, **forwarded)
    assert "Secure" not in _signin_cookie(proxied)
    rt.engine.dispose()


def test_a_bad_proxy_or_zone_setting_is_a_clear_error():
    import pytest

    with pytest.raises(ValueError, match="JIUGAI_TRUSTED_PROXIES"):
        Settings.from_env({"JIUGAI_TRUSTED_PROXIES": "yes"})
    with pytest.raises(ValueError, match="JIUGAI_TIMEZONE"):
        Settings.from_env({"JIUGAI_TIMEZONE": "Mars/Olympus"})


def test_every_api_endpoint_is_in_the_openapi_document(sqlite_service):
    _rt, api = sqlite_service
    doc = api(None, "GET", "/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    for route in ROUTES:
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route.rule).replace("{fmt}", "{format}")
        for method in route.methods:
            assert (path, method) in documented, (path, method)
