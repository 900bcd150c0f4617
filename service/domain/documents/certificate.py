"""《老旧小区综合改造提升项目联合竣工验收证书》 — from a passed acceptance, dated the acceptance day.

The final accounts are audited after the joint acceptance (三（四）4), so from documents.md 1.1 they
and the subsidy are the subsidy statement's (subsidy.py), never quoted on a page dated before them."""
from __future__ import annotations

from service.domain import values as v
from service.domain.documents.common import Issue, base, cited_plan, dated, day, issuing_body, scale
from service.domain.project import communities
from service.domain.findings import Report
from service.domain.pointer import resolve
from service.domain.rules.base import each
from service.domain.ruleset import RuleSet

ROLE_LABELS = {
    "district_office": "区旧改办", "district_department": "区级相关部门", "builder": "建设单位",
    "designer": "设计单位", "contractor": "施工单位", "supervisor": "监理单位", "street": "街道",
    "community": "社区", "resident_representative": "居民代表",
}
CONCLUSIONS = {"passed": "通过", "failed": "不通过"}


def _units(doc: dict, participants: list[dict]) -> list[dict]:
    proc = resolve(doc, "/implementation/procurement")
    proc = proc if isinstance(proc, dict) else {}
    builders = "、".join(dict.fromkeys(p["organization"] for p in participants if p.get("role") == "builder"))
    rows = [("建设单位", builders or v.text(doc, "/submitter/unit") or "")]
    if proc.get("mode") == "epc":
        rows.append(("EPC联合体", proc.get("epc_consortium", "")))
    else:
        rows += [("设计单位", proc.get("designer", "")), ("施工单位", proc.get("contractor", ""))]
    rows += [("监理单位", proc.get("supervisor", "")), ("招标编号", proc.get("tender_ref", ""))]
    return [{"label": label, "value": value} for label, value in rows]


def context(doc: dict, report: Report, ruleset: RuleSet, issue: Issue) -> dict:
    """Everything the certificate says, as text."""
    ctx = base(doc, issue, "老旧小区综合改造提升项目联合竣工验收证书")
    on = dated(doc, "/acceptance/date")
    participants = [p for _i, p in each(resolve(doc, "/acceptance/participants"))]
    # 三（四）4: the district renovation office organises the joint acceptance, under the plan in force that day.
    facts = [("项目编号", ctx["project_code"]), ("项目名称", ctx["project_name"]),
             *([("所含小区", ctx["community"])] if len(communities(doc)) > 1 else []),
             ("项目地址", ctx["address"]), ("所属街道", ctx["street"]), ("建设规模", scale(doc)),
             ("组织验收单位", issuing_body(ruleset, doc, "district_office", on)), ("验收依据", cited_plan(ruleset, on))]
    ctx["facts"] = [{"label": a, "value": b} for a, b in facts] + _units(doc, participants) + [
        {"label": a, "value": day(doc, p)} for a, p in (("开工日期", "/implementation/started_on"),
                                                       ("竣工日期", "/implementation/completed_on"),
                                                       ("验收日期", "/acceptance/date"))]
    ctx["delivered"] = [{"no": str(n), "name": d.get("name", ""), "quantity": d.get("quantity", "")}
                        for n, (_i, d) in enumerate(each(resolve(doc, "/implementation/delivered")), start=1)]
    ctx["opinion"] = v.text(doc, "/acceptance/opinion") or ""
    ctx["conclusion"] = f"验收结论：{CONCLUSIONS.get(v.text(doc, '/acceptance/conclusion'), '')}。"
    ctx["participants"] = [{"role": ROLE_LABELS.get(p.get("role"), ""), "organization": p.get("organization", ""),
                            "representative": p.get("representative", "")} for p in participants]
    ctx["unit"] = issuing_body(ruleset, doc, "district_office", on)
    ctx["date_text"] = day(doc, "/acceptance/date")
    return ctx
