"""Packages: submit, list, show, attached files, and the district's decision on a declaration."""
from __future__ import annotations

import io

from flask import jsonify, request, send_file

from service.usecases import handover

from service.usecases import submissions
from service.security.accounts import iso
from service.domain.names import safe_name
from service.domain.rules.base import attachment_index
from service.web.api.common import package_summary, report_json, translated_errors
from service.web.auth import current_user, requires, runtime
from service.web.errors import ApiError
from service.web.uploads import received

MEDIA = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".tif": "image/tiff", ".tiff": "image/tiff", ".ofd": "application/ofd",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@requires("street")
def submit():
    """Store a package whatever the verdict: 201 with its id, status and report."""
    with translated_errors(), received() as path:
        stored = submissions.submit(runtime(), current_user(), path)
    row = stored.row
    return jsonify({"id": row.id, "project": row.project_code, "stage": row.stage, "status": row.status,
                    "report": report_json(row)}), 201


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "invalid_request", f"'{name}' must be a whole number") from None
    if not low <= number <= high:
        raise ApiError(400, "invalid_request", f"'{name}' must be between {low} and {high}")
    return number


@requires()
def index():
    """The packages the caller may see, newest first; filters street, stage, status, project, plan_year."""
    page, per_page = _int_arg("page", 1, 1, 10**6), _int_arg("per_page", 50, 1, 200)
    filters = {k: request.args.get(k) for k in ("street", "stage", "status", "project")}
    if request.args.get("plan_year"):
        filters["plan_year"] = _int_arg("plan_year", 0, 1800, 2200)
    rows, total = submissions.listing(runtime(), current_user(), filters, page, per_page)
    return jsonify({"items": [package_summary(r) for r in rows], "page": page, "per_page": per_page, "total": total})


@requires()
def show(package_id: int):
    """One package: its metadata, report and files."""
    with translated_errors():
        stored = submissions.get(runtime(), current_user(), package_id)
    return jsonify({**package_summary(stored.row), "project_block": stored.row.project, "report": report_json(stored.row),
                    "files": [{"path": f.path, "attachment_id": f.attachment_id, "sha256": f.sha256, "size": f.size}
                              for f in stored.files]})


@requires()
def attached_file(package_id: int, attachment_id: str):
    """An attached file, byte for byte as uploaded."""
    with translated_errors():
        stored = submissions.get(runtime(), current_user(), package_id)
    hit = next((f for f in stored.files if f.attachment_id == attachment_id), None)
    if hit is None:
        raise ApiError(404, "not_found", f"the package has no attachment {attachment_id!r}")
    suffix = "." + hit.path.rsplit(".", 1)[-1].lower() if "." in hit.path else ""
    data = runtime().blobs.read(hit.sha256)
    title = attachment_titles(runtime().blobs.read(stored.row.package_sha256)).get(attachment_id)
    # Named by its title where the package gives one (titles are the street's text: made safe).
    name = (safe_name(f"{stored.row.project_code}-{title}", "attachment") + suffix if title
            else safe_name(hit.path.rsplit("/", 1)[-1], "attachment"))
    return send_file(io.BytesIO(data), mimetype=MEDIA.get(suffix, "application/octet-stream"), as_attachment=True,
                     download_name=name, etag=hit.sha256)


def attachment_titles(raw: bytes) -> dict[str, str]:
    """The attachments' titles by id, as the package lists them (a clerk knows a file by its title)."""
    import json

    try:
        doc = json.loads(raw)
    except ValueError:
        return {}
    return {ident: entry["title"].strip() for ident, (_i, entry) in attachment_index(doc).items()
            if isinstance(entry.get("title"), str) and entry["title"].strip()}


@requires("clerk")
def approval(package_id: int):
    """Record the district's decision (计划确定) on an accepted declaration."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "send a JSON object: {\"approved\": true, \"approved_budget_yuan\": \"…\", \"remark\": \"…\"}")
    with translated_errors():
        row = handover.approve(runtime(), current_user(), package_id, body)
    return jsonify({"package": package_id, "approved": row.approved, "plan_year": row.plan_year,
                    "approved_budget_yuan": row.approved_budget_yuan, "remark": row.remark,
                    "decided_at": iso(row.decided_at)}), 201
