"""Projects for the archive: the handover bundle and the receipt."""
from __future__ import annotations

from service.accounts import iso

import io

from flask import jsonify, request, send_file

from service import handover
from service.archive.bag import BagRefused
from service.i18n import render
from service.web.api.common import translated_errors
from service.web.auth import current_user, requires, runtime
from service.web.errors import ApiError
from service.web.i18n import language
from service.domain.names import safe_name


@requires("archivist", "clerk")
def bundle(code: str):
    """The BagIt handover bundle of a project's current packages."""
    with translated_errors():
        try:
            result = handover.bundle(runtime(), current_user(), code)
        except BagRefused as exc:
            raise ApiError(409, "incomplete_project", "the project's packages do not make a complete, valid handover",
                           reasons=[render(r, language()) for r in exc.reasons]) from None
    return send_file(io.BytesIO(result.data), mimetype="application/zip", as_attachment=True,
                     download_name=f"{safe_name(code)}.zip", etag=result.sha256, max_age=0)


@requires("archivist")
def receipt(code: str):
    """Record that the archive received the handover; the same request again changes nothing, a
    different one with a reason corrects it."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "send a JSON object: {\"receiver\": \"…\", \"date\": \"YYYY-MM-DD\"}")
    with translated_errors():
        row, created = handover.receipt(runtime(), current_user(), code, body)
    return jsonify({"project": row.project_code, "receiver": row.receiver, "date": row.received_on,
                    "recorded_at": iso(row.recorded_at), "reason": row.reason}), 201 if created else 200
