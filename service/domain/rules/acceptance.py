"""Implementation and acceptance — 三（四）3–4: review, procurement, dates, parties, accounts."""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_, Msg
from service.domain.pointer import MISSING, resolve
from service.domain.rules.base import Context, Rule, each

ROLE_NAMES = {
    "district_office": N_("the district renovation office (区旧改办)"),
    "district_department": N_("a district department (区级相关部门)"),
    "builder": N_("the builder (建设单位)"),
    "designer": N_("the designer (设计单位)"),
    "contractor": N_("the contractor (施工单位)"),
    "supervisor": N_("the supervisor (监理单位)"),
    "street": N_("the street office (街道)"),
    "community": N_("the community (社区)"),
    "resident_representative": N_("a residents' representative (居民代表)"),
    "epc_consortium": N_("the EPC consortium (EPC联合体)"),
}
_UNITS = {"separate": ("designer", "contractor", "supervisor"), "epc": ("epc_consortium", "supervisor")}


def design_review(ctx: Context):
    review = resolve(ctx.doc, "/implementation/design_review")
    if not isinstance(resolve(ctx.doc, "/implementation"), dict):
        return
    if review is MISSING:
        yield "/implementation/design_review", N_("no joint design review led by the district office is recorded: give its date and opinion"), {}
        return
    if isinstance(review, dict):
        if "date" not in review:
            yield "/implementation/design_review/date", N_("the joint design review has no date"), {}
        if not review.get("opinion"):
            yield "/implementation/design_review/opinion", N_("the joint design review has no opinion attached"), {}


def procurement(ctx: Context):
    if not isinstance(resolve(ctx.doc, "/implementation"), dict):
        return
    proc = resolve(ctx.doc, "/implementation/procurement")
    if proc is MISSING:
        yield "/implementation/procurement", N_("procurement is not described: give the mode, the tender and the units"), {}
        return
    if not isinstance(proc, dict):
        return
    mode = proc.get("mode") if isinstance(proc.get("mode"), str) else None
    if "mode" not in proc:
        yield "/implementation/procurement/mode", N_("the procurement mode is not given: 'epc' or 'separate'"), {}
    for unit in _UNITS.get(mode, ()):
        if not (isinstance(proc.get(unit), str) and proc[unit].strip()):
            yield f"/implementation/procurement/{unit}", N_("{unit} is not named"), {"unit": Msg(ROLE_NAMES[unit])}


def dates(ctx: Context):
    chain = [("/implementation/design_review/date", N_("the design review")),
             ("/implementation/started_on", N_("the start of works")),
             ("/implementation/completed_on", N_("completion")),
             ("/acceptance/date", N_("the acceptance"))]
    known = [(p, name, v.day(ctx.doc, p)) for p, name in chain]
    known = [k for k in known if k[2] is not None]
    for (_p1, first, d1), (p2, second, d2) in zip(known, known[1:]):
        if d2 < d1:
            yield p2, N_("{second} ({d2}) comes before {first} ({d1})"), {"second": Msg(second), "d2": d2.isoformat(), "first": Msg(first), "d1": d1.isoformat()}


def parties(ctx: Context):
    participants = resolve(ctx.doc, "/acceptance/participants")
    if not isinstance(participants, list):
        return
    present = {p["role"] for _i, p in each(participants) if isinstance(p.get("role"), str)}
    accept = ctx.ruleset.data["acceptance"]
    for role in accept["required_roles"]:
        if role not in present:
            yield "/acceptance/participants", N_("{role} is not among the participants of the joint acceptance"), {"role": Msg(ROLE_NAMES[role])}
    mode = v.text(ctx.doc, "/implementation/procurement/mode")
    if mode == "separate":
        for role in accept["separate_roles"]:
            if role not in present:
                yield "/acceptance/participants", N_("{role} is not among the participants of the joint acceptance"), {"role": Msg(ROLE_NAMES[role])}
    elif mode == "epc" and not present & set(accept["epc_roles_any"]):
        yield "/acceptance/participants", N_("neither the designer nor the contractor of the EPC consortium took part in the joint acceptance"), {}


def conclusion(ctx: Context):
    if v.text(ctx.doc, "/acceptance/conclusion") == "failed":
        yield "/acceptance/conclusion", N_("the joint acceptance did not pass: the result is recorded, but no certificate can be issued"), {}


def accounts(ctx: Context):
    if not isinstance(resolve(ctx.doc, "/final_accounts"), dict):
        return
    audited, submitted = v.day(ctx.doc, "/final_accounts/audited_on"), v.day(ctx.doc, "/submitted_on")
    if resolve(ctx.doc, "/final_accounts/audited_on") is MISSING:
        yield "/final_accounts/audited_on", N_("the final accounts are not audited: give the audit date"), {}
    elif audited and submitted and audited > submitted:
        yield "/final_accounts/audited_on", N_("the audit date {audited} is after the submission date {submitted}"), {"audited": audited.isoformat(), "submitted": submitted.isoformat()}
    if not v.text(ctx.doc, "/final_accounts/report"):
        yield "/final_accounts/report", N_("the audit report of the final accounts is not attached"), {}
    total, elevator, water = (v.money(ctx.doc, f"/final_accounts/{k}") for k in ("total_yuan", "elevator_yuan", "secondary_water_supply_yuan"))
    if None not in (total, elevator, water) and elevator + water > total:
        yield "/final_accounts/total_yuan", N_("elevators ({elevator} yuan) and secondary water supply ({water} yuan) exceed the total of {total} yuan"), {"elevator": v.yuan(elevator), "water": v.yuan(water), "total": v.yuan(total)}


RULES = (
    Rule("IMPL-DESIGN-REVIEW", ERROR, "acceptance", design_review),
    Rule("IMPL-PROCUREMENT", ERROR, "acceptance", procurement),
    Rule("IMPL-DATES", ERROR, "acceptance", dates),
    Rule("ACCEPT-PARTIES", ERROR, "acceptance", parties),
    Rule("ACCEPT-CONCLUSION", ERROR, "acceptance", conclusion),
    Rule("ACCOUNTS-COMPLETE", ERROR, "acceptance", accounts),
)
