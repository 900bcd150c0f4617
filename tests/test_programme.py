"""The programme: the realistic data set, plan-year batches (local pool and RQ on Redis, with a
worker killed mid-job), the ledger and the dashboard."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from conftest import unavailable
from service import jobs, queue
from service.accounts import Principal, add_user, create_token
from service.adapters.reader import open_package
from service.config import Settings
from service.db import models as m
from service.programme.dataset import STAGES, TARGETS, communities, zipped
from service.programme.load import load
from service.runtime import Runtime
from service.services import checker
from service.web import create_app
from service_support import listening


def test_the_data_set_adds_up_to_the_plan_and_every_package_is_valid(tmp_path):
    cs = communities()
    assert len(cs) == TARGETS["communities"] and len({c.name for c in cs}) == 93 and len({c.street for c in cs}) == 8
    assert sum(c.buildings for c in cs) == TARGETS["buildings"] and sum(c.households for c in cs) == TARGETS["households"]
    assert sum(c.area for c in cs) == TARGETS["area_m2"] and sum(c.budget for c in cs) == TARGETS["budget_yuan"]
    assert communities() == cs  # the same seed, the same programme
    upload = tmp_path / "p.zip"
    for c in cs:
        for stage, make in STAGES.items():
            upload.write_bytes(zipped(*make(c)))
            with open_package(upload) as package:
                report = checker().check(package)
            assert [f.rule for f in report.findings if f.rule != "HANDOVER-AFTER-ACCEPTANCE"] == [], (c.code, stage)


@pytest.fixture
def programme_2019(tmp_path):
    """A SQLite runtime holding the 2019 projects (six communities, all three stages) and a clerk."""
    settings = Settings(data_dir=tmp_path / "data")
    rt = Runtime.open(settings)
    assert load(rt, plan_years={2019}) == 18
    clerk = add_user(rt, "clerk", "clerk", None, "pw-clerk")
    yield rt, clerk
    queue.shutdown()
    rt.engine.dispose()


def wait_done(rt: Runtime, job_id: int, timeout: float = 180) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = jobs.progress(rt, job_id)
        if state["status"] == "done":
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {jobs.progress(rt, job_id)}")


def issued(rt: Runtime) -> tuple[int, int]:
    with rt.reading() as s:
        rows = s.scalar(select(func.count()).select_from(m.DocumentRow))
        logged = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.action == "document.issue"))
    return rows, logged


def test_a_plan_year_batch_in_the_local_pool(programme_2019):
    rt, clerk = programme_2019
    job, created = jobs.request(rt, clerk, {"plan_year": 2019})
    assert created and job.total == 6 * 4 * 2  # four documents a project: notice, certificate, subsidy statement, record
    again, created_again = jobs.request(rt, clerk, {"plan_year": "2019"})
    assert again.id == job.id and not created_again  # the same request does not start a second job
    state = wait_done(rt, job.id)
    assert state["done"] == state["total"] == 48 and state["failures"] == []
    names = zipfile.ZipFile(io.BytesIO(jobs.result(rt, job.id))).namelist()
    assert len(names) == 48
    assert all(re.match(r"2019/[^/]+街道/XC-2019-\d{3}-[^/]+/(notice|acceptance-certificate|subsidy-statement|handover-record)\.(pdf|docx)$", n) for n in names)
    assert issued(rt) == (48, 48)


def test_batch_requests_are_checked(programme_2019):
    rt, clerk = programme_2019
    for params in ({}, {"plan_year": "last"}, {"stage": "planning"}, {"plan_year": 2019, "street": 5}):
        with pytest.raises(ValueError):
            jobs.request(rt, clerk, params)
    street = Principal(0, "x", "street", "朝晖街道")
    from service.submissions import Forbidden

    with pytest.raises(Forbidden):
        jobs.request(rt, street, {"plan_year": 2019})


def test_a_batch_through_redis_survives_a_killed_worker(tmp_path):
    if not listening(6379):
        unavailable("Redis is not reachable at 127.0.0.1:6379: the queue tests cannot run here; .ci/run starts it")
    from redis import Redis

    url = "redis://127.0.0.1:6379/13"
    Redis.from_url(url).flushdb()
    settings = Settings(data_dir=tmp_path / "data", queue_url=url)
    rt = Runtime.open(settings)
    load(rt, plan_years={2019})
    clerk = add_user(rt, "clerk", "clerk", None, None)
    env = {**os.environ, "JIUGAI_DATA_DIR": str(settings.data_dir), "JIUGAI_QUEUE_URL": url, "JIUGAI_JOB_LEASE_SECONDS": "2"}

    def worker():
        return subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    first = worker()
    os.environ["JIUGAI_JOB_LEASE_SECONDS"] = "2"
    try:
        job, _ = jobs.request(rt, clerk, {"plan_year": 2019})
        deadline = time.time() + 120
        while jobs.progress(rt, job.id)["done"] < 2 and time.time() < deadline:
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = jobs.progress(rt, job.id)
        assert 2 <= killed_at["done"] < killed_at["total"], killed_at
        second = worker()
        try:
            state = wait_done(rt, job.id)
        finally:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
    finally:
        os.environ.pop("JIUGAI_JOB_LEASE_SECONDS", None)
    assert state["done"] == state["total"] == 48
    assert issued(rt) == (48, 48)  # every document produced once, though a worker died midway
    assert len(zipfile.ZipFile(io.BytesIO(jobs.result(rt, job.id))).namelist()) == 48
    Redis.from_url(url).flushdb()
    rt.engine.dispose()


def test_the_ledger_adds_up(programme_2019):
    rt, clerk = programme_2019
    app = create_app(runtime=rt)
    token = create_token(rt, "clerk")
    response = app.test_client().get("/api/v1/ledger.xlsx", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    projects, totals = book["项目台账"], book["汇总"]
    assert projects.freeze_panes == "A2" and projects["A1"].value == "街道"
    rows = list(projects.iter_rows(min_row=2, values_only=True))
    cs = [c for c in communities() if c.plan_year == 2019]
    assert len(rows) == len(cs) and {r[2] for r in rows} == {c.code for c in cs}
    assert all(r[4] == "已移交" for r in rows)
    grand = list(totals.iter_rows(values_only=True))[-1]
    assert grand[0] == "合计" and grand[2] == len(cs)
    assert grand[3] == sum(c.buildings for c in cs) and grand[4] == sum(c.households for c in cs)
    assert Decimal(str(grand[5])) == sum(c.area for c in cs) and Decimal(str(grand[6])) == sum(c.budget for c in cs)
    assert Decimal(str(grand[7])) == sum(Decimal(str(r[9])) for r in rows)
    assert projects.cell(row=2, column=9).number_format == "#,##0.00"


def test_the_dashboard_draws_progress(programme_2019):
    rt, clerk = programme_2019
    app = create_app(runtime=rt)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = clerk.id
    page = client.get("/overview")
    assert page.status_code == 200 and page.text.count("<svg") == 3
    share = sum(c.buildings for c in communities() if c.plan_year == 2019) / TARGETS["buildings"]
    assert f"{share:.1%}" in page.text

