"""Funding — 三（五）1: the city's share for old communities, 谁家孩子谁家抱 for newer ones.

"A project built in or before 2000" means all its communities are (PROJECT-ONE-FUNDING-BASIS
keeps a 1.1 project on one side of the line); a project that straddles it is funded by neither
rule until that error is fixed. The 400 yuan/m² cap is on the communities' summed floor area.
"""
from __future__ import annotations

from decimal import Decimal

from service.domain import values as v
from service.domain.findings import ERROR, INFO, N_, WARNING
from service.domain.pointer import MISSING, resolve
from service.domain.project import communities, is_multi, total
from service.domain.rules.base import Context, Rule, each


def _sides(ctx: Context) -> tuple[list, list] | None:
    """The communities built in or before the line and those after it; None if a year is unreadable."""
    limit = ctx.ruleset.data["eligibility"]["built_year_max"]
    listed = communities(ctx.doc)
    years = [c.integer("built_year") for c in listed]
    if not listed or None in years:
        return None
    return [c for c, y in zip(listed, years) if y <= limit], [c for c, y in zip(listed, years) if y > limit]


def _is_old(ctx: Context) -> bool | None:
    """True when every community is built in or before 2000, False when every one after; else None."""
    sides = _sides(ctx)
    if sides is None or (sides[0] and sides[1]):
        return None
    return bool(sides[0])


def one_funding_basis(ctx: Context):
    """A 1.1 project's communities all fall on one side of the funding line.

    The finding is at the built year of each community on the smaller side; on a tie, at those
    built after the line (the exception the plan admits only as affordable housing).
    """
    sides = _sides(ctx)
    if not is_multi(ctx.doc) or sides is None or not (sides[0] and sides[1]):
        return
    old, new = sides
    limit = ctx.ruleset.data["eligibility"]["built_year_max"]
    for c in (old if len(old) < len(new) else new):
        year = c.integer("built_year")
        params = {"name": c.name or "?", "year": year, "count": len(old) + len(new), "limit": limit}
        if year <= limit:
            yield c.pointer("built_year"), N_("{name} was built in {year}, but {others} of the project's {count} communities were built after {limit}: one project is funded on one basis, so declare the communities built in or before {limit} as a project of their own"), {**params, "others": len(new)}
        else:
            yield c.pointer("built_year"), N_("{name} was built in {year}, but {others} of the project's {count} communities were built in or before {limit}: one project is funded on one basis, so declare the communities built after {limit} as a project of their own"), {**params, "others": len(old)}


def _cap(ctx: Context) -> Decimal | None:
    area = total(ctx.doc, "floor_area_m2")
    per_m2 = Decimal(ctx.ruleset.data["funding"]["subsidy_cap_yuan_per_m2"])
    return None if area is None else v.half_up(area * per_m2)


def _city_half(ctx: Context, approved: Decimal) -> Decimal:
    share = ctx.ruleset.threshold("funding", "city_share")
    return v.half_up(approved * share.numerator / share.denominator)


def funding_old(ctx: Context):
    if _is_old(ctx) is not True:
        return
    total, city, cap = v.money(ctx.doc, "/plan/total_budget_yuan"), v.money(ctx.doc, "/plan/funding/city_yuan"), _cap(ctx)
    excluded_codes = set(ctx.ruleset.data["funding"]["city_base_excluded_items"])
    budgets = [(item.get("code"), v.money(item, "/budget_yuan")) for _i, item in each(resolve(ctx.doc, "/plan/items"))]
    if total is None or cap is None or any(b is None for _c, b in budgets):
        return
    excluded = sum((b for c, b in budgets if isinstance(c, str) and c in excluded_codes), Decimal(0))
    estimate = _city_half(ctx, max(Decimal(0), min(total - excluded, cap)))
    ctx.computed["city_share_estimate_yuan"] = f"{estimate:.2f}"
    if city is not None and city > estimate:
        yield "/plan/funding/city_yuan", N_("the city share of {city} yuan is more than the estimated {estimate} yuan: half of the smaller of the budget without elevators and secondary water supply ({base} yuan) and 400 yuan/m² × the floor area ({cap} yuan)"), {"city": v.yuan(city), "estimate": v.yuan(estimate), "base": v.yuan(total - excluded), "cap": v.yuan(cap)}


def funding_affordable(ctx: Context):
    if _is_old(ctx) is not False or not isinstance(resolve(ctx.doc, "/plan/funding"), dict):
        return
    for key in ("city_yuan", "district_yuan"):
        amount = v.money(ctx.doc, f"/plan/funding/{key}")
        if amount is not None and amount != 0:
            yield f"/plan/funding/{key}", N_("{amount} yuan of public money for a project built after 2000: the original responsible entity pays (谁家孩子，谁家抱)"), {"amount": v.yuan(amount)}
    entity = v.money(ctx.doc, "/plan/funding/responsible_entity_yuan")
    if entity is None or entity == 0:
        yield "/plan/funding/responsible_entity_yuan", N_("a project built after 2000 is paid by its original responsible entity: state its contribution"), {}


def funding_split(ctx: Context):
    """The district matches the city's share 1:1 and may add more (三（五）1); a missing amount is 0."""
    if _is_old(ctx) is not True or not isinstance(resolve(ctx.doc, "/plan/funding"), dict):
        return
    city, district = (v.money(ctx.doc, f"/plan/funding/{k}") if resolve(ctx.doc, f"/plan/funding/{k}") is not MISSING else Decimal("0.00")
                      for k in ("city_yuan", "district_yuan"))
    if city is not None and district is not None and district < city:
        yield "/plan/funding/district_yuan", N_("the district share of {district} yuan is less than the city share of {city} yuan: the district matches the city 1:1, so give at least {city} yuan"), {"district": v.yuan(district), "city": v.yuan(city)}


def subsidy(ctx: Context):
    """Info only: the city subsidy the plan fixes, into computed.subsidy."""
    total = v.money(ctx.doc, "/final_accounts/total_yuan")
    elevator = v.money(ctx.doc, "/final_accounts/elevator_yuan")
    water = v.money(ctx.doc, "/final_accounts/secondary_water_supply_yuan")
    cap, old = _cap(ctx), _is_old(ctx)
    if None in (total, elevator, water, cap, old):
        return ()
    base = total - elevator - water
    approved = max(Decimal(0), min(base, cap))
    city = _city_half(ctx, approved) if old else Decimal("0.00")
    district = approved - city if old else Decimal("0.00")
    ctx.computed["subsidy"] = {
        "base_yuan": f"{base:.2f}", "cap_yuan": f"{cap:.2f}", "approved_yuan": f"{approved:.2f}",
        "city_yuan": f"{city:.2f}", "district_yuan": f"{district:.2f}",
    }
    return ()


RULES = (
    Rule("PROJECT-ONE-FUNDING-BASIS", ERROR, None, one_funding_basis),
    Rule("FUNDING-OLD", WARNING, "declaration", funding_old),
    Rule("FUNDING-SPLIT", WARNING, "declaration", funding_split),
    Rule("FUNDING-AFFORDABLE", ERROR, "declaration", funding_affordable),
    Rule("SUBSIDY", INFO, "acceptance", subsidy),
)
