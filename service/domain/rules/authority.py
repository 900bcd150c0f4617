"""AUTHORITY-NAME: the submitting unit is named as it was on the day it submitted (programme.md).

From 2021-04-09 the eight streets belong to 杭州市拱墅区; before, to 杭州市下城区. Only
`submitter.unit` is checked: participants, `from_unit` and `to_unit` record what happened.
"""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.rules.base import Context, Rule


def authority_name(ctx: Context):
    day, unit = v.day(ctx.doc, "/submitted_on"), v.text(ctx.doc, "/submitter/unit")
    table = ctx.ruleset.authorities
    if day is None or unit is None or table is None:
        return
    district = table.district(day)
    if district not in unit:
        street = v.text(ctx.doc, "/submitter/street")
        yield "/submitter/unit", N_("the submitting unit “{unit}” does not name {district}, the district in force on {date}: name the unit as it was that day, e.g. “{example}”"), {
            "unit": unit, "district": district, "date": day.isoformat(), "example": table.issuing_body(street, "street", day)}


RULES = (Rule("AUTHORITY-NAME", ERROR, None, authority_name),)
