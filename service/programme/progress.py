"""The programme's progress, counted once: each community at the furthest stage its project reached.

已申报 (declaration accepted), 已确定 (approved at 计划确定), 已验收 (acceptance passed), 已移交
(handover accepted), 已接收 (receipt recorded); a project refused at 计划确定 counts as 未列入.
A stage's figure is the communities that have reached at least that stage, so the stages are
nested and never added together. Communities, not projects, are counted: a project of several
communities counts each, and a community named by two projects (same street, same name after NFC
and white-space normalisation) counts once, at the furthest stage either reached.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from service.db import models as m
from service.domain.project import normal_name, of_project_block
from service.runtime import Runtime

# (key, label); the order is the procedure's.
STAGES = (("declared", "已申报"), ("approved", "已确定"), ("accepted", "已验收"), ("handed_over", "已移交"), ("received", "已接收"))
EXCLUDED = -1  # refused at 计划确定: 未列入
MEASURES = ("communities", "buildings", "households", "area_m2", "budget_yuan")


@dataclass
class ProjectState:
    """A project's furthest stage (an index into STAGES, or EXCLUDED) and its communities."""

    code: str
    street: str
    plan_year: int | None
    stage: int
    communities: list[dict]
    budget: Decimal
    declaration: m.PackageRow | None = None


@dataclass
class Counted:
    """The communities counted once, each with its project."""

    states: list[ProjectState]
    communities: list[tuple[ProjectState, dict]] = field(default_factory=list)


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dec(value) -> Decimal:
    try:
        return Decimal(str(value)) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def project_states(rt: Runtime) -> list[ProjectState]:
    """Every project with an accepted package, at its furthest stage."""
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.status == "accepted").order_by(m.PackageRow.id.desc())).all()
        decisions: dict[int, m.Approval] = {}
        for a in s.scalars(select(m.Approval).order_by(m.Approval.id)):
            decisions[a.package_id] = a  # the newest decision counts
        received = set(s.scalars(select(m.Receipt.project_code)))
    current: dict[str, dict[str, m.PackageRow]] = {}
    for row in rows:
        current.setdefault(row.project_code, {}).setdefault(row.stage, row)
    states = []
    for code, stages in current.items():
        decl = stages.get("declaration")
        decision = decisions.get(decl.id) if decl else None
        if decision is not None and not decision.approved:
            stage = EXCLUDED
        else:
            stage = (4 if code in received and "handover" in stages else 3 if "handover" in stages else 2 if "acceptance" in stages
                     else 1 if decision is not None else 0)
        base = decl or stages.get("acceptance") or stages["handover"]
        states.append(ProjectState(code, base.street, base.plan_year, stage, of_project_block(base.project, None),
                                   _dec(decl.budget_yuan) if decl and decl.budget_yuan else Decimal(0), decl))
    return sorted(states, key=lambda st: (st.plan_year or 0, st.street, st.code))


def count_once(states: list[ProjectState]) -> Counted:
    """Each community once, with the project that took it furthest (the newer on a tie)."""
    best: dict[tuple[str, str], tuple[ProjectState, dict]] = {}
    for st in states:
        for c in st.communities:
            name = c.get("name")
            if not isinstance(name, str):
                continue
            key = (st.street, normal_name(name))
            if key not in best or st.stage >= best[key][0].stage:
                best[key] = (st, c)
    return Counted(states, list(best.values()))


def _zero() -> dict:
    return {"communities": 0, "buildings": 0, "households": 0, "area_m2": Decimal(0), "budget_yuan": Decimal(0)}


def _tally(pairs: list[tuple[ProjectState, dict]]) -> dict:
    out, budgets = _zero(), {}
    for st, c in pairs:
        out["communities"] += 1
        out["buildings"] += _int(c.get("buildings"))
        out["households"] += _int(c.get("households"))
        out["area_m2"] += _dec(c.get("floor_area_m2"))
        budgets[st.code] = st.budget  # a project's budget once, however many of its communities count
    out["budget_yuan"] = sum(budgets.values(), Decimal(0))
    return out


def stage_figures(pairs: list[tuple[ProjectState, dict]]) -> list[dict]:
    """Per stage: the communities that reached it (`reached`) and those now at it (`at`)."""
    return [{"key": key, "label": label, "reached": _tally([p for p in pairs if p[0].stage >= i]),
             "at": _tally([p for p in pairs if p[0].stage == i])} for i, (key, label) in enumerate(STAGES)]


def figures(rt: Runtime, plan_year: int | None = None) -> dict:
    """The programme's figures: per stage, the refused (未列入), by plan year and by street, and the votes' consent."""
    counted = count_once(project_states(rt))
    pairs = [p for p in counted.communities if plan_year is None or p[0].plan_year == plan_year]
    listed = [p for p in pairs if p[0].stage != EXCLUDED]
    years = sorted({p[0].plan_year for p in listed if p[0].plan_year})
    streets = sorted({p[0].street for p in listed})
    ratios = []
    for st in counted.states:
        if st.declaration is not None and (plan_year is None or st.plan_year == plan_year) and st.stage != EXCLUDED:
            ratios += consent_ratios(rt, st.declaration)
    return {"stages": stage_figures(listed), "excluded": _tally([p for p in pairs if p[0].stage == EXCLUDED]),
            "by_year": [(y, stage_figures([p for p in listed if p[0].plan_year == y])) for y in years],
            "by_street": [(s, stage_figures([p for p in listed if p[0].street == s])) for s in streets],
            "ratios": ratios}


def consent_ratios(rt: Runtime, row: m.PackageRow) -> list[tuple[int, int]]:
    """(agreeing owners, all owners) of each vote of a stored declaration, 1.0 or 1.1."""
    try:
        consent = json.loads(rt.blobs.read(row.package_sha256)).get("consent") or {}
    except (OSError, ValueError, AttributeError):
        return []
    votes = consent.get("votes") if isinstance(consent.get("votes"), list) else [consent]
    out = []
    for vote in votes:
        if isinstance(vote, dict) and isinstance(vote.get("renovation"), dict):
            agreed, total = _int(vote["renovation"].get("owners")), _int(vote.get("total_owners"))
            if total > 0:
                out.append((agreed, total))
    return out
