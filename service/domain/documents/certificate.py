"""《老旧小区综合改造提升项目联合竣工验收证书》 — from a passed acceptance."""
from __future__ import annotations

from decimal import Decimal

from service.domain import formats as fmt
from service.domain import values as v
from service.domain.documents.common import Issue, base, cited_plan, dated, day, issuing_body, money_with_capital, scale
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
    total = v.money(doc, "/final_accounts/total_yuan") or Decimal(0)
    elevator = v.money(doc, "/final_accounts/elevator_yuan") or Decimal(0)
    water = v.money(doc, "/final_accounts/secondary_water_supply_yuan") or Decimal(0)
    ctx["accounts_text"] = (f"竣工财务决算总额{money_with_capital(total)}，其中加装电梯{fmt.yuan(elevator)}、"
                            f"二次供水{fmt.yuan(water)}；决算经审计，审计日期{day(doc, '/final_accounts/audited_on')}。")
    ctx["subsidy_text"] = _subsidy(doc, report, ruleset)
    ctx["participants"] = [{"role": ROLE_LABELS.get(p.get("role"), ""), "organization": p.get("organization", ""),
                            "representative": p.get("representative", "")} for p in participants]
    ctx["unit"] = issuing_body(ruleset, doc, "district_office", on)
    ctx["date_text"] = day(doc, "/acceptance/date")
    return ctx


def _subsidy(doc: dict, report: Report, ruleset: RuleSet) -> str:
    s = report.computed.get("subsidy")
    if not s:
        return ""
    years = [c.integer("built_year") or 0 for c in communities(doc)]
    built = max(years, default=0)  # one project, one funding basis (PROJECT-ONE-FUNDING-BASIS)
    if built > ruleset.data["eligibility"]["built_year_max"]:
        return (f"本项目建成于{built}年，按“谁家孩子，谁家抱”的原则由原责任主体承担改造费用，"
                f"市级、区级财政补助均为{fmt.yuan(Decimal('0'))}。")
    per_m2 = Decimal(ruleset.data["funding"]["subsidy_cap_yuan_per_m2"])
    return (f"市级补助资金基数{fmt.yuan(Decimal(s['base_yuan']))}（决算总额扣除加装电梯和二次供水），"
            f"上限{fmt.yuan(Decimal(s['cap_yuan']))}（按{per_m2.normalize():f}元/平方米核定），"
            f"核定补助资金{money_with_capital(Decimal(s['approved_yuan']))}，市、区按1:1承担："
            f"市级{money_with_capital(Decimal(s['city_yuan']))}，区级{money_with_capital(Decimal(s['district_yuan']))}。")
