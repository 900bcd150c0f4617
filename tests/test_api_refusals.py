"""Bad requests get a precise JSON error and store nothing; roles and tokens are enforced."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from service.security.accounts import create_token, disable_user, revoke_token
from service.db import models as m
from service_support import example, fixture, modified, sqlite_service, sqlite_settings  # noqa: F401


def stored(rt) -> tuple[int, int]:
    with rt.reading() as s:
        packages = s.scalar(select(func.count()).select_from(m.PackageRow))
    blobs = len(list(rt.blobs.all()))
    return packages, blobs


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("body,ctype,status,code", [
    (b"this is not a zip", "application/zip", 400, "not_a_package"),
    (b"", "application/zip", 400, "not_a_package"),
    (zip_of({"package.json": b'{"stage": "declaration",'}), "application/zip", 400, "not_a_package"),
    (zip_of({"package.json": b"{}", "../../escape.txt": b"x"}), "application/zip", 400, "not_a_package"),
    (zip_of({"readme.txt": b"no package here"}), "application/zip", 400, "not_a_package"),
    (b'{"stage": "declaration"}', "application/json", 415, "unsupported_media_type"),
    (b"x", "text/plain", 415, "unsupported_media_type"),
])
def test_bodies_that_are_not_packages_store_nothing(sqlite_service, body, ctype, status, code):
    rt, api = sqlite_service
    before = stored(rt)
    response = api("chaohui", "POST", "/api/v1/packages", data=body, content_type=ctype)
    assert response.status_code == status and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert stored(rt) == before


def test_oversized_bodies_are_413_and_store_nothing(sqlite_service):
    rt, api = sqlite_service
    object.__setattr__(rt.settings, "max_upload_bytes", 4096)
    api.client.application.config["MAX_CONTENT_LENGTH"] = 4096
    response = api.submit("chaohui", example("declaration"))
    assert response.status_code == 413 and response.json["error"]["code"] in ("too_large", "request_entity_too_large")
    assert stored(rt) == (0, 0)


def test_zip_bombs_are_413(sqlite_service, monkeypatch):
    rt, api = sqlite_service
    monkeypatch.setenv("JIUGAI_MAX_UNPACKED_BYTES", str(1 << 20))
    bomb = zip_of({"package.json": b"{}", "big.pdf": b"\0" * (8 << 20)})
    response = api.submit("chaohui", bomb)
    assert response.status_code == 413 and "1048576" in response.json["error"]["message"]
    assert stored(rt) == (0, 0)


def test_multipart_upload_with_the_field_package(sqlite_service):
    _rt, api = sqlite_service
    response = api("chaohui", "POST", "/api/v1/packages", data={"package": (io.BytesIO(example("declaration")), "p.zip")},
                   content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["status"] == "accepted"
    missing = api("chaohui", "POST", "/api/v1/packages", data={"other": (io.BytesIO(b"x"), "p.zip")}, content_type="multipart/form-data")
    assert missing.status_code == 400


@pytest.mark.parametrize("user,method,url,status", [
    (None, "GET", "/api/v1/packages", 401),
    ("archivist", "POST", "/api/v1/packages", 403),
    ("clerk", "POST", "/api/v1/packages", 403),
    ("admin", "POST", "/api/v1/packages", 403),
    ("chaohui", "POST", "/api/v1/packages/1/approval", 403),
    ("chaohui", "GET", "/api/v1/projects/XC-2020-007/bundle.zip", 403),
    ("clerk", "POST", "/api/v1/projects/XC-2020-007/receipt", 403),
    ("admin", "GET", "/api/v1/packages/1/documents/notice.pdf", 403),
])
def test_roles(sqlite_service, user, method, url, status):
    _rt, api = sqlite_service
    response = api(user, method, url, data=example("declaration"), content_type="application/zip")
    assert response.status_code == status and "error" in response.json


def test_revoked_expired_and_disabled_tokens_stop_at_once(sqlite_service):
    rt, api = sqlite_service
    assert api("clerk", "GET", "/api/v1/packages").status_code == 200
    revoke_token(rt, api.tokens["clerk"])
    assert api("clerk", "GET", "/api/v1/packages").status_code == 401
    api.tokens["clerk"] = create_token(rt, "clerk")
    with rt.writing() as s:
        s.execute(update(m.Token).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
                  .where(m.Token.prefix == api.tokens["clerk"][:10]))
    assert api("clerk", "GET", "/api/v1/packages").status_code == 401
    disable_user(rt, "archivist")
    assert api("archivist", "GET", "/api/v1/packages").status_code == 401
    assert api(None, "GET", "/api/v1/packages", headers={"Authorization": "Bearer jg_forged"}).status_code == 401


def test_tokens_and_passwords_are_stored_hashed(sqlite_service):
    rt, api = sqlite_service
    with rt.reading() as s:
        tokens = list(s.scalars(select(m.Token)))
        users = list(s.scalars(select(m.User)))
    stored_text = " ".join(f"{t.digest} {t.prefix}" for t in tokens) + " ".join(u.password_hash for u in users)
    for token in api.tokens.values():
        assert token not in stored_text
    assert "pw-clerk" not in stored_text
    assert all(u.password_hash.startswith(("scrypt:", "pbkdf2:")) for u in users)


def test_a_failed_acceptance_gets_no_certificate(sqlite_service):
    _rt, api = sqlite_service
    declared = api.submit("chaohui", example("declaration")).json["id"]
    api("clerk", "POST", f"/api/v1/packages/{declared}/approval", json={"approved": True, "approved_budget_yuan": "16200000.00"})
    failed = api.submit("chaohui", fixture("acceptance", "accept-conclusion")).json
    assert failed["status"] == "rejected"
    response = api("clerk", "GET", f"/api/v1/packages/{failed['id']}/documents/acceptance-certificate.pdf")
    assert response.status_code == 409 and response.json["error"]["code"] == "blocked"
    assert [f["rule"] for f in response.json["error"]["findings"]] == ["ACCEPT-CONCLUSION"]
    wrong_stage = api("clerk", "GET", f"/api/v1/packages/{failed['id']}/documents/notice.pdf")
    assert wrong_stage.status_code == 409 and wrong_stage.json["error"]["findings"][0]["rule"] == "DOCUMENT-STAGE"


def test_a_later_stage_cannot_enlarge_the_area(sqlite_service):
    _rt, api = sqlite_service
    api.submit("chaohui", example("declaration"))
    response = api.submit("chaohui", modified("acceptance", lambda d: d["project"].update(floor_area_m2=198500.5)))
    assert response.json["status"] == "rejected"
    assert {(e["rule"], e["path"]) for e in response.json["report"]["errors"]} >= {("PROJECT-CONSISTENT", "/project/floor_area_m2")}


@pytest.mark.parametrize("body,status", [
    ({"approved": "yes"}, 400),
    ({"approved": True}, 400),
    ({"approved": True, "approved_budget_yuan": "12"}, 400),
    ("not an object", 400),
])
def test_approval_bodies_are_checked(sqlite_service, body, status):
    _rt, api = sqlite_service
    pid = api.submit("chaohui", example("declaration")).json["id"]
    assert api("clerk", "POST", f"/api/v1/packages/{pid}/approval", json=body).status_code == status


def test_approval_only_of_an_accepted_declaration(sqlite_service):
    _rt, api = sqlite_service
    pid = api.submit("chaohui", fixture("declaration", "elig-demolition")).json["id"]
    response = api("clerk", "POST", f"/api/v1/packages/{pid}/approval", json={"approved": False, "remark": "不符合条件"})
    assert response.status_code == 409


def test_receipt_needs_a_handover(sqlite_service):
    _rt, api = sqlite_service
    response = api("archivist", "POST", "/api/v1/projects/XC-2020-007/receipt", json={"receiver": "x", "date": "2021-03-05"})
    assert response.status_code == 409
    bad = api("archivist", "POST", "/api/v1/projects/XC-2020-007/receipt", json={"receiver": "x", "date": "5 March"})
    assert bad.status_code == 400


def test_check_endpoint_reports_and_stores_nothing(sqlite_service):
    rt, api = sqlite_service
    report = api("archivist", "POST", "/api/v1/check?lang=en", data=fixture("declaration", "consent-bounds"), content_type="application/zip")
    assert report.status_code == 200 and report.json["errors"][0]["rule"] == "CONSENT-BOUNDS"
    bare = api("chaoming", "POST", "/api/v1/check", data=(example("declaration")[:0] or b'{"stage": "handover"}'), content_type="application/json")
    assert bare.status_code == 200 and bare.json["valid"] is False
    assert stored(rt) == (0, 0)


def test_errors_never_leak_a_traceback(sqlite_service, monkeypatch):
    _rt, api = sqlite_service
    from service.usecases import submissions

    def broken(*a, **k):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(submissions, "listing", broken)
    response = api("clerk", "GET", "/api/v1/packages")
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"
    assert "secret detail" not in response.text and "Traceback" not in response.text
