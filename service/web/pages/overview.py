"""The clerk's plan-year overview: counts, buildings, homes, area and budget by street and stage."""
from __future__ import annotations

import re

from decimal import Decimal

from flask import render_template, request
from sqlalchemy import select

from service.db import models as m
from service.web.auth import runtime
from service.web.pages.packages import _require_user
from service.web.route import Route

STAGES = ("declaration", "acceptance", "handover")


def overview_rows(plan_year: int | None) -> tuple[list[dict], dict]:
    """Per street and stage, over the current accepted packages of each project: counts and sums."""
    query = select(m.PackageRow).where(m.PackageRow.status == "accepted").order_by(m.PackageRow.id.desc())
    if plan_year:
        query = query.where(m.PackageRow.plan_year == plan_year)
    with runtime().reading() as s:
        rows = s.scalars(query).all()
    current: dict[tuple[str, str], m.PackageRow] = {}
    for row in rows:
        current.setdefault((row.project_code, row.stage), row)
    table: dict[tuple[str, str], dict] = {}
    for (_code, stage), row in current.items():
        cell = table.setdefault((row.street, stage), {"street": row.street, "stage": stage, "projects": 0, "buildings": 0,
                                                      "households": 0, "area": Decimal(0), "budget": Decimal(0)})
        project = row.project or {}
        cell["projects"] += 1
        cell["buildings"] += int(project.get("buildings") or 0)
        cell["households"] += int(project.get("households") or 0)
        cell["area"] += Decimal(str(project.get("floor_area_m2") or 0))
        cell["budget"] += Decimal(row.budget_yuan or 0)
    result = sorted(table.values(), key=lambda c: (c["street"], STAGES.index(c["stage"]) if c["stage"] in STAGES else 9))
    totals = {k: sum(c[k] for c in result) for k in ("projects", "buildings", "households", "area", "budget")}
    return result, totals


def overview():
    """The overview page for a plan year (all years when none is chosen)."""
    _require_user("clerk", "admin", "archivist")
    year = request.args.get("plan_year", "")
    rows, totals = overview_rows(int(year) if re.fullmatch(r"[0-9]{1,4}", year) else None)
    with runtime().reading() as s:
        years = sorted({y for y in s.scalars(select(m.PackageRow.plan_year).distinct()) if y})
    from markupsafe import Markup

    from service.programme import dashboard
    from service.programme.dataset import TARGETS

    data = dashboard.figures(runtime())
    charts = {"progress": Markup(dashboard.progress_svg(data)), "streets": Markup(dashboard.streets_svg(data)),
              "consent": Markup(dashboard.consent_svg(data))}
    return render_template("overview.html", rows=rows, totals=totals, year=year, years=years, charts=charts,
                           cumulative=data["cumulative"], targets=TARGETS)


ROUTES = (Route("/overview", ("GET",), overview, "page.overview"),)
