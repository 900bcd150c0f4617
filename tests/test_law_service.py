"""The report's `law` through the service: the API's check, the stored report, on SQLite and PostgreSQL."""
from __future__ import annotations

from service_support import database, example, fixture, service  # noqa: F401  (pytest fixtures)


def test_the_law_is_in_the_apis_reports_and_in_stored_reports(service):  # noqa: F811
    _rt, api = service
    mixed = ["property-law-2007", "civil-code-2021"]
    checked = api("chaoming", "POST", "/api/v1/check", data=fixture("declaration", "law-mixed-valid"), content_type="application/zip")
    assert checked.status_code == 200 and checked.json["law"] == mixed and checked.json["valid"] is True
    stored = api.submit("chaoming", fixture("declaration", "law-mixed-valid"))
    assert stored.status_code == 201 and stored.json["status"] == "accepted" and stored.json["report"]["law"] == mixed
    shown = api("chaoming", "GET", f"/api/v1/packages/{stored.json['id']}").json
    assert shown["report"]["law"] == mixed
    assert [v["law"] for v in shown["report"]["computed"]["votes"]] == mixed
    # a rejected 1.0 declaration voted under the Civil Code says so, and names its law
    rejected = api.submit("chaohui", fixture("declaration", "law-civil-code-format-10"))
    assert rejected.json["status"] == "rejected" and rejected.json["report"]["law"] == "civil-code-2021"
    assert [e["rule"] for e in rejected.json["report"]["errors"]] == ["CONSENT-TURNOUT"]
    # acceptance reports have none
    accepted = api.submit("chaohui", example("acceptance"))
    assert "law" not in accepted.json["report"]
