"""The clerk's batches: ask for a plan year's documents, follow the job, take the zip."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from service.usecases import jobs
from service.domain.findings import N_
from service.i18n import gettext
from service.web.i18n import language
from service.web.auth import runtime
from service.web.pages.common import check_csrf
from service.web.pages.packages import _require_user
from service.web.route import Route


BATCH_REFUSED = N_("A batch needs a plan year of four digits; the street and the stage, if chosen, must be ones the service knows.")
# How the page names a job's parameters and their values.
PARAM_NAMES = {"plan_year": N_("Plan year"), "street": N_("Street"), "stage": N_("Stage")}


def start():
    """Start (or find) the batch asked for by the overview page's form."""
    user = _require_user("clerk")
    check_csrf()
    try:
        job, _created = jobs.request(runtime(), user, {k: request.form.get(k) for k in ("plan_year", "street", "stage")})
    except ValueError:
        flash(gettext(BATCH_REFUSED, language()), "error")
        return redirect(url_for("page.overview"))
    return redirect(url_for("page.job", job_id=job.id))


def show(job_id: int):
    """A job's progress; the page refreshes itself until the zip is ready."""
    _require_user("clerk")
    found = jobs.progress(runtime(), job_id)
    if found is None:
        abort(404)
    return render_template("job.html", job=found, param_names=PARAM_NAMES)


ROUTES = (
    Route("/jobs", ("POST",), start, "page.batch"),
    Route("/jobs/<int(max=2147483647):job_id>", ("GET",), show, "page.job"),
)
