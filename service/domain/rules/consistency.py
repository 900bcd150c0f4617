"""Across stages (service only): a later stage keeps the project its accepted declaration described."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.pointer import resolve
from service.domain.rules.base import Context, Rule

# The fields that decide eligibility and the subsidy cap (rules.md, PROJECT-CONSISTENT).
FIELDS = ("community", "street", "built_year", "buildings", "households", "floor_area_m2")


def _same(a, b) -> bool:
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) and not isinstance(a, bool):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return a == b


def project_consistent(ctx: Context):
    if ctx.history is None:
        return  # the command line has no history to compare with
    code = v.text(ctx.doc, "/project/code")
    if code is None:
        return
    declared = ctx.history.declared_project(code)
    if declared is None:
        yield "/project/code", N_("project {code} has no accepted declaration: a later stage follows an accepted declaration"), {"code": code}
        return
    for field in FIELDS:
        value = resolve(ctx.doc, f"/project/{field}")
        if field in declared and not _same(value, declared[field]):
            yield f"/project/{field}", N_("{field} is {value} here but {declared} in the accepted declaration: a later stage cannot change it"), {"field": field, "value": str(value), "declared": str(declared[field])}


RULES = (Rule("PROJECT-CONSISTENT", ERROR, ("acceptance", "handover"), project_consistent),)
