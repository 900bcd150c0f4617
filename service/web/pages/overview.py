"""The clerk's overview: the programme's progress against its targets, by stage, plan year and street.

Every figure counts each community once, at the furthest stage its project reached
(service/programme/progress.py); a stage's figure is the communities that reached at least it,
so no total adds stages together. The plan-year filter applies to the tables and the charts alike;
each bar links to the list behind it; the whole overview downloads as XLSX.
"""
from __future__ import annotations

import io

from flask import render_template, request, send_file, url_for
from markupsafe import Markup
from sqlalchemy import select

from service.db import models as m
from service.i18n import gettext
from service.programme import dashboard, overview_book
from service.programme.targets import targets
from service.web.auth import runtime
from service.web.i18n import language
from service.web.pages.packages import _require_user
from service.web.route import Route

STAGE_NAMES = dashboard.STAGE_LABELS
# What list each stage's bar opens: the packages that put a project at that stage.
STAGE_LISTS = {"declared": ("page.packages", {"stage": "declaration", "status": "accepted"}),
               "approved": ("page.packages", {"stage": "declaration", "status": "accepted"}),
               "accepted": ("page.packages", {"stage": "acceptance", "status": "accepted"}),
               "handed_over": ("page.packages", {"stage": "handover", "status": "accepted"}),
               "received": ("page.archive", {"received": "yes"})}


def _say(lang: str):
    def say(msgid: str, **params) -> str:
        text = gettext(msgid, lang)
        return text.format(**params) if params else text

    return say


def _chosen() -> tuple[str, int | None, list[int]]:
    year = request.args.get("plan_year", "")
    with runtime().reading() as s:
        years = sorted({y for y in s.scalars(select(m.PackageRow.plan_year).distinct()) if y})
    plan_year = int(year) if year.isascii() and year.isdigit() and len(year) == 4 and int(year) in years else None
    return (str(plan_year) if plan_year else ""), plan_year, years


def overview():
    """The overview page for a plan year (all years when none is chosen)."""
    _require_user("clerk", "admin", "archivist")
    year, plan_year, years = _chosen()
    say = _say(language())
    data = dashboard.figures(runtime(), plan_year)
    by_year = {"plan_year": plan_year} if plan_year else {}

    def stage_link(key: str) -> str:
        endpoint, args = STAGE_LISTS[key]
        return url_for(endpoint, **args, **(by_year if endpoint == "page.packages" else {}))

    charts = {"progress": Markup(dashboard.progress_svg(data, say, stage_link, plan_year)),
              "streets": Markup(dashboard.streets_svg(data, say, lambda street: url_for(
                  "page.packages", street=street, stage="declaration", status="accepted", **by_year))),
              "consent": Markup(dashboard.consent_svg(data, say))}
    goal, goal_year = dashboard.target_for(plan_year)
    return render_template("overview.html", data=data, year=year, years=years, charts=charts, targets=targets(),
                           goal=goal, goal_year=goal_year, stage_names=STAGE_NAMES, stage_link=stage_link,
                           consent=dashboard.consent_counts(data),
                           share=lambda value, target: dashboard.percent(dashboard.share(value, target)))


def workbook():
    """The overview, as shown, as an XLSX workbook."""
    _require_user("clerk", "admin", "archivist")
    _year, plan_year, _years = _chosen()
    data = dashboard.figures(runtime(), plan_year)
    book = overview_book.workbook(data, plan_year, _say(language()))
    name = f"{gettext('Plan-year overview', language())}-{plan_year or gettext('all', language())}.xlsx"
    return send_file(io.BytesIO(book), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


ROUTES = (Route("/overview", ("GET",), overview, "page.overview"),
          Route("/overview.xlsx", ("GET",), workbook, "page.overview_xlsx"))
