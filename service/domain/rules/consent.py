"""Owner consent — 双2/3 (物权法 art. 76) and approval of the plan, compared as exact fractions."""
from __future__ import annotations

from fractions import Fraction

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.rules.base import Context, Rule


def _share(ctx: Context, part_ptr: str, total_ptr: str, read) -> tuple | None:
    part, total = read(ctx.doc, part_ptr), read(ctx.doc, total_ptr)
    if part is None or total is None or total <= 0 or part < 0:
        return None
    return part, total, Fraction(part) / Fraction(total)


def double_two_thirds(ctx: Context):
    area = _share(ctx, "/consent/renovation/area_m2", "/consent/total_exclusive_area_m2", v.number)
    owners = _share(ctx, "/consent/renovation/owners", "/consent/total_owners", v.integer)
    if area:
        ctx.computed["consent_area_ratio"] = v.ratio(area[0], area[1])
        ctx.computed["consent_area_percent"] = v.percent(area[2])
        if area[2] < ctx.ruleset.threshold("consent", "area"):
            yield "/consent/renovation/area_m2", N_("owners who agreed hold {part} m² of {total} m² of exclusive area ({ratio}, {percent}), less than two thirds: at least {needed} m² is needed"), {"part": v.plain(area[0]), "total": v.plain(area[1]), "ratio": v.ratio(area[0], area[1]), "percent": v.percent(area[2]), "needed": _needed_area(area[1], ctx)}
    if owners:
        ctx.computed["consent_owner_ratio"] = v.ratio(owners[0], owners[1])
        ctx.computed["consent_owner_percent"] = v.percent(owners[2])
        if owners[2] < ctx.ruleset.threshold("consent", "owners"):
            yield "/consent/renovation/owners", N_("{part} of {total} owners agreed to the renovation ({percent}), less than two thirds: at least {needed} owners are needed"), {"part": owners[0], "total": owners[1], "percent": v.percent(owners[2]), "needed": _needed(owners[1], ctx.ruleset.threshold("consent", "owners"))}


def _needed(total: int, threshold: Fraction) -> int:
    """The smallest whole count reaching the threshold (ceiling of total × threshold)."""
    product = total * threshold
    return -(-product.numerator // product.denominator)


def _needed_area(total, ctx: Context) -> str:
    # Areas carry two decimals: the smallest such area reaching the threshold.
    hundredths = Fraction(total) * 100 * ctx.ruleset.threshold("consent", "area")
    return v.plain(v.Decimal(-(-hundredths.numerator // hundredths.denominator)) / 100)


def plan_approval(ctx: Context):
    owners = _share(ctx, "/consent/plan_approval/owners", "/consent/total_owners", v.integer)
    if not owners:
        return
    threshold = ctx.ruleset.threshold("consent", "plan_approval")
    ctx.computed["plan_approval_ratio"] = v.ratio(owners[0], owners[1])
    ctx.computed["plan_approval_percent"] = v.percent(owners[2])
    if owners[2] < threshold:
        yield "/consent/plan_approval/owners", N_("{part} of {total} owners approved the renovation plan ({percent}), less than two thirds: at least {needed} are needed"), {"part": owners[0], "total": owners[1], "percent": v.percent(owners[2]), "needed": _needed(owners[1], threshold)}


def bounds(ctx: Context):
    total_owners = v.integer(ctx.doc, "/consent/total_owners")
    total_area = v.number(ctx.doc, "/consent/total_exclusive_area_m2")
    for ptr, total, read in (("/consent/renovation/owners", total_owners, v.integer),
                             ("/consent/plan_approval/owners", total_owners, v.integer)):
        part = read(ctx.doc, ptr)
        if part is not None and total is not None and part > total:
            yield ptr, N_("{part} owners is more than the {total} owners in all"), {"part": part, "total": total}
    area = v.number(ctx.doc, "/consent/renovation/area_m2")
    if area is not None and total_area is not None and area > total_area:
        yield "/consent/renovation/area_m2", N_("{part} m² is more than the {total} m² of exclusive area in all"), {"part": v.plain(area), "total": v.plain(total_area)}


RULES = (
    Rule("CONSENT-DOUBLE-TWO-THIRDS", ERROR, "declaration", double_two_thirds),
    Rule("CONSENT-PLAN-APPROVAL", ERROR, "declaration", plan_approval),
    Rule("CONSENT-BOUNDS", ERROR, "declaration", bounds),
)
