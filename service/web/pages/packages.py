"""Packages for people: the list with filters, one package with its report next to its fields."""
from __future__ import annotations

import json
import re
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for

from service.usecases import handover

from service.usecases import submissions
from service.domain.documents import NAMES, blocking, kinds
from service.domain.pointer import MISSING, resolve
from service.i18n import gettext, render
from service.report import from_record
from service.web.auth import runtime
from service.web.fields import computed_label, label
from service.web.i18n import language
from service.web.pages.common import check_csrf, signed_in
from service.web.route import Route

PER_PAGE = 25


def _require_user(*roles):
    user = signed_in(*roles)
    if user is None:
        abort(redirect(url_for("page.signin", next=request.full_path)))
    return user


MAX_PAGE = 1_000_000  # far beyond any listing; keeps the offset a number every database takes


def index():
    """All packages the user may see, filtered and paged."""
    user = _require_user()
    filters = {k: request.args.get(k, "").strip() for k in ("street", "stage", "status", "project", "plan_year")}
    query = {k: v for k, v in filters.items() if v}
    if "plan_year" in query:
        # Only a plain year filters (a 30-digit or superscript "year" would fail in the database).
        query["plan_year"] = int(query["plan_year"]) if re.fullmatch(r"[0-9]{1,4}", query["plan_year"]) else -1
    raw_page = request.args.get("page", "1").strip()
    page = min(int(raw_page), MAX_PAGE) if re.fullmatch(r"[0-9]{1,9}", raw_page) else 1
    page = max(1, page)
    rows, total = submissions.listing(runtime(), user, query, page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("packages.html", rows=rows, total=total, page=page, pages=pages, filters=filters)


def _shown(value) -> str:
    if value is MISSING:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "…"


def detail(package_id: int):
    """One package: verdict, each finding beside the field it concerns, files and documents."""
    user = _require_user()
    try:
        stored = submissions.get(runtime(), user, package_id)
    except submissions.NotFound:
        abort(404)
    lang = language()
    report = from_record(stored.row.report)
    doc = submissions.load(runtime(), stored).data
    rows = []
    for f in report.findings:
        rows.append({"field": label(f.path, lambda m: gettext(m, lang)), "path": f.path or "/",
                     "value": _shown(resolve(doc, f.path)) if isinstance(doc, dict) else "",
                     "severity": f.severity, "rule": f.rule, "clause": f.clause, "message": render(f.message, lang)})
    documents = []
    for kind in kinds().values():
        if kind.stage == stored.row.stage:
            refusals = blocking(kind, report)
            documents.append({"kind": kind.kind, "name": gettext(NAMES[kind.kind], lang),
                              "refusals": [render(r.message, lang) for r in refusals]})
    named = lambda key: computed_label(key, lambda m: gettext(m, lang))  # noqa: E731
    computed = [(named(k), {named(a): b for a, b in v.items()} if isinstance(v, dict) else v) for k, v in report.computed.items()]
    return render_template("package.html", row=stored.row, files=stored.files, findings=rows, computed=computed,
                           documents=documents, valid=report.valid)


def approval(package_id: int):
    """A clerk's decision on an accepted declaration, from the package page's form."""
    user = _require_user("clerk")
    check_csrf()
    body = {"approved": request.form.get("approved") == "yes", "remark": request.form.get("remark", "")}
    if request.form.get("approved_budget_yuan"):
        body["approved_budget_yuan"] = request.form["approved_budget_yuan"].strip()
    try:
        handover.approve(runtime(), user, package_id, body)
        flash(gettext("The decision is recorded.", language()), "ok")
    except (ValueError, handover.Conflict) as exc:
        flash(str(exc), "error")
    except submissions.NotFound:
        abort(404)
    return redirect(url_for("page.package", package_id=package_id))


ROUTES = (
    Route("/packages", ("GET",), index, "page.packages"),
    Route("/packages/<int(max=2147483647):package_id>", ("GET",), detail, "page.package"),
    Route("/packages/<int(max=2147483647):package_id>/approval", ("POST",), approval, "page.approval"),
)
