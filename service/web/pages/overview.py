"""The clerk's overview: the programme's progress against its targets, by stage, plan year and street.

Every figure counts each community once, at the furthest stage its project reached
(service/programme/progress.py); a stage's figure is the communities that reached at least it,
so no total adds stages together.
"""
from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup
from sqlalchemy import select

from service.db import models as m
from service.domain.findings import N_
from service.programme import dashboard
from service.programme.targets import targets
from service.web.auth import runtime
from service.web.pages.packages import _require_user
from service.web.route import Route

# The stages' names on the page (the SVGs, drawn in Chinese, use progress.STAGES' own labels).
STAGE_NAMES = {"declared": N_("Declared"), "approved": N_("Confirmed in the plan"), "accepted": N_("Passed acceptance"),
               "handed_over": N_("Handed over"), "received": N_("Received by the archive")}


def overview():
    """The overview page for a plan year (all years when none is chosen)."""
    _require_user("clerk", "admin", "archivist")
    year = request.args.get("plan_year", "")
    plan_year = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else None
    with runtime().reading() as s:
        years = sorted({y for y in s.scalars(select(m.PackageRow.plan_year).distinct()) if y})
    data = dashboard.figures(runtime(), plan_year)
    charts = {"progress": Markup(dashboard.progress_svg(data)), "streets": Markup(dashboard.streets_svg(data)),
              "consent": Markup(dashboard.consent_svg(data))}
    t = targets()
    return render_template("overview.html", data=data, year=year, years=years, charts=charts, targets=t,
                           plan_target=t.plan_years.get(plan_year) if plan_year else None, stage_names=STAGE_NAMES,
                           share=lambda value, target: dashboard.percent(dashboard.share(value, target)))


ROUTES = (Route("/overview", ("GET",), overview, "page.overview"),)
