"""The programme: the realistic data set, plan-year batches (local pool and RQ on Redis, with a
worker killed mid-job), the ledger and the dashboard."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from conftest import unavailable
from service import queue
from service.usecases import jobs
from service.security.accounts import Principal, add_user, create_token
from service.adapters.reader import open_package
from service.config import Settings
from service.db import models as m
from service.domain.project import normal_name
from service.usecases.handover import approve
from service.programme.dataset import (STAGES, TARGETS, Community, Project, declaration, fixture_projects, generated, projects,
                                       zipped)
from service.programme.load import load
from service.programme.progress import figures
from service.programme.targets import targets
from service.runtime import Runtime
from service.services import checker
from service.web import create_app
from service_support import database, listening  # noqa: F401  (database: the fixture)

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_WARNINGS = ("HANDOVER-AFTER-ACCEPTANCE", "PROJECT-APPROVED")


def test_the_targets_are_data_beside_the_rule_set():
    raw = json.loads((ROOT / "schemas" / "programmes" / "xiacheng-2019.json").read_text(encoding="utf-8"))
    assert raw["ruleset"] == "xiacheng-2019" and (ROOT / "schemas" / "rulesets" / "xiacheng-2019.json").is_file()
    t = targets()
    assert t.totals == {"communities": 93, "buildings": 1481, "households": 69600, "area_m2": Decimal("4480000.00"),
                        "budget_yuan": Decimal("1786200000.00")} == TARGETS
    assert t.by_year == 2022 and t.plan_years[2020] == {"communities": 51, "projects": 26, "buildings": 834, "households": 39480}


def test_the_programme_adds_up_to_the_plan_and_to_the_2020_plan():
    ps = projects()
    cs = [c for p in ps for c in p.communities]
    assert len(cs) == 93 and len({c.street for c in cs}) == 8
    assert sum(c.buildings for c in cs) == 1481 and sum(c.households for c in cs) == 69600
    assert sum(c.area for c in cs) == Decimal("4480000.00") and sum(p.budget for p in ps) == Decimal("1786200000.00")
    in_2020 = [p for p in ps if p.plan_year == 2020]
    assert len(in_2020) == 26 and sum(len(p.communities) for p in in_2020) == 51
    assert sum(c.buildings for p in in_2020 for c in p.communities) == 834
    assert sum(c.households for p in in_2020 for c in p.communities) == 39480
    where = {c.name: (p.plan_year, c.buildings) for p in ps for c in p.communities}
    assert all(where[f"朝晖{n}区"][0] == 2020 for n in "一二三四五六八")
    assert where["朝晖七区"] == (2021, 95) and where["朝晖九区"] == (2021, 57)
    assert projects() == ps  # the same seed, the same programme
    other = projects(seed=7)
    assert other != ps and sum(c.buildings for p in other for c in p.communities) == 1481


def test_projects_of_several_communities_are_written_in_format_1_1():
    ps = projects()
    assert "朝晖二区、三区、四区综合改造提升项目" in {p.name for p in ps}
    several = [p for p in ps if len(p.communities) > 1 and p.fixture is None]
    assert several
    for p in several:
        for make in STAGES.values():
            doc = make(p)[0]
            assert doc["format_version"] == "1.1" and doc["project"]["name"] == p.name
            assert [c["name"] for c in doc["project"]["communities"]] == [c.name for c in p.communities]
        assert [v["community"] for v in declaration(p)[0]["consent"]["votes"]] == [c.name for c in p.communities]
        assert len({c.built_year <= 2000 for c in p.communities}) == 1  # one funding basis


def test_the_demo_fixture_projects_are_part_of_the_programme():
    fixtures = fixture_projects()
    assert {"XC-2020-007", "XC-2021-012"} <= {p.code for p in fixtures}
    one = next(p for p in fixtures if p.code == "XC-2020-007")
    doc = json.loads((ROOT / "fixtures" / "examples" / "declaration" / "package.json").read_text(encoding="utf-8"))
    assert one.communities[0].buildings == doc["project"]["buildings"] and one.budget == Decimal(doc["plan"]["total_budget_yuan"])
    ps = projects()
    assert all(p in ps for p in fixtures)
    generated_names = {c.name for p in ps if p.fixture is None for c in p.communities}
    assert not generated_names & {c.name for p in fixtures for c in p.communities}


def test_no_community_twice_after_normalising_its_name():
    ps = projects()
    keys = [(p.street, normal_name(c.name)) for p in ps for c in p.communities]
    assert len(keys) == len(set(keys))
    # A fixture naming 朝晖五区 with an ideographic space and in decomposed form still takes its place.
    odd = Project("XC-2020-900", "朝晖五区", "朝晖街道", 2020,
                  (Community(unicodedata.normalize("NFD", "朝晖\u3000五区"), "朝晖街道", 1990, False, 20, 900, Decimal("50000.00")),),
                  Decimal("10000000.00"), 0, "somewhere")
    mixed = projects(fixtures=[odd])
    names = [normal_name(unicodedata.normalize("NFC", c.name)) for p in mixed for c in p.communities]
    assert names.count("朝晖五区") == 1 and len(names) == 93
    assert sum(c.buildings for p in mixed for c in p.communities) == 1481
    in_2020 = [p for p in mixed if p.plan_year == 2020]
    assert len(in_2020) == 26 and sum(c.households for p in in_2020 for c in p.communities) == 39480


def _votes(doc: dict) -> list[dict]:
    consent = doc["consent"]
    return consent["votes"] if "votes" in consent else [consent]


def test_every_generated_package_is_valid_and_named_by_the_district_of_its_date(tmp_path):
    upload = tmp_path / "p.zip"
    merger = date(2021, 4, 9)
    for p in generated():
        for stage, make in STAGES.items():
            doc, files = make(p)
            upload.write_bytes(zipped(doc, files))
            with open_package(upload) as package:
                report = checker().check(package)
            # Offline, the checker cannot see the other stages or the district's decision: it only warns of them.
            assert [f.rule for f in report.findings if f.rule not in OFFLINE_WARNINGS] == [], (p.code, stage)
            on = date.fromisoformat(doc["submitted_on"])
            district = "拱墅区" if on >= merger else "下城区"
            assert district in doc["submitter"]["unit"], (p.code, stage)
            blocks = doc["project"].get("communities") or [doc["project"]]
            assert all(district in b["address"] for b in blocks)
            if stage == "handover":
                assert district in doc["handover"]["to_unit"] and district in doc["handover"]["from_unit"]
        decl = declaration(p)[0]
        funding = decl["plan"]["funding"]
        if "city_yuan" in funding:
            assert Decimal(funding["district_yuan"]) >= Decimal(funding["city_yuan"])
        blocks = decl["project"].get("communities") or [decl["project"]]
        for block, vote in zip(blocks, _votes(decl)):
            assert Decimal(str(vote["total_exclusive_area_m2"])) <= Decimal(str(block["floor_area_m2"]))
            assert vote["total_owners"] <= block["households"]
            voted_on = date.fromisoformat(vote.get("voted_on", decl["submitted_on"]))
            if voted_on >= date(2021, 1, 1):  # the Civil Code: turnout 2/3, then 3/4 of those who took part
                part, agreed = vote["participation"], vote["renovation"]
                assert Fraction(part["owners"], vote["total_owners"]) >= Fraction(2, 3)
                assert Fraction(str(part["area_m2"])) / Fraction(str(vote["total_exclusive_area_m2"])) >= Fraction(2, 3)
                assert Fraction(agreed["owners"], part["owners"]) >= Fraction(3, 4)
                assert Fraction(str(agreed["area_m2"])) / Fraction(str(part["area_m2"])) >= Fraction(3, 4)
    assert any(p.plan_year == 2022 for p in generated())  # so the Civil Code case was met


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
    assert all(re.match(r"2019/[^/]+街道/(XC-2019-\d{3})-[^/]+/\1-[^/]*[\u4e00-\u9fff][^/]*\.(pdf|docx)$", n) for n in names), names[:3]
    assert sum("公示" in n for n in names) == 12 and sum("移交" in n for n in names) == 12  # named by their titles
    assert issued(rt) == (48, 48)


def test_batch_requests_are_checked(programme_2019):
    rt, clerk = programme_2019
    for params in ({}, {"plan_year": "last"}, {"stage": "planning"}, {"plan_year": 2019, "street": 5}):
        with pytest.raises(ValueError):
            jobs.request(rt, clerk, params)
    street = Principal(0, "x", "street", "朝晖街道")
    from service.usecases.submissions import Forbidden

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


def ledger_book(rt: Runtime):
    app = create_app(runtime=rt)
    with rt.reading() as s:
        if s.scalar(select(m.User).where(m.User.name == "ledger-clerk")) is None:
            add_user(rt, "ledger-clerk", "clerk", None, None)
    token = create_token(rt, "ledger-clerk")
    response = app.test_client().get("/api/v1/ledger.xlsx", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[dict]:
    heads = [c.value for c in sheet[1]]
    return [dict(zip(heads, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_ledger_adds_up(programme_2019):
    rt, clerk = programme_2019
    book = ledger_book(rt)
    sheet, totals = book["项目台账"], book["汇总"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "街道"
    rows = sheet_rows(sheet)
    ps = [p for p in projects() if p.plan_year == 2019]
    assert len(rows) == len(ps) and {r["项目编号"] for r in rows} == {p.code for p in ps}
    assert all(r["进度"] == "已移交" for r in rows)
    grand = sheet_rows(totals)[-1]
    assert grand["街道"] == "合计" and grand["项目数"] == len(ps) and grand["小区数"] == 6
    assert grand["幢数"] == sum(c.buildings for p in ps for c in p.communities)
    assert grand["套数"] == sum(c.households for p in ps for c in p.communities)
    assert Decimal(str(grand["建筑面积（平方米）"])) == sum(c.area for p in ps for c in p.communities)
    assert Decimal(str(grand["预算总额（元）"])) == sum(p.budget for p in ps)
    assert Decimal(str(grand["决算总额（元）"])) == sum(Decimal(str(r["决算总额（元）"])) for r in rows)
    assert sheet.cell(row=2, column=12).number_format == "#,##0.00"


def test_the_ledger_gives_built_year_dates_approved_budget_and_the_district_share(programme_2019):
    rt, clerk = programme_2019
    book = ledger_book(rt)
    rows = sheet_rows(book["项目台账"])
    by_code = {p.code: p for p in projects()}
    for r in rows:
        p = by_code[r["项目编号"]]
        decl = declaration(p)[0]
        assert r["建成年份（最早）"] == min(c.built_year for c in p.communities)
        assert r["开工日期"] == datetime(2019, 4, 1) and r["竣工日期"] == datetime(2019, 11, 30)
        assert r["验收日期"] == datetime(2019, 12, 18) and r["移交日期"] == datetime(2020, 3, 1)
        assert r["申报日期"] == datetime.fromisoformat(decl["submitted_on"])
        assert r["公示开始"] == datetime.fromisoformat(decl["public_notice"]["start"])
        assert Decimal(str(r["核定预算（元）"])) == p.budget and r["列入计划"] == "是"
        funding = decl["plan"]["funding"]
        assert Decimal(str(r["区级配套资金（元）"])) == Decimal(funding["district_yuan"]) >= Decimal(funding["city_yuan"]) > 0
    heads = [c.value for c in book["项目台账"][1]]
    started = book["项目台账"].cell(row=2, column=heads.index("开工日期") + 1)
    assert started.is_date and started.number_format == "yyyy-mm-dd"
    detail = sheet_rows(book["小区明细"])
    assert sorted(r["小区"] for r in detail) == sorted(c.name for p in projects() if p.plan_year == 2019 for c in p.communities)


def test_ledger_text_never_becomes_a_formula():
    from openpyxl import Workbook

    from service.programme.ledger import _put

    book = Workbook()
    _put(book.active, ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "朝晖一区", 3], [None] * 5)
    out = io.BytesIO()
    book.save(out)
    again = load_workbook(io.BytesIO(out.getvalue()))
    cells = list(again.active.iter_rows(values_only=True))[0]
    assert cells == ("=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "朝晖一区", 3)
    assert all(c.data_type == "s" for c in list(again.active.iter_rows())[0][:4])


def test_the_dashboard_draws_progress(programme_2019):
    rt, clerk = programme_2019
    app = create_app(runtime=rt)
    client = app.test_client()
    from service.security import sessions  # a server-side session, as signing in makes one

    key, _csrf = sessions.start(rt, clerk)
    with client.session_transaction() as session:
        session["sid"] = key
    page = client.get("/overview")
    assert page.status_code == 200 and page.text.count("<svg") == 3
    buildings = sum(c.buildings for p in projects() if p.plan_year == 2019 for c in p.communities)
    assert f"6/93个小区 6.5% · {buildings}/1481幢 {buildings / 1481:.1%}" in page.text


def test_a_refused_project_is_not_listed(programme_2019):
    rt, clerk = programme_2019
    with rt.reading() as s:
        decl = s.scalars(select(m.PackageRow).where(m.PackageRow.stage == "declaration").order_by(m.PackageRow.id)).first()
    approve(rt, clerk, decl.id, {"approved": False, "remark": "不列入"})  # the newest decision counts
    data = figures(rt)
    assert data["excluded"]["communities"] == 1 and data["excluded"]["buildings"] == decl.project["buildings"]
    assert [s["reached"]["communities"] for s in data["stages"]] == [5, 5, 5, 5, 0]
    rows = {r["项目编号"]: r for r in sheet_rows(ledger_book(rt)["项目台账"])}
    assert rows[decl.project_code]["进度"] == "未列入" and rows[decl.project_code]["列入计划"] == "否"
    assert sheet_rows(ledger_book(rt)["汇总"])[-1]["项目数"] == 5


@pytest.fixture(scope="module")
def demo_runtime(tmp_path_factory):
    """The demo's data, as `make run` makes it: the fixture packages, then the whole programme."""
    from service import demo

    rt = Runtime.open(Settings(data_dir=tmp_path_factory.mktemp("demo") / "data"))
    demo.seed(rt)
    yield rt
    rt.engine.dispose()


def test_after_the_demo_each_stage_counts_what_was_loaded_and_never_passes_the_targets(demo_runtime):
    from service.demo import RECEIVED_YEARS

    rt = demo_runtime
    data = figures(rt)
    ps = projects()
    t = targets()
    for stage in data["stages"]:
        assert all(stage["reached"][k] <= t[k] for k in t.totals), stage
    expected = {"declared": ps, "approved": ps, "accepted": [p for p in ps if "acceptance" in p.stages],
                "handed_over": [p for p in ps if "handover" in p.stages],
                "received": [p for p in ps if "handover" in p.stages and p.plan_year in RECEIVED_YEARS]}
    for stage in data["stages"]:
        chosen = expected[stage["key"]]
        assert stage["reached"]["communities"] == sum(len(p.communities) for p in chosen), stage["key"]
        assert stage["reached"]["buildings"] == sum(c.buildings for p in chosen for c in p.communities), stage["key"]
        assert stage["reached"]["area_m2"] == sum(c.area for p in chosen for c in p.communities), stage["key"]
        assert stage["reached"]["budget_yuan"] == sum(p.budget for p in chosen), stage["key"]
    assert data["stages"][0]["reached"] == t.totals and data["excluded"]["communities"] == 0
    assert dict((y, s[0]["reached"]["communities"]) for y, s in data["by_year"])[2020] == 51
    assert sum(s[0]["reached"]["communities"] for _street, s in data["by_street"]) == 93
    ledger = ledger_book(rt)
    assert sum(r["小区数"] for r in sheet_rows(ledger["项目台账"])) == 93 and len(sheet_rows(ledger["小区明细"])) == 93


def test_each_community_counted_once_on_every_database(database):
    """The fixture projects (one of them of three communities) and the 2019 pilots, on SQLite and PostgreSQL."""
    from service import demo

    rt = Runtime.open(database)
    try:
        for name, role, street in demo.USERS:
            add_user(rt, name, role, street, None)
        demo.submit_fixtures(rt)
        assert load(rt, plan_years={2019}, receive={2019}) == 18
        fixtures = fixture_projects()
        pilots = [p for p in generated() if p.plan_year == 2019]
        built = [p for p in fixtures + pilots if "handover" in p.stages]
        assert [s["reached"]["communities"] for s in figures(rt)["stages"]] == [
            sum(len(p.communities) for p in fixtures + pilots)] * 2 + [sum(len(p.communities) for p in built)] * 3
        assert any(len(p.communities) == 3 for p in built)  # a project of three communities counts three
        huilong = next(p for p in fixtures if p.code == "XC-2021-012")
        with rt.reading() as s:
            decl = s.scalar(select(m.PackageRow).where(m.PackageRow.project_code == huilong.code, m.PackageRow.status == "accepted"))
        clerk = add_user(rt, "refusing-clerk", "clerk", None, None)
        approve(rt, clerk, decl.id, {"approved": False})
        data = figures(rt)
        assert data["excluded"]["communities"] == 1 and data["excluded"]["buildings"] == huilong.communities[0].buildings
        assert data["stages"][0]["reached"]["communities"] == sum(len(p.communities) for p in fixtures + pilots) - 1
    finally:
        rt.engine.dispose()
