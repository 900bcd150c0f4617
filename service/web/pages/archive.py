"""The archivist's page: projects ready for handover, their four-property report, the receipt."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from service.usecases import handover

from service.usecases import lists
from service.archive.bag import BagRefused
from service.archive.report import to_json
from service.db import models as m
from service.domain.findings import N_, Msg
from service.i18n import gettext, render
from service.usecases.submissions import NotFound
from service.web.auth import runtime
from service.web.i18n import language
from service.web.pages.common import check_csrf
from service.web.pages.packages import _require_user
from service.web.route import Route


def ready_projects() -> list[dict]:
    """Projects whose acceptance passed and whose handover is in, with their receipt if any."""
    with runtime().reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.status == "accepted",
                                                    m.PackageRow.stage.in_(("acceptance", "handover")))
                         .order_by(m.PackageRow.project_code, m.PackageRow.id.desc())).all()
        receipts = {r.project_code: r for r in s.scalars(select(m.Receipt).order_by(m.Receipt.id))}  # the newest counts
    projects: dict[str, dict] = {}
    for row in rows:
        entry = projects.setdefault(row.project_code, {"code": row.project_code, "community": row.community,
                                                       "street": row.street})
        entry.setdefault(row.stage, row)
    return [{**p, "receipt": receipts.get(code)} for code, p in sorted(projects.items())
            if "acceptance" in p and "handover" in p]


def index():
    """The projects ready for the archive: searched, by street, received or not, paged with totals."""
    _require_user("archivist", "clerk")
    projects = ready_projects()
    streets = sorted({p["street"] for p in projects})
    filters = {k: request.args.get(k, "").strip()[:200] for k in ("q", "street", "received")}
    q = filters["q"].casefold()
    chosen = [p for p in projects if (not q or q in p["code"].casefold() or q in p["community"].casefold())
              and (not filters["street"] or p["street"] == filters["street"])
              and (filters["received"] not in ("yes", "no") or bool(p["receipt"]) == (filters["received"] == "yes"))]
    asked = request.args.get("page", "")
    page, pages = lists.paging(len(chosen), int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 9 else 1)
    shown = chosen[(page - 1) * lists.PER_PAGE: page * lists.PER_PAGE]
    return render_template("archive.html", projects=shown, filters=filters, streets=streets,
                           listing=lists.Page(shown, len(chosen), page, pages))


def four_property(code: str):
    """The DA/T 70 four-property check of a project's handover files."""
    user = _require_user("archivist", "clerk")
    try:
        bundle = handover.bundle(runtime(), user, code, download=False)
        report, reasons = to_json(bundle.four_property, language()), []
    except BagRefused as exc:
        report = to_json(exc.four_property, language()) if exc.four_property else None
        reasons = [render(r, language()) for r in exc.reasons]
    except NotFound:
        abort(404)
    return render_template("fourprops.html", code=code, report=report, reasons=reasons, headings=PROPERTY_HEADINGS)


# The four properties' headings in the page's language (the report's own names are Chinese).
PROPERTY_HEADINGS = {"authenticity": N_("Authenticity"), "integrity": N_("Integrity"), "usability": N_("Usability"),
                     "security": N_("Security")}


def receipt(code: str):
    """Record the receipt from the form, or correct it (with a reason); the newest one counts."""
    user = _require_user("archivist")
    check_csrf()
    reason = request.form.get("reason", "").strip() or None
    try:
        _row, created = handover.receipt(runtime(), user, code, {"receiver": request.form.get("receiver", ""),
                                                                 "date": request.form.get("date", ""), "reason": reason})
        message = (N_("The receipt is corrected.") if reason else N_("The receipt is recorded.")) if created \
            else N_("The receipt was recorded before.")
        flash(gettext(message, language()), "ok")
    except (ValueError, handover.Conflict) as exc:
        flash(render(exc.message, language()) if isinstance(getattr(exc, "message", None), Msg) else str(exc), "error")
    return redirect(url_for("page.archive"))


def transfer_list(code: str):
    """移交清单: the project's documents the archive numbered, to print and sign at the handover."""
    _require_user("archivist", "clerk")
    project = next((p for p in ready_projects() if p["code"] == code), None)
    if project is None:
        abort(404)
    with runtime().reading() as s:
        codes = list(s.scalars(select(m.ArchivalCode).where(m.ArchivalCode.project_code == code).order_by(m.ArchivalCode.code)))
    return render_template("transfer_list.html", project=project, codes=codes)


ROUTES = (
    Route("/archive/<code>/transfer-list", ("GET",), transfer_list, "page.transfer_list"),
    Route("/archive", ("GET",), index, "page.archive"),
    Route("/archive/<code>/four-property", ("GET",), four_property, "page.fourprops"),
    Route("/archive/<code>/receipt", ("POST",), receipt, "page.receipt"),
)
