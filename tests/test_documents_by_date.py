"""Documents by their own date (programme.md): the issuing body by street and the document's
date (the district merger of 2021-04-09), the plan cited by the document's date (the district
plan from 2019-12-15), and every community of a 1.1 project named."""
from __future__ import annotations

import copy
import io
import json
import re
import shutil
from datetime import date

import pytest
from docx import Document

from conftest import FIXTURES
from service.adapters.reader import open_package
from service.documents import render
from service.domain.authorities import cited_plan, district, issuing_body
from service.services import checker

CITY_PLAN = "《杭州市老旧小区综合改造提升工作实施方案》（杭政办函〔2019〕72号）"
DISTRICT_PLAN = "《下城区老旧小区综合改造提升工作实施方案》"


def text_of(folder, kind: str, change=None, tmp_path=None) -> str:
    """The body text of a document rendered as DOCX from a fixture, changed first if asked."""
    source = FIXTURES / folder
    if change is not None:
        target = tmp_path / "package"
        shutil.copytree(source, target)
        doc = json.loads((target / "package.json").read_text(encoding="utf-8"))
        change(doc)
        (target / "package.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        source = target
    with open_package(source) as package:
        report = checker().check(package)
        data = render(kind, "docx", package, report, checker()).data
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    return re.sub(r"\s+", "", "".join(parts))


def test_the_table_answers_by_date():
    assert issuing_body("朝晖街道", "street", date(2021, 4, 8)) == "下城区人民政府朝晖街道办事处"
    assert issuing_body("朝晖街道", "street", date(2021, 4, 9)) == "拱墅区人民政府朝晖街道办事处"
    assert issuing_body(None, "district_office", date(2021, 4, 9)) == "拱墅区老旧小区综合改造提升工作领导小组办公室"
    assert (district(date(2021, 4, 8)), district(date(2021, 4, 9))) == ("下城区", "拱墅区")
    assert cited_plan(date(2019, 12, 14)).citation == CITY_PLAN
    assert cited_plan(date(2019, 12, 15)).title == DISTRICT_PLAN == cited_plan(date(2022, 1, 1)).title
    with pytest.raises(KeyError):
        issuing_body("朝晖街道", "mayor", date(2020, 1, 1))


def _notice_on(start: str, end: str):
    def change(doc):
        doc["public_notice"].update(start=start, end=end)
    return change


@pytest.mark.parametrize("start,end,plan,absent", [
    ("2019-12-14", "2019-12-20", CITY_PLAN, DISTRICT_PLAN),
    ("2019-12-15", "2019-12-20", DISTRICT_PLAN, CITY_PLAN),
])
def test_notice_cites_the_plan_in_force_on_its_own_date(tmp_path, start, end, plan, absent):
    text = text_of("examples/declaration", "notice", _notice_on(start, end), tmp_path)
    assert f"根据{plan}" in text and absent not in text


def test_the_examples_notice_of_2019_10_08_cites_the_city_plan():
    # The district plan was issued on 2019-11-15: a notice posted in October cannot cite it.
    text = text_of("examples/declaration", "notice")
    assert CITY_PLAN in text and DISTRICT_PLAN not in text


@pytest.mark.parametrize("start,end,body,absent", [
    ("2021-04-06", "2021-04-12", "下城区人民政府潮鸣街道办事处", "拱墅区人民政府潮鸣街道办事处"),
    ("2021-04-09", "2021-04-15", "拱墅区人民政府潮鸣街道办事处", "下城区人民政府潮鸣街道办事处"),
])
def test_notice_is_issued_by_the_body_of_its_own_date(tmp_path, start, end, body, absent):
    # Submitted on 2021-10-20 by 拱墅区's office: the notice still speaks as of the day it went up.
    text = text_of("declaration/law-civil-code-valid", "notice", _notice_on(start, end), tmp_path)
    assert f"请于公示期内向{body}" in text and f"{body}{start[:4]}年4月{int(start[8:])}日" in text
    assert absent not in text


@pytest.mark.parametrize("day,body", [("2021-04-08", "下城区老旧小区综合改造提升工作领导小组办公室"),
                                      ("2021-04-09", "拱墅区老旧小区综合改造提升工作领导小组办公室")])
def test_certificate_is_issued_by_the_district_office_of_the_acceptance_day(tmp_path, day, body):
    def change(doc):
        doc["acceptance"]["date"] = day
        doc["submitted_on"] = "2021-04-20"
        doc["submitter"]["unit"] = "拱墅区人民政府朝晖街道办事处"
        doc["final_accounts"]["audited_on"] = "2021-04-15"
    text = text_of("examples/acceptance", "acceptance-certificate", change, tmp_path)
    assert f"组织验收单位{body}" in text and f"{body}2021年4月{int(day[8:])}日" in text


@pytest.mark.parametrize("kind,folder", [("notice", "declaration/chaohui-234-valid"),
                                         ("acceptance-certificate", "acceptance/chaohui-234-valid"),
                                         ("handover-record", "handover/chaohui-234-valid")])
def test_every_community_of_a_project_is_named(kind, folder):
    doc = json.loads((FIXTURES / folder / "package.json").read_text(encoding="utf-8"))
    text = text_of(folder, kind)
    assert doc["project"]["name"] in text
    for community in doc["project"]["communities"]:
        assert community["name"] in text
    if kind != "handover-record":  # the scale of each community, then the total
        for community in doc["project"]["communities"]:
            assert f"{community['name']}{community['buildings']}幢、{community['households']}套" in text
        assert f"合计{sum(c['buildings'] for c in doc['project']['communities'])}幢" in text


def test_a_1_0_notice_reads_as_before(tmp_path):
    text = text_of("examples/declaration", "notice")
    assert text.startswith("关于朝晖一区综合改造提升方案的公示")
    assert "朝晖一区位于杭州市下城区朝晖路与中山北路交叉口东北侧，建成于1984年，共32幢、1650套，建筑面积98,500.50平方米。" in text
