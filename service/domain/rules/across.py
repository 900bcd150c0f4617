"""Across projects (service only): who holds a code, the district's decision, one project per community.

These rules read the service's history (`History`); the command line has none, so they are
silent there, except PROJECT-APPROVED, which warns that it cannot verify (programme.md).
"""
from __future__ import annotations

from decimal import Decimal

from service.domain import values as v
from service.domain.findings import ERROR, N_, WARNING
from service.domain.project import communities, normal_name
from service.domain.rules.base import Context, Rule

# COMMUNITY-ONCE: the window of ELIG-RECENT-RENOVATION (三（一）: 近5年未实施综合改造).
ONCE_WITHIN_YEARS = 5


def project_owner(ctx: Context):
    """The code is not held by another street (the street of its first accepted declaration)."""
    if ctx.history is None:
        return
    code, street = v.text(ctx.doc, "/project/code"), v.text(ctx.doc, "/submitter/street")
    if code is None or street is None:
        return
    owner = ctx.history.owner_street(code)
    if owner is not None and owner != street:
        # Says nothing of the other project: not its street, stage, community or figures.
        yield "/project/code", N_("project code {code} is not available to {street}: submit this street's project under a code of its own"), {"code": code, "street": street}


def project_approved(ctx: Context):
    """An acceptance follows a declaration the district approved at 计划确定 (the newest decision counts)."""
    code = v.text(ctx.doc, "/project/code")
    if code is None:
        return
    if ctx.history is None:
        yield "/project/code", N_("whether project {code} was approved at 计划确定 cannot be verified here: the service checks it on submission"), {"code": code}
        return
    decision = ctx.history.plan_decision(code)
    if decision is None:
        yield "/project/code", N_("project {code} has no decision of the district (计划确定) on its current declaration: submit the acceptance once the district has approved the declaration"), {"code": code}
    elif not decision.approved:
        yield "/project/code", N_("the district's newest decision (计划确定) on project {code} refuses it: submit the acceptance once the district has approved the declaration"), {"code": code}


def community_once(ctx: Context):
    """No community of the package is in another standing project of the street within 5 plan years."""
    if ctx.history is None:
        return
    code, street = v.text(ctx.doc, "/project/code"), v.text(ctx.doc, "/submitter/street")
    plan_year = v.integer(ctx.doc, "/project/plan_year")
    if code is None or street is None or plan_year is None:
        return
    others = [o for o in ctx.history.standing_projects(street, code)
              if o.plan_year is not None and abs(o.plan_year - plan_year) <= ONCE_WITHIN_YEARS]
    if not others:
        return
    for community in communities(ctx.doc):
        if community.name is None:
            continue
        key = normal_name(community.name)
        hit = next((o for o in sorted(others, key=lambda o: o.code)
                    if any(isinstance(c.get("name"), str) and normal_name(c["name"]) == key for c in o.communities)), None)
        if hit is not None:
            yield community.pointer("name"), N_("{community} is already in project {other} (plan year {other_year}), {years} years from this plan year {plan_year}: a community is renovated by one project, and again only more than {window} years later"), {
                "community": community.name, "other": hit.code, "other_year": hit.plan_year,
                "years": abs(hit.plan_year - plan_year), "plan_year": plan_year, "window": ONCE_WITHIN_YEARS}


def accounts_within_approval(ctx: Context):
    """The final accounts stay within the budget the district approved (三（四）2 确定资金预算)."""
    if ctx.history is None:
        return
    code, total = v.text(ctx.doc, "/project/code"), v.money(ctx.doc, "/final_accounts/total_yuan")
    if code is None or total is None:
        return
    decision = ctx.history.plan_decision(code)
    if decision is None or not decision.approved or decision.approved_budget_yuan is None:
        return  # PROJECT-APPROVED says so
    approved = Decimal(decision.approved_budget_yuan)
    if total > approved:
        yield "/final_accounts/total_yuan", N_("the final accounts total {total} yuan, {over} yuan more than the {approved} yuan approved at 计划确定: keep within the approved budget, or have the district approve the higher amount"), {
            "total": v.yuan(total), "over": v.yuan(total - approved), "approved": v.yuan(approved)}


OWNER = Rule("PROJECT-OWNER", ERROR, None, project_owner)

RULES = (
    OWNER,
    Rule("PROJECT-APPROVED", ERROR, "acceptance", project_approved, offline_severity=WARNING),
    Rule("COMMUNITY-ONCE", ERROR, "declaration", community_once),
    Rule("ACCOUNTS-WITHIN-APPROVAL", WARNING, "acceptance", accounts_within_approval),
)
