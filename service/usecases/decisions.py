"""The district's decisions (计划确定) and the to-do lists each role works through."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from service.security.accounts import Principal
from service.db import models as m
from service.usecases.lists import current_ids
from service.runtime import Runtime


@dataclass
class Decision:
    """One recorded decision on a declaration, with who made it."""

    approved: bool
    budget_yuan: Decimal | None
    remark: str
    by: str
    at: datetime


def history(rt: Runtime, package_id: int) -> list[Decision]:
    """Every decision recorded on a declaration, oldest first (the newest counts)."""
    with rt.reading() as s:
        found = s.execute(select(m.Approval, m.User.name).join(m.User, m.User.id == m.Approval.decided_by)
                          .where(m.Approval.package_id == package_id).order_by(m.Approval.id)).all()
    return [Decision(a.approved, Decimal(a.approved_budget_yuan) if a.approved_budget_yuan else None, a.remark, name, a.decided_at)
            for a, name in found]


def _current_declarations(s, user: Principal) -> list[m.PackageRow]:
    query = select(m.PackageRow).where(m.PackageRow.stage == "declaration", m.PackageRow.status == "accepted")
    if user.role == "street":
        query = query.where(m.PackageRow.street == user.street)
    rows = list(s.scalars(query.order_by(m.PackageRow.id)))
    current = current_ids(s, {(r.project_code, r.stage) for r in rows})
    return [r for r in rows if r.id in current]


def awaiting_decision(rt: Runtime, user: Principal) -> list[m.PackageRow]:
    """The clerk's to-do: current accepted declarations with no decision yet, oldest first."""
    with rt.reading() as s:
        decided = set(s.scalars(select(m.Approval.package_id).distinct()))
        return [r for r in _current_declarations(s, user) if r.id not in decided]


def awaiting_receipt(rt: Runtime) -> list[m.PackageRow]:
    """The archivist's to-do: projects whose handover is accepted and not yet received, oldest first."""
    with rt.reading() as s:
        received = set(s.scalars(select(m.Receipt.project_code)))
        newest = select(func.max(m.PackageRow.id)).where(m.PackageRow.stage == "handover", m.PackageRow.status == "accepted") \
            .group_by(m.PackageRow.project_code)
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.id.in_(newest)).order_by(m.PackageRow.id))
        return [r for r in rows if r.project_code not in received]


def street_news(rt: Runtime, user: Principal) -> tuple[list[tuple[m.PackageRow, Decision]], list[m.PackageRow]]:
    """A street's to-do: the district's decisions on its current declarations (newest first) and its
    projects' stages whose newest version was rejected (to correct and send again)."""
    with rt.reading() as s:
        rows = {r.id: r for r in _current_declarations(s, user)}
        decisions = []
        if rows:
            found = s.execute(select(m.Approval, m.User.name).join(m.User, m.User.id == m.Approval.decided_by)
                              .where(m.Approval.package_id.in_(rows)).order_by(m.Approval.id.desc())).all()
            seen = set()
            for a, name in found:
                if a.package_id not in seen:
                    seen.add(a.package_id)
                    decisions.append((rows[a.package_id], Decision(a.approved, Decimal(a.approved_budget_yuan)
                                                                  if a.approved_budget_yuan else None, a.remark, name, a.decided_at)))
        newest = select(func.max(m.PackageRow.id)).where(m.PackageRow.street == user.street) \
            .group_by(m.PackageRow.project_code, m.PackageRow.stage)
        rejected = list(s.scalars(select(m.PackageRow).where(m.PackageRow.id.in_(newest), m.PackageRow.status == "rejected")
                                  .order_by(m.PackageRow.id.desc())))
    return decisions, rejected
