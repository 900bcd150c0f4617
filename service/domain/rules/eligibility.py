"""Eligibility — 三（一）改造范围: who may be renovated at all (declarations only), community by community.

A 1.0 package is a project of one community (`/project/...`); a 1.1 package lists its
communities, and each finding points into the one it is about (`/project/communities/N/...`).
"""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.project import communities
from service.domain.rules.base import Context, Rule

_GROUNDS = ("facilities_deficient", "management_deficient", "strong_resident_will")


def built_year(ctx: Context):
    limit = ctx.ruleset.data["eligibility"]["built_year_max"]
    for c in communities(ctx.doc):
        year = c.integer("built_year")
        if year is None or year <= limit:
            continue
        if c.boolean("affordable_housing") is False:
            yield c.pointer("affordable_housing"), N_("built in {year}, after {limit}: only affordable housing (保障性安居工程) built after {limit} can be renovated"), {"year": year, "limit": limit}
        grounds = c.get("post_2000_grounds")
        if "post_2000_grounds" not in c.data:
            yield c.pointer("post_2000_grounds"), N_("built in {year}, after {limit}: state the post-{limit} grounds (deficient facilities, deficient management, strong resident will)"), {"year": year, "limit": limit}
            continue
        for ground in _GROUNDS:
            if v.boolean(grounds, f"/{ground}") is False:
                yield f"{c.pointer('post_2000_grounds')}/{ground}", N_("built in {year}, after {limit}: the project qualifies only if all three post-{limit} grounds hold, and this one does not"), {"year": year, "limit": limit}


def recent_renovation(ctx: Context):
    years = ctx.ruleset.data["eligibility"]["recent_renovation_years"]
    plan = v.integer(ctx.doc, "/project/plan_year")
    for c in communities(ctx.doc):
        last = c.integer("last_comprehensive_renovation_year")
        if last is not None and plan is not None and plan - last <= years:
            yield c.pointer("last_comprehensive_renovation_year"), N_("comprehensively renovated in {last}, within {years} years before the plan year {plan}: eligible only from plan year {first}"), {"last": last, "years": years, "plan": plan, "first": last + years + 1}


def demolition(ctx: Context):
    for c in communities(ctx.doc):
        if c.boolean("in_demolition_plan") is True:
            yield c.pointer("in_demolition_plan"), N_("the community is in the demolition (征迁) plan for the next 5 years and cannot be renovated"), {}


RULES = (
    Rule("ELIG-BUILT-YEAR", ERROR, "declaration", built_year),
    Rule("ELIG-RECENT-RENOVATION", ERROR, "declaration", recent_renovation),
    Rule("ELIG-DEMOLITION", ERROR, "declaration", demolition),
)
