"""Fuzz the API from its own OpenAPI document (schemathesis): no request makes it fail with a 500."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.config import Settings
from service.runtime import Runtime
from service.web import create_app
from service_support import example, make_users

_STATE: dict = {}


@schemathesis.serializer("application/zip")
def _zip_body(ctx, value):
    """Send generated binary bodies as they are (most are not zips: the API must say so, not fail)."""
    return value if isinstance(value, bytes) else str(value).encode()


def _app():
    if "app" not in _STATE:
        import tempfile
        from pathlib import Path

        import atexit
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="jiugai-fuzz-"))
        atexit.register(shutil.rmtree, folder, True)
        rt = Runtime.open(Settings(data_dir=folder))
        tokens = make_users(rt)
        app = create_app(runtime=rt)
        client = app.test_client()
        for stage in ("declaration", "acceptance", "handover"):  # something to find
            client.post("/api/v1/packages", data=example(stage), content_type="application/zip",
                        headers={"Authorization": f"Bearer {tokens['chaohui']}"})
        _STATE.update(app=app, tokens=tokens)
    return _STATE["app"]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _app())


@pytest.mark.parametrize("user", ["clerk", "chaohui", "archivist"])
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, user):
    response = case.call(headers={"Authorization": f"Bearer {_STATE['tokens'][user]}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert set(response.json()) == {"error"} and {"code", "message"} <= set(response.json()["error"])


def test_the_openapi_document_is_3_1():
    client = _app().test_client()
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1") and "/api/v1/packages" in doc["paths"]


PAGE_URLS = ("/", "/street", "/packages", "/packages/1", "/overview", "/archive", "/archive/XC-2020-007/four-property",
             "/verify/GS-0000000000000000", "/jobs/1", "/signin", "/lang/en")
PAGE_PARAMS = ("page", "plan_year", "street", "stage", "status", "project", "lang", "next")


def _page_client(user: str):
    import re

    client = _app().test_client()
    html = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    assert client.post("/signin", data={"csrf": token, "name": user, "password": f"pw-{user}"}).status_code == 302
    return client


@pytest.mark.parametrize("user", ["clerk", "chaohui", "archivist"])
def test_no_query_makes_a_page_fail(user):
    """The pages' query parameters, fuzzed: huge numbers, signs, text, nothing — never a 500."""
    from hypothesis import given, strategies as st

    client = _page_client(user)
    values = st.one_of(st.text(max_size=30), st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
                       st.sampled_from(["", "0", "-1", "1e400", "NaN", "２０２０", "9" * 25, "//evil.example", "\x00"]))

    @given(url=st.sampled_from(PAGE_URLS), query=st.dictionaries(st.sampled_from(PAGE_PARAMS), values, max_size=4))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def run(url, query):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query, response.status_code)
        if response.status_code in (301, 302, 303):
            assert not response.headers["Location"].startswith(("//", "http://evil", "https://evil")), (url, query)

    run()
