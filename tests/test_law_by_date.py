"""The law by the vote's date (programme.md): which law judged each vote, the report's `law`,
the messages that say what would satisfy the Civil Code, and AUTHORITY-NAME on the merger day."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES
from service.adapters.reader import open_package
from service.cli import main
from service.domain.law import LawTable
from service.report import from_record, to_dict, to_record
from service.resources import schemas
from service.services import checker

D = FIXTURES / "declaration"


def check(folder: Path):
    with open_package(folder) as package:
        return checker().check(package)


def cli_json(capsys, folder: Path) -> dict:
    main(["check", str(folder), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_the_law_table_is_data_with_exact_thresholds():
    table = LawTable.from_file(schemas() / "laws.json")
    assert table.on(date(2020, 12, 31)).id == "property-law-2007"
    assert table.on(date(2021, 1, 1)).id == "civil-code-2021"
    assert table.on(None) is None
    civil = table.on(date(2024, 5, 1))
    assert (civil.threshold("participating_of_all", "area"), civil.threshold("agreeing_of_participating", "owners")) == (
        pytest.approx(2 / 3), pytest.approx(3 / 4))
    assert str(civil.threshold("agreeing_of_participating", "owners")) == "3/4"


@pytest.mark.parametrize("folder,law", [
    ("examples/declaration", "property-law-2007"),
    ("declaration/law-vote-2020-12-31-valid", "property-law-2007"),
    ("declaration/law-civil-code-valid", "civil-code-2021"),
    ("declaration/law-mixed-valid", ["property-law-2007", "civil-code-2021"]),
])
def test_a_declarations_report_names_its_law_on_the_command_line(capsys, folder, law):
    report = cli_json(capsys, FIXTURES / folder)
    assert report["law"] == law and report["valid"] is True


@pytest.mark.parametrize("stage", ["acceptance", "handover"])
def test_acceptance_and_handover_reports_have_no_law(capsys, stage):
    assert "law" not in cli_json(capsys, FIXTURES / "examples" / stage)


def test_the_law_survives_storage_and_old_records_still_read():
    report = check(D / "law-mixed-valid")
    again = from_record(json.loads(json.dumps(to_record(report))))
    assert again.law == ["property-law-2007", "civil-code-2021"] and to_dict(again) == to_dict(report)
    old = to_record(check(FIXTURES / "examples" / "declaration"))
    del old["law"]  # a report stored before format 1.1
    assert from_record(old).law is None and to_dict(from_record(old))["law"] is None


def test_computed_figures_per_vote_in_1_1():
    votes = check(D / "law-mixed-valid").computed["votes"]
    assert [(v["community"], v["voted_on"], v["law"]) for v in votes] == [
        ("归德弄", "2020-12-31", "property-law-2007"), ("游泳巷", "2021-01-05", "civil-code-2021")]
    assert votes[0]["consent_owner_ratio"] == "500/690"  # of all owners (Property Law)
    assert votes[1]["turnout_owner_ratio"] == "330/400" and votes[1]["consent_owner_ratio"] == "300/330"  # of those taking part
    assert "consent_owner_ratio" in check(FIXTURES / "examples" / "declaration").computed  # 1.0 keeps its keys


def messages(folder: Path, lang: str = "zh") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in to_dict(check(folder), lang)["errors"] + to_dict(check(folder), lang)["warnings"]:
        found.setdefault(f["path"], []).append(f["message"])
    return found


def test_civil_code_messages_say_what_would_satisfy():
    short = messages(D / "law-civil-code-three-quarters-short")
    assert "四分之三" in short["/consent/votes/0/renovation/owners"][0] and "345" in short["/consent/votes/0/renovation/owners"][0]
    assert "18000" in short["/consent/votes/0/renovation/area_m2"][0] and "74.99%" in short["/consent/votes/0/renovation/area_m2"][0]
    turnout = messages(D / "law-civil-code-turnout-short", "en")
    assert "at least 460 owners must take part" in turnout["/consent/votes/0/participation/owners"][0]
    assert "at least 24000 m² must take part" in turnout["/consent/votes/0/participation/area_m2"][0]


def test_a_1_0_declaration_under_the_civil_code_is_told_to_use_1_1():
    found = messages(D / "law-civil-code-format-10")
    assert list(found) == ["/consent/participation"] and "1.1" in found["/consent/participation"][0]
    assert check(D / "law-civil-code-format-10").law == "civil-code-2021"


def test_a_vote_without_participation_is_not_judged_by_article_278():
    report = check(D / "law-vote-2021-01-01-no-participation")
    assert [(f.rule, f.path) for f in report.findings] == [("CONSENT-TURNOUT", "/consent/votes/0/participation")]


def test_consent_totals_has_two_severities():
    assert [(f.rule, f.severity) for f in check(D / "consent-totals-area").findings] == [("CONSENT-TOTALS", "error")]
    owners = check(D / "consent-totals-owners")
    assert [(f.rule, f.severity) for f in owners.findings] == [("CONSENT-TOTALS", "warning")] and owners.valid


def test_authority_name_message_names_the_district_of_the_day():
    (message,) = messages(D / "authority-name-2021-04-09")["/submitter/unit"]
    assert "拱墅区" in message and "2021-04-09" in message and "拱墅区人民政府潮鸣街道办事处" in message
