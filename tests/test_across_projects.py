"""Projects that hold together across packages and streets (programme.md, rules across projects).

Through the HTTP API, on SQLite and PostgreSQL: who holds a project code, the district's decision
(计划确定) before an acceptance, one project per community, the final accounts against the
approved budget; and the command line, which has no history, only warning.
"""
from __future__ import annotations

import json

import pytest

from sqlalchemy import select

from conftest import FIXTURES
from service.security.accounts import Principal
from service.db import models as m
from service.cli import main
from service.domain.rules.base import Context, OtherProject, PlanDecision
from service.domain.package import Package
from service.domain.rules.consistency import project_consistent
from service.usecases.handover import current_packages
from service.usecases.submissions import submit
from service_support import database_not_files, example, modified, service  # noqa: F401  (pytest fixtures)

CODE = "XC-2020-007"  # the spec's example project, 朝晖街道's 朝晖一区
CHAOMING = {"street": "潮鸣街道", "unit": "下城区人民政府潮鸣街道办事处", "contact": "陈立", "phone": "0571-87654321"}


def as_chaoming(doc: dict) -> None:
    """潮鸣街道 submitting under 朝晖街道's code: its own street, community and figures."""
    doc["submitter"] = dict(CHAOMING)
    doc["project"].update(street="潮鸣街道", community="回龙庙前", address="杭州市下城区回龙庙前1-36号")


def rules(response) -> list[tuple[str, str, str]]:
    report = response.json["report"]
    return sorted((f["rule"], sev, f["path"]) for sev in ("errors", "warnings") for f in report[sev])


def decide(api, package_id: int, approved: bool, budget: str | None = "16200000.00"):
    body = {"approved": approved, "remark": "计划确定"}
    if budget is not None:
        body["approved_budget_yuan"] = budget
    response = api("clerk", "POST", f"/api/v1/packages/{package_id}/approval", json=body)
    assert response.status_code == 201, response.json
    return response


def declare(api) -> int:
    response = api.submit("chaohui", example("declaration"))
    assert response.json["status"] == "accepted", response.json["report"]
    return response.json["id"]


def test_another_streets_code_is_refused_and_reveals_nothing(service, tmp_path):
    rt, api = service
    declared = declare(api)
    decide(api, declared, True)
    secrets = ("朝晖", "王建国", "85011234")  # the owner's street, community, people
    for stage in ("declaration", "acceptance", "handover"):
        taken = api.submit("chaoming", modified(stage, as_chaoming))
        assert taken.status_code == 201 and taken.json["status"] == "rejected"
        assert rules(taken) == [("PROJECT-OWNER", "errors", "/project/code")], stage
        assert taken.json["report"]["computed"] == {}
        for lang in ("zh", "en"):
            shown = api("chaoming", "GET", f"/api/v1/packages/{taken.json['id']}?lang={lang}")
            assert shown.status_code == 200
            message = shown.json["report"]["errors"][0]["message"]
            assert CODE in message and "潮鸣街道" in message
            assert not any(s in json.dumps(shown.json, ensure_ascii=False) for s in secrets), (stage, lang)
    assert "不可由潮鸣街道使用" in api("chaoming", "GET", f"/api/v1/packages/{taken.json['id']}").json["report"]["errors"][0]["message"]
    # Its package list holds its own three rejected packages, nothing of 朝晖街道's project.
    listing = api("chaoming", "GET", f"/api/v1/packages?project={CODE}").json
    assert listing["total"] == 3 and {p["status"] for p in listing["items"]} == {"rejected"}
    assert not any(s in json.dumps(listing, ensure_ascii=False) for s in secrets)
    # Its own notice is blocked by PROJECT-OWNER, and says so without naming the owner.
    first = listing["items"][-1]["id"]
    notice = api("chaoming", "GET", f"/api/v1/packages/{first}/documents/notice.pdf")
    assert notice.status_code == 409 and [f["rule"] for f in notice.json["error"]["findings"]] == ["PROJECT-OWNER"]
    assert "朝晖" not in json.dumps(notice.json, ensure_ascii=False)

    # The owner's project goes on: a new declaration of its own stays its own, then every later stage.
    again = api.submit("chaohui", example("declaration"))
    assert again.json["status"] == "accepted", again.json["report"]
    decide(api, again.json["id"], True)
    accepted = api.submit("chaohui", example("acceptance"))
    assert accepted.json["status"] == "accepted", accepted.json["report"]
    handed = api.submit("chaohui", example("handover"))
    assert handed.json["status"] == "accepted", handed.json["report"]
    current = current_packages(rt, CODE)
    assert {stage: row.street for stage, row in current.items()} == dict.fromkeys(("declaration", "acceptance", "handover"), "朝晖街道")
    assert current["declaration"].id == again.json["id"]
    bundle = api("archivist", "GET", f"/api/v1/projects/{CODE}/bundle.zip")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"


def test_a_code_nobody_holds_is_free_and_the_first_street_keeps_it(service):
    _rt, api = service
    first = api.submit("chaoming", modified("declaration", as_chaoming))
    assert first.json["status"] == "accepted", first.json["report"]
    # Now 潮鸣街道 holds XC-2020-007: 朝晖街道's example is the one refused, with nothing of 回龙庙前 in it.
    second = api.submit("chaohui", example("declaration"))
    assert rules(second) == [("PROJECT-OWNER", "errors", "/project/code")]
    assert "回龙庙前" not in json.dumps(second.json, ensure_ascii=False)
    # A rejected declaration of the owner (here: demolition planned) does not hand the code over either.
    api.submit("chaoming", modified("declaration", lambda d: (as_chaoming(d), d["project"].update(in_demolition_plan=True))))
    assert rules(api.submit("chaohui", example("declaration"))) == [("PROJECT-OWNER", "errors", "/project/code")]


def test_an_acceptance_needs_an_approved_declaration_and_the_newest_decision_counts(service):
    _rt, api = service
    declared = declare(api)
    undecided = api.submit("chaohui", example("acceptance"))
    assert rules(undecided) == [("PROJECT-APPROVED", "errors", "/project/code")]
    refused = decide(api, declared, False, budget=None)  # a refusal may leave the budget out
    assert refused.json["approved"] is False and refused.json["approved_budget_yuan"] is None
    after_refusal = api.submit("chaohui", example("acceptance"))
    assert after_refusal.json["status"] == "rejected" and rules(after_refusal) == [("PROJECT-APPROVED", "errors", "/project/code")]
    assert "不予列入" in after_refusal.json["report"]["errors"][0]["message"]
    # Refused, then approved: the approval counts.
    decide(api, declared, True)
    assert api.submit("chaohui", example("acceptance")).json["status"] == "accepted"
    # Approved, then refused: the refusal counts.
    decide(api, declared, False, budget=None)
    late = api.submit("chaohui", example("acceptance"))
    assert late.json["status"] == "rejected" and rules(late) == [("PROJECT-APPROVED", "errors", "/project/code")]


def test_an_approval_names_its_budget(service):
    _rt, api = service
    declared = declare(api)
    missing = api("clerk", "POST", f"/api/v1/packages/{declared}/approval", json={"approved": True, "remark": "列入计划"})
    assert missing.status_code == 400 and "approved_budget_yuan" in missing.json["error"]["message"]


@pytest.mark.parametrize("budget,warned", [("15860000.00", False), ("15859999.99", True)])
def test_final_accounts_within_the_approved_budget(service, budget, warned):
    _rt, api = service
    decide(api, declare(api), True, budget)
    response = api.submit("chaohui", example("acceptance"))
    assert response.json["status"] == "accepted"  # a warning: the package is kept as valid
    expected = [("ACCOUNTS-WITHIN-APPROVAL", "warnings", "/final_accounts/total_yuan")] if warned else []
    assert rules(response) == expected
    if warned:
        en = api("chaohui", "GET", f"/api/v1/packages/{response.json['id']}?lang=en").json["report"]["warnings"][0]["message"]
        assert "15,860,000.00" in en and "15,859,999.99" in en and "0.01" in en


def other_project(code: str, plan_year: int, community: str, **more):
    def change(doc):
        doc["project"].update(code=code, plan_year=plan_year, community=community, **more)
    return modified("declaration", change)


def once(response) -> list[str]:
    return [f["path"] for f in response.json["report"]["errors"] if f["rule"] == "COMMUNITY-ONCE"]


def test_a_community_is_in_one_project(service):
    _rt, api = service
    declared = declare(api)  # 朝晖一区 in XC-2020-007, plan year 2020
    # The same community (written with an ideographic space) in another project 5 years on: refused.
    five = api.submit("chaohui", other_project("XC-2025-031", 2025, "朝晖\u3000一区"))
    assert five.json["status"] == "rejected" and once(five) == ["/project/community"]
    message = five.json["report"]["errors"][[f["rule"] for f in five.json["report"]["errors"]].index("COMMUNITY-ONCE")]["message"]
    assert CODE in message and "2020" in message and "5" in message
    # 6 years on is a new renovation (this one is rejected for another reason, so that it does not
    # hold the community itself), and so is the same name in another street.
    six = api.submit("chaohui", other_project("XC-2026-031", 2026, "朝晖一区", in_demolition_plan=True))
    assert six.json["status"] == "rejected" and once(six) == []
    assert once(api.submit("chaoming", modified("declaration", lambda d: (
        as_chaoming(d), d["project"].update(code="XC-2020-099", community="朝晖一区"))))) == []
    # The project's own declaration, submitted again, is not another project.
    assert api.submit("chaohui", example("declaration")).json["status"] == "accepted"
    # Refused at 计划确定, the project frees its community; approved again, it holds it again.
    current = api("chaohui", "GET", f"/api/v1/packages?project={CODE}&status=accepted").json["items"][0]["id"]
    decide(api, current, False, budget=None)
    freed = api.submit("chaohui", other_project("XC-2021-031", 2021, "朝晖一区"))
    assert once(freed) == [] and freed.json["status"] == "accepted", freed.json["report"]
    decide(api, current, True)
    assert once(api.submit("chaohui", other_project("XC-2022-031", 2022, "朝晖一区"))) == ["/project/community"]
    assert declared != current


def test_a_community_name_is_compared_after_nfc(service):
    _rt, api = service
    first = api.submit("chaohui", other_project("XC-2020-031", 2020, "Caf\u00e9苑"))
    assert first.json["status"] == "accepted", first.json["report"]
    decomposed = api.submit("chaohui", other_project("XC-2021-032", 2021, "Cafe\u0301苑"))
    assert once(decomposed) == ["/project/community"]


def test_the_command_line_says_the_approval_cannot_be_verified(capsys):
    code = main(["check", str(FIXTURES / "examples" / "acceptance"), "--format", "json", "--lang", "en"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["valid"] is True and report["errors"] == []
    [warning] = report["warnings"]
    assert warning["rule"] == "PROJECT-APPROVED" and warning["path"] == "/project/code"
    assert "cannot be verified" in warning["message"] and CODE in warning["message"]
    # The rules that need the service's history say nothing on the command line.
    main(["check", str(FIXTURES / "examples" / "declaration"), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["warnings"] == []


class Remembered:
    """A service history holding one accepted declaration's project block."""

    def __init__(self, project: dict):
        self.project = project

    def declared_project(self, code):
        return self.project

    def has_passed_acceptance(self, code):
        return True

    def owner_street(self, code):
        return "朝晖街道"

    def plan_decision(self, code):
        return PlanDecision(True, "16200000.00")

    def standing_projects(self, street, except_code):
        return [OtherProject("XC-2019-106", 2019, [])]


DECLARED_10 = {"code": CODE, "community": "朝晖一区", "street": "朝晖街道", "built_year": 1984, "buildings": 32,
               "households": 1650, "floor_area_m2": 98500.5, "plan_year": 2020}


def consistent(doc: dict, declared: dict) -> list[str]:
    ctx = Context(Package(doc, b"", {}, "test"), None, None, lambda name: None, Remembered(declared))
    return [path for path, _msgid, _params in project_consistent(ctx)]


def one_one(**change) -> dict:
    community = {"name": "朝晖一区", "address": "x", "built_year": 1984, "affordable_housing": False, "buildings": 32,
                 "households": 1650, "floor_area_m2": 98500.5, "last_comprehensive_renovation_year": None,
                 "in_demolition_plan": False, **change}
    return {"format_version": "1.1", "stage": "acceptance", "project": {
        "code": CODE, "name": "朝晖一区综合改造提升项目", "street": "朝晖街道", "plan_year": 2020, "communities": [community]}}


def test_a_1_0_declaration_and_a_1_1_acceptance_of_one_community_are_consistent():
    assert consistent(one_one(), DECLARED_10) == []
    assert consistent(one_one(floor_area_m2=98500.50), DECLARED_10) == []  # the same number
    assert consistent(one_one(floor_area_m2=198500.5, households=1651), DECLARED_10) == [
        "/project/communities/0/households", "/project/communities/0/floor_area_m2"]
    assert consistent(one_one(name="朝晖二区"), DECLARED_10) == ["/project/communities/0/name"]
    street = one_one()
    street["project"]["street"] = "潮鸣街道"
    assert consistent(street, DECLARED_10) == ["/project/street"]


def test_communities_are_compared_one_by_one_whatever_their_order():
    declared = one_one()["project"]
    declared["communities"].append({**declared["communities"][0], "name": "朝晖二区", "buildings": 20})
    later = one_one()
    later["project"]["communities"].insert(0, {**later["project"]["communities"][0], "name": "朝晖二区", "buildings": 21})
    assert consistent(later, declared) == ["/project/communities/0/buildings"]
    dropped = one_one()  # 朝晖二区 left out of the acceptance
    assert consistent(dropped, declared) == ["/project/communities"]
    added = one_one()
    added["project"]["communities"] += [{**added["project"]["communities"][0], "name": "朝晖二区", "buildings": 20},
                                        {**added["project"]["communities"][0], "name": "朝晖三区"}]
    assert consistent(added, declared) == ["/project/communities/2/name"]
    # A 1.0 acceptance of a community the declaration did not describe names the change at its name.
    ten = {"stage": "acceptance", "project": {**DECLARED_10, "community": "朝晖三区"}}
    assert consistent(ten, DECLARED_10) == ["/project/community"]


def changed(folder: str, change=None) -> bytes:
    """A fixture package (fixtures/<folder>) with its package.json changed by `change(doc)`, zipped."""
    import io
    import zipfile

    root = FIXTURES / folder
    doc = json.loads((root / "package.json").read_text(encoding="utf-8"))
    if change:
        change(doc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != "package.json":
                z.write(path, path.relative_to(root).as_posix())
        z.writestr("package.json", json.dumps(doc, ensure_ascii=False))
    return out.getvalue()


def test_a_1_0_declaration_goes_on_in_format_1_1(service):
    _rt, api = service
    decide(api, declare(api), True)
    enlarged = api.submit("chaohui", changed("examples-1.1/acceptance", lambda d: d["project"]["communities"][0].update(floor_area_m2=198500.5)))
    assert enlarged.json["status"] == "rejected"
    assert [(f["rule"], f["path"]) for f in enlarged.json["report"]["errors"]] == [("PROJECT-CONSISTENT", "/project/communities/0/floor_area_m2")]
    accepted = api.submit("chaohui", changed("examples-1.1/acceptance"))
    assert accepted.json["status"] == "accepted" and rules(accepted) == [], accepted.json["report"]
    handed = api.submit("chaohui", changed("examples-1.1/handover"))
    assert handed.json["status"] == "accepted", handed.json["report"]


def test_a_community_of_a_1_1_project_is_in_one_project(service):
    _rt, api = service
    first = api.submit("chaohui", changed("declaration/chaohui-234-valid"))  # 朝晖二区、三区、四区 in XC-2020-008
    assert first.json["status"] == "accepted", first.json["report"]

    def again(doc):  # 朝晖三区 (written with a space) again in another project, beside a new community
        doc["project"]["code"] = "XC-2021-009"
        doc["project"]["communities"][0]["name"] = "朝晖五区"
        doc["consent"]["votes"][0]["community"] = "朝晖五区"
        doc["project"]["communities"][1]["name"] = doc["consent"]["votes"][1]["community"] = "朝晖 三区"
        doc["project"]["communities"][2]["name"] = doc["consent"]["votes"][2]["community"] = "朝晖六区"
    response = api.submit("chaohui", changed("declaration/chaohui-234-valid", again))
    assert response.json["status"] == "rejected"
    assert once(response) == ["/project/communities/1/name"]
    # The 1.1 project's communities count for a 1.0 package too.
    single = api.submit("chaohui", other_project("XC-2021-010", 2021, "朝晖四区"))
    assert once(single) == ["/project/community"]


def test_two_first_declarations_at_once_leave_one_owner(service, monkeypatch, tmp_path):
    """潮鸣街道's declaration of the code is stored while 朝晖街道's is being checked: the later write
    looks again, and 朝晖街道's package is stored with PROJECT-OWNER alone."""
    rt, api = service
    check = rt.checker.check
    raced = []

    def meanwhile(package, history=None):
        report = check(package, history)
        if not raced:  # (not through the API: a request inside a request would share its user)
            raced.append("checking")
            upload = tmp_path / "chaoming.zip"
            upload.write_bytes(modified("declaration", as_chaoming))
            with rt.reading() as s:
                user = s.scalar(select(m.User).where(m.User.name == "chaoming"))
            raced[0] = submit(rt, Principal(user.id, user.name, user.role, user.street), upload).row.status
        return report

    monkeypatch.setattr(rt.checker, "check", meanwhile)
    late = api.submit("chaohui", example("declaration"))
    assert raced == ["accepted"]
    assert late.json["status"] == "rejected" and rules(late) == [("PROJECT-OWNER", "errors", "/project/code")]
    assert {row.street for row in current_packages(rt, CODE).values()} == {"潮鸣街道"}
