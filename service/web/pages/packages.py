"""Packages for people: the list (search, filters, sort, pages), one package with its report next
to its fields, its stage's versions and what changed, and the district's decision on a declaration."""
from __future__ import annotations

import json
import re
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for

from service.usecases import decisions

from service.usecases import handover

from service.usecases import lists

from service.usecases import submissions
from service.domain.documents import NAMES, blocking, kinds
from service.domain.findings import N_
from service.domain.pointer import MISSING, resolve
from service.domain.project import of_project_block
from service.domain.rules.base import attachment_index
from service.domain.versions import difference
from service.i18n import gettext, render
from service.report import from_record
from service.web.auth import runtime
from service.web.fields import computed_label, label
from service.web.i18n import language
from service.web.pages.common import check_csrf, signed_in
from service.web.route import Route

PER_PAGE = lists.PER_PAGE
# The documents' names on a page, in one language (the reports' names carry the Chinese title alongside).
DOCUMENT_NAMES = {"notice": N_("Public notice of the renovation plan"),
                  "acceptance-certificate": N_("Joint completion acceptance certificate"),
                  "handover-record": N_("Archive transfer record"),
                  "subsidy-statement": N_("Subsidy determination")}
_MONEY = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")


def _require_user(*roles):
    user = signed_in(*roles)
    if user is None:
        abort(redirect(url_for("page.signin", next=request.full_path)))
    return user


def _int(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else default


def list_args() -> tuple[dict, str, bool, int]:
    """The list's filters, sort column, direction and page from the query string (bad values ignored)."""
    filters = {k: request.args.get(k, "").strip()[:200] for k in ("q", "street", "stage", "status", "plan_year")}
    sort = request.args.get("sort", "received")
    sort = sort if sort in lists.SORTS else "received"
    return filters, sort, request.args.get("dir", "desc" if sort == "received" else "asc") == "desc", _int("page")


def listed(user) -> dict:
    """What a list page renders: the page of rows and the drop-downs' choices."""
    filters, sort, descending, page = list_args()
    query = {k: v for k, v in filters.items() if v}
    if "plan_year" in query:
        year = query["plan_year"]  # four ASCII digits: anything else matches nothing (and never overflows)
        query["plan_year"] = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else -1
    found = lists.packages(runtime(), user, query, sort, descending, page, PER_PAGE)
    return {"listing": found, "filters": filters, "sort": sort, "descending": descending,
            "choices": lists.choices(runtime(), user)}


def index():
    """All packages the user may see, searched, filtered, sorted and paged."""
    user = _require_user()
    return render_template("packages.html", **listed(user))


def _shown(value) -> str:
    if value is MISSING:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "…"


def _figures(value, named):
    """A computed figure for the page: a mapping with named keys, a list of mappings as a table, else itself."""
    if isinstance(value, dict):
        return {named(a): b for a, b in value.items()}
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        columns = list(dict.fromkeys(k for x in value for k in x))
        return {"columns": [named(c) for c in columns], "rows": [[x.get(c, "") for c in columns] for x in value]}
    return value


def _finding_rows(findings, doc, lang) -> list[dict]:
    return [{"field": label(f.path, lambda m: gettext(m, lang)), "path": f.path or "/",
             "value": _shown(resolve(doc, f.path)) if isinstance(doc, dict) else "",
             "severity": f.severity, "rule": f.rule, "clause": f.clause, "message": render(f.message, lang)} for f in findings]


def _declared(row) -> dict:
    """A declaration's figures as declared: its communities and its budget."""
    communities = of_project_block(row.project, None)
    total = lambda key: sum((Decimal(str(c.get(key))) for c in communities  # noqa: E731
                             if isinstance(c.get(key), (int, float)) and not isinstance(c.get(key), bool)), Decimal(0))
    try:
        budget = Decimal(row.budget_yuan) if row.budget_yuan else None
    except ArithmeticError:
        budget = None
    return {"communities": communities, "buildings": total("buildings"), "households": total("households"),
            "area_m2": total("floor_area_m2"), "budget_yuan": budget}


def detail(package_id: int):
    """One package: verdict, findings beside their fields, its stage's versions (and the findings'
    difference to another version), the decision on a declaration, files and documents."""
    user = _require_user()
    try:
        stored = submissions.get(runtime(), user, package_id)
    except submissions.NotFound:
        abort(404)
    lang = language()
    report = from_record(stored.row.report)
    doc = submissions.load(runtime(), stored).data
    documents = []
    for kind in kinds().values():
        if kind.stage == stored.row.stage:
            refusals = blocking(kind, report)
            documents.append({"kind": kind.kind, "name": gettext(DOCUMENT_NAMES.get(kind.kind, NAMES[kind.kind]), lang),
                              "refusals": [render(r.message, lang) for r in refusals]})
    named = lambda key: computed_label(key, lambda m: gettext(m, lang))  # noqa: E731
    computed = [(named(k), _figures(v, named)) for k, v in report.computed.items()]
    versions, current = lists.versions(runtime(), user, stored.row)
    compared = None
    other_id = _int("compare", 0)
    other = next((v for v in versions if v.id == other_id and v.id != package_id), None)
    if other is not None:
        older, newer = (other, stored.row) if other.id < package_id else (stored.row, other)
        diff = difference(from_record(older.report).findings, from_record(newer.report).findings)
        compared = {"older": older, "newer": newer, **{k: _finding_rows(getattr(diff, k), {}, lang) for k in ("added", "resolved", "kept")}}
    is_declaration = stored.row.stage == "declaration"
    return render_template("package.html", row=stored.row, files=stored.files, findings=_finding_rows(report.findings, doc, lang),
                           computed=computed, documents=documents, valid=report.valid, versions=versions, current=current,
                           compared=compared, declared=_declared(stored.row) if is_declaration else None,
                           decisions=decisions.history(runtime(), package_id) if is_declaration else [],
                           error_counts={v.id: len(from_record(v.report).errors) for v in versions},
                           titles=_titles(doc))


def _titles(doc) -> dict[str, str]:
    return {ident: entry["title"] for ident, (_i, entry) in attachment_index(doc).items() if isinstance(entry.get("title"), str)}


DECISION_REFUSED = {
    "budget": N_("The approved budget must be an amount in yuan with at most two decimals, such as 1200000.00."),
    "missing": N_("An approval names the approved budget."),
    "remark": N_("The remark may have at most 2000 characters."),
    "state": N_("A decision is recorded on the current accepted declaration of a project only."),
}


def approval(package_id: int):
    """A clerk's decision on an accepted declaration, from the package page's form."""
    user = _require_user("clerk")
    check_csrf()
    lang = language()
    approved = request.form.get("approved") == "yes"
    budget = request.form.get("approved_budget_yuan", "").strip().replace(",", "")
    remark = request.form.get("remark", "")
    problem = ("budget" if budget and not _MONEY.fullmatch(budget) else "missing" if approved and not budget
               else "remark" if len(remark) > 2000 else None)
    if problem is None and not lists.is_current(runtime(), package_id):
        problem = "state"
    if problem:
        flash(gettext(DECISION_REFUSED[problem], lang), "error")
        return redirect(url_for("page.package", package_id=package_id))
    body = {"approved": approved, "remark": remark}
    if budget:
        body["approved_budget_yuan"] = f"{Decimal(budget):.2f}"
    try:
        handover.approve(runtime(), user, package_id, body)
        flash(gettext("The decision is recorded.", lang), "ok")
    except (ValueError, handover.Conflict):
        flash(gettext(DECISION_REFUSED["state"], lang), "error")
    except submissions.NotFound:
        abort(404)
    return redirect(url_for("page.package", package_id=package_id) + "#decision")


ROUTES = (
    Route("/packages", ("GET",), index, "page.packages"),
    Route("/packages/<int(max=2147483647):package_id>", ("GET",), detail, "page.package"),
    Route("/packages/<int(max=2147483647):package_id>/approval", ("POST",), approval, "page.approval"),
)
