"""Across stages (service only): a later stage keeps the project its accepted declaration described.

Compared community by community, whatever the versions (programme.md): a 1.0 declaration and a
1.1 acceptance of the same single community are consistent when their figures agree.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.pointer import resolve
from service.domain.project import communities, is_multi, normal_name, of_project_block
from service.domain.rules.base import Context, Rule

# The fields that decide eligibility and the subsidy cap (rules.md, PROJECT-CONSISTENT), per community.
FIELDS = ("built_year", "buildings", "households", "floor_area_m2")


def _same(a, b) -> bool:
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) and not isinstance(a, bool):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return a == b


def _changed(pointer: str, value, declared):
    field = pointer.rsplit("/", 1)[-1]
    return pointer, N_("{field} is {value} here but {declared} in the accepted declaration: a later stage cannot change it"), {"field": field, "value": str(value), "declared": str(declared)}


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
    street = resolve(ctx.doc, "/project/street")
    if "street" in declared and not _same(street, declared["street"]):
        yield _changed("/project/street", street, declared["street"])
    before = [c for c in of_project_block(declared, None) if isinstance(c.get("name"), str)]
    now = [c for c in communities(ctx.doc) if c.name is not None]
    by_name = {normal_name(c["name"]): c for c in before}
    pairs = [(c, by_name.get(normal_name(c.name))) for c in now]
    unmatched_now = [c for c, d in pairs if d is None]
    matched = {normal_name(d["name"]) for _c, d in pairs if d is not None}
    unmatched_before = [d for d in before if normal_name(d["name"]) not in matched]
    if len(unmatched_now) == 1 and len(unmatched_before) == 1:
        # One community renamed (the usual case of a single-community project): name the change,
        # and still compare its figures with the declared ones.
        c, d = unmatched_now[0], unmatched_before[0]
        yield _changed(c.pointer("name"), c.name, d["name"])
        pairs = [(x, d if x is c else y) for x, y in pairs]
        unmatched_now, unmatched_before = [], []
    for c in unmatched_now:
        yield c.pointer("name"), N_("{community} is not a community of the accepted declaration: a later stage cannot change the project's communities"), {"community": c.name}
    if unmatched_before:
        where = "/project/communities" if is_multi(ctx.doc) else "/project/community"
        yield where, N_("the accepted declaration also lists {communities}: a later stage cannot change the project's communities"), {"communities": "、".join(d["name"] for d in unmatched_before)}
    for c, d in pairs:
        if d is None:
            continue
        for field in FIELDS:
            if field in d and c.get(field) is not None and not _same(c.get(field), d[field]):
                yield _changed(c.pointer(field), c.get(field), d[field])


RULES = (Rule("PROJECT-CONSISTENT", ERROR, ("acceptance", "handover"), project_consistent),)
