"""Submit the whole programme through the service, as the eight street offices would."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from service.accounts import Principal, add_user
from service.db import models as m
from service.handover import approve_declared
from service.programme.dataset import STAGES, STREETS, communities, zipped
from service.runtime import Runtime
from service.submissions import submit

STREET_USERS = {street: f"street-{i + 1}" for i, street in enumerate(STREETS)}


def street_users(rt: Runtime) -> dict[str, Principal]:
    """A user for each of the eight streets (created when missing, without a password)."""
    with rt.reading() as s:
        existing = {u.name: u for u in s.scalars(select(m.User))}
    users = {}
    for street, name in STREET_USERS.items():
        if name in existing:
            u = existing[name]
            users[street] = Principal(u.id, u.name, u.role, u.street)
        else:
            users[street] = add_user(rt, name, "street", street, None, actor="programme")
    return users


def district_clerk(rt: Runtime) -> Principal:
    """The district office's clerk who records 计划确定 (created when missing, without a password)."""
    with rt.reading() as s:
        u = s.scalar(select(m.User).where(m.User.name == "district-office"))
    return Principal(u.id, u.name, u.role, u.street) if u else add_user(rt, "district-office", "clerk", None, None, actor="programme")


def load(rt: Runtime, plan_years: set[int] | None = None, stages=tuple(STAGES), seed: int = 2019) -> int:
    """Submit every package of the programme (or of some plan years); return how many were accepted."""
    users = street_users(rt)
    accepted = 0
    with tempfile.TemporaryDirectory() as tmp:
        upload = Path(tmp) / "package.zip"
        for stage in stages:  # every declaration first, as the procedure goes
            if stage == "acceptance":  # 计划确定: the district approves the declarations before they are built
                approve_declared(rt, district_clerk(rt), {c.code for c in communities(seed) if not plan_years or c.plan_year in plan_years})
            for c in communities(seed):
                if plan_years and c.plan_year not in plan_years:
                    continue
                upload.write_bytes(zipped(*STAGES[stage](c)))
                accepted += submit(rt, users[c.street], upload).row.status == "accepted"
    return accepted
