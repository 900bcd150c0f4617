"""Batch jobs: ask for every document of a plan year (street, stage), follow it, take the zip."""
from __future__ import annotations

import io

from flask import jsonify, request, send_file

from service.usecases import jobs
from service.web.api.common import translated_errors
from service.web.auth import current_user, requires, runtime
from service.web.errors import ApiError


@requires("clerk")
def create():
    """Start a batch (202), or answer with the same request's job (200)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "send a JSON object such as {\"plan_year\": 2020}")
    with translated_errors():
        job, created = jobs.request(runtime(), current_user(), body)
    return jsonify(jobs.progress(runtime(), job.id)), 202 if created else 200


@requires("clerk")
def show(job_id: int):
    """A job's progress: done of total, failures with reasons, whether the zip is ready."""
    found = jobs.progress(runtime(), job_id)
    if found is None:
        raise ApiError(404, "not_found", "no such job")
    return jsonify(found)


@requires("clerk")
def result(job_id: int):
    """The finished job's zip, laid out by plan year, street and project."""
    data = jobs.result(runtime(), job_id)
    if data is None:
        raise ApiError(409 if jobs.progress(runtime(), job_id) else 404, "not_ready", "the job has not finished")
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=f"jiugai-batch-{job_id}.zip")
