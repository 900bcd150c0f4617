"""Submit the whole programme through the service, as the eight street offices, the district and
the archive would: every declaration, the district's decision on each (计划确定, approved with the
declared budget), then the acceptances and handovers, and the archive's receipts where asked."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from service.security.accounts import Principal, add_user
from service.db import models as m
from service.usecases.handover import approve, receipt
from service.programme.dataset import STAGES, STREETS, Project, generated, zipped
from service.runtime import Runtime
from service.usecases.submissions import submit

STREET_USERS = {street: f"street-{i + 1}" for i, street in enumerate(STREETS)}
CLERK, ARCHIVIST = "programme-clerk", "programme-archivist"


def user(rt: Runtime, name: str, role: str, street: str | None = None) -> Principal:
    """The user `name` (created without a password when missing)."""
    with rt.reading() as s:
        u = s.scalar(select(m.User).where(m.User.name == name))
        if u is not None:
            return Principal(u.id, u.name, u.role, u.street)
    return add_user(rt, name, role, street, None, actor="programme")


def street_users(rt: Runtime) -> dict[str, Principal]:
    """A user for each of the eight streets."""
    return {street: user(rt, name, "street", street) for street, name in STREET_USERS.items()}


def approve_declaration(rt: Runtime, package_id: int, budget: str) -> None:
    """The district's 计划确定: the declaration approved with its declared budget."""
    approve(rt, user(rt, CLERK, "clerk"), package_id, {"approved": True, "approved_budget_yuan": budget,
                                                       "remark": "列入年度改造计划"})


def load(rt: Runtime, plan_years: set[int] | None = None, stages=tuple(STAGES), seed: int = 2019,
         receive: set[int] | frozenset = frozenset()) -> int:
    """Submit every generated package of the programme (or of some plan years); return how many were accepted.

    The archive records a receipt for the handovers of the plan years in `receive`."""
    users = street_users(rt)
    chosen: list[Project] = [p for p in generated(seed) if not plan_years or p.plan_year in plan_years]
    accepted = 0
    with tempfile.TemporaryDirectory() as tmp:
        upload = Path(tmp) / "package.zip"
        for stage in stages:  # every declaration first, then the decisions, as the procedure goes
            for p in chosen:
                doc, files = STAGES[stage](p)
                upload.write_bytes(zipped(doc, files))
                row = submit(rt, users[p.street], upload).row
                accepted += row.status == "accepted"
                if stage == "declaration" and row.status == "accepted":
                    approve_declaration(rt, row.id, doc["plan"]["total_budget_yuan"])
                if stage == "handover" and row.status == "accepted" and p.plan_year in receive:
                    receipt(rt, user(rt, ARCHIVIST, "archivist"), p.code,
                            {"receiver": "区档案馆接收人", "date": f"{p.plan_year + 1}-03-15"})
    return accepted
