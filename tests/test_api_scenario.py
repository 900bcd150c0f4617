"""The scenario of interfaces.md through HTTP, on SQLite and on PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import unquote

import bagit

from service.security.audit import verify
from service_support import database, example, fixture, service  # noqa: F401  (pytest fixtures)


def test_the_programme_from_declaration_to_receipt(service, tmp_path):
    rt, api = service
    # A street declares; an invalid package is stored too, with its report.
    rejected = api.submit("chaohui", fixture("declaration", "elig-demolition"))
    assert rejected.status_code == 201 and rejected.json["status"] == "rejected"
    assert [e["rule"] for e in rejected.json["report"]["errors"]] == ["ELIG-DEMOLITION"]
    declared = api.submit("chaohui", example("declaration"))
    assert declared.status_code == 201, declared.json
    assert declared.json["status"] == "accepted" and declared.json["project"] == "XC-2020-007"
    decl_id = declared.json["id"]

    # The street reads its packages, newest first, and a package with its files.
    listing = api("chaohui", "GET", "/api/v1/packages").json
    assert [p["id"] for p in listing["items"]] == [decl_id, rejected.json["id"]] and listing["total"] == 2
    shown = api("chaohui", "GET", f"/api/v1/packages/{decl_id}?lang=en").json
    assert shown["report"]["valid"] is True and len(shown["files"]) == 8
    photo = api("chaohui", "GET", f"/api/v1/packages/{decl_id}/files/notice-photos")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert hashlib.sha256(photo.data).hexdigest() == "3389a102caef76b7fff147cf7759fb3c1fdd11a930249b8d75ebe8e1e58f3597"

    # The notice, in both formats, the same bytes every time, with a Chinese file name.
    pdf = api("chaohui", "GET", f"/api/v1/packages/{decl_id}/documents/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-1.4")
    assert "公示" in unquote(pdf.headers["Content-Disposition"].split("filename*=UTF-8''")[1])
    again = api("clerk", "GET", f"/api/v1/packages/{decl_id}/documents/notice.pdf")
    assert again.data == pdf.data
    docx = api("chaohui", "GET", f"/api/v1/packages/{decl_id}/documents/notice.docx")
    assert docx.mimetype.endswith("wordprocessingml.document") and docx.data[:2] == b"PK"

    # Anybody can verify it, by number or by digest, and learns nothing else.
    number = pdf.headers["X-Document-Number"]
    by_number = api(None, "GET", f"/api/v1/verify/{number}").json
    by_digest = api(None, "GET", f"/api/v1/verify/{hashlib.sha256(docx.data).hexdigest()}").json
    assert by_number == by_digest and by_number["project"] == "XC-2020-007" and by_number["kind"] == "notice"
    assert {f["sha256"] for f in by_number["files"]} == {hashlib.sha256(pdf.data).hexdigest(), hashlib.sha256(docx.data).hexdigest()}
    assert "consent" not in str(by_number) and "王建国" not in str(by_number)
    page = api(None, "GET", f"/verify/{number}")
    assert page.status_code == 200 and number in page.text and "0571-85011234" not in page.text
    assert api(None, "GET", "/api/v1/verify/GS-0000000000000000").status_code == 404

    # The clerk records the district's decision (计划确定).
    decision = api("clerk", "POST", f"/api/v1/packages/{decl_id}/approval",
                   json={"approved": True, "approved_budget_yuan": "16200000.00", "remark": "列入2020年度计划"})
    assert decision.status_code == 201 and decision.json["plan_year"] == 2020

    # A handover before the acceptance is refused by the cross-stage rule (and kept).
    early = api.submit("chaohui", example("handover"))
    assert early.json["status"] == "rejected"
    assert [e["rule"] for e in early.json["report"]["errors"]] == ["HANDOVER-AFTER-ACCEPTANCE"]

    # Acceptance, its certificate, then the handover and its record.
    accepted = api.submit("chaohui", example("acceptance"))
    assert accepted.json["status"] == "accepted", accepted.json["report"]
    cert = api("clerk", "GET", f"/api/v1/packages/{accepted.json['id']}/documents/acceptance-certificate.pdf")
    assert cert.status_code == 200
    handed = api.submit("chaohui", example("handover"))
    assert handed.json["status"] == "accepted", handed.json["report"]
    assert api("archivist", "GET", f"/api/v1/packages/{handed.json['id']}/documents/handover-record.docx").status_code == 200

    # The archivist takes the bundle, which any BagIt validator accepts, and records the receipt once.
    bundle = api("archivist", "GET", "/api/v1/projects/XC-2020-007/bundle.zip")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    zipfile.ZipFile(io.BytesIO(bundle.data)).extractall(tmp_path / "bag")
    bagit.Bag(str(tmp_path / "bag" / "XC-2020-007")).validate()
    first = api("archivist", "POST", "/api/v1/projects/XC-2020-007/receipt", json={"receiver": "档案馆 李娜", "date": "2021-03-05"})
    second = api("archivist", "POST", "/api/v1/projects/XC-2020-007/receipt", json={"receiver": "档案馆 李娜", "date": "2021-03-05"})
    assert (first.status_code, second.status_code) == (201, 200) and first.json == second.json

    # Everything left a trace, chained.
    with rt.reading() as s:
        count, broken = verify(s)
    assert broken is None and count >= 5 + 5 + 4 + 7  # users, tokens, submissions, documents, decision, bundle, receipt


def test_streets_see_only_their_own(service):
    _rt, api = service
    mine = api.submit("chaohui", example("declaration")).json["id"]
    other = api.submit("chaoming", fixture("declaration", "huilongmiaoqian-valid")).json["id"]
    assert api("chaoming", "GET", f"/api/v1/packages/{mine}").status_code == 404
    assert api("chaoming", "GET", "/api/v1/packages/999999").status_code == 404
    assert api("chaoming", "GET", f"/api/v1/packages/{mine}/documents/notice.pdf").status_code == 404
    assert api("chaoming", "GET", f"/api/v1/packages/{mine}/files/ballots").status_code == 404
    assert [p["id"] for p in api("chaoming", "GET", "/api/v1/packages").json["items"]] == [other]
    assert api("chaoming", "GET", "/api/v1/packages?street=朝晖街道").json["items"] == []
    assert {p["id"] for p in api("clerk", "GET", "/api/v1/packages").json["items"]} == {mine, other}
    assert [p["id"] for p in api("clerk", "GET", "/api/v1/packages?street=潮鸣街道").json["items"]] == [other]
    # A package of another street is refused, and not stored.
    refused = api.submit("chaoming", example("acceptance"))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert api("clerk", "GET", "/api/v1/packages").json["total"] == 2
