"""The renovation plan — the six plans, the menu, urgent issues and the budget (declarations)."""
from __future__ import annotations

from decimal import Decimal

from service.domain import values as v
from service.domain.findings import ERROR, N_, Msg
from service.domain.pointer import join, resolve
from service.domain.rules.base import Context, Rule, each

DOCUMENTS = {
    "design_proposal": N_("preliminary renovation plan (初步改造方案)"),
    "budget_estimate": N_("budget (预算)"),
    "resident_funding_plan": N_("residents' funding plan (居民资金筹集方案)"),
    "maintenance_fund_plan": N_("maintenance fund plan (物业维修资金补建续筹方案)"),
    "property_service_plan": N_("property service plan (物业服务引进方案)"),
    "long_term_management_plan": N_("long-term management plan (长效管理方案)"),
}
FUNDING = ("city_yuan", "district_yuan", "residents_yuan", "maintenance_fund_yuan", "public_income_yuan",
           "donations_yuan", "responsible_entity_yuan", "other_yuan")


def documents(ctx: Context):
    if not isinstance(resolve(ctx.doc, "/plan"), dict):
        return
    for key, title in DOCUMENTS.items():
        if not v.text(ctx.doc, f"/plan/documents/{key}"):
            yield join("plan", "documents", key), N_("the {title} is not given: name its attachment id"), {"title": Msg(title)}


def urgent_issues(ctx: Context):
    addressed = {code for _i, item in each(resolve(ctx.doc, "/plan/items"))
                 for code in (item.get("addresses") if isinstance(item.get("addresses"), list) else [])
                 if isinstance(code, str)}
    for i, issue in each(resolve(ctx.doc, "/survey/urgent_issues")):
        code = issue.get("code")
        if isinstance(code, str) and code not in addressed:
            yield join("survey", "urgent_issues", i, "code"), N_("the urgent issue “{code}” ({description}) is not addressed by any plan item: problems of safety and basic function must be in the plan"), {"code": code, "description": issue.get("description", "")}


def menu(ctx: Context):
    for i, item in each(resolve(ctx.doc, "/plan/items")):
        code, aspect = item.get("code"), item.get("aspect")
        if not isinstance(code, str):
            continue
        entry = ctx.ruleset.menu.get(code)
        if entry is None:
            yield join("plan", "items", i, "code"), N_("“{code}” is not in the renovation menu: use a menu code, or 'other' with a name"), {"code": code}
        elif entry.aspect is not None and isinstance(aspect, str) and aspect != entry.aspect:
            yield join("plan", "items", i, "aspect"), N_("the menu puts “{code}” under the aspect “{expected}”, not “{aspect}”"), {"code": code, "expected": entry.aspect, "aspect": aspect}


def budget_sum(ctx: Context):
    total = v.money(ctx.doc, "/plan/total_budget_yuan")
    if total is None:
        return
    items = [v.money(item, "/budget_yuan") for _i, item in each(resolve(ctx.doc, "/plan/items"))]
    if items and None not in items and sum(items, Decimal(0)) != total:
        yield "/plan/total_budget_yuan", N_("the plan items add up to {sum} yuan, not the total budget of {total} yuan"), {"sum": v.yuan(sum(items, Decimal(0))), "total": v.yuan(total)}
    funding = resolve(ctx.doc, "/plan/funding")
    if isinstance(funding, dict):
        sources = [v.money(funding, "/" + k) if k in funding else Decimal(0) for k in FUNDING]
        if None not in sources and sum(sources, Decimal(0)) != total:
            yield "/plan/funding", N_("the funding sources add up to {sum} yuan, not the total budget of {total} yuan"), {"sum": v.yuan(sum(sources, Decimal(0))), "total": v.yuan(total)}


RULES = (
    Rule("PLAN-DOCUMENTS", ERROR, "declaration", documents),
    Rule("PLAN-URGENT-ISSUES", ERROR, "declaration", urgent_issues),
    Rule("PLAN-MENU", ERROR, "declaration", menu),
    Rule("BUDGET-SUM", ERROR, "declaration", budget_sum),
)
