"""《老旧小区综合改造提升项目补助资金核定表》 — from a passed acceptance, dated the audit day.

The final accounts are audited after the joint acceptance (三（四）4); this statement carries them
and the subsidy they fix, so the certificate (dated the acceptance day) need not quote a later day.
"""
from __future__ import annotations

from decimal import Decimal

from service.domain import formats as fmt
from service.domain import values as v
from service.domain.documents.common import Issue, base, cited_plan, dated, day, issuing_body, scale
from service.domain.findings import Report
from service.domain.project import communities
from service.domain.ruleset import RuleSet

TITLE = "老旧小区综合改造提升项目补助资金核定表"


def _row(label: str, amount: Decimal) -> dict:
    return {"label": label, "amount": fmt.yuan(amount), "capital": fmt.capital(amount)}


def context(doc: dict, report: Report, ruleset: RuleSet, issue: Issue) -> dict:
    """Everything the statement says, as text."""
    ctx = base(doc, issue, TITLE)
    on = dated(doc, "/final_accounts/audited_on")
    money = {k: v.money(doc, f"/final_accounts/{k}") or Decimal(0)
             for k in ("total_yuan", "elevator_yuan", "secondary_water_supply_yuan")}
    s = report.computed.get("subsidy") or {}
    amount = {k: Decimal(s.get(k, "0")) for k in ("base_yuan", "cap_yuan", "approved_yuan", "city_yuan", "district_yuan")}
    per_m2 = Decimal(ruleset.data["funding"]["subsidy_cap_yuan_per_m2"])
    ctx["intro"] = (f"根据{cited_plan(ruleset, on)}，{ctx['project_name']}（项目编号：{ctx['project_code']}）"
                    f"已于{day(doc, '/acceptance/date')}通过联合竣工验收，竣工财务决算经审计（审计日期"
                    f"{day(doc, '/final_accounts/audited_on')}）。建设规模：{scale(doc)}。补助资金核定如下：")
    ctx["figures"] = [
        _row("竣工财务决算总额", money["total_yuan"]),
        _row("其中：加装电梯", money["elevator_yuan"]),
        _row("其中：二次供水", money["secondary_water_supply_yuan"]),
        _row("补助资金基数", amount["base_yuan"]),
        _row(f"补助上限（{per_m2.normalize():f}元/平方米）", amount["cap_yuan"]),
        _row("核定补助资金", amount["approved_yuan"]),
        _row("其中：市级承担", amount["city_yuan"]),
        _row("其中：区级承担", amount["district_yuan"]),
    ]
    years = [c.integer("built_year") or 0 for c in communities(doc)]
    if max(years, default=0) > ruleset.data["eligibility"]["built_year_max"]:
        ctx["basis"] = (f"本项目建成于{max(years)}年，按“谁家孩子，谁家抱”的原则由原责任主体承担改造费用，"
                        f"市级、区级财政补助均为{fmt.yuan(Decimal('0'))}。")
    else:
        ctx["basis"] = ("补助资金基数为竣工财务决算总额扣除加装电梯和二次供水费用；核定补助资金取基数与上限中的"
                        "较小者，由市、区按1∶1比例承担。")
    ctx["unit"] = issuing_body(ruleset, doc, "district_office", on)
    ctx["date_text"] = day(doc, "/final_accounts/audited_on")
    return ctx
