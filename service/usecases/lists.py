"""Lists for people: packages searched, filtered, sorted and paged; a project's versions of a stage.

The "current" version of a project's stage is the one the service counts: the newest accepted
package of that project and stage (submissions.SqlHistory takes the same one). Every other
version — older, or rejected — is history.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from service.security.accounts import Principal
from service.db import models as m
from service.runtime import Runtime

PER_PAGE = 25
SORTS = {"received": m.PackageRow.id, "project": m.PackageRow.project_code, "community": m.PackageRow.community,
         "street": m.PackageRow.street, "plan_year": m.PackageRow.plan_year, "stage": m.PackageRow.stage,
         "status": m.PackageRow.status}
STAGES = ("declaration", "acceptance", "handover")
STATUSES = ("accepted", "rejected")


@dataclass
class Page:
    """One page of a list, with what a person needs to move through the rest."""

    rows: list
    total: int
    page: int
    pages: int
    current: set[int] = field(default_factory=set)  # ids of the rows that are the current version of their stage


def paging(total: int, page: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """(page, pages): the page asked for, kept within the pages there are."""
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def _visible(query, user: Principal):
    return query.where(m.PackageRow.street == user.street) if user.role == "street" else query


def packages(rt: Runtime, user: Principal, filters: dict, sort: str = "received", descending: bool = True,
             page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The packages the user may see: `q` searches community (or project name) and project code,
    street/stage/status/plan_year filter exactly; sorted by a column of SORTS, newest last on ties."""
    query = _visible(select(m.PackageRow), user)
    q = (filters.get("q") or "").strip()
    if q:
        query = query.where(or_(m.PackageRow.community.icontains(q, autoescape=True),
                                m.PackageRow.project_code.icontains(q, autoescape=True)))
    for key in ("street", "stage", "status", "plan_year", "project"):
        if filters.get(key) not in (None, ""):
            column = SORTS["project" if key == "project" else key]
            query = query.where(column == filters[key])
    column = SORTS.get(sort, m.PackageRow.id)
    order = (column.desc(), m.PackageRow.id.desc()) if descending else (column.asc(), m.PackageRow.id.asc())
    with rt.reading() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        page, pages = paging(total, page, per_page)
        rows = list(s.scalars(query.order_by(*order).offset((page - 1) * per_page).limit(per_page)))
        current = current_ids(s, {(r.project_code, r.stage) for r in rows})
    return Page(rows, total, page, pages, current)


def current_ids(s, keys: set[tuple[str, str]]) -> set[int]:
    """The ids of the current (newest accepted) package of each (project code, stage)."""
    if not keys:
        return set()
    codes = {code for code, _stage in keys}
    found = s.execute(select(m.PackageRow.project_code, m.PackageRow.stage, func.max(m.PackageRow.id))
                      .where(m.PackageRow.project_code.in_(codes), m.PackageRow.status == "accepted")
                      .group_by(m.PackageRow.project_code, m.PackageRow.stage))
    return {newest for code, stage, newest in found if (code, stage) in keys}


def choices(rt: Runtime, user: Principal) -> dict:
    """What the list's drop-downs offer: the streets and plan years present in the data the user may see."""
    with rt.reading() as s:
        streets = sorted(x for x in s.scalars(_visible(select(m.PackageRow.street).distinct(), user)) if x)
        years = sorted(x for x in s.scalars(_visible(select(m.PackageRow.plan_year).distinct(), user)) if x)
    return {"streets": streets, "plan_years": years, "stages": STAGES, "statuses": STATUSES}


def versions(rt: Runtime, user: Principal, row: m.PackageRow) -> tuple[list[m.PackageRow], int | None]:
    """Every version of this package's project and stage the user may see, oldest first, and the current one's id."""
    with rt.reading() as s:
        rows = list(s.scalars(_visible(select(m.PackageRow), user).where(
            m.PackageRow.project_code == row.project_code, m.PackageRow.stage == row.stage).order_by(m.PackageRow.id)))
        current = current_ids(s, {(row.project_code, row.stage)})
    return rows, next(iter(current), None)


def is_current(rt: Runtime, package_id: int) -> bool:
    """Whether the package is the current version of its project's stage."""
    with rt.reading() as s:
        row = s.get(m.PackageRow, package_id)
        return row is not None and package_id in current_ids(s, {(row.project_code, row.stage)})
