"""Eligibility — 三（一）改造范围: who may be renovated at all (declarations only)."""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.pointer import MISSING, resolve
from service.domain.rules.base import Context, Rule

_GROUNDS = ("facilities_deficient", "management_deficient", "strong_resident_will")


def built_year(ctx: Context):
    limit = ctx.ruleset.data["eligibility"]["built_year_max"]
    year = v.integer(ctx.doc, "/project/built_year")
    if year is None or year <= limit:
        return
    if v.boolean(ctx.doc, "/project/affordable_housing") is False:
        yield "/project/affordable_housing", N_("built in {year}, after {limit}: only affordable housing (保障性安居工程) built after {limit} can be renovated"), {"year": year, "limit": limit}
    grounds = resolve(ctx.doc, "/project/post_2000_grounds")
    if grounds is MISSING:
        yield "/project/post_2000_grounds", N_("built in {year}, after {limit}: state the post-{limit} grounds (deficient facilities, deficient management, strong resident will)"), {"year": year, "limit": limit}
        return
    for ground in _GROUNDS:
        if v.boolean(ctx.doc, f"/project/post_2000_grounds/{ground}") is False:
            yield f"/project/post_2000_grounds/{ground}", N_("built in {year}, after {limit}: the project qualifies only if all three post-{limit} grounds hold, and this one does not"), {"year": year, "limit": limit}


def recent_renovation(ctx: Context):
    years = ctx.ruleset.data["eligibility"]["recent_renovation_years"]
    last = v.integer(ctx.doc, "/project/last_comprehensive_renovation_year")
    plan = v.integer(ctx.doc, "/project/plan_year")
    if last is not None and plan is not None and plan - last <= years:
        yield "/project/last_comprehensive_renovation_year", N_("comprehensively renovated in {last}, within {years} years before the plan year {plan}: eligible only from plan year {first}"), {"last": last, "years": years, "plan": plan, "first": last + years + 1}


def demolition(ctx: Context):
    if v.boolean(ctx.doc, "/project/in_demolition_plan") is True:
        yield "/project/in_demolition_plan", N_("the community is in the demolition (征迁) plan for the next 5 years and cannot be renovated"), {}


RULES = (
    Rule("ELIG-BUILT-YEAR", ERROR, "declaration", built_year),
    Rule("ELIG-RECENT-RENOVATION", ERROR, "declaration", recent_renovation),
    Rule("ELIG-DEMOLITION", ERROR, "declaration", demolition),
)
