"""Receipts that make sense and can be corrected; times in Beijing time (issue 12, point 10)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from service.clock import shown
from service.db import models as m
from service_support import database_not_files, example, service, submit_example_project  # noqa: F401
from test_sessions import signed_in_client

RECEIPT = "/api/v1/projects/XC-2020-007/receipt"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def handed_over(service):
    rt, api = service
    submit_example_project(api)
    return rt, api


def receipts(rt) -> list[tuple[str, str, str | None]]:
    with rt.reading() as s:
        return [(r.receiver, r.received_on, r.reason) for r in s.scalars(select(m.Receipt).order_by(m.Receipt.id))]


@pytest.mark.parametrize("day,words", [
    ("1900-01-01", ["1900-01-01", "2021-03-01", "早于移交日期"]),
    ("2030-01-01", ["2030-01-01", "晚于今天"]),
    ("2021-02-30", ["2021-02-30", "不是日期"]),
])
def test_a_receipt_before_the_handover_or_in_the_future_is_refused(handed_over, day, words):
    rt, api = handed_over
    answer = api("archivist", "POST", RECEIPT, json={"receiver": "档案馆 李娜", "date": day}, headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 400 and all(w in answer.json["error"]["message"] for w in words), answer.json
    assert receipts(rt) == []
    assert api(None, "GET", "/api/v1/health").status_code == 200


def test_today_in_beijing_is_accepted_and_tomorrow_is_not(handed_over):
    rt, api = handed_over
    today = datetime.now(BEIJING).date()
    tomorrow = api("archivist", "POST", f"{RECEIPT}?lang=en", json={"receiver": "李娜", "date": (today + timedelta(days=1)).isoformat()})
    assert tomorrow.status_code == 400 and f"today is {today.isoformat()} (Asia/Shanghai)" in tomorrow.json["error"]["message"]
    assert api("archivist", "POST", RECEIPT, json={"receiver": "李娜", "date": today.isoformat()}).status_code == 201


def test_an_archivist_corrects_a_receipt_with_a_reason_and_the_audit_keeps_both(handed_over):
    rt, api = handed_over
    first = api("archivist", "POST", RECEIPT, json={"receiver": "档案馆 李娜", "date": "2021-03-05"})
    assert first.status_code == 201 and first.json["reason"] is None
    same = api("archivist", "POST", RECEIPT, json={"receiver": "档案馆 李娜", "date": "2021-03-05"})
    assert same.status_code == 200
    silent = api("archivist", "POST", RECEIPT, json={"receiver": "档案馆 李娜", "date": "2021-03-08"}, headers={"Accept-Language": "zh-CN"})
    assert silent.status_code == 409 and "更正原因" in silent.json["error"]["message"] and "2021-03-05" in silent.json["error"]["message"]
    fixed = api("archivist", "POST", RECEIPT, json={"receiver": "档案馆 李娜", "date": "2021-03-08", "reason": "登记时日期填错"})
    assert fixed.status_code == 201 and fixed.json["date"] == "2021-03-08" and fixed.json["reason"] == "登记时日期填错"
    assert receipts(rt) == [("档案馆 李娜", "2021-03-05", None), ("档案馆 李娜", "2021-03-08", "登记时日期填错")]
    with rt.reading() as s:
        actions = s.scalars(select(m.AuditEntry).where(m.AuditEntry.subject == "project/XC-2020-007")
                            .order_by(m.AuditEntry.id)).all()
    assert [a.action for a in actions] == ["handover.receive", "handover.receive.correct"]
    assert actions[1].detail["was"] == {"receiver": "档案馆 李娜", "date": "2021-03-05"}
    # The page and the ledger show the newest receipt.
    page = signed_in_client(api, "archivist").get("/archive").get_data(as_text=True)
    assert "2021-03-08" in page and "登记时日期填错" in page
    ledger = api("clerk", "GET", "/api/v1/ledger.xlsx")
    assert ledger.status_code == 200


def test_times_people_read_are_beijing_time_and_the_api_gives_the_offset(handed_over):
    rt, api = handed_over
    listed = api("clerk", "GET", "/api/v1/packages").json["items"][0]
    received = datetime.fromisoformat(listed["received_at"])
    assert received.utcoffset() is not None
    beijing = received.astimezone(BEIJING)
    page = signed_in_client(api, "clerk").get(f"/packages/{listed['id']}").get_data(as_text=True)
    assert f"{beijing:%Y-%m-%d %H:%M} (UTC+08:00)" in page


def test_shown_converts_utc_and_names_the_offset():
    assert shown("2021-03-01T17:30:00+00:00", "Asia/Shanghai") == "2021-03-02 01:30 (UTC+08:00)"
    assert shown(datetime(2021, 3, 1, 17, 30), "Asia/Shanghai") == "2021-03-02 01:30 (UTC+08:00)"  # naive = UTC
    assert shown("2021-07-01T12:00:00+00:00", "Europe/Berlin") == "2021-07-01 14:00 (UTC+02:00)"
