"""Owner consent, vote by vote, under the law in force on the day each vote closed.

Property Law art. 76 (until 2020-12-31): 双2/3 of all owners and all exclusive area agree.
Civil Code art. 278 (from 2021-01-01): 2/3 of owners and area take part, and 3/4 of those
taking part agree. The plan's own 2/3 approval of the plan holds under both. The law table is
data (schemas/laws.json); every ratio is an exact Fraction and every percentage truncated.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.law import Law
from service.domain.project import Vote, votes
from service.domain.rules.base import Context, Rule


def _share(part: Decimal | int | None, total: Decimal | int | None) -> Fraction | None:
    if part is None or total is None or total <= 0 or part < 0:
        return None
    return Fraction(part) / Fraction(total)


def _needed(total: int, threshold: Fraction) -> int:
    """The smallest whole count reaching the threshold (ceiling of total × threshold)."""
    product = total * threshold
    return -(-product.numerator // product.denominator)


def _needed_area(total: Decimal, threshold: Fraction) -> str:
    # Areas carry two decimals: the smallest such area reaching the threshold.
    hundredths = Fraction(total) * 100 * threshold
    return v.plain(Decimal(-(-hundredths.numerator // hundredths.denominator)) / 100)


def law_of(ctx: Context, vote: Vote) -> Law | None:
    """The law in force on the day the vote closed (None when that day is unknown)."""
    return ctx.ruleset.laws.on(vote.voted_on) if ctx.ruleset.laws else None


def figures(ctx: Context, vote: Vote) -> dict[str, Any]:
    """Where a vote's computed figures go: the report's `computed` itself for 1.0 (its keys are
    unchanged), else the vote's entry in `computed.votes` (one per vote, in vote order)."""
    if vote.index is None:
        return ctx.computed
    entries = ctx.computed.get("votes")
    if entries is None:
        entries = ctx.computed["votes"] = {}
    if vote.index not in entries:
        law = law_of(ctx, vote)
        entries[vote.index] = {"community": vote.community, "voted_on": vote.voted_on.isoformat() if vote.voted_on else None,
                               "law": law.id if law else None}
    return entries[vote.index]


def _record(ctx: Context, vote: Vote, key: str, part, total, share: Fraction) -> None:
    into = figures(ctx, vote)
    into[f"{key}_ratio"] = v.ratio(part, total)
    into[f"{key}_percent"] = v.percent(share)


def _area_params(part: Decimal, total: Decimal, share: Fraction, threshold: Fraction) -> dict:
    return {"part": v.plain(part), "total": v.plain(total), "ratio": v.ratio(part, total), "percent": v.percent(share),
            "needed": _needed_area(total, threshold)}


def _owner_params(part: int, total: int, share: Fraction, threshold: Fraction) -> dict:
    return {"part": part, "total": total, "percent": v.percent(share), "needed": _needed(total, threshold)}


def double_two_thirds(ctx: Context):
    """CONSENT-DOUBLE-TWO-THIRDS: under the Property Law, 2/3 of all area and all owners agree."""
    for vote in votes(ctx.doc):
        law = law_of(ctx, vote)
        area_total, owner_total = vote.number("total_exclusive_area_m2"), vote.integer("total_owners")
        area, owners = vote.number("renovation", "area_m2"), vote.integer("renovation", "owners")
        area_share, owner_share = _share(area, area_total), _share(owners, owner_total)
        by_all = law is not None and law.threshold("agreeing_of_all", "area") is not None
        # 1.0 keeps its figures (agreeing of all) whatever the law; 1.1 records what its law counts.
        if vote.index is None or by_all:
            if area_share is not None:
                _record(ctx, vote, "consent_area", area, area_total, area_share)
            if owner_share is not None:
                _record(ctx, vote, "consent_owner", owners, owner_total, owner_share)
        if not by_all:
            continue
        threshold = law.threshold("agreeing_of_all", "area")
        if area_share is not None and area_share < threshold:
            yield vote.pointer("renovation", "area_m2"), N_("owners who agreed hold {part} m² of {total} m² of exclusive area ({ratio}, {percent}), less than two thirds: at least {needed} m² is needed"), _area_params(area, area_total, area_share, threshold)
        threshold = law.threshold("agreeing_of_all", "owners")
        if owner_share is not None and owner_share < threshold:
            yield vote.pointer("renovation", "owners"), N_("{part} of {total} owners agreed to the renovation ({percent}), less than two thirds: at least {needed} owners are needed"), _owner_params(owners, owner_total, owner_share, threshold)


def _participation(vote: Vote) -> dict | None:
    value = vote.data.get("participation")
    return value if isinstance(value, dict) else None


def turnout(ctx: Context):
    """CONSENT-TURNOUT: under the Civil Code, owners holding 2/3 of the area and 2/3 of the owners take part."""
    for vote in votes(ctx.doc):
        law = law_of(ctx, vote)
        if law is None or law.threshold("participating_of_all", "area") is None:
            continue
        day = vote.voted_on.isoformat() if isinstance(vote.voted_on, date) else ""
        if vote.index is None:
            yield vote.pointer("participation"), N_("the owners' vote of this declaration closed on {date}, under the Civil Code (art. 278), which asks how many owners and how much exclusive area took part; format 1.0 cannot say so: submit the declaration as format 1.1 with each vote's participation"), {"date": day}
            continue
        if _participation(vote) is None:
            yield vote.pointer("participation"), N_("the vote of {community} closed on {date}, under the Civil Code (art. 278): give the owners and the exclusive area that took part (participation), so that the two-thirds turnout can be checked"), {"community": vote.community or "?", "date": day}
            continue
        area_total, owner_total = vote.number("total_exclusive_area_m2"), vote.integer("total_owners")
        area, owners = vote.number("participation", "area_m2"), vote.integer("participation", "owners")
        area_share, owner_share = _share(area, area_total), _share(owners, owner_total)
        threshold = law.threshold("participating_of_all", "area")
        if area_share is not None:
            _record(ctx, vote, "turnout_area", area, area_total, area_share)
            if area_share < threshold:
                yield vote.pointer("participation", "area_m2"), N_("owners who took part in the vote hold {part} m² of {total} m² of exclusive area ({ratio}, {percent}), less than the two thirds the Civil Code (art. 278) requires: at least {needed} m² must take part"), _area_params(area, area_total, area_share, threshold)
        threshold = law.threshold("participating_of_all", "owners")
        if owner_share is not None:
            _record(ctx, vote, "turnout_owner", owners, owner_total, owner_share)
            if owner_share < threshold:
                yield vote.pointer("participation", "owners"), N_("{part} of {total} owners took part in the vote ({percent}), less than the two thirds the Civil Code (art. 278) requires: at least {needed} owners must take part"), _owner_params(owners, owner_total, owner_share, threshold)


def civil_code(ctx: Context):
    """CONSENT-CIVIL-CODE: under the Civil Code, 3/4 of the participating area and owners agree.

    Not decided (no finding) when participation is missing: CONSENT-TURNOUT says so."""
    for vote in votes(ctx.doc):
        law = law_of(ctx, vote)
        if law is None or law.threshold("agreeing_of_participating", "area") is None or _participation(vote) is None:
            continue
        for field, unit in (("area_m2", "area"), ("owners", "owner")):
            read = vote.number if field == "area_m2" else vote.integer
            part, base = read("renovation", field), read("participation", field)
            share = _share(part, base)
            if share is None:
                continue
            _record(ctx, vote, f"consent_{unit}", part, base, share)
            threshold = law.threshold("agreeing_of_participating", "area" if unit == "area" else "owners")
            if share >= threshold:
                continue
            if unit == "area":
                yield vote.pointer("renovation", "area_m2"), N_("owners who agreed hold {part} m² of the {total} m² of exclusive area that took part in the vote ({ratio}, {percent}), less than the three quarters the Civil Code (art. 278) requires: at least {needed} m² is needed"), _area_params(part, base, share, threshold)
            else:
                yield vote.pointer("renovation", "owners"), N_("{part} of the {total} owners who took part in the vote agreed ({percent}), less than the three quarters the Civil Code (art. 278) requires: at least {needed} owners are needed"), _owner_params(part, base, share, threshold)


def plan_approval(ctx: Context):
    """CONSENT-PLAN-APPROVAL: 2/3 of ALL owners approve the plan (三（四）1), whatever the law."""
    threshold = ctx.ruleset.threshold("consent", "plan_approval")
    for vote in votes(ctx.doc):
        owners, total = vote.integer("plan_approval", "owners"), vote.integer("total_owners")
        share = _share(owners, total)
        if share is None:
            continue
        _record(ctx, vote, "plan_approval", owners, total, share)
        if share < threshold:
            yield vote.pointer("plan_approval", "owners"), N_("{part} of {total} owners approved the renovation plan ({percent}), less than two thirds: at least {needed} are needed"), _owner_params(owners, total, share, threshold)


def bounds(ctx: Context):
    """CONSENT-BOUNDS: renovation ≤ participation ≤ totals, for owners and area; plan approval ≤ all owners."""
    for vote in votes(ctx.doc):
        took_part = _participation(vote) is not None
        for field, read in (("owners", vote.integer), ("area_m2", vote.number)):
            total = read("total_owners" if field == "owners" else "total_exclusive_area_m2")
            middle = read("participation", field) if took_part else None
            agreed = read("renovation", field)
            if middle is not None and total is not None and middle > total:
                yield vote.pointer("participation", field), *_above_total(field, middle, total)
            if agreed is None:
                continue
            if middle is not None and agreed > middle:
                if field == "owners":
                    yield vote.pointer("renovation", field), N_("{part} owners agreed, more than the {total} owners who took part in the vote"), {"part": agreed, "total": middle}
                else:
                    yield vote.pointer("renovation", field), N_("{part} m² agreed, more than the {total} m² of exclusive area that took part in the vote"), {"part": v.plain(agreed), "total": v.plain(middle)}
            elif middle is None and total is not None and agreed > total:
                yield vote.pointer("renovation", field), *_above_total(field, agreed, total)
        approved, total = vote.integer("plan_approval", "owners"), vote.integer("total_owners")
        if approved is not None and total is not None and approved > total:
            yield vote.pointer("plan_approval", "owners"), *_above_total("owners", approved, total)


def _above_total(field: str, part, total) -> tuple[str, dict]:
    if field == "owners":
        return N_("{part} owners is more than the {total} owners in all"), {"part": part, "total": total}
    return N_("{part} m² is more than the {total} m² of exclusive area in all"), {"part": v.plain(part), "total": v.plain(total)}


def laws_applied(doc: Any, ruleset) -> str | list[str | None] | None:
    """The report's `law`: one law id when every vote (whose day is known) falls under it, else
    one entry per vote in vote order (None for a vote without a readable date)."""
    if ruleset.laws is None:
        return None
    applied = [law.id if (law := ruleset.laws.on(vote.voted_on)) else None for vote in votes(doc)]
    known = {law for law in applied if law}
    if not known:
        return None
    return known.pop() if len(known) == 1 else applied


def finish(computed: dict) -> None:
    """`computed.votes` as a list in vote order (kept by index while the rules fill it)."""
    entries = computed.get("votes")
    if isinstance(entries, dict):
        computed["votes"] = [entries[i] for i in sorted(entries)]


RULES = (
    Rule("CONSENT-DOUBLE-TWO-THIRDS", ERROR, "declaration", double_two_thirds),
    Rule("CONSENT-TURNOUT", ERROR, "declaration", turnout),
    Rule("CONSENT-CIVIL-CODE", ERROR, "declaration", civil_code),
    Rule("CONSENT-PLAN-APPROVAL", ERROR, "declaration", plan_approval),
    Rule("CONSENT-BOUNDS", ERROR, "declaration", bounds),
)
